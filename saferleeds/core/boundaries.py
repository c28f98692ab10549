"""Boundary files: reading them, simplifying them without slivers, writing them byte-for-byte stably."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

from saferleeds.core.errors import DataError, Problem, file_label
from saferleeds.core.geography import Geography
from saferleeds.core.values import write_atomic

BRITISH_NATIONAL_GRID = "EPSG:27700"
LON_LAT = "EPSG:4326"
# About 0.1 metre. Every vertex is rounded alike, so a border two areas share stays shared; at five
# decimals (about a metre) one Leeds LSOA's ring would touch itself.
COORDINATE_DECIMALS = 6


def read_boundary(path: str | Path) -> gpd.GeoDataFrame:
    """Read a boundary file written by this project (columns ``code``, ``name``, geometry)."""
    path = Path(path)
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # GDAL raises several unrelated types for unreadable files
        if not path.exists():
            raise DataError(Problem(file_label(path), "this boundary file is missing")) from exc
        raise DataError(Problem(file_label(path), f"this boundary file cannot be read ({exc})")) from exc
    if "code" not in frame.columns:
        raise DataError(Problem(file_label(path), "this boundary file has no 'code' property"))
    if frame.crs is None:
        frame = frame.set_crs(LON_LAT)
    return frame.to_crs(LON_LAT)


def simplify_coverage(frame: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Simplify polygons that tile an area so neighbours keep one shared border (no gaps or slivers)."""
    projected = frame.to_crs(BRITISH_NATIONAL_GRID)
    simplified = shapely.coverage_simplify(projected.geometry.values, tolerance_m)
    out = projected.set_geometry(gpd.GeoSeries(simplified, index=projected.index, crs=BRITISH_NATIONAL_GRID))
    return out.to_crs(LON_LAT)


def dissolve(frame: gpd.GeoDataFrame, by: pd.Series) -> gpd.GeoSeries:
    """Union the polygons of each group (a coverage union, so shared borders vanish exactly)."""
    groups = {}
    for key, geoms in frame.geometry.groupby(by.values):
        groups[key] = shapely.coverage_union_all(geoms.values)
    return gpd.GeoSeries(groups, crs=frame.crs)


def _rounded(coordinates):
    if isinstance(coordinates, (float, int)):
        return round(float(coordinates), COORDINATE_DECIMALS)
    return [_rounded(c) for c in coordinates]


def rounded_geometries(geometries: np.ndarray) -> np.ndarray:
    """Round every vertex to ``COORDINATE_DECIMALS`` and drop the points that then repeat."""
    rounded = shapely.transform(geometries, lambda xy: np.round(xy, COORDINATE_DECIMALS))
    return shapely.remove_repeated_points(rounded, 0.0)


def coverage_problems(geometries: np.ndarray, codes: list[str]) -> list[str]:
    """Why a set of polygons is not a clean coverage (invalid shapes, overlaps, unmatched edges)."""
    problems = [
        f"{code}: {shapely.is_valid_reason(geometry)}"
        for code, geometry in zip(codes, geometries, strict=True)
        if not shapely.is_valid(geometry)
    ]
    if not problems and not shapely.coverage_is_valid(geometries):
        problems.append("neighbouring areas overlap or their shared borders do not match")
    return problems


def geojson_text(frame: gpd.GeoDataFrame, properties: list[str]) -> str:
    """Stable GeoJSON: features in code order, coordinates rounded, compact separators.

    Raises DataError if rounding would leave an invalid shape or break shared borders.
    """
    frame = frame.to_crs(LON_LAT).sort_values("code", kind="stable")
    geometries = rounded_geometries(frame.geometry.values)
    problems = coverage_problems(geometries, [str(c) for c in frame["code"]])
    if problems:
        raise DataError([Problem("boundaries", p) for p in problems])
    features = []
    for geometry, (_, row) in zip(geometries, frame.iterrows(), strict=True):
        shape = mapping(geometry)
        shape = {"type": shape["type"], "coordinates": _rounded(shape["coordinates"])}
        props = {name: _plain(row[name]) for name in properties}
        features.append({"type": "Feature", "properties": props, "geometry": shape})
    return (
        json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"), ensure_ascii=False)
        + "\n"
    )


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    return value


def write_geojson(frame: gpd.GeoDataFrame, path: str | Path, properties: list[str]) -> None:
    text = geojson_text(frame, properties)
    write_atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def dissolved_boundaries(lsoa_boundaries: gpd.GeoDataFrame, geography: Geography, level: str) -> gpd.GeoDataFrame:
    """A level's areas as the union of their LSOAs: for levels defined by a list of LSOAs (such as the
    editable priority neighbourhoods), whose shapes follow the list."""
    codes = geography.lsoa[geography.code_column(level)]
    members = lsoa_boundaries[lsoa_boundaries["code"].map(codes).notna()]
    shapes = dissolve(members, members["code"].map(codes))
    frame = gpd.GeoDataFrame({"code": shapes.index, "geometry": shapes.values}, crs=LON_LAT)
    frame["name"] = frame["code"].map(geography.name)
    return frame.reset_index(drop=True)
