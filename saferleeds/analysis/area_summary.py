"""One row per area: its value, rate, change on a year earlier, verdict against Leeds, rank, status and
what disclosure control hides. Every page's table, tile and sentence reads from here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from saferleeds.analysis import stats
from saferleeds.analysis.aggregate import monthly, period_totals
from saferleeds.analysis.measures import display_value, format_value, rate_population
from saferleeds.core.catalogue import Indicator
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period
from saferleeds.core.vocabulary import DisclosureRule


def status_words(months: int, weakest: str, weakest_months: int) -> str:
    """How a period's figure was made: 'recorded', 'estimated', 'partly modelled (3 of 12 months)', 'no data'.

    The figure is as weak as its weakest month; when only some months are that weak, it says how many.
    """
    if months == 0 or not isinstance(weakest, str):
        return "no data"
    if weakest_months >= months:
        return weakest
    return f"partly {weakest} ({weakest_months} of {months} months)"


def summarise(dataset: Dataset, indicator_id: str, level: str, period: Period, measure: str = "count") -> pd.DataFrame:
    """One row per area of ``level``: value, rate, change, funnel verdict, rank and status.

    Columns: code, name, population, count, denominator, value (as the measure says), months,
    status, current, previous, change, p_value, change_words, judgement, funnel_*, verdict,
    rank, suppressed, display. Areas with no data keep a row with NaN values and status 'no data'.
    """
    key = ("summary", indicator_id, level, period, measure)
    return dataset.memo(key, lambda: _summarise(dataset, indicator_id, level, period, measure))


def _summarise(dataset: Dataset, indicator_id: str, level: str, period: Period, measure: str) -> pd.DataFrame:
    indicator = dataset.catalogue.indicator(indicator_id)
    catalogue = dataset.catalogue
    areas = dataset.geography.level_areas(level)[["code", "name", "population"]].set_index("code")
    areas["population"] = rate_population(dataset.geography, level, measure, catalogue.rates).reindex(areas.index)
    series = monthly(dataset, indicator_id, level)
    current = period_totals(series, period, catalogue.statuses).reindex(areas.index)
    previous = period_totals(series, period.comparison(), catalogue.statuses).reindex(areas.index)
    frame = areas.copy()
    frame["count"] = current["value"]
    frame["denominator"] = current["denominator"]
    frame["months"] = current["months"].fillna(0).astype(int)
    frame["modelled_months"] = current["modelled_months"].fillna(0).astype(int)
    frame["estimated_months"] = current["estimated_months"].fillna(0).astype(int)
    frame["status"] = [
        status_words(m, weakest, int(k) if pd.notna(k) else 0)
        for m, weakest, k in zip(frame["months"], current["weakest"], current["weakest_months"], strict=True)
    ]
    frame["modelled"] = frame["modelled_months"] > 0
    frame["value"] = [
        display_value(indicator, c, d, p, measure)
        for c, d, p in zip(frame["count"], frame["denominator"], frame["population"], strict=True)
    ]
    _add_change(frame, indicator, previous, catalogue.thresholds.significance)
    _add_funnel(frame, dataset, indicator, level, period, measure)
    frame["rank"] = frame["value"].rank(ascending=False, method="min")
    _add_disclosure(frame, indicator, level, catalogue.disclosure)
    shown_as = catalogue.disclosure.shown_as
    frame["display"] = [
        format_value(v, indicator, measure, shown_as if s else None)
        for v, s in zip(frame["value"], frame["suppressed"], strict=True)
    ]
    return frame.reset_index().rename(columns={"index": "code"})


def _add_change(frame: pd.DataFrame, indicator: Indicator, previous: pd.DataFrame, alpha: float) -> None:
    comparable = previous["months"].fillna(0).to_numpy() == frame["months"].to_numpy()
    dens = (frame["denominator"].to_numpy(), previous["denominator"].to_numpy()) if indicator.is_ratio else (None, None)
    changes = stats.changes(
        frame["count"].to_numpy(), previous["value"].to_numpy(), dens[0], dens[1], comparable, alpha
    )
    frame["previous_count"] = previous["value"].to_numpy()
    frame["change"] = [c.change for c in changes]
    frame["change_unit"] = [c.unit for c in changes]
    frame["p_value"] = [c.p_value for c in changes]
    frame["change_direction"] = [c.direction for c in changes]
    frame["change_words"] = [c.words() for c in changes]
    frame["judgement"] = [stats.judgement(c.direction, indicator.polarity) for c in changes]


def city_figures(dataset: Dataset, indicator_id: str, period: Period, measure: str = "count") -> pd.Series:
    """The Leeds row of ``summarise`` (the comparison every area is judged against)."""
    return summarise(dataset, indicator_id, "city", period, measure).iloc[0]


def _add_funnel(
    frame: pd.DataFrame, dataset: Dataset, indicator: Indicator, level: str, period: Period, measure: str
) -> None:
    thresholds = dataset.catalogue.thresholds
    city_level = dataset.catalogue.levels.city
    columns = ("funnel_target", "funnel_inner_low", "funnel_inner_high", "funnel_outer_low", "funnel_outer_high")
    for column in columns:
        frame[column] = np.nan
    frame["funnel_position"] = "none"
    frame["verdict"] = "not compared"
    frame["beyond_outer"] = False
    if level == city_level:
        return
    city = period_totals(monthly(dataset, indicator.id, city_level), period, dataset.catalogue.statuses)
    if city.empty:
        return
    if indicator.is_ratio:
        base_column, kind = "denominator", "proportion"
        target = city["value"].iloc[0] / city["denominator"].iloc[0]
    else:
        base_column, kind = "population", "rate"
        people = rate_population(dataset.geography, city_level, measure, dataset.catalogue.rates)
        target = city["value"].iloc[0] / people.iloc[0]
    usable = frame["count"].notna() & (frame[base_column] > 0)
    if not usable.any():
        return
    result = stats.funnel(
        frame.loc[usable, "count"].to_numpy(),
        frame.loc[usable, base_column].to_numpy(),
        kind,
        thresholds.funnel_inner,
        thresholds.funnel_outer,
        target,
    )
    scale = 100.0 if indicator.unit == "percent" else float(indicator.rates.per)
    for name in ("target", "inner_low", "inner_high", "outer_low", "outer_high"):
        frame.loc[usable, f"funnel_{name}"] = result[name].to_numpy() * scale
    frame.loc[usable, "funnel_position"] = result["position"].to_numpy()
    frame.loc[usable, "verdict"] = result["verdict"].to_numpy()
    frame.loc[usable, "beyond_outer"] = result["beyond_outer"].to_numpy()


CHANGE_WITHHELD = "not shown (small numbers)"


def _add_disclosure(frame: pd.DataFrame, indicator: Indicator, level: str, rule: DisclosureRule) -> None:
    """Flag the small counts of sensitive indicators that the disclosure rule hides, and withhold whatever
    would reveal them.

    A suppressed area loses its rank; a change is withheld when either period's count is hidden,
    because the change and the other period's count together give the hidden one away.
    """
    frame["change_withheld"] = False
    if not rule.applies(indicator.sensitive, level):
        frame["suppressed"] = False
        return
    frame["suppressed"] = rule.hides(frame["count"]).to_numpy()
    withheld = frame["suppressed"] | rule.hides(frame["previous_count"]).to_numpy()
    frame["change_withheld"] = withheld.to_numpy()
    frame.loc[frame["suppressed"], "rank"] = np.nan
    frame.loc[withheld, ["change", "p_value"]] = np.nan
    frame.loc[withheld, "change_direction"] = "unknown"
    frame.loc[withheld, "change_words"] = CHANGE_WITHHELD
    frame.loc[withheld, "judgement"] = "neutral"


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
