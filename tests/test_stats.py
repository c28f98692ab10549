"""Change tests and many comparisons at once, against published worked examples, independent
implementations and simulated data whose truth is known."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats import rates
from statsmodels.stats.multitest import multipletests

from saferleeds.analysis import stats

# ----------------------------------------------------------------------------- change over exposure


@pytest.mark.parametrize(
    ("current", "previous"),
    [(114, 100), (11400, 10000), (0, 5), (5, 0), (50, 50), (30, 10), (10, 30), (1, 0), (3, 4), (1000, 1100)],
)
def test_equal_exposures_give_the_exact_binomial_test(current, previous):
    expected = sps.binomtest(current, current + previous, 0.5).pvalue
    got = stats.rate_p_values(np.array([current]), np.array([previous]))[0]
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize(
    ("current", "e1", "previous", "e0"),
    [(28_000, 28, 29_000, 29), (120, 365, 100, 366), (7, 1.2, 0, 1.0), (40, 2.0, 25, 1.0), (2900, 29, 2800, 28)],
)
def test_unequal_exposures_agree_with_statsmodels_exact_conditional_test(current, e1, previous, e0):
    expected = rates.test_poisson_2indep(current, e1, previous, e0, method="exact-cond").pvalue
    got = stats.rate_p_values(np.array([current]), np.array([previous]), np.array([e1]), np.array([e0]))[0]
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_the_vectorised_two_sided_binomial_test_agrees_with_scipy():
    from saferleeds.analysis.stats.change import binomial_p_values

    rng = np.random.default_rng(10)
    n = rng.integers(1, 3000, 400)
    p = rng.uniform(0.02, 0.98, 400)
    k = np.clip(np.rint(rng.normal(n * p, 2 * np.sqrt(n * p * (1 - p)))), 0, n)
    expected = [sps.binomtest(int(a), int(b), c).pvalue for a, b, c in zip(k, n, p, strict=True)]
    np.testing.assert_allclose(binomial_p_values(k, n, p), expected, rtol=1e-7, atol=1e-14)


def test_a_shorter_february_at_the_same_daily_rate_is_no_change():
    # 1,000 a day: 28,000 in February 2025 against 29,000 in February 2024 (a leap year).
    ignoring_days = stats.count_change(28_000, 29_000)
    assert ignoring_days.words() == "down 3%, a significant decrease"  # the mistake the exposure fixes
    allowing = stats.count_change(28_000, 29_000, current_exposure=28, previous_exposure=29)
    assert allowing.change == pytest.approx(0.0) and allowing.p_value == pytest.approx(1.0)
    assert allowing.words() == "no significant change"


def test_the_change_is_that_of_the_rate_per_resident_day():
    change = stats.count_change(1_100, 1_000, current_exposure=2.2, previous_exposure=2.0)  # 10% more people
    assert change.change == pytest.approx(0.0, abs=1e-12)
    assert change.words() == "no significant change"


@pytest.mark.parametrize(
    ("current", "previous", "words", "direction"),
    [
        (11400, 10000, "up 14%, a significant increase", "up"),
        (8600, 10000, "down 14%, a significant decrease", "down"),
        (114, 100, "no significant change (up 14%)", "none"),
        (1001, 1000, "no significant change (up 0.1%)", "none"),
        (1_003_000, 1_000_000, "up 0.3%, a significant increase", "up"),
        (10_000_200, 10_000_000, "no significant change (up less than 0.1%)", "none"),
        (0, 0, "none in either period", "none"),
        (12, 0, "up from 0, a significant increase", "up"),
        (3, 0, "no significant change (up from 0)", "none"),
    ],
)
def test_change_words(current, previous, words, direction):
    change = stats.count_change(current, previous)
    assert change.words() == words
    assert change.direction == direction
    assert "None" not in change.words()


def test_a_change_from_zero_is_tested_like_any_other():
    three, twelve = stats.count_change(3, 0), stats.count_change(12, 0)
    assert three.p_value == pytest.approx(sps.binomtest(3, 3, 0.5).pvalue)
    assert twelve.p_value == pytest.approx(sps.binomtest(12, 12, 0.5).pvalue) and twelve.significant


def test_a_tiny_significant_change_always_has_a_size():
    for previous in (10**6, 10**7, 10**8):
        change = stats.count_change(previous + previous // 250, previous)  # +0.4%
        assert change.significant and change.words().startswith("up 0.4%")


@pytest.mark.parametrize(
    ("change", "unit", "words"),
    [
        (0.14, "relative", "up 14%"),
        (-0.004, "relative", "down 0.4%"),
        (0.0002, "relative", "up less than 0.1%"),
        (2.04, "points", "up 2.0 percentage points"),
        (-0.01, "points", "down less than 0.1 percentage points"),
        (0.0, "relative", None),
    ],
)
def test_size_words(change, unit, words):
    assert stats.size_words(change, unit) == words


def test_proportion_change_is_a_two_proportion_z_test():
    change = stats.proportion_change(850, 1000, 800, 1000)
    assert change.change == pytest.approx(5.0)
    assert change.p_value == pytest.approx(0.0032563, rel=1e-4)  # z = 2.9424
    assert change.words() == "up 5.0 percentage points, a significant increase"
    flat = stats.proportion_change(801, 1000, 800, 1000)
    assert flat.words() == "no significant change (up 0.1 percentage points)"


def test_percentages_without_their_denominators_are_shown_untested_and_say_why():
    (change,) = stats.proportion_changes([85.0], [100.0], [80.0], [100.0], tested=False)
    assert change.p_value is None and not change.significant and change.direction == "unknown"
    assert change.words().startswith("not tested: these percentages came without the number of people")
    assert "up 5.0 percentage points" in change.words()


def test_changes_over_unequal_months_are_not_compared():
    (result,) = stats.rate_changes(np.array([120.0]), np.array([100.0]), comparable=np.array([False]))
    assert result.words() == "not enough data to compare"


def test_with_no_real_change_about_5_percent_of_changes_are_called_significant():
    """Simulated counts at one daily rate over 28 and 29 days (and a growing population)."""
    rng = np.random.default_rng(11)
    e1, e0 = 28 * 1.01, 29.0
    current, previous = rng.poisson(40 * e1, 4000), rng.poisson(40 * e0, 4000)
    allowing = stats.rate_changes(current, previous, np.full(4000, e1), np.full(4000, e0))
    rate = np.mean([c.significant for c in allowing])
    assert 0.03 < rate <= 0.06
    ignoring = np.mean([c.significant for c in stats.rate_changes(current, previous)])
    assert ignoring > rate  # without exposure a shorter month looks like a fall


def test_a_real_change_is_found():
    rng = np.random.default_rng(12)
    changes = stats.rate_changes(rng.poisson(1200, 500), rng.poisson(1000, 500))
    assert np.mean([c.direction == "up" for c in changes]) > 0.97


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


# ----------------------------------------------------------------------------- the false discovery rate

# Benjamini and Hochberg (1995), section 4: 15 p-values from a trial; at q = 0.05 the four smallest are rejected.
BH_EXAMPLE = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719]
BH_EXAMPLE += [0.6528, 0.7590, 1.0000]


def test_benjamini_hochberg_worked_example():
    q_values, rejected = stats.benjamini_hochberg(BH_EXAMPLE, 0.05)
    assert rejected.tolist() == [True] * 4 + [False] * 11
    _, expected, _, _ = multipletests(BH_EXAMPLE, alpha=0.05, method="fdr_bh")
    np.testing.assert_allclose(q_values, expected)


def test_benjamini_hochberg_leaves_missing_p_values_out():
    q_values, rejected = stats.benjamini_hochberg([0.01, np.nan, 0.04], 0.05)
    assert np.isnan(q_values[1]) and not rejected[1]
    np.testing.assert_allclose(q_values[[0, 2]], [0.02, 0.04])


def test_the_false_discovery_rate_is_kept_on_simulated_tests():
    """900 true nulls and 100 real effects, 300 times over: false findings stay under 5% of findings."""
    rng = np.random.default_rng(13)
    shares = []
    for _ in range(300):
        z = np.concatenate([rng.normal(0, 1, 900), rng.normal(3.5, 1, 100)])
        _, rejected = stats.benjamini_hochberg(2 * sps.norm.sf(np.abs(z)), 0.05)
        shares.append(rejected[:900].sum() / max(rejected.sum(), 1))
    assert np.mean(shares) <= 0.05
    plain = 2 * sps.norm.sf(np.abs(rng.normal(0, 1, 900))) < 0.05
    assert plain.mean() > 0.03  # each alone at 5%, dozens of false findings


def test_one_sentence_says_how_many_were_allowed_for():
    sentence = stats.fdr_sentence(33, "wards", 0.05)
    assert sentence.startswith("With 33 wards tested at once") and "Benjamini–Hochberg" in sentence
    assert stats.fdr_sentence(1, "wards", 0.05) == ""
