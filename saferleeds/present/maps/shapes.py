"""Area shapes for the map: real boundaries or hexagons, as rounded GeoJSON, remembered per dataset."""

from __future__ import annotations

import geopandas as gpd
import shapely
from shapely.geometry import mapping
from shapely.geometry import shape as from_geojson

from saferleeds.core.dataset import Dataset
from saferleeds.present.maps.hexgrid import hex_layout

COORDINATE_DECIMALS = 4  # about 10 metres: invisible at city zoom, and a fifth fewer bytes than 5


def geometry_json(geometry, decimals: int = COORDINATE_DECIMALS) -> dict:
    """GeoJSON geometry with coordinates rounded (shared borders round the same way, so no gaps open)."""
    snapped = shapely.set_precision(geometry, 10**-decimals)
    shape = mapping(snapped)
    return {"type": shape["type"], "coordinates": _rounded(shape["coordinates"], decimals)}


def _rounded(coordinates, decimals: int):
    if isinstance(coordinates, float | int):
        return round(float(coordinates), decimals)
    return [_rounded(c, decimals) for c in coordinates]


def level_shapes(dataset: Dataset, level: str, hex_view: bool) -> dict[str, dict]:
    """Code -> rounded GeoJSON geometry of every area of the level (real boundaries or hexagons)."""

    def build() -> dict[str, dict]:
        frame = hex_shapes(dataset, level) if hex_view else dataset.boundaries(level)
        return {str(code): geometry_json(geom) for code, geom in zip(frame["code"], frame.geometry, strict=True)}

    return dataset.memo(("map_shapes", level, hex_view), build)


def hex_shapes(dataset: Dataset, level: str) -> gpd.GeoDataFrame:
    """One equal hexagon per area of the level (``saferleeds.present.maps.hexgrid.hex_layout``), remembered."""
    return dataset.memo(
        ("hex_layout", level), lambda: hex_layout(dataset.boundaries(level)[["code", "name", "geometry"]])
    )


def level_points(dataset: Dataset, level: str, hex_view: bool) -> dict[str, list[float]]:
    """Code -> [lon, lat] of a point inside each area (for hot-spot markers)."""

    def build() -> dict[str, list[float]]:
        frame = hex_shapes(dataset, level) if hex_view else dataset.boundaries(level)
        points = frame.geometry.representative_point()
        return {
            str(code): [round(p.x, COORDINATE_DECIMALS), round(p.y, COORDINATE_DECIMALS)]
            for code, p in zip(frame["code"], points, strict=True)
        }

    return dataset.memo(("map_points", level, hex_view), build)


def vega_features(features: list[dict]) -> list[dict]:
    """GeoJSON features with every polygon wound as Vega reads them (``vega_geometry``)."""
    return [{**feature, "geometry": vega_geometry(feature["geometry"])} for feature in features]


def vega_geometry(geometry: dict) -> dict:
    """A GeoJSON polygon geometry with its rings wound as Vega's maps (d3-geo) read them.

    d3-geo works on the sphere: an exterior ring must run clockwise, or it is taken as the whole globe
    less the area, and the "area" floods the frame. Boundary files wind rings either way (the Leeds
    ward file has one anticlockwise ward), so every polygon drawn by Vega passes through here.
    """
    oriented = shapely.orient_polygons(from_geojson(geometry), exterior_cw=True)
    return dict(mapping(oriented))
