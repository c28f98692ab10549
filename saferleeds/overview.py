"""The plan on a page: key indicators per shared priority, as tiles for an area and for Leeds."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from saferleeds.analysis import Period, area_monthly, area_row, format_value, measure_label
from saferleeds.catalogue import Indicator, Priority
from saferleeds.dataset import Dataset
from saferleeds.geography import CITY_CODE


@dataclass(frozen=True)
class Figure:
    """One indicator's numbers for one area over the selected period."""

    area_code: str
    area_name: str
    available: bool
    value_text: str
    change_words: str
    judgement: str  # worse, better or neutral (context indicators are always neutral)
    status: str
    target_text: str | None
    verdict: str | None  # funnel verdict against Leeds, for areas below the city


@dataclass(frozen=True)
class Tile:
    indicator: Indicator
    unit_words: str
    area: Figure | None  # the chosen area, when one is chosen
    leeds: Figure
    series: pd.DataFrame  # period, shown, status: the sparkline of the chosen area (or Leeds)


@dataclass(frozen=True)
class PriorityColumn:
    priority: Priority
    tiles: list[Tile]


def tile_indicators(dataset: Dataset, priority: str | None, theme: str | None) -> dict[str, list[Indicator]]:
    """Indicators to show per priority column.

    With no theme: the key indicators, each under its primary priority. With a theme: every
    indicator tagged with that theme. A chosen priority keeps only its own column.
    """
    columns: dict[str, list[Indicator]] = {}
    for item in dataset.catalogue.priorities:
        if priority and item.id != priority:
            continue
        chosen = [
            i
            for i in dataset.catalogue.indicators
            if i.primary_priority == item.id and ((theme in i.themes) if theme else i.key)
        ]
        columns[item.id] = chosen
    return columns


def _target_text(indicator: Indicator, value: float) -> str | None:
    target = indicator.target
    if target is None:
        return None
    if pd.isna(value):
        return target.label
    met = "met" if target.is_met(value) else "not met"
    return f"{target.label}: {met}"


def figure(dataset: Dataset, indicator: Indicator, code: str, period: Period, measure: str) -> Figure:
    row = area_row(dataset, indicator.id, code, period, measure)
    name = dataset.geography.name(code)
    if row is None or row["months"] == 0:
        level = dataset.geography.level_of(code) or "city"
        plural = dataset.catalogue.level(level).plural
        return Figure(code, name, False, f"Not available for {plural}", "", "neutral", "no data", None, None)
    verdict = None if row["verdict"] == "not compared" else f"{row['verdict']} the Leeds average"
    return Figure(
        area_code=code,
        area_name=name,
        available=True,
        value_text=format_value(
            row["value"], indicator, measure, bool(row["suppressed"]), dataset.catalogue.thresholds["disclosure_below"]
        ),
        change_words=row["change_words"],
        judgement=row["judgement"],
        status=row["status"],
        target_text=_target_text(indicator, row["value"]),
        verdict=verdict,
    )


SPARKLINE_DASH = {"modelled": [3, 3]}


def sparkline_spec(series: pd.DataFrame, colour: str = "#4d4d4d", description: str = "") -> dict:
    """A small Vega-Lite line of a monthly series: dashed where modelled, solid with dots where recorded.

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
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": description,
        "data": {"values": values},
        "height": 48,
        "view": {"stroke": None},
        "layer": [
            {
                "transform": [{"filter": "datum.status == 'modelled'"}],
                "mark": {
                    "type": "line",
                    "strokeDash": SPARKLINE_DASH["modelled"],
                    "color": colour,
                    "opacity": 0.7,
                    "aria": False,
                },
                "encoding": encoding,
            },
            {
                "transform": [{"filter": "datum.status != 'modelled'"}],
                "mark": {
                    "type": "line",
                    "color": colour,
                    "point": {"size": 18, "color": colour, "aria": False},
                    "aria": False,
                },
                "encoding": encoding,
            },
        ],
    }


def sparkline_period(period: Period) -> Period:
    """The sparkline shows the selected period and the one it is compared with."""
    return Period(period.comparison().start, period.end)


def plan_on_a_page(
    dataset: Dataset, priority: str | None, theme: str | None, area: str | None, period: Period, measure: str
) -> list[PriorityColumn]:
    """Tiles for every priority column, for the chosen area (if any) beside Leeds."""
    columns = []
    for priority_id, indicators in tile_indicators(dataset, priority, theme).items():
        tiles = []
        for indicator in indicators:
            leeds = figure(dataset, indicator, CITY_CODE, period, measure)
            chosen = figure(dataset, indicator, area, period, measure) if area else None
            series_code = area if chosen is not None and chosen.available else CITY_CODE
            series = area_monthly(dataset, indicator.id, series_code, measure)
            window = sparkline_period(period)
            series = series[window.contains(series["period"]).to_numpy()][["period", "shown", "status"]]
            tiles.append(Tile(indicator, measure_label(indicator, measure), chosen, leeds, series))
        columns.append(PriorityColumn(dataset.catalogue.priority(priority_id), tiles))
    return columns
