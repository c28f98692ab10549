"""Ingest police.uk street-level crime downloads: monthly CSVs or the bulk zip archive.

Each row is placed by its LSOA code (police.uk assigns it from the true location; the published
coordinates are snapped to anonymous map points). A row with no LSOA code falls back to
point-in-polygon on its coordinates. Rows outside Leeds and rows with no location are counted and
reported, never silently dropped. The result is a complete grid of monthly counts per LSOA and
indicator (zeros included), ready to replace those months in the values table.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from saferleeds.catalogue import Catalogue
from saferleeds.errors import DataError, Problem, file_label
from saferleeds.geography import LSOA_CODE_PATTERN, Geography

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
        months = ", ".join(m.strftime("%B %Y") for m in self.months)
        parts = [
            f"Read {self.rows_read:,} rows from {len(self.files)} file(s) for {months}.",
            f"{self.rows_counted:,} rows placed in Leeds "
            f"({self.rows_placed_by_coordinates:,} of them by their coordinates).",
        ]
        if self.rows_outside_leeds:
            parts.append(f"{self.rows_outside_leeds:,} rows lie outside Leeds and were not counted.")
        if self.rows_without_location:
            parts.append(f"{self.rows_without_location:,} rows have no location and were not counted.")
        if self.rows_unknown_type:
            parts.append(
                f"{self.rows_unknown_type:,} rows have a crime type this dataset does not know and were not counted."
            )
        return " ".join(parts)


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


def _decode(source: Source) -> tuple[str, list[Problem]]:
    if not source.data.strip():
        raise DataError(Problem(source.label, "the file is empty"))
    if b"\x00" in source.data[:4096]:
        raise DataError(
            Problem(
                source.label,
                "this is not a CSV text file (it holds binary data); save it as CSV from your spreadsheet software",
            )
        )
    try:
        return source.data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        row = source.data[: exc.start].count(b"\n") + 1
        text = source.data.decode("cp1252", errors="replace")
        warning = Problem(
            source.label,
            "the file is not UTF-8; it was read as Windows-1252 text (the encoding Excel uses on Windows)",
            row=row,
            severity="warning",
        )
        return text, [warning]


def _header(text: str, label: str) -> list[str]:
    first_line = text.split("\n", 1)[0]
    header = next(csv.reader([first_line]), [])
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


def _read_table(text: str, label: str) -> pd.DataFrame:
    columns = _header(text, label)
    names = [c if c in READ_COLUMNS else f"_ignored_{i}" for i, c in enumerate(columns)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=16 << 20),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                include_columns=[c for c in READ_COLUMNS if c in names],
                column_types={c: pa.string() for c in READ_COLUMNS},
                strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        row = _row_from_arrow_error(str(exc))
        raise DataError(Problem(label, f"the file is not a well-formed CSV ({_first_line(exc)})", row=row)) from exc
    frame = table.to_pandas()
    if "Reported by" not in frame.columns:
        frame["Reported by"] = ""
    return frame


def _row_from_arrow_error(message: str) -> int | None:
    found = re.search(r"[Rr]ow #?(\d+)", message)
    return int(found.group(1)) + 1 if found else None


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0]


def sources_from_paths(paths: Iterable[str | Path]) -> Iterator[Source]:
    """Every street CSV in the given files: plain CSVs, and ``YYYY-MM/*-street.csv`` inside zips."""
    for path in paths:
        path = Path(path)
        label = file_label(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise DataError(Problem(label, "file not found")) from exc
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
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise DataError(
                Problem(
                    f"{label}!{member.filename}",
                    "this file in the zip archive is damaged or incomplete (was the download cut short?)",
                )
            ) from exc
        yield Source(f"{label}!{member.filename}", content)


def _months(frame: pd.DataFrame, label: str) -> pd.Series:
    raw = frame["Month"].str.strip()
    parsed = {value: parse_month(value) for value in raw.unique()}
    bad = [value for value, month in parsed.items() if month is None]
    if bad:
        row = int(np.flatnonzero(raw.to_numpy() == bad[0])[0]) + 2
        shown = bad[0] if bad[0] else "(empty)"
        raise DataError(Problem(label, f"'{shown}' is not a month (expected e.g. 2025-02)", row, "Month"))
    return raw.map(parsed)


def _coordinates(frame: pd.DataFrame, needed: np.ndarray, label: str) -> tuple[np.ndarray, np.ndarray]:
    lon_text = frame["Longitude"].str.strip()
    lat_text = frame["Latitude"].str.strip()
    lon = pd.to_numeric(lon_text.where(needed, ""), errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(lat_text.where(needed, ""), errors="coerce").to_numpy(dtype=float)
    for name, text, numbers, low, high in (
        ("Longitude", lon_text, lon, -180, 180),
        ("Latitude", lat_text, lat, -90, 90),
    ):
        given = needed & (text.to_numpy() != "")
        bad = given & (np.isnan(numbers) | (numbers < low) | (numbers > high))
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise DataError(
                Problem(
                    label,
                    f"'{text.iloc[row]}' is not a {name.lower()} and the row has no LSOA code to place it by",
                    row + 2,
                    name,
                )
            )
    return lon, lat


class _Placer:
    """Maps LSOA codes (2021 or 2011) and, failing that, coordinates to Leeds LSOA 2021 codes."""

    def __init__(self, geography: Geography, boundaries_loader: Callable[[], object]):
        self.index = {code: code for code in geography.lsoa.index}
        self.index.update(geography.lsoa11_best_fit.to_dict())
        self.boundaries_loader = boundaries_loader
        self._tree = None

    def by_code(self, codes: pd.Series, label: str) -> tuple[np.ndarray, np.ndarray]:
        unique = codes.unique()
        malformed = [c for c in unique if c and not LSOA_CODE_PATTERN.match(c)]
        if malformed:
            row = int(np.flatnonzero(codes.to_numpy() == malformed[0])[0]) + 2
            raise DataError(
                Problem(
                    label,
                    f"'{malformed[0]}' is not an LSOA code (expected E01 and six digits)",
                    row,
                    "LSOA code",
                )
            )
        mapped = codes.map({c: self.index.get(c, "") for c in unique}).to_numpy(dtype=object)
        return mapped, codes.to_numpy() == ""

    def by_point(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        import shapely

        if self._tree is None:
            boundaries = self.boundaries_loader()
            self._codes = boundaries["code"].to_numpy()
            self._tree = shapely.STRtree(boundaries.geometry.values)
        points = shapely.points(lon, lat)
        point_index, polygon_index = self._tree.query(points, predicate="intersects")
        result = np.full(len(lon), "", dtype=object)
        first = pd.Series(polygon_index).groupby(point_index).first()
        result[first.index.to_numpy()] = self._codes[first.to_numpy()]
        return result


def _duplicate_problem(seen: dict[tuple, str], frame: pd.DataFrame, months: pd.Series, label: str) -> None:
    forces = frame["Reported by"].str.strip()
    for key in set(zip(months, forces, strict=True)):
        if key in seen:
            month, force = key
            raise DataError(
                Problem(
                    label,
                    f"{month.strftime('%B %Y')} from {force or 'the same force'} is "
                    f"also in {seen[key]}; load each month once",
                    column="Month",
                )
            )
    for key in set(zip(months, forces, strict=True)):
        seen[key] = label


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
    type_to_indicator = {
        i.police_uk_crime_type.lower(): i.id
        for i in catalogue.police_uk_indicators()
        if i.police_uk_crime_type != ALL_EXCEPT_ASB
    }
    total_ids = [i.id for i in catalogue.police_uk_indicators() if i.police_uk_crime_type == ALL_EXCEPT_ASB]
    placer = _Placer(geography, boundaries_loader)
    result = IngestResult(counts=pd.DataFrame(), months=[], files=[])
    seen_files: dict[str, str] = {}
    seen_months: dict[tuple, str] = {}
    pieces: list[pd.DataFrame] = []
    for source in sources:
        if progress:
            progress(source.label)
        digest = hashlib.sha1(source.data).hexdigest()
        if digest in seen_files:
            result.warnings.append(
                Problem(source.label, f"identical to {seen_files[digest]}; read once", severity="warning")
            )
            continue
        seen_files[digest] = source.label
        text, warnings = _decode(source)
        result.warnings.extend(warnings)
        frame = _read_table(text, source.label)
        if frame.empty:
            raise DataError(Problem(source.label, "the file has a header but no rows", row=2))
        months = _months(frame, source.label)
        _duplicate_problem(seen_months, frame, months, source.label)
        pieces.append(_place(frame, months, source.label, placer, type_to_indicator, result))
        result.files.append(source.label)
    if not result.files:
        raise DataError(Problem("upload", "no police.uk street files were given"))
    placed = pd.concat(pieces, ignore_index=True)
    result.months = sorted({pd.Timestamp(m) for m in placed["period"].unique()})
    for month in sorted({pd.Timestamp(m) for p in pieces for m in p.attrs["months"]} - set(result.months)):
        result.warnings.append(
            Problem(
                ", ".join(result.files),
                f"no rows for {month.strftime('%B %Y')} lie in Leeds; that month was left as it was",
                severity="warning",
            )
        )
    if not result.months:
        raise DataError(Problem(", ".join(result.files), "no rows lie in Leeds, so nothing can be loaded"))
    result.counts = _grid(placed, result.months, geography, type_to_indicator, total_ids)
    return result


def _place(frame, months, label, placer, type_to_indicator, result) -> pd.DataFrame:
    result.rows_read += len(frame)
    codes = frame["LSOA code"].str.strip().str.upper()
    lsoa, no_code = placer.by_code(codes, label)
    result.rows_placed_by_code += int(((lsoa != "") & ~no_code).sum())
    result.rows_outside_leeds += int(((lsoa == "") & ~no_code).sum())
    if no_code.any():
        lon, lat = _coordinates(frame, no_code, label)
        located = no_code & ~np.isnan(lon) & ~np.isnan(lat)
        result.rows_without_location += int((no_code & ~located).sum())
        if located.any():
            found = placer.by_point(lon[located], lat[located])
            lsoa[np.flatnonzero(located)] = found
            result.rows_placed_by_coordinates += int((found != "").sum())
            result.rows_outside_leeds += int((found == "").sum())
    crime_type = frame["Crime type"].str.strip().str.lower()
    indicator = crime_type.map(type_to_indicator)
    unknown = indicator.isna() & (lsoa != "")
    if unknown.any():
        result.rows_unknown_type += int(unknown.sum())
        for name in crime_type[unknown].unique()[:5]:
            row = int(np.flatnonzero((crime_type == name).to_numpy())[0]) + 2
            result.warnings.append(
                Problem(
                    label,
                    f"crime type '{name}' is not in the catalogue; its rows were not counted",
                    row,
                    "Crime type",
                    "warning",
                )
            )
    keep = (lsoa != "") & indicator.notna().to_numpy()
    placed = pd.DataFrame(
        {
            "period": months[keep].to_numpy(),
            "area_code": lsoa[keep],
            "indicator": indicator[keep].to_numpy(),
            "is_asb": (crime_type[keep] == ASB_TYPE).to_numpy(),
        }
    )
    placed.attrs["months"] = list(months.unique())
    return placed


def _grid(
    placed: pd.DataFrame,
    months: list[pd.Timestamp],
    geography: Geography,
    type_to_indicator: dict[str, str],
    total_ids: list[str],
) -> pd.DataFrame:
    indicators = sorted(set(type_to_indicator.values()))
    counted = placed.groupby(["indicator", "period", "area_code"], observed=True).size()
    frames = [counted.rename("value").reset_index()]
    if total_ids:
        totals = placed[~placed["is_asb"]].groupby(["period", "area_code"], observed=True).size()
        for total_id in total_ids:
            frames.append(totals.rename("value").reset_index().assign(indicator=total_id))
        indicators += total_ids
    observed = pd.concat(frames, ignore_index=True)
    full = pd.MultiIndex.from_product(
        [indicators, pd.DatetimeIndex(months), geography.lsoa.index],
        names=["indicator", "period", "area_code"],
    )
    values = observed.set_index(["indicator", "period", "area_code"])["value"].reindex(full, fill_value=0)
    grid = values.reset_index()
    grid["value"] = grid["value"].astype(float)
    grid["denominator"] = np.nan
    grid["status"] = "recorded"
    grid["source"] = SOURCE
    return grid
