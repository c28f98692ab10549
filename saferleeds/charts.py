"""Altair charts. Modelled values are always drawn differently (dashed, lighter) from recorded ones."""

from __future__ import annotations

import altair as alt
import pandas as pd

STATUS_DASH = {"recorded": [1, 0], "provisional": [4, 2], "modelled": [3, 3]}
NEUTRAL = "#4d4d4d"


def sparkline(series: pd.DataFrame, colour: str = NEUTRAL, title: str = "") -> alt.Chart:
    """A small monthly line: dashed where modelled, solid with dots where recorded."""
    data = series.assign(month=series["period"].dt.strftime("%b %Y"))
    base = alt.Chart(data).encode(
        x=alt.X("period:T", axis=None),
        y=alt.Y("shown:Q", axis=None, scale=alt.Scale(zero=False)),
        tooltip=[
            alt.Tooltip("month:N", title="Month"),
            alt.Tooltip("shown:Q", title="Value", format=",.1f"),
            alt.Tooltip("status:N", title="Status"),
        ],
    )
    modelled = base.transform_filter(alt.datum.status == "modelled").mark_line(
        strokeDash=STATUS_DASH["modelled"], color=colour, opacity=0.7
    )
    recorded = base.transform_filter(alt.datum.status != "modelled").mark_line(
        point=alt.OverlayMarkDef(size=18, color=colour), color=colour
    )
    return alt.layer(modelled, recorded).properties(height=48, title=title).configure_view(strokeWidth=0)
