"""Change tests, funnel limits, SPC and disclosure control, on numbers with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from saferleeds.analysis import stats

# ----------------------------------------------------------------------------- change


@pytest.mark.parametrize(
    ("current", "previous"),
    [(114, 100), (11400, 10000), (0, 5), (5, 0), (50, 50), (30, 10), (10, 30), (1, 0), (3, 4), (1000, 1100)],
)
def test_count_p_values_match_the_exact_binomial_test(current, previous):
    expected = sps.binomtest(current, current + previous, 0.5).pvalue
    got = stats.count_p_values(np.array([current]), np.array([previous]))[0]
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    ("current", "previous", "words", "direction"),
    [
        (11400, 10000, "up 14%, a significant increase", "up"),
        (8600, 10000, "down 14%, a significant decrease", "down"),
        (114, 100, "no significant change (up 14%)", "none"),
        (1001, 1000, "no significant change", "none"),
        (0, 0, "no significant change", "none"),
        (5, 0, "not enough data to compare", "unknown"),
    ],
)
def test_count_change_words(current, previous, words, direction):
    change = stats.count_change(current, previous)
    assert change.words() == words
    assert change.direction == direction


def test_proportion_change_is_a_two_proportion_z_test():
    change = stats.proportion_change(850, 1000, 800, 1000)
    assert change.change == pytest.approx(5.0)
    assert change.p_value == pytest.approx(0.0032563, rel=1e-4)  # z = 2.9424
    assert change.words() == "up 5.0 percentage points, a significant increase"
    flat = stats.proportion_change(801, 1000, 800, 1000)
    assert flat.words() == "no significant change (up 0.1 percentage points)"


def test_vectorised_changes_agree_with_the_scalar_tests():
    current = np.array([11400, 114, 0, 5, 1001])
    previous = np.array([10000, 100, 0, 0, 1000])
    for vector, (c, p) in zip(stats.changes(current, previous), zip(current, previous, strict=True), strict=True):
        scalar = stats.count_change(c, p)
        assert vector.words() == scalar.words()
        assert vector.direction == scalar.direction
    proportions = stats.changes(np.array([850.0]), np.array([800.0]), np.array([1000.0]), np.array([1000.0]))
    assert proportions[0].words() == stats.proportion_change(850, 1000, 800, 1000).words()


def test_changes_over_unequal_months_are_not_compared():
    result = stats.changes(np.array([120.0]), np.array([100.0]), comparable=np.array([False]))
    assert result[0].words() == "not enough data to compare"


@pytest.mark.parametrize(
    ("direction", "polarity", "judgement"),
    [
        ("up", "higher_is_worse", "worse"),
        ("down", "higher_is_worse", "better"),
        ("up", "higher_is_better", "better"),
        ("down", "higher_is_better", "worse"),
        ("none", "higher_is_worse", "neutral"),
        ("unknown", "higher_is_better", "neutral"),
        ("up", "context", "neutral"),
        ("down", "context", "neutral"),
    ],
)
def test_judgement_follows_polarity_and_context_is_always_neutral(direction, polarity, judgement):
    assert stats.judgement(direction, polarity) == judgement


# ----------------------------------------------------------------------------- funnel plots


@pytest.mark.parametrize(("probability", "z"), [(0.95, 1.959964), (0.998, 3.090232)])
def test_poisson_limits_approach_the_normal_limits_for_large_counts(probability, z):
    low, high = stats.poisson_limits(np.array([10_000.0]), probability)
    assert low[0] == pytest.approx(10_000 - z * 100, abs=2)
    assert high[0] == pytest.approx(10_000 + z * 100, abs=2)


@pytest.mark.parametrize("expected", [0.5, 4.0, 17.3, 250.0])
def test_poisson_limits_lie_between_neighbouring_exact_quantiles(expected):
    for probability in (0.95, 0.998):
        tail = (1 - probability) / 2
        low, high = stats.poisson_limits(np.array([expected]), probability)
        lower_quantile = sps.poisson.ppf(tail, expected)
        upper_quantile = sps.poisson.ppf(1 - tail, expected)
        assert max(lower_quantile - 1, 0) <= low[0] <= lower_quantile
        assert upper_quantile - 1 <= high[0] <= upper_quantile


@pytest.mark.parametrize(("probability", "z"), [(0.95, 1.959964), (0.998, 3.090232)])
def test_binomial_limits(probability, z):
    low, high = stats.binomial_limits(0.8, np.array([100.0, 1000.0]), probability)
    se = np.sqrt(0.16 / np.array([100.0, 1000.0]))
    np.testing.assert_allclose(low, 0.8 - z * se, rtol=1e-6)
    np.testing.assert_allclose(high, 0.8 + z * se, rtol=1e-6)


def test_funnel_verdicts_for_rates():
    # Target 10 per 1,000; with 1,000,000 residents the 95% limits are about 9,804-10,196 events
    # and the 99.8% limits about 9,691-10,309.
    observed = np.array([10_000, 10_300, 10_400, 9_700, 9_600])
    result = stats.funnel(observed, np.full(5, 1_000_000.0), "rate", 0.95, 0.998, target=0.01)
    assert list(result["verdict"]) == [
        "not significantly different from",
        "significantly above",
        "significantly above",
        "significantly below",
        "significantly below",
    ]
    assert list(result["beyond_outer"]) == [False, False, True, False, True]
    assert (result["outer_low"] < result["inner_low"]).all()
    assert (result["inner_high"] < result["outer_high"]).all()


def test_funnel_for_proportions_uses_the_pooled_figure_by_default():
    result = stats.funnel(np.array([80.0, 95.0, 60.0]), np.array([100.0, 100.0, 100.0]), "proportion")
    assert result["target"].iloc[0] == pytest.approx(235 / 300)
    assert list(result["position"]) == ["within", "above", "below"]


def test_funnels_narrow_as_the_base_grows():
    result = stats.funnel(np.array([10.0, 100.0, 1000.0]), np.array([1e3, 1e4, 1e5]), "rate", target=0.01)
    widths = (result["inner_high"] - result["inner_low"]).to_numpy()
    assert widths[0] > widths[1] > widths[2]


# ----------------------------------------------------------------------------- SPC


def test_spc_mean_and_limits_from_the_moving_range():
    values = [10, 12, 10, 12, 10, 30, 10, 12, 10, 12]
    chart = stats.spc(pd.Series(values))
    mean = sum(values) / len(values)
    moving_range = np.mean(np.abs(np.diff(values)))
    assert chart["mean"].iloc[0] == pytest.approx(12.8)
    assert moving_range == pytest.approx(6.0)
    assert chart["upper"].iloc[0] == pytest.approx(mean + 2.66 * moving_range)
    assert chart["lower"].iloc[0] == pytest.approx(max(mean - 2.66 * moving_range, 0))
    assert list(chart["signal"]) == ["", "", "", "", "", "outside", "", "", "", ""]


def test_spc_has_no_signal_on_common_cause_variation():
    chart = stats.spc(pd.Series([10, 12] * 6))
    assert (chart["signal"] == "").all()


def test_spc_marks_a_run_of_seven_on_each_side_of_the_mean_as_a_shift():
    values = [10, 11, 10, 11, 10, 11, 10, 12, 13, 12, 13, 12, 13, 12]
    chart = stats.spc(pd.Series(values), run_length=7)
    assert list(chart["signal"]) == ["shift_down"] * 7 + ["shift_up"] * 7
    six = stats.spc(pd.Series(values[1:-1]), run_length=7)
    assert (six["signal"] == "").all()


def test_spc_marks_six_points_in_a_row_rising_as_a_trend():
    values = [12, 10, 12, 10, 8, 9, 10, 11, 12, 13, 10, 12, 10, 12]
    chart = stats.spc(pd.Series(values), trend_length=6)
    assert list(chart["signal"]) == [""] * 4 + ["trend_up"] * 6 + [""] * 4
    falling = stats.spc(pd.Series([12, 10, 12, 10, 14, 13, 12, 11, 10, 9, 12, 10, 12, 10]), trend_length=6)
    assert list(falling["signal"][4:10]) == ["trend_down"] * 6


def test_spc_signal_words():
    assert stats.spc_signal_words("outside") == "outside the control limits"
    assert "7 or more months above the average" in stats.spc_signal_words("shift_up")
    assert "6 or more months in a row each higher" in stats.spc_signal_words("trend_up")
