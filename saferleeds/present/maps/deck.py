"""The pydeck map: areas, reference outlines, hot spots and the selected area, each layer with a stable id."""

from __future__ import annotations

import json
import os

import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from saferleeds.core.dataset import Dataset
from saferleeds.present.maps.model import MapModel, is_area_layer
from saferleeds.present.maps.palettes import hex_to_rgba
from saferleeds.present.maps.shapes import level_points, level_shapes

MAP_STYLE_VARIABLE = "SAFERLEEDS_MAP_STYLE"
MAP_HEIGHT = 520
WHOLE_CITY_ZOOM = 9.15  # Leeds (about 35 x 28 km) fits a map about 500 pixels across
BORDER = [255, 255, 255, 200]
BORDER_ON_CHANGE = [150, 150, 150, 200]  # "no significant change" is nearly white: its areas need a visible edge
PIXELS = pdk.types.String("pixels")  # pydeck reads a bare string as an expression
LAYER_HOTSPOTS = "hotspots"
LAYER_SELECTED = "selected-area"
LAYER_SELECTED_HALO = "selected-area-halo"
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
        properties.update({name: str(text) for name, text in zip(TOOLTIP_FIELDS, row[2:], strict=True)})
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


def _selected_layers(dataset: Dataset, model: MapModel, selected: str | None) -> list[pdk.Layer]:
    shapes = level_shapes(dataset, model.level, model.options.hex_view)
    if selected not in shapes:
        return []
    chosen = [{"type": "Feature", "properties": {}, "geometry": shapes[selected]}]
    return [
        _outline_layer(LAYER_SELECTED_HALO, chosen, "#ffffff", 6, dashed=False),
        _outline_layer(LAYER_SELECTED, chosen, dataset.catalogue.palettes.selected, 3, dashed=False),
    ]


def build_deck(
    dataset: Dataset,
    model: MapModel,
    selected: str | None = None,
    clicked_index: int | None = None,
    resets: int = 0,
    style: str | None = None,
) -> CompactDeck:
    """The pydeck map: the areas (or hexagons), reference outlines, hot spots and the selected area.

    Layer ids are stable (see ``area_layer_id``, ``outline_layer_id`` and the LAYER_* names); only the area
    layer is clickable. No basemap is requested unless ``style`` names one.
    """
    order = feature_order(list(model.areas["code"]), selected, clicked_index)
    layers = [_area_layer(dataset, model, order), *_outline_layers(dataset, model)]
    points = hotspot_points(dataset, model)
    if points:
        layers.append(_hotspot_layer(dataset, points))
    layers += _selected_layers(dataset, model, selected)
    view = pdk.View("MapView", controller={"dragRotate": False, "touchRotate": False, "doubleClickZoom": True})
    basemap: dict[str, object] = {"map_provider": None}  # no basemap: nothing is fetched from outside
    if style:
        basemap = {"map_style": style, "map_provider": "mapbox" if "mapbox" in style else "carto"}
    return CompactDeck(
        layers=layers, views=[view], initial_view_state=initial_view(dataset, resets), tooltip=TOOLTIP, **basemap
    )


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
