"""``python -m saferleeds``: the command line."""

import sys

if __name__ == "__main__":  # not when a worker process (drawing pictures) imports this module
    from saferleeds.cli import main

    sys.exit(main())
