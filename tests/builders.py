"""Datasets with constructed values, for tests whose answers are known in advance.

The catalogue and geography are the embedded default's; only the values are made up, so every
level, code and indicator definition is real while each number is chosen by the test.
"""

from __future__ import annotations

import pandas as pd

from saferleeds.core.dataset import Dataset

FIRST_MONTH = pd.Timestamp("2022-03-01")


def months(count: int, first: pd.Timestamp = FIRST_MONTH) -> pd.DatetimeIndex:
    return pd.date_range(first, periods=count, freq="MS")


def rows(
    indicator: str,
    code: str,
    values: list[float],
    first: pd.Timestamp = FIRST_MONTH,
    status: str | list[str] = "recorded",
    denominators: list[float] | None = None,
) -> pd.DataFrame:
    """One area's monthly rows of one indicator, from ``first`` on."""
    periods = months(len(values), first)
    return pd.DataFrame(
        {
            "indicator": indicator,
            "area_code": code,
            "period": periods.astype("datetime64[ms]"),
            "value": [float(v) for v in values],
            "denominator": [float(d) for d in denominators] if denominators else float("nan"),
            "status": status,
            "source": "constructed for a test",
        }
    )


def with_values(base: Dataset, values: pd.DataFrame, annotations: pd.DataFrame | None = None) -> Dataset:
    """A copy of ``base`` holding only ``values`` (and its own, empty memo)."""
    values = values.reset_index(drop=True)
    values["indicator"] = values["indicator"].astype("str")
    return base.with_values(values, annotations)


def every_ward(
    base: Dataset, indicator: str, per_month: float, count: int = 24, special: dict[str, list[float]] | None = None
) -> pd.DataFrame:
    """The same monthly count in every ward, except the wards in ``special`` (code: values)."""
    special = special or {}
    pieces = [
        rows(indicator, code, special.get(code, [per_month] * count))
        for code in base.geography.level_areas("ward")["code"]
    ]
    return pd.concat(pieces, ignore_index=True)
