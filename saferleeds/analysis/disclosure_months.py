"""The figures disclosure control decides on: one indicator's monthly values for every area of every level,
held as one matrix, and each area's total over a period."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from saferleeds.analysis.aggregate import monthly
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period


@dataclass(frozen=True)
class MonthMatrix:
    """One indicator's monthly values for every area of every level with data, as a matrix."""

    levels: np.ndarray  # level of each row
    codes: np.ndarray  # area code of each row
    months: pd.DatetimeIndex
    values: np.ndarray  # rows x months (NaN where an area has no value for a month)


def month_matrix(dataset: Dataset, indicator_id: str) -> MonthMatrix:
    """The indicator's monthly matrix (remembered per dataset)."""

    def build() -> MonthMatrix:
        frames = [(lv, monthly(dataset, indicator_id, lv)) for lv in dataset.catalogue.levels.ids]
        frames = [(lv, frame) for lv, frame in frames if not frame.empty]
        if not frames:
            return MonthMatrix(np.array([]), np.array([]), pd.DatetimeIndex([]), np.zeros((0, 0)))
        months = pd.DatetimeIndex(np.unique(np.concatenate([f["period"].to_numpy() for _, f in frames])))
        levels, codes, blocks = [], [], []
        for level, frame in frames:
            rows, areas = pd.factorize(frame["area_code"], sort=True)
            block = np.full((len(areas), len(months)), np.nan)
            columns = months.get_indexer(frame["period"])
            # Each area and month appears once in a monthly frame; add.at keeps a sum should one repeat.
            block[rows, columns] = 0.0
            np.add.at(block, (rows, columns), frame["value"].to_numpy(dtype=float))
            levels.append(np.full(len(areas), level))
            codes.append(np.asarray(areas, dtype=object))
            blocks.append(block)
        return MonthMatrix(np.concatenate(levels), np.concatenate(codes), months, np.vstack(blocks))

    return dataset.memo(("disclosure_months", indicator_id), build)


def period_counts(dataset: Dataset, indicator_id: str, period: Period) -> pd.DataFrame:
    """Every area's total over the period: level, code, count (areas with no month in it are left out)."""
    data = month_matrix(dataset, indicator_id)
    inside = np.asarray(period.contains(pd.Series(data.months)), dtype=bool)
    window = data.values[:, inside]
    present = np.isfinite(window).any(axis=1)
    totals = np.nansum(window, axis=1)
    rows = np.flatnonzero(present)
    return pd.DataFrame({"level": data.levels[rows], "code": data.codes[rows], "count": totals[rows], "row": rows})


def rows_by_area(dataset: Dataset, indicator_id: str) -> dict[tuple[str, str], int]:
    """Each area's row of the indicator's monthly matrix, by (level, code)."""

    def build() -> dict[tuple[str, str], int]:
        data = month_matrix(dataset, indicator_id)
        pairs = zip(data.levels, data.codes, strict=True)
        return {(str(level), str(code)): row for row, (level, code) in enumerate(pairs)}

    return dataset.memo(("disclosure_rows", indicator_id), build)
