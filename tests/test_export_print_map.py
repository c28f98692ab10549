"""Print maps, checked by what they draw: every area in its class colour, in the Map page's classes.

Each kind of print map (a pack's map, the Map page's PNG download in each of its views, the profile's
locator map) is rendered, and the share of the drawing each class colour covers is compared with the
share of Leeds's land (or, for equal hexagons, of the areas) in that class. A map drawn "inside out"
floods the frame with one colour and fails.
"""

from __future__ import annotations

import pandas as pd
import pytest

from saferleeds.analysis.profiles import build_profile, locator_background
from saferleeds.core.periods import Period
from saferleeds.present.charts.common import BACKGROUND_AREA, HIGHLIGHT
from saferleeds.present.charts.views import profile_locator_chart
from saferleeds.present.export import render
from saferleeds.present.export.print_map import map_description, pack_map_model, print_features, print_map
from saferleeds.present.maps.model import MapOptions, map_model
from saferleeds.present.maps.shapes import hex_shapes, vega_geometry
from tests.packs import ARMLEY, PERIOD
from tests.pictures import colour_counts, pixels, shares

ONE_MONTH = Period(PERIOD.end, PERIOD.end)
TOLERANCE = 0.06  # of the drawing: borders, anti-aliasing, the legend's swatches and Mercator's stretch


def land_shares(dataset, level: str, classes: pd.Series, hexagons: bool = False) -> dict[str, float]:
    """Share of the drawn area in each class: by land area, or by count for equal hexagons."""
    frame = hex_shapes(dataset, level) if hexagons else dataset.boundaries(level)
    area = frame.set_index("code").to_crs("EPSG:27700").geometry.area
    by_class = area.groupby(classes.reindex(area.index)).sum()
    return (by_class / by_class.sum()).to_dict()


def assert_drawn_as_classed(dataset, model, png: bytes) -> None:
    colours = model.areas.set_index("code")["colour"]
    expected = land_shares(dataset, model.level, colours, model.options.hex_view)
    seen = shares(colour_counts(png, list(expected)))
    assert max(seen.values()) < 0.9, "one colour fills the frame"
    for colour, share in expected.items():
        assert seen[colour] == pytest.approx(share, abs=TOLERANCE), (colour, seen, expected)


@pytest.mark.parametrize(
    ("indicator", "level", "period", "options"),
    [
        ("total_crime", "ward", PERIOD, None),  # a board pack's map
        ("hate_incidents", "lsoa", PERIOD, MapOptions()),  # the Map page: small areas, hidden counts grey
        ("asb", "ward", PERIOD, MapOptions(classification="quantiles")),
        ("asb", "ward", PERIOD, MapOptions(show="change", hex_view=True)),  # the Map page's hexagons
        ("violence_sexual", "committee", PERIOD, MapOptions(hex_view=True)),
    ],
)
def test_every_print_map_draws_every_area_in_its_class_colour(dataset, indicator, level, period, options):
    if options is None:
        model = pack_map_model(dataset, indicator, level, period, "count")
    else:
        model = map_model(dataset, indicator, level, period, "count", options)
    spec = print_map(dataset, model, ARMLEY if level == "ward" else None)
    assert_drawn_as_classed(dataset, model, render.png(spec, scale=1))


def test_the_print_map_uses_the_map_pages_classes_colours_and_legend_words(dataset):
    model = map_model(dataset, "total_crime", "ward", PERIOD, "rate", MapOptions())
    spec = print_map(dataset, model, ARMLEY)
    fill = spec["vconcat"][0]["layer"][0]["encoding"]["color"]
    entries = [e for e in model.legend.entries if e.areas or e.kind == "class"]
    assert fill["scale"]["range"] == [e.colour for e in entries]
    assert fill["scale"]["domain"] == [f"{e.label} ({e.areas})" for e in entries]
    assert set(fill["scale"]["range"]) <= set(dataset.catalogue.palettes.for_values("higher_is_worse"))
    classes = {r["code"]: r["legend"] for r in spec["datasets"]["classes"]}
    screen = model.areas.set_index("code")["class_label"]
    assert all(classes[code].startswith(screen[code]) for code in screen.index)
    svg = render.svg(spec).decode()
    assert "Armley" in svg and "Leeds as a whole: " in svg and "Contains OS data" in svg
    assert spec["description"] == map_description(model, "Armley")
    assert "with Armley outlined and named" in spec["description"]


def test_the_chosen_area_is_outlined_and_named(dataset):
    model = pack_map_model(dataset, "total_crime", "ward", PERIOD, "count")
    with_area = render.png(print_map(dataset, model, ARMLEY), scale=1)
    without = render.png(print_map(dataset, model), scale=1)
    outline = colour_counts(with_area, ["#0b0c0c"])["#0b0c0c"] - colour_counts(without, ["#0b0c0c"])["#0b0c0c"]
    assert outline > 300  # the black ring and the name drawn over the map
    assert "Armley" in render.svg(print_map(dataset, model, ARMLEY)).decode()


def test_hidden_counts_are_grey_and_never_coloured_as_a_value(dataset):
    model = map_model(dataset, "hate_incidents", "lsoa", PERIOD, "count", MapOptions())
    spec = print_map(dataset, model)
    classes = pd.DataFrame(spec["datasets"]["classes"]).set_index("code")["legend"]
    areas = model.areas.set_index("code")
    hidden = areas.index[(areas["disclosure"] == "hidden").to_numpy()]
    withheld = areas.index[(areas["disclosure"] == "withheld").to_numpy()]
    assert len(hidden) and len(withheld)
    assert set(areas.index[areas["suppressed"].astype(bool).to_numpy()]) == set(hidden) | set(withheld)
    rule = dataset.catalogue.disclosure
    assert classes[hidden].str.startswith(f"{rule.shown_as}: fewer than {rule.below}").all()
    assert classes[withheld].str.startswith(f"{rule.withheld_as.capitalize()}: not shown").all()
    fill = spec["vconcat"][0]["layer"][0]["encoding"]["color"]["scale"]
    for words in (rule.shown_as, rule.withheld_as.capitalize()):
        grey = fill["range"][[d.startswith(words) for d in fill["domain"]].index(True)]
        assert grey == dataset.catalogue.palettes.suppressed


def test_the_profile_locator_map_shows_the_area_among_the_others(dataset):
    profile = build_profile(dataset, ARMLEY, PERIOD, "count", "total_crime")
    chart = render.for_download(profile_locator_chart(dataset, profile), title="Where", source="Source: ONS.")
    png = render.png(chart, scale=1)
    counts = colour_counts(png, [HIGHLIGHT, BACKGROUND_AREA])
    drawn = shares(counts)
    level = locator_background(dataset.geography, "ward")
    codes = dataset.boundaries(level)["code"]
    chosen = pd.Series(BACKGROUND_AREA, index=codes).where(codes.to_numpy() != ARMLEY, HIGHLIGHT)
    expected = land_shares(dataset, level, chosen)
    assert drawn[HIGHLIGHT] == pytest.approx(expected[HIGHLIGHT], abs=0.02)
    width, height = pixels(png).shape[1], pixels(png).shape[0]
    assert sum(counts.values()) < 0.6 * width * height  # the city's shape, not a flooded frame


def test_polygons_are_wound_clockwise_whatever_the_boundary_file_does(dataset):
    square = {"type": "Polygon", "coordinates": [[(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]]}  # anticlockwise
    wound = vega_geometry(square)["coordinates"][0]
    assert [tuple(p) for p in wound] == [(0, 0), (0, 1), (1, 1), (1, 0), (0, 0)]
    features = print_features(dataset, "lsoa")
    assert len(features) == len(dataset.boundaries("lsoa"))
    assert {f["properties"]["code"] for f in features} == set(dataset.boundaries("lsoa")["code"])


def test_no_print_map_when_nothing_can_be_coloured(dataset):
    model = map_model(dataset, "reoffending", "ward", PERIOD, "count", MapOptions())
    assert print_map(dataset, model) is None
    # sensitive counts of small areas are published for 12 months at a time: a month of them is all withheld
    model = map_model(dataset, "hate_incidents", "lsoa", ONE_MONTH, "count", MapOptions())
    assert model.areas["suppressed"].all() and print_map(dataset, model) is None
