"""Exposure: the resident-days a period holds, so that a change compares like with like.

A count over a period is compared through its rate: the count over the days in each of its months times
the residents of that month's year. February 2025 (28 days) against February 2024 (29 days) at the same
daily rate is then no change at all, and a growing population is allowed for.
"""

from __future__ import annotations

import pandas as pd

from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period


def month_starts(period: Period) -> pd.DatetimeIndex:
    return pd.date_range(period.start, period.end, freq="MS")


def days_in(period: Period) -> int:
    """Days in the period's months (365 for an ordinary year, 28 or 29 for a February)."""
    return int(month_starts(period).days_in_month.sum())


def residents(dataset: Dataset, level: str, year: int) -> pd.Series:
    """Residents of each area of ``level`` in ``year`` (by area code).

    The one place a year's population is read: the dataset's population for that year where it has
    one, its only population otherwise.
    """
    by_year = getattr(dataset.geography, "population_in", None)
    if callable(by_year):
        return pd.Series(by_year(level, year), dtype=float)
    return dataset.geography.population(level)


def exposure(dataset: Dataset, level: str, period: Period) -> pd.Series:
    """Resident-days of each area of ``level`` over the period: the sum over its months of the month's
    days times the residents of the month's year."""
    months = month_starts(period)
    days = pd.Series(months.days_in_month, index=months.year).groupby(level=0).sum()
    total = None
    for year, day_count in days.items():
        part = residents(dataset, level, int(year)) * float(day_count)
        total = part if total is None else total.add(part, fill_value=0.0)
    return total if total is not None else dataset.geography.population(level) * 0.0
