"""The embedded default: deterministic, small, topologically clean, and reproducible from the open data."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from saferleeds.core.boundaries import BRITISH_NATIONAL_GRID
from saferleeds.core.errors import DataError
from saferleeds.core.paths import PROJECT_ROOT, DatasetPaths, dataset_paths
from saferleeds.ingest.build_default import SOURCE_FILES, build_default
from tests.conftest import committed_part

pytestmark = pytest.mark.slow

KB = 1024
LAYER_LIMITS = {"ward": 150 * KB, "lsoa": 1024 * KB}
TOTAL_LIMIT = 15 * 1024 * KB
SOURCE_LAYERS = {
    "lsoa": ("leeds_lsoa21.geojson", "LSOA21CD"),
    "ward": ("leeds_wards_wd19.geojson", "WD19CD"),
    "constituency": ("leeds_constituencies_pcon2010.geojson", "PCON13CD"),
}


def _build(shared_data: Path, root: Path) -> DatasetPaths:
    out = dataset_paths(root)
    out.data.mkdir(parents=True)
    shutil.copyfile(PROJECT_ROOT / "data" / "catalogue.toml", out.catalogue)
    build_default(shared_data, out, log=lambda _: None)
    return out


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for folder in ("data", "geo")
        for p in sorted((root / folder).rglob("*"))
        if p.is_file() and p.name != "README.md" and committed_part(p.relative_to(root / folder))
    }


@pytest.fixture(scope="module")
def builds(shared_data, tmp_path_factory) -> tuple[DatasetPaths, DatasetPaths]:
    first = _build(shared_data, tmp_path_factory.mktemp("first"))
    second = _build(shared_data, tmp_path_factory.mktemp("second"))
    return first, second


def test_two_builds_are_byte_identical(builds):
    first, second = builds
    assert _files(first.root).keys() == _files(second.root).keys()
    for name, data in _files(first.root).items():
        assert data == _files(second.root)[name], name


def test_the_committed_default_equals_a_fresh_build(builds):
    fresh = _files(builds[0].root)
    committed = _files(PROJECT_ROOT)
    assert committed.keys() == fresh.keys()
    different = [name for name in fresh if fresh[name] != committed[name]]
    assert different == [], "run: python -m saferleeds build-default --source ../shared/data"


def test_nothing_from_the_open_data_is_committed_as_it_is():
    committed = {
        p.name
        for folder in ("data", "geo")
        for p in (PROJECT_ROOT / folder).rglob("*")
        if committed_part(p.relative_to(PROJECT_ROOT / folder))
    }
    assert not committed & set(SOURCE_FILES.values())


@pytest.mark.parametrize(("level", "limit"), LAYER_LIMITS.items())
def test_layer_sizes(builds, level, limit):
    assert builds[0].boundary(level).stat().st_size <= limit


def test_the_default_is_small(builds):
    assert sum(len(data) for data in _files(builds[0].root).values()) < TOTAL_LIMIT


def _projected(path: Path) -> gpd.GeoDataFrame:
    return gpd.read_file(path).to_crs(BRITISH_NATIONAL_GRID)


def _holes(geometry) -> int:
    parts = getattr(geometry, "geoms", [geometry])
    return sum(len(part.interiors) for part in parts)


@pytest.mark.parametrize("level", ["lsoa", "ward", "committee", "constituency", "city"])
def test_simplified_layers_have_no_gaps_or_overlaps(builds, level):
    layer = _projected(builds[0].boundary(level))
    assert layer.is_valid.all()
    union = shapely.union_all(layer.geometry.values)
    assert union.geom_type == "Polygon"  # one piece
    assert _holes(union) == 0  # no gap between neighbours (Leeds has no enclaves)
    assert layer.area.sum() == pytest.approx(union.area, rel=1e-9)  # no overlap between neighbours
    assert shapely.coverage_is_valid(layer.geometry.values)


def _neighbour_pairs(frame: gpd.GeoDataFrame, codes: list[str]) -> set[tuple[str, str]]:
    tree = shapely.STRtree(frame.geometry.values)
    left, right = tree.query(frame.geometry.values, predicate="intersects")
    return {tuple(sorted((codes[i], codes[j]))) for i, j in zip(left, right, strict=True) if i != j}


@pytest.mark.parametrize("level", SOURCE_LAYERS)
def test_neighbours_still_touch_after_simplification(builds, shared_data, level):
    name, column = SOURCE_LAYERS[level]
    source = _projected(shared_data / name)
    codes = list(source[column])
    if level == "ward":
        wards = pd.read_csv(builds[0].geo / "wards.csv", dtype=str)
        codes = list(pd.Series(codes).map(dict(zip(wards["ward_code_2019"], wards["ward_code"], strict=True))))
    simplified = _projected(builds[0].boundary(level))
    before = _neighbour_pairs(source, codes)
    after = _neighbour_pairs(simplified, list(simplified["code"]))
    assert before == after
    assert simplified.area.sum() == pytest.approx(source.area.sum(), rel=1e-4)
    assert sorted(simplified["code"]) == sorted(codes)


def test_committees_and_city_are_unions_of_wards(builds):
    wards = _projected(builds[0].boundary("ward"))
    committees = _projected(builds[0].boundary("committee"))
    city = _projected(builds[0].boundary("city"))
    assert len(committees) == 10
    assert committees.area.sum() == pytest.approx(wards.area.sum(), rel=1e-9)
    assert city.area.sum() == pytest.approx(wards.area.sum(), rel=1e-9)


def test_a_missing_source_file_is_named(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    with pytest.raises(DataError, match=r"leeds_wards_wd19\.geojson: source file not found"):
        build_default(source, dataset_paths(tmp_path / "out"), log=lambda _: None)
