"""Adding a level or an indicator is one declarative catalogue entry plus its data: a made-up level and a
made-up indicator, added to a copy of the embedded default that way, appear on every page."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from saferleeds.core.boundaries import read_boundary
from saferleeds.core.dataset import load_dataset
from saferleeds.core.paths import DatasetPaths
from saferleeds.core.values import read_values, write_values
from tests.conftest import ALL_PAGES, DATA_PAGES, page_text, run_app

LEVEL_ENTRY = """
[[levels]]
id = "patch"
label = "Policing patch"
plural = "policing patches"
noun = "policing patch"
description = "Three made-up patches of small areas, north, middle and south, for testing that a level is one entry."
areas_file = "geo/patches.csv"
on_map = true
menu_order = 6
profiles = true
synonyms = ["patch"]
"""
INDICATOR_ENTRY = """
[[indicators]]
id = "fly_tipping"
label = "Fly-tipping incidents"
short_label = "Fly-tipping"
definition = "Made-up incidents of fly-tipping, for testing that an indicator is one entry."
unit = "count"
polarity = "higher_is_worse"
priorities = ["location"]
primary_priority = "location"
themes = ["asb_exploitation"]
key = false
source = "Made up for a test"
source_url = "https://example.invalid/"
native_geography = "lsoa"
geographies = ["lsoa", "neighbourhood", "ward", "committee", "constituency", "patch", "city"]
sensitive = false
"""
PATCH_NAMES = ("North patch", "Middle patch", "South patch")


def _add_level(paths: DatasetPaths) -> None:
    lsoas = read_boundary(paths.boundary("lsoa"))
    text = paths.catalogue.read_text(encoding="utf-8")
    city = text.index('[[levels]]\nid = "city"')
    paths.catalogue.write_text(text[:city] + LEVEL_ENTRY.lstrip() + "\n" + text[city:] + INDICATOR_ENTRY, "utf-8")
    latitude = lsoas.geometry.representative_point().y
    band = pd.qcut(latitude, 3, labels=False).to_numpy()
    patches = pd.DataFrame(
        {
            "patch_code": [f"PATCH-{2 - b}" for b in band],
            "patch_name": [PATCH_NAMES[2 - b] for b in band],
            "lsoa_code": lsoas["code"].to_numpy(),
        }
    ).sort_values(["patch_code", "lsoa_code"])
    patches.to_csv(paths.geo / "patches.csv", index=False)


def _add_values(paths: DatasetPaths) -> None:
    values = read_values(paths.values)
    months = sorted(values["period"].unique())[-24:]
    lsoas = pd.read_csv(paths.geo / "lsoa_lookup.csv", dtype=str)["lsoa_code"]
    grid = pd.MultiIndex.from_product([lsoas, months], names=["area_code", "period"]).to_frame(index=False)
    grid["value"] = np.random.default_rng(7).poisson(3.0, len(grid)).astype(float)
    grid = grid.assign(indicator="fly_tipping", denominator=np.nan, status="recorded", source="made up for a test")
    write_values(pd.concat([values, grid], ignore_index=True), paths.values)


@pytest.fixture(scope="module")
def extended(tmp_path_factory) -> DatasetPaths:
    from tests.conftest import copy_default

    paths = copy_default(tmp_path_factory.mktemp("extended"))
    _add_level(paths)
    _add_values(paths)
    return paths


@pytest.fixture
def extended_home(extended: DatasetPaths, monkeypatch: pytest.MonkeyPatch) -> DatasetPaths:
    monkeypatch.setenv("SAFERLEEDS_HOME", str(extended.root))
    return extended


def test_the_new_level_is_built_from_its_entry_and_its_file(extended):
    dataset = load_dataset(extended)
    patches = dataset.geography.level_areas("patch")
    assert sorted(patches["name"]) == sorted(PATCH_NAMES)
    assert patches["population"].sum() == pytest.approx(dataset.geography.lsoa["population"].sum())
    assert dataset.catalogue.levels.nests("lsoa", "patch") and "patch" in dataset.catalogue.levels.map_levels
    assert set(dataset.boundaries("patch")["code"]) == set(patches["code"])  # drawn from its small areas


@pytest.mark.slow
@pytest.mark.parametrize("page", ALL_PAGES)
def test_the_new_level_and_indicator_appear_on_every_page(extended_home, page):
    app = run_app(page, {"level": "Policing patch", "indicator": "Fly-tipping incidents"})
    assert not app.error, [e.value for e in app.error]
    level_box = next(box for box in app.selectbox if box.key == "level")
    indicator_box = next(box for box in app.selectbox if box.key == "indicator")
    assert "Policing patch" in level_box.options and level_box.value == "patch"
    assert "Fly-tipping incidents" in indicator_box.options and indicator_box.value == "fly_tipping"
    if page in DATA_PAGES:
        assert "Fly-tipping" in page_text(app)


@pytest.mark.slow
def test_the_map_draws_the_new_level(extended_home):
    app = run_app("pages/map.py", {"level": "Policing patch", "indicator": "Fly-tipping incidents"})
    (deck,) = app.get("deck_gl_json_chart")
    layers = json.loads(deck.proto.json)["layers"]
    areas = next(layer for layer in layers if layer["id"] == "areas-patch")
    assert {feature["properties"]["code"] for feature in areas["data"]} == {"PATCH-0", "PATCH-1", "PATCH-2"}


@pytest.mark.slow
def test_compare_ranks_the_new_level(extended_home):
    app = run_app("pages/compare.py", {"level": "Policing patch", "indicator": "Fly-tipping incidents"})
    ranked = next(frame.value for frame in app.dataframe if "Compared with the Leeds average" in frame.value.columns)
    assert sorted(ranked["Area"]) == sorted(PATCH_NAMES)


@pytest.mark.slow
def test_each_new_area_has_a_profile(extended_home):
    app = run_app("pages/profiles.py", {"place": "north-patch", "indicator": "Fly-tipping incidents"})
    assert "North patch" in [h.value for h in app.header]
    assert "Policing patch" in page_text(app)
