"""Ingest police.uk street-level crime: place every row in a Leeds LSOA and count them by month.

Each row is placed by its LSOA code (police.uk assigns it from the true location; the published
coordinates are snapped to anonymous map points). A row with no LSOA code falls back to
point-in-polygon on its coordinates. Rows outside Leeds and rows with no location are counted and
reported, never silently dropped. The result is a complete grid of monthly counts per LSOA and
indicator (zeros included), ready to replace those months in the values table. Reading the files
is ``saferleeds.ingest.police_uk_files``.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from saferleeds.core.catalogue import Catalogue
from saferleeds.core.errors import DataError, Problem
from saferleeds.core.geography import LSOA_CODE_PATTERN, Geography
from saferleeds.core.periods import implausible_month, month_span, parse_month
from saferleeds.core.text import quoted
from saferleeds.ingest import gate
from saferleeds.ingest.police_uk_files import (
    Rows,
    Source,
    check_bytes,
    dictionary,
    drop_blank_rows,
    read_table,
    sources_from_bytes,
    sources_from_paths,
    used,
)

__all__ = ["ALL_EXCEPT_ASB", "IngestResult", "Source", "read_police_uk", "sources_from_bytes", "sources_from_paths"]

ALL_EXCEPT_ASB = "ALL_EXCEPT_ASB"
ASB_TYPE = "anti-social behaviour"
SOURCE = "police.uk street-level crime"
# Placement codes besides an LSOA's position (>= 0), and the code of a crime type not in the catalogue.
OUTSIDE = -1
NO_CODE = -2
UNKNOWN = -1


@dataclass
class IngestResult:
    counts: pd.DataFrame  # values-table rows: complete monthly grid per LSOA and indicator
    months: list[pd.Timestamp]
    files: list[str]
    rows_read: int = 0
    rows_placed_by_code: int = 0
    rows_placed_by_coordinates: int = 0
    rows_outside_leeds: int = 0
    rows_without_location: int = 0
    rows_unknown_type: int = 0
    warnings: list[Problem] = field(default_factory=list)

    @property
    def rows_counted(self) -> int:
        return self.rows_placed_by_code + self.rows_placed_by_coordinates

    def summary(self) -> str:
        files = _plural(len(self.files), "file", "files")
        parts = [
            f"Read {_plural(self.rows_read, 'row', 'rows')} from {files} for {month_span(self.months)}.",
            f"{_plural(self.rows_counted, 'row', 'rows')} placed in Leeds "
            f"({self.rows_placed_by_coordinates:,} of them by their coordinates).",
        ]
        if self.rows_outside_leeds:
            parts.append(f"{_plural(self.rows_outside_leeds, 'row lies', 'rows lie')} outside Leeds; not counted.")
        if self.rows_without_location:
            parts.append(f"{_plural(self.rows_without_location, 'row has', 'rows have')} no location; not counted.")
        if self.rows_unknown_type:
            parts.append(
                f"{_plural(self.rows_unknown_type, 'row has', 'rows have')} a crime type this dataset does not know; "
                "not counted."
            )
        return " ".join(parts)


def _plural(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"


class _Placer:
    """Maps LSOA codes (2021 or 2011) and, failing that, coordinates to Leeds LSOA 2021 positions."""

    def __init__(self, geography: Geography, boundaries_loader: Callable[[], Any]):
        self.codes = pd.Index(geography.lsoa.index)
        self.position = {code: i for i, code in enumerate(self.codes)}
        for code11, code21 in geography.lsoa11_best_fit.items():
            self.position.setdefault(code11, self.position[code21])
        self.known = dict(self.position)  # text as written -> position, for text already checked
        self.boundaries_loader = boundaries_loader
        self._tree: Any = None
        self._polygon_position = np.zeros(0, dtype=np.int64)

    def by_code(self, codes: np.ndarray, values: list[str], rows: Rows, label: str) -> np.ndarray:
        """LSOA position per row: >= 0 in Leeds, OUTSIDE for another area, NO_CODE when blank."""
        lookup = np.full(len(values), NO_CODE, dtype=np.int64)
        for i in used(codes):
            raw = values[i]
            known = self.known.get(raw)
            if known is not None:
                lookup[i] = known
                continue
            code = raw.strip().upper()
            if not code:
                lookup[i] = NO_CODE
            elif not LSOA_CODE_PATTERN.match(code):
                raise DataError(
                    Problem(
                        label,
                        f"{quoted(raw)} is not an LSOA code (expected E01 and six digits)",
                        rows.first(codes, i),
                        "LSOA code",
                    )
                )
            else:
                lookup[i] = self.known[raw] = self.position.get(code, OUTSIDE)
        return lookup[codes] if len(values) else np.zeros(0, dtype=np.int64)

    def by_point(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """LSOA position of each point, or OUTSIDE."""
        import shapely

        if self._tree is None:
            boundaries = self.boundaries_loader()
            self._polygon_position = np.array([self.position.get(c, OUTSIDE) for c in boundaries["code"]])
            self._tree = shapely.STRtree(boundaries.geometry.values)
        point_index, polygon_index = self._tree.query(shapely.points(lon, lat), predicate="intersects")
        result = np.full(len(lon), OUTSIDE, dtype=np.int64)
        # A point on a shared border touches two polygons: keep the first, as a stable choice.
        first = np.unique(point_index, return_index=True)[1]
        result[point_index[first]] = self._polygon_position[polygon_index[first]]
        return result


@dataclass
class _Tally:
    """Counts per month, indicator and LSOA, accumulated file by file."""

    indicators: list[str]
    areas: int
    by_month: dict[pd.Timestamp, np.ndarray] = field(default_factory=dict)
    mentioned: set[pd.Timestamp] = field(default_factory=set)
    # (month, force) -> the file that gave it, and that file's length and checksum
    seen: dict[tuple[pd.Timestamp, str], tuple[str, tuple[int, int]]] = field(default_factory=dict)

    def add(self, months: list[pd.Timestamp], month_codes: np.ndarray, indicator: np.ndarray, lsoa: np.ndarray):
        cells = len(self.indicators) * self.areas
        keys = month_codes.astype(np.int64) * cells + indicator * self.areas + lsoa
        counted = np.bincount(keys, minlength=len(months) * cells).reshape(len(months), len(self.indicators), -1)
        for i, month in enumerate(months):
            if counted[i].any():
                grid = self.by_month.setdefault(month, np.zeros((len(self.indicators), self.areas), dtype=np.int64))
                grid += counted[i]


def _months(table: pa.Table, rows: Rows, label: str) -> tuple[np.ndarray, list[pd.Timestamp]]:
    codes, values = dictionary(table, "Month")
    parsed: dict[int, pd.Timestamp] = {}
    for i in used(codes):
        month = parse_month(values[i])
        if month is None:
            shown = values[i].strip() or "(empty)"
            raise DataError(
                Problem(label, f"{quoted(shown)} is not a month (expected e.g. 2025-02)", rows.first(codes, i), "Month")
            )
        implausible = implausible_month(month)
        if implausible is not None:
            raise DataError(Problem(label, implausible, rows.first(codes, i), "Month"))
        parsed[i] = month
    # Spellings of one month ('2025-02', 'Feb-25') share one code.
    distinct = sorted(set(parsed.values()))
    remap = np.zeros(len(values), dtype=np.int64)
    for i, month in parsed.items():
        remap[i] = distinct.index(month)
    return remap[codes], distinct


def _repeated_file(
    tally: _Tally, table: pa.Table, month_codes: np.ndarray, months: list, digest: tuple[int, int], label: str
) -> str | None:
    """The earlier file this one repeats byte for byte, or None; a month and force given twice by
    two different files is an error (each month is loaded once)."""
    force_codes, forces = dictionary(table, "Reported by")
    forces = [f.strip() for f in forces] or [""]
    pairs = np.unique(month_codes * len(forces) + (force_codes if len(force_codes) else 0))
    keys = [(months[p // len(forces)], forces[p % len(forces)]) for p in pairs]
    for key in keys:
        if key in tally.seen:
            earlier, earlier_digest = tally.seen[key]
            if earlier_digest == digest:
                return earlier
            month, force = key
            raise DataError(
                Problem(
                    label,
                    f"{month.strftime('%B %Y')} from {quoted(force) if force else 'the same force'} is "
                    f"also in {earlier}; load each month once",
                    column="Month",
                )
            )
    for key in keys:
        tally.seen[key] = (label, digest)
    return None


def _coordinates(table: pa.Table, positions: np.ndarray, rows: Rows, label: str) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude of the rows at ``positions``; NaN where blank, DataError where not a number."""
    found = []
    for name, low, high in (("Longitude", -180, 180), ("Latitude", -90, 90)):
        column = pc.utf8_trim_whitespace(table.column(name).take(pa.array(positions)))
        blank = pc.equal(column, "")
        try:
            numbers = pc.cast(pc.if_else(blank, None, column), pa.float64()).to_numpy(zero_copy_only=False)
        except pa.ArrowInvalid:  # some text is not a number: find it the slow way
            numbers = pd.to_numeric(pd.Series(column.to_pylist(), dtype=object), errors="coerce").to_numpy(float)
        numbers = np.where(blank.to_numpy(zero_copy_only=False), np.nan, numbers)
        bad = ~blank.to_numpy(zero_copy_only=False) & (np.isnan(numbers) | (numbers < low) | (numbers > high))
        if bad.any():
            text = column.to_pylist()
            first = int(np.flatnonzero(bad)[0])
            raise DataError(
                Problem(
                    label,
                    f"{quoted(text[first])} is not a {name.lower()} and the row has no LSOA code to place it by",
                    rows.number(int(positions[first])),
                    name,
                )
            )
        found.append(numbers)
    return found[0], found[1]


def _indicator_codes(
    table: pa.Table, type_position: dict[str, int], placed: np.ndarray, rows: Rows, label: str, result: IngestResult
) -> np.ndarray:
    codes, values = dictionary(table, "Crime type")
    names = [v.strip() for v in values]
    lookup = np.array([type_position.get(n.lower(), UNKNOWN) for n in names], dtype=np.int64)
    indicator = lookup[codes] if len(names) else np.zeros(0, dtype=np.int64)
    unknown = (indicator == UNKNOWN) & placed
    if unknown.any():
        result.rows_unknown_type += int(unknown.sum())
        for code in np.unique(codes[unknown])[:5]:
            result.warnings.append(
                Problem(
                    label,
                    f"crime type {quoted(names[code])} is not in the catalogue; its rows were not counted",
                    rows.first(np.where(unknown, codes, -1), int(code)),
                    "Crime type",
                    "warning",
                )
            )
    return indicator


@dataclass
class _Placed:
    """Where one file's rows lie: an LSOA position per row, and how each was found."""

    lsoa: np.ndarray
    by_code: int = 0
    by_coordinates: int = 0
    outside: int = 0
    without_location: int = 0


def _locate(table: pa.Table, placer: _Placer, rows: Rows, label: str) -> _Placed:
    """Place rows by LSOA code, and rows without one by their coordinates."""
    lsoa_codes, lsoa_values = dictionary(table, "LSOA code")
    lsoa = placer.by_code(lsoa_codes, lsoa_values, rows, label)
    placed = _Placed(lsoa, by_code=int((lsoa >= 0).sum()), outside=int((lsoa == OUTSIDE).sum()))
    no_code = np.flatnonzero(lsoa == NO_CODE)
    if len(no_code):
        lon, lat = _coordinates(table, no_code, rows, label)
        located = ~np.isnan(lon) & ~np.isnan(lat)
        placed.without_location = int((~located).sum())
        if located.any():
            found = placer.by_point(lon[located], lat[located])
            lsoa[no_code[located]] = found
            placed.by_coordinates = int((found >= 0).sum())
            placed.outside += int((found < 0).sum())
    return placed


def _place(
    source: Source,
    placer: _Placer,
    type_position: dict[str, int],
    tally: _Tally,
    result: IngestResult,
) -> None:
    """Read one CSV and add its rows to the tally; raises DataError before adding anything."""
    label = source.label
    data = check_bytes(source)
    gate.check_text(label, data, gate.POLICE_UK_BOUNDS, rows_before=result.rows_read)
    table, data = read_table(data, label, result.warnings)
    table, kept = drop_blank_rows(table)
    if table.num_rows == 0:
        raise DataError(Problem(label, "the file has a header but no rows", row=2))
    rows = Rows(data, kept)
    month_codes, months = _months(table, rows, label)
    # The length and a checksum tell a repeated download (the same month in two zips) from a different file.
    earlier = _repeated_file(tally, table, month_codes, months, (len(source.data), zlib.crc32(source.data)), label)
    if earlier is not None:
        result.warnings.append(Problem(label, f"identical to {earlier}; read once", severity="warning"))
        return
    placed = _locate(table, placer, rows, label)
    indicator = _indicator_codes(table, type_position, placed.lsoa >= 0, rows, label, result)
    keep = (placed.lsoa >= 0) & (indicator >= 0)
    tally.add(months, month_codes[keep], indicator[keep], placed.lsoa[keep])
    tally.mentioned.update(months)
    result.rows_read += table.num_rows
    result.rows_placed_by_code += placed.by_code
    result.rows_placed_by_coordinates += placed.by_coordinates
    result.rows_outside_leeds += placed.outside
    result.rows_without_location += placed.without_location
    result.files.append(label)


def read_police_uk(
    sources: Iterable[Source],
    geography: Geography,
    catalogue: Catalogue,
    boundaries_loader: Callable[[], Any],
    progress: Callable[[str], None] | None = None,
) -> IngestResult:
    """Read police.uk street CSVs into a complete monthly grid of counts per Leeds LSOA.

    Raises DataError with the file, row and column for anything it cannot read unambiguously.
    """
    type_indicators = {
        str(i.police_uk_crime_type).lower(): i.id
        for i in catalogue.police_uk_indicators()
        if i.police_uk_crime_type != ALL_EXCEPT_ASB
    }
    indicators = sorted(set(type_indicators.values()))
    type_position = {crime_type: indicators.index(ind) for crime_type, ind in type_indicators.items()}
    total_ids = [i.id for i in catalogue.police_uk_indicators() if i.police_uk_crime_type == ALL_EXCEPT_ASB]
    placer = _Placer(geography, boundaries_loader)
    result = IngestResult(counts=pd.DataFrame(), months=[], files=[])
    tally = _Tally(indicators, len(placer.codes))
    for source in sources:
        if progress:
            progress(source.label)
        _place(source, placer, type_position, tally, result)
    if not result.files:
        raise DataError(Problem("upload", "no police.uk street files were given"))
    result.months = sorted(tally.by_month)
    for month in sorted(tally.mentioned - set(result.months)):
        result.warnings.append(
            Problem(
                ", ".join(result.files),
                f"no rows for {month.strftime('%B %Y')} lie in Leeds; that month was left as it was",
                severity="warning",
            )
        )
    if not result.months:
        raise DataError(Problem(", ".join(result.files), "no rows lie in Leeds, so nothing can be loaded"))
    asb = [i for i, ind in enumerate(indicators) if ind == type_indicators.get(ASB_TYPE)]
    result.counts = _grid(tally, result.months, placer.codes, indicators, total_ids, asb)
    _check_plausible(result, catalogue)
    return result


def _check_plausible(result: IngestResult, catalogue: Catalogue) -> None:
    """Leeds's monthly count of each indicator must lie within its plausible range (a file repeated many
    times over, or rows of another force's whole history, would not)."""
    totals = result.counts.groupby(["indicator", "period"])["value"].sum()
    problems = []
    for (indicator_id, month), total in totals.items():
        plausible = catalogue.indicator(str(indicator_id)).plausible_range
        if plausible is not None and total > plausible[1]:
            problems.append(
                Problem(
                    ", ".join(result.files),
                    f"{total:,.0f} {catalogue.indicator(str(indicator_id)).label.lower()} in Leeds in {month:%B %Y} is "
                    f"more than the {plausible[1]:,.0f} a month the catalogue states as plausible; is a file repeated?",
                    column="Crime type",
                )
            )
    if problems:
        raise DataError(problems)


def _grid(
    tally: _Tally,
    months: list[pd.Timestamp],
    areas: pd.Index,
    indicators: list[str],
    total_ids: list[str],
    asb: list[int],
) -> pd.DataFrame:
    """The values-table rows: every indicator x month x LSOA, zeros included."""
    counts = np.stack([tally.by_month[m] for m in months], axis=1)  # indicator, month, area
    if total_ids:
        crime = np.delete(counts, asb, axis=0).sum(axis=0)
        counts = np.concatenate([counts, np.repeat(crime[None], len(total_ids), axis=0)])
    names = indicators + total_ids
    n_names, n_months, n_areas = counts.shape
    size = counts.size
    table = pa.table(
        {
            "indicator": _repeated(names, np.repeat(np.arange(n_names), n_months * n_areas)),
            "period": pa.array(
                np.tile(np.repeat(pd.DatetimeIndex(months).to_numpy().astype("datetime64[ms]"), n_areas), n_names)
            ),
            "area_code": _repeated(list(areas), np.tile(np.arange(n_areas), n_names * n_months)),
            "value": pa.array(counts.ravel().astype(float)),
            "denominator": pa.nulls(size, pa.float64()),
            "status": _repeated(["recorded"], np.zeros(size, dtype=np.int64)),
            "source": _repeated([SOURCE], np.zeros(size, dtype=np.int64)),
        }
    )
    grid = table.to_pandas()
    grid["denominator"] = grid["denominator"].astype(float)
    return grid


def _repeated(values: list[str], codes: np.ndarray) -> pa.Array:
    """A text column built from a few distinct values (fast for long, repetitive columns)."""
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), pa.array(values)).cast(pa.string())
