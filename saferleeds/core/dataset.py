"""A loaded dataset: catalogue, geography, values and boundaries, plus applying new data safely."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from saferleeds.core.catalogue import Catalogue, load_catalogue
from saferleeds.core.errors import DataError, Problem, file_label
from saferleeds.core.geography import Geography, load_geography
from saferleeds.core.paths import DatasetPaths, dataset_version
from saferleeds.core.values import read_values

if TYPE_CHECKING:
    import geopandas as gpd

ANNOTATION_COLUMNS = ("date", "indicators", "note")
MEMO_LIMIT = 3600  # derived results remembered per dataset version (what is prepared after loading takes 3,136)


@dataclass
class _Working:
    """A result being worked out by one thread, which others asking for it wait on."""

    thread: int
    done: threading.Event = field(default_factory=threading.Event)
    result: object = None
    failed: BaseException | None = None


@dataclass
class Dataset:
    """Everything a page needs, read once per dataset version and shared read-only."""

    paths: DatasetPaths
    version: str
    catalogue: Catalogue
    geography: Geography
    values: pd.DataFrame
    annotations: pd.DataFrame
    by_indicator: dict[str, pd.DataFrame] = field(default_factory=dict)
    stored: bool = True  # the values are the dataset folder's (not changed in memory), so results may be filed there
    _memo: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _kept: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _working: dict = field(default_factory=dict, repr=False)  # key -> _Working, while one thread computes it

    def __repr__(self) -> str:
        return f"Dataset({self.paths.root}, version {self.version}, {len(self.values):,} values)"

    def with_values(self, values: pd.DataFrame, annotations: pd.DataFrame | None = None) -> Dataset:
        """Another dataset with the same catalogue and geography but these values (and nothing remembered)."""
        values = values.reset_index(drop=True)
        return Dataset(
            paths=self.paths,
            version=f"{self.version}+{id(values):x}",
            catalogue=self.catalogue,
            geography=self.geography,
            values=values,
            annotations=self.annotations if annotations is None else annotations,
            by_indicator=split_by_indicator(values),
            stored=False,
        )

    def rows(self, indicator: str) -> pd.DataFrame:
        """Stored rows of one indicator (empty when there are none)."""
        return self.by_indicator.get(indicator, self.values.iloc[0:0])

    @cached_property
    def months(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(sorted(self.values["period"].unique()))

    @property
    def latest_month(self) -> pd.Timestamp:
        return self.months[-1]

    def memo(self, key: tuple, compute, keep: bool = False):
        """Remember a derived result for this dataset version (thread-safe, shared by sessions).

        A result asked for by several sessions at once is worked out once: the others wait for it. The
        least recently used results are forgotten beyond MEMO_LIMIT, so memory stays bounded however
        many combinations people look at; ``keep`` results (boundaries) are never forgotten.
        """
        store = self._kept if keep else self._memo
        with self._lock:
            if key in store:
                if not keep:
                    self._memo.move_to_end(key)
                return store[key]
            found: _Working | None = self._working.get(key)
            mine = found is None or found.thread == threading.get_ident()
            working = _Working(threading.get_ident()) if found is None or mine else found
            if mine:
                self._working[key] = working
        if not mine:
            working.done.wait()
            return working.result if working.failed is None else compute()
        try:
            working.result = compute()
        except BaseException as error:
            working.failed = error
            raise
        finally:
            with self._lock:
                if self._working.get(key) is working:
                    del self._working[key]
            working.done.set()
        with self._lock:
            store.setdefault(key, working.result)
            if not keep:
                self._memo.move_to_end(key)
                while len(self._memo) > MEMO_LIMIT:
                    self._memo.popitem(last=False)
            return store[key]

    def boundaries(self, level: str) -> gpd.GeoDataFrame:
        """Boundaries of one level in lon/lat with ``code`` and ``name`` (read once, then shared)."""

        def load() -> gpd.GeoDataFrame:
            # Imported here: pages without a map never need the geometry libraries, which are slow to load.
            from saferleeds.core.boundaries import dissolved_boundaries, read_boundary

            if level in self.geography.listed_levels:
                return dissolved_boundaries(self.boundaries(self.geography.levels.finest), self.geography, level)
            frame = read_boundary(self.paths.boundary(level))
            if "name" not in frame.columns:
                frame["name"] = frame["code"].map(self.geography.name)
            return frame[["code", "name", "geometry"]]

        return self.memo(("boundaries", level), load, keep=True)

    def lsoa_boundaries(self) -> gpd.GeoDataFrame:
        return self.boundaries(self.geography.levels.finest)


def read_annotations(path: Path) -> pd.DataFrame:
    """Dated notes drawn on trend charts; a missing file means no notes."""
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype="str") for c in ANNOTATION_COLUMNS}).assign(
            date=pd.Series(dtype="datetime64[ms]")
        )
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ANNOTATION_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(Problem(file_label(path), f"missing column(s) {', '.join(missing)}", row=1))
    dates = pd.to_datetime(frame["date"], errors="coerce", format="%Y-%m-%d")
    if dates.isna().any():
        row = int(dates.isna().to_numpy().nonzero()[0][0]) + 2
        raise DataError(
            Problem(
                file_label(path),
                f"'{frame['date'].iloc[row - 2]}' is not a date (expected YYYY-MM-DD)",
                row,
                "date",
            )
        )
    frame["date"] = dates.astype("datetime64[ms]")
    return frame.loc[:, list(ANNOTATION_COLUMNS)]


def load_dataset(paths: DatasetPaths) -> Dataset:
    """Read a dataset folder; any missing or damaged file raises DataError naming it."""
    version = dataset_version(paths)
    catalogue = load_catalogue(paths.catalogue)
    geography = load_geography(paths, catalogue.levels, catalogue.source)
    values = read_values(paths.values)
    annotations = read_annotations(paths.annotations)
    return Dataset(
        paths=paths,
        version=version,
        catalogue=catalogue,
        geography=geography,
        values=values,
        annotations=annotations,
        by_indicator=split_by_indicator(values),
    )


def split_by_indicator(values: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {
        str(key): frame.reset_index(drop=True) for key, frame in values.groupby("indicator", sort=True, observed=True)
    }


def describe(dataset: Dataset) -> str:
    """A short plain-text description of a dataset (used by ``python -m saferleeds info``, which adds the
    coverage ledger)."""
    months = dataset.months
    levels, statuses = dataset.catalogue.levels, dataset.catalogue.statuses
    counts = dataset.values["status"].value_counts()
    held = [s for s in (*statuses.ids, *sorted(set(counts.index) - set(statuses.ids))) if counts.get(s)]
    lines = [
        f"Dataset folder: {dataset.paths.root} (version {dataset.version})",
        f"{len(dataset.values):,} values for {dataset.values['indicator'].nunique()} indicators, "
        f"{months[0]:%B %Y} to {months[-1]:%B %Y}",
        "Status: " + ", ".join(f"{int(counts[name]):,} {name}" for name in held),
        f"{len(dataset.geography.lsoa)} LSOAs, "
        + ", ".join(
            f"{len(dataset.geography.level_areas(lv.id))} {lv.plural}"
            for lv in levels
            if lv.id not in (levels.finest, levels.city)
        ),
    ]
    return "\n".join(lines)
