"""The funnel plot: areas' rates against their size, inside limits around the Leeds figure."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from saferleeds.core.catalogue import Palette
from saferleeds.present.charts.common import LEGEND, NEUTRAL, finish_chart, when

VERDICT_SHAPES = {
    "Significantly above": "triangle-up",
    "Not significantly different": "circle",
    "Significantly below": "triangle-down",
}
FUNNEL_LIMIT_COLOURS = {  # 3:1 or more on white (lines)
    "95% limits": "#d55e00",
    "99.8% limits": "#6f777b",
    "Limits for all the areas at once": "#0072b2",
}
MODELLED_POINTS = "Includes estimated or modelled months (hollow)"


def _verdict_short(label: str) -> str:
    """'Significantly above the Leeds average' -> 'Significantly above' (the legend's title says the rest)."""
    return label.replace(" the Leeds average", "").replace(" from", "")


def funnel_chart(
    points: pd.DataFrame,
    curves: pd.DataFrame,
    target: float,
    *,
    x_title: str,
    y_title: str,
    title: str,
    description: str,
    selection_name: str,
    selected: str | None = None,
    unit_kind: str = "rate",
    height: int = 360,
    palette: Palette,
    method_note: str = "",
) -> alt.LayerChart:
    """Areas as points (value against size) inside limits around the Leeds figure: 95% and 99.8%, and
    the limits that decide the verdicts when every area is compared at once (when ``curves`` has them).

    ``points``: code, name, base, value, display, verdict_label, data (status words), modelled.
    ``curves``: base, value, limits (names of ``FUNNEL_LIMIT_COLOURS``), side. ``method_note`` says
    which limits were used (it goes under the title). Clicking a point selects it through the selection
    parameter ``selection_name`` (its ``code``).
    """
    drawn = [name for name in FUNNEL_LIMIT_COLOURS if name in set(curves["limits"])] or list(FUNNEL_LIMIT_COLOURS)
    pick = alt.selection_point(name=selection_name, fields=["code"], on="click", clear="dblclick")
    x = alt.X("base:Q", title=x_title, scale=alt.Scale(type="log", nice=False), axis=alt.Axis(format="~s"))
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False))
    limit_lines = (
        alt.Chart(curves)
        .mark_line(strokeWidth=1.5)
        .encode(
            x=x,
            y=y,
            stroke=alt.Stroke(
                "limits:N",
                title="Limits around the Leeds average",
                scale=alt.Scale(domain=drawn, range=[FUNNEL_LIMIT_COLOURS[name] for name in drawn]),
                legend=alt.Legend(**LEGEND),
            ),
            detail="side:N",
        )
    )
    leeds = (
        alt.Chart(pd.DataFrame({"value": [target], "line": ["Leeds average"]}))
        .mark_rule(color="#0b0c0c", strokeWidth=1.5)
        .encode(y="value:Q", tooltip=[alt.Tooltip("line:N", title="Line"), alt.Tooltip("value:Q", format=",.2f")])
    )
    frame = points.assign(
        Data=np.where(points["modelled"], MODELLED_POINTS, "Recorded"),
        verdict=[_verdict_short(label) for label in points["verdict_label"]],
    )
    colours = {
        "Significantly above": palette.above,
        "Not significantly different": palette.reference,
        "Significantly below": palette.below,
    }
    present = [v for v in VERDICT_SHAPES if v in set(frame["verdict"])] or list(VERDICT_SHAPES)
    verdict_scale = {
        "domain": present,
        "colours": [colours[v] for v in present],
        "shapes": [VERDICT_SHAPES[v] for v in present],
    }
    dots = (
        alt.Chart(frame)
        .mark_point(size=90, strokeWidth=1.8)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "verdict:N",
                title="Compared with the Leeds average",
                scale=alt.Scale(domain=verdict_scale["domain"], range=verdict_scale["colours"]),
                legend=alt.Legend(**LEGEND),
            ),
            shape=alt.Shape(
                "verdict:N",
                title="Compared with the Leeds average",
                scale=alt.Scale(domain=verdict_scale["domain"], range=verdict_scale["shapes"]),
                legend=alt.Legend(**LEGEND),
            ),
            # Filled points are recorded data; hollow ones include estimated or modelled months.
            fill=alt.Fill(
                "Data:N",
                title="Data",
                scale=alt.Scale(domain=["Recorded", MODELLED_POINTS], range=[NEUTRAL, "white"]),
                legend=alt.Legend(**LEGEND, symbolStrokeColor=NEUTRAL, symbolStrokeWidth=1.5, symbolOpacity=1),
            ),
            strokeWidth=when(alt.StrokeWidthValue, pick, alt.value(3.5), alt.value(1.8)),
            opacity=when(alt.OpacityValue, pick, alt.value(1.0), alt.value(0.45)),
            tooltip=[
                alt.Tooltip("name:N", title="Area"),
                alt.Tooltip("display:N", title=y_title),
                alt.Tooltip("base:Q", title=x_title, format=","),
                alt.Tooltip("verdict_label:N", title="Compared with Leeds"),
                alt.Tooltip("Data:N", title="Data"),
            ],
        )
        .add_params(pick)
    )
    layers = [limit_lines, leeds, dots]
    if selected is not None and selected in set(points["code"]):
        chosen = points[points["code"] == selected]
        layers.append(
            alt.Chart(chosen)
            .mark_text(align="left", dx=8, dy=-8, fontWeight="bold", color="#0b0c0c")
            .encode(x=x, y=y, text="name:N")
        )
    chart = alt.layer(*layers)
    legend_note = f"{method_note} Click a point to choose that area; double-click to clear.".strip()
    return finish_chart(chart, title, description, height, subtitle=legend_note)
