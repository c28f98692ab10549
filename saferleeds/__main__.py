"""``python -m saferleeds``: the command line."""

import sys

from saferleeds.cli import main

sys.exit(main())
