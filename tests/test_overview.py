"""The plan on a page's tiles: sparklines keep disclosure control, and their numbers read as a table."""

from __future__ import annotations

import pytest

from saferleeds.analysis.aggregate import latest_period
from saferleeds.analysis.overview import plan_on_a_page, tile_table
from saferleeds.present.charts.time_series import sparkline_spec

pytestmark = pytest.mark.xdist_group("overview")  # one worker: see tests/README.md


def tile(dataset, area: str | None, indicator: str, measure: str = "count"):
    columns = plan_on_a_page(dataset, None, None, area, latest_period(dataset), measure)
    return next(t for column in columns for t in column.tiles if t.indicator.id == indicator)


def neighbourhood(dataset, name: str) -> str:
    areas = dataset.geography.level_areas("neighbourhood")
    return areas.loc[areas["name"] == name, "code"].iloc[0]


def test_a_sensitive_sparkline_of_a_priority_neighbourhood_never_carries_a_small_count(dataset):
    hate = tile(dataset, neighbourhood(dataset, "New Wortley"), "hate_incidents")
    assert hate.series["suppressed"].any()
    shown = hate.series["shown"].dropna()
    assert not shown.between(1, 4).any()
    values = [point["value"] for point in sparkline_spec(hate.series, dataset.catalogue.statuses)["data"]["values"]]
    assert len(values) == int((~hate.series["suppressed"]).sum())
    table = tile_table(hate, dataset.catalogue)
    assert set(table.loc[hate.series["suppressed"].to_numpy(), "Value (number)"]) == {"<5"}


def test_a_ward_sparkline_is_not_suppressed_and_says_what_it_shows(dataset):
    crime = tile(dataset, "E05011385", "total_crime", "rate")
    assert not crime.series["suppressed"].any()
    assert crime.series_name == "Armley"
    assert crime.sparkline_description().startswith(
        "Line chart of total recorded crime (per 1,000 residents (Census 2021)) for Armley each month, August 2023 to"
    )
    table = tile_table(crime, dataset.catalogue)
    assert table["Value (per 1,000 residents (Census 2021))"].iloc[0].endswith("per 1,000")
    assert set(table["Data"]) == {"Recorded", "Estimated"}  # Armley cuts through an MSOA; two street months


def test_the_tiles_fill_the_fewest_rows_that_fit_the_screen():
    from saferleeds.ui.tiles import tile_grid

    assert tile_grid([3, 2, 4]) == (2, [2, 1, 2])  # nine key indicators: two rows of five places
    assert tile_grid([4]) == (1, [4])
    assert tile_grid([2, 0, 0]) == (1, [2, 1, 1])  # an empty priority keeps a place for its note
    assert tile_grid([12]) == (3, [4])


def test_a_context_indicator_is_never_coloured_good_or_bad(dataset):
    from saferleeds.ui.tiles import tile_html

    colours = dataset.catalogue.palettes.judgement
    hate = tile(dataset, "E05011385", "hate_incidents")
    assert hate.area.judgement == "neutral"
    body = tile_html(hate, colours)
    assert colours["neutral"] in body and colours["worse"] not in body and colours["better"] not in body
    assert "(worse)" not in body and "(better)" not in body


def test_a_tile_reads_its_figure_change_status_and_the_leeds_figure(dataset):
    from saferleeds.ui.tiles import tile_html

    crime = tile(dataset, "E05011385", "total_crime")
    body = tile_html(crime, dataset.catalogue.palettes.judgement)
    assert f"Armley: </span>{crime.area.value_text}" in body  # the area is named for screen readers
    assert f"Leeds: {crime.leeds.value_text}" in body
    assert crime.area.change_words.split(" ")[0] in body.lower()
    assert 'class="sl-status"' in body


def test_the_page_tables_hold_every_tile_and_keep_disclosure_control(dataset):
    from saferleeds.analysis.overview import plan_table, sparkline_table

    columns = plan_on_a_page(
        dataset, None, None, neighbourhood(dataset, "New Wortley"), latest_period(dataset), "count"
    )
    figures = plan_table(columns, dataset.catalogue)
    assert len(figures) == 18 and set(figures["Area"]) == {"New Wortley", "Leeds"}
    months = sparkline_table(columns, dataset.catalogue)
    hate = months[months["Indicator"] == dataset.catalogue.indicator("hate_incidents").label]
    assert "<5" in set(hate["Value"]) and not hate["Value"].isin(["1", "2", "3", "4"]).any()
