"""The indicator catalogue table, its search, and what 'modelled' means."""

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
    assert hate["Status"] == "modelled: April 2016 to February 2025"
    assert hate["Periods covered"] == "April 2016 to February 2025"
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


def test_modelled_is_explained_for_this_dataset(dataset):
    text = " ".join(modelled_explanation(dataset))
    assert "February 2025" in text and "seed" in text and "95,011" in text
    assert "Entirely modelled: People who feel safe in their local area" in text


def test_the_next_month_to_fetch_and_the_stated_limits(dataset):
    assert next_police_uk_month(dataset) == "2025-03"
    assert "200 MB" in upload_limits()
