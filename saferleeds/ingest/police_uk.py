"""Ingest police.uk street-level crime downloads: monthly CSVs or the bulk zip archive.

Each row is placed by its LSOA code (police.uk assigns it from the true location; the published
coordinates are snapped to anonymous map points). A row with no LSOA code falls back to
point-in-polygon on its coordinates. Rows outside Leeds and rows with no location are counted and
reported, never silently dropped. The result is a complete grid of monthly counts per LSOA and
indicator (zeros included), ready to replace those months in the values table.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from saferleeds.core.catalogue import Catalogue
from saferleeds.core.errors import DataError, Problem, file_label
from saferleeds.core.geography import LSOA_CODE_PATTERN, Geography

REQUIRED_COLUMNS = ("Month", "Longitude", "Latitude", "LSOA code", "Crime type")
KNOWN_COLUMNS = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
READ_COLUMNS = ("Month", "Reported by", "Longitude", "Latitude", "LSOA code", "Crime type")
STREET_MEMBER = re.compile(r"(^|/)(\d{4}-\d{2})/[^/]*-street\.csv$", re.IGNORECASE)
ALL_EXCEPT_ASB = "ALL_EXCEPT_ASB"
ASB_TYPE = "anti-social behaviour"
MONTH_FORMATS = (
    "%Y-%m",
    "%Y-%m-%d",
    "%Y/%m",
    "%b-%y",
    "%b-%Y",
    "%B-%y",
    "%B-%Y",
    "%b %Y",
    "%B %Y",
    "%b %y",
    "%m/%Y",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%Y-%m-%dT%H:%M:%S",
    "%d-%b-%y",
    "%d-%b-%Y",
)
SOURCE = "police.uk street-level crime"
UTF8_BOM = b"\xef\xbb\xbf"
DICTIONARY = pa.dictionary(pa.int32(), pa.string())
DICTIONARY_COLUMNS = ("Month", "Reported by", "LSOA code", "Crime type")
# Placement codes besides an LSOA's position (>= 0), and the code of a crime type not in the catalogue.
OUTSIDE = -1
NO_CODE = -2
UNKNOWN = -1

# Bounds on what a single ingest will read, so a hostile or mistaken upload cannot exhaust memory.
MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_ARCHIVE_EXPANDED_BYTES = 4 * 1024 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """One CSV to read: a label people recognise (file, or archive!member) and its bytes."""

    label: str
    data: bytes


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


@functools.lru_cache(maxsize=1024)
def normalise_header(name: str) -> str:
    """Map a header as spreadsheets rewrite it ('lsoa_code', ' LSOA Code') to police.uk's own."""
    cleaned = re.sub(r"[\s_]+", " ", name.replace("\ufeff", "")).strip().lower()
    for known in KNOWN_COLUMNS:
        if known.lower() == cleaned:
            return known
    return name.strip()


def parse_month(text: str) -> pd.Timestamp | None:
    """The month start for a police.uk month in any common spelling ('2025-02', 'Feb-25'), or None."""
    value = str(text).strip()
    for fmt in MONTH_FORMATS:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return pd.Timestamp(parsed.year, parsed.month, 1)
    return None


def month_span(months: list[pd.Timestamp]) -> str:
    """Months in words: 'February 2025', or 'April 2016 to February 2025 (107 months)' for a run."""
    if not months:
        return "no months"
    ordered = sorted(months)
    consecutive = all((b.year - a.year) * 12 + b.month - a.month == 1 for a, b in itertools.pairwise(ordered))
    if len(ordered) > 2 and consecutive:
        return f"{ordered[0]:%B %Y} to {ordered[-1]:%B %Y} ({len(ordered)} months)"
    if len(ordered) > 6:
        return f"{len(ordered)} months from {ordered[0]:%B %Y} to {ordered[-1]:%B %Y}"
    return ", ".join(m.strftime("%B %Y") for m in ordered)


def _check_bytes(source: Source) -> bytes:
    """The file's bytes without a byte-order mark; empty and binary files are refused."""
    data = source.data
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    if not data or data.isspace():
        raise DataError(Problem(source.label, "the file is empty"))
    if b"\x00" in data[:4096]:
        raise DataError(
            Problem(
                source.label,
                "this is not a CSV text file (it holds binary data); save it as CSV from your spreadsheet software",
            )
        )
    return data


def _as_utf8(data: bytes, label: str) -> tuple[bytes, Problem]:
    """Re-encode a file that is not UTF-8, reading it as Windows-1252 (what Excel writes on Windows)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
    else:  # pragma: no cover - only called after a UTF-8 failure
        row = None
    text = data.decode("cp1252", errors="replace")
    warning = Problem(
        label,
        "the file is not UTF-8; it was read as Windows-1252 text (the encoding Excel uses on Windows)",
        row=row,
        severity="warning",
    )
    return text.encode("utf-8"), warning


def _header(data: bytes, label: str) -> list[str]:
    end = data.find(b"\n")
    first_line = data if end < 0 else data[:end]
    try:
        text = first_line.decode("utf-8")
    except UnicodeDecodeError:
        text = first_line.decode("cp1252", errors="replace")
    try:
        header = next(csv.reader([text.rstrip("\r")]), [])
    except csv.Error as exc:
        raise DataError(Problem(label, f"the header row cannot be read as CSV ({exc})", row=1)) from exc
    if not any(h.strip() for h in header):
        raise DataError(Problem(label, "the file has no header row", row=1))
    columns = [normalise_header(h) for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        present = ", ".join(f"'{h}'" for h in header)
        raise DataError(
            Problem(
                label,
                f"missing police.uk column(s) {', '.join(repr(m) for m in missing)}; the header has {present}",
                row=1,
                column=missing[0],
            )
        )
    return columns


def _arrow_read(data: bytes, names: list[str]) -> pa.Table:
    return pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=16 << 20),
        parse_options=pacsv.ParseOptions(newlines_in_values=False),
        convert_options=pacsv.ConvertOptions(
            include_columns=[c for c in READ_COLUMNS if c in names],
            column_types={c: (DICTIONARY if c in DICTIONARY_COLUMNS else pa.string()) for c in READ_COLUMNS},
            strings_can_be_null=False,
        ),
    )


def _read_table(data: bytes, label: str, warnings: list[Problem]) -> tuple[pa.Table, bytes]:
    """The columns the ingest needs (text that repeats dictionary-encoded), and the file's UTF-8 bytes."""
    columns = _header(data, label)
    names = [c if c in READ_COLUMNS and c not in columns[:i] else f"_ignored_{i}" for i, c in enumerate(columns)]
    try:
        table = _arrow_read(data, names)
    except pa.ArrowInvalid as exc:
        if "UTF8" not in str(exc):
            raise _malformed(data, label, len(columns), exc) from exc
        data, warning = _as_utf8(data, label)
        warnings.append(warning)
        try:
            table = _arrow_read(data, names)
        except pa.ArrowInvalid as again:
            raise _malformed(data, label, len(columns), again) from again
    table = table.unify_dictionaries()
    if "Reported by" not in table.column_names:
        table = table.append_column("Reported by", pa.array([""] * len(table), DICTIONARY))
    return table, data


def _malformed(data: bytes, label: str, width: int, exc: Exception) -> DataError:
    """Locate a row the CSV parser refused (the slow path, taken only for a broken file)."""
    text = data.decode("utf-8", errors="replace")
    rows = csv.reader(io.StringIO(text, newline=""))
    number = 0
    try:
        for number, row in enumerate(rows, start=1):
            if row and len(row) != width:
                return DataError(
                    Problem(
                        label,
                        f"the row has {len(row)} fields but the header has {width}; is the file cut short or edited?",
                        row=number,
                    )
                )
    except csv.Error as error:
        return DataError(Problem(label, f"the file is not a well-formed CSV ({error})", row=number + 1))
    first_line = str(exc).splitlines()[0]
    return DataError(Problem(label, f"the file is not a well-formed CSV ({first_line})"))


def _dictionary(table: pa.Table, column: str) -> tuple[np.ndarray, list[str]]:
    """Row codes (int32) and the distinct values of a dictionary-encoded column."""
    chunked = table.column(column)
    if chunked.num_chunks == 0:
        return np.zeros(0, dtype=np.int32), []
    dictionary = chunked.chunk(0).dictionary.to_pylist()
    codes = np.concatenate([chunk.indices.to_numpy(zero_copy_only=False) for chunk in chunked.chunks])
    return codes, dictionary


@dataclass(frozen=True)
class _Rows:
    """File row numbers (the header is row 1) of table rows, worked out only when a problem needs one.

    The CSV reader skips empty lines and the ingest drops rows with nothing in them, so a table
    row's position is not simply its line number minus two.
    """

    data: bytes
    kept: np.ndarray | None = None  # table row -> row among the file's non-empty data lines

    def number(self, index: int) -> int:
        if self.kept is not None:
            index = int(self.kept[index])
        seen = -1
        for line_number, line in enumerate(self.data.split(b"\n")[1:], start=2):
            if line.rstrip(b"\r"):
                seen += 1
                if seen == index:
                    return line_number
        return index + 2

    def first(self, codes: np.ndarray, value: int) -> int:
        """The file row of the first table row whose code is ``value``."""
        return self.number(int(np.flatnonzero(codes == value)[0]))


def _used(codes: np.ndarray) -> list[int]:
    """The dictionary entries that rows use (a dictionary can hold values of dropped rows)."""
    return [int(c) for c in np.unique(codes)]


def _drop_blank_rows(table: pa.Table) -> tuple[pa.Table, np.ndarray | None]:
    """Drop rows with nothing in any column the ingest reads (spreadsheets leave them at the end)."""
    blank = np.ones(table.num_rows, dtype=bool)
    for column in READ_COLUMNS:
        if column == "Reported by" or column not in table.column_names:
            continue
        if column in DICTIONARY_COLUMNS:
            codes, values = _dictionary(table, column)
            empty = np.array([not v.strip() for v in values] or [True])
            blank &= empty[codes] if len(values) else True
        else:
            text = pc.utf8_trim_whitespace(table.column(column))
            blank &= pc.equal(text, "").to_numpy(zero_copy_only=False)
        if not blank.any():
            return table, None
    kept = np.flatnonzero(~blank)
    return table.take(pa.array(kept)), kept


def sources_from_paths(paths: Iterable[str | Path]) -> Iterator[Source]:
    """Every street CSV in the given files: plain CSVs, and ``YYYY-MM/*-street.csv`` inside zips."""
    for path in paths:
        path = Path(path)
        label = file_label(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise DataError(Problem(label, "file not found")) from exc
        except IsADirectoryError as exc:
            raise DataError(Problem(label, "this is a folder, not a police.uk file")) from exc
        yield from sources_from_bytes(label, data)


def sources_from_bytes(label: str, data: bytes) -> Iterator[Source]:
    if data[:4] == b"PK\x03\x04" or label.lower().endswith(".zip"):
        yield from _zip_sources(label, data)
    else:
        yield Source(label, data)


def _zip_sources(label: str, data: bytes) -> Iterator[Source]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir() and STREET_MEMBER.search(m.filename)]
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise DataError(
            Problem(label, "the zip archive is damaged or incomplete (was the download cut short?)")
        ) from exc
    if not members:
        raise DataError(
            Problem(
                label,
                "the zip archive holds no police.uk street files (expected folders named YYYY-MM holding *-street.csv)",
            )
        )
    expanded = sum(m.file_size for m in members)
    if expanded > MAX_ARCHIVE_EXPANDED_BYTES or any(m.file_size > MAX_MEMBER_BYTES for m in members):
        raise DataError(
            Problem(
                label,
                f"the zip archive would expand to {expanded / 1e9:.1f} GB, more "
                "than this tool reads at once; split the download into smaller ranges",
            )
        )
    for member in sorted(members, key=lambda m: m.filename):
        try:
            content = archive.read(member)
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
            raise DataError(
                Problem(
                    f"{label}!{member.filename}",
                    "this file in the zip archive is damaged or incomplete (was the download cut short?)",
                )
            ) from exc
        yield Source(f"{label}!{member.filename}", content)


class _Placer:
    """Maps LSOA codes (2021 or 2011) and, failing that, coordinates to Leeds LSOA 2021 positions."""

    def __init__(self, geography: Geography, boundaries_loader: Callable[[], object]):
        self.codes = pd.Index(geography.lsoa.index)
        self.position = {code: i for i, code in enumerate(self.codes)}
        for code11, code21 in geography.lsoa11_best_fit.items():
            self.position.setdefault(code11, self.position[code21])
        self.known = dict(self.position)  # text as written -> position, for text already checked
        self.boundaries_loader = boundaries_loader
        self._tree = None
        self._polygon_position: np.ndarray | None = None

    def by_code(self, codes: np.ndarray, values: list[str], rows: _Rows, label: str) -> np.ndarray:
        """LSOA position per row: >= 0 in Leeds, OUTSIDE for another area, NO_CODE when blank."""
        lookup = np.full(len(values), NO_CODE, dtype=np.int64)
        for i in _used(codes):
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
                        f"'{raw}' is not an LSOA code (expected E01 and six digits)",
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


def _months(table: pa.Table, rows: _Rows, label: str) -> tuple[np.ndarray, list[pd.Timestamp]]:
    codes, values = _dictionary(table, "Month")
    parsed: dict[int, pd.Timestamp] = {}
    for i in _used(codes):
        month = parse_month(values[i])
        if month is None:
            shown = values[i].strip() or "(empty)"
            raise DataError(
                Problem(label, f"'{shown}' is not a month (expected e.g. 2025-02)", rows.first(codes, i), "Month")
            )
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
    force_codes, forces = _dictionary(table, "Reported by")
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
                    f"{month.strftime('%B %Y')} from {force or 'the same force'} is "
                    f"also in {earlier}; load each month once",
                    column="Month",
                )
            )
    for key in keys:
        tally.seen[key] = (label, digest)
    return None


def _coordinates(table: pa.Table, positions: np.ndarray, rows: _Rows, label: str) -> tuple[np.ndarray, np.ndarray]:
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
                    f"'{text[first]}' is not a {name.lower()} and the row has no LSOA code to place it by",
                    rows.number(int(positions[first])),
                    name,
                )
            )
        found.append(numbers)
    return found[0], found[1]


def _indicator_codes(
    table: pa.Table, type_position: dict[str, int], placed: np.ndarray, rows: _Rows, label: str, result: IngestResult
) -> np.ndarray:
    codes, values = _dictionary(table, "Crime type")
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
                    f"crime type '{names[code]}' is not in the catalogue; its rows were not counted",
                    rows.first(np.where(unknown, codes, -1), int(code)),
                    "Crime type",
                    "warning",
                )
            )
    return indicator


def _place(
    source: Source,
    placer: _Placer,
    type_position: dict[str, int],
    tally: _Tally,
    result: IngestResult,
) -> None:
    """Read one CSV and add its rows to the tally; raises DataError before adding anything."""
    label = source.label
    table, data = _read_table(_check_bytes(source), label, result.warnings)
    table, kept = _drop_blank_rows(table)
    if table.num_rows == 0:
        raise DataError(Problem(label, "the file has a header but no rows", row=2))
    rows = _Rows(data, kept)
    month_codes, months = _months(table, rows, label)
    # The length and a checksum tell a repeated download (the same month in two zips) from a different file.
    earlier = _repeated_file(tally, table, month_codes, months, (len(source.data), zlib.crc32(source.data)), label)
    if earlier is not None:
        result.warnings.append(Problem(label, f"identical to {earlier}; read once", severity="warning"))
        return
    lsoa_codes, lsoa_values = _dictionary(table, "LSOA code")
    lsoa = placer.by_code(lsoa_codes, lsoa_values, rows, label)
    placed_by_code = int((lsoa >= 0).sum())
    outside = int((lsoa == OUTSIDE).sum())
    no_code = np.flatnonzero(lsoa == NO_CODE)
    placed_by_coordinates = without_location = 0
    if len(no_code):
        lon, lat = _coordinates(table, no_code, rows, label)
        located = ~np.isnan(lon) & ~np.isnan(lat)
        without_location = int((~located).sum())
        if located.any():
            found = placer.by_point(lon[located], lat[located])
            lsoa[no_code[located]] = found
            placed_by_coordinates = int((found >= 0).sum())
            outside += int((found < 0).sum())
    placed = lsoa >= 0
    indicator = _indicator_codes(table, type_position, placed, rows, label, result)
    keep = placed & (indicator >= 0)
    tally.add(months, month_codes[keep], indicator[keep], lsoa[keep])
    tally.mentioned.update(months)
    result.rows_read += table.num_rows
    result.rows_placed_by_code += placed_by_code
    result.rows_placed_by_coordinates += placed_by_coordinates
    result.rows_outside_leeds += outside
    result.rows_without_location += without_location
    result.files.append(label)


def read_police_uk(
    sources: Iterable[Source],
    geography: Geography,
    catalogue: Catalogue,
    boundaries_loader: Callable[[], object],
    progress: Callable[[str], None] | None = None,
) -> IngestResult:
    """Read police.uk street CSVs into a complete monthly grid of counts per Leeds LSOA.

    Raises DataError with the file, row and column for anything it cannot read unambiguously.
    """
    type_indicators = {
        i.police_uk_crime_type.lower(): i.id
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
    return result


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
