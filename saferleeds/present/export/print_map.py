"""The print map: the Map page's map drawn for paper, for board packs and the Map page's PNG and SVG downloads.

It draws a ``MapModel`` (``present.maps.model``), so its classes, colours and legend words are the Map
page's own; every area of the level is filled in its class colour, and the chosen area is outlined and
named. Rings are wound as Vega needs (``present.maps.shapes.vega_geometry``), or areas fill the frame.
"""

from __future__ import annotations

import json
import textwrap

from saferleeds.analysis.area_summary import city_figures
from saferleeds.analysis.measures import format_value
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period
from saferleeds.core.text import join_words, sentence_case
from saferleeds.present.export.print_trend import chart_measure, source_lines
from saferleeds.present.export.render import print_spec
from saferleeds.present.maps.model import MapModel, MapOptions, map_model
from saferleeds.present.maps.shapes import level_points, level_shapes, vega_geometry

MAP_SIZE = (460, 380)
AREAS_DATASET, CLASSES_DATASET = "areas", "classes"
OUTLINE_COLOUR = "#0b0c0c"
OS_ATTRIBUTION = "Contains OS data © Crown copyright and database right."
LEGEND_TITLE_WIDTH = 24  # characters a line of the legend's title holds within its width


def pack_map_model(dataset: Dataset, indicator_id: str, level: str, period: Period, measure: str) -> MapModel:
    """The Map page's model of one indicator with its default options; counts are mapped as rates,
    because areas differ in size."""
    shown = chart_measure(dataset.catalogue.indicator(indicator_id), measure, compared=True)
    return map_model(dataset, indicator_id, level, period, shown, MapOptions())


def print_features(dataset: Dataset, level: str, hex_view: bool = False) -> list[dict]:
    """Every area of ``level`` as a GeoJSON feature carrying its code, wound for Vega (made once, then shared)."""

    def build() -> list[dict]:
        return [
            {"type": "Feature", "properties": {"code": code}, "geometry": vega_geometry(geometry)}
            for code, geometry in level_shapes(dataset, level, hex_view).items()
        ]

    return dataset.memo(("print_features", level, hex_view), build)


def legend_label(label: str, areas: int) -> str:
    """A class as the print legend names it: its bounds and how many areas it holds, as on the Map page."""
    return f"{label} ({areas})"


def legend_title(unit: str) -> list[str]:
    """The legend's unit words in lines short enough to be shown whole ('Per 1,000 residents', '(Census 2021)')."""
    return textwrap.wrap(sentence_case(unit), LEGEND_TITLE_WIDTH) or [""]


def map_description(model: MapModel, highlight_name: str | None) -> str:
    """The map in one sentence: its text alternative in the pack, on screen and in the SVG."""
    indicator = model.indicator
    what = (
        f"the change in {indicator.label.lower()} on the same months a year earlier"
        if model.options.show == "change"
        else f"{indicator.label.lower()} ({model.legend.unit})"
    )
    shape = "equal hexagons, one for each of the" if model.options.hex_view else "a map of the"
    classes = sum(entry.kind == "class" for entry in model.legend.entries)
    chosen = f", with {highlight_name} outlined and named" if highlight_name else ""
    return (
        f"Leeds as {shape} {len(model.areas)} {model.level_plural.lower()}, each coloured by {what}, "
        f"{model.period.label()}, in {classes} colour classes named in the legend{chosen}."
    )


def _leeds_words(dataset: Dataset, model: MapModel) -> str:
    leeds = city_figures(dataset, model.indicator.id, model.period, model.measure)
    if model.options.show == "change":
        return f"Leeds as a whole: {leeds['change_words']}"
    text = format_value(leeds["value"], model.indicator, model.measure)
    rates = model.indicator.rates
    people = f" {rates.population(model.measure).label}" if rates.is_rate(model.measure) else ""
    return f"Leeds as a whole: {text}{people}"


def _filled_areas(model: MapModel) -> tuple[dict, list[dict]]:
    """Every area filled in its class colour, and the class of each (a named data set)."""
    entries = [entry for entry in model.legend.entries if entry.areas or entry.kind == "class"]
    labels = {entry.label: legend_label(entry.label, entry.areas) for entry in entries}
    classes = model.areas[["code", "class_label"]].assign(legend=lambda f: f["class_label"].map(labels))
    domain = [labels[entry.label] for entry in entries]
    fill = {
        "field": "legend",
        "type": "nominal",
        "scale": {"domain": domain, "range": [entry.colour for entry in entries]},
        "legend": {"title": [*legend_title(model.legend.unit), model.period.short_label()], "orient": "right"},
        "sort": domain,
    }
    layer = {
        "data": {"name": AREAS_DATASET},
        "transform": [
            {
                "lookup": "properties.code",
                "from": {"data": {"name": CLASSES_DATASET}, "key": "code", "fields": ["legend"]},
            }
        ],
        "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.6},
        "encoding": {"color": fill},
    }
    return layer, classes[["code", "legend"]].to_dict("records")


def _outline(dataset: Dataset, model: MapModel, code: str) -> list[dict]:
    """The chosen area drawn round in black and named at a point inside it."""
    lon, lat = level_points(dataset, model.level, model.options.hex_view)[code]
    label = {"values": [{"name": _name(model, code), "lon": lon, "lat": lat}]}
    position = {
        "longitude": {"field": "lon", "type": "quantitative"},
        "latitude": {"field": "lat", "type": "quantitative"},
        "text": {"field": "name", "type": "nominal"},
    }
    text = {"type": "text", "fontSize": 12, "fontWeight": "bold"}
    return [
        {
            "data": {"name": AREAS_DATASET},
            "transform": [{"filter": f"datum.properties.code === {json.dumps(code)}"}],
            "mark": {"type": "geoshape", "filled": False, "stroke": OUTLINE_COLOUR, "strokeWidth": 2.5},
        },
        {"data": label, "mark": {**text, "stroke": "white", "strokeWidth": 3}, "encoding": position},
        {"data": label, "mark": {**text, "color": OUTLINE_COLOUR}, "encoding": position},
    ]


def print_map(dataset: Dataset, model: MapModel, highlight: str | None = None) -> dict | None:
    """The model's map for paper: every area in its class colour, the legend with each class's bounds
    and number of areas, the Leeds figure, the source, and ``highlight`` (an area code) outlined and named.

    Returned as a Vega-Lite specification whose ``description`` is its text alternative, with the
    boundaries and classes as named data sets; None when nothing can be coloured (no area has a value
    that may be shown).
    """
    shown = model.areas["value"].notna() & ~model.areas["suppressed"].astype(bool)
    if not model.available or not shown.any():
        return None
    filled, classes = _filled_areas(model)
    chosen = highlight if highlight in set(model.areas["code"]) else None
    view = {
        "layer": [filled, *(_outline(dataset, model, chosen) if chosen else [])],
        "projection": {"type": "mercator"},
        "width": MAP_SIZE[0],
        "height": MAP_SIZE[1],
        "title": {
            "text": f"{model.indicator.short_label}: {model.level_plural} of Leeds",
            "subtitle": [f"{model.period.label()}: {model.legend.unit}", _leeds_words(dataset, model)],
        },
    }
    notes = source_lines(
        f"Source: {model.indicator.source}. {OS_ATTRIBUTION}",
        *model.legend.notes,
        "Numbers in brackets: areas in each class.",
        _map_status(model, dataset.catalogue.statuses.strongest),
    )
    datasets = {
        AREAS_DATASET: print_features(dataset, model.level, model.options.hex_view),
        CLASSES_DATASET: classes,
    }
    description = map_description(model, None if chosen is None else _name(model, chosen))
    return print_spec(view, notes, description, datasets)


def _map_status(model: MapModel, strongest: str) -> str:
    """'Figures are estimated for 24 of the 33 wards.' (nothing when every area's figure is recorded)."""
    weaker = model.areas[~model.areas["status"].isin([strongest, "no data"])]
    if weaker.empty:
        return ""
    words = join_words(sorted(set(weaker["status"])))
    return f"Figures are {words} for {len(weaker)} of the {len(model.areas)} {model.level_plural.lower()}."


def _name(model: MapModel, code: str) -> str:
    return str(model.areas.loc[model.areas["code"] == code, "name"].iloc[0])
