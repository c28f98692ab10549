"""Boundary files people load: GeoJSON, GeoPackage or a zipped Shapefile, in any coordinate system.

A file whose features carry recognised area codes replaces the boundaries of that level (every
area of the level must be there). A file of polygons without recognised codes, or one loaded as
priority neighbourhoods, redefines the priority neighbourhoods: each LSOA whose representative
point lies in a polygon belongs to it.

A file that states no coordinate system is placed by its numbers: longitude/latitude, or
British National Grid (EPSG:27700) eastings and northings; either way it is reprojected to
longitude/latitude and must then lie over Leeds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from saferleeds.core.boundaries import BRITISH_NATIONAL_GRID, LON_LAT, geojson_text, simplify_coverage
from saferleeds.core.errors import DataError, Problem
from saferleeds.core.geography import Geography
from saferleeds.core.paths import NEIGHBOURHOODS_FILE
from saferleeds.ingest.area_matching import AreaMatcher
from saferleeds.ingest.neighbourhood_upload import (
    Membership,
    describe_definition,
    neighbourhood_code,
    neighbourhood_csv,
)
from saferleeds.ingest.store import Upload, extract_members

BOUNDARY_SUFFIXES = (".geojson", ".json", ".gpkg")
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
LEEDS_BOX = (-2.1, 53.5, -1.0, 54.1)  # lon/lat box around Leeds, with a margin
BNG_BOX = (0, 0, 700_000, 1_300_000)
TOLERANCE_M = {"lsoa": 20.0, "ward": 35.0, "committee": 35.0, "constituency": 50.0, "city": 50.0}
KINDS = ("auto", "areas", "neighbourhoods")
NAME_HINTS = ("name", "nm", "label", "title")


@dataclass
class BoundaryResult:
    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    preview: pd.DataFrame | None = None
    description: str = ""


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    return re.sub(r"[^A-Za-z0-9._-]+", "_", base) or "upload"


def read_boundary_upload(upload: Upload, workdir: Path) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Read the upload into longitude/latitude polygons, with warnings about its coordinate system."""
    workdir.mkdir(parents=True, exist_ok=True)
    if upload.suffix == ".zip":
        parts = extract_members(upload, workdir / "unzipped", SHAPEFILE_PARTS)
        shapefiles = [p for p in parts if p.suffix.lower() == ".shp"]
        if not shapefiles:
            raise DataError(Problem(upload.name, "the zip archive holds no Shapefile (.shp with its .dbf and .shx)"))
        if len(shapefiles) > 1:
            raise DataError(
                Problem(upload.name, f"the zip archive holds {len(shapefiles)} Shapefiles; zip one at a time")
            )
        path = shapefiles[0]
        label = f"{upload.name}!{path.name}"
    elif upload.suffix in BOUNDARY_SUFFIXES:
        path = workdir / _safe_name(upload.name)
        path.write_bytes(upload.data)
        label = upload.name
    else:
        raise DataError(
            Problem(upload.name, "boundary files must be GeoJSON (.geojson), GeoPackage (.gpkg) or a zipped Shapefile")
        )
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # GDAL raises several unrelated types for unreadable files
        raise DataError(
            Problem(label, "this boundary file cannot be read (is it complete, and of the type its name says?)")
        ) from exc
    if frame.empty:
        raise DataError(Problem(label, "the boundary file holds no features"))
    return to_lon_lat(frame, label)


def to_lon_lat(frame: gpd.GeoDataFrame, label: str) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Reproject to longitude/latitude, working out the coordinate system if the file does not say."""
    warnings: list[Problem] = []
    x0, y0, x1, y1 = frame.total_bounds
    looks_lon_lat = x0 >= -180 and x1 <= 180 and y0 >= -90 and y1 <= 90
    if frame.crs is not None and frame.crs.is_geographic and not looks_lon_lat:
        # GeoJSON without a "crs" member is read as longitude/latitude whatever its numbers are
        frame = frame.set_crs(None, allow_override=True)
    if frame.crs is None:
        x0, y0, x1, y1 = frame.total_bounds
        if x0 >= -180 and x1 <= 180 and y0 >= -90 and y1 <= 90:
            frame = frame.set_crs(LON_LAT)
            guess = "longitude and latitude"
        elif BNG_BOX[0] <= x0 and x1 <= BNG_BOX[2] and BNG_BOX[1] <= y0 and y1 <= BNG_BOX[3]:
            frame = frame.set_crs(BRITISH_NATIONAL_GRID)
            guess = "British National Grid (EPSG:27700) eastings and northings"
        else:
            raise DataError(
                Problem(label, "the file does not say its coordinate system and its numbers match none this tool knows")
            )
        warnings.append(
            Problem(
                label,
                f"the file does not say its coordinate system; its numbers are read as {guess}",
                severity="warning",
            )
        )
    elif frame.crs.to_epsg() not in (4326, None) or not frame.crs.is_geographic:
        warnings.append(
            Problem(label, f"reprojected from {frame.crs.name} to longitude and latitude", severity="warning")
        )
    frame = frame.to_crs(LON_LAT)
    x0, y0, x1, y1 = frame.total_bounds
    box = LEEDS_BOX
    if x1 < box[0] or x0 > box[2] or y1 < box[1] or y0 > box[3]:
        raise DataError(Problem(label, "the shapes do not lie over Leeds; is the coordinate system in the file right?"))
    return frame, warnings


def _text_columns(frame: gpd.GeoDataFrame) -> list[str]:
    return [
        c
        for c in frame.columns
        if c != frame.geometry.name and (frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c]))
    ]


def _code_column(frame: gpd.GeoDataFrame, matcher: AreaMatcher) -> tuple[str | None, str | None, float]:
    """The column whose values are most often recognised area codes, its level and that share."""
    best: tuple[str | None, str | None, float] = (None, None, 0.0)
    for column in _text_columns(frame):
        found = frame[column].astype(str).map(matcher.by_code)
        levels = found.dropna().map(lambda f: f[0])
        share = len(levels) / len(frame)
        if share > best[2]:
            best = (column, levels.mode().iloc[0], share)
    return best


def _name_column(frame: gpd.GeoDataFrame, code_column: str | None) -> str | None:
    candidates = [c for c in _text_columns(frame) if c != code_column]
    for column in candidates:
        lowered = column.lower()
        if any(lowered.endswith(hint) or lowered.startswith(hint) for hint in NAME_HINTS):
            return column
    return candidates[0] if candidates else None


def _polygon_problems(frame: gpd.GeoDataFrame, label: str) -> list[Problem]:
    problems = []
    for number, geometry in enumerate(frame.geometry, start=1):
        if geometry is None or geometry.is_empty:
            problems.append(Problem(label, "this feature has no shape", number, "geometry"))
        elif geometry.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(Problem(label, f"this feature is a {geometry.geom_type}, not an area", number, "geometry"))
    return problems


def boundary_changes(
    frame: gpd.GeoDataFrame, label: str, geography: Geography, lsoa_boundaries: gpd.GeoDataFrame, kind: str = "auto"
) -> BoundaryResult:
    """What loading these boundaries would change, and every problem that stops it."""
    result = BoundaryResult(problems=_polygon_problems(frame, label))
    if result.problems:
        return result
    frame = frame.assign(geometry=shapely.make_valid(frame.geometry.values))
    matcher = AreaMatcher(geography)
    code_column, level, share = _code_column(frame, matcher)
    if kind == "neighbourhoods" or (kind == "auto" and share < 0.5):
        return _neighbourhood_polygons(frame, label, geography, lsoa_boundaries, code_column if share == 0 else None)
    if code_column is None or share == 0:
        result.problems.append(
            Problem(label, "no column of the file holds Leeds area codes (LSOA, ward, committee or constituency codes)")
        )
        return result
    return _area_boundaries(frame, label, matcher, code_column, level)


def _area_boundaries(frame, label, matcher: AreaMatcher, code_column: str, level: str) -> BoundaryResult:
    result = BoundaryResult()
    if level == "neighbourhood":
        result.problems.append(
            Problem(label, "priority neighbourhoods are drawn from their LSOAs; load them as neighbourhood polygons")
        )
        return result
    codes = []
    seen: dict[str, int] = {}
    for number, text in enumerate(frame[code_column].astype(str), start=1):
        found = matcher.by_code(text)
        if found is None or found[0] != level:
            result.problems.append(Problem(label, matcher.unknown_message(text), number, code_column))
            codes.append(None)
            continue
        canonical = found[1]
        if level == "lsoa" and text.strip().upper() != canonical:
            result.problems.append(
                Problem(
                    label, f"'{text}' is a 2011 LSOA code; LSOA boundaries must be the 2021 LSOAs", number, code_column
                )
            )
        if canonical in seen:
            result.problems.append(
                Problem(label, f"duplicate: {canonical} is also feature {seen[canonical]}", number, code_column)
            )
        seen.setdefault(canonical, number)
        codes.append(canonical)
    expected = set(matcher.geography.level_areas(level)["code"])
    missing = sorted(expected - set(seen), key=matcher.geography.name)
    if missing:
        shown = ", ".join(matcher.geography.name(c) for c in missing[:10])
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        result.problems.append(
            Problem(
                label,
                f"{len(missing)} of the {len(expected)} {matcher.geography.levels.get(level).plural} are missing: "
                f"{shown}{more}",
            )
        )
    if result.problems:
        return result
    shapes = frame.assign(code=codes)
    shapes = shapes.dissolve(by="code", as_index=False)[["code", "geometry"]]
    shapes["name"] = shapes["code"].map(matcher.geography.name)
    try:
        shapes = simplify_coverage(shapes, TOLERANCE_M.get(level, 35.0))
    except Exception:  # an untidy coverage: simplify each shape on its own instead
        projected = shapes.to_crs(BRITISH_NATIONAL_GRID)
        projected["geometry"] = projected.geometry.simplify(TOLERANCE_M.get(level, 35.0), preserve_topology=True)
        shapes = projected.to_crs(LON_LAT)
    name = f"geo/{level}.geojson"
    result.files[name] = geojson_text(shapes, ["code", "name"]).encode("utf-8")
    words = matcher.geography.levels.get(level).noun
    result.replaced.append(f"{words} boundaries: the shapes of all {len(expected)} areas (from {label})")
    result.description = f"{words} boundaries from {label}"
    result.preview = pd.DataFrame({"code": shapes["code"], "name": shapes["name"]})
    return result


def _neighbourhood_polygons(frame, label, geography: Geography, lsoa_boundaries, code_column) -> BoundaryResult:
    result = BoundaryResult()
    name_column = _name_column(frame, code_column)
    if name_column is None:
        result.problems.append(Problem(label, "the polygons need a name column to name each priority neighbourhood"))
        return result
    points = gpd.GeoDataFrame(
        {"lsoa": lsoa_boundaries["code"].to_numpy()},
        geometry=lsoa_boundaries.geometry.representative_point().to_numpy(),
        crs=LON_LAT,
    )
    polygons = frame[[name_column, frame.geometry.name]].reset_index(names="feature")
    joined = gpd.sjoin(points, polygons, predicate="within", how="inner")
    rows: list[Membership] = []
    for number, name in enumerate(frame[name_column].astype(str), start=1):
        name = name.strip()
        members = sorted(joined.loc[joined["feature"] == number - 1, "lsoa"])
        if not name or name.lower() in ("nan", "none"):
            result.problems.append(Problem(label, "this polygon has no name", number, name_column))
        elif not members:
            result.problems.append(
                Problem(label, f"the polygon '{name}' holds the centre of no Leeds LSOA", number, name_column)
            )
        rows.extend((neighbourhood_code(name), name, lsoa) for lsoa in members)
    doubled = joined[joined.duplicated("lsoa", keep=False)]
    for lsoa in sorted(doubled["lsoa"].unique()):
        features = sorted(doubled.loc[doubled["lsoa"] == lsoa, "feature"] + 1)
        result.problems.append(
            Problem(
                label,
                f"the polygons overlap: LSOA {lsoa} lies in features {features[0]} and {features[1]}",
                int(features[1]),
            )
        )
    if result.problems:
        return result
    result.files[f"data/{NEIGHBOURHOODS_FILE}"] = neighbourhood_csv(rows, geography, f"drawn as polygons in {label}")
    result.replaced.append(f"the priority neighbourhoods: now {describe_definition(rows)}")
    result.notes.append(
        "Values stored for the old priority neighbourhoods' own codes (if any) are left alone; figures built "
        "from LSOAs follow the new definition."
    )
    result.description = f"priority neighbourhoods from {label}"
    result.preview = pd.DataFrame(rows, columns=["neighbourhood code", "neighbourhood", "LSOA"])
    return result
