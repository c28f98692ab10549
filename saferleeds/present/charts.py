"""Altair charts. Modelled values are always drawn differently (dashed, hollow) from recorded ones.

Every chart has a title and a one-sentence description (read out by screen readers) and no fixed
width, so it fills its container from a phone to a projector. Dashes mean "modelled" and nothing
else: control limits, funnel limits and notes are drawn with solid lines.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from saferleeds.analysis.aggregate import Period

STATUS_DASH = {"recorded": [1, 0], "provisional": [4, 2], "modelled": [3, 3]}
STATUS_ORDER = ("recorded", "provisional", "modelled")
STATUS_LABELS = {"recorded": "Recorded", "provisional": "Provisional", "modelled": "Modelled (estimate)"}
NEUTRAL = "#4d4d4d"
LEEDS_COLOUR = "#505a5f"
# Okabe-Ito: distinguishable with the common forms of colour blindness.
AREA_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
NOTE_COLOUR = "#505a5f"  # 7:1 on white, still over 4.5:1 on the shaded period
CHART_TEXT = "#505a5f"
TITLE_TEXT = "#0b0c0c"
PERIOD_SHADE = "#1d70b8"
LIMIT_COLOURS = {"Average": "#505a5f", "Control limits": "#b58840"}
SIGNAL_SHAPES = {
    "Outside the limits": "diamond",
    "Run above or below the average": "square",
    "Rising or falling run": "triangle-up",
}
SIGNAL_KINDS = {
    "outside": "Outside the limits",
    "shift_up": "Run above or below the average",
    "shift_down": "Run above or below the average",
    "trend_up": "Rising or falling run",
    "trend_down": "Rising or falling run",
}
VERDICT_SHAPES = {
    "Significantly above": "triangle-up",
    "Not significantly different": "circle",
    "Significantly below": "triangle-down",
}
FUNNEL_LIMIT_COLOURS = {"95% limits": "#d55e00", "99.8% limits": "#6f777b"}  # 3:1 or more on white (lines)
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
HIGHLIGHT = "#1d70b8"
MODELLED_POINTS = "Includes modelled months (hollow)"
BACKGROUND_AREA = "#dee0e2"
TITLE_WIDTH = 44  # characters a line, so titles fit a 375 px screen
SUBTITLE_WIDTH = 56
DENSE_MONTHS = 40  # beyond this, modelled months get no point of their own (the dashes say it)
MONTH_AXIS = alt.Axis(format="%b %Y", labelOverlap="greedy", labelSeparation=6, tickCount=6)
LEGEND = {"orient": "bottom", "direction": "vertical", "labelLimit": 260, "titleLimit": 260}


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


# ----------------------------------------------------------------------------- building blocks


def status_segments(frame: pd.DataFrame, group: str, status: str = "status", order: str = "period") -> pd.DataFrame:
    """Split each group's line where its status changes, so each piece can be dashed or solid.

    Adds ``segment`` (one id per unbroken run of one status) and ``bridge``: a copy of the point
    where two pieces meet, put in the weaker piece (modelled is weaker than provisional, which is
    weaker than recorded) so the line stays continuous and the joining stretch is drawn as the
    weaker status. Bridge rows carry no tooltip and no point.
    """
    frame = frame.sort_values([group, order], kind="stable").reset_index(drop=True)
    starts = frame[status] != frame.groupby(group, sort=False)[status].shift()
    frame["segment"] = starts.cumsum().astype(int)
    frame["bridge"] = False
    rank = frame[status].map({s: i for i, s in enumerate(STATUS_ORDER)}).fillna(len(STATUS_ORDER))
    first_of_group = ~frame[group].duplicated()
    bridges = []
    for i in np.flatnonzero(starts.to_numpy() & ~first_of_group.to_numpy()):
        before, after = frame.iloc[i - 1], frame.iloc[i]
        if rank.iloc[i] > rank.iloc[i - 1]:  # the later piece is weaker: it starts from the earlier point
            bridges.append(before.copy().to_dict() | {"segment": after["segment"], status: after[status]})
        else:  # the earlier piece is weaker: it runs on to the later point
            bridges.append(after.copy().to_dict() | {"segment": before["segment"], status: before[status]})
    if bridges:
        extra = pd.DataFrame(bridges).assign(bridge=True)
        frame = pd.concat([frame, extra.astype(frame.dtypes.to_dict())], ignore_index=True)
    frame["Data"] = frame[status].map(STATUS_LABELS).fillna(frame[status])
    return frame


def _status_scale(statuses: pd.Series) -> alt.Scale:
    present = [s for s in STATUS_ORDER if s in set(statuses)] or ["recorded"]
    return alt.Scale(domain=[STATUS_LABELS[s] for s in present], range=[STATUS_DASH[s] for s in present])


def _status_lines(
    segments: pd.DataFrame,
    statuses: pd.Series,
    x: alt.X,
    y: alt.Y,
    *,
    colour: alt.Color | None = None,
    width: float = 2,
    keyed: bool = True,
    **mark: object,
) -> alt.Chart:
    """Lines broken where the status changes: solid where recorded, dashed where modelled."""
    legend = alt.Legend(**LEGEND) if keyed else None
    dash = alt.StrokeDash("Data:N", title="Data", scale=_status_scale(statuses), legend=legend)
    encoding = {"x": x, "y": y, "strokeDash": dash, "detail": "segment:N"}
    if colour is not None:
        encoding["color"] = colour
    return alt.Chart(segments).mark_line(strokeWidth=width, **mark).encode(**encoding)


def _status_fill(statuses: pd.Series) -> alt.Scale:
    """Bars: solid blue where recorded, pale where modelled (their outline is dashed too)."""
    fill = {"recorded": "#2171b5", "provisional": "#6baed6", "modelled": "#c6dbef"}
    present = [s for s in STATUS_ORDER if s in set(statuses)] or ["recorded"]
    return alt.Scale(domain=[STATUS_LABELS[s] for s in present], range=[fill[s] for s in present])


@dataclass(frozen=True)
class Palette:
    """Colours that carry meaning, read from the catalogue's [palettes] (these are its defaults)."""

    areas: tuple[str, ...] = AREA_COLOURS
    reference: str = LEEDS_COLOUR
    below: str = "#2166ac"
    above: str = "#b2182b"

    @classmethod
    def from_catalogue(cls, palettes: dict) -> Palette:
        change = palettes.get("change") or [cls.below, cls.above]
        return cls(
            areas=tuple(palettes.get("areas") or AREA_COLOURS),
            reference=palettes.get("reference") or LEEDS_COLOUR,
            below=change[0],
            above=change[-1],
        )


def area_colour_scale(areas: list[str], palette: Palette | None = None, reference: str = "Leeds") -> alt.Scale:
    """One colour per area in the order given; Leeds, the reference, always has the reference colour."""
    palette = palette or Palette()
    others = iter(palette.areas * 2)
    colours = [palette.reference if area == reference else next(others) for area in areas]
    return alt.Scale(domain=areas, range=colours)


def _notes_layers(notes: pd.DataFrame | None, x: alt.X | None = None) -> list[alt.Chart]:
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
        .encode(x=x, y=alt.value(0), text="number_text:N", tooltip=tooltip)
    )
    return [rules, labels]


def _period_shade(period: Period | None) -> list[alt.Chart]:
    if period is None:
        return []
    data = pd.DataFrame({"start": [period.start], "end": [period.end + pd.DateOffset(months=1)]})
    return [
        alt.Chart(data)
        .mark_rect(color=PERIOD_SHADE, opacity=0.08)
        .encode(x="start:T", x2="end:T", tooltip=[alt.Tooltip("start:T", title="Chosen period from", format="%B %Y")])
    ]


def _end_labels(points: pd.DataFrame, group: str, order: str, x: alt.X, y: alt.Y) -> alt.Chart:
    """Each line's name written at its last point, so lines are told apart by words, not colour alone."""
    last = points.sort_values(order).groupby(group, sort=False).tail(1)
    return (
        alt.Chart(last.assign(label=last[group].astype(str)))
        .mark_text(align="right", baseline="bottom", dx=-4, dy=-6, fontSize=11, fontWeight="bold", color=CHART_TEXT)
        .encode(x=x, y=y, text="label:N")
    )


def _lines(text: str, width: int = TITLE_WIDTH) -> str | list[str]:
    """Titles do not wrap by themselves; break long ones into lines that fit a phone."""
    lines = textwrap.wrap(text, width)
    return lines[0] if len(lines) == 1 else lines


def _finish(chart: alt.LayerChart | alt.Chart, title: str, description: str, height: int, subtitle: str = ""):
    heading = alt.Title(_lines(title), anchor="start")
    if subtitle:
        heading = alt.Title(_lines(title), subtitle=_lines(subtitle, SUBTITLE_WIDTH), anchor="start")
    # fit-x: the chart fills the width it is given; its height is the plot's, and legends go below it.
    autosize = alt.AutoSizeParams(type="fit-x", contains="padding")
    return chart.properties(title=heading, description=description, height=height, autosize=autosize)


def vega_lite_spec(chart: alt.TopLevelMixin, validate: bool = False) -> dict:
    """The chart as a Vega-Lite spec, with legends stacked under the plot so narrow screens fit them,
    and only the marks that carry numbers exposed to screen readers.

    The charts are built by this module's own code, so checking each spec against the Vega-Lite
    schema (half the cost of the conversion) is left to the tests, which pass ``validate=True``."""
    spec = chart.to_dict(validate=validate)
    config = spec.setdefault("config", {})
    config.setdefault("legend", {})["layout"] = {"bottom": {"anchor": "start", "direction": "vertical", "margin": 6}}
    for part, colours in TEXT_COLOURS.items():
        config[part] = {**colours, **config.get(part, {})}
    return quiet_decorations(spec)


# Words on a chart are text: they need 4.5:1 contrast on white, which the default pale grey lacks.
TEXT_COLOURS = {
    "axis": {"labelColor": CHART_TEXT, "titleColor": CHART_TEXT},
    "legend": {"labelColor": CHART_TEXT, "titleColor": CHART_TEXT},
    "title": {"color": TITLE_TEXT, "subtitleColor": CHART_TEXT},
}


NESTED_VIEWS = ("layer", "vconcat", "hconcat", "concat")


def quiet_decorations(spec: dict) -> dict:
    """Hide from screen readers every mark that says nothing of its own (``"aria": false``).

    Vega gives each mark a role; a mark whose points have no description (no tooltip), an invisible
    hover layer, a layer with no data and a line's point overlay would each be read out as an
    unnamed picture. The chart's ``description`` and its table of numbers say what they show.
    """
    _quiet(spec, spec.get("data"), spec.get("datasets", {}))
    return spec


def _quiet(view: dict, data: dict | None, datasets: dict) -> None:
    data = view.get("data", data)
    for key in NESTED_VIEWS:
        for child in view.get(key, []):
            _quiet(child, data, datasets)
    if "spec" in view:
        _quiet(view["spec"], data, datasets)
    if "mark" not in view:
        return
    mark = view["mark"] if isinstance(view["mark"], dict) else {"type": view["mark"]}
    if isinstance(mark.get("point"), dict) or mark.get("point") is True:
        mark["point"] = {**(mark["point"] if isinstance(mark["point"], dict) else {}), "aria": False}
    speaks = "tooltip" in view.get("encoding", {}) or mark.get("tooltip") not in (None, False)
    if not speaks or mark.get("opacity") == 0 or _is_empty(data, datasets):
        mark["aria"] = False
    view["mark"] = mark


def _is_empty(data: dict | None, datasets: dict) -> bool:
    if not data:
        return False
    if "values" in data:
        return isinstance(data["values"], list) and not data["values"]
    return "name" in data and datasets.get(data["name"]) == []


def number_format(unit_kind: str) -> str:
    return ",.0f" if unit_kind == "count" else ",.1f"


# ----------------------------------------------------------------------------- trend charts


def trend_chart(
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
    palette: Palette | None = None,
) -> alt.LayerChart:
    """Monthly lines, one per area (column ``area``), dashed and hollow where modelled."""
    frame = data[["area", "period", value, status]].rename(columns={value: "y", status: "status"})
    segments = status_segments(frame, "area")
    areas = list(dict.fromkeys(frame["area"]))
    scale = area_colour_scale(areas, palette)
    colour = alt.Color("area:N", title="Area", scale=scale, legend=alt.Legend(**LEGEND))
    x = alt.X("period:T", title=None, axis=MONTH_AXIS)
    y = alt.Y("y:Q", title=y_title, scale=alt.Scale(zero=False))
    lines = _status_lines(segments, frame["status"], x, y, colour=colour)
    real = segments[~segments["bridge"]]
    many_months = real["period"].nunique() > DENSE_MONTHS
    tooltip = [
        alt.Tooltip("area:N", title="Area"),
        alt.Tooltip("period:T", title="Month", format="%B %Y"),
        alt.Tooltip("y:Q", title=y_title, format=number_format(unit_kind)),
        alt.Tooltip("Data:N", title="Data"),
    ]
    points = (
        alt.Chart(real if not many_months else real[real["status"] == "recorded"])
        .mark_point(strokeWidth=1.2)
        .encode(
            x=x,
            y=y,
            size=alt.condition(alt.datum.status == "recorded", alt.value(40), alt.value(14)),
            color=alt.Color("area:N", scale=scale, legend=None),
            fill=alt.condition(alt.datum.status == "recorded", alt.Color("area:N", scale=scale), alt.value("white")),
            tooltip=tooltip,
        )
    )
    hover = alt.Chart(real).mark_point(size=90, opacity=0).encode(x=x, y=y, tooltip=tooltip)
    ends = _end_labels(real, "area", "period", x, y)
    layers = [*_period_shade(shade), lines, points, hover, ends, *_notes_layers(notes)]
    return _finish(alt.layer(*layers), title, description, height)


def small_trend(
    data: pd.DataFrame,
    *,
    title: str,
    description: str,
    unit_kind: str = "rate",
    height: int = 70,
    palette: Palette | None = None,
) -> alt.LayerChart:
    """A small monthly chart of one indicator for an area and Leeds: lines only, dashed where modelled.

    Meant for a list of indicators under one shared key (say in words what the colours and dashes mean).
    """
    frame = data[["area", "period", "shown", "status"]].rename(columns={"shown": "y"})
    segments = status_segments(frame, "area")
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
    lines = _status_lines(segments, frame["status"], x, y, colour=colour, width=1.8, keyed=False)
    hover = alt.Chart(real).mark_point(size=60, opacity=0).encode(x=x, y=y, tooltip=tooltip)
    recorded = (
        alt.Chart(real[real["status"] == "recorded"]).mark_point(size=30, filled=True).encode(x=x, y=y, color=colour)
    )
    return _finish(alt.layer(lines, recorded, hover), title, description, height)


def spc_chart(
    data: pd.DataFrame,
    *,
    y_title: str,
    title: str,
    description: str,
    notes: pd.DataFrame | None = None,
    unit_kind: str = "count",
    height: int = 300,
) -> alt.LayerChart:
    """An XmR control chart: the monthly line, its average and limits, and signalling months marked."""
    frame = data.assign(area="value")
    segments = status_segments(frame[["area", "period", "shown", "status"]], "area")
    x = alt.X("period:T", title=None, axis=MONTH_AXIS)
    y = alt.Y("shown:Q", title=y_title, scale=alt.Scale(zero=False))
    line = _status_lines(segments, frame["status"], x, y, width=1.5, color=NEUTRAL)
    first = data.iloc[0]
    limits = pd.DataFrame(
        {
            "line": ["Average", "Control limits", "Control limits"],
            "name": ["Average", "Upper control limit", "Lower control limit"],
            "value": [first["mean"], first["upper"], first["lower"]],
        }
    )
    rules = (
        alt.Chart(limits)
        .mark_rule(strokeWidth=1.5)
        .encode(
            y="value:Q",
            color=alt.Color(
                "line:N",
                title="Control chart",
                scale=alt.Scale(domain=list(LIMIT_COLOURS), range=list(LIMIT_COLOURS.values())),
                legend=alt.Legend(**LEGEND),
            ),
            tooltip=[alt.Tooltip("name:N", title="Line"), alt.Tooltip("value:Q", format=number_format(unit_kind))],
        )
    )
    marked = frame.assign(
        kind=frame["signal"].map(SIGNAL_KINDS).fillna(""),
        Data=frame["status"].map(STATUS_LABELS),
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
            fill=alt.condition(alt.datum.status == "recorded", alt.value(NEUTRAL), alt.value("white")),
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
    layers = [rules, line, points, signals, *_notes_layers(notes)]
    return _finish(alt.layer(*layers).resolve_scale(color="independent"), title, description, height)


def year_on_year_chart(
    data: pd.DataFrame,
    *,
    y_title: str,
    title: str,
    description: str,
    notes: pd.DataFrame | None = None,
    unit_kind: str = "count",
    height: int = 280,
) -> alt.LayerChart:
    """One line per calendar year across the months of the year; the latest year darkest."""
    frame = data.rename(columns={"year": "area"})
    columns = ["area", "month_number", "month", "shown", "status"]
    segments = status_segments(frame[columns], "area", order="month_number")
    years = sorted(frame["area"].unique())
    shades = ["#9ecae1", "#4292c6", "#08519c", "#08306b"][-len(years) :] if years else []
    colour = alt.Color("area:O", title="Year", scale=alt.Scale(domain=years, range=shades), legend=alt.Legend(**LEGEND))
    x = alt.X("month:N", title=None, sort=list(MONTH_NAMES), axis=alt.Axis(labelAngle=0, labelOverlap=True))
    y = alt.Y("shown:Q", title=y_title, scale=alt.Scale(zero=False))
    lines = _status_lines(segments, frame["status"], x, y, colour=colour)
    points = (
        alt.Chart(segments[~segments["bridge"]])
        .mark_point(size=26)
        .encode(
            x=x,
            y=y,
            color=alt.Color("area:O", scale=alt.Scale(domain=years, range=shades), legend=None),
            fill=alt.condition(
                alt.datum.status == "recorded",
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
    return _finish(alt.layer(lines, points, ends, *_notes_layers(notes, month_x)), title, description, height)


def seasonality_chart(
    data: pd.DataFrame, *, y_title: str, title: str, description: str, unit_kind: str = "count", height: int = 260
) -> alt.LayerChart:
    """Average by calendar month as bars (pale, with a dashed outline where modelled), lowest to highest."""
    frame = data.assign(Data=data["status"].map(STATUS_LABELS))
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
            color=alt.Color("Data:N", title="Data", scale=_status_fill(frame["status"]), legend=alt.Legend(**LEGEND)),
            strokeDash=alt.StrokeDash("Data:N", scale=_status_scale(frame["status"]), legend=None),
            tooltip=tooltip,
        )
    )
    ranges = alt.Chart(frame).mark_rule(color=NEUTRAL).encode(x=x, y="lowest:Q", y2="highest:Q", tooltip=tooltip)
    average = frame["average"].mean() if len(frame) else 0.0
    mean_rule = (
        alt.Chart(pd.DataFrame({"average": [average], "line": ["Average month"]}))
        .mark_rule(color="#d4351c", strokeWidth=1.5)
        .encode(y="average:Q", tooltip=[alt.Tooltip("line:N", title="Line"), alt.Tooltip("average:Q", format=fmt)])
    )
    return _finish(alt.layer(bars, ranges, mean_rule), title, description, height)


# ----------------------------------------------------------------------------- funnel plot


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
    palette: Palette | None = None,
) -> alt.LayerChart:
    """Areas as points (value against size) inside 95% and 99.8% limits around the Leeds figure.

    ``points``: code, name, base, value, display, verdict_label, data (status words), modelled.
    ``curves``: base, value, limits ("95% limits", "99.8% limits"), side. Clicking a point selects it
    through the selection parameter ``selection_name`` (its ``code``).
    """
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
                scale=alt.Scale(domain=list(FUNNEL_LIMIT_COLOURS), range=list(FUNNEL_LIMIT_COLOURS.values())),
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
    palette = palette or Palette()
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
            # Filled points are recorded data; hollow ones include modelled months.
            fill=alt.Fill(
                "Data:N",
                title="Data",
                scale=alt.Scale(domain=["Recorded", MODELLED_POINTS], range=[NEUTRAL, "white"]),
                legend=alt.Legend(**LEGEND, symbolStrokeColor=NEUTRAL, symbolStrokeWidth=1.5, symbolOpacity=1),
            ),
            strokeWidth=alt.condition(pick, alt.value(3.5), alt.value(1.8)),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
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
    legend_note = "Click a point to choose that area; double-click to clear."
    return _finish(chart, title, description, height, subtitle=legend_note)


# ----------------------------------------------------------------------------- locator map


def locator_map(
    areas: list[dict],
    highlight: str,
    *,
    title: str,
    description: str,
    outline: list[dict] | None = None,
    marker: tuple[float, float] | None = None,
    height: int = 260,
) -> alt.LayerChart:
    """A small map of Leeds with one area picked out; ``areas`` are GeoJSON features with code and name.

    ``outline`` (the area's own shape, when it is not one of ``areas``) is drawn on top, and a
    ``marker`` (longitude, latitude) circles an area too small to see at city scale.
    """
    projection = "mercator"
    base = (
        alt.Chart(alt.Data(values=areas))
        .mark_geoshape(stroke="white", strokeWidth=0.7)
        .encode(
            color=alt.condition(alt.datum.code == highlight, alt.value(HIGHLIGHT), alt.value(BACKGROUND_AREA)),
            tooltip=[alt.Tooltip("name:N", title="Area")],
        )
        .project(projection)
    )
    layers = [base]
    if outline:
        layers.append(
            alt.Chart(alt.Data(values=outline))
            .mark_geoshape(color=HIGHLIGHT, stroke="#0b0c0c", strokeWidth=0.8)
            .encode(tooltip=[alt.Tooltip("name:N", title="Area")])
            .project(projection)
        )
    if marker is not None:
        spot = pd.DataFrame({"longitude": [marker[0]], "latitude": [marker[1]]})
        layers.append(
            alt.Chart(spot)
            .mark_point(size=500, color="#d4351c", strokeWidth=2.5)
            .encode(longitude="longitude:Q", latitude="latitude:Q")
            .project(projection)
        )
    chart = alt.layer(*layers)
    return _finish(chart, title, description, height).configure_view(strokeWidth=0)
