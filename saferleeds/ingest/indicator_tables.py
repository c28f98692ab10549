"""The partnership's own indicator tables: CSV, Excel (.xlsx) or Parquet, long or wide.

Long format is the data contract: ``indicator, area_code, period, value, denominator, status,
source`` (denominator, status and source may be left out). Wide format has one row per area
(and indicator) and one column per month. Areas are named by any recognised code (LSOA 2011 or
2021, ward codes of any vintage, committee, constituency, priority neighbourhood, the city) or
by exact name. A workbook may carry a ``catalogue`` sheet with the catalogue entries of new
indicators; the Data page offers a form for the same fields.

Every problem is reported with its file (and sheet), row and column; rows are numbered as a
spreadsheet shows them (the header is row 1).
"""

from __future__ import annotations

import difflib
import io
import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from saferleeds.core.catalogue import (
    REQUIRED_INDICATOR_FIELDS,
    Catalogue,
    Indicator,
    indicator_problems,
    parse_catalogue,
)
from saferleeds.core.errors import DataError, Problem
from saferleeds.core.values import COLUMNS, STATUSES
from saferleeds.core.vocabulary import Levels
from saferleeds.ingest.area_matching import AreaMatcher
from saferleeds.ingest.police_uk import parse_month
from saferleeds.ingest.store import Upload, open_zip

TABLE_SUFFIXES = (".csv", ".xlsx", ".parquet")
CATALOGUE_SHEETS = ("catalogue", "catalog", "indicators", "indicator catalogue")
PROBLEMS_PER_KIND = 50
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
LIST_FIELDS = ("priorities", "themes", "geographies")
BOOL_FIELDS = ("key", "sensitive")


@dataclass
class Table:
    """One table read from a file (or one sheet of a workbook), every cell as text."""

    label: str
    frame: pd.DataFrame
    header_row: int = 1  # data row i is spreadsheet row header_row + 1 + i
    month_headers: dict[str, pd.Timestamp] = field(default_factory=dict)  # original header -> month

    def row_number(self, index: int) -> int:
        return self.header_row + 1 + int(index)


@dataclass
class TableValues:
    values: pd.DataFrame  # data-contract rows
    keys: pd.DataFrame  # indicator, area_code, period, file, row: for duplicates across files
    problems: list[Problem]
    notes: list[str]


class ProblemList:
    """Collects problems, keeping at most PROBLEMS_PER_KIND of each kind and counting the rest."""

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.counts: dict[tuple[str, str], int] = {}

    def add(self, problem: Problem, kind: str) -> None:
        key = (problem.file, kind)
        self.counts[key] = self.counts.get(key, 0) + 1
        if self.counts[key] <= PROBLEMS_PER_KIND:
            self.kept.append(problem)

    def result(self) -> list[Problem]:
        extra = [
            Problem(file, f"and {count - PROBLEMS_PER_KIND:,} more rows with the same problem ({kind})")
            for (file, kind), count in self.counts.items()
            if count > PROBLEMS_PER_KIND
        ]
        return self.kept + extra


def column_key(name: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def _cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, datetime | date | pd.Timestamp):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_month(name: Any) -> pd.Timestamp | None:
    if isinstance(name, datetime | date | pd.Timestamp):
        stamp = pd.Timestamp(name)
        return pd.Timestamp(stamp.year, stamp.month, 1)
    text = str(name).strip()
    if not re.search(r"\d", text):
        return None
    return parse_month(text)


def _as_table(label: str, frame: pd.DataFrame, header_row: int) -> Table:
    months = {}
    renamed = {}
    for column in frame.columns:
        month = _header_month(column)
        name = month.strftime("%Y-%m") if month is not None and not isinstance(column, str) else str(column)
        renamed[column] = name
        if month is not None and column_key(column) not in _all_synonyms():
            months[name] = month
    frame = frame.rename(columns=renamed)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    text = frame.map(_cell_text) if len(frame) else frame.astype(str)
    return Table(label, text.reset_index(drop=True), header_row, months)


def _all_synonyms() -> set[str]:
    return {name for names in SYNONYMS.values() for name in names}


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


def read_tables(upload: Upload) -> tuple[list[Table], list[Table], list[Problem]]:
    """Data tables, catalogue tables and warnings from a CSV, .xlsx or Parquet upload."""
    suffix = upload.suffix
    if not upload.data.strip():
        raise DataError(Problem(upload.name, "the file is empty"))
    if suffix == ".csv":
        text, warnings = _decode(upload)
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise DataError(Problem(upload.name, f"the file is not a well-formed CSV ({exc})")) from exc
        return [_as_table(upload.name, frame, 1)], [], warnings
    if suffix == ".xlsx":
        try:
            open_zip(upload)  # refuses a workbook that would expand beyond the limit
        except DataError as exc:
            if "damaged" not in exc.problems[0].message:
                raise
            raise DataError(
                Problem(upload.name, "this is not a readable Excel workbook (.xlsx); save it again from Excel")
            ) from exc
        try:
            sheets = pd.read_excel(io.BytesIO(upload.data), sheet_name=None, dtype=object, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many unrelated types for files it cannot read
            raise DataError(
                Problem(upload.name, "this is not a readable Excel workbook (.xlsx); save it again from Excel")
            ) from exc
        data, catalogue = [], []
        for name, frame in sheets.items():
            frame = frame.dropna(how="all")
            if frame.empty and not len(frame.columns):
                continue
            table = _as_table(f"{upload.name}!{name}", frame, 1)
            (catalogue if str(name).strip().lower() in CATALOGUE_SHEETS else data).append(table)
        return data, catalogue, []
    if suffix == ".parquet":
        try:
            frame = pd.read_parquet(io.BytesIO(upload.data))
        except Exception as exc:  # pyarrow raises several types for a foreign or damaged file
            raise DataError(Problem(upload.name, "this is not a readable Parquet file")) from exc
        return [_as_table(upload.name, frame, 0)], [], []
    raise DataError(
        Problem(upload.name, f"'{suffix or upload.name}' files cannot be read as tables; use CSV, .xlsx or Parquet")
    )


def find_column(table: Table, role: str) -> str | None:
    """The table's column playing ``role`` (indicator, area_code, period, ...), if any."""
    keys = {column_key(c): c for c in table.frame.columns}
    for synonym in SYNONYMS[role]:
        if synonym in keys:
            return keys[synonym]
    return None


def is_long(table: Table) -> bool:
    return find_column(table, "period") is not None and find_column(table, "value") is not None


def layout_problem(table: Table) -> Problem | None:
    """Why the table is neither long nor wide, or None."""
    if is_long(table):
        return None
    if not table.month_headers:
        return Problem(
            table.label,
            "cannot tell how this table is laid out: expected columns indicator, area_code, period and value "
            "(one row per area and month), or an area column and one column per month such as 2025-03",
            row=table.header_row or None,
        )
    if find_column(table, "area_code") is None and find_column(table, "area_name") is None:
        return Problem(
            table.label, "no area column: name one 'area_code' (or 'area_name')", row=table.header_row or None
        )
    return None


def long_records(table: Table, default_indicator: str | None) -> pd.DataFrame:
    """Every value cell as one record: indicator, key, level, period, value, ... and where it is."""
    frame = table.frame
    columns = {role: find_column(table, role) for role in SYNONYMS}

    def text(role: str, source: pd.DataFrame) -> pd.Series:
        column = columns[role]
        return source[column] if column is not None else pd.Series("", index=source.index)

    if is_long(table):
        records = pd.DataFrame({"period": text("period", frame), "value": text("value", frame)})
        records["value_column"] = columns["value"]
        records["period_column"] = columns["period"]
        base = frame
        records.index = frame.index
    else:
        melted = frame.reset_index(names="_index").melt(
            id_vars=["_index", *[c for c in frame.columns if c not in table.month_headers]],
            value_vars=list(table.month_headers),
            var_name="_month",
            value_name="_value",
        )
        melted = melted[melted["_value"].astype(str).str.strip() != ""]
        base = melted.set_index("_index")
        records = pd.DataFrame(
            {
                "period": base["_month"].map(lambda m: table.month_headers[m].strftime("%Y-%m")),
                "value": base["_value"],
                "value_column": base["_month"],
                "period_column": base["_month"],
            },
            index=base.index,
        )
    records["indicator"] = text("indicator", base).str.strip().str.lower()
    if default_indicator:
        records.loc[records["indicator"] == "", "indicator"] = default_indicator
    records["code"] = text("area_code", base)
    records["name"] = text("area_name", base)
    records["level"] = text("level", base)
    records["denominator"] = text("denominator", base)
    records["status"] = text("status", base).str.strip().str.lower()
    records["source"] = text("source", base)
    records["row"] = [table.row_number(i) for i in records.index]
    records["indicator_column"] = columns["indicator"] or "indicator"
    records["area_column"] = columns["area_code"] or columns["area_name"] or "area_code"
    return records.reset_index(drop=True)


def _number(text: str) -> float | None:
    cleaned = str(text).strip().replace(",", "").rstrip("%").strip()
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        return None


def _closest_indicators(text: str, catalogue: Catalogue, extra: dict[str, Indicator]) -> str:
    ids = [i.id for i in catalogue.indicators] + list(extra)
    close = difflib.get_close_matches(text, ids, n=3, cutoff=0.6)
    return f"; closest known: {', '.join(close)}" if close else ""


def table_values(
    table: Table,
    catalogue: Catalogue,
    matcher: AreaMatcher,
    new_indicators: dict[str, Indicator] | None = None,
    default_indicator: str | None = None,
) -> TableValues:
    """Check every row of an indicator table and turn it into data-contract rows."""
    new_indicators = new_indicators or {}
    found = ProblemList()
    notes: list[str] = []
    problem = layout_problem(table)
    if problem is not None:
        return TableValues(_empty(), _empty_keys(), [problem], [])
    records = long_records(table, default_indicator)
    if records.empty:
        return TableValues(_empty(), _empty_keys(), [Problem(table.label, "the table has no values", row=2)], [])
    indicators = {i.id: i for i in catalogue.indicators} | new_indicators
    good = np.ones(len(records), dtype=bool)

    def flag(index: int, message: str, column: str, kind: str) -> None:
        good[index] = False
        found.add(Problem(table.label, message, int(records.at[index, "row"]), column), kind)

    for index, ind in enumerate(records["indicator"]):
        if not ind:
            flag(index, "no indicator: add an 'indicator' column", records.at[index, "indicator_column"], "indicator")
        elif ind not in indicators:
            flag(
                index,
                f"indicator '{ind}' is not in the catalogue; give its catalogue entry (a 'catalogue' sheet in the "
                f"workbook, or the new-indicator form){_closest_indicators(ind, catalogue, new_indicators)}",
                records.at[index, "indicator_column"],
                "unknown indicator",
            )

    levels, codes = _resolve_areas(records, matcher, indicators, flag)
    periods = records["period"].map(_parse_period_cached())
    for index in np.flatnonzero(periods.isna().to_numpy()):
        shown = records.at[index, "period"] or "(empty)"
        flag(index, f"'{shown}' is not a month (expected e.g. 2025-03)", records.at[index, "period_column"], "period")

    values = records["value"].map(_number)
    denominators = records["denominator"].map(_number)
    _check_numbers(records, values, denominators, indicators, flag)
    statuses = records["status"].replace("", "recorded")
    for index in np.flatnonzero(~statuses.isin(STATUSES).to_numpy()):
        flag(
            index,
            f"status '{records.at[index, 'status']}' must be recorded, provisional or modelled",
            "status",
            "status",
        )

    keys = pd.DataFrame(
        {
            "indicator": records["indicator"],
            "area_code": codes,
            "period": periods,
            "level": levels,
            "file": table.label,
            "row": records["row"],
        }
    )
    _check_duplicates(keys, good, records, flag)
    _check_mixed_levels(keys, good, flag)
    out = pd.DataFrame(
        {
            "indicator": records["indicator"],
            "area_code": codes,
            "period": periods,
            "value": values,
            "denominator": denominators,
            "status": statuses,
            "source": records["source"].where(records["source"] != "", f"Loaded from {table.label}"),
        }
    )[good]
    out, scale_notes = _fill_denominators(out, indicators)
    notes.extend(scale_notes)
    notes.extend(_coverage_notes(keys[good], matcher, indicators))
    return TableValues(out.loc[:, list(COLUMNS)].reset_index(drop=True), keys[good], found.result(), notes)


def _parse_period_cached():
    cache: dict[str, pd.Timestamp | None] = {}

    def parse(text: str) -> pd.Timestamp | None:
        if text not in cache:
            cache[text] = parse_month(text) if text else None
        return cache[text]

    return parse


def _resolve_areas(records: pd.DataFrame, matcher: AreaMatcher, indicators: dict[str, Indicator], flag):
    levels = np.full(len(records), None, dtype=object)
    codes = np.full(len(records), None, dtype=object)
    cache: dict[tuple[str, str, str, str], tuple[str, str] | str] = {}
    area_columns = records["area_column"].tolist()
    for index, (code, name, level_text, ind) in enumerate(
        zip(records["code"], records["name"], records["level"], records["indicator"], strict=True)
    ):
        key = (code, name, level_text, ind)
        if key not in cache:
            cache[key] = _resolve_one(code, name, level_text, indicators.get(ind), matcher)
        found = cache[key]
        column = area_columns[index]
        if isinstance(found, str):
            flag(index, found, column, "area")
            continue
        level, canonical = found
        indicator = indicators.get(ind)
        if indicator is not None and level not in indicator.geographies:
            flag(
                index,
                f"'{indicator.label}' is not published for {matcher.describe(level, canonical)}: its catalogue "
                f"entry lists {', '.join(indicator.geographies)}",
                column,
                "level",
            )
            continue
        levels[index], codes[index] = level, canonical
    return pd.Series(levels), pd.Series(codes)


def _resolve_one(code: str, name: str, level_text: str, indicator: Indicator | None, matcher: AreaMatcher):
    levels = matcher.geography.levels
    level = levels.from_word(level_text) if level_text else None
    if level_text and level is None:
        return f"level '{level_text[:80]}' is not one of {levels.describe_choices()}"
    if code:
        found = matcher.by_code(code)
        if found is None:
            return matcher.unknown_message(code)
        return found
    if not name:
        return "no area code or name in this row"
    found = matcher.by_name(name, level)
    if isinstance(found, tuple):
        return found
    if isinstance(found, list):
        preferred = [m for m in found if indicator is not None and m[0] == indicator.native_geography]
        if len(preferred) == 1:
            return preferred[0]
        where = " and ".join(sorted({m[0] for m in found}))
        return f"'{name}' is the name of more than one area ({where}); add a 'level' column to say which"
    return matcher.unknown_message(name, "area name")


def _check_numbers(records, values, denominators, indicators, flag) -> None:
    columns = records["value_column"].tolist()
    value_texts = records["value"].tolist()
    denominator_texts = records["denominator"].tolist()
    rows = zip(values, denominators, records["indicator"], columns, value_texts, denominator_texts, strict=True)
    for index, (value, denominator, ind, value_column, value_text, denominator_text) in enumerate(rows):
        indicator = indicators.get(ind)
        if value is None or np.isnan(value):
            flag(index, f"'{value_text or '(empty)'}' is not a number", value_column, "value")
            continue
        if denominator_text and denominator is None:
            flag(index, f"'{denominator_text}' is not a number", "denominator", "denominator")
            continue
        if value < 0:
            what = "count" if indicator is None or indicator.is_count else "value"
            flag(
                index, f"negative {what} ({value:g}); counts and values cannot be below zero", value_column, "negative"
            )
            continue
        if denominator is not None and denominator == 0:
            flag(index, "the denominator is zero, so no percentage or rate can be worked out", "denominator", "zero")
            continue
        if denominator is not None and denominator < 0:
            flag(index, f"negative denominator ({denominator:g})", "denominator", "negative")
            continue
        if indicator is not None and indicator.unit == "percent":
            share = 100 * value / denominator if denominator else value
            if share > 100:
                flag(index, f"percentage over 100 ({share:g}%)", value_column, "over 100")


def _check_duplicates(keys: pd.DataFrame, good: np.ndarray, records: pd.DataFrame, flag) -> None:
    usable = keys["area_code"].notna() & keys["period"].notna()
    subset = keys[usable]
    duplicated = subset.duplicated(["indicator", "area_code", "period"], keep="first")
    if not duplicated.any():
        return
    first_rows = subset[~duplicated].set_index(["indicator", "area_code", "period"])["row"]
    for index in subset.index[duplicated.to_numpy()]:
        key = (keys.at[index, "indicator"], keys.at[index, "area_code"], keys.at[index, "period"])
        flag(
            index,
            f"duplicate: the same indicator, area and month ({pd.Timestamp(key[2]):%B %Y}) as row {first_rows[key]}",
            records.at[index, "area_column"],
            "duplicate",
        )


def _check_mixed_levels(keys: pd.DataFrame, good: np.ndarray, flag) -> None:
    usable = keys[keys["level"].notna() & keys["period"].notna()]
    counts = usable.groupby(["indicator", "period"])["level"].nunique()
    for (ind, period), number in counts[counts > 1].items():
        rows = usable[(usable["indicator"] == ind) & (usable["period"] == period)]
        levels = sorted(rows["level"].unique())
        flag(
            int(rows.index[0]),
            f"'{ind}' for {pd.Timestamp(period):%B %Y} mixes areas of {number} levels ({', '.join(levels)}); "
            "give one level per indicator and month (coarser levels are summed from finer ones)",
            "level",
            "mixed levels",
        )


def _fill_denominators(out: pd.DataFrame, indicators: dict[str, Indicator]) -> tuple[pd.DataFrame, list[str]]:
    """Percentages and rates given without a denominator are kept as the figure over 100 (or 1,000)."""
    notes = []
    out = out.copy()
    for unit, base in (("percent", 100.0), ("rate", 1000.0)):
        ids = [i for i, ind in indicators.items() if ind.unit == unit]
        missing = out["indicator"].isin(ids) & out["denominator"].isna()
        if missing.any():
            out.loc[missing, "denominator"] = base
            names = sorted(out.loc[missing, "indicator"].unique())
            notes.append(
                f"{int(missing.sum()):,} {unit} values of {', '.join(names)} have no denominator; they are kept as "
                f"given and weigh equally when areas or months are combined"
            )
    counts = [i for i, ind in indicators.items() if ind.unit == "count"]
    out.loc[out["indicator"].isin(counts), "denominator"] = np.nan
    return out, notes


def _coverage_notes(keys: pd.DataFrame, matcher: AreaMatcher, indicators: dict[str, Indicator]) -> list[str]:
    notes = []
    for (ind, level), group in keys.groupby(["indicator", "level"]):
        total = len(matcher.geography.level_areas(level)) if level != "city" else 1
        per_month = group.groupby("period")["area_code"].nunique()
        short = per_month[per_month < total]
        if len(short):
            label = indicators[ind].label if ind in indicators else ind
            notes.append(
                f"{label}: {len(short)} month(s) cover fewer than all {total} areas of this level "
                f"(fewest: {int(short.min())}); the other areas will have no value for those months"
            )
    return notes


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in COLUMNS})


def _empty_keys() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in ("indicator", "area_code", "period", "level", "file", "row")})


# ---------------------------------------------------------------- catalogue entries of new indicators


def _split_list(text: Any) -> list[str]:
    if isinstance(text, list | tuple):
        return [str(t).strip() for t in text if str(t).strip()]
    return [part.strip() for part in re.split(r"[;,]", str(text)) if part.strip()]


def _boolean(text: Any) -> bool | str:
    if isinstance(text, bool):
        return text
    cleaned = str(text).strip().lower()
    if cleaned in ("", "false", "no", "n", "0"):
        return False
    if cleaned in ("true", "yes", "y", "1"):
        return True
    return str(text)


def entry_from_fields(fields: dict[str, Any], levels: Levels) -> dict[str, Any]:
    """A raw catalogue entry from a form or a catalogue-sheet row, with sensible defaults."""
    entry: dict[str, Any] = {}
    for name, value in fields.items():
        key = column_key(name)
        if key in LIST_FIELDS:
            entry[key] = _split_list(value)
        elif key in BOOL_FIELDS:
            entry[key] = _boolean(value)
        elif key in REQUIRED_INDICATOR_FIELDS:
            entry[key] = str(value).strip()
    entry["id"] = entry.get("id", "").lower()
    entry.setdefault("short_label", entry.get("label", ""))
    entry["short_label"] = entry["short_label"] or entry.get("label", "")
    entry.setdefault("themes", [])
    entry.setdefault("key", False)
    entry.setdefault("sensitive", False)
    if not entry.get("source_url"):
        entry["source_url"] = "not given"
    priorities = entry.get("priorities") or []
    if not entry.get("primary_priority") and priorities:
        entry["primary_priority"] = priorities[0]
    native = entry.get("native_geography", "")
    native = levels.from_word(native) or native.lower()
    entry["native_geography"] = native
    if not entry.get("geographies") and native in levels:
        entry["geographies"] = [native, *levels.nests_in(native)]
    entry["geographies"] = [levels.from_word(g) or g.lower() for g in entry.get("geographies", [])]
    return entry


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(json.dumps(str(v), ensure_ascii=False) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def entry_toml(entry: dict[str, Any]) -> str:
    lines = ["", "[[indicators]]"]
    lines += [f"{name} = {_toml_value(entry[name])}" for name in REQUIRED_INDICATOR_FIELDS if name in entry]
    return "\n".join(lines) + "\n"


def catalogue_additions(
    entries: list[tuple[dict[str, Any], str, int | None]], catalogue: Catalogue, catalogue_text: str
) -> tuple[str | None, dict[str, Indicator], list[Problem]]:
    """New catalogue text and the new indicators, from raw entries (entry, file label, row).

    Entries for indicators already in the catalogue are left out (the catalogue keeps its entry).
    """
    problems: list[Problem] = []
    priorities = {p.id for p in catalogue.priorities}
    themes = {t.id for t in catalogue.themes}
    levels = set(catalogue.level_ids)
    accepted: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry, label, row in entries:
        where = f"indicator '{entry.get('id') or '?'}'"
        if catalogue.has_indicator(entry.get("id", "")):
            problems.append(
                Problem(
                    label,
                    f"{where} is already in the catalogue; its existing entry is kept",
                    row,
                    "id",
                    severity="warning",
                )
            )
            continue
        found = indicator_problems(entry, priorities, themes, levels, where)
        if entry.get("id") in seen:
            found.append(f"{where} is given twice")
        seen.add(entry.get("id"))
        problems.extend(Problem(label, message, row) for message in found)
        if not found:
            accepted.append(entry)
    if not accepted or any(p.severity == "error" for p in problems):
        return None, {}, problems
    text = catalogue_text.rstrip("\n") + "\n" + "".join(entry_toml(e) for e in accepted)
    parsed = parse_catalogue(tomllib.loads(text))
    new = {e["id"]: parsed.indicator(e["id"]) for e in accepted}
    return text, new, problems


def catalogue_entries(tables: list[Table], levels: Levels) -> list[tuple[dict[str, Any], str, int | None]]:
    """Raw entries from catalogue sheets: one row per new indicator, one column per field."""
    entries = []
    for table in tables:
        for index, record in enumerate(table.frame.to_dict("records")):
            if not any(str(v).strip() for v in record.values()):
                continue
            entries.append((entry_from_fields(record, levels), table.label, table.row_number(index)))
    return entries
