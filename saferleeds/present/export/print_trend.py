"""The print trend chart: an area's months beside Leeds over the period and the one it is compared with,
for board packs and the Overview's chart downloads.

Lines are drawn as on screen (``present.charts.status_lines``): each status in the catalogue's dash and
label, area colours from the catalogue's palette. The chart carries its own text alternative.
"""

from __future__ import annotations

import textwrap

import pandas as pd

from saferleeds.analysis.aggregate import area_monthly
from saferleeds.analysis.disclosure import hidden_months
from saferleeds.analysis.measures import measure_label
from saferleeds.analysis.trends import area_series
from saferleeds.core.catalogue import Indicator
from saferleeds.core.dataset import Dataset
from saferleeds.core.geography import CITY_CODE, CITY_NAME
from saferleeds.core.periods import Period
from saferleeds.core.text import sentence_case
from saferleeds.core.vocabulary import RECORDED
from saferleeds.present.charts.common import LEGEND, area_colour_scale
from saferleeds.present.charts.status_lines import status_dash_scale, status_segments
from saferleeds.present.export.render import print_spec

TREND_SIZE = (620, 250)
SOURCE_WIDTH = 110
PERIOD_SHADE = "#f3f2f1"
SHADE_TEXT = "#505a5f"
TARGET_COLOUR = "#00703c"
LINES_DATASET, DOTS_DATASET = "lines", "dots"


def chart_measure(indicator: Indicator, measure: str, compared: bool) -> str:
    """Counts compared with Leeds (or mapped across areas of different sizes) are shown as rates (of the
    chosen population when a rate was chosen)."""
    if indicator.unit != "count":
        return indicator.unit
    if not compared:
        return measure
    return measure if indicator.rates.is_rate(measure) else "rate"


def source_lines(*sentences: str) -> list[str]:
    """The words under a print chart, wrapped to its width."""
    return textwrap.wrap(" ".join(s for s in sentences if s), SOURCE_WIDTH)


def _series(
    dataset: Dataset, indicator: Indicator, code: str, window: Period, measure: str, rolling: bool = False
) -> tuple[pd.DataFrame, int]:
    """One area's months in the window, and how many of them disclosure control keeps back (left out).

    With ``rolling`` each month is the average of the 12 months to it, as published (rounded where the
    rule says; left out where the 12-month total is hidden or withheld)."""
    if rolling:
        series = area_series(dataset, indicator.id, code, measure)
        series = series[window.contains(series["period"]).to_numpy()]
        values, statuses = series["rolling"], series["rolling_status"]
        kept = values.notna().to_numpy()
        dropped = int((~kept & series["value"].notna().to_numpy()).sum())
    else:
        series = area_monthly(dataset, indicator.id, code, measure)
        series = series[window.contains(series["period"]).to_numpy() & series["shown"].notna().to_numpy()]
        values, statuses = series["shown"], series["status"]
        hidden = hidden_months(dataset, indicator.id, code, series["period"])
        kept, dropped = ~hidden, int(hidden.sum())
    frame = pd.DataFrame(
        {
            "area": CITY_NAME if code == CITY_CODE else dataset.geography.name(code),
            "period": series["period"].to_numpy()[kept],
            "y": values.to_numpy(dtype=float)[kept],
            "status": statuses.to_numpy()[kept],
        }
    )
    return frame, dropped


def _value_format(values: pd.Series) -> str:
    largest = float(values.abs().max()) if len(values) else 0.0
    return ",.0f" if largest >= 20 else (".1f" if largest >= 2 else ".2f")


def trend_description(indicator: Indicator, where: str, window: Period, rolling: bool = False) -> str:
    """The chart in one sentence: its text alternative in the pack, on screen and in the SVG."""
    what = f"the 12-month average of {indicator.label.lower()}" if rolling else indicator.label.lower()
    return f"Line chart of {what} each month, {where}, {window.label()}; dashed where estimated or modelled."


def _disclosure_note(
    dataset: Dataset, indicator: Indicator, level: str, rolling: bool, compared: bool, dropped: int
) -> str:
    """Why the area's line is of 12-month averages, has gaps or is missing, in a sentence (nothing when none)."""
    catalogue = dataset.catalogue
    rule = catalogue.disclosure
    if not compared:
        return (
            "No month of the area can be shown without revealing small numbers, so Leeds is shown alone."
            if dropped
            else ""
        )
    if rolling:
        gaps = (
            f" Months whose 12-month total is {rule.shown_as} or {rule.withheld_as} are not shown." if dropped else ""
        )
        return (
            f"To protect privacy, {indicator.short_label.lower()} for {catalogue.level(level).plural} is published "
            f"for 12 months at a time, so each point is the average of the 12 months to it (counts rounded to the "
            f"nearest {rule.round_to}).{gaps}"
        )
    if dropped:
        return f"Months {rule.withheld_as} so that small numbers cannot be worked out are not shown."
    return ""


def _period_shade(period: Period) -> dict:
    days = {"values": [{"start": f"{period.start:%Y-%m-%d}", "end": f"{period.end:%Y-%m-%d}"}]}
    start = {"field": "start", "type": "temporal"}
    return {
        "data": days,
        "layer": [
            {"mark": {"type": "rect", "color": PERIOD_SHADE}, "encoding": {"x": start, "x2": {"field": "end"}}},
            {
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "top",
                    "dx": 4,
                    "dy": 4,
                    "fontSize": 10,
                    "color": SHADE_TEXT,
                },
                "encoding": {"x": start, "y": {"value": 0}, "text": {"value": "Selected period"}},
            },
        ],
    }


def _target_layers(indicator: Indicator, shown: str) -> list[dict]:
    target = indicator.target
    if target is None or shown != "percent":
        return []
    data = {"values": [{"target": target.value, "label": target.label}]}
    y = {"field": "target", "type": "quantitative"}
    text = {"type": "text", "align": "right", "baseline": "bottom", "dy": -3, "color": TARGET_COLOUR, "fontSize": 10}
    return [
        {"data": data, "mark": {"type": "rule", "color": TARGET_COLOUR, "strokeDash": [2, 2]}, "encoding": {"y": y}},
        {
            "data": data,
            "mark": text,
            "encoding": {"y": y, "x": {"value": TREND_SIZE[0]}, "text": {"field": "label", "type": "nominal"}},
        },
    ]


def _records(frame: pd.DataFrame) -> list[dict]:
    rows = frame.assign(period=frame["period"].dt.strftime("%Y-%m-%d"))
    return rows.astype(object).where(rows.notna(), None).to_dict("records")


def broken_at_gaps(segments: pd.DataFrame) -> pd.DataFrame:
    """Each line's pieces split again where months are missing (kept back by disclosure control), so a
    line never runs across months it does not show."""
    shown = segments.loc[~segments["bridge"], ["area", "period"]].drop_duplicates().sort_values(["area", "period"])
    months = shown["period"].dt.year * 12 + shown["period"].dt.month
    gap = months.groupby(shown["area"]).diff().fillna(1).to_numpy() > 1
    runs = pd.Series(gap, index=shown.index).groupby(shown["area"]).cumsum()
    run_of = dict(zip(zip(shown["area"], shown["period"], strict=True), runs, strict=True))
    run = [run_of.get((a, p), 0) for a, p in zip(segments["area"], segments["period"], strict=True)]
    return segments.assign(segment=[f"{s}.{r}" for s, r in zip(segments["segment"], run, strict=True)])


def _lines(dataset: Dataset, data: pd.DataFrame, names: list[str], y_title: str, unit_format: str):
    """The lines dashed by status (the screen's dashes and words) and a dot on each recorded month,
    drawn from named data sets, with those data sets."""
    statuses = dataset.catalogue.palette.statuses
    segments = broken_at_gaps(status_segments(data, "area", statuses))
    scale = area_colour_scale(names, dataset.catalogue.palette).to_dict()
    x = {
        "field": "period",
        "type": "temporal",
        "title": None,
        "axis": {"format": "%b %Y", "labelAngle": 0, "tickCount": 8},
    }
    y = {
        "field": "y",
        "type": "quantitative",
        "title": y_title,
        "scale": {"zero": False},
        "axis": {"format": unit_format},
    }
    dash = status_dash_scale(data["status"], statuses).to_dict()
    lines = {
        "data": {"name": LINES_DATASET},
        "mark": {"type": "line", "strokeWidth": 2.2},
        "encoding": {
            "x": x,
            "y": y,
            "color": {"field": "area", "type": "nominal", "title": None, "scale": scale, "legend": LEGEND},
            "strokeDash": {"field": "Data", "type": "nominal", "title": "Data", "scale": dash, "legend": LEGEND},
            "detail": {"field": "segment", "type": "nominal"},
        },
    }
    dots = {
        "data": {"name": DOTS_DATASET},
        "mark": {"type": "point", "filled": True, "size": 36, "opacity": 1},
        "encoding": {"x": x, "y": y, "color": {"field": "area", "type": "nominal", "scale": scale, "legend": None}},
    }
    recorded = segments[~segments["bridge"] & (segments["status"] == RECORDED)]
    columns = ["area", "period", "y", "status", "segment", "Data"]
    return [lines, dots], {LINES_DATASET: _records(segments[columns]), DOTS_DATASET: _records(recorded[columns])}


def print_trend_chart(
    dataset: Dataset, indicator_id: str, code: str | None, period: Period, measure: str = "count"
) -> dict:
    """Monthly values of an area beside Leeds over the period and the one it is compared with.

    Each status is drawn in the catalogue's dash and named in the legend, with a dot on each recorded
    month; the selected period is shaded. Counts beside Leeds are shown as rates so the two lines
    compare. Where disclosure control publishes the area's counts for 12 months at a time, both lines are
    12-month averages; months it keeps back are left out, and the chart says so.
    Returned as a Vega-Lite specification whose ``description`` is its text alternative.
    """
    catalogue = dataset.catalogue
    indicator = catalogue.indicator(indicator_id)
    window = Period(period.comparison().start, period.end)
    area, dropped, rolling = pd.DataFrame(), 0, False
    level = (dataset.geography.level_of(code) or "") if code and code != CITY_CODE else ""
    if level:
        rolling = catalogue.disclosure.applies(indicator.sensitive, level)
        compared_measure = chart_measure(indicator, measure, compared=True)
        area, dropped = _series(dataset, indicator, code or "", window, compared_measure, rolling)
    compared = not area.empty
    rolling = rolling and compared  # Leeds beside the area's 12-month averages is drawn the same way
    shown = chart_measure(indicator, measure, compared)
    leeds, _ = _series(dataset, indicator, CITY_CODE, window, shown, rolling)
    data = pd.concat([area, leeds], ignore_index=True) if compared else leeds
    names = list(dict.fromkeys(data["area"])) or [CITY_NAME]
    each = "12-month average" if rolling else "each month"
    y_title = f"{sentence_case(measure_label(indicator, shown))}, {each}"
    lines, datasets = _lines(dataset, data, names, y_title, _value_format(data["y"]))
    where = f"{names[0]} and Leeds" if compared else "Leeds"
    view = {
        "layer": [_period_shade(period), *lines, *_target_layers(indicator, shown)],
        "width": TREND_SIZE[0],
        "height": TREND_SIZE[1],
        "title": {"text": indicator.label, "subtitle": f"{where}, {window.label()}"},
    }
    statuses = catalogue.statuses
    notes = source_lines(
        f"Source: {indicator.source}.",
        f"Solid lines with dots are {statuses.label(statuses.strongest).lower()} data; dashed lines are "
        "estimates, named in the legend.",
        "Shaded: the selected period; the months before it are the comparison period.",
        _disclosure_note(dataset, indicator, level, rolling, compared, dropped) if level else "",
        f"Rates are {indicator.rates.with_population_of(shown)}." if indicator.rates.is_rate(shown) else "",
    )
    return print_spec(view, notes, trend_description(indicator, where, window, rolling), datasets)
