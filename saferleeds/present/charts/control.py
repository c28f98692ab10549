"""The control chart (statistical process control) of one area's months."""

from __future__ import annotations

import altair as alt
import pandas as pd

from saferleeds.core.catalogue import Palette
from saferleeds.core.vocabulary import RECORDED
from saferleeds.present.charts.common import LEGEND, MONTH_AXIS, NEUTRAL, finish_chart, number_format, when
from saferleeds.present.charts.status_lines import dashed_by_status, status_segments
from saferleeds.present.charts.time_series import notes_layers

LIMIT_COLOURS = {"Average": "#505a5f", "Control limits": "#b58840"}
SIGNAL_SHAPES = {
    "Outside the limits": "diamond",
    "Run above or below the average": "square",
    "Rising or falling run": "triangle-up",
    "Two of three close to a limit": "triangle-down",
}
SIGNAL_KINDS = {
    "outside": "Outside the limits",
    "shift_up": "Run above or below the average",
    "shift_down": "Run above or below the average",
    "trend_up": "Rising or falling run",
    "trend_down": "Rising or falling run",
    "near_up": "Two of three close to a limit",
    "near_down": "Two of three close to a limit",
}


def control_chart(
    data: pd.DataFrame,
    *,
    y_title: str,
    title: str,
    description: str,
    notes: pd.DataFrame | None = None,
    unit_kind: str = "count",
    height: int = 300,
    palette: Palette,
) -> alt.LayerChart:
    """An XmR control chart: the monthly line, its average and limits (which follow the seasons when the
    series is judged against its seasonal expectation), and signalling months marked."""
    frame = data.assign(area="value")
    segments = status_segments(frame[["area", "period", "shown", "status"]], "area", palette.statuses)
    x = alt.X("period:T", title=None, axis=MONTH_AXIS)
    y = alt.Y("shown:Q", title=y_title, scale=alt.Scale(zero=False))
    line = dashed_by_status(segments, frame["status"], x, y, palette.statuses, width=1.5, color=NEUTRAL)
    # The average and limits are lines, not rules: for a seasonal series they follow the seasons.
    limits = pd.concat(
        [
            pd.DataFrame({"period": data["period"], "value": data[column], "line": line, "name": name})
            for column, line, name in (
                ("mean", "Average", "Average"),
                ("upper", "Control limits", "Upper control limit"),
                ("lower", "Control limits", "Lower control limit"),
            )
        ],
        ignore_index=True,
    )
    rules = (
        alt.Chart(limits)
        .mark_line(strokeWidth=1.5, interpolate="step-after")
        .encode(
            x=x,
            y=alt.Y("value:Q"),
            detail=alt.Detail("name:N"),
            color=alt.Color(
                "line:N",
                title="Control chart",
                scale=alt.Scale(domain=list(LIMIT_COLOURS), range=list(LIMIT_COLOURS.values())),
                legend=alt.Legend(**LEGEND),
            ),
            tooltip=[
                alt.Tooltip("name:N", title="Line"),
                alt.Tooltip("period:T", title="Month", format="%B %Y"),
                alt.Tooltip("value:Q", format=number_format(unit_kind)),
            ],
        )
    )
    marked = frame.assign(
        kind=frame["signal"].map(SIGNAL_KINDS).fillna(""),
        Data=frame["status"].map(palette.statuses.label),
    )
    tooltip = [
        alt.Tooltip("period:T", title="Month", format="%B %Y"),
        alt.Tooltip("shown:Q", title=y_title, format=number_format(unit_kind)),
        alt.Tooltip("Data:N", title="Data"),
    ]
    points = (
        alt.Chart(marked[marked["kind"] == ""])
        .mark_point(size=24, color=NEUTRAL)
        .encode(
            x=x,
            y=y,
            fill=when(alt.FillValue, alt.datum.status == RECORDED, alt.value(NEUTRAL), alt.value("white")),
            tooltip=tooltip,
        )
    )
    signals = (
        alt.Chart(marked[marked["kind"] != ""])
        .mark_point(size=70, filled=True, color="#d4351c", stroke="black", strokeWidth=0.5)
        .encode(
            x=x,
            y=y,
            shape=alt.Shape(
                "kind:N",
                title="Signal",
                scale=alt.Scale(domain=list(SIGNAL_SHAPES), range=list(SIGNAL_SHAPES.values())),
                legend=alt.Legend(**LEGEND),
            ),
            tooltip=[*tooltip, alt.Tooltip("signal_words:N", title="Signal")],
        )
    )
    layers = [rules, line, points, signals, *notes_layers(notes)]
    return finish_chart(alt.layer(*layers).resolve_scale(color="independent"), title, description, height)
