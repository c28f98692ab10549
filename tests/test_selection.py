"""The shared selection: indicator lists narrow by priority and theme; the status line tells the truth."""

from __future__ import annotations

import pandas as pd
import pytest

from saferleeds.analysis.selection import Selection, default_indicator, indicator_options, status_line
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
            "Total recorded crime for Leeds, March 2024 to February 2025: 11 of its 12 months are modelled, not recorded.",
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
            None,
            "Total recorded crime for Leeds, December 2024 to January 2025: all of it is modelled, not recorded.",
        ),
        (
            "total_crime",
            "2025-01-01",
            "2025-02-01",
            None,
            "Total recorded crime for Leeds, January 2025 to February 2025: 1 of its 2 months is modelled, not recorded.",
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
def test_status_line_says_what_is_shown_and_what_is_modelled(dataset, indicator, start, end, area, expected):
    assert status_line(dataset, selection(indicator, start, end, area)) == expected
