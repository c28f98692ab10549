"""One row per area: its value, rate, change on a year earlier, verdict against Leeds, rank, status and
what disclosure control hides. Every page's table, tile and sentence reads from here, so every page says
the same thing about an area, made the same way:

* the change allows for exposure (days and residents of each period's year) and is tested exactly
  (``stats.change``); with many areas the ``*_fdr`` columns judge each change after allowing for all of
  them (Benjamini-Hochberg), for pages that show every area at once;
* the verdict against Leeds is Spiegelhalter's funnel, allowing for overdispersion, judged over all the
  level's areas at a false discovery rate (``stats.funnel``);
* for sensitive indicators, the counts are those disclosure control publishes (``disclosure``): rounded
  or hidden at the protected levels, and everything else is worked out from them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from saferleeds.analysis.aggregate import level_totals
from saferleeds.analysis.area_tests import CHANGE_WITHHELD, Method, add_change, add_funnel, funnel_inputs
from saferleeds.analysis.disclosure import HIDDEN, WITHHELD, protection, published_as_counted
from saferleeds.analysis.measures import display_value, format_value, rate_population
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period

__all__ = ["CHANGE_WITHHELD", "Method", "area_row", "city_figures", "comparison_method", "status_words", "summarise"]


def status_words(months: int, weakest: str, weakest_months: int) -> str:
    """How a period's figure was made: 'recorded', 'estimated', 'partly modelled (3 of 12 months)', 'no data'.

    The figure is as weak as its weakest month; when only some months are that weak, it says how many.
    """
    if months == 0 or not isinstance(weakest, str):
        return "no data"
    if weakest_months >= months:
        return weakest
    return f"partly {weakest} ({weakest_months} of {months} months)"


def periods_status(current: str, previous: str, strongest: str) -> str:
    """The status of both periods a change compares: 'both recorded', 'modelled against recorded a year earlier'."""
    if current == previous:
        return f"both {current}" if current != "no data" else "no data"
    return f"{current}, against {previous} a year earlier"


def summarise(dataset: Dataset, indicator_id: str, level: str, period: Period, measure: str = "count") -> pd.DataFrame:
    """One row per area of ``level``: value, rate, change, funnel verdict, rank and status.

    Columns: code, name, population, count, denominator, value (as the measure says), months,
    status, previous_status, periods_status, previous_count, change, p_value, change_words, judgement,
    change_q, change_direction_fdr, change_words_fdr, funnel_*, verdict, rank, suppressed (hidden or
    withheld), disclosure and previous_disclosure (hidden, withheld, rounded or empty), change_withheld,
    display. Areas with no data keep a row with NaN values and status 'no data'. For sensitive
    indicators, counts are the published ones: a hidden or withheld count is missing, never its value.
    """
    return _parts(dataset, indicator_id, level, period, measure)[0]


def comparison_method(dataset: Dataset, indicator_id: str, level: str, period: Period) -> Method:
    """How ``summarise`` compared the level's areas with Leeds (the same for either measure)."""
    return _parts(dataset, indicator_id, level, period, "rate")[1]


def _parts(dataset: Dataset, indicator_id: str, level: str, period: Period, measure: str):
    key = ("summary", indicator_id, level, period, measure)
    return dataset.memo(key, lambda: _measured(dataset, indicator_id, level, period, measure))


def _compared(dataset: Dataset, indicator_id: str, level: str, period: Period):
    """The columns that do not depend on the measure (counts, status, change, verdict), worked out once
    for the count and the rate, with ``population`` and ``value`` left for ``_measured`` to fill in."""
    key = ("summary_compared", indicator_id, level, period)
    return dataset.memo(key, lambda: _summarise(dataset, indicator_id, level, period))


def _measured(dataset: Dataset, indicator_id: str, level: str, period: Period, measure: str):
    compared, method = _compared(dataset, indicator_id, level, period)
    indicator, catalogue = dataset.catalogue.indicator(indicator_id), dataset.catalogue
    frame = compared.copy()
    frame["population"] = rate_population(dataset.geography, level, measure, catalogue.rates).reindex(frame.index)
    frame["value"] = _values(indicator, frame, measure)
    frame["rank"] = frame["value"].where(~frame["suppressed"]).rank(ascending=False, method="min")
    frame["display"] = [
        _display(v, s, indicator, measure, catalogue) for v, s in zip(frame["value"], frame["disclosure"], strict=True)
    ]
    frame.columns = pd.Index(list(frame.columns))
    return frame.reset_index().rename(columns={"index": "code"}), method


def _published(
    dataset: Dataset, indicator_id: str, level: str, period: Period, codes: pd.Index
) -> tuple[pd.Series, pd.Series]:
    """The counts disclosure control lets out (by code) and each one's state."""
    totals = level_totals(dataset, indicator_id, level, period)
    counts = totals["value"].reindex(codes)
    if published_as_counted(dataset, indicator_id, level, period):
        return counts, pd.Series("", index=codes, dtype=object)
    guarded = protection(dataset, indicator_id, period)
    if guarded is None:
        return counts, pd.Series("", index=codes, dtype=object)
    states = guarded.level(level).reindex(codes)
    state = states["state"].fillna("").replace({"exact": ""})
    shown = states["shown"].where(states["state"].notna(), counts)
    return shown.astype(float), state.astype(object)


def _summarise(dataset: Dataset, indicator_id: str, level: str, period: Period):
    indicator = dataset.catalogue.indicator(indicator_id)
    catalogue = dataset.catalogue
    areas = dataset.geography.level_areas(level)[["code", "name"]].set_index("code")
    areas["population"] = np.nan
    # Plain column labels: adding a column to a frame labelled by Arrow strings rebuilds the labels each time.
    areas.columns = areas.columns.astype(object)
    current = level_totals(dataset, indicator_id, level, period).reindex(areas.index)
    previous = level_totals(dataset, indicator_id, level, period.comparison()).reindex(areas.index)
    frame = areas.copy()
    frame["count"], frame["disclosure"] = _published(dataset, indicator_id, level, period, areas.index)
    frame["previous_count"], frame["previous_disclosure"] = _published(
        dataset, indicator_id, level, period.comparison(), areas.index
    )
    frame["denominator"] = current["denominator"]
    frame["previous_denominator"] = previous["denominator"]
    _add_status(frame, current, previous, catalogue.statuses.strongest)
    frame["suppressed"] = frame["disclosure"].isin([HIDDEN, WITHHELD])
    frame["change_withheld"] = frame["suppressed"] | frame["previous_disclosure"].isin([HIDDEN, WITHHELD])
    frame["value"] = np.nan
    add_change(frame, dataset, indicator, level, period)
    inputs = funnel_inputs(dataset, indicator, level, period)
    method = add_funnel(frame, dataset, indicator, level, inputs)
    return frame, method


def _values(indicator, frame: pd.DataFrame, measure: str) -> list[float]:
    """Each area's figure as the measure shows it (missing where its count is kept back)."""
    return [
        np.nan if s else display_value(indicator, c, d, p, measure)
        for c, d, p, s in zip(
            frame["count"], frame["denominator"], frame["population"], frame["suppressed"], strict=True
        )
    ]


def area_values(dataset: Dataset, indicator_id: str, level: str, period: Period, measure: str) -> pd.Series:
    """The ``value`` column of ``summarise`` by area code, without comparing the areas (remembered)."""

    def compute() -> pd.Series:
        codes = pd.Index(dataset.geography.level_areas(level)["code"], name="code")
        population = rate_population(dataset.geography, level, measure, dataset.catalogue.rates).reindex(codes)
        frame = pd.DataFrame({"population": population}, index=codes)
        frame["count"], disclosure = _published(dataset, indicator_id, level, period, codes)
        frame["denominator"] = level_totals(dataset, indicator_id, level, period)["denominator"].reindex(codes)
        frame["suppressed"] = disclosure.isin([HIDDEN, WITHHELD])
        return pd.Series(_values(dataset.catalogue.indicator(indicator_id), frame, measure), index=codes, name="value")

    return dataset.memo(("area_values", indicator_id, level, period, measure), compute)


def _display(value: float, disclosure: str, indicator, measure: str, catalogue) -> str:
    rule = catalogue.disclosure
    if disclosure == HIDDEN:
        return rule.shown_as
    if disclosure == WITHHELD:
        return rule.withheld_as
    return format_value(value, indicator, measure)


def _add_status(frame: pd.DataFrame, current: pd.DataFrame, previous: pd.DataFrame, strongest: str) -> None:
    frame["months"] = current["months"].fillna(0).astype(int)
    frame["modelled_months"] = current["modelled_months"].fillna(0).astype(int)
    frame["estimated_months"] = current["estimated_months"].fillna(0).astype(int)
    frame["status"] = _statuses(current)
    frame["previous_months"] = previous["months"].fillna(0).astype(int)
    frame["previous_status"] = _statuses(previous)
    frame["periods_status"] = [
        periods_status(c, p, strongest) for c, p in zip(frame["status"], frame["previous_status"], strict=True)
    ]
    frame["modelled"] = frame["modelled_months"] > 0


def _statuses(totals: pd.DataFrame) -> list[str]:
    months = totals["months"].fillna(0).astype(int)
    return [
        status_words(m, weakest, int(k) if pd.notna(k) else 0)
        for m, weakest, k in zip(months, totals["weakest"], totals["weakest_months"], strict=True)
    ]


def city_figures(dataset: Dataset, indicator_id: str, period: Period, measure: str = "count") -> pd.Series:
    """The Leeds row of ``summarise`` (the comparison every area is judged against)."""
    return summarise(dataset, indicator_id, dataset.catalogue.levels.city, period, measure).iloc[0]


def area_row(
    dataset: Dataset, indicator_id: str, code: str, period: Period, measure: str = "count"
) -> pd.Series | None:
    """The ``summarise`` row of one area (any level), or None if the code is unknown."""
    found = dataset.geography.recognise(code)
    if not found:
        return None
    level, canonical = found
    table = summarise(dataset, indicator_id, level, period, measure)
    match = table[table["code"] == canonical]
    return match.iloc[0] if len(match) else None
