"""The print trend chart: the area beside Leeds as rates, each status in the catalogue's dash and words."""

from __future__ import annotations

import pytest

from saferleeds.analysis.aggregate import area_monthly
from saferleeds.present.export import render
from saferleeds.present.export.print_trend import LINES_DATASET, print_trend_chart
from tests.packs import ARMLEY, PERIOD


def flat(layers: list[dict]) -> list[dict]:
    return [leaf for layer in layers for leaf in (flat(layer["layer"]) if "layer" in layer else [layer])]


def lines_of(spec: dict) -> tuple[dict, list[dict]]:
    layers = flat(spec["vconcat"][0]["layer"])
    lines = next(layer for layer in layers if layer.get("data", {}).get("name") == LINES_DATASET)
    return lines, spec["datasets"][LINES_DATASET]


def test_the_area_is_compared_with_leeds_as_rates_with_modelled_months_dashed(dataset):
    spec = print_trend_chart(dataset, "total_crime", ARMLEY, PERIOD)
    lines, rows = lines_of(spec)
    statuses = dataset.catalogue.statuses
    assert {r["area"] for r in rows} == {"Armley", "Leeds"}
    assert {r["status"] for r in rows} == {"recorded", "modelled"}
    dash = lines["encoding"]["strokeDash"]["scale"]
    assert dash["domain"] == [statuses.label("recorded"), statuses.label("modelled")]
    assert dash["range"] == [statuses.dash("recorded"), statuses.dash("modelled")]  # the screen's dashes
    colour = lines["encoding"]["color"]["scale"]
    palette = dataset.catalogue.palette
    assert colour["domain"] == ["Armley", "Leeds"] and colour["range"] == [palette.areas[0], palette.reference]
    assert lines["encoding"]["y"]["title"] == "Per 1,000 mid-2015 residents, each month"
    months = {r["period"] for r in rows if r["area"] == "Armley"}
    assert len(months) == 24 and min(months) == "2023-03-01" and max(months) == "2025-02-01"
    armley = area_monthly(dataset, "total_crime", ARMLEY, "rate")
    last = armley[armley["period"] == PERIOD.end]["shown"].item()
    assert any(r["y"] == pytest.approx(last) and r["status"] == "recorded" for r in rows)
    svg = render.svg(spec).decode()
    assert "Total recorded crime" in svg and "Armley and Leeds" in svg and "Modelled (estimate)" in svg
    assert "Source: police.uk street-level crime" in svg and "Rates are per 1,000 mid-2015 residents." in svg
    assert spec["description"] == (
        "Line chart of total recorded crime each month, Armley and Leeds, March 2023 to February 2025; "
        "dashed where modelled."
    )


def test_leeds_alone_shows_the_chosen_measure(dataset):
    lines, rows = lines_of(print_trend_chart(dataset, "total_crime", None, PERIOD, "count"))
    assert {r["area"] for r in rows} == {"Leeds"}
    assert lines["encoding"]["y"]["title"] == "Number, each month"


def test_the_outcome_target_is_drawn_for_feel_safe(dataset):
    svg = render.svg(print_trend_chart(dataset, "feel_safe", ARMLEY, PERIOD)).decode()
    assert "Outcome target: 85% feel safe" in svg and "% of respondents" in svg


def test_months_that_disclosure_control_hides_are_left_out_and_said_so(dataset):
    lsoa = "E01011698"
    spec = print_trend_chart(dataset, "hate_incidents", lsoa, PERIOD)
    _, rows = lines_of(spec)
    shown = {r["period"] for r in rows if r["area"] == "Leeds 001A"}
    counts = area_monthly(dataset, "hate_incidents", lsoa, "count")
    small = counts[counts["value"].between(1, 4) & (counts["period"] >= PERIOD.comparison().start)]
    assert len(small), "this small area has months of 1 to 4 incidents"
    assert not any(f"{m:%Y-%m-%d}" in shown for m in small["period"])
    rule = dataset.catalogue.disclosure
    assert f"Months with fewer than {rule.below} are not shown." in render.svg(spec).decode().replace("\n", " ")
