"""The shared selection: indicator lists narrow by priority and theme; the status line tells the truth."""

from __future__ import annotations

import pandas as pd
import pytest

from saferleeds.analysis.selection import (
    Selection,
    default_indicator,
    indicator_options,
    measure_help,
    measure_options,
    status_line,
)
from saferleeds.core.periods import Period


@pytest.mark.parametrize(
    ("priority", "theme", "expected_subset", "excluded"),
    [
        (None, None, {"total_crime", "drugs", "feel_safe"}, set()),
        ("offender", None, {"drugs", "reoffending", "possession_weapons"}, {"feel_safe", "hate_incidents"}),
        ("victim", "safeguarding", {"domestic_abuse", "violence_sexual"}, {"drugs", "hate_incidents"}),
        (None, "hate_tensions", {"hate_incidents", "public_order"}, {"burglary"}),
    ],
)
def test_indicator_options_narrow_to_priority_and_theme(dataset, priority, theme, expected_subset, excluded):
    ids = {i.id for i in indicator_options(dataset.catalogue, priority, theme)}
    assert expected_subset <= ids
    assert not excluded & ids


def test_key_indicators_come_first(dataset):
    options = indicator_options(dataset.catalogue, None, None)
    keys = [i.key for i in options]
    assert keys == sorted(keys, reverse=True)


def test_default_indicator_is_recorded_crime_when_offered(dataset):
    catalogue = dataset.catalogue
    assert default_indicator(catalogue, indicator_options(catalogue, None, None)).id == "total_crime"
    assert default_indicator(catalogue, indicator_options(catalogue, "victim", None)).id != "total_crime"
    assert default_indicator(catalogue, []) is None


def selection(indicator: str, start: str, end: str, area: str | None = None) -> Selection:
    return Selection(None, None, indicator, "ward", area, Period(pd.Timestamp(start), pd.Timestamp(end)), "count")


@pytest.mark.parametrize(
    ("indicator", "start", "end", "area", "expected"),
    [
        (
            "total_crime",
            "2024-03-01",
            "2025-02-01",
            None,
            "Total recorded crime for Leeds, March 2024 to February 2025: all of it is recorded data; for some wards, "
            "10 of the 12 months are estimated from recorded totals.",
        ),
        (
            "total_crime",
            "2025-02-01",
            "2025-02-01",
            "E05011385",
            "Total recorded crime for Armley, February 2025: all of it is recorded data.",
        ),
        (
            "total_crime",
            "2024-12-01",
            "2025-01-01",
            "E05011385",
            "Total recorded crime for Armley, December 2024 to January 2025: all of it is estimated from recorded totals.",
        ),
        (
            "total_crime",
            "2022-01-01",
            "2022-12-01",
            "E05011385",
            "Total recorded crime for Armley, January 2022 to December 2022: 7 of its 12 months are modelled, not "
            "recorded; 5 are estimated from recorded totals.",
        ),
        (
            "total_crime",
            "2021-08-01",
            "2022-07-01",
            None,
            "Total recorded crime for Leeds, August 2021 to July 2022: all of it is modelled, not recorded.",
        ),
        (
            "total_crime",
            "2022-07-01",
            "2022-08-01",
            None,
            "Total recorded crime for Leeds, July 2022 to August 2022: 1 of its 2 months is modelled, not recorded; "
            "for some wards, 1 of the 2 months is estimated from recorded totals.",
        ),
        (
            "feel_safe",
            "2025-02-01",
            "2025-02-01",
            None,
            "People who feel safe in their local area for Leeds, February 2025: all of it is modelled, not recorded.",
        ),
    ],
)
def test_status_line_says_what_is_shown_and_how_it_was_made(dataset, indicator, start, end, area, expected):
    assert status_line(dataset, selection(indicator, start, end, area)) == expected


def test_the_status_line_says_when_small_areas_are_estimated_though_leeds_is_recorded(dataset):
    chosen = Selection(
        None, None, "total_crime", "lsoa", None, Period(pd.Timestamp("2024-08-01"), pd.Timestamp("2025-07-01")), "count"
    )
    assert status_line(dataset, chosen).endswith(
        "all of it is recorded data; for small areas (LSOAs), 11 of the 12 months are estimated from recorded totals."
    )


def test_the_measures_are_a_number_and_a_rate_per_each_population(dataset):
    assert measure_options(dataset.catalogue) == {
        "count": "Number",
        "rate": "Rate per 1,000 residents",
        "workday_rate": "Rate per 1,000 workday population",
    }
    assert "workday population" in measure_help(dataset.catalogue) and "Census 2021" in measure_help(dataset.catalogue)
