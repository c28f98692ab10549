"""Aggregation, rates, change and comparison: the numbers every page shows.

Counts are summed upwards from the finest level they are stored at; percentages and rates are
re-aggregated from numerator and denominator. Results are remembered per dataset version.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from saferleeds.analysis import stats
from saferleeds.core.catalogue import Indicator
from saferleeds.core.dataset import Dataset
from saferleeds.core.geography import LEVELS, NESTS_IN
from saferleeds.core.periods import Period
from saferleeds.core.status import STATUS_ORDER

MEASURES = ("count", "rate")


def latest_period(dataset: Dataset, months: int = 12) -> Period:
    end = dataset.latest_month
    return Period(end - pd.DateOffset(months=months - 1), end)


def _empty_monthly() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": pd.Series(dtype="str"),
            "period": pd.Series(dtype="datetime64[ms]"),
            "value": pd.Series(dtype=float),
            "denominator": pd.Series(dtype=float),
            "modelled": pd.Series(dtype=bool),
            "provisional": pd.Series(dtype=bool),
        }
    )


def monthly(dataset: Dataset, indicator: str, level: str) -> pd.DataFrame:
    """Monthly values of one indicator for every area of ``level``.

    Columns: area_code, period, value, denominator, modelled, provisional. Where an indicator is
    stored at several levels, each month uses the finest level that nests in ``level`` (so nothing
    is counted twice). Levels the data cannot be summed to give an empty frame.
    """
    return dataset.memo(("monthly", indicator, level), lambda: _monthly(dataset, indicator, level))


def _monthly(dataset: Dataset, indicator: str, level: str) -> pd.DataFrame:
    rows = dataset.rows(indicator)
    if rows.empty:
        return _empty_monthly()
    geography = dataset.geography
    codes = pd.Series(rows["area_code"].unique())
    recognised = codes.map(lambda c: geography.recognise(c) or (None, None))
    code_level = dict(zip(codes, [r[0] for r in recognised], strict=True))
    canonical = dict(zip(codes, [r[1] for r in recognised], strict=True))
    row_level = rows["area_code"].map(code_level)
    pieces = []
    for source_level in LEVELS:
        if source_level != level and level not in NESTS_IN[source_level]:
            continue
        subset = rows[(row_level == source_level).to_numpy()]
        if subset.empty:
            continue
        mapping = geography.parent_map(source_level, level)
        target = subset["area_code"].map(canonical).map(mapping)
        frame = pd.DataFrame(
            {
                "area_code": target.to_numpy(),
                "period": subset["period"].to_numpy(),
                "value": subset["value"].to_numpy(),
                "denominator": subset["denominator"].to_numpy(),
                "modelled": (subset["status"] == "modelled").to_numpy(),
                "provisional": (subset["status"] == "provisional").to_numpy(),
                "rank": LEVELS.index(source_level),
            }
        ).dropna(subset=["area_code"])
        pieces.append(frame)
    if not pieces:
        return _empty_monthly()
    combined = pd.concat(pieces, ignore_index=True)
    finest = combined.groupby("period")["rank"].transform("min")
    combined = combined[combined["rank"] == finest]
    grouped = _sum_groups(
        combined, ["area_code", "period"], modelled=("modelled", "max"), provisional=("provisional", "max")
    )
    return grouped.reset_index()


def _sum_groups(frame: pd.DataFrame, keys: list[str], **extra) -> pd.DataFrame:
    """Sum value and denominator by ``keys``; a group whose denominators are all missing keeps NaN."""
    grouped = frame.groupby(keys, sort=True).agg(
        value=("value", "sum"), denominator=("denominator", "sum"), _with_denominator=("denominator", "count"), **extra
    )
    grouped.loc[grouped["_with_denominator"] == 0, "denominator"] = np.nan
    return grouped.drop(columns="_with_denominator")


def available_levels(dataset: Dataset, indicator: str) -> list[str]:
    """Levels the indicator has data for, finest first."""
    return [lv for lv in LEVELS if not monthly(dataset, indicator, lv).empty]


def _window(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    return frame[period.contains(frame["period"]).to_numpy()]


def _totals(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    window = _window(frame, period)
    return _sum_groups(
        window,
        ["area_code"],
        months=("period", "nunique"),
        modelled_months=("modelled", "sum"),
        provisional_months=("provisional", "sum"),
    )


def display_value(
    indicator: Indicator, count: float, denominator: float, population: float, measure: str, rate_per: int = 1000
) -> float:
    """The number shown for an area: a count, a rate per 1,000 residents, or a percentage."""
    if indicator.unit == "percent":
        return 100 * count / denominator if denominator else np.nan
    if indicator.unit == "rate":
        return rate_per * count / denominator if denominator else np.nan
    if measure == "rate":
        return rate_per * count / population if population else np.nan
    return count


def measure_label(indicator: Indicator, measure: str, population_label: str = "mid-2015 residents") -> str:
    """What the numbers are, in words: 'crimes', 'per 1,000 residents', '%'."""
    if indicator.unit == "percent":
        return "% of respondents" if "survey" in indicator.definition.lower() else "%"
    if indicator.unit == "rate":
        return "per 1,000"
    if measure == "rate":
        return f"per 1,000 {population_label}"
    return "number"


def effective_measure(indicator: Indicator, measure: str) -> str:
    """Percent and rate indicators have one measure of their own; counts offer count or rate."""
    return measure if indicator.unit == "count" else indicator.unit


def status_words(months: int, modelled_months: int, provisional_months: int) -> str:
    if months == 0:
        return "no data"
    if modelled_months == months:
        return "modelled"
    if modelled_months:
        return f"partly modelled ({modelled_months} of {months} months)"
    if provisional_months:
        return "provisional"
    return "recorded"


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
    thresholds = dataset.catalogue.thresholds
    areas = dataset.geography.level_areas(level)[["code", "name", "population"]].set_index("code")
    series = monthly(dataset, indicator_id, level)
    current = _totals(series, period).reindex(areas.index)
    previous = _totals(series, period.comparison()).reindex(areas.index)
    frame = areas.copy()
    frame["count"] = current["value"]
    frame["denominator"] = current["denominator"]
    frame["months"] = current["months"].fillna(0).astype(int)
    frame["modelled_months"] = current["modelled_months"].fillna(0).astype(int)
    frame["status"] = [
        status_words(m, mm, pm)
        for m, mm, pm in zip(
            frame["months"], frame["modelled_months"], current["provisional_months"].fillna(0).astype(int), strict=True
        )
    ]
    frame["modelled"] = frame["modelled_months"] > 0
    frame["value"] = [
        display_value(indicator, c, d, p, measure)
        for c, d, p in zip(frame["count"], frame["denominator"], frame["population"], strict=True)
    ]
    _add_change(frame, indicator, previous, thresholds["significance"])
    _add_funnel(frame, dataset, indicator, level, period, measure)
    frame["rank"] = frame["value"].rank(ascending=False, method="min")
    _add_disclosure(frame, indicator, level, thresholds)
    frame["display"] = [
        format_value(v, indicator, measure, s, thresholds["disclosure_below"])
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
    columns = ("funnel_target", "funnel_inner_low", "funnel_inner_high", "funnel_outer_low", "funnel_outer_high")
    for column in columns:
        frame[column] = np.nan
    frame["funnel_position"] = "none"
    frame["verdict"] = "not compared"
    frame["beyond_outer"] = False
    if level == "city":
        return
    city = _totals(monthly(dataset, indicator.id, "city"), period)
    if city.empty:
        return
    if indicator.is_ratio:
        base_column, kind = "denominator", "proportion"
        target = city["value"].iloc[0] / city["denominator"].iloc[0]
    else:
        base_column, kind = "population", "rate"
        target = city["value"].iloc[0] / dataset.geography.population("city").iloc[0]
    usable = frame["count"].notna() & (frame[base_column] > 0)
    if not usable.any():
        return
    result = stats.funnel(
        frame.loc[usable, "count"].to_numpy(),
        frame.loc[usable, base_column].to_numpy(),
        kind,
        thresholds["funnel_inner"],
        thresholds["funnel_outer"],
        target,
    )
    scale = 100.0 if indicator.unit == "percent" else 1000.0
    for name in ("target", "inner_low", "inner_high", "outer_low", "outer_high"):
        frame.loc[usable, f"funnel_{name}"] = result[name].to_numpy() * scale
    frame.loc[usable, "funnel_position"] = result["position"].to_numpy()
    frame.loc[usable, "verdict"] = result["verdict"].to_numpy()
    frame.loc[usable, "beyond_outer"] = result["beyond_outer"].to_numpy()


CHANGE_WITHHELD = "not shown (small numbers)"


def _add_disclosure(frame: pd.DataFrame, indicator: Indicator, level: str, thresholds: dict) -> None:
    """Flag counts of 1-4 of sensitive indicators, and withhold whatever would reveal them.

    A suppressed area loses its rank; a change is withheld when either period's count is 1-4,
    because the change and the other period's count together give the hidden one away.
    """
    below = thresholds["disclosure_below"]
    frame["change_withheld"] = False
    if not stats.needs_disclosure_control(indicator.sensitive, level, thresholds["disclosure_levels"]):
        frame["suppressed"] = False
        return
    frame["suppressed"] = stats.is_suppressed(frame["count"], below).to_numpy()
    withheld = frame["suppressed"] | stats.is_suppressed(frame["previous_count"], below)
    frame["change_withheld"] = withheld.to_numpy()
    frame.loc[frame["suppressed"], "rank"] = np.nan
    frame.loc[withheld, ["change", "p_value"]] = np.nan
    frame.loc[withheld, "change_direction"] = "unknown"
    frame.loc[withheld, "change_words"] = CHANGE_WITHHELD
    frame.loc[withheld, "judgement"] = "neutral"


def format_number(value: float, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "no data"
    return f"{value:,.{decimals}f}"


def format_value(
    value: float, indicator: Indicator, measure: str, suppressed: bool = False, disclosure_below: int = 5
) -> str:
    """A value as people read it: '1,234', '12.3 per 1,000', '83.1%', '<5' or 'no data'."""
    if suppressed:
        return stats.suppressed_text(disclosure_below)
    if value is None or np.isnan(value):
        return "no data"
    unit = effective_measure(indicator, measure)
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "rate":
        return f"{value:,.1f} per 1,000"
    return f"{value:,.0f}"


def area_monthly(dataset: Dataset, indicator_id: str, code: str, measure: str = "count") -> pd.DataFrame:
    """Monthly series of one area with the displayed value (count, rate or percent) and status."""
    found = dataset.geography.recognise(code)
    if not found:
        return _empty_monthly().assign(shown=pd.Series(dtype=float), status=pd.Series(dtype="str"))
    level, canonical = found
    indicator = dataset.catalogue.indicator(indicator_id)
    series = monthly(dataset, indicator_id, level)
    series = series[series["area_code"] == canonical].copy()
    population = dataset.geography.population(level).get(canonical, np.nan)
    series["shown"] = [
        display_value(indicator, v, d, population, measure)
        for v, d in zip(series["value"], series["denominator"], strict=True)
    ]
    series["status"] = np.where(
        series["modelled"], "modelled", np.where(series["provisional"], "provisional", "recorded")
    )
    return series.reset_index(drop=True)


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


def data_status(dataset: Dataset, indicator_ids: list[str], period: Period) -> dict[str, int]:
    """How many of the indicators' rows in the period are recorded, provisional or modelled."""
    counts = {s: 0 for s in STATUS_ORDER}
    for indicator_id in indicator_ids:
        rows = dataset.rows(indicator_id)
        window = rows[period.contains(rows["period"]).to_numpy()]
        for status, number in window["status"].value_counts().items():
            counts[str(status)] = counts.get(str(status), 0) + int(number)
    return counts
