"""Aggregation: every indicator's monthly values for the areas of any level, summed upwards from the finest
level they are stored at (percentages and rates re-aggregated from numerator and denominator), and how
much of a period is recorded, estimated, provisional or modelled. Results are remembered per dataset version.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from saferleeds.analysis.measures import display_value, rate_population
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period
from saferleeds.core.vocabulary import ESTIMATED, MODELLED, Statuses


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
    modelled (whether that is the generator's). Where an indicator is stored at several levels in a month,
    each area's figure is summed from one of them, so nothing is counted twice: from the level giving it the
    most trusted status, the finer level when they tie. A level can give an area its figure when the area is
    made of whole areas of that level (an MSOA's recorded count gives a ward made of whole MSOAs its recorded
    figure; a ward cutting through an MSOA is summed from the small areas' estimates). Levels the data cannot
    be summed to give an empty frame.
    """
    return dataset.memo(("monthly", indicator, level), lambda: _monthly(dataset, indicator, level))


def _monthly(dataset: Dataset, indicator: str, level: str) -> pd.DataFrame:
    rows = dataset.rows(indicator)
    if rows.empty:
        return _empty_monthly()
    geography, levels, statuses = dataset.geography, dataset.catalogue.levels, dataset.catalogue.statuses
    area_index, codes = pd.factorize(rows["area_code"])
    found = [geography.recognise(code) or (None, None) for code in codes]
    code_level = np.array([f[0] for f in found], dtype=object)
    canonical = pd.Series([f[1] for f in found], dtype=object)
    targets = geography.level_areas(level)["code"].to_numpy()
    position = pd.Series(np.arange(len(targets)), index=targets)
    columns = {
        "period": rows["period"].to_numpy(),
        "value": rows["value"].to_numpy(),
        "denominator": rows["denominator"].to_numpy(),
        "status_rank": statuses.ranks(rows["status"]).to_numpy(),
    }
    pieces = []
    for source_level in levels.ids:
        parents = geography.whole_parents(source_level, level) if (code_level == source_level).any() else None
        if parents is None or parents.empty:
            continue
        target_of_code = canonical.where(code_level == source_level).map(parents).map(position)
        row_target = target_of_code.fillna(-1).to_numpy(dtype=np.int64)[area_index]
        keep = row_target >= 0
        frame = pd.DataFrame({"target": row_target[keep], **{k: v[keep] for k, v in columns.items()}})
        grouped = _sum_groups(frame, ["target", "period"], status_rank=("status_rank", "max")).reset_index()
        pieces.append(grouped.assign(rank=levels.rank(source_level)))
    if not pieces:
        return _empty_monthly()
    combined = pd.concat(pieces, ignore_index=True)
    if len(pieces) > 1:
        combined = combined.sort_values(["target", "period", "status_rank", "rank"], kind="stable")
        combined = combined.drop_duplicates(["target", "period"], keep="first")
    combined = combined.sort_values(["target", "period"], kind="stable").reset_index(drop=True)
    combined.insert(0, "area_code", targets[combined.pop("target").to_numpy()])
    combined["status"] = np.asarray(statuses.ids, dtype=object)[
        np.minimum(combined.pop("status_rank").to_numpy(), len(statuses.ids) - 1)
    ]
    combined["modelled"] = combined["status"] == MODELLED
    return combined.drop(columns="rank")


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
    estimated months, the weakest status among its months and how many months have it."""
    window = _window(frame, period).assign(
        status_rank=lambda f: statuses.ranks(f["status"]), estimated=lambda f: f["status"] == ESTIMATED
    )
    totals = _sum_groups(
        window,
        ["area_code"],
        months=("period", "nunique"),
        modelled_months=("modelled", "sum"),
        estimated_months=("estimated", "sum"),
    )
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
    population = rate_population(dataset.geography, level, measure, indicator.rates).get(canonical, np.nan)
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
