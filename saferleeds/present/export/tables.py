"""Tables for download: disclosure control, spreadsheet safety, Excel workbooks and CSV files.

Every table leaves here with the same disclosure control as the screen (``analysis.disclosure``: for
sensitive indicators at the protected levels, counts of 1 to 4 read "<5", other counts are rounded to the
nearest 5 and given for 12-month periods only, a count that would let a small one be worked out reads
"withheld", and nothing worked out from a hidden count is given) and with every text cell that a
spreadsheet would read as a formula (one starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return) written as plain text.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from saferleeds.analysis.aggregate import area_monthly
from saferleeds.analysis.area_summary import CHANGE_WITHHELD, summarise
from saferleeds.analysis.disclosure import HIDDEN, area_states
from saferleeds.analysis.disclosure import WITHHELD as WITHHELD_STATE
from saferleeds.analysis.measures import effective_measure, rate_title
from saferleeds.core.dataset import Dataset
from saferleeds.core.geography import slugify
from saferleeds.core.periods import Period
from saferleeds.core.text import sentence_case
from saferleeds.core.vocabulary import DisclosureRule

# Full-width forms are included because some spreadsheet programs read them as the ASCII ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
WITHHELD = CHANGE_WITHHELD
SHOWN_AS_SUPPRESSED = ("count", "value", "display")
KEPT_WHEN_SUPPRESSED = frozenset(
    {
        "code",
        "name",
        "level",
        "period",
        "population",
        "months",
        "modelled_months",
        "estimated_months",
        "status",
        "modelled",
        "suppressed",
        "verdict",
        "funnel_position",
        "funnel_target",
        "funnel_inner_low",
        "funnel_inner_high",
        "funnel_outer_low",
        "funnel_outer_high",
        "beyond_outer",
        "change_unit",
    }
)
CHANGE_COLUMNS = ("change", "p_value", "change_direction", "change_words", "judgement")
SHEET_NAME_LIMIT = 31
SHEET_NAME_BANNED = re.compile(r"[\[\]:*?/\\]")
HEADER_FILL = "F3F2F1"
# The control characters a workbook cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE, kept here so a page
# that only writes CSV never loads openpyxl).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


# --------------------------------------------------------------------------- spreadsheet safety


def is_formula_like(value: object) -> bool:
    """True for text a spreadsheet would read as a formula (or a formula's start)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(value: object) -> object:
    """Text that would be read as a formula gains a leading apostrophe (CSV); anything else is unchanged."""
    return f"'{value}" if is_formula_like(value) else value


# --------------------------------------------------------------------------- disclosure control


def protect(
    frame: pd.DataFrame, rule: DisclosureRule, applies: bool | None = None, suppressed_column: str = "suppressed"
) -> pd.DataFrame:
    """Apply disclosure control to a table with a ``suppressed`` column (as ``analysis.summarise`` gives).

    In suppressed rows the count, value and display columns read as the rule says ("<5"); every other figure that is not
    an identifier or context (population, funnel limits, status) is withheld, because a rate, a rank or a
    change would let the count be worked out. Where control ``applies`` (default: when any row is
    suppressed), a comparison-period count of 1 to 4 reads "<5" and that row's change is withheld too.
    """
    out = frame.copy()
    if suppressed_column not in out.columns:
        return out
    suppressed = out[suppressed_column].fillna(False).astype(bool).to_numpy()
    applies = bool(suppressed.any()) if applies is None else applies
    small_before = np.zeros(len(out), dtype=bool)
    if "previous_disclosure" in out.columns:
        small_before = out["previous_disclosure"].isin(["hidden", "withheld"]).to_numpy()
    elif applies and "previous_count" in out.columns:
        small_before = rule.hides(out["previous_count"]).to_numpy()
    for column in out.columns:
        if column in KEPT_WHEN_SUPPRESSED or column in ("disclosure", "previous_disclosure"):
            continue
        if column == "previous_count":
            hide = small_before
        elif column in CHANGE_COLUMNS:
            hide = suppressed | small_before
        else:
            hide = suppressed
        if not hide.any():
            continue
        if column in SHOWN_AS_SUPPRESSED or column == "previous_count":
            replacement: object = _hidden_text(out, rule, column)[hide]
        elif pd.api.types.is_string_dtype(frame[column]):
            replacement = WITHHELD
        else:
            replacement = None
        values = out[column].astype(object)
        values[hide] = replacement
        out[column] = values
    return out


def _hidden_text(frame: pd.DataFrame, rule: DisclosureRule, column: str) -> np.ndarray:
    """What each row's hidden figure reads as: "<5", or "withheld" for a count withheld to protect another."""
    state = "previous_disclosure" if column == "previous_count" else "disclosure"
    if state not in frame.columns:
        return np.full(len(frame), rule.shown_as, dtype=object)
    return np.where(frame[state].to_numpy() == WITHHELD_STATE, rule.withheld_as, rule.shown_as).astype(object)


def disclosure_applies(dataset: Dataset, indicator_id: str, level: str) -> bool:
    indicator = dataset.catalogue.indicator(indicator_id)
    return dataset.catalogue.disclosure.applies(indicator.sensitive, level)


def change_withheld(row: pd.Series) -> bool:
    """True when an area's change would reveal a count of 1 to 4, now or in the comparison period."""
    return bool(row.get("change_withheld", False))


# --------------------------------------------------------------------------- the tables


def verdict_words(verdict: str) -> str:
    return "" if verdict in ("not compared", "", None) else f"{verdict} the Leeds average"


def area_table(dataset: Dataset, indicator_id: str, level: str, period: Period) -> pd.DataFrame:
    """Every area of ``level`` for one indicator, as the screen shows it, ready to download.

    Built from ``analysis.summarise``; counts of sensitive indicators are protected as on screen.
    """
    indicator = dataset.catalogue.indicator(indicator_id)
    rule = dataset.catalogue.disclosure
    counts = summarise(dataset, indicator_id, level, period, "count")
    safe = protect(counts, rule, applies=disclosure_applies(dataset, indicator_id, level))
    residents = sentence_case(dataset.catalogue.rates.population_label)
    table = pd.DataFrame({"Area": safe["name"], "Code": safe["code"], residents: safe["population"]})
    if indicator.unit == "count":
        rates = summarise(dataset, indicator_id, level, period, "rate")["value"]
        table["Number"] = safe["count"]
        table[rate_title(indicator)] = rates.astype(object).where(~counts["suppressed"].to_numpy(), None)
        table["Number in the comparison period"] = safe["previous_count"]
        table["Change (%)"] = [None if c is None or pd.isna(c) else 100 * c for c in safe["change"]]
    else:
        measure = effective_measure(indicator, "count")
        table["Percent" if measure == "percent" else f"Rate {indicator.rates.words}"] = safe["value"]
        table["Respondents" if measure == "percent" else "Base"] = safe["denominator"]
        table["Change (percentage points)"] = safe["change"]
    table["Change in words"] = safe["change_words"]
    table["Significance (p-value)"] = safe["p_value"]
    table["Compared with Leeds"] = [verdict_words(v) for v in safe["verdict"]]
    table["Status"] = safe["status"]
    return table.reset_index(drop=True)


def month_states(dataset: Dataset, indicator_id: str, code: str, months: pd.Series) -> np.ndarray:
    """How disclosure control publishes each month of one area: 'hidden' ("<5"), 'withheld' (every month
    at a protected level, where counts are given for 12 months at a time; elsewhere a month that would
    reveal a small count) or '' (shown)."""
    periods = pd.DatetimeIndex(pd.to_datetime(pd.Series(months)))
    level = dataset.geography.level_of(code) or dataset.catalogue.levels.city
    canonical = (dataset.geography.recognise(code) or (level, code))[1]
    states = area_states(dataset, indicator_id, level, canonical, pd.DatetimeIndex(periods.unique()))["state"]
    found = states.reindex(periods).to_numpy(dtype=object)
    return np.where(np.isin(found, [HIDDEN, WITHHELD_STATE]), found, "").astype(object)


def monthly_table(dataset: Dataset, indicator_id: str, codes: Sequence[str], window: Period) -> pd.DataFrame:
    """Monthly figures of the chosen areas (and Leeds), with each month's status, protected as on screen:
    a month disclosure control keeps back reads "<5" or "withheld", as its state says."""
    indicator = dataset.catalogue.indicator(indicator_id)
    rule = dataset.catalogue.disclosure
    value_name = "Percent" if indicator.unit == "percent" else rate_title(indicator)
    pieces = []
    for code in codes:
        level = dataset.geography.level_of(code) or dataset.catalogue.levels.city
        series = area_monthly(dataset, indicator_id, code, "rate")
        series = series[window.contains(series["period"]).to_numpy()]
        applies = disclosure_applies(dataset, indicator_id, level)
        states = month_states(dataset, indicator_id, code, series["period"])
        frame = pd.DataFrame(
            {
                "name": dataset.geography.name(code),
                "code": code,
                "period": series["period"].to_numpy(),
                "count": series["value"].to_numpy(),
                "shown": series["shown"].to_numpy(),
                "status": series["status"].to_numpy(),
                "suppressed": states != "",
                "disclosure": states,
            }
        )
        pieces.append(protect(frame, rule, applies=applies))
    columns = {"name": "Area", "code": "Code", "period": "Month", "count": "Number", "shown": value_name}
    if not pieces:
        return pd.DataFrame(columns=[*columns.values(), "Status"])
    table = pd.concat(pieces, ignore_index=True).rename(columns=columns | {"status": "Status"})
    if indicator.unit != "count":
        table = table.drop(columns="Number")
    return table.drop(columns=["suppressed", "disclosure"])


# --------------------------------------------------------------------------- writing


def clean_text(value: str) -> str:
    """Remove control characters a workbook cannot hold (names can come from users' files)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def sheet_names(titles: Iterable[str]) -> list[str]:
    """Valid, unique Excel sheet names (31 characters, none of []:*?/\\) for the given titles."""
    names: list[str] = []
    for title in titles:
        base = SHEET_NAME_BANNED.sub(" ", clean_text(title)).strip().strip("'") or "Sheet"
        base = re.sub(r"\s+", " ", base)[:SHEET_NAME_LIMIT].rstrip()
        name, number = base, 2
        while name.lower() in (n.lower() for n in names):
            suffix = f" ({number})"
            name = base[: SHEET_NAME_LIMIT - len(suffix)].rstrip() + suffix
            number += 1
        names.append(name)
    return names


def _number_format(column: str) -> str | None:
    lowered = column.lower()
    if lowered == "month":
        return "mmm yyyy"
    if "p-value" in lowered:
        return "0.000"
    if lowered.startswith(("rate", "percent", "change (")):
        return "0.0"
    if lowered.startswith(("number", "residents", "respondents", "base")):
        return "#,##0"
    return None


def _cell_value(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _write_cell(sheet, row: int, column: int, value: object):
    value = _cell_value(value)
    if isinstance(value, str):
        text = clean_text(value)
        cell = sheet.cell(row=row, column=column)
        cell.value = text
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if is_formula_like(text):
            cell.quotePrefix = True  # what Excel stores for text typed with a leading apostrophe
        return cell
    return sheet.cell(row=row, column=column, value=value)


def _write_table(sheet, frame: pd.DataFrame) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for number, column in enumerate(frame.columns, start=1):
        cell = _write_cell(sheet, 1, number, str(column))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    formats = [_number_format(str(c)) for c in frame.columns]
    for row_number, values in enumerate(frame.itertuples(index=False, name=None), start=2):
        for number, value in enumerate(values, start=1):
            cell = _write_cell(sheet, row_number, number, value)
            if formats[number - 1] and not isinstance(cell.value, str):
                cell.number_format = formats[number - 1]
    for number, column in enumerate(frame.columns, start=1):
        lengths = [len(str(column))] + [len(str(v)) for v in frame.iloc[:200, number - 1] if v is not None]
        sheet.column_dimensions[get_column_letter(number)].width = min(max(lengths) + 2, 60)
    sheet.freeze_panes = "A2"
    if len(frame):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"


def workbook_bytes(
    tables: dict[str, pd.DataFrame], notes: dict[str, Sequence[str]] | None = None, title: str = ""
) -> bytes:
    """An Excel workbook with one sheet per table (named by its key); ``notes`` add lines below a table."""
    from openpyxl import Workbook  # loaded when a workbook is asked for: most exports never need it

    book = Workbook()
    book.remove(book.active)
    book.properties.title = clean_text(title)[:255]
    for name, (key, frame) in zip(sheet_names(tables), tables.items(), strict=True):
        sheet = book.create_sheet(name)
        _write_table(sheet, frame)
        for offset, line in enumerate((notes or {}).get(key, ()), start=len(frame) + 3):
            _write_cell(sheet, offset, 1, line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv_value(value: object) -> object:
    value = _cell_value(value)
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return neutralise(value)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV (UTF-8 with a byte-order mark so spreadsheets read it correctly), formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(str(c)) for c in frame.columns])
    for values in frame.itertuples(index=False, name=None):
        writer.writerow([_csv_value(v) for v in values])
    return buffer.getvalue().encode("utf-8-sig")


def csv_file_names(titles: Iterable[str]) -> list[str]:
    names: list[str] = []
    for title in titles:
        base = slugify(title) or "table"
        name, number = f"{base}.csv", 2
        while name in names:
            name, number = f"{base}-{number}.csv", number + 1
        names.append(name)
    return names


def csv_zip_bytes(tables: dict[str, pd.DataFrame], readme: str = "") -> bytes:
    """A zip of one CSV per table (named from its key), with an optional README.txt."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, frame in zip(csv_file_names(tables), tables.values(), strict=True):
            archive.writestr(name, csv_bytes(frame))
        if readme:
            archive.writestr("README.txt", readme)
    return buffer.getvalue()
