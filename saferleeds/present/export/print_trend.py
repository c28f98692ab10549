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


def _series(dataset: Dataset, indicator: Indicator, code: str, window: Period, measure: str) -> pd.DataFrame:
    """One area's months in the window; months the disclosure rule hides are left out."""
    monthly = area_monthly(dataset, indicator.id, code, measure)
    monthly = monthly[window.contains(monthly["period"]).to_numpy() & monthly["shown"].notna().to_numpy()]
    monthly = monthly[~hidden_months(dataset, indicator.id, code, monthly["period"])]
    return pd.DataFrame(
        {
            "area": CITY_NAME if code == CITY_CODE else dataset.geography.name(code),
            "period": monthly["period"].to_numpy(),
            "y": monthly["shown"].to_numpy(dtype=float),
            "status": monthly["status"].to_numpy(),
        }
    )


def _value_format(values: pd.Series) -> str:
    largest = float(values.abs().max()) if len(values) else 0.0
    return ",.0f" if largest >= 20 else (".1f" if largest >= 2 else ".2f")


def trend_description(indicator: Indicator, where: str, window: Period) -> str:
    """The chart in one sentence: its text alternative in the pack, on screen and in the SVG."""
    return (
        f"Line chart of {indicator.label.lower()} each month, {where}, {window.label()}; "
        "dashed where estimated or modelled."
    )


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


def _lines(dataset: Dataset, data: pd.DataFrame, names: list[str], y_title: str, unit_format: str):
    """The lines dashed by status (the screen's dashes and words) and a dot on each recorded month,
    drawn from named data sets, with those data sets."""
    statuses = dataset.catalogue.palette.statuses
    segments = status_segments(data, "area", statuses)
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
    compare. Months of small counts that disclosure control hides are left out, and the chart says so.
    Returned as a Vega-Lite specification whose ``description`` is its text alternative.
    """
    catalogue = dataset.catalogue
    indicator = catalogue.indicator(indicator_id)
    window = Period(period.comparison().start, period.end)
    area = pd.DataFrame()
    if code and code != CITY_CODE:
        area = _series(dataset, indicator, code, window, chart_measure(indicator, measure, compared=True))
    compared = not area.empty
    shown = chart_measure(indicator, measure, compared)
    leeds = _series(dataset, indicator, CITY_CODE, window, shown)
    data = pd.concat([area, leeds], ignore_index=True) if compared else leeds
    names = list(dict.fromkeys(data["area"])) or [CITY_NAME]
    y_title = f"{sentence_case(measure_label(indicator, shown))}, each month"
    lines, datasets = _lines(dataset, data, names, y_title, _value_format(data["y"]))
    where = f"{names[0]} and Leeds" if compared else "Leeds"
    view = {
        "layer": [_period_shade(period), *lines, *_target_layers(indicator, shown)],
        "width": TREND_SIZE[0],
        "height": TREND_SIZE[1],
        "title": {"text": indicator.label, "subtitle": f"{where}, {window.label()}"},
    }
    rule, statuses = catalogue.disclosure, catalogue.statuses
    level = dataset.geography.level_of(code) if compared and code else None
    hidden = compared and len(area) < window.months and rule.applies(indicator.sensitive, level or "")
    notes = source_lines(
        f"Source: {indicator.source}.",
        f"Solid lines with dots are {statuses.label(statuses.strongest).lower()} data; dashed lines are "
        "estimates, named in the legend.",
        "Shaded: the selected period; the months before it are the comparison period.",
        f"Months with fewer than {rule.below} are not shown." if hidden else "",
        f"Rates are {indicator.rates.with_population_of(shown)}." if indicator.rates.is_rate(shown) else "",
    )
    return print_spec(view, notes, trend_description(indicator, where, window), datasets)
