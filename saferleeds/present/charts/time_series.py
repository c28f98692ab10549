"""Charts of months: trends for several areas, small trends, sparklines, years side by side and seasons."""

from __future__ import annotations

import altair as alt
import pandas as pd

from saferleeds.core.catalogue import Palette
from saferleeds.core.periods import MONTH_NAMES, Period
from saferleeds.core.vocabulary import RECORDED, Statuses
from saferleeds.present.charts.common import (
    CHART_TEXT,
    LEGEND,
    MONTH_AXIS,
    NEUTRAL,
    NOTE_COLOUR,
    PERIOD_SHADE,
    area_colour_scale,
    finish_chart,
    number_format,
    when,
)
from saferleeds.present.charts.status_lines import (
    dashed_by_status,
    status_dash_scale,
    status_fill_scale,
    status_segments,
)

DENSE_MONTHS = 40  # beyond this, modelled months get no point of their own (the dashes say it)


def notes_layers(notes: pd.DataFrame | None, x: alt.X | None = None) -> list[alt.Chart]:
    """A thin solid rule per dated note, numbered at the top; the note itself is in the tooltip.

    ``x`` places the rule (by date unless given, e.g. by month of the year).
    """
    if notes is None or notes.empty:
        return []
    x = x or alt.X("date:T")
    data = notes.assign(number_text=notes["number"].astype(str))
    tooltip = [alt.Tooltip("date:T", title="Date", format="%-d %B %Y"), alt.Tooltip("note:N", title="Note")]
    rules = alt.Chart(data).mark_rule(color=NOTE_COLOUR, strokeWidth=1.5, opacity=0.8).encode(x=x, tooltip=tooltip)
    labels = (
        alt.Chart(data)
        .mark_text(align="left", baseline="top", dx=3, dy=2, fontSize=11, fontWeight="bold", color=NOTE_COLOUR)
        .encode(x=x, y=alt.YValue(0), text=alt.Text("number_text:N"), tooltip=tooltip)
    )
    return [rules, labels]


def _period_shade(period: Period | None) -> list[alt.Chart]:
    if period is None:
        return []
    data = pd.DataFrame({"start": [period.start], "end": [period.end + pd.DateOffset(months=1)]})
    return [
        alt.Chart(data)
        .mark_rect(color=PERIOD_SHADE, opacity=0.08)
        .encode(
            x=alt.X("start:T"),
            x2=alt.X2("end:T"),
            tooltip=[alt.Tooltip("start:T", title="Chosen period from", format="%B %Y")],
        )
    ]


def _end_labels(points: pd.DataFrame, group: str, order: str, x: alt.X, y: alt.Y) -> alt.Chart:
    """Each line's name written at its last point, so lines are told apart by words, not colour alone."""
    last = points.sort_values(order).groupby(group, sort=False).tail(1)
    return (
        alt.Chart(last.assign(label=last[group].astype(str)))
        .mark_text(align="right", baseline="bottom", dx=-4, dy=-6, fontSize=11, fontWeight="bold", color=CHART_TEXT)
        .encode(x=x, y=y, text=alt.Text("label:N"))
    )


def time_series_chart(
    data: pd.DataFrame,
    *,
    y_title: str,
    title: str,
    description: str,
    value: str = "shown",
    status: str = "status",
    notes: pd.DataFrame | None = None,
    shade: Period | None = None,
    unit_kind: str = "count",
    height: int = 300,
    palette: Palette,
) -> alt.LayerChart:
    """Monthly lines, one per area (column ``area``), dashed and hollow where modelled."""
    frame = data[["area", "period", value, status]].rename(columns={value: "y", status: "status"})
    segments = status_segments(frame, "area", palette.statuses)
    areas = list(dict.fromkeys(frame["area"]))
    scale = area_colour_scale(areas, palette)
    colour = alt.Color("area:N", title="Area", scale=scale, legend=alt.Legend(**LEGEND))
    x = alt.X("period:T", title=None, axis=MONTH_AXIS)
    y = alt.Y("y:Q", title=y_title, scale=alt.Scale(zero=False))
    lines = dashed_by_status(segments, frame["status"], x, y, palette.statuses, colour=colour)
    real = segments[~segments["bridge"]]
    many_months = real["period"].nunique() > DENSE_MONTHS
    tooltip = [
        alt.Tooltip("area:N", title="Area"),
        alt.Tooltip("period:T", title="Month", format="%B %Y"),
        alt.Tooltip("y:Q", title=y_title, format=number_format(unit_kind)),
        alt.Tooltip("Data:N", title="Data"),
    ]
    points = (
        alt.Chart(real if not many_months else real[real["status"] == RECORDED])
        .mark_point(strokeWidth=1.2)
        .encode(
            x=x,
            y=y,
            size=when(alt.SizeValue, alt.datum.status == RECORDED, alt.value(40), alt.value(14)),
            color=alt.Color("area:N", scale=scale, legend=None),
            fill=when(
                alt.FillValue, alt.datum.status == RECORDED, alt.Color("area:N", scale=scale), alt.value("white")
            ),
            tooltip=tooltip,
        )
    )
    hover = alt.Chart(real).mark_point(size=90, opacity=0).encode(x=x, y=y, tooltip=tooltip)
    ends = _end_labels(real, "area", "period", x, y)
    layers = [*_period_shade(shade), lines, points, hover, ends, *notes_layers(notes)]
    return finish_chart(alt.layer(*layers), title, description, height)


def small_trend(
    data: pd.DataFrame,
    *,
    title: str,
    description: str,
    unit_kind: str = "rate",
    height: int = 70,
    palette: Palette,
) -> alt.LayerChart:
    """A small monthly chart of one indicator for an area and Leeds: lines only, dashed where modelled.

    Meant for a list of indicators under one shared key (say in words what the colours and dashes mean).
    """
    frame = data[["area", "period", "shown", "status"]].rename(columns={"shown": "y"})
    segments = status_segments(frame, "area", palette.statuses)
    areas = list(dict.fromkeys(frame["area"]))
    real = segments[~segments["bridge"]]
    x = alt.X("period:T", title=None, axis=alt.Axis(format="%Y", tickCount=3, labelOverlap="greedy", grid=False))
    y = alt.Y("y:Q", title=None, scale=alt.Scale(zero=False), axis=alt.Axis(tickCount=3, grid=False))
    tooltip = [
        alt.Tooltip("area:N", title="Area"),
        alt.Tooltip("period:T", title="Month", format="%B %Y"),
        alt.Tooltip("y:Q", title="Value", format=number_format(unit_kind)),
        alt.Tooltip("Data:N", title="Data"),
    ]
    colour = alt.Color("area:N", scale=area_colour_scale(areas, palette), legend=None)
    lines = dashed_by_status(segments, frame["status"], x, y, palette.statuses, colour=colour, width=1.8, keyed=False)
    hover = alt.Chart(real).mark_point(size=60, opacity=0).encode(x=x, y=y, tooltip=tooltip)
    recorded = (
        alt.Chart(real[real["status"] == palette.statuses.strongest])
        .mark_point(size=30, filled=True)
        .encode(x=x, y=y, color=colour)
    )
    return finish_chart(alt.layer(lines, recorded, hover), title, description, height)


def year_on_year_chart(
    data: pd.DataFrame,
    *,
    y_title: str,
    title: str,
    description: str,
    notes: pd.DataFrame | None = None,
    unit_kind: str = "count",
    height: int = 280,
    palette: Palette,
) -> alt.LayerChart:
    """One line per calendar year across the months of the year; the latest year darkest."""
    frame = data.rename(columns={"year": "area"})
    columns = ["area", "month_number", "month", "shown", "status"]
    segments = status_segments(frame[columns], "area", palette.statuses, order="month_number")
    years = sorted(frame["area"].unique())
    shades = ["#9ecae1", "#4292c6", "#08519c", "#08306b"][-len(years) :] if years else []
    colour = alt.Color("area:O", title="Year", scale=alt.Scale(domain=years, range=shades), legend=alt.Legend(**LEGEND))
    x = alt.X("month:N", title=None, sort=list(MONTH_NAMES), axis=alt.Axis(labelAngle=0, labelOverlap=True))
    y = alt.Y("shown:Q", title=y_title, scale=alt.Scale(zero=False))
    lines = dashed_by_status(segments, frame["status"], x, y, palette.statuses, colour=colour)
    points = (
        alt.Chart(segments[~segments["bridge"]])
        .mark_point(size=26)
        .encode(
            x=x,
            y=y,
            color=alt.Color("area:O", scale=alt.Scale(domain=years, range=shades), legend=None),
            fill=when(
                alt.FillValue,
                alt.datum.status == RECORDED,
                alt.Color("area:O", scale=alt.Scale(domain=years, range=shades)),
                alt.value("white"),
            ),
            tooltip=[
                alt.Tooltip("month:N", title="Month"),
                alt.Tooltip("area:N", title="Year"),
                alt.Tooltip("shown:Q", title=y_title, format=number_format(unit_kind)),
                alt.Tooltip("Data:N", title="Data"),
            ],
        )
    )
    if notes is not None and not notes.empty:
        notes = notes.assign(month=[MONTH_NAMES[d.month - 1] for d in notes["date"]])
    month_x = alt.X("month:N", sort=list(MONTH_NAMES))
    ends = _end_labels(segments[~segments["bridge"]], "area", "month_number", x, y)
    return finish_chart(alt.layer(lines, points, ends, *notes_layers(notes, month_x)), title, description, height)


def seasonality_chart(
    data: pd.DataFrame,
    *,
    y_title: str,
    title: str,
    description: str,
    unit_kind: str = "count",
    height: int = 260,
    palette: Palette,
) -> alt.LayerChart:
    """Average by calendar month as bars (pale, with a dashed outline where modelled), lowest to highest."""
    statuses = palette.statuses
    frame = data.assign(Data=data["status"].map(statuses.label))
    x = alt.X("month:N", title=None, sort=list(MONTH_NAMES), axis=alt.Axis(labelAngle=0, labelOverlap=True))
    fmt = number_format(unit_kind)
    tooltip = [
        alt.Tooltip("month:N", title="Month"),
        alt.Tooltip("average:Q", title=f"Average, {y_title}", format=fmt),
        alt.Tooltip("lowest:Q", title="Lowest", format=fmt),
        alt.Tooltip("highest:Q", title="Highest", format=fmt),
        alt.Tooltip("years:Q", title="Years"),
        alt.Tooltip("index:Q", title="% above (+) or below (-) the average month", format="+.0f"),
        alt.Tooltip("Data:N", title="Data"),
    ]
    bars = (
        alt.Chart(frame)
        .mark_bar(stroke="#08519c", strokeWidth=1.2)
        .encode(
            x=x,
            y=alt.Y("average:Q", title=y_title),
            color=alt.Color(
                "Data:N", title="Data", scale=status_fill_scale(frame["status"], statuses), legend=alt.Legend(**LEGEND)
            ),
            strokeDash=alt.StrokeDash("Data:N", scale=status_dash_scale(frame["status"], statuses), legend=None),
            tooltip=tooltip,
        )
    )
    ranges = (
        alt.Chart(frame)
        .mark_rule(color=NEUTRAL)
        .encode(x=x, y=alt.Y("lowest:Q"), y2=alt.Y2("highest:Q"), tooltip=tooltip)
    )
    average = frame["average"].mean() if len(frame) else 0.0
    mean_rule = (
        alt.Chart(pd.DataFrame({"average": [average], "line": ["Average month"]}))
        .mark_rule(color="#d4351c", strokeWidth=1.5)
        .encode(
            y=alt.Y("average:Q"), tooltip=[alt.Tooltip("line:N", title="Line"), alt.Tooltip("average:Q", format=fmt)]
        )
    )
    return finish_chart(alt.layer(bars, ranges, mean_rule), title, description, height)


def sparkline_spec(series: pd.DataFrame, statuses: Statuses, colour: str = NEUTRAL, description: str = "") -> dict:
    """A small Vega-Lite line of a monthly series, one layer per status drawn with the catalogue's dash:
    dashed where modelled, solid with dots where recorded.

    Written as a plain specification (not through Altair) because the plan on a page draws many of
    them on every rerun and validating each through Altair costs more than the rest of the page.
    """
    values = [
        {"month": p.strftime("%Y-%m-%d"), "label": p.strftime("%b %Y"), "value": round(float(v), 3), "status": str(s)}
        for p, v, s in zip(series["period"], series["shown"], series["status"], strict=True)
        if pd.notna(v)
    ]
    encoding = {
        "x": {"field": "month", "type": "temporal", "axis": None},
        "y": {"field": "value", "type": "quantitative", "axis": None, "scale": {"zero": False}},
        "tooltip": [
            {"field": "label", "title": "Month"},
            {"field": "value", "title": "Value", "format": ",.1f"},
            {"field": "status", "title": "Status"},
        ],
    }
    present = [s for s in statuses.ids if s in {v["status"] for v in values}]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": description,
        "data": {"values": values},
        "height": 48,
        "view": {"stroke": None},
        "layer": [_sparkline_layer(status, statuses, colour, encoding) for status in present],
    }


def _sparkline_layer(status: str, statuses: Statuses, colour: str, encoding: dict) -> dict:
    dash = statuses.dash(status)
    solid = dash[1] == 0
    mark: dict = {"type": "line", "color": colour, "aria": False}
    if solid:
        mark["point"] = {"size": 18, "color": colour, "aria": False}
    else:
        mark.update({"strokeDash": dash, "opacity": 0.7})
    return {"transform": [{"filter": f"datum.status == '{status}'"}], "mark": mark, "encoding": encoding}
