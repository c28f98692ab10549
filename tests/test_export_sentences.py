"""The two or three sentences each indicator gets in a board pack."""

from __future__ import annotations

import pandas as pd
import pytest

from saferleeds.analysis.area_summary import area_row, city_figures, summarise
from saferleeds.core.periods import Period
from saferleeds.present.export.sentences import lead_and_rest, summary_sentences
from tests.packs import ARMLEY, PERIOD

pytestmark = pytest.mark.xdist_group("board-pack")  # one worker: see tests/README.md

HUNSLET = "E05011399"


def test_an_area_gets_its_figure_its_change_and_how_it_compares_with_leeds(dataset):
    row = area_row(dataset, "total_crime", ARMLEY, PERIOD)
    sentences = summary_sentences(dataset, "total_crime", ARMLEY, PERIOD)
    assert len(sentences) == 3
    assert sentences[0] == (
        f"Recorded crime in Armley, March 2024 to February 2025: {row['count']:,.0f} "
        f"({1000 * row['count'] / row['population']:,.1f} per 1,000 residents)."
    )
    assert sentences[1] == f"Compared with the same months a year earlier: {row['change_words']}."
    leeds_rate = city_figures(dataset, "total_crime", PERIOD, "rate")["value"]
    assert sentences[2] == (
        f"Armley is {row['verdict']} the Leeds average ({leeds_rate:,.1f} per 1,000 residents), allowing for its size."
    )


def test_leeds_gets_its_status_instead_of_a_comparison(dataset):
    sentences = summary_sentences(dataset, "total_crime", None, PERIOD)
    assert sentences[0].startswith("Recorded crime in Leeds, March 2024 to February 2025: ")
    assert "a significant decrease" in sentences[1]
    assert sentences[2] == "These figures are partly modelled (11 of 12 months)."


def test_a_rise_in_reporting_is_explained_for_context_indicators(dataset):
    assert area_row(dataset, "hate_incidents", HUNSLET, PERIOD)["change_direction"] == "up"
    sentences = summary_sentences(dataset, "hate_incidents", HUNSLET, PERIOD)
    assert "a significant increase" in sentences[1]
    assert sentences[1].endswith("A rise can mean more people have the confidence to report.")


def test_the_outcome_target_is_said_to_be_met_or_not(dataset):
    sentences = summary_sentences(dataset, "feel_safe", ARMLEY, PERIOD)
    value = area_row(dataset, "feel_safe", ARMLEY, PERIOD)["value"]
    verdict = "met" if value >= 85 else "not met"
    assert sentences[2].endswith(f"Outcome target: 85% feel safe ({verdict}).")
    assert "allowing for the number of people asked" in sentences[2]


def test_small_counts_are_described_without_any_figure_or_change(dataset):
    month = Period(pd.Timestamp("2025-02-01"), pd.Timestamp("2025-02-01"))
    table = summarise(dataset, "hate_incidents", "neighbourhood", month)
    hidden = table[table["suppressed"]].iloc[0]
    sentences = summary_sentences(dataset, "hate_incidents", hidden["code"], month)
    assert sentences[0].endswith(": fewer than 5.")
    assert "no change is shown" in sentences[1]
    text = " ".join(sentences)
    assert str(int(hidden["count"])) + " " not in text and "%" not in text


def test_an_indicator_not_published_for_the_area_says_so_and_gives_leeds(dataset):
    sentences = summary_sentences(dataset, "reoffending", ARMLEY, PERIOD)
    assert sentences[0] == "Proven re-offending is not published for wards, so Armley has no figure of its own."
    assert sentences[1].startswith("For Leeds as a whole it was ") and "%" in sentences[1]


def test_no_change_is_given_when_the_year_before_was_a_small_count(dataset):
    month = Period(pd.Timestamp("2025-02-01"), pd.Timestamp("2025-02-01"))
    table = summarise(dataset, "hate_incidents", "neighbourhood", month)
    case = table[~table["suppressed"] & table["previous_count"].between(1, 4)].iloc[0]
    sentences = summary_sentences(dataset, "hate_incidents", case["code"], month)
    assert sentences[1] == "No change is shown: the figure for the same months a year earlier is too small to give."
    assert case["change_words"] not in " ".join(sentences)


def test_the_sentence_that_matters_comes_first(dataset):
    # Armley is significantly above Leeds for recorded crime, with no significant change: the comparison leads
    sentences = summary_sentences(dataset, "total_crime", ARMLEY, PERIOD)
    lead, rest = lead_and_rest(dataset, "total_crime", ARMLEY, PERIOD)
    assert lead == sentences[2] and rest == (sentences[0], sentences[1])
    # Leeds changed significantly: the change leads
    sentences = summary_sentences(dataset, "total_crime", None, PERIOD)
    lead, rest = lead_and_rest(dataset, "total_crime", None, PERIOD)
    assert lead == sentences[1] and "a significant decrease" in lead and rest == (sentences[0], sentences[2])
    # nothing stands out: the figure leads
    sentences = summary_sentences(dataset, "asb", ARMLEY, PERIOD)
    assert lead_and_rest(dataset, "asb", ARMLEY, PERIOD) == (sentences[0], tuple(sentences[1:]))
