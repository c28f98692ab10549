"""The plain-English summary, on constructed cases whose right words are known."""

from __future__ import annotations

import pandas as pd
import pytest

from saferleeds.analysis.narrative import MADE_POINT, Fact, biggest_changes, facts_for_area, write_summary
from saferleeds.core.periods import Period
from tests.builders import every_ward, rows, with_values

ARMLEY = "E05011385"


def fact(name: str, direction: str = "none", change: float | None = 0.01, **overrides) -> Fact:
    values = {
        "indicator_id": name.replace(" ", "_"),
        "name": name,
        "polarity": "higher_is_worse",
        "available": True,
        "direction": direction,
        "change": change,
        "change_unit": "relative",
        "change_words": "",
        "comparison": "within",
        "status": "recorded",
        "months": 12,
        "modelled_months": 0,
        "current_text": "110",
        "previous_text": "100",
    }
    values.update(overrides)
    return Fact(**values)


@pytest.mark.parametrize(
    ("case", "facts", "expected"),
    [
        (
            "rise",
            [fact("burglary", "up", 0.25), fact("robbery")],
            {"Up": "burglary (up 25%, worse) rose significantly.", "Down": "nothing fell significantly."},
        ),
        (
            "fall",
            [
                fact("burglary", "down", -0.2),
                fact("feel safe", "down", -3.0, change_unit="points", polarity="higher_is_better"),
            ],
            {
                "Up": "nothing rose significantly.",
                "Down": "burglary (down 20%, better) and feel safe (down 3.0 percentage points, worse) fell "
                "significantly.",
            },
        ),
        (
            "no change",
            [fact("burglary"), fact("robbery", change=-0.02)],
            {
                "Up": "nothing rose significantly.",
                "Down": "nothing fell significantly.",
                "No significant change": "in any of the 2 indicators.",
            },
        ),
        (
            "sparse data",
            [fact("burglary", "unknown", None, months=5), fact("robbery", "unknown", None, months=5)],
            {"Change": "there is not enough data to say what has gone up or down."},
        ),
        (
            "partly sparse",
            [fact("burglary", "up", 0.3), fact("robbery", "unknown", None)],
            {"Not enough data": "to compare robbery with a year earlier."},
        ),
        (
            "modelled",
            [fact("feel safe", modelled_months=12), fact("burglary", modelled_months=11)],
            {
                MADE_POINT: "feel safe is modelled, not recorded data; for the other indicators, 11 of the "
                "12 months are modelled."
            },
        ),
        ("all recorded", [fact("burglary")], {MADE_POINT: "none: every figure here is recorded data."}),
        (
            "context indicator",
            [fact("hate incidents", "up", 0.1, polarity="context")],
            {
                "Up": "hate incidents (up 10%, more reports can mean more people feel confident to report) rose "
                "significantly."
            },
        ),
    ],
)
def test_summary_points(case, facts, expected):
    summary = write_summary("Armley", "March 2024 to February 2025", facts)
    for label, words in expected.items():
        assert summary.point(label) == words, case


def test_the_leeds_comparison_names_what_is_above_and_below():
    facts = [
        fact("recorded crime", comparison="above"),
        fact("burglary", comparison="above"),
        fact("feel safe", comparison="below"),
        fact("robbery", comparison="within"),
    ]
    summary = write_summary("Armley", "2024", facts)
    assert summary.point("Against Leeds") == (
        "significantly above the Leeds average for recorded crime and burglary; significantly below it for feel safe; "
        "not significantly different for the other 1 (crimes and incidents compared per resident)."
    )
    level = write_summary("Armley", "2024", [fact("robbery", comparison="within")])
    assert level.point("Against Leeds") == "not significantly different from the Leeds average on any indicator."
    city = write_summary("Leeds", "2024", facts, compared_with_leeds=False)
    assert city.point("Against Leeds") == "" and "Leeds average" not in city.headline


def test_long_lists_are_cut_short_so_the_summary_stays_quick_to_read():
    facts = [fact(f"crime {i}", "up", 0.1 * (i + 1)) for i in range(6)]
    words = write_summary("Armley", "2024", facts).point("Up")
    assert words.startswith("crime 5 (up 60%, worse), crime 4 (up 50%, worse), crime 3 (up 40%, worse) and 3 more")


def test_no_data_at_all_says_so():
    summary = write_summary("Armley", "2024", [fact("burglary", available=False, months=0)])
    assert summary.headline == "There is no data for Armley for 2024."


def test_biggest_changes_put_significant_ones_first_and_say_when_a_change_is_not_significant():
    facts = [
        fact("burglary", "none", 0.4, current_text="140", previous_text="100"),
        fact("robbery", "up", 0.1, current_text="110", previous_text="100"),
        fact("drugs", "down", -0.3),
        fact("theft", "none", 0.05),
        fact("arson", "none", 0.02),
    ]
    assert biggest_changes(facts, "up") == [
        "Robbery rose 10%, from 100 to 110: a significant increase (worse).",
        "Burglary rose 40%, from 100 to 140: not a significant change.",
        "Theft rose 5%, from 100 to 110: not a significant change.",
    ]
    assert biggest_changes(facts, "down") == ["Drugs fell 30%, from 100 to 110: a significant decrease (better)."]


@pytest.fixture(scope="module")
def constructed(dataset):
    """Burglary up by half in Armley, steady elsewhere; robbery steady; drugs for only part of a year."""
    values = pd.concat(
        [
            every_ward(dataset, "burglary", 20, special={ARMLEY: [100] * 12 + [150] * 12}),
            every_ward(dataset, "robbery", 20),
            rows("drugs", ARMLEY, [30] * 18),
            rows("feel_safe", ARMLEY, [96] * 24, status="modelled", denominators=[120] * 24),
        ],
        ignore_index=True,
    )
    return with_values(dataset, values)


def test_facts_for_an_area_come_from_its_numbers(constructed):
    period = Period(pd.Timestamp("2023-03-01"), pd.Timestamp("2024-02-01"))
    facts = {f.indicator_id: f for f in facts_for_area(constructed, ARMLEY, period)}
    # Half as many again, over 366 days against 365 (February 2024): the daily rate rose 49.6%.
    assert facts["burglary"].direction == "up" and facts["burglary"].change == pytest.approx(1.5 * 365 / 366 - 1)
    assert facts["burglary"].comparison == "above" and facts["burglary"].current_text == "1,800"
    assert facts["robbery"].direction == "none"
    assert facts["drugs"].direction == "unknown"  # six months of the period are missing
    assert facts["feel_safe"].fully_modelled and facts["feel_safe"].change_unit == "points"
    summary = write_summary("Armley", period.label(), list(facts.values()))
    assert summary.point("Up") == "burglary (up 50%, worse) rose significantly."
    assert summary.point("Not enough data") == "to compare drug offences with a year earlier."
    assert summary.point(MADE_POINT).startswith("feel safe is modelled, not recorded data")
