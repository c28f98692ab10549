"""The pydeck map: areas, reference outlines, hot spots, area names and the selected area, each layer with a
stable id.

Names are drawn by a TextLayer in dark text with a white halo (a signed-distance-field outline), which reads
on every class colour. Its font atlas is drawn in the browser from the page's own fonts, with every character
the names use ("auto"), so nothing is fetched. Every name that fits the opening view without overlapping a
larger area's name is drawn (``placed_names``); the rest are named by the tooltip on hover, and a locality
view, opening closer in, has room for its parts. Small areas (too many to read at city scale) are named by
their tooltip, and by name only as the parts of a locality.
"""

from __future__ import annotations

import json
import math
import os
import re

import numpy as np
import pandas as pd
import pydeck as pdk
import shapely
from pydeck.bindings.json_tools import default_serialize

from saferleeds.core.dataset import Dataset
from saferleeds.core.vocabulary import Levels
from saferleeds.present.maps.model import MapModel, is_area_layer
from saferleeds.present.maps.palettes import hex_to_rgba
from saferleeds.present.maps.shapes import level_points, level_shapes

MAP_STYLE_VARIABLE = "SAFERLEEDS_MAP_STYLE"
MAP_HEIGHT = 520
WHOLE_CITY_ZOOM = 9.5  # Leeds (about 35 x 28 km) fits a map about 650 pixels across and 520 high
BORDER = [255, 255, 255, 200]
BORDER_ON_CHANGE = [150, 150, 150, 200]  # "no significant change" is nearly white: its areas need a visible edge
PIXELS = pdk.types.String("pixels")  # pydeck reads a bare string as an expression
LAYER_HOTSPOTS = "hotspots"
LAYER_SELECTED = "selected-area"
LAYER_SELECTED_HALO = "selected-area-halo"
LAYER_SELECTED_NAME = "selected-area-name"
LABEL_COLOUR = [11, 12, 12, 255]
HALO_COLOUR = [255, 255, 255, 235]
LABEL_FONT = "'Source Sans Pro', 'Source Sans 3', 'DejaVu Sans', Arial, sans-serif"
LABEL_PIXELS = 12  # names of areas at city scale
SELECTED_PIXELS = 16
MAP_WIDTH_GUESS = 900  # pixels across the map on a laptop, for fitting an area into view
TOOLTIP_FIELDS = ("name", "shown", "rank", "change", "status", "hotspot")
TOOLTIP = {
    "html": (
        "<b>{name}</b><div>{shown}</div><div>{rank}</div><div>{change}</div><div><i>{status}</i></div><div>{hotspot}</div>"
    ),
    "style": {
        "backgroundColor": "#ffffff",
        "color": "#1a1a1a",
        "fontSize": "0.8rem",
        "border": "1px solid #bdbdbd",
        "maxWidth": "18rem",
    },
}


class CompactDeck(pdk.Deck):
    """A pydeck Deck whose JSON has no indentation (pydeck indents by two spaces, which doubles map data)."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def map_style() -> str | None:
    """A basemap style URL (MapLibre/Mapbox GL style JSON naming its tile server) from the environment.

    Unset by default: no basemap and no request leaves the machine.
    """
    value = os.environ.get(MAP_STYLE_VARIABLE, "").strip()
    return value or None


def city_centre(dataset: Dataset) -> tuple[float, float]:
    def compute() -> tuple[float, float]:
        xmin, ymin, xmax, ymax = dataset.boundaries(dataset.catalogue.levels.city).total_bounds
        return round((ymin + ymax) / 2, 4), round((xmin + xmax) / 2, 4)

    return dataset.memo(("city_centre",), compute)


def initial_view(dataset: Dataset, resets: int = 0) -> pdk.ViewState:
    """The whole-city view. It is the same on every rerun (so the browser keeps the user's zoom and
    centre); each reset nudges every number by a hair, which the browser applies as a new view."""
    latitude, longitude = city_centre(dataset)
    nudge = resets * 1e-6
    return pdk.ViewState(
        latitude=latitude + nudge, longitude=longitude + nudge, zoom=WHOLE_CITY_ZOOM + nudge, pitch=0, bearing=0
    )


def label_layer_id(level: str) -> str:
    """Id of a level's area-name layer ('names-ward')."""
    return f"names-{level}"


def locality_level(levels: Levels, level: str) -> str | None:
    """The level drawn when an area of ``level`` is chosen, for a locality view, or None.

    A locality is an area whose profile lists its parts (the catalogue's ``profile_members``): its map
    shows those parts when they lie wholly inside it, or else the coarsest map level that does (a
    constituency's small areas, as wards cross its boundary). Other levels keep their own map.
    """
    if level not in levels or not levels.get(level).profile_members or level == levels.city:
        return None
    members = levels.get(level).profile_members
    if members in levels and levels.nests(members, level):
        return members
    inside = [other for other in levels.map_levels if other != level and levels.nests(other, level)]
    return max(inside, key=levels.rank) if inside else None


def fit_view(bounds: tuple[float, float, float, float], resets: int = 0) -> pdk.ViewState:
    """The view that fits lon/lat ``bounds`` (west, south, east, north) into a map about
    MAP_WIDTH_GUESS x MAP_HEIGHT pixels, with a margin; a reset nudges it as ``initial_view`` does."""
    west, south, east, north = bounds

    def mercator_y(latitude: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))

    across = max((east - west) / 360, 1e-6)
    down = max((mercator_y(north) - mercator_y(south)) / (2 * math.pi), 1e-6)
    zoom = min(math.log2(MAP_WIDTH_GUESS / (512 * across)), math.log2(MAP_HEIGHT / (512 * down))) - 0.35
    nudge = resets * 1e-6
    return pdk.ViewState(
        latitude=round((south + north) / 2, 4) + nudge,
        longitude=round((west + east) / 2, 4) + nudge,
        zoom=round(zoom, 2) + nudge,
        pitch=0,
        bearing=0,
    )


def feature_order(codes: list[str], selected: str | None, clicked_index: int | None) -> list[str]:
    """Codes in map order: by code, except that the selected area sits where the map's own selection points.

    The chart remembers a click as a position in the layer's data, so putting the area chosen
    elsewhere (the select box, the URL) at that position keeps the map's highlight on the right area.
    """
    order = sorted(codes)
    if selected in order and clicked_index is not None and 0 <= clicked_index < len(order):
        here = order.index(selected)
        order[here], order[clicked_index] = order[clicked_index], order[here]
    return order


def literal(text: object) -> str:
    """Text that pydeck passes to the browser as it is: a string starting '@@' would be read as an expression."""
    words = str(text)
    return "\u200b" + words if words.startswith("@@") else words


def tooltip_text(text: object) -> str:
    """Text for the tooltip's HTML template: names from uploaded files can open no tag ('<5' stays as it is)."""
    return literal(re.sub(r"<(?=[A-Za-z/!?])", "&lt;", str(text).replace("&", "&amp;")))


def area_features(dataset: Dataset, model: MapModel, order: list[str]) -> list[dict]:
    """One GeoJSON feature per area, in ``order``: only the code, the fill colour and the tooltip lines."""
    shapes = level_shapes(dataset, model.level, model.options.hex_view)
    columns = ["code", "colour", *(f"tip_{name}" for name in TOOLTIP_FIELDS)]
    rows = {row[0]: row for row in model.areas[columns].itertuples(index=False, name=None)}
    features = []
    for code in order:
        if code not in shapes or code not in rows:
            continue
        row = rows[code]
        properties = {"code": code, "fill": hex_to_rgba(row[1])}
        properties.update({name: tooltip_text(text) for name, text in zip(TOOLTIP_FIELDS, row[2:], strict=True)})
        features.append({"type": "Feature", "properties": properties, "geometry": shapes[code]})
    return features


def outline_features(dataset: Dataset, level: str) -> list[dict]:
    shapes = level_shapes(dataset, level, False)
    return [{"type": "Feature", "properties": {}, "geometry": shapes[code]} for code in sorted(shapes)]


def hotspot_points(dataset: Dataset, model: MapModel) -> list[dict]:
    if "hotspot_category" not in model.areas.columns:
        return []
    points = level_points(dataset, model.level, model.options.hex_view)
    top = max(dataset.catalogue.thresholds.hotspot_confidence)
    chosen = model.areas[model.areas["hotspot_category"] != ""]
    return [
        {"position": points[code], "hot": category == "hot", "r": 160 if confidence >= top else 90}
        for code, category, confidence in zip(
            chosen["code"], chosen["hotspot_category"], chosen["hotspot_confidence"], strict=True
        )
        if code in points
    ]


def _outline_layer(layer_id: str, features: list[dict], colour: str, width: float, dashed: bool) -> pdk.Layer:
    extra = {}
    if dashed:
        extra = {
            "extensions": [{"@@type": "PathStyleExtension", "dash": True}],
            "get_dash_array": [3, 2],
            "dash_justified": True,
        }
    return pdk.Layer(
        "GeoJsonLayer",
        data=features,
        id=layer_id,
        filled=False,
        stroked=True,
        pickable=False,
        get_line_color=hex_to_rgba(colour, 255),
        line_width_units=PIXELS,
        get_line_width=width,
        **extra,
    )


def outline_layer_id(level: str) -> str:
    """Id of a level's reference-outline layer ('outline-committees')."""
    return f"outline-{level}s"


def _area_layer(dataset: Dataset, model: MapModel, order: list[str]) -> pdk.Layer:
    return pdk.Layer(
        "GeoJsonLayer",
        data=area_features(dataset, model, order),
        id=model.layer_id,
        pickable=True,
        filled=True,
        stroked=True,
        get_fill_color="properties.fill",
        get_line_color=BORDER_ON_CHANGE if model.options.show == "change" else BORDER,
        line_width_units=PIXELS,
        get_line_width=0.5 if model.level == dataset.catalogue.levels.finest else 1,
        auto_highlight=True,
        highlight_color=[255, 255, 255, 90],
    )


def _outline_layers(dataset: Dataset, model: MapModel) -> list[pdk.Layer]:
    layers = []
    for level in model.drawn_outlines:
        outline = dataset.catalogue.level(level).outline
        if outline is not None:
            features = outline_features(dataset, level)
            layers.append(
                _outline_layer(outline_layer_id(level), features, outline.colour, outline.width, outline.dashed)
            )
    return layers


def _hotspot_layer(dataset: Dataset, points: list[dict]) -> pdk.Layer:
    palettes = dataset.catalogue.palettes
    return pdk.Layer(
        "ScatterplotLayer",
        data=points,
        id=LAYER_HOTSPOTS,
        pickable=False,
        filled=True,
        stroked=True,
        get_radius="r",  # metres, so markers of neighbouring small areas part as the map zooms in
        radius_min_pixels=2,
        radius_max_pixels=14,
        get_position="position",
        get_fill_color=f"hot ? {hex_to_rgba(palettes.hot_spot, 235)} : [255, 255, 255, 235]",
        get_line_color=hex_to_rgba(palettes.cold_spot, 255),
        line_width_units=PIXELS,
        get_line_width=1.5,
    )


def _text_layer(layer_id: str, points: list[dict], **size: object) -> pdk.Layer:
    return pdk.Layer(
        "TextLayer",
        data=points,
        id=layer_id,
        pickable=False,
        get_position="position",
        get_text="name",
        get_color=LABEL_COLOUR,
        get_text_anchor=pdk.types.String("middle"),
        get_alignment_baseline=pdk.types.String("center"),
        font_family=pdk.types.String(LABEL_FONT),
        font_weight=600,
        character_set=pdk.types.String("auto"),
        font_settings={"sdf": True, "buffer": 8},
        outline_width=3,
        outline_color=HALO_COLOUR,
        **size,
    )


def name_points(
    dataset: Dataset, level: str, hex_view: bool, codes: list[str], first: set[str] | None = None
) -> list[dict]:
    """A name at a point inside each area (the centre of its hexagon on the hex map). Its priority where
    names would overlap: the areas in ``first``, then the larger areas."""
    points = level_points(dataset, level, hex_view)
    names = dict(zip(*(dataset.geography.level_areas(level)[c] for c in ("code", "name")), strict=True))
    ranks = area_size_ranks(dataset, level)
    boost = len(ranks) + 1
    chosen = first or set()
    return [
        {
            "position": points[c],
            "name": literal(names.get(c, c)),
            "priority": ranks.get(c, 0) + (boost if c in chosen else 0),
        }
        for c in codes
        if c in points
    ]


def area_size_ranks(dataset: Dataset, level: str) -> dict[str, int]:
    """Code -> rank of the area's size on the map (0 for the smallest), remembered."""

    def build() -> dict[str, int]:
        frame = dataset.boundaries(level)
        sizes = pd.Series(shapely.area(np.asarray(frame.geometry))).rank(method="first").astype(int) - 1
        return dict(zip(frame["code"].astype(str), sizes, strict=True))

    return dataset.memo(("map_area_size_ranks", level), build)


def label_box(point: dict, zoom: float, size: float) -> tuple[float, float, float, float]:
    """The screen box (left, top, right, bottom, in world pixels at ``zoom``) a name takes, centred on its
    point: about 0.56 em a character (the map's sans-serif, semi-bold) and 1.3 em high with its halo."""
    longitude, latitude = point["position"]
    size_at_zoom = 512 * 2**zoom
    x = (longitude + 180) / 360 * size_at_zoom
    y = (1 - math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2)) / math.pi) / 2 * size_at_zoom
    size = point.get("size", size)
    half_width, half_height = 0.28 * size * len(point["name"]) + 3, 0.65 * size
    return x - half_width, y - half_height, x + half_width, y + half_height


def placed_names(points: list[dict], zoom: float, size: float = LABEL_PIXELS) -> list[dict]:
    """The names that fit at ``zoom`` without overlapping, the largest areas' first."""
    placed: list[tuple[float, float, float, float]] = []
    kept = []
    for point in sorted(points, key=lambda p: -p["priority"]):
        box = label_box(point, zoom, size)
        if all(box[2] < o[0] or box[0] > o[2] or box[3] < o[1] or box[1] > o[3] for o in placed):
            placed.append(box)
            kept.append(point)
    return kept


def _name_layer(dataset: Dataset, model: MapModel, zoom: float, parts: set[str], selected: str | None) -> pdk.Layer:
    """The names of the map's areas that fit the opening view (see ``placed_names``): room is kept for the
    selected area's name first (drawn larger, above its outline, by ``_selected_layers``), then a locality's
    ``parts``. Small areas are named only as parts of a locality (their tooltip names them elsewhere)."""
    codes = sorted(model.areas["code"])
    if model.level == dataset.catalogue.levels.finest:
        codes = [code for code in codes if code in parts or code == selected]
    points = name_points(dataset, model.level, model.options.hex_view, codes, parts)
    for point, code in zip(
        points, [c for c in codes if c in level_points(dataset, model.level, model.options.hex_view)], strict=True
    ):
        if code == selected:
            point.update(priority=float("inf"), size=SELECTED_PIXELS)
    names = [point for point in placed_names(points, zoom) if point["priority"] != float("inf")]
    return _text_layer(label_layer_id(model.level), names, get_size=LABEL_PIXELS, size_units=PIXELS)


def _selected_layers(dataset: Dataset, model: MapModel, selected: str | None, level: str | None) -> list[pdk.Layer]:
    """The chosen area outlined (black in a white halo) and named, at its own level (which on a locality
    view is coarser than the areas drawn)."""
    level = level or model.level
    hex_view = model.options.hex_view and level == model.level
    shapes = level_shapes(dataset, level, hex_view)
    if selected not in shapes:
        return []
    chosen = [{"type": "Feature", "properties": {}, "geometry": shapes[selected]}]
    layers = [
        _outline_layer(LAYER_SELECTED_HALO, chosen, "#ffffff", 6, dashed=False),
        _outline_layer(LAYER_SELECTED, chosen, dataset.catalogue.palettes.selected, 3, dashed=False),
    ]
    offset = [0, -2 * SELECTED_PIXELS] if level != model.level else [0, 0]  # a locality's name above its parts'
    name = name_points(dataset, level, hex_view, [selected])
    layers.append(
        _text_layer(LAYER_SELECTED_NAME, name, get_size=SELECTED_PIXELS, size_units=PIXELS, get_pixel_offset=offset)
    )
    return layers


def build_deck(
    dataset: Dataset,
    model: MapModel,
    selected: str | None = None,
    clicked_index: int | None = None,
    resets: int = 0,
    style: str | None = None,
    locality: str | None = None,
) -> CompactDeck:
    """The pydeck map: the areas (or hexagons), reference outlines, hot spots, the areas' names and the
    selected area. With ``locality`` (the level of ``selected``, coarser than the model's), the map opens
    on the selected area, outlined and named over its parts.

    Layer ids are stable (see ``area_layer_id``, ``outline_layer_id``, ``label_layer_id`` and the LAYER_*
    names); only the area layer is clickable. No basemap is requested unless ``style`` names one.
    """
    order = feature_order(list(model.areas["code"]), selected, clicked_index)
    layers = [_area_layer(dataset, model, order), *_outline_layers(dataset, model)]
    points = hotspot_points(dataset, model)
    if points:
        layers.append(_hotspot_layer(dataset, points))
    view = initial_view(dataset, resets)
    if locality and selected:
        view = fit_view(tuple(dataset.boundaries(locality).set_index("code").loc[[selected]].total_bounds), resets)
    parts = set(dataset.geography.members(selected, model.level)) if locality and selected else set()
    layers.append(_name_layer(dataset, model, float(view.zoom), parts, selected))
    layers += _selected_layers(dataset, model, selected, locality)
    controls = pdk.View("MapView", controller={"dragRotate": False, "touchRotate": False, "doubleClickZoom": True})
    basemap: dict[str, object] = {"map_provider": None}  # no basemap: nothing is fetched from outside
    if style:
        basemap = {"map_style": style, "map_provider": "mapbox" if "mapbox" in style else "carto"}
    return CompactDeck(layers=layers, views=[controls], initial_view_state=view, tooltip=TOOLTIP, **basemap)


def deck_size(deck: pdk.Deck) -> int:
    """Bytes of map data the page sends for a deck: its JSON and its tooltip template."""
    return len(deck.to_json().encode("utf-8")) + len(json.dumps(TOOLTIP).encode("utf-8"))


def selected_code(selection: dict | None) -> tuple[str | None, int | None, str | None]:
    """(area code, position in the layer, layer id) of the area clicked on the map, from the chart's state."""
    if not selection:
        return None, None, None
    chosen = selection.get("selection", selection)
    objects = chosen.get("objects", {}) or {}
    indices = chosen.get("indices", {}) or {}
    for layer_id, items in objects.items():
        if is_area_layer(layer_id) and items:
            properties = items[0].get("properties", items[0])
            position = (indices.get(layer_id) or [None])[0]
            return properties.get("code"), position, layer_id
    return None, None, None
