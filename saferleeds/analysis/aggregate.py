"""Aggregation: every indicator's monthly values for the areas of any level, summed upwards from the finest
level they are stored at (percentages and rates re-aggregated from numerator and denominator), and how
much of a period is recorded, estimated, provisional or modelled. Results are remembered per dataset version.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from saferleeds.analysis.measures import display_value
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period
from saferleeds.core.vocabulary import MODELLED, Statuses


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
            "status": pd.Series(dtype="str"),
            "modelled": pd.Series(dtype=bool),
        }
    )


def monthly(dataset: Dataset, indicator: str, level: str) -> pd.DataFrame:
    """Monthly values of one indicator for every area of ``level``.

    Columns: area_code, period, value, denominator, status (the weakest of the rows summed) and
    modelled (whether that is the generator's estimate). Where an indicator is
    stored at several levels, each month uses the finest level that nests in ``level`` (so nothing
    is counted twice). Levels the data cannot be summed to give an empty frame.
    """
    return dataset.memo(("monthly", indicator, level), lambda: _monthly(dataset, indicator, level))


def _monthly(dataset: Dataset, indicator: str, level: str) -> pd.DataFrame:
    rows = dataset.rows(indicator)
    if rows.empty:
        return _empty_monthly()
    geography, levels, statuses = dataset.geography, dataset.catalogue.levels, dataset.catalogue.statuses
    codes = pd.Series(rows["area_code"].unique())
    recognised = codes.map(lambda c: geography.recognise(c) or (None, None))
    code_level = dict(zip(codes, [r[0] for r in recognised], strict=True))
    canonical = dict(zip(codes, [r[1] for r in recognised], strict=True))
    row_level = rows["area_code"].map(code_level)
    status_rank = rows["status"].map(statuses.ranks).fillna(len(statuses.ids)).astype(int)
    pieces = []
    for source_level in levels.ids:
        if not levels.nests(source_level, level):
            continue
        chosen = (row_level == source_level).to_numpy()
        subset = rows[chosen]
        if subset.empty:
            continue
        target = subset["area_code"].map(canonical).map(geography.parent_map(source_level, level))
        frame = pd.DataFrame(
            {
                "area_code": target.to_numpy(),
                "period": subset["period"].to_numpy(),
                "value": subset["value"].to_numpy(),
                "denominator": subset["denominator"].to_numpy(),
                "status_rank": status_rank[chosen].to_numpy(),
                "rank": levels.rank(source_level),
            }
        ).dropna(subset=["area_code"])
        pieces.append(frame)
    if not pieces:
        return _empty_monthly()
    combined = pd.concat(pieces, ignore_index=True)
    finest = combined.groupby("period")["rank"].transform("min")
    combined = combined[combined["rank"] == finest]
    grouped = _sum_groups(combined, ["area_code", "period"], status_rank=("status_rank", "max")).reset_index()
    grouped["status"] = [statuses.ids[min(int(r), len(statuses.ids) - 1)] for r in grouped.pop("status_rank")]
    grouped["modelled"] = grouped["status"] == MODELLED
    return grouped


def _sum_groups(frame: pd.DataFrame, keys: list[str], **extra) -> pd.DataFrame:
    """Sum value and denominator by ``keys``; a group whose denominators are all missing keeps NaN."""
    grouped = frame.groupby(keys, sort=True).agg(
        value=("value", "sum"), denominator=("denominator", "sum"), _with_denominator=("denominator", "count"), **extra
    )
    grouped.loc[grouped["_with_denominator"] == 0, "denominator"] = np.nan
    return grouped.drop(columns="_with_denominator")


def available_levels(dataset: Dataset, indicator: str) -> list[str]:
    """Levels the indicator has data for, finest first."""
    return [lv for lv in dataset.catalogue.levels.ids if not monthly(dataset, indicator, lv).empty]


def _window(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    return frame[period.contains(frame["period"]).to_numpy()]


def period_totals(frame: pd.DataFrame, period: Period, statuses: Statuses) -> pd.DataFrame:
    """Each area's total over the period's months: value, denominator, months with data, modelled months,
    the weakest status among its months and how many months have it."""
    window = _window(frame, period).assign(status_rank=lambda f: f["status"].map(statuses.rank))
    totals = _sum_groups(window, ["area_code"], months=("period", "nunique"), modelled_months=("modelled", "sum"))
    weakest = window.groupby("area_code")["status_rank"].max()
    at_weakest = window[window["status_rank"] == window["area_code"].map(weakest)].groupby("area_code").size()
    totals["weakest"] = weakest.map(lambda r: statuses.ids[min(int(r), len(statuses.ids) - 1)])
    totals["weakest_months"] = at_weakest.reindex(totals.index).fillna(0).astype(int)
    return totals


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
    return series.reset_index(drop=True)


def data_status(dataset: Dataset, indicator_ids: list[str], period: Period) -> dict[str, int]:
    """How many of the indicators' rows in the period have each status (every status of the catalogue)."""
    counts = {s: 0 for s in dataset.catalogue.statuses.ids}
    for indicator_id in indicator_ids:
        rows = dataset.rows(indicator_id)
        window = rows[period.contains(rows["period"]).to_numpy()]
        for status, number in window["status"].value_counts().items():
            counts[str(status)] = counts.get(str(status), 0) + int(number)
    return counts
