"""The numbers behind the trend charts, as tables people (and screen readers) can read.

Each table says, row by row, how its figures were made; hidden small counts read "<5".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from saferleeds.analysis.measures import effective_measure, format_value, measure_label
from saferleeds.core.catalogue import Catalogue, Indicator

if TYPE_CHECKING:
    from saferleeds.analysis.trends import TrendView


def trend_table(series: pd.DataFrame, indicator: Indicator, measure: str, catalogue: Catalogue) -> pd.DataFrame:
    """The charted numbers for people: area, month, value, 12-month average, a year earlier, change, status."""
    unit = measure_label(indicator, measure)
    unit_kind = effective_measure(indicator, measure)
    hidden = catalogue.disclosure.shown_as
    statuses = catalogue.statuses

    def text(value: float, suppressed: bool = False) -> str:
        if suppressed:
            return hidden
        return format_value(value, indicator, measure) if pd.notna(value) else ""

    def change_text(change: float) -> str:
        if pd.isna(change):
            return ""
        if unit_kind == "percent":
            return f"{change:+.1f} points"
        return f"{change * 100:+.0f}%"

    return pd.DataFrame(
        {
            "Area": series["area"].to_numpy(),
            "Month": series["period"].dt.strftime("%b %Y").to_numpy(),
            f"Value ({unit})": [text(v, s) for v, s in zip(series["shown"], series["suppressed"], strict=True)],
            "12-month average": [text(v) for v in series["rolling"]],
            "Same month a year earlier": [text(v) for v in series["year_ago"]],
            "Change on a year earlier": [change_text(c) for c in series["year_on_year"]],
            "Data": [statuses.label(s) for s in series["status"]],
        }
    )


def chart_numbers(view: TrendView, kind: str) -> pd.DataFrame:
    """The numbers behind one of the Trends charts: monthly, rolling, spc, year_on_year or seasonality."""
    indicator, measure = view.indicator, view.measure
    value = f"Value ({view.unit})"

    def text(values: pd.Series) -> list[str]:
        return [format_value(v, indicator, measure) if pd.notna(v) else "" for v in values]

    def data(statuses: pd.Series) -> list[str]:
        return [view.palette.statuses.label(s) for s in statuses]

    if kind == "monthly":
        return view.table[["Area", "Month", value, "Data"]]
    if kind == "rolling":
        series = view.series
        return pd.DataFrame(
            {
                "Area": series["area"].to_numpy(),
                "Month": series["period"].dt.strftime("%b %Y").to_numpy(),
                f"12-month average ({view.unit})": text(series["rolling"]),
                "Data": data(series["rolling_status"]),
            }
        )
    if kind == "spc":
        spc = view.spc
        return pd.DataFrame(
            {
                "Month": spc["period"].dt.strftime("%b %Y").to_numpy(),
                value: text(spc["shown"]),
                "Average": text(spc["mean"]),
                "Lower control limit": text(spc["lower"]),
                "Upper control limit": text(spc["upper"]),
                "Signal": spc["signal_words"].replace("", "None").to_numpy(),
                "Data": data(spc["status"]),
            }
        )
    if kind == "year_on_year":
        years = view.year_on_year
        return pd.DataFrame(
            {
                "Year": years["year"].astype(str).to_numpy(),
                "Month": years["month"].to_numpy(),
                value: text(years["shown"]),
                "Data": data(years["status"]),
            }
        )
    if kind == "seasonality":
        seasons = view.seasonality
        return pd.DataFrame(
            {
                "Month": seasons["month"].to_numpy(),
                f"Average ({view.unit})": text(seasons["average"]),
                "Lowest year": text(seasons["lowest"]),
                "Highest year": text(seasons["highest"]),
                "Years of data": seasons["years"].to_numpy(),
                "Above (+) or below (-) the average month": [f"{i:+.0f}%" for i in seasons["index"]],
                "Data": data(seasons["status"]),
            }
        )
    raise ValueError(f"unknown trend chart '{kind}'")
