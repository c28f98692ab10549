"""Aggregation: every indicator's monthly values for the areas of any level, summed upwards from the finest
level they are stored at (percentages and rates re-aggregated from numerator and denominator), and how
much of a period is recorded, estimated, provisional or modelled. Results are remembered per dataset version.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def area_rows(dataset: Dataset, indicator: str, level: str, code: str) -> pd.DataFrame:
    """One area's rows of ``monthly``, found through an index of the level's areas built once."""
    everything = monthly(dataset, indicator, level)

    def build() -> dict[str, np.ndarray]:
        return {str(area): rows for area, rows in everything.groupby("area_code", sort=False).indices.items()}

    rows = dataset.memo(("monthly_rows_by_area", indicator, level), build).get(code)
    return everything.iloc[rows] if rows is not None else everything.iloc[:0]


@dataclass(frozen=True)
class _StoredRows:
    """An indicator's stored rows as arrays, shared by every level they are summed to: each row's area (an
    index into ``codes``), each code's level and canonical code, and the figures."""

    area_index: np.ndarray
    code_level: np.ndarray
    canonical: pd.Series
    columns: dict[str, np.ndarray]


def _stored_rows(dataset: Dataset, indicator: str) -> _StoredRows:
    def build() -> _StoredRows:
        rows, geography = dataset.rows(indicator), dataset.geography
        area_index, codes = pd.factorize(rows["area_code"])
        found = [geography.recognise(code) or (None, None) for code in codes]
        columns = {
            "period": rows["period"].to_numpy(),
            "value": rows["value"].to_numpy(),
            "denominator": rows["denominator"].to_numpy(),
            "status_rank": dataset.catalogue.statuses.ranks(rows["status"]).to_numpy(),
        }
        return _StoredRows(
            area_index,
            np.array([f[0] for f in found], dtype=object),
            pd.Series([f[1] for f in found], dtype=object),
            columns,
        )

    return dataset.memo(("stored_rows", indicator), build)


def _monthly(dataset: Dataset, indicator: str, level: str) -> pd.DataFrame:
    if dataset.rows(indicator).empty:
        return _empty_monthly()
    geography, levels, statuses = dataset.geography, dataset.catalogue.levels, dataset.catalogue.statuses
    stored = _stored_rows(dataset, indicator)
    code_level, canonical = stored.code_level, stored.canonical
    targets = geography.level_areas(level)["code"]
    position = pd.Series(np.arange(len(targets)), index=targets.to_numpy())
    pieces = []
    for source_level in levels.ids:
        parents = geography.whole_parents(source_level, level) if (code_level == source_level).any() else None
        if parents is None or parents.empty:
            continue
        target_of_code = canonical.where(code_level == source_level).map(parents).map(position)
        row_target = target_of_code.fillna(-1).to_numpy(dtype=np.int64)[stored.area_index]
        keep = row_target >= 0
        frame = pd.DataFrame({"target": row_target[keep], **{k: v[keep] for k, v in stored.columns.items()}})
        grouped = _sum_by_area_month(frame)
        pieces.append(grouped.assign(rank=levels.rank(source_level)))
    if not pieces:
        return _empty_monthly()
    combined = pd.concat(pieces, ignore_index=True)
    if len(pieces) > 1:
        combined = combined.sort_values(["target", "period", "status_rank", "rank"], kind="stable")
        combined = combined.drop_duplicates(["target", "period"], keep="first")
    combined = combined.sort_values(["target", "period"], kind="stable").reset_index(drop=True)
    # Taken from string arrays: building the columns from Python strings costs more than the sums.
    combined.insert(0, "area_code", pd.array(targets, dtype="str").take(combined.pop("target").to_numpy()))
    status_ids = pd.array(list(statuses.ids), dtype="str")
    combined["status"] = status_ids.take(np.minimum(combined.pop("status_rank").to_numpy(), len(status_ids) - 1))
    combined["modelled"] = combined["status"] == MODELLED
    return combined.drop(columns="rank")


def _sum_by_area_month(frame: pd.DataFrame) -> pd.DataFrame:
    """Sum value and denominator by target and period (a group whose denominators are all missing keeps
    NaN) and keep the weakest status rank; sorted by target, then period."""
    months, month_codes = pd.factorize(frame["period"], sort=True)
    keys, groups = pd.factorize(frame["target"].to_numpy() * len(month_codes) + months, sort=True)
    size = len(groups)
    ranks = np.full(size, -1, dtype=np.int64)
    np.maximum.at(ranks, keys, frame["status_rank"].to_numpy())
    return pd.DataFrame(
        {
            "target": groups // max(len(month_codes), 1),
            "period": month_codes[groups % max(len(month_codes), 1)] if size else month_codes[:0],
            **_sums(keys, size, frame["value"].to_numpy(dtype=float), frame["denominator"].to_numpy(dtype=float)),
            "status_rank": ranks,
        }
    )


def _sums(groups: np.ndarray, size: int, value: np.ndarray, denominator: np.ndarray) -> dict[str, np.ndarray]:
    """Each group's sum of value (missing counted as 0) and of denominator (NaN when all are missing)."""
    with_denominator = np.bincount(groups, weights=np.isfinite(denominator), minlength=size)
    return {
        "value": np.bincount(groups, weights=np.nan_to_num(value, nan=0.0), minlength=size).astype(float),
        "denominator": np.where(
            with_denominator > 0,
            np.bincount(groups, weights=np.nan_to_num(denominator, nan=0.0), minlength=size),
            np.nan,
        ),
    }


def available_levels(dataset: Dataset, indicator: str) -> list[str]:
    """Levels the indicator has data for, finest first."""
    return [lv for lv in dataset.catalogue.levels.ids if not monthly(dataset, indicator, lv).empty]


@dataclass(frozen=True)
class _Columns:
    """A monthly frame as arrays: each row's area (an index into ``areas``), month, figures and status."""

    areas: pd.Index  # area codes, sorted
    groups: np.ndarray
    times: np.ndarray  # datetime64[ms]
    value: np.ndarray
    denominator: np.ndarray
    ranks: np.ndarray
    modelled: np.ndarray
    estimated: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame, statuses: Statuses) -> _Columns:
        groups, areas = pd.factorize(frame["area_code"], sort=True)
        return cls(
            pd.Index(areas, name="area_code"),
            groups,
            frame["period"].to_numpy().astype("datetime64[ms]"),
            frame["value"].to_numpy(dtype=float),
            frame["denominator"].to_numpy(dtype=float),
            statuses.ranks(frame["status"]).to_numpy().astype(np.int8),  # a few statuses: the smallest type
            frame["modelled"].to_numpy(dtype=bool),
            (frame["status"] == ESTIMATED).to_numpy(dtype=bool),
        )

    def totals(self, period: Period, statuses: Statuses) -> pd.DataFrame:
        inside = (self.times >= np.datetime64(period.start, "ms")) & (self.times <= np.datetime64(period.end, "ms"))
        groups, size = self.groups[inside], len(self.areas)

        def count(flags: np.ndarray) -> np.ndarray:
            return np.bincount(groups, weights=flags, minlength=size).astype(np.int64)

        ranks = self.ranks[inside]
        weakest = np.full(size, -1, dtype=np.int64)
        np.maximum.at(weakest, groups, ranks)
        months = np.unique(groups * (len(self.times) + 1) + np.unique(self.times[inside], return_inverse=True)[1])
        ids = np.asarray(statuses.ids, dtype=object)
        frame = pd.DataFrame(
            {
                **_sums(groups, size, self.value[inside], self.denominator[inside]),
                "months": np.bincount(months // (len(self.times) + 1), minlength=size).astype(np.int64),
                "modelled_months": count(self.modelled[inside]),
                "estimated_months": count(self.estimated[inside]),
                "weakest": ids[np.clip(weakest, 0, len(ids) - 1)],
                "weakest_months": count((ranks == weakest[groups]).astype(float)),
            },
            index=self.areas,
        )
        return frame[np.bincount(groups, minlength=size) > 0]


def period_totals(frame: pd.DataFrame, period: Period, statuses: Statuses) -> pd.DataFrame:
    """Each area's total over the period's months: value, denominator, months with data, modelled months,
    estimated months, the weakest status among its months and how many months have it."""
    return _Columns.of(frame, statuses).totals(period, statuses)


def level_totals(dataset: Dataset, indicator: str, level: str, period: Period) -> pd.DataFrame:
    """``period_totals`` of the indicator's monthly values for every area of ``level`` (remembered)."""
    statuses = dataset.catalogue.statuses

    def columns() -> _Columns:
        return _Columns.of(monthly(dataset, indicator, level), statuses)

    def totals() -> pd.DataFrame:
        return dataset.memo(("monthly_columns", indicator, level), columns).totals(period, statuses)

    return dataset.memo(("level_totals", indicator, level, period), totals)


def area_monthly(dataset: Dataset, indicator_id: str, code: str, measure: str = "count") -> pd.DataFrame:
    """Monthly series of one area with the displayed value (count, rate or percent) and status."""
    found = dataset.geography.recognise(code)
    if not found:
        return _empty_monthly().assign(shown=pd.Series(dtype=float), status=pd.Series(dtype="str"))
    level, canonical = found
    indicator = dataset.catalogue.indicator(indicator_id)
    series = area_rows(dataset, indicator_id, level, canonical).copy()
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
