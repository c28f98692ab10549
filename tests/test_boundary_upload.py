"""Boundary files: each format, any coordinate system, and new priority neighbourhoods as polygons."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from saferleeds.core.errors import DataError
from saferleeds.ingest.boundary_files import read_boundary_upload
from saferleeds.ingest.boundary_upload import boundary_changes
from saferleeds.ingest.gate import Upload
from tests.conftest import FIXTURES


def read(name: str, tmp_path: Path, data: bytes | None = None):
    upload = Upload(name, data if data is not None else (FIXTURES / name).read_bytes())
    return read_boundary_upload(upload, tmp_path / "work")


def changes(dataset, frame, label, kind="auto"):
    return boundary_changes(frame, label, dataset.geography, dataset.lsoa_boundaries(), kind)


@pytest.mark.parametrize(
    ("name", "level", "count", "crs_words"),
    [
        ("committees_bng.geojson", "committee", 10, "reprojected from OSGB36 / British National Grid"),
        ("committees_bng_nocrs.geojson", "committee", 10, "read as British National Grid (EPSG:27700)"),
        ("wards.gpkg", "ward", 33, "reprojected from OSGB36 / British National Grid"),
        ("constituencies_shp.zip", "constituency", 8, "reprojected from OSGB36 / British National Grid"),
    ],
)
def test_area_boundaries_in_every_format_and_crs(dataset, tmp_path, name, level, count, crs_words):
    frame, warnings = read(name, tmp_path)
    assert frame.crs.to_epsg() == 4326
    x0, y0, x1, y1 = frame.total_bounds
    assert -1.85 < x0 < x1 < -1.25 and 53.65 < y0 < y1 < 54.0  # over Leeds, in lon/lat
    assert any(crs_words in w.message for w in warnings)
    result = changes(dataset, frame, name)
    assert not result.problems, result.problems
    written = gpd.read_file(io.BytesIO(result.files[f"geo/{level}.geojson"]))
    assert len(written) == count
    assert set(written["code"]) == set(dataset.geography.level_areas(level)["code"])
    assert written.crs.to_epsg() == 4326


def test_ward_codes_of_the_2019_vintage_map_to_the_canonical_codes(dataset, tmp_path):
    frame, _ = read("wards.gpkg", tmp_path)
    assert set(frame["WD19CD"]) != set(
        dataset.geography.level_areas("ward")["code"]
    )  # the file really uses other codes
    result = changes(dataset, frame, "wards.gpkg")
    written = json.loads(result.files["geo/ward.geojson"])
    assert {f["properties"]["code"] for f in written["features"]} == set(dataset.geography.level_areas("ward")["code"])


def test_a_missing_area_and_an_unknown_code_are_named(dataset, tmp_path):
    frame, _ = read("committees_bng.geojson", tmp_path)
    frame = frame.iloc[1:].copy()
    frame.loc[frame.index[0], "CC_CODE"] = "CC-INNER-WESTT"
    result = changes(dataset, frame, "committees.geojson")
    messages = [p.message for p in result.problems]
    assert any("'CC-INNER-WESTT' is not a known Leeds area code; closest known" in m for m in messages)
    assert any("are missing" in m for m in messages)
    assert result.problems[0].row == 1 and result.problems[0].column == "CC_CODE"
    assert not result.files


def test_neighbourhood_polygons_choose_lsoas_by_their_centres(dataset, tmp_path):
    frame, _ = read("neighbourhoods_polygons.geojson", tmp_path)
    result = changes(dataset, frame, "neighbourhoods_polygons.geojson")
    assert not result.problems
    table = pd.read_csv(io.BytesIO(result.files["data/priority_neighbourhoods.csv"]))
    lsoa = gpd.read_file(Path(dataset.paths.boundary("lsoa")))
    assert sorted(table["lsoa_code"]) == sorted(lsoa["code"].iloc[10:14])
    assert set(table["neighbourhood_name"]) == {"New Wortley", "Lincoln Green"}


def test_overlapping_neighbourhood_polygons_are_refused(dataset, tmp_path):
    frame, _ = read("neighbourhoods_polygons.geojson", tmp_path)
    doubled = pd.concat([frame, frame.assign(name="Copy")], ignore_index=True)
    result = changes(dataset, gpd.GeoDataFrame(doubled, crs=frame.crs), "overlap.geojson")
    assert any("overlap" in p.message for p in result.problems)


def test_shapes_outside_leeds_are_refused(tmp_path):
    text = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"name": "London"},
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[[-0.1, 51.5], [-0.2, 51.5], [-0.2, 51.6], [-0.1, 51.5]]],
                    },
                }
            ],
        }
    )
    with pytest.raises(DataError, match="do not lie over Leeds"):
        read("london.geojson", tmp_path, text.encode())


def test_points_are_not_areas(dataset, tmp_path):
    text = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"name": "x"},
                    "geometry": {"type": "Point", "coordinates": [-1.5, 53.8]},
                }
            ],
        }
    )
    frame, _ = read("points.geojson", tmp_path, text.encode())
    result = changes(dataset, frame, "points.geojson")
    assert result.problems[0].message == "feature 1 (x) is a Point, not an area"


def test_a_zip_without_a_shapefile_and_a_shapefile_that_escapes(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(DataError, match="holds no Shapefile"):
        read("empty.zip", tmp_path, buffer.getvalue())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../evil.shp", "x")
    with pytest.raises(DataError, match="outside the archive"):
        read("evil.zip", tmp_path, buffer.getvalue())
    assert not (tmp_path / "evil.shp").exists()


def test_an_unreadable_boundary_file_is_explained(tmp_path):
    with pytest.raises(DataError, match="cannot be read"):
        read("broken.gpkg", tmp_path, b"not a geopackage")
