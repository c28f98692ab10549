"""The indicator catalogue table, its search, and how each number is made."""

from __future__ import annotations

import pytest

from saferleeds.present.provenance import (
    CATALOGUE_COLUMNS,
    catalogue_table,
    modelled_explanation,
    next_police_uk_month,
    search_catalogue,
    upload_limits,
)


def test_every_indicator_has_every_fact(dataset):
    table = catalogue_table(dataset)
    assert list(table.columns) == list(CATALOGUE_COLUMNS)
    assert len(table) == len(dataset.catalogue.indicators)
    assert not (table == "").any().any()
    hate = table[table["Indicator"] == "Hate-related incidents reported"].iloc[0]
    assert hate["Polarity"].startswith("neither")
    assert hate["Status"] == "modelled: April 2016 to July 2025"
    assert hate["Periods covered"] == "April 2016 to July 2025"
    crime = table[table["Indicator"] == "Total recorded crime"].iloc[0]
    assert crime["Status"] == (
        "recorded: August 2022 to July 2025; estimated: August 2022 to February 2024, April 2024 to January 2025, "
        "March 2025 to July 2025; modelled: April 2016 to July 2022"
    )
    assert "Keeping people safe from harm" in hate["Priorities"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("burglary", {"Burglary"}),
        ("SURVEY", {"People who feel safe in their local area", "Public satisfaction and confidence"}),
        ("re-offending ministry", {"Proven re-offending"}),
        ("", None),
        ("no such words here", set()),
    ],
)
def test_search_matches_every_word_in_any_column(dataset, query, expected):
    table = catalogue_table(dataset)
    found = search_catalogue(table, query)
    assert (set(found["Indicator"]) if expected is not None else len(found)) == (
        expected if expected is not None else len(table)
    )


def test_every_status_is_explained_for_this_dataset(dataset):
    paragraphs = modelled_explanation(dataset)
    text = " ".join(paragraphs)
    for status in dataset.catalogue.statuses:
        assert f"**{status.label}**: {status.meaning}" in text
    assert "March 2024 and February 2025" in text and "August 2022 to July 2025" in text
    assert "seed 2018" in text and "95,011" in text
    assert "9 of the 33 wards" in text and "1 of the 8 parliamentary constituencies" in text
    assert "Leeds City Centre has 9,530 residents but 43,740 people there on a working day" in text
    assert "Entirely modelled: People who feel safe in their local area" in text
    assert "266,448 estimated" in text and "73,062 recorded" in text


def test_the_next_month_to_fetch_and_the_stated_limits(dataset):
    assert next_police_uk_month(dataset) == "2025-08"
    assert "200 MB" in upload_limits()
