"""Checking the partnership's own indicator tables, long or wide, and turning them into values.

Long format is the data contract: ``indicator, area_code, period, value, denominator, status,
source`` (denominator, status and source may be left out). Wide format has one row per area
(and indicator) and one column per month. Areas are named by any recognised code (LSOA 2011 or
2021, ward codes of any vintage, committee, constituency, priority neighbourhood, the city) or
by exact name. Only plausible values pass: finite numbers within the indicator's plausible range
(``plausible_range`` in the catalogue; counts without one up to MAX_COUNT), months from 2010 to
the current month.

Every problem is reported with its file (and sheet), row and column; rows are numbered as a
spreadsheet shows them (the header is row 1). Reading the files is
``saferleeds.ingest.table_files``; new catalogue entries are ``saferleeds.ingest.new_indicators``.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from saferleeds.core.catalogue import Catalogue, Indicator
from saferleeds.core.errors import Problem
from saferleeds.core.periods import implausible_month, parse_month
from saferleeds.core.text import quoted
from saferleeds.core.values import COLUMNS, STATUSES
from saferleeds.ingest.area_matching import AreaMatcher
from saferleeds.ingest.table_files import SYNONYMS, Table, column_key, find_column

PROBLEMS_PER_KIND = 50
MAX_COUNT = 1_000_000  # a count of one area in one month, for indicators without a plausible range
MAX_DENOMINATOR = 100_000_000  # ten times the population of England: no base is larger
LONGEST_SUGGESTED = 80  # text longer than this is not a mistyped id, so nothing close is looked for


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


def is_long(table: Table) -> bool:
    return find_column(table, "period") is not None and find_column(table, "value") is not None


def _doubled_role(table: Table) -> Problem | None:
    """Two columns for one role ('value' and 'count'): each heading must be read once, so say which."""
    keys = {column_key(c): c for c in table.frame.columns}
    for role, synonyms in SYNONYMS.items():
        found = [keys[s] for s in synonyms if s in keys]
        if len(found) > 1:
            return Problem(
                table.label,
                f"columns {quoted(found[0])} and {quoted(found[1])} both give the {role.replace('_', ' ')}; "
                "keep one of them (or rename the other)",
                row=table.header_row or None,
                column=found[1],
            )
    return None


def layout_problem(table: Table) -> Problem | None:
    """Why the table is neither long nor wide (or names a role twice), or None."""
    doubled = _doubled_role(table)
    if doubled is not None:
        return doubled
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
    if not cleaned or len(cleaned) > 40:
        return None
    try:
        return float(cleaned)
    except ValueError:
        return None


def _closest_indicators(text: str, catalogue: Catalogue, extra: dict[str, Indicator]) -> str:
    if len(text) > LONGEST_SUGGESTED:
        return ""
    ids = [i.id for i in catalogue.indicators] + list(extra)
    close = difflib.get_close_matches(text, ids, n=3, cutoff=0.6)
    return f"; closest known: {', '.join(close)}" if close else ""


@dataclass
class _Checker:
    """The records of one table, which of them are good so far, and the problems found."""

    table: Table
    records: pd.DataFrame
    indicators: dict[str, Indicator]
    found: ProblemList

    def __post_init__(self) -> None:
        self.good = np.ones(len(self.records), dtype=bool)

    def flag(self, index: int, message: str, column: str, kind: str) -> None:
        self.good[index] = False
        self.found.add(Problem(self.table.label, message, int(self.records.at[index, "row"]), column), kind)


def _check_indicators(check: _Checker, catalogue: Catalogue, new_indicators: dict[str, Indicator]) -> None:
    records = check.records
    for index, ind in enumerate(records["indicator"].tolist()):
        if not ind:
            check.flag(
                index, "no indicator: add an 'indicator' column", records.at[index, "indicator_column"], "indicator"
            )
        elif ind not in check.indicators:
            check.flag(
                index,
                f"indicator {quoted(ind)} is not in the catalogue; give its catalogue entry (a 'catalogue' sheet in "
                f"the workbook, or the new-indicator form){_closest_indicators(ind, catalogue, new_indicators)}",
                records.at[index, "indicator_column"],
                "unknown indicator",
            )


def _check_periods(check: _Checker) -> pd.Series:
    records = check.records
    periods = records["period"].map(_parse_period_cached())
    for index in map(int, np.flatnonzero(periods.isna().to_numpy())):
        shown = records.at[index, "period"] or "(empty)"
        check.flag(
            index,
            f"{quoted(shown)} is not a month (expected e.g. 2025-03)",
            records.at[index, "period_column"],
            "period",
        )
    reasons = {month: implausible_month(month) for month in periods.dropna().unique()}
    for late in map(int, np.flatnonzero(periods.map(reasons).notna().to_numpy())):
        check.flag(late, str(reasons[periods.iat[late]]), records.at[late, "period_column"], "month out of range")
    return periods


def _check_statuses(check: _Checker) -> pd.Series:
    statuses = check.records["status"].replace("", "recorded")
    for index in np.flatnonzero(~statuses.isin(STATUSES).to_numpy()):
        check.flag(
            int(index),
            f"status {quoted(check.records.at[index, 'status'])} must be recorded, provisional or modelled",
            "status",
            "status",
        )
    return statuses


def table_values(
    table: Table,
    catalogue: Catalogue,
    matcher: AreaMatcher,
    new_indicators: dict[str, Indicator] | None = None,
    default_indicator: str | None = None,
) -> TableValues:
    """Check every row of an indicator table and turn it into data-contract rows."""
    new_indicators = new_indicators or {}
    problem = layout_problem(table)
    if problem is not None:
        return TableValues(_empty(), _empty_keys(), [problem], [])
    records = long_records(table, default_indicator)
    if records.empty:
        return TableValues(_empty(), _empty_keys(), [Problem(table.label, "the table has no values", row=2)], [])
    check = _Checker(table, records, {i.id: i for i in catalogue.indicators} | new_indicators, ProblemList())
    _check_indicators(check, catalogue, new_indicators)
    levels, codes = _resolve_areas(records, matcher, check.indicators, check.flag)
    periods = _check_periods(check)
    values = records["value"].map(_number)
    denominators = records["denominator"].map(_number)
    _check_numbers(records, values, denominators, check.indicators, check.flag)
    statuses = _check_statuses(check)
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
    _check_duplicates(keys, check.good, records, check.flag)
    _check_mixed_levels(keys, check.good, check.flag)
    source = records["source"].where(records["source"] != "", f"Loaded from {table.label}")
    out = pd.DataFrame(
        {"indicator": records["indicator"], "area_code": codes, "period": periods, "value": values}
        | {"denominator": denominators, "status": statuses, "source": source}
    )[check.good]
    out, notes = _fill_denominators(out, check.indicators)
    notes.extend(_coverage_notes(keys[check.good], matcher, check.indicators))
    return TableValues(out.loc[:, list(COLUMNS)].reset_index(drop=True), keys[check.good], check.found.result(), notes)


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
        zip(*(records[c].tolist() for c in ("code", "name", "level", "indicator")), strict=True)
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
                f"{quoted(indicator.label)} is not published for {matcher.describe(level, canonical)}: its catalogue "
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
        return f"level {quoted(level_text)} is not one of {levels.describe_choices()}"
    if code:
        found = matcher.by_code(code)
        if found is None:
            return matcher.unknown_message(code)
        return found
    if not name:
        return "no area code or name in this row"
    named = matcher.by_name(name, level)
    if isinstance(named, tuple):
        return named
    if isinstance(named, list):
        preferred = [m for m in named if indicator is not None and m[0] == indicator.native_geography]
        if len(preferred) == 1:
            return preferred[0]
        where = " and ".join(sorted({m[0] for m in named}))
        return f"{quoted(name)} is the name of more than one area ({where}); add a 'level' column to say which"
    return matcher.unknown_message(name, "area name")


def _figure(value: float, denominator: float | None, indicator: Indicator | None) -> tuple[float, str]:
    """The figure as shown (a count, a percentage, or a rate per 1,000) and its words."""
    if indicator is not None and indicator.unit == "percent":
        return (100 * value / denominator if denominator else value), "percentage"
    if indicator is not None and indicator.unit == "rate":
        return (1000 * value / denominator if denominator else value), "rate per 1,000"
    return value, "count" if indicator is None or indicator.is_count else "value"


def _range_problem(value: float, denominator: float | None, indicator: Indicator | None) -> str | None:
    figure, words = _figure(value, denominator, indicator)
    if words == "percentage" and figure > 100:
        return f"percentage over 100 ({figure:g}%)"
    if indicator is not None and indicator.plausible_range is not None:
        low, high = indicator.plausible_range
        if not low <= figure <= high:
            return (
                f"{words} {figure:,.6g} for one area in one month is outside the plausible range "
                f"{low:,g} to {high:,g} stated in the catalogue for {quoted(indicator.id)}"
            )
    elif words == "count" and value > MAX_COUNT:
        return f"count {value:,.6g} for one area in one month is more than {MAX_COUNT:,}, the most any area can have"
    return None


def _number_problem(value, denominator, indicator, value_text: str, denominator_text: str) -> tuple[str, str] | None:
    """(message, kind) for a value or denominator that cannot be right, or None; kinds name the column."""
    if denominator is not None and math.isnan(denominator) and not denominator_text:
        denominator = None  # no denominator given
    if value is None or math.isnan(value):
        return f"{quoted(value_text or '(empty)')} is not a number", "value"
    if denominator_text and (denominator is None or math.isnan(denominator)):
        return f"{quoted(denominator_text)} is not a number", "denominator"
    if math.isinf(value):
        return f"{quoted(value_text)} is too large to be a number of anything", "value too large"
    if denominator is not None and not abs(denominator) <= MAX_DENOMINATOR:
        words = f"more than {MAX_DENOMINATOR:,}, larger than any base"
        return f"denominator {quoted(denominator_text)} is {words}", "denominator too large"
    if value < 0:
        what = "count" if indicator is None or indicator.is_count else "value"
        return f"negative {what} ({value:g}); counts and values cannot be below zero", "value negative"
    if denominator is not None and denominator == 0:
        return "the denominator is zero, so no percentage or rate can be worked out", "denominator zero"
    if denominator is not None and denominator < 0:
        return f"negative denominator ({denominator:g})", "denominator negative"
    message = _range_problem(value, denominator, indicator)
    return (message, "value implausible") if message else None


def _check_numbers(records, values, denominators, indicators, flag) -> None:
    texts = [records[c].tolist() for c in ("indicator", "value_column", "value", "denominator")]
    columns = zip(*texts, strict=True)  # lists: iterating Arrow-backed columns one cell at a time is slow
    for index, (value, denominator, (ind, value_column, value_text, denominator_text)) in enumerate(
        zip(values.tolist(), denominators.tolist(), columns, strict=True)
    ):
        problem = _number_problem(value, denominator, indicators.get(ind), value_text, denominator_text)
        if problem is not None:
            message, kind = problem
            flag(index, message, "denominator" if kind.startswith("denominator") else value_column, kind)


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
            f"{quoted(ind)} for {pd.Timestamp(period):%B %Y} mixes areas of {number} levels ({', '.join(levels)}); "
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
