"""The two or three sentences each indicator gets in a board pack."""

from __future__ import annotations

import re

import pytest

from saferleeds.analysis.area_summary import area_row, city_figures, summarise
from saferleeds.analysis.disclosure import period_counts
from saferleeds.present.export.sentences import lead_and_rest, summary_sentences
from tests.packs import ARMLEY, PERIOD

pytestmark = pytest.mark.xdist_group("board-pack")  # one worker: see tests/README.md

CHAPEL_ALLERTON = "E05011390"
LITTLE_LONDON = "E05011403"  # Little London & Woodhouse


def true_count(dataset, indicator_id: str, code: str) -> float:
    """An area's count over PERIOD before disclosure control."""
    counts = period_counts(dataset, indicator_id, PERIOD)
    return float(counts.loc[counts["code"] == code, "count"].item())


def gives(text: str, count: float) -> bool:
    """Whether the words give the number (as a whole number of its own, the period's years aside)."""
    return bool(re.search(rf"(?<![\d.,]){count:.0f}(?![\d.,])", text.replace(PERIOD.label(), "")))


def test_an_area_gets_its_figure_its_change_and_how_it_compares_with_leeds(dataset):
    row = area_row(dataset, "total_crime", ARMLEY, PERIOD)
    sentences = summary_sentences(dataset, "total_crime", ARMLEY, PERIOD)
    assert len(sentences) == 3
    assert sentences[0] == (
        f"Recorded crime in Armley, {PERIOD.label()}: {row['count']:,.0f} "
        f"({1000 * row['count'] / row['population']:,.1f} per 1,000 residents)."
    )
    assert sentences[1] == f"Compared with the same months a year earlier: {row['change_words']}."
    leeds_rate = city_figures(dataset, "total_crime", PERIOD, "rate")["value"]
    assert sentences[2] == (
        f"Armley is {row['verdict']} the Leeds average ({leeds_rate:,.1f} per 1,000 residents), allowing for its size."
    )


def test_leeds_gets_its_status_instead_of_a_comparison(dataset):
    sentences = summary_sentences(dataset, "total_crime", None, PERIOD)
    assert sentences[0].startswith("Recorded crime in Leeds, August 2024 to July 2025: ")
    assert "a significant decrease" in sentences[1]
    assert sentences[2] == "These figures are recorded."
    assert summary_sentences(dataset, "feel_safe", None, PERIOD)[2].startswith("These figures are modelled.")


def test_a_rise_in_reporting_is_explained_for_context_indicators(dataset):
    assert area_row(dataset, "hate_incidents", CHAPEL_ALLERTON, PERIOD)["change_direction"] == "up"
    sentences = summary_sentences(dataset, "hate_incidents", CHAPEL_ALLERTON, PERIOD)
    assert "a significant increase" in sentences[1]
    assert sentences[1].endswith("A rise can mean more people have the confidence to report.")


def test_the_outcome_target_is_said_to_be_met_or_not(dataset):
    sentences = summary_sentences(dataset, "feel_safe", ARMLEY, PERIOD)
    value = area_row(dataset, "feel_safe", ARMLEY, PERIOD)["value"]
    verdict = "met" if value >= 85 else "not met"
    assert sentences[2].endswith(f"Outcome target: 85% feel safe ({verdict}).")
    assert "allowing for the number of people asked" in sentences[2]


def test_small_counts_are_described_without_any_figure_or_change(dataset):
    table = summarise(dataset, "hate_incidents", "neighbourhood", PERIOD)
    hidden = table[table["disclosure"] == "hidden"].iloc[0]
    sentences = summary_sentences(dataset, "hate_incidents", hidden["code"], PERIOD)
    assert sentences[0].endswith(": fewer than 5.")
    assert "no change is shown" in sentences[1]
    text = " ".join(sentences)
    assert not gives(text, true_count(dataset, "hate_incidents", hidden["code"])) and "%" not in text


def test_a_withheld_count_is_said_to_be_withheld_not_small(dataset):
    table = summarise(dataset, "hate_incidents", "lsoa", PERIOD)
    withheld = table[table["disclosure"] == "withheld"].iloc[0]
    count = true_count(dataset, "hate_incidents", withheld["code"])
    assert count >= 5  # a partner of a small count: not small itself
    sentences = summary_sentences(dataset, "hate_incidents", withheld["code"], PERIOD)
    assert sentences[0].endswith(": withheld, so that small numbers elsewhere cannot be worked out.")
    assert sentences[1] == "No change is shown, to protect privacy."
    text = " ".join(sentences)
    assert "fewer than" not in text and not gives(text, count) and "%" not in text


def test_rounded_counts_say_so(dataset):
    table = summarise(dataset, "hate_incidents", "neighbourhood", PERIOD)
    shown = table[table["disclosure"] == "rounded"].iloc[0]
    sentences = summary_sentences(dataset, "hate_incidents", shown["code"], PERIOD)
    assert f": {shown['count']:,.0f} (rounded to the nearest 5; " in sentences[0]


def test_an_indicator_not_published_for_the_area_says_so_and_gives_leeds(dataset):
    sentences = summary_sentences(dataset, "reoffending", ARMLEY, PERIOD)
    assert sentences[0] == "Proven re-offending is not published for wards, so Armley has no figure of its own."
    assert sentences[1].startswith("For Leeds as a whole it was ") and "%" in sentences[1]


def test_no_change_is_given_when_the_year_before_was_a_small_count(dataset):
    table = summarise(dataset, "hate_incidents", "lsoa", PERIOD)
    shown = table[~table["suppressed"]]
    case = shown[shown["previous_disclosure"] == "hidden"].iloc[0]
    sentences = summary_sentences(dataset, "hate_incidents", case["code"], PERIOD)
    assert sentences[1] == "No change is shown: the figure for the same months a year earlier is too small to give."
    assert case["change_words"] not in " ".join(sentences)
    case = shown[shown["previous_disclosure"] == "withheld"].iloc[0]
    sentences = summary_sentences(dataset, "hate_incidents", case["code"], PERIOD)
    assert sentences[1] == (
        "No change is shown: the figure for the same months a year earlier is withheld, so that small numbers "
        "cannot be worked out."
    )


def test_the_sentence_that_matters_comes_first(dataset):
    # Little London & Woodhouse is significantly above Leeds for recorded crime: the comparison leads
    assert area_row(dataset, "total_crime", LITTLE_LONDON, PERIOD)["verdict"] == "significantly above"
    sentences = summary_sentences(dataset, "total_crime", LITTLE_LONDON, PERIOD)
    lead, rest = lead_and_rest(dataset, "total_crime", LITTLE_LONDON, PERIOD)
    assert lead == sentences[2] and rest == (sentences[0], sentences[1])
    # Armley's recorded crime fell significantly and is not significantly different from Leeds: the change leads
    sentences = summary_sentences(dataset, "total_crime", ARMLEY, PERIOD)
    lead, rest = lead_and_rest(dataset, "total_crime", ARMLEY, PERIOD)
    assert lead == sentences[1] and "a significant decrease" in lead and rest == (sentences[0], sentences[2])
    # Leeds changed significantly: the change leads
    sentences = summary_sentences(dataset, "total_crime", None, PERIOD)
    lead, rest = lead_and_rest(dataset, "total_crime", None, PERIOD)
    assert lead == sentences[1] and "a significant decrease" in lead and rest == (sentences[0], sentences[2])
    # nothing stands out: the figure leads
    sentences = summary_sentences(dataset, "asb", ARMLEY, PERIOD)
    assert lead_and_rest(dataset, "asb", ARMLEY, PERIOD) == (sentences[0], tuple(sentences[1:]))
