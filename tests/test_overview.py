"""The plan on a page's tiles: sparklines keep disclosure control, and their numbers read as a table."""

from __future__ import annotations

from saferleeds.analysis.aggregate import latest_period
from saferleeds.analysis.overview import plan_on_a_page, tile_table
from saferleeds.present.charts.time_series import sparkline_spec


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
