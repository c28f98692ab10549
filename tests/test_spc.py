"""Statistical process control (Making Data Count XmR charts): the limits, the four rules, ties, the
seasonal expectation, and simulated stable series with and without seasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from saferleeds.analysis import stats
from saferleeds.analysis.stats.spc import seasonality

MONTHS_36 = np.arange(36) % 12 + 1
SUMMER_PEAK = np.array([0.6, 0.6, 0.8, 1.0, 1.2, 1.4, 1.5, 1.4, 1.2, 1.0, 0.7, 0.6])  # bicycle theft's shape


def test_mean_and_limits_from_the_moving_range():
    values = [10, 12, 10, 12, 10, 30, 10, 12, 10, 12]
    chart = stats.spc(pd.Series(values))
    mean, moving_range = np.mean(values), np.mean(np.abs(np.diff(values)))
    assert chart["mean"].iloc[0] == pytest.approx(12.8) and moving_range == pytest.approx(6.0)
    assert chart["upper"].iloc[0] == pytest.approx(mean + 2.66 * moving_range)
    assert chart["lower"].iloc[0] == pytest.approx(max(mean - 2.66 * moving_range, 0))
    assert chart["near_upper"].iloc[0] == pytest.approx(mean + 2 / 3 * 2.66 * moving_range)
    assert list(chart["signal"]) == ["", "", "", "", "", "outside", "", "", "", ""]


def test_no_signal_on_common_cause_variation():
    assert (stats.spc(pd.Series([10, 12] * 6))["signal"] == "").all()


def test_a_run_of_seven_on_one_side_of_the_mean_is_a_shift():
    values = [10, 11, 10, 11, 10, 11, 10, 12, 13, 12, 13, 12, 13, 12]
    chart = stats.spc(pd.Series(values), run_length=7)
    assert list(chart["signal"]) == ["shift_down"] * 7 + ["shift_up"] * 7
    assert (stats.spc(pd.Series(values[1:-1]), run_length=7)["signal"] == "").all()


def test_six_points_in_a_row_rising_is_a_trend():
    values = [12, 10, 12, 10, 8, 9, 10, 11, 12, 13, 10, 12, 10, 12]
    chart = stats.spc(pd.Series(values), trend_length=6)
    assert list(chart["signal"]) == [""] * 4 + ["trend_up"] * 6 + [""] * 4


def test_ties_neither_extend_nor_break_a_trend():
    # 8, 9, 9, 10, 11, 12, 13: six different values rising with one repeat (Perla, Provost and Murray 2011).
    values = [12, 10, 12, 10, 8, 9, 9, 10, 11, 12, 13, 10, 12, 10, 12]
    chart = stats.spc(pd.Series(values), trend_length=6)
    assert set(chart["signal"].iloc[4:11]) == {"trend_up"}
    short = [12, 10, 12, 10, 8, 9, 9, 10, 11, 12, 10, 12, 10, 12]  # only five different rising values
    assert not stats.spc(pd.Series(short), trend_length=6)["signal"].str.startswith("trend").any()


def test_two_of_three_points_close_to_a_limit():
    # Mean 10.94, mean moving range 1.4: upper limit 14.66, upper two-sigma line 13.42; 13.5 twice in three.
    values = [10, 11] * 6 + [13.5, 11, 13.5, 11]
    chart = stats.spc(pd.Series(values, dtype=float))
    mean, moving_range = np.mean(values), np.mean(np.abs(np.diff(values)))
    assert chart["near_upper"].iloc[0] == pytest.approx(mean + 2 / 3 * 2.66 * moving_range)
    assert chart["upper"].iloc[0] > 13.5 > chart["near_upper"].iloc[0]
    assert list(chart["signal"]) == [""] * 12 + ["near_up", "", "near_up", ""]
    once = [10, 11] * 6 + [13.5, 11, 10, 11]  # one of three is not a signal
    assert (stats.spc(pd.Series(once, dtype=float))["signal"] == "").all()


def test_signal_words():
    assert stats.spc_signal_words("outside") == "outside the control limits"
    assert "7 or more months above the average" in stats.spc_signal_words("shift_up")
    assert "6 or more months in a row each higher" in stats.spc_signal_words("trend_up")
    assert stats.spc_signal_words("near_down") == "two of three months in a row close to the lower limit"


# ----------------------------------------------------------------------------- the seasonal expectation


def test_the_seasonal_f_test_agrees_with_statsmodels():
    rng = np.random.default_rng(1)
    values = rng.poisson(30 * SUMMER_PEAK[MONTHS_36 - 1]).astype(float)
    found = seasonality(values, MONTHS_36)
    time = np.arange(36.0)
    angle = 2 * np.pi * MONTHS_36 / 12
    harmonics = np.column_stack([np.cos(angle), np.sin(angle), np.cos(2 * angle), np.sin(2 * angle)])
    reduced = sm.OLS(values, sm.add_constant(time)).fit()
    full = sm.OLS(values, np.column_stack([np.ones(36), time, harmonics])).fit()
    _, p_value, _ = full.compare_f_test(reduced)
    assert found.p_value == pytest.approx(p_value) and found.seasonal
    assert found.factors.mean() == pytest.approx(1.0)
    assert found.factors[6] > 1.2 and found.factors[0] < 0.8  # July high, January low


def test_too_few_months_or_no_pattern_means_no_seasonal_adjustment():
    assert not seasonality(np.arange(20.0), MONTHS_36[:20]).seasonal
    flat = np.random.default_rng(2).poisson(30, 36).astype(float)
    assert seasonality(flat, MONTHS_36).p_value is not None


def test_summer_bicycle_theft_is_not_a_shift_up():
    rng = np.random.default_rng(4)
    values = rng.poisson(40 * SUMMER_PEAK[MONTHS_36 - 1])
    chart = stats.control_chart(values, months=MONTHS_36)
    assert chart.seasonality.seasonal
    assert not chart.frame["signal"].str.startswith("shift").any()
    assert chart.frame["mean"].iloc[6] > chart.frame["mean"].iloc[0]  # the centre follows the season
    assert stats.spc(values)["signal"].str.startswith(("shift", "outside")).any()  # without it, summer is a signal


def _share_with_signals(seasonal: bool, seed: int, count: int = 1000, months=MONTHS_36) -> float:
    rng = np.random.default_rng(seed)
    mean = 30 * (SUMMER_PEAK[MONTHS_36 - 1] if seasonal else np.ones(36))
    return float(np.mean([stats.any_signal(rng.poisson(mean), months) for _ in range(count)]))


def test_stable_seasonal_series_signal_no_more_often_than_stable_series_without_seasons():
    """1,000 simulated stable seasonal series of 36 months against 1,000 without seasons."""
    seasonal = _share_with_signals(True, seed=4)
    flat = _share_with_signals(False, seed=5)
    assert 0.15 <= flat <= 0.40  # about a quarter with these four rules
    assert seasonal <= flat + 0.02
    assert _share_with_signals(True, seed=6, count=300, months=None) > 0.75  # judged without seasons


def test_a_real_shift_in_a_seasonal_series_is_still_found():
    rng = np.random.default_rng(7)
    step = np.where(np.arange(36) >= 24, 1.6, 1.0)
    found = [stats.any_signal(rng.poisson(30 * SUMMER_PEAK[MONTHS_36 - 1] * step), MONTHS_36) for _ in range(300)]
    assert np.mean(found) >= 0.8
