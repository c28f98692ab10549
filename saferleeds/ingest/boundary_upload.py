"""What loading boundary files would change: the boundaries of a level, or new priority neighbourhoods.

A file whose features carry recognised area codes replaces the boundaries of that level (every
area of the level must be there). A file of polygons without recognised codes, or one loaded as
priority neighbourhoods, redefines the priority neighbourhoods: each LSOA whose representative
point lies in a polygon belongs to it. Every shape must be a valid polygon: an invalid one (a
bowtie, a spike) is reported with its feature's number, code and name, and repaired only when the
person asks. Reading the files is ``saferleeds.ingest.boundary_files``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely

from saferleeds.core.boundaries import BRITISH_NATIONAL_GRID, LON_LAT, geojson_text, simplify_coverage
from saferleeds.core.errors import DataError, Problem
from saferleeds.core.geography import Geography
from saferleeds.core.paths import NEIGHBOURHOODS_FILE
from saferleeds.core.text import quoted, shortened
from saferleeds.ingest.area_matching import AreaMatcher
from saferleeds.ingest.neighbourhood_upload import (
    LONGEST_NAME,
    Membership,
    describe_definition,
    neighbourhood_code,
    neighbourhood_csv,
)

TOLERANCE_M = {"lsoa": 20.0, "ward": 35.0, "committee": 35.0, "constituency": 50.0, "city": 50.0}
KINDS = ("auto", "areas", "neighbourhoods")
NAME_HINTS = ("name", "nm", "label", "title")
PROBLEMS_SHOWN = 50


@dataclass(frozen=True)
class BoundaryOptions:
    """What a person chose for their boundary files: the layer of each file, and whether to repair shapes."""

    layers: dict[str, str] = field(default_factory=dict)  # file name -> layer to read
    repair: bool = False


@dataclass
class BoundaryResult:
    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    preview: pd.DataFrame | None = None
    description: str = ""
    invalid_shapes: int = 0  # features whose shapes are not valid (repaired, or refused)


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


def _feature_words(frame: gpd.GeoDataFrame, index: int, code_column: str | None, name_column: str | None) -> str:
    """'feature 12 (E05011385, Armley)': a feature as a person finds it in their GIS."""
    named = [shortened(frame[c].iat[index], 40) for c in (code_column, name_column) if c is not None]
    named = [n for n in named if n.strip() and n.lower() not in ("nan", "none")]
    return f"feature {index + 1}" + (f" ({', '.join(named)})" if named else "")


def _polygonal(geometry):
    """The polygons of a repaired shape (a repaired spike leaves a line behind: it is dropped)."""
    repaired = shapely.make_valid(geometry, method="structure", keep_collapsed=False)
    if repaired.geom_type in ("Polygon", "MultiPolygon"):
        return repaired
    parts = [g for g in getattr(repaired, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def check_shapes(
    frame: gpd.GeoDataFrame, label: str, columns: tuple[str | None, str | None], repair: bool
) -> tuple[gpd.GeoDataFrame, list[Problem], int]:
    """Every feature must be a valid polygon; invalid ones are refused, or repaired (with a warning) if asked.

    Returns the shapes (repaired where asked), the problems and the number of invalid shapes.
    """
    problems: list[Problem] = []
    invalid = 0
    geometries = list(frame.geometry)
    for index, geometry in enumerate(geometries):
        where = _feature_words(frame, index, *columns)
        if geometry is None or geometry.is_empty:
            problems.append(Problem(label, f"{where} has no shape", index + 1, "geometry"))
        elif geometry.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(Problem(label, f"{where} is a {geometry.geom_type}, not an area", index + 1, "geometry"))
        elif not geometry.is_valid:
            invalid += 1
            reason = shortened(shapely.is_valid_reason(geometry))
            repaired = _polygonal(geometry) if repair else None
            if repaired is not None and not repaired.is_empty:
                geometries[index] = repaired
                words = f"{where} was not a valid shape ({reason}); it was repaired as asked"
                problems.append(Problem(label, words, index + 1, "geometry", "warning"))
            else:
                words = f"{where} is not a valid shape ({reason}); correct it, or ask for invalid shapes to be repaired"
                problems.append(Problem(label, words, index + 1, "geometry"))
    errors = [p for p in problems if p.severity == "error"]
    if len(errors) > PROBLEMS_SHOWN:
        extra = Problem(label, f"and {len(errors) - PROBLEMS_SHOWN:,} more features with problems of their shapes")
        problems = [*errors[:PROBLEMS_SHOWN], extra]
    return frame.set_geometry(gpd.GeoSeries(geometries, index=frame.index, crs=frame.crs)), problems, invalid


def boundary_changes(
    frame: gpd.GeoDataFrame,
    label: str,
    geography: Geography,
    lsoa_boundaries: gpd.GeoDataFrame,
    kind: str = "auto",
    repair: bool = False,
) -> BoundaryResult:
    """What loading these boundaries would change, and every problem that stops it."""
    matcher = AreaMatcher(geography)
    code_column, level, share = _code_column(frame, matcher)
    frame, problems, invalid = check_shapes(frame, label, (code_column, _name_column(frame, code_column)), repair)
    if any(p.severity == "error" for p in problems):
        return BoundaryResult(problems=problems, invalid_shapes=invalid)
    if kind == "neighbourhoods" or (kind == "auto" and share < 0.5):
        found = _neighbourhood_polygons(frame, label, geography, lsoa_boundaries, code_column if share == 0 else None)
    elif code_column is None or level is None or share == 0:
        words = "no column of the file holds Leeds area codes (LSOA, ward, committee or constituency codes)"
        found = BoundaryResult(problems=[Problem(label, words)])
    else:
        found = _area_boundaries(frame, label, matcher, code_column, level)
    found.problems = problems + found.problems
    found.invalid_shapes = invalid
    return found


def _feature_codes(
    frame, label, matcher: AreaMatcher, code_column: str, level: str, problems: list[Problem]
) -> tuple[list[str | None], dict[str, int]]:
    """Each feature's area code of the level (None when not one), and the feature number each code is first
    seen at; unknown, 2011 and repeated codes are added to ``problems``."""
    codes: list[str | None] = []
    seen: dict[str, int] = {}
    for number, text in enumerate(frame[code_column].astype(str), start=1):
        found = matcher.by_code(text)
        if found is None or found[0] != level:
            problems.append(Problem(label, matcher.unknown_message(text), number, code_column))
            codes.append(None)
            continue
        canonical = found[1]
        if level == "lsoa" and text.strip().upper() != canonical:
            problems.append(
                Problem(
                    label,
                    f"{quoted(text)} is a 2011 LSOA code; LSOA boundaries must be the 2021 LSOAs",
                    number,
                    code_column,
                )
            )
        if canonical in seen:
            problems.append(
                Problem(label, f"duplicate: {canonical} is also feature {seen[canonical]}", number, code_column)
            )
        seen.setdefault(canonical, number)
        codes.append(canonical)
    return codes, seen


def _level_shapes(features: gpd.GeoDataFrame, geography: Geography, level: str) -> gpd.GeoDataFrame:
    """One simplified shape per area (features dissolved by their ``code``), with its name."""
    shapes = features.dissolve(by="code", as_index=False)[["code", "geometry"]]
    shapes["name"] = shapes["code"].map(geography.name)
    try:
        return simplify_coverage(shapes, TOLERANCE_M.get(level, 35.0))
    except Exception:  # an untidy coverage: simplify each shape on its own instead
        projected = shapes.to_crs(BRITISH_NATIONAL_GRID)
        projected["geometry"] = projected.geometry.simplify(TOLERANCE_M.get(level, 35.0), preserve_topology=True)
        return projected.to_crs(LON_LAT)


def _area_boundaries(frame, label, matcher: AreaMatcher, code_column: str, level: str) -> BoundaryResult:
    result = BoundaryResult()
    if level == "neighbourhood":
        result.problems.append(
            Problem(label, "priority neighbourhoods are drawn from their LSOAs; load them as neighbourhood polygons")
        )
        return result
    codes, seen = _feature_codes(frame, label, matcher, code_column, level, result.problems)
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
    shapes = _level_shapes(frame.assign(code=codes), matcher.geography, level)
    name = f"geo/{level}.geojson"
    try:
        result.files[name] = geojson_text(shapes, ["code", "name"]).encode("utf-8")
    except DataError as exc:  # the shapes do not tile: overlaps, gaps, or borders that do not match
        result.problems.extend(Problem(label, problem.message) for problem in exc.problems)
        return result
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
        elif len(name) > LONGEST_NAME:
            words = f"the name {quoted(name)} is longer than {LONGEST_NAME} characters"
            result.problems.append(Problem(label, words, number, name_column))
        elif not members:
            result.problems.append(
                Problem(label, f"the polygon {quoted(name)} holds the centre of no Leeds LSOA", number, name_column)
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
