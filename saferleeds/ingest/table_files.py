"""Reading the partnership's own tables: CSV, Excel (.xlsx) or Parquet, every cell as text.

Each file passes the gate first (its rows and cells are bounded before it is parsed), then
becomes one ``Table`` per sheet with the spreadsheet row number of every row, so every later
problem names the row a person sees. Every header is read exactly once: two columns with the same
name, or two columns for the same month, are refused naming both. Checking the values is
``saferleeds.ingest.indicator_tables``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from saferleeds.core.errors import DataError, Problem
from saferleeds.core.periods import parse_month
from saferleeds.core.text import quoted, shortened
from saferleeds.ingest import gate
from saferleeds.ingest.gate import Upload

CATALOGUE_SHEETS = ("catalogue", "catalog", "indicators", "indicator catalogue")
SYNONYMS = {
    "indicator": ("indicator", "indicator_id", "indicator_code"),
    "area_code": (
        "area_code",
        "code",
        "geography_code",
        "lsoa_code",
        "lsoa21cd",
        "lsoa11cd",
        "ward_code",
        "wd19cd",
        "wd18cd",
        "wd25cd",
        "committee_code",
        "constituency_code",
        "pcon13cd",
        "neighbourhood_code",
    ),
    "area_name": ("area_name", "area", "name", "ward_name", "ward", "lsoa_name", "committee_name", "constituency_name"),
    "level": ("level", "area_type", "geography_level", "geography"),
    "period": ("period", "month", "date"),
    "value": ("value", "count", "numerator"),
    "denominator": ("denominator", "base"),
    "status": ("status",),
    "source": ("source",),
}
ALL_SYNONYMS = frozenset(name for names in SYNONYMS.values() for name in names)
UNREADABLE_WORKBOOK = "this is not a readable Excel workbook (.xlsx); save it again from Excel"


@dataclass
class Table:
    """One table read from a file (or one sheet of a workbook), every cell as text."""

    label: str
    frame: pd.DataFrame
    header_row: int = 1  # data row i is spreadsheet row header_row + 1 + i, unless row_numbers says
    month_headers: dict[str, pd.Timestamp] = field(default_factory=dict)  # header -> month
    row_numbers: np.ndarray | None = None  # spreadsheet row of each data row, when rows were skipped

    def row_number(self, index: int) -> int:
        if self.row_numbers is not None:
            return int(self.row_numbers[int(index)])
        return self.header_row + 1 + int(index)


def column_key(name: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def find_column(table: Table, role: str) -> str | None:
    """The table's column playing ``role`` (indicator, area_code, period, ...), if any."""
    keys = {column_key(c): c for c in table.frame.columns}
    for synonym in SYNONYMS[role]:
        if synonym in keys:
            return keys[synonym]
    return None


def cell_text(value: Any) -> str:
    """One cell as the text a person sees: dates as YYYY-MM-DD, whole numbers without '.0'."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, datetime | date | pd.Timestamp):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _column_text(column: pd.Series) -> pd.Series:
    """A column as text, vectorised for the types Parquet and CSV give."""
    if pd.api.types.is_float_dtype(column):
        numbers = column.to_numpy(dtype=float)
        whole = np.isfinite(numbers) & (np.abs(numbers) < 2**53) & (numbers == np.floor(numbers))
        text = np.where(whole, np.where(whole, numbers, 0).astype(np.int64).astype(str), numbers.astype(str))
        return pd.Series(np.where(np.isnan(numbers), "", text), index=column.index, dtype=object)
    if pd.api.types.is_integer_dtype(column) or pd.api.types.is_bool_dtype(column):
        return column.astype(str).where(column.notna(), "")
    if pd.api.types.is_datetime64_any_dtype(column):
        return column.dt.strftime("%Y-%m-%d").fillna("")
    if pd.api.types.is_string_dtype(column):
        return column.fillna("").astype(str).str.strip()
    return column.astype(object).map(cell_text)


def header_month(name: Any) -> pd.Timestamp | None:
    if isinstance(name, datetime | date | pd.Timestamp):
        return parse_month(name)
    text = str(name).strip()
    if not re.search(r"\d", text) or column_key(text) in ALL_SYNONYMS:
        return None
    return parse_month(text)


def _header_names(label: str, header: list[Any], header_row: int) -> tuple[list[str], dict[str, pd.Timestamp]]:
    """Column names (a month header as written, an Excel date as YYYY-MM) and the months; repeats refused."""
    names: list[str] = []
    months: dict[str, pd.Timestamp] = {}
    seen: dict[str, int] = {}
    for index, raw in enumerate(header):
        month = header_month(raw)
        name = month.strftime("%Y-%m") if month is not None and not isinstance(raw, str) else cell_text(raw)
        name = name or f"(column {index + 1})"
        identity = f"month {month:%Y-%m}" if month is not None else column_key(name) or name
        if identity in seen:
            first = seen[identity]
            raise DataError(
                Problem(
                    label,
                    f"columns {first + 1} ({quoted(names[first])}) and {index + 1} ({quoted(name)}) have the same "
                    f"heading{f' ({month:%B %Y})' if month is not None else ''}; every column must be named once",
                    row=header_row or None,
                    column=shortened(name),
                )
            )
        seen[identity] = index
        names.append(name)
        if month is not None:
            months[name] = month
    return names, months


def _as_table(label: str, header: list[Any], body: pd.DataFrame, header_row: int, rows=None) -> Table:
    names, months = _header_names(label, header, header_row)
    body = body.set_axis(names, axis=1)
    text = pd.DataFrame({name: _column_text(body[name]) for name in names}, index=body.index)
    return Table(label, text.reset_index(drop=True), header_row, months, rows)


def _decode(upload: Upload) -> tuple[str, list[Problem]]:
    try:
        return upload.data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        row = upload.data[: exc.start].count(b"\n") + 1
        warning = Problem(
            upload.name,
            "the file is not UTF-8; it was read as Windows-1252 text (the encoding Excel uses on Windows)",
            row=row,
            severity="warning",
        )
        return upload.data.decode("cp1252", errors="replace"), [warning]


def _read_csv(upload: Upload) -> tuple[list[Table], list[Table], list[Problem]]:
    gate.check_text(upload.name, upload.data, gate.TABLE_BOUNDS)
    text, warnings = _decode(upload)
    try:
        frame = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False, skip_blank_lines=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable"
        raise DataError(Problem(upload.name, f"the file is not a well-formed CSV ({shortened(first_line)})")) from exc
    header = [str(h) for h in frame.iloc[0]] if len(frame) else []
    return [_as_table(upload.name, header, frame.iloc[1:], 1)], [], warnings


def _sheet_rows(sheet, label: str, counted: list[int]) -> list[tuple[int, list[Any]]]:
    """(spreadsheet row, cells) for every row with something in it, bounding rows and cells as they come."""
    sheet.reset_dimensions()  # the size a sheet declares may be false: read what is there
    found: list[tuple[int, list[Any]]] = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        counted[0] += 1
        counted[1] += len(row)
        gate.check_count(label, gate.TABLE_BOUNDS, counted[0], counted[1], "the workbook")
        cells = list(row)
        while cells and cell_text(cells[-1]) == "":
            cells.pop()
        if cells:
            found.append((number, cells))
    return found


def _sheet_table(label: str, rows: list[tuple[int, list[Any]]]) -> Table:
    width = max(len(cells) for _, cells in rows)
    padded = [cells + [None] * (width - len(cells)) for _, cells in rows]
    body = pd.DataFrame(padded[1:], columns=range(width), dtype=object)
    numbers = np.array([number for number, _ in rows[1:]], dtype=np.int64)
    return _as_table(label, padded[0], body, rows[0][0], numbers)


def _read_xlsx(upload: Upload) -> tuple[list[Table], list[Table], list[Problem]]:
    import openpyxl

    try:
        gate.check_workbook(upload, gate.TABLE_BOUNDS)
    except DataError as exc:
        if "damaged" in exc.problems[0].message:
            raise DataError(Problem(upload.name, UNREADABLE_WORKBOOK)) from exc
        raise
    data: list[Table] = []
    catalogue: list[Table] = []
    counted = [0, 0]
    try:
        book = openpyxl.load_workbook(io.BytesIO(upload.data), read_only=True, data_only=True, keep_links=False)
        sheets = [(sheet.title, _sheet_rows(sheet, upload.name, counted)) for sheet in book.worksheets]
    except DataError:
        raise
    except Exception as exc:  # openpyxl raises many unrelated types for files it cannot read
        raise DataError(Problem(upload.name, UNREADABLE_WORKBOOK)) from exc
    for name, rows in sheets:
        if not rows:
            continue
        table = _sheet_table(f"{upload.name}!{shortened(name)}", rows)
        (catalogue if str(name).strip().lower() in CATALOGUE_SHEETS else data).append(table)
    return data, catalogue, []


def _read_parquet(upload: Upload) -> tuple[list[Table], list[Table], list[Problem]]:
    parquet = gate.check_parquet(upload, gate.TABLE_BOUNDS)
    try:
        table = parquet.read()
        table.validate(full=True)  # text that is not UTF-8 is found here, not later
        frame = table.to_pandas()
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise DataError(Problem(upload.name, "this is not a readable Parquet file (is it damaged?)")) from exc
    header = list(frame.columns)
    return [_as_table(upload.name, header, frame.set_axis(range(len(header)), axis=1), 0)], [], []


READERS = {"text": _read_csv, "xlsx": _read_xlsx, "parquet": _read_parquet}


def read_tables(upload: Upload, found: str | None = None) -> tuple[list[Table], list[Table], list[Problem]]:
    """Data tables, catalogue tables and warnings from a CSV, .xlsx or Parquet file (known by its bytes)."""
    if not upload.data.strip():
        raise DataError(Problem(upload.name, "the file is empty"))
    found = found or gate.identify(upload)
    reader = READERS.get(found)
    if reader is None:
        raise DataError(
            Problem(upload.name, f"this is {gate.FORMAT_WORDS[found]}, not a table; use CSV, .xlsx or Parquet")
        )
    return reader(upload)
