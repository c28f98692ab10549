"""The numbers behind the trend charts, as tables people (and screen readers) can read.

Each table says, row by row, how its figures were made; hidden small counts read "<5".
"""

from __future__ import annotations

import pandas as pd

from saferleeds.analysis.measures import effective_measure, format_value, measure_label
from saferleeds.core.catalogue import Catalogue, Indicator


def trend_table(series: pd.DataFrame, indicator: Indicator, measure: str, catalogue: Catalogue) -> pd.DataFrame:
    """The charted numbers for people: area, month, value, 12-month average (when the series has one), a year
    earlier, change, status."""
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

    columns = {
        "Area": series["area"].to_numpy(),
        "Month": series["period"].dt.strftime("%b %Y").to_numpy(),
        f"Value ({unit})": [text(v, s) for v, s in zip(series["shown"], series["suppressed"], strict=True)],
    }
    if "rolling" in series:
        columns["12-month average"] = [text(v) for v in series["rolling"]]
    return pd.DataFrame(
        {
            **columns,
            "Same month a year earlier": [text(v) for v in series["year_ago"]],
            "Change on a year earlier": [change_text(c) for c in series["year_on_year"]],
            "Data": [statuses.label(s) for s in series["status"]],
        }
    )
