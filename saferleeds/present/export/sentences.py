"""Two or three plain-English sentences about one indicator in one area, for board packs, with the one
that matters most (a real difference from Leeds, then a real change) said first."""

from __future__ import annotations

import pandas as pd

from saferleeds.analysis.area_summary import area_row, city_figures
from saferleeds.analysis.disclosure import HIDDEN, ROUNDED, WITHHELD
from saferleeds.analysis.measures import format_value
from saferleeds.core.catalogue import Indicator
from saferleeds.core.dataset import Dataset
from saferleeds.core.geography import CITY_CODE
from saferleeds.core.periods import Period
from saferleeds.present.export.tables import change_withheld


def comparison_words(period: Period) -> str:
    """What a change is measured against, in words."""
    if period.months <= 12:
        return "the same months a year earlier"
    return f"the {period.months} months before"


def _disclosure(row: pd.Series, column: str = "disclosure") -> str:
    """How disclosure control published the row's count: 'hidden', 'withheld', 'rounded' or '' (exact)."""
    value = row.get(column, "")
    return value if isinstance(value, str) else ""


def _value_words(dataset: Dataset, indicator: Indicator, row: pd.Series, measure: str) -> str:
    rule = dataset.catalogue.disclosure
    state = _disclosure(row)
    if state == WITHHELD:
        return f"{rule.withheld_as}, so that small numbers elsewhere cannot be worked out"
    if row["suppressed"]:
        return f"fewer than {rule.below}"
    text = format_value(row["value"], indicator, measure)
    rounded = f"rounded to the nearest {rule.round_to}" if state == ROUNDED else ""
    if indicator.unit == "count" and measure == "count" and row["population"]:
        rates = indicator.rates
        rate = f"{rates.per * row['count'] / row['population']:,.1f} {rates.words} residents"
        return f"{text} ({'; '.join(part for part in (rounded, rate) if part)})"
    return f"{text} ({rounded})" if rounded else text


def _no_change_words(dataset: Dataset, row: pd.Series, period: Period) -> str:
    """Why no change is given: a count of this period or of the one before is hidden or withheld."""
    if _disclosure(row) == WITHHELD:
        return "No change is shown, to protect privacy."
    if row["suppressed"]:
        return "Numbers this small are not given in detail, and no change is shown, to protect privacy."
    before = comparison_words(period)
    if _disclosure(row, "previous_disclosure") == HIDDEN:
        return f"No change is shown: the figure for {before} is too small to give."
    return (
        f"No change is shown: the figure for {before} is {dataset.catalogue.disclosure.withheld_as}, so that "
        "small numbers cannot be worked out."
    )


def _target_words(indicator: Indicator, row: pd.Series) -> str:
    target = indicator.target
    if target is None or pd.isna(row["value"]) or row["suppressed"]:
        return ""
    return f" {target.label} ({'met' if target.is_met(row['value']) else 'not met'})."


def _leeds_words(dataset: Dataset, indicator: Indicator, period: Period) -> str:
    """The Leeds figure an area is judged against: a rate for counts, else the figure itself."""
    shown = "rate" if indicator.unit == "count" else indicator.unit
    text = format_value(city_figures(dataset, indicator.id, period, shown)["value"], indicator, shown)
    return f"{text} residents" if indicator.unit == "count" else text


def summary_sentences(
    dataset: Dataset, indicator_id: str, code: str | None, period: Period, measure: str = "count"
) -> list[str]:
    """What the figure is, whether it changed (significantly or not) and how it compares with Leeds.

    Small counts of sensitive indicators are described as "fewer than" the disclosure threshold, counts withheld
    to protect them as withheld, and rounded counts as rounded; no change is given where either period's count is
    hidden or withheld.
    """
    indicator = dataset.catalogue.indicator(indicator_id)
    code = code or CITY_CODE
    name = dataset.geography.name(code)
    row = area_row(dataset, indicator_id, code, period, measure)
    if row is None or row["months"] == 0:
        leeds = city_figures(dataset, indicator_id, period, measure)
        level = dataset.geography.level_of(code) or "city"
        return [
            f"{indicator.label} is not published for {dataset.catalogue.level(level).plural}, "
            f"so {name} has no figure of its own.",
            f"For Leeds as a whole it was {format_value(leeds['value'], indicator, measure)} in {period.label()}: "
            f"{leeds['change_words']} on {comparison_words(period)}.",
        ]
    sentences = [
        f"{indicator.short_label} in {name}, {period.label()}: {_value_words(dataset, indicator, row, measure)}."
    ]
    if row["suppressed"] or change_withheld(row):
        sentences.append(_no_change_words(dataset, row, period))
    else:
        change = f"Compared with {comparison_words(period)}: {row['change_words']}."
        if indicator.polarity == "context" and row["change_direction"] == "up":
            change += " A rise can mean more people have the confidence to report."
        sentences.append(change)
    target = _target_words(indicator, row)
    if code == CITY_CODE:
        sentences.append(f"These figures are {row['status']}.{target}")
    elif row["verdict"] == "not compared" or row["suppressed"]:
        sentences.append(f"The Leeds figure is {_leeds_words(dataset, indicator, period)}.{target}")
    else:
        sentences.append(
            f"{name} is {row['verdict']} the Leeds average ({_leeds_words(dataset, indicator, period)}), "
            f"allowing for {'the number of people asked' if indicator.unit == 'percent' else 'its size'}.{target}"
        )
    return sentences


def _lead(row: pd.Series | None, code: str) -> int:
    """Which sentence matters most: a real difference from Leeds, else a real change, else the figure."""
    if row is None or row["months"] == 0 or row["suppressed"]:
        return 0
    if code != CITY_CODE and str(row["verdict"]).startswith("significantly"):
        return 2
    if row["change_direction"] in ("up", "down") and not change_withheld(row):
        return 1
    return 0


def lead_and_rest(
    dataset: Dataset, indicator_id: str, code: str | None, period: Period, measure: str = "count"
) -> tuple[str, tuple[str, ...]]:
    """The summary sentences with the one that matters most taken out to be said first."""
    code = code or CITY_CODE
    sentences = summary_sentences(dataset, indicator_id, code, period, measure)
    lead = _lead(area_row(dataset, indicator_id, code, period, measure), code)
    return sentences[lead], tuple(s for number, s in enumerate(sentences) if number != lead)
