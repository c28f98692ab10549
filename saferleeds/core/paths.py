"""Where the dataset lives.

The dataset is a folder holding ``data/`` (values, catalogue, editable lookups) and ``geo/``
(boundaries and area lookups). By default it is the project folder; a deployment keeps its data
elsewhere by setting ``SAFERLEEDS_HOME``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HOME_VARIABLE = "SAFERLEEDS_HOME"

VALUES_FILE = "values.parquet"
CATALOGUE_FILE = "catalogue.toml"
NEIGHBOURHOODS_FILE = "priority_neighbourhoods.csv"
ANNOTATIONS_FILE = "annotations.csv"
MANIFEST_FILE = "manifest.json"


@dataclass(frozen=True)
class DatasetPaths:
    """The files of one dataset folder."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def geo(self) -> Path:
        return self.root / "geo"

    @property
    def values(self) -> Path:
        return self.data / VALUES_FILE

    @property
    def catalogue(self) -> Path:
        return self.data / CATALOGUE_FILE

    @property
    def neighbourhoods(self) -> Path:
        return self.data / NEIGHBOURHOODS_FILE

    @property
    def annotations(self) -> Path:
        return self.data / ANNOTATIONS_FILE

    @property
    def manifest(self) -> Path:
        return self.data / MANIFEST_FILE

    def boundary(self, level: str) -> Path:
        return self.geo / f"{level}.geojson"

    def tracked_files(self) -> list[Path]:
        """Every file whose change makes a new dataset version."""
        files = [self.values, self.catalogue, self.neighbourhoods, self.annotations]
        files += sorted(self.geo.glob("*.csv")) + sorted(self.geo.glob("*.geojson"))
        return files


def default_root() -> Path:
    """The dataset folder: ``$SAFERLEEDS_HOME`` if set, else the project folder."""
    configured = os.environ.get(HOME_VARIABLE)
    return Path(configured).expanduser().resolve() if configured else PROJECT_ROOT


def dataset_paths(root: str | Path | None = None) -> DatasetPaths:
    return DatasetPaths(Path(root).resolve() if root else default_root())


def dataset_version(paths: DatasetPaths) -> str:
    """A short fingerprint of the dataset's files (name, size, modification time).

    Cheap enough to compute on every rerun; any apply or edit changes it, so cached loaders keyed
    on it reload exactly when the data changed.
    """
    digest = hashlib.sha1()
    for path in paths.tracked_files():
        try:
            stat = path.stat()
        except FileNotFoundError:
            digest.update(f"{path.name}:missing".encode())
            continue
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]
