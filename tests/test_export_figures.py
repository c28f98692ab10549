"""Print charts: the trend chart and the choropleth, with units, source lines and the Leeds comparison."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from saferleeds.analysis.aggregate import area_monthly
from saferleeds.analysis.area_summary import summarise
from saferleeds.core.periods import Period
from saferleeds.present.export import figures, render
from tests.packs import ARMLEY, PERIOD

pytestmark = pytest.mark.xdist_group("board-pack")  # one worker: see tests/README.md


def flat(layers: list[dict]) -> list[dict]:
    return [leaf for layer in layers for leaf in (flat(layer["layer"]) if "layer" in layer else [layer])]


def layers_of(chart) -> tuple[list[dict], dict]:
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    return flat(spec["vconcat"][0]["layer"]), spec


def mark(layer: dict) -> str:
    return layer["mark"] if isinstance(layer["mark"], str) else layer["mark"]["type"]


def inline(spec: dict, layer: dict) -> list[dict]:
    data = layer.get("data") or {}
    if "values" in data:
        return data["values"]
    return spec["datasets"][data["name"]]


def test_trend_chart_compares_the_area_with_leeds_as_rates_and_marks_modelled_months(dataset):
    chart = figures.trend_chart(dataset, "total_crime", ARMLEY, PERIOD)
    layers, spec = layers_of(chart)
    lines = next(layer for layer in layers if mark(layer) == "line")
    rows = inline(spec, lines)
    assert {r["series"] for r in rows} == {"Armley", "Leeds"}
    assert {r["status"] for r in rows} == {"Recorded", "Modelled (estimate)"}
    dash = lines["encoding"]["strokeDash"]
    assert dash["scale"]["domain"] == ["Recorded", "Modelled (estimate)"]
    assert dash["scale"]["range"][0] == [1, 0] and dash["scale"]["range"][1][0] > 1  # solid, then dashed
    assert "legend" in dash and dash["legend"] is not None
    assert lines["encoding"]["y"]["title"].startswith("Per 1,000 mid-2015 residents")
    months = {r["month"] for r in rows if r["series"] == "Armley"}
    assert len(months) == 24 and min(months) == "2023-03-01" and max(months) == "2025-02-01"
    armley = area_monthly(dataset, "total_crime", ARMLEY, "rate")
    last = armley[armley["period"] == PERIOD.end]["shown"].item()
    assert any(r["value"] == pytest.approx(last) and r["status"] == "Recorded" for r in rows)
    svg = render.svg(chart).decode()
    assert "Total recorded crime" in svg and "Armley and Leeds" in svg
    assert "Source: police.uk street-level crime" in svg and "dashed lines are modelled" in svg


def test_trend_chart_for_leeds_alone_shows_the_chosen_measure(dataset):
    layers, spec = layers_of(figures.trend_chart(dataset, "total_crime", None, PERIOD, "count"))
    lines = next(layer for layer in layers if mark(layer) == "line")
    assert {r["series"] for r in inline(spec, lines)} == {"Leeds"}
    assert lines["encoding"]["y"]["title"] == "Number, each month"


def test_trend_chart_draws_the_outcome_target_for_feel_safe(dataset):
    svg = render.svg(figures.trend_chart(dataset, "feel_safe", ARMLEY, PERIOD)).decode()
    assert "Outcome target: 85% feel safe" in svg and "% of respondents" in svg


def test_trend_chart_leaves_out_months_that_disclosure_control_hides(dataset):
    lsoa = "E01011698"
    layers, spec = layers_of(figures.trend_chart(dataset, "hate_incidents", lsoa, PERIOD))
    lines = next(layer for layer in layers if mark(layer) == "line")
    shown = {r["month"]: r["value"] for r in inline(spec, lines) if r["series"] == "Leeds 001A"}
    counts = area_monthly(dataset, "hate_incidents", lsoa, "count")
    small = counts[counts["value"].between(1, 4) & (counts["period"] >= PERIOD.comparison().start)]
    assert len(small), "this small area has months of 1 to 4 incidents"
    assert not any(f"{m:%Y-%m-%d}" in shown for m in small["period"])
    assert "Months with fewer than 5 are not shown." in render.svg(
        figures.trend_chart(dataset, "hate_incidents", lsoa, PERIOD)
    ).decode().replace("\n", " ")


@pytest.mark.parametrize(
    ("values", "classes", "labels"),
    [
        ([1, 2, 3, 10, 11, 12, 30, 31, 32], 3, ["1.0 to 3.0", "10.0 to 12.0", "30.0 to 32.0"]),
        ([5, 5, 5], 5, ["5.0"]),
        ([0, 0, 7, 8], 5, ["0.0", "7.0", "8.0"]),
    ],
)
def test_natural_breaks_classes_and_their_labels(values, classes, labels):
    numbers, found = figures.print_classes(np.array(values, dtype=float), classes, decimals=1)
    assert found == labels
    assert len(numbers) == len(values) and numbers.max() == len(labels) - 1
    assert list(numbers) == sorted(numbers)


def test_choropleth_classes_wards_by_rate_with_a_palette_that_follows_polarity(dataset):
    spec = figures.choropleth(dataset, "total_crime", "ward", PERIOD, "count", ARMLEY)
    base = spec["vconcat"][0]["layer"][0]
    colour = base["encoding"]["color"]
    domain, palette = colour["scale"]["domain"], colour["scale"]["range"]
    assert 3 <= len(domain) <= 5 and all(" to " in d or d.replace(".", "").isdigit() for d in domain)
    assert set(palette) <= set(dataset.catalogue.palettes.for_values("higher_is_worse"))  # reds: more crime is worse
    assert colour["legend"]["title"][0] == "Per 1,000 mid-2015 residents"
    assert len(spec["datasets"]["areas"]) == 33
    classes = {r["code"]: r["class"] for r in inline(spec, base["transform"][0]["from"])}
    rates = summarise(dataset, "total_crime", "ward", PERIOD, "rate").set_index("code")["value"]
    highest = rates.idxmax()
    assert classes[highest] == domain[-1]
    svg = render.svg(spec).decode()
    assert "Leeds as a whole: " in svg and "per 1,000 residents" in svg
    assert "Armley" in svg and "natural breaks" in svg and "Contains OS data" in svg


def test_choropleth_of_a_context_indicator_is_never_red_and_greys_out_hidden_counts(dataset):
    one_month = Period(PERIOD.end, PERIOD.end)
    spec = figures.choropleth(dataset, "hate_incidents", "lsoa", one_month, "count")
    colour = spec["vconcat"][0]["layer"][0]["encoding"]["color"]
    domain, palette = colour["scale"]["domain"], colour["scale"]["range"]
    palettes = dataset.catalogue.palettes
    assert not set(palette) & set(palettes.for_values("higher_is_worse"))
    assert figures.SUPPRESSED_LABEL in domain
    assert palette[domain.index(figures.SUPPRESSED_LABEL)] == palettes.suppressed
    lookup = spec["vconcat"][0]["layer"][0]["transform"][0]["from"]
    classes = pd.DataFrame(inline(spec, lookup)).set_index("code")["class"]
    screen = summarise(dataset, "hate_incidents", "lsoa", one_month).set_index("code")
    assert (classes[screen["suppressed"]] == figures.SUPPRESSED_LABEL).all()


def test_no_map_where_the_indicator_is_not_published(dataset):
    assert figures.choropleth(dataset, "reoffending", "ward", PERIOD) is None
