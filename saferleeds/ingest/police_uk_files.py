"""Reading police.uk street-level crime files: monthly CSVs, and the bulk zip archive's street CSVs.

Turns each file's bytes into an Arrow table of the columns the ingest needs (text that repeats is
dictionary-encoded, so a large month stays small), after the gate has bounded it. Headers are
recognised as spreadsheets rewrite them, each read exactly once; a file that is not UTF-8 is read
as Windows-1252; a row the CSV parser refuses is found and named. Placing and counting the rows is
``saferleeds.ingest.police_uk``.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from saferleeds.core.errors import DataError, Problem
from saferleeds.core.text import quoted, shortened
from saferleeds.ingest import gate

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
UTF8_BOM = b"\xef\xbb\xbf"
DICTIONARY = pa.dictionary(pa.int32(), pa.string())
DICTIONARY_COLUMNS = ("Month", "Reported by", "LSOA code", "Crime type")
HEADERS_SHOWN = 15


@dataclass(frozen=True)
class Source:
    """One CSV to read: a label people recognise (file, or archive!member) and its bytes."""

    label: str
    data: bytes


@functools.lru_cache(maxsize=1024)
def normalise_header(name: str) -> str:
    """Map a header as spreadsheets rewrite it ('lsoa_code', ' LSOA Code') to police.uk's own."""
    cleaned = re.sub(r"[\s_]+", " ", name.replace("\ufeff", "")).strip().lower()
    for known in KNOWN_COLUMNS:
        if known.lower() == cleaned:
            return known
    return name.strip()


def check_bytes(source: Source) -> bytes:
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
    row: int | None = None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
    text = data.decode("cp1252", errors="replace")
    warning = Problem(
        label,
        "the file is not UTF-8; it was read as Windows-1252 text (the encoding Excel uses on Windows)",
        row=row,
        severity="warning",
    )
    return text.encode("utf-8"), warning


def _first_row(data: bytes, label: str) -> list[str]:
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
    return header


def _refuse_duplicates(header: list[str], columns: list[str], label: str) -> None:
    """Every header is read once: two columns that mean the same are refused, naming both."""
    first: dict[str, int] = {}
    for index, column in enumerate(columns):
        if not column:
            continue
        if column in first:
            earlier = first[column]
            raise DataError(
                Problem(
                    label,
                    f"columns {earlier + 1} ({quoted(header[earlier])}) and {index + 1} ({quoted(header[index])}) "
                    f"are both {quoted(column)}; keep one of them",
                    row=1,
                    column=shortened(column),
                )
            )
        first[column] = index


def header_columns(data: bytes, label: str) -> list[str]:
    """The file's columns with police.uk's names; a missing or repeated column is a DataError."""
    header = _first_row(data, label)
    columns = [normalise_header(h) for h in header]
    _refuse_duplicates(header, columns, label)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        present = ", ".join(quoted(h, 40) for h in header[:HEADERS_SHOWN])
        more = f" and {len(header) - HEADERS_SHOWN:,} more" if len(header) > HEADERS_SHOWN else ""
        raise DataError(
            Problem(
                label,
                f"missing police.uk column(s) {', '.join(repr(m) for m in missing)}; the header has {present}{more}",
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


def read_table(data: bytes, label: str, warnings: list[Problem]) -> tuple[pa.Table, bytes]:
    """The columns the ingest needs (text that repeats dictionary-encoded), and the file's UTF-8 bytes."""
    columns = header_columns(data, label)
    names = [c if c in READ_COLUMNS else f"_ignored_{i}" for i, c in enumerate(columns)]
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
    return DataError(Problem(label, f"the file is not a well-formed CSV ({shortened(first_line)})"))


def dictionary(table: pa.Table, column: str) -> tuple[np.ndarray, list[str]]:
    """Row codes (int32) and the distinct values of a dictionary-encoded column."""
    chunked = table.column(column)
    if chunked.num_chunks == 0:
        return np.zeros(0, dtype=np.int32), []
    values = chunked.chunk(0).dictionary.to_pylist()
    codes = np.concatenate([chunk.indices.to_numpy(zero_copy_only=False) for chunk in chunked.chunks])
    return codes, values


@dataclass(frozen=True)
class Rows:
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


def used(codes: np.ndarray) -> list[int]:
    """The dictionary entries that rows use (a dictionary can hold values of dropped rows)."""
    return [int(c) for c in np.unique(codes)]


def drop_blank_rows(table: pa.Table) -> tuple[pa.Table, np.ndarray | None]:
    """Drop rows with nothing in any column the ingest reads (spreadsheets leave them at the end)."""
    blank = np.ones(table.num_rows, dtype=bool)
    for column in READ_COLUMNS:
        if column == "Reported by" or column not in table.column_names:
            continue
        if column in DICTIONARY_COLUMNS:
            codes, values = dictionary(table, column)
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
        upload = gate.read_upload(path)
        yield from sources_from_bytes(upload.name, upload.data)


def sources_from_bytes(label: str, data: bytes) -> Iterator[Source]:
    """The street CSVs in one file: the file itself, or, when its bytes are a zip archive, its street files."""
    if data.startswith(gate.ZIP_SIGNATURES):
        yield from _zip_sources(gate.Upload(label, data))
    else:
        yield Source(label, data)


def _zip_sources(upload: gate.Upload) -> Iterator[Source]:
    archive = gate.open_zip(upload)
    members = [m for m in archive.infolist() if not m.is_dir() and STREET_MEMBER.search(m.filename)]
    if not members:
        raise DataError(
            Problem(
                upload.name,
                "the zip archive holds no police.uk street files (expected folders named YYYY-MM holding *-street.csv)",
            )
        )
    for member in sorted(members, key=lambda m: m.filename):
        yield Source(gate.member_label(upload.name, member.filename), gate.read_member(archive, member, upload.name))
