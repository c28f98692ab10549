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
        pieces = []
        for level in dataset.catalogue.levels.ids:
            series = monthly(dataset, indicator_id, level)
            if not series.empty:
                wide = series.pivot_table(index="area_code", columns="period", values="value", aggfunc="sum")
                pieces.append((level, wide))
        months = pd.DatetimeIndex(sorted(set().union(*(set(w.columns) for _, w in pieces)))) if pieces else None
        if months is None:
            return MonthMatrix(np.array([]), np.array([]), pd.DatetimeIndex([]), np.zeros((0, 0)))
        frames = [w.reindex(columns=months) for _, w in pieces]
        return MonthMatrix(
            np.concatenate([np.full(len(w), level) for level, w in pieces]),
            np.concatenate([w.index.astype(str).to_numpy() for _, w in pieces]),
            months,
            np.vstack([f.to_numpy(dtype=float) for f in frames]),
        )

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
