"""Remake the reference renders that tests/test_export_reference_images.py compares with.

Run from the project folder after a deliberate change to how a chart looks, then look at every new
picture before committing it: ``.venv/bin/python tests/data/reference/make_references.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(PROJECT_ROOT))

from saferleeds.core.dataset import load_dataset  # noqa: E402
from saferleeds.core.paths import dataset_paths  # noqa: E402
from tests.test_export_reference_images import REFERENCE_FOLDER, REFERENCES, draw  # noqa: E402


def main() -> None:
    dataset = load_dataset(dataset_paths(PROJECT_ROOT))
    for name in REFERENCES:
        (REFERENCE_FOLDER / name).write_bytes(draw(dataset, name))
        print(f"wrote {REFERENCE_FOLDER / name}")


if __name__ == "__main__":
    main()
