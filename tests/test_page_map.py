"""The Map page through AppTest: the deck it sends changes as level, measure, classes and view change."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from saferleeds.present.maps.deck import LAYER_SELECTED, LAYER_SELECTED_HALO, LAYER_SELECTED_NAME
from saferleeds.present.maps.palettes import hex_to_rgba
from tests.conftest import download_keys, open_numbers, page_text, run_app

pytestmark = pytest.mark.xdist_group("map")  # one worker: see tests/README.md

MAP_PAGE = "pages/map.py"


def deck(app) -> dict:
    charts = app.get("deck_gl_json_chart")
    assert len(charts) == 1, "the map page draws one map"
    return json.loads(charts[0].proto.json)


def area_layer(spec: dict) -> dict:
    return next(layer for layer in spec["layers"] if layer["pickable"])


def fills(spec: dict) -> Counter:
    return Counter(tuple(f["properties"]["fill"]) for f in area_layer(spec)["data"])


def changed(app, key: str, value, kind: str = "selectbox"):
    getattr(app, kind)(key=key).set_value(value).run()
    assert not app.exception, [e.value for e in app.exception]
    return deck(app)


@pytest.fixture(scope="module")
def ward_map():
    return run_app(MAP_PAGE)


def test_default_map_shows_wards_with_a_legend_and_table(ward_map):
    spec = deck(ward_map)
    layer = area_layer(spec)
    assert layer["id"] == "areas-ward" and len(layer["data"]) == 33
    assert spec["mapStyle"] == "__MAP_STYLE__" and "mapProvider" not in spec  # no basemap by default
    legend = " ".join(str(h.proto.body) for h in ward_map.get("html"))
    assert "Recorded crime, number" in legend and "Natural breaks".lower() in legend.lower()
    assert "The numbers on the map" in page_text(ward_map)
    table = ward_map.dataframe[0].value
    assert len(table) == 33 and {"Area", "Value", "Status", "Rank (1 = highest)"} <= set(table.columns)
    assert ward_map.get("download_button")


def test_switching_level_measure_classes_and_hex_view_changes_the_deck():
    app = run_app(MAP_PAGE)
    ward = deck(app)
    view = ward["initialViewState"]

    lsoa = changed(app, "level", "lsoa")
    assert area_layer(lsoa)["id"] == "areas-lsoa" and len(area_layer(lsoa)["data"]) == 488
    assert lsoa["initialViewState"] == view

    rate = changed(app, "measure", "rate", "radio")
    shown = [f["properties"]["shown"] for f in area_layer(rate)["data"]]
    assert all(text.endswith("per 1,000") for text in shown)
    assert fills(rate) != fills(lsoa)

    quantiles = changed(app, "map_classes", "quantiles")
    sizes = sorted(fills(quantiles).values())
    assert sizes[-1] - sizes[0] <= 2, "quantiles put about equal numbers of areas in each class"
    assert fills(quantiles) != fills(rate)

    hexes = changed(app, "map_hex", True, "toggle")
    layer = area_layer(hexes)
    assert layer["id"] == "hexes-lsoa" and len(layer["data"]) == 488
    assert all(len(f["geometry"]["coordinates"][0]) == 7 for f in layer["data"])
    assert fills(hexes) == fills(quantiles)  # same colours, same legend
    assert hexes["initialViewState"] == view


def test_change_measure_uses_a_diverging_palette_and_says_no_significant_change():
    app = run_app(MAP_PAGE)
    app.segmented_control(key="map_show").set_value("change").run()
    spec = deck(app)
    neutral = hex_to_rgba("#f7f7f7")
    assert tuple(neutral) in fills(spec)
    legend = " ".join(str(h.proto.body) for h in app.get("html"))
    assert "No significant change" in legend and "change on the same months a year earlier" in legend
    changes = [f["properties"]["change"] for f in area_layer(spec)["data"]]
    assert any(text.startswith("No significant change") for text in changes)


def test_area_in_the_url_opens_its_panel_and_outlines_it():
    app = run_app(MAP_PAGE, query={"area": "Armley"})
    text = page_text(app)
    assert "Armley" in text and "Recorded crime: 4" in text
    assert "highest of 33 wards" in text and "Compared with Leeds" in text
    assert "Estimated figures are shared out from recorded totals" in text  # Armley cuts through an MSOA
    assert any(b.label == "Open the full profile" for b in app.button)
    ids = [layer["id"] for layer in deck(app)["layers"]]
    assert ids[-3:] == [LAYER_SELECTED_HALO, LAYER_SELECTED, LAYER_SELECTED_NAME]
    name = next(layer for layer in deck(app)["layers"] if layer["id"] == LAYER_SELECTED_NAME)
    assert [point["name"] for point in name["data"]] == ["Armley"]
    assert app.selectbox(key="map_area_picker").value == "E05011385"


def test_the_area_picker_sets_the_shared_area_filter():
    app = run_app(MAP_PAGE)
    assert "Choose an area" in page_text(app)
    app.selectbox(key="map_area_picker").set_value("E05011388").run()
    assert app.selectbox(key="area").value == "E05011388"
    assert "Burmantofts" in page_text(app)
    assert app.query_params["area"] == "Burmantofts & Richmond Hill"


def test_outlines_and_hotspots_add_their_layers():
    app = run_app(MAP_PAGE)
    changed(app, "level", "lsoa")
    app.multiselect(key="map_outlines").set_value(["neighbourhood", "committee"]).run()
    spec = changed(app, "map_hotspots", True, "toggle")
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids[:4] == ["areas-lsoa", "outline-neighbourhoods", "outline-committees", "hotspots"]
    assert "Getis-Ord Gi*" in page_text(app)
    assert "Hot spot analysis" in app.dataframe[0].value.columns


def test_hotspots_are_offered_at_lsoa_level_only(ward_map):
    toggle = ward_map.toggle(key="map_hotspots")
    assert toggle.proto.disabled
    assert "hotspots" not in [layer["id"] for layer in deck(ward_map)["layers"]]


def test_an_indicator_with_no_data_at_the_level_says_so():
    app = run_app(MAP_PAGE, query={"level": "Small area (LSOA)"})
    app.selectbox(key="indicator").set_value("feel_safe").run()
    assert not app.get("deck_gl_json_chart")
    text = page_text(app)
    assert "There is no data for people who feel safe" in text and "wards" in text
    app.button(key="map_level_ward").click().run()
    assert app.selectbox(key="level").value == "ward"
    assert area_layer(deck(app))["id"] == "areas-ward"


def test_the_map_has_a_title_a_description_a_printable_picture_and_its_numbers(ward_map):
    text = page_text(ward_map)
    assert "Recorded crime, number (Aug 2024 to Jul 2025)" in text
    assert "Leeds as a map of the 33 wards, each coloured by total recorded crime (number)" in text
    assert "colour classes that the legend names with their bounds" in text
    keys = download_keys(ward_map)
    assert {"map-picture-png", "map-picture-svg", "map_download"} <= keys


def test_the_numbers_behind_the_map_open_as_a_plain_table():
    app = run_app(MAP_PAGE, {"area": "Armley"})
    numbers = open_numbers(app, "map-numbers")
    assert len(numbers) == 33 and {"Area", "Value", "Map class", "Compared with Leeds", "Status"} <= set(
        numbers.columns
    )
    assert numbers.loc[numbers["Area"] == "Armley", "Rank (1 = highest)"].iloc[0] == 6


def test_a_hex_map_of_change_describes_itself_as_such():
    app = run_app(MAP_PAGE, {"map_hex": "true", "map_show": "Change on the year before"})
    text = page_text(app)
    assert (
        "Leeds as equal hexagons, one for each of the 33 wards, each coloured by the change in total recorded crime"
        in text
    )


def test_choosing_a_committee_area_opens_the_map_on_its_wards():
    app = run_app(MAP_PAGE, query={"level": "Community committee area", "area": "Inner East"})
    spec = deck(app)
    layer = area_layer(spec)
    assert layer["id"] == "areas-ward", "the committee area's parts are drawn"
    ids = [x["id"] for x in spec["layers"]]
    assert ids[-1] == LAYER_SELECTED_NAME
    text = page_text(app)
    assert "The wards of Inner East" in text
    panel = " ".join(str(m.value) for m in app.markdown)
    assert "Inner East" in panel, "the panel gives the committee area's own figures"
    assert app.selectbox(key="map_area_picker").value == app.selectbox(key="area").value
