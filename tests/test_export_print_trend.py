"""The print trend chart: the area beside Leeds as rates, each status in the catalogue's dash and words."""

from __future__ import annotations

import html

import pytest

from saferleeds.analysis.aggregate import area_monthly
from saferleeds.analysis.area_summary import area_row
from saferleeds.core.geography import CITY_CODE
from saferleeds.core.text import sentence_case
from saferleeds.present.export import render
from saferleeds.present.export.print_trend import LINES_DATASET, print_trend_chart
from tests.packs import ARMLEY, PERIOD

WINDOW_START = PERIOD.comparison().start


def flat(layers: list[dict]) -> list[dict]:
    return [leaf for layer in layers for leaf in (flat(layer["layer"]) if "layer" in layer else [layer])]


def lines_of(spec: dict) -> tuple[dict, list[dict]]:
    layers = flat(spec["vconcat"][0]["layer"])
    lines = next(layer for layer in layers if layer.get("data", {}).get("name") == LINES_DATASET)
    return lines, spec["datasets"][LINES_DATASET]


def test_the_area_is_compared_with_leeds_as_rates_with_estimated_months_dashed(dataset):
    spec = print_trend_chart(dataset, "total_crime", ARMLEY, PERIOD)
    lines, rows = lines_of(spec)
    statuses = dataset.catalogue.statuses
    rates = dataset.catalogue.rates
    assert {r["area"] for r in rows} == {"Armley", "Leeds"}
    assert {r["status"] for r in rows} == {"recorded", "estimated"}  # a ward: the sum of estimated small areas
    dash = lines["encoding"]["strokeDash"]["scale"]
    assert dash["domain"] == [statuses.label("recorded"), statuses.label("estimated")]
    assert dash["range"] == [statuses.dash("recorded"), statuses.dash("estimated")]  # the screen's dashes
    colour = lines["encoding"]["color"]["scale"]
    palette = dataset.catalogue.palette
    assert colour["domain"] == ["Armley", "Leeds"] and colour["range"] == [palette.areas[0], palette.reference]
    assert lines["encoding"]["y"]["title"] == f"{sentence_case(rates.with_population)}, each month"
    months = {r["period"] for r in rows if r["area"] == "Armley"}
    assert len(months) == 24 and min(months) == "2023-08-01" and max(months) == "2025-07-01"
    armley = area_monthly(dataset, "total_crime", ARMLEY, "rate")
    armley = armley[armley["period"] >= WINDOW_START]
    assert set(armley["status"]) == {"recorded", "estimated"}
    drawn = {(r["period"], r["status"]): r["y"] for r in rows if r["area"] == "Armley"}
    for _, month in armley.iterrows():  # every month, as the screen shows it, in its own status
        assert drawn[(f"{month['period']:%Y-%m-%d}", month["status"])] == pytest.approx(month["shown"])
    svg = render.svg(spec).decode()
    assert "Total recorded crime" in svg and "Armley and Leeds" in svg and statuses.label("estimated") in svg
    assert "Source: police.uk street-level crime" in svg
    assert f"Rates are {rates.with_population}." in " ".join(svg.split())
    assert spec["description"] == (
        "Line chart of total recorded crime each month, Armley and Leeds, August 2023 to July 2025; "
        "dashed where estimated or modelled."
    )


def test_leeds_alone_shows_the_chosen_measure(dataset):
    lines, rows = lines_of(print_trend_chart(dataset, "total_crime", None, PERIOD, "count"))
    assert {r["area"] for r in rows} == {"Leeds"}
    assert lines["encoding"]["y"]["title"] == "Number, each month"


def test_the_outcome_target_is_drawn_for_feel_safe(dataset):
    svg = render.svg(print_trend_chart(dataset, "feel_safe", ARMLEY, PERIOD)).decode()
    assert "Outcome target: 85% feel safe" in svg and "% of respondents" in svg


def twelve_month_totals(dataset, indicator_id: str, code: str):
    """The true total of the 12 months to each month, by month."""
    counts = area_monthly(dataset, indicator_id, code, "count").set_index("period")["value"]
    return counts.rolling(12).sum()


def test_small_areas_are_drawn_as_12_month_averages_without_hidden_totals_and_said_so(dataset):
    # sensitive counts of small areas are published for 12 months at a time (rounded to the nearest 5,
    # "<5" when small): no month of the area is drawn, only the published 12-month figures
    lsoa = "E01011286"
    rule = dataset.catalogue.disclosure
    spec = print_trend_chart(dataset, "hate_incidents", lsoa, PERIOD)
    lines, rows = lines_of(spec)
    name = dataset.geography.name(lsoa)
    drawn = {r["period"]: r["y"] for r in rows if r["area"] == name}
    totals = twelve_month_totals(dataset, "hate_incidents", lsoa)
    totals = totals[totals.index >= WINDOW_START]
    small = totals[totals.between(1, rule.below - 1)]
    assert len(small) and (totals >= 2 * rule.round_to).any(), "this small area has small and larger 12-month totals"
    assert not any(f"{m:%Y-%m-%d}" in drawn for m in small.index)
    population = area_row(dataset, "hate_incidents", lsoa, PERIOD)["population"]
    assert len(drawn) >= 8
    for y in drawn.values():  # a 12-month average of a count rounded to the nearest 5
        count = y * 12 * population / dataset.catalogue.rates.per
        assert count == pytest.approx(rule.round_to * round(count / rule.round_to), abs=1e-6) and count >= rule.below
    # Leeds beside it is drawn the same way, so the two lines compare
    leeds = {r["period"]: r["y"] for r in rows if r["area"] == "Leeds" and r["period"] == "2025-07-01"}
    city = twelve_month_totals(dataset, "hate_incidents", CITY_CODE)[PERIOD.end]
    leeds_population = area_row(dataset, "hate_incidents", CITY_CODE, PERIOD)["population"]
    assert leeds["2025-07-01"] == pytest.approx(city / 12 / leeds_population * dataset.catalogue.rates.per)
    assert lines["encoding"]["y"]["title"].endswith(", 12-month average")
    assert spec["description"].startswith("Line chart of the 12-month average of hate-related incidents reported")
    svg = html.unescape(" ".join(render.svg(spec).decode().split()))
    assert "each point is the average of the 12 months to it" in svg
    assert f"Months whose 12-month total is {rule.shown_as} or {rule.withheld_as} are not shown." in svg


def test_a_line_is_broken_where_months_are_left_out(dataset):
    spec = print_trend_chart(dataset, "hate_incidents", "E01011698", PERIOD)
    _, rows = lines_of(spec)
    name = dataset.geography.name("E01011698")
    pieces: dict[str, list[str]] = {}
    for row in rows:
        if row["area"] == name:
            pieces.setdefault(row["segment"], []).append(row["period"])
    months = {period: number for number, period in enumerate(sorted({r["period"] for r in rows}))}
    for periods in pieces.values():  # every piece of the line runs over months in a row
        numbers = sorted(months[p] for p in periods)
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    assert len(pieces) >= 2
