"""Map builders: classes, palettes, legends, no data and hidden numbers, hex layouts, hot spots, payloads."""

from __future__ import annotations

import dataclasses
import io
import json

import mapclassify
import numpy as np
import pandas as pd
import pytest
from libpysal.weights import lat2W

from saferleeds.analysis.aggregate import latest_period
from saferleeds.analysis.hotspots import critical_values, gi_star
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period
from saferleeds.present.export import tables
from saferleeds.present.maps.classes import CLASSIFICATIONS, NO_DATA, SUPPRESSED, classify, fisher_jenks_bins
from saferleeds.present.maps.deck import (
    LAYER_HOTSPOTS,
    MAP_STYLE_VARIABLE,
    TOOLTIP,
    TOOLTIP_FIELDS,
    CompactDeck,
    build_deck,
    deck_size,
    feature_order,
    map_style,
    selected_code,
)
from saferleeds.present.maps.legend import class_labels, legend_html
from saferleeds.present.maps.model import MapOptions, map_model, ordinal
from saferleeds.present.maps.palettes import change_palette, spread
from saferleeds.present.maps.shapes import COORDINATE_DECIMALS, hex_shapes, level_shapes
from saferleeds.present.maps.table import area_panel, table_for_download, table_frame

pytestmark = pytest.mark.xdist_group("map")  # one worker: see tests/README.md

WARD_LIMIT = 200 * 1024
LSOA_LIMIT = int(1.2 * 1024 * 1024)


@pytest.fixture(scope="module")
def period(dataset: Dataset) -> Period:
    return latest_period(dataset)


def model(dataset: Dataset, period: Period, indicator="total_crime", level="ward", measure="count", **options):
    return map_model(dataset, indicator, level, period, measure, MapOptions(**options))


def without_area(dataset: Dataset, indicator: str, lsoa_codes: list[str]) -> Dataset:
    """A private dataset in which one indicator has no rows for some small areas."""
    values = dataset.values[
        ~((dataset.values["indicator"] == indicator) & dataset.values["area_code"].isin(lsoa_codes))
    ]
    return dataset.with_values(values)


# ----------------------------------------------------------------------------- classification


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_natural_breaks_are_mapclassifys_fisher_jenks(seed):
    values = np.random.default_rng(seed).gamma(2.0, 40.0, 70).round(1)
    expected = mapclassify.FisherJenks(values, k=5).bins
    assert np.allclose(fisher_jenks_bins(values, 5), expected)


@pytest.mark.parametrize("method", ["quantiles", "equal_interval"])
def test_quantiles_and_equal_intervals_come_from_mapclassify(method):
    values = np.random.default_rng(7).normal(50, 12, 120)
    expected = {"quantiles": mapclassify.Quantiles, "equal_interval": mapclassify.EqualInterval}[method](values, k=5)
    classes = classify(values, method, 5)
    assert np.allclose(classes.bins, expected.bins)
    assert list(classes.index) == list(expected.yb)


def test_missing_values_get_no_class_and_do_not_shape_the_classes():
    values = np.array([1.0, 2.0, np.nan, 10.0, 11.0, np.nan, 30.0])
    classes = classify(values, "natural_breaks", 3)
    assert list(classes.index[[2, 5]]) == [NO_DATA, NO_DATA]
    assert classes.bins[-1] == 30.0 and len(classes.bins) == 3


@pytest.mark.parametrize(
    ("values", "classes"),
    [([5.0, 5.0, 5.0], 1), ([1.0, 2.0, 2.0, 1.0], 2), ([3.0, 3.0, 3.0, 3.0, 4.0], 2), ([np.nan, np.nan], 0)],
)
def test_few_distinct_values_make_fewer_classes(values, classes):
    for method in CLASSIFICATIONS:
        result = classify(np.array(values), method, 5)
        assert len(result.bins) == classes
        assert set(result.index[np.isfinite(values)]) <= set(range(classes))


def test_unknown_classification_is_refused():
    with pytest.raises(ValueError, match="unknown classification"):
        classify(np.array([1.0, 2.0, 3.0]), "jenkins", 2)


# ----------------------------------------------------------------------------- palettes


@pytest.mark.parametrize(
    ("indicator", "palette"),
    [("total_crime", "higher_is_worse"), ("feel_safe", "higher_is_better"), ("hate_incidents", "context")],
)
def test_value_palette_follows_polarity_and_darkens_with_the_value(dataset, period, indicator, palette):
    level = "ward"
    chosen = model(dataset, period, indicator, level)
    expected = dataset.catalogue.palettes.for_values(palette)
    classes = [e for e in chosen.legend.entries if e.kind == "class"]
    assert [e.colour for e in classes] == spread(expected, len(classes), first=1)
    assert classes[-1].colour == expected[-1]  # the highest class is the darkest colour of the palette
    frame = chosen.areas
    top = frame.loc[frame["value"].idxmax()]
    assert top["colour"] == expected[-1]


@pytest.mark.parametrize(
    ("polarity", "rise_end", "fall_end"),
    [
        ("higher_is_worse", "#b2182b", "#2166ac"),  # a rise is red
        ("higher_is_better", "#2166ac", "#b2182b"),  # a rise is blue
        ("context", "#542788", "#b35806"),  # neither: purple and orange
    ],
)
def test_change_palette_diverges_by_polarity(dataset, polarity, rise_end, fall_end):
    indicator = next(i for i in dataset.catalogue.indicators if i.polarity == polarity)
    palette = change_palette(dataset.catalogue, indicator)
    assert palette[-1] == rise_end and palette[0] == fall_end
    assert palette[len(palette) // 2] == "#f7f7f7"


def test_change_map_colours_only_significant_changes(dataset, period):
    chosen = model(dataset, period, level="lsoa", show="change")
    frame = chosen.areas
    palette = change_palette(dataset.catalogue, chosen.indicator)
    direction = frame["change_direction_fdr"]  # every area on the map is judged after allowing for them all
    assert (frame.loc[direction == "none", "class_label"] == "No significant change").all()
    assert set(frame.loc[direction == "up", "colour"]) <= set(palette[4:])
    assert set(frame.loc[direction == "down", "colour"]) <= set(palette[:3])
    labels = [e.label for e in chosen.legend.entries]
    assert "No significant change" in labels
    assert any(label.startswith("Up ") for label in labels) and any(label.startswith("Down ") for label in labels)


# ----------------------------------------------------------------------------- legend


@pytest.mark.parametrize(
    ("bins", "minimum", "decimals", "suffix", "whole", "expected"),
    [
        ([12.0, 30.0, 95.0], 0.0, 0, "", True, ["0 to 12", "13 to 30", "31 to 95"]),
        ([1500.0, 2735.0], 652.0, 0, "", True, ["652 to 1,500", "1,501 to 2,735"]),
        ([4.25, 9.5], 1.0, 1, " per 1,000", False, ["1.0 to 4.2 per 1,000", "4.2 to 9.5 per 1,000"]),
        ([80.04, 80.08], 80.0, 1, "%", False, ["80.00 to 80.04%", "80.04 to 80.08%"]),
        ([7.0], 7.0, 0, "", True, ["7"]),
    ],
)
def test_class_labels_give_bounds_with_units(bins, minimum, decimals, suffix, whole, expected):
    assert class_labels(np.array(bins), minimum, decimals, suffix, whole) == expected


def test_whole_number_classes_start_at_their_smallest_member():
    labels = class_labels(np.array([0.0, 6.0, 10.0]), 0.0, 0, "", True, [0.0, 5.0, 7.0])
    assert labels == ["0", "5 to 6", "7 to 10"]


def test_legend_counts_every_area_once_and_states_units(dataset, period):
    for measure, unit_text in (("count", ""), ("rate", " per 1,000")):
        chosen = model(dataset, period, measure=measure)
        assert sum(e.areas for e in chosen.legend.entries) == len(chosen.areas)
        classes = [e for e in chosen.legend.entries if e.kind == "class"]
        assert all(e.label.endswith(unit_text) for e in classes)
        assert ("per 1,000" in chosen.legend.title) == (measure == "rate")
        # Every area's value lies within the bounds its class says.
        for label, group in chosen.areas.groupby("class_label"):
            assert group["class"].nunique() == 1, label
            numbers = [float(part.replace(",", "")) for part in label.removesuffix(unit_text).split(" to ")]
            assert numbers[0] - 0.05 <= group["value"].min() and group["value"].max() <= numbers[-1] + 0.05, label


def test_percent_legend_uses_percent(dataset, period):
    chosen = model(dataset, period, "feel_safe", "ward")
    assert all(e.label.endswith("%") for e in chosen.legend.entries if e.kind == "class")


def test_legend_html_lists_classes_and_escapes_names(dataset, period):
    chosen = model(dataset, period)
    legend = dataclasses.replace(chosen.legend, title="Crime <b>& more</b>")
    text = legend_html(legend, dataset.catalogue, ("neighbourhood",))
    assert "Crime &lt;b&gt;&amp; more&lt;/b&gt;" in text
    for entry in chosen.legend.entries:
        assert entry.colour in text and entry.label.replace("&", "&amp;") in text
    assert "Priority neighbourhood outline" in text and "dashed" in text


# ----------------------------------------------------------------------------- no data and hidden numbers


def test_areas_without_data_are_grey_and_say_no_data_never_zero(dataset, period):
    ward = "E05011385"  # Armley
    lsoas = dataset.geography.members(ward, "lsoa")
    partial = without_area(dataset, "total_crime", lsoas)
    chosen = model(partial, period)
    row = chosen.areas.set_index("code").loc[ward]
    assert np.isnan(row["value"])
    assert row["class"] == NO_DATA and row["colour"] == dataset.catalogue.palettes.no_data
    assert row["class_label"] == "No data" and row["tip_shown"].endswith("no data")
    assert row["tip_rank"] == ""
    entry = next(e for e in chosen.legend.entries if e.kind == "no_data")
    assert entry.areas == 1 and entry.label == "No data"
    lowest = min(e for e in chosen.areas["shown"].dropna())
    assert lowest > 0  # the classes start at the smallest real value, not at zero
    table = table_frame(chosen).set_index("ONS code")
    assert pd.isna(table.loc[ward, "Value"]) and table.loc[ward, "Shown as"] == "no data"


def test_small_numbers_of_sensitive_indicators_are_their_own_grey_class(dataset, period):
    chosen = model(dataset, period, "violence_sexual", "lsoa")
    frame = chosen.areas
    hidden = frame["disclosure"] == "hidden"
    assert hidden.any(), "12 months of violence at LSOA level have counts of 1-4 somewhere"
    assert (frame.loc[hidden, "suppressed"]).all()
    assert (frame.loc[hidden, "class"] == SUPPRESSED).all()
    assert (frame.loc[hidden, "colour"] == dataset.catalogue.palettes.suppressed).all()
    assert (frame.loc[hidden, "tip_shown"].str.endswith("<5")).all()
    assert (frame.loc[hidden, "tip_rank"] == "").all()
    assert frame.loc[hidden, "shown"].isna().all()  # hidden numbers do not shape the classes
    entry = next(e for e in chosen.legend.entries if e.kind == "suppressed")
    assert entry.areas == int(frame["suppressed"].sum() - (frame["disclosure"] == "withheld").sum())
    assert entry.label.startswith("<5")
    for label in (e.label for e in chosen.legend.entries if e.kind == "class"):
        low = int(label.split(" ")[0].replace(",", ""))
        assert low == 0 or low >= 5, f"class '{label}' suggests hidden numbers 1-4"
    table = table_frame(chosen).set_index("ONS code")
    codes = frame.loc[hidden, "code"]
    assert table.loc[codes, "Value"].isna().all() and (table.loc[codes, "Shown as"] == "<5").all()
    downloaded = tables.csv_bytes(
        tables.protect(table_for_download(chosen), dataset.catalogue.disclosure)
    )  # as the Map page writes it
    csv = pd.read_csv(io.BytesIO(downloaded), dtype=str, encoding="utf-8-sig").set_index("ONS code")
    assert (csv.loc[codes, "Value"] == "<5").all()
    deck = json.loads(build_deck(dataset, chosen).to_json())
    shown = {f["properties"]["code"]: f["properties"]["shown"] for f in deck["layers"][0]["data"]}
    assert all(shown[c].endswith("<5") for c in codes)


def test_a_single_month_of_a_sensitive_indicator_is_withheld_at_small_area_level_and_says_why(dataset):
    month = Period(dataset.latest_month, dataset.latest_month)
    chosen = model(dataset, month, "violence_sexual", "lsoa")
    frame = chosen.areas
    assert (frame["disclosure"] == "withheld").all() and frame["shown"].isna().all()
    entries = [e for e in chosen.legend.entries if e.kind == "suppressed"]
    assert len(entries) == 1 and entries[0].areas == len(frame)
    assert entries[0].label.startswith("Withheld") and "12 months" in entries[0].label
    assert (frame["class_label"] == entries[0].label).all()


def test_change_is_hidden_where_it_would_reveal_a_small_number(dataset, period):
    chosen = model(dataset, period, "violence_sexual", "lsoa", show="change")
    frame = chosen.areas
    earlier_small = frame["previous_disclosure"].isin(["hidden", "withheld"])
    assert earlier_small.any()
    assert (frame.loc[earlier_small, "class"] == SUPPRESSED).all()
    assert (frame.loc[earlier_small, "tip_change"] == "Change hidden to protect small numbers").all()
    table = table_frame(chosen).set_index("ONS code")
    assert table.loc[frame.loc[earlier_small, "code"], "Change (%)"].isna().all()


def test_not_sensitive_indicators_hide_nothing(dataset):
    month = Period(dataset.latest_month, dataset.latest_month)
    chosen = model(dataset, month, "bicycle_theft", "lsoa", show="change")
    assert not chosen.areas["suppressed"].any() and not chosen.areas["change_hidden"].any()


# ----------------------------------------------------------------------------- tooltips and panel


def test_tooltips_say_name_value_rank_change_and_status(dataset, period):
    chosen = model(dataset, period)
    deck = json.loads(build_deck(dataset, chosen).to_json())
    features = deck["layers"][0]["data"]
    assert len(features) == 33
    for feature in features:
        assert set(TOOLTIP_FIELDS) <= set(feature["properties"])
    armley = next(f["properties"] for f in features if f["properties"]["code"] == "E05011385")
    assert armley["name"] == "Armley (ward)"
    assert armley["shown"].startswith("Recorded crime: ") and armley["shown"][-1].isdigit()
    assert "highest of 33 wards" in armley["rank"]
    assert "change" in armley["change"].lower() or armley["change"].startswith(("Up", "Down"))
    assert "estimated" in armley["status"].lower()  # Armley cuts through an MSOA: its share is estimated
    for field in TOOLTIP_FIELDS:
        assert "{" + field + "}" in TOOLTIP["html"]


@pytest.mark.parametrize(("number", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (22, "22nd")])
def test_ordinals(number, text):
    assert ordinal(number) == text


def test_area_panel_gives_key_figures(dataset, period):
    panel = area_panel(model(dataset, period), "E05011385")
    assert panel.name == "Armley" and panel.level_label == "Ward"
    facts = dict(panel.facts)
    assert facts["Rank"].endswith("of 33 wards") and "Compared with Leeds" in facts
    assert panel.modelled and "estimated" in facts["Status"].lower()  # not wholly recorded, and says how
    assert area_panel(model(dataset, period), "E01011698") is None  # an LSOA is not on the ward map


# ----------------------------------------------------------------------------- hex cartogram


@pytest.mark.parametrize("level", ["ward", "committee", "constituency", "neighbourhood"])
def test_hex_layout_covers_each_area_exactly_once(dataset, level):
    hexes = hex_shapes(dataset, level)
    codes = list(dataset.geography.level_areas(level)["code"])
    assert sorted(hexes["code"]) == sorted(codes)
    assert hexes["code"].is_unique and len(set(zip(hexes["q"], hexes["r"], strict=True))) == len(codes)
    projected = hexes.to_crs("EPSG:27700")
    for i, shape in enumerate(projected.geometry):
        for other in projected.geometry[i + 1 :]:
            assert shape.intersection(other).area < 1.0
    shapes = level_shapes(dataset, level, True)
    assert set(shapes) == set(codes)
    assert all(len(shape["coordinates"][0]) == 7 for shape in shapes.values())


def test_hex_view_keeps_the_colours_and_legend(dataset, period):
    real = model(dataset, period)
    hexes = model(dataset, period, hex_view=True)
    assert real.legend == hexes.legend
    assert list(real.areas["colour"]) == list(hexes.areas["colour"])
    deck = json.loads(build_deck(dataset, hexes).to_json())
    assert deck["layers"][0]["id"] == "hexes-ward" and len(deck["layers"][0]["data"]) == 33


# ----------------------------------------------------------------------------- hot spots


def grid_values(size: int = 9) -> np.ndarray:
    rng = np.random.default_rng(3)
    grid = rng.normal(10.0, 1.0, (size, size))
    grid[0:3, 0:3] += 8.0  # a hot corner
    grid[6:9, 6:9] -= 6.0  # a cold corner
    return grid.ravel()


def test_gi_star_finds_the_hot_and_cold_spots_of_a_constructed_grid():
    weights = lat2W(9, 9, rook=False)
    result = gi_star(grid_values(), weights, [0.95, 0.99])
    category = np.array(result.category).reshape(9, 9)
    confidence = np.array(result.confidence).reshape(9, 9)
    assert category[1, 1] == "hot" and confidence[1, 1] == 0.99
    assert category[7, 7] == "cold" and confidence[7, 7] == 0.99
    assert (category[3:6, 3:6] == "").all()  # the middle of the grid is no spot at all
    hot = {(r, c) for r in range(9) for c in range(9) if category[r, c] == "hot"}
    assert hot <= {(r, c) for r in range(5) for c in range(5)}


def test_gi_star_confidence_levels_use_two_sided_critical_values():
    cuts = dict(critical_values([0.95, 0.99]))
    assert cuts[0.95] == pytest.approx(1.95996, abs=1e-4) and cuts[0.99] == pytest.approx(2.57583, abs=1e-4)


def test_hotspots_at_lsoa_level(dataset, period):
    chosen = model(dataset, period, level="lsoa", hotspots=True)
    found = chosen.areas[chosen.areas["hotspot_category"] != ""]
    assert len(found) > 0
    assert found["hotspot"].str.contains("confidence").all()
    assert "Getis-Ord Gi*" in chosen.hotspot_note and "95% and 99%" in chosen.hotspot_note
    deck = json.loads(build_deck(dataset, chosen).to_json())
    layer = next(layer for layer in deck["layers"] if layer["id"] == LAYER_HOTSPOTS)
    assert len(layer["data"]) == len(found)
    table = table_frame(chosen)
    assert (table["Hot spot analysis"] != "Not significant").sum() == len(found)
    assert "hotspot_category" not in model(dataset, period, level="ward", hotspots=True).areas


# ----------------------------------------------------------------------------- the deck


def test_layers_have_stable_ids(dataset, period):
    chosen = model(dataset, period, outlines=("neighbourhood", "committee"))
    first = json.loads(build_deck(dataset, chosen, selected="E05011385").to_json())
    second = json.loads(build_deck(dataset, chosen, selected="E05011385").to_json())
    ids = [layer["id"] for layer in first["layers"]]
    assert ids == [
        "areas-ward",
        "outline-neighbourhoods",
        "outline-committees",
        "names-ward",
        "selected-area-halo",
        "selected-area",
        "selected-area-name",
    ]
    assert ids == [layer["id"] for layer in second["layers"]]
    assert [layer["pickable"] for layer in first["layers"]] == [True] + [False] * 6


def test_no_basemap_unless_a_style_is_set(dataset, period, monkeypatch):
    chosen = model(dataset, period)
    monkeypatch.delenv(MAP_STYLE_VARIABLE, raising=False)
    spec = json.loads(build_deck(dataset, chosen, style=map_style()).to_json())
    assert spec["mapStyle"] == "__MAP_STYLE__" and "mapProvider" not in spec
    monkeypatch.setenv(MAP_STYLE_VARIABLE, "http://tiles.example/style.json")
    spec = json.loads(build_deck(dataset, chosen, style=map_style()).to_json())
    assert spec["mapStyle"] == "http://tiles.example/style.json"


def test_the_initial_view_only_changes_when_reset(dataset, period):
    views = {
        json.dumps(json.loads(build_deck(dataset, m).to_json())["initialViewState"])
        for m in (model(dataset, period), model(dataset, period, "asb", "lsoa"), model(dataset, period, show="change"))
    }
    assert len(views) == 1
    reset = json.loads(build_deck(dataset, model(dataset, period), resets=1).to_json())["initialViewState"]
    first = json.loads(views.pop())
    assert all(reset[k] != first[k] for k in ("latitude", "longitude", "zoom"))
    assert abs(reset["zoom"] - first["zoom"]) < 1e-3


@pytest.mark.parametrize(
    ("selected", "clicked", "expected"),
    [
        (None, None, ["a", "b", "c", "d"]),
        ("c", None, ["a", "b", "c", "d"]),
        ("c", 0, ["c", "b", "a", "d"]),
        ("a", 3, ["d", "b", "c", "a"]),
        ("z", 1, ["a", "b", "c", "d"]),
        ("b", 9, ["a", "b", "c", "d"]),
    ],
)
def test_feature_order_keeps_the_maps_highlight_on_the_selected_area(selected, clicked, expected):
    assert feature_order(["d", "c", "b", "a"], selected, clicked) == expected


def test_selected_code_reads_the_area_layer():
    state = {
        "selection": {
            "indices": {"areas-ward": [4]},
            "objects": {"areas-ward": [{"type": "Feature", "properties": {"code": "E05011385"}}]},
        }
    }
    assert selected_code(state) == ("E05011385", 4, "areas-ward")
    assert selected_code({"selection": {"indices": {}, "objects": {}}}) == (None, None, None)
    assert selected_code(None) == (None, None, None)


def test_map_data_is_slim(dataset, period):
    ward = build_deck(dataset, model(dataset, period, outlines=("neighbourhood", "committee")), "E05011385")
    lsoa_model = model(dataset, period, level="lsoa", hotspots=True, outlines=("neighbourhood", "committee"))
    lsoa = build_deck(dataset, lsoa_model, "E01011698")
    assert deck_size(ward) <= WARD_LIMIT
    assert deck_size(lsoa) <= LSOA_LIMIT
    indented = len(super(CompactDeck, lsoa).to_json())  # pydeck's own, indented JSON
    assert len(lsoa.to_json()) < indented / 2
    features = json.loads(lsoa.to_json())["layers"][0]["data"]
    coordinate = features[0]["geometry"]["coordinates"][0][0]
    assert all(len(str(c).split(".")[-1]) <= COORDINATE_DECIMALS for c in coordinate)
    assert set(features[0]["properties"]) == {"code", "fill", *TOOLTIP_FIELDS}


def test_catalogue_holds_the_map_settings(dataset):
    palettes = dataset.catalogue.palettes
    for name in ("change_context", "selected", "hot_spot", "cold_spot"):
        assert getattr(palettes, name), name
    assert {lv: dataset.catalogue.level(lv).outline.dashed for lv in dataset.catalogue.levels.outline_levels} == {
        "neighbourhood": True,
        "committee": False,
    }
    assert len(palettes.change_context) == len(palettes.change)
    assert sorted(dataset.catalogue.thresholds.hotspot_confidence) == [0.95, 0.99]
    assert dataset.catalogue.thresholds.map_classes <= len(palettes.for_values("higher_is_worse")) - 1


def test_the_table_gives_official_codes_only(dataset, period):
    assert "ONS code" in table_frame(model(dataset, period)).columns
    committee = table_frame(model(dataset, period, level="committee"))
    assert "ONS code" not in committee.columns and len(committee) == 10
    assert list(committee["Area"]) == sorted(committee["Area"])


# ----------------------------------------------------------------------------- names and localities


def test_names_are_drawn_with_a_halo_and_never_overlap(dataset, period):
    from saferleeds.present.maps.deck import WHOLE_CITY_ZOOM, label_box, label_layer_id

    deck = json.loads(build_deck(dataset, model(dataset, period)).to_json())
    names = next(layer for layer in deck["layers"] if layer["id"] == label_layer_id("ward"))
    assert names["@@type"] == "TextLayer" and names["fontSettings"]["sdf"] is True
    assert names["outlineWidth"] > 0 and names["outlineColor"][:3] == [255, 255, 255]
    assert names["characterSet"] == "auto" and not names["fontFamily"].startswith("@@=")
    shown = {point["name"] for point in names["data"]}
    assert {"Wetherby", "Harewood", "Otley & Yeadon"} <= shown and len(shown) >= 15  # the rest on hover
    boxes = [label_box(point, WHOLE_CITY_ZOOM, names["getSize"]) for point in names["data"]]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1], "two names overlap"


def test_small_areas_are_named_by_their_tooltip_at_city_scale(dataset, period):
    from saferleeds.present.maps.deck import label_layer_id

    deck = json.loads(build_deck(dataset, model(dataset, period, level="lsoa")).to_json())
    names = next(layer for layer in deck["layers"] if layer["id"] == label_layer_id("lsoa"))
    assert names["data"] == []
    assert all(f["properties"]["name"] for f in deck["layers"][0]["data"])


def test_a_locality_is_drawn_by_its_parts_as_the_catalogue_nests_them(dataset):
    from saferleeds.present.maps.deck import locality_level

    levels = dataset.catalogue.levels
    for level in levels.ids:
        parts = locality_level(levels, level)
        if not dataset.catalogue.level(level).profile_members or level == levels.city:
            assert parts is None, level
        else:
            assert parts is not None and parts != level and levels.nests(parts, level), level
    assert locality_level(levels, "committee") == dataset.catalogue.level("committee").profile_members
    assert locality_level(levels, "ward") is None  # a ward keeps its own map


def test_a_locality_opens_on_its_parts_named_with_itself_outlined_and_named(dataset, period):
    from saferleeds.present.maps.deck import LAYER_SELECTED, LAYER_SELECTED_NAME, initial_view, label_layer_id

    committee = dataset.geography.recognise("inner-east")[1]
    wards = model(dataset, period)
    deck = json.loads(build_deck(dataset, wards, selected=committee, locality="committee").to_json())
    view, city = deck["initialViewState"], initial_view(dataset)
    assert view["zoom"] > city.zoom + 0.8, "the map opens closer in, on the committee area"
    west, south, east, north = dataset.boundaries("committee").set_index("code").loc[[committee]].total_bounds
    assert west < view["longitude"] < east and south < view["latitude"] < north
    names = {p["name"] for p in next(x for x in deck["layers"] if x["id"] == label_layer_id("ward"))["data"]}
    parts = {dataset.geography.name(code) for code in dataset.geography.members(committee, "ward")}
    assert parts <= names, "every ward of the committee area is named"
    selected = next(x for x in deck["layers"] if x["id"] == LAYER_SELECTED_NAME)
    assert [p["name"] for p in selected["data"]] == ["Inner East"]
    outline = next(x for x in deck["layers"] if x["id"] == LAYER_SELECTED)
    assert outline["data"][0]["geometry"] == level_shapes(dataset, "committee", False)[committee]


@pytest.mark.parametrize("text", ["@@=properties.code", "@@#Math.max"])
def test_names_that_look_like_deck_expressions_are_sent_as_text(text):
    from saferleeds.present.maps.deck import literal, tooltip_text

    assert not literal(text).startswith("@@") and literal(text).endswith(text)
    assert not tooltip_text(text).startswith("@@")
