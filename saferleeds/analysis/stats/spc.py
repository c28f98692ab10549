"""Statistical process control: is a monthly series showing a real shift, or the variation it always has?

An XmR (individuals) chart as NHS England's "Making Data Count" (NHS Improvement, 2019) describes it: the
mean, process limits at the mean plus or minus 2.66 mean moving ranges (three sigma), and four rules for
special-cause variation: a point outside the limits; a run of 7 or more points on one side of the mean
(a shift); 6 or more points in a row each higher, or each lower, than the last (a trend); two of three
points in a row close to a limit (beyond two sigma, on the same side).

A seasonal series is judged against its seasonal expectation. The seasonal pattern (a yearly and a
half-yearly wave: harmonic regression) is estimated by least squares beside a straight-line trend and
tested with an F test. When it is significant, each month is compared with its own usual level: the chart
is of each month's departure from that level, scaled by the square root of the level as the chance
variation of counts is (a control chart of what is left once the predictable pattern is taken out, as
Alwan and Roberts, J Bus Econ Stat 1988;6:87-95, recommend), and its centre and limits are drawn back on
each month's own scale. So summer bicycle theft is expected to be high in summer and is a signal only
when it is high for a summer. Runs and trends count ties as Perla, Provost and Murray (BMJ Qual Saf 2011;
20:46-51) do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

LIMIT_MULTIPLIER = 2.66  # 3 / 1.128, the bias factor d2 of moving ranges of two points
MIN_SEASONAL_POINTS = 24  # two years of months
HARMONICS = 2  # a yearly and a half-yearly wave
SPC_SIGNAL_WORDS = {
    "outside": "outside the control limits",
    "shift_up": "part of a run of {run} or more months above the average (a shift up)",
    "shift_down": "part of a run of {run} or more months below the average (a shift down)",
    "trend_up": "part of {trend} or more months in a row each higher than the last",
    "trend_down": "part of {trend} or more months in a row each lower than the last",
    "near_up": "two of three months in a row close to the upper limit",
    "near_down": "two of three months in a row close to the lower limit",
}


@dataclass(frozen=True)
class Seasonality:
    """Each point's seasonal factor (1 when the series is not seasonal) and the test that decided it."""

    factors: np.ndarray
    p_value: float | None  # F test of the calendar-month effects (None: too few months to test)
    seasonal: bool


def _design(months: np.ndarray, time: np.ndarray, seasonal: bool) -> np.ndarray:
    """Columns: constant, time and (when seasonal) the first two harmonics of the calendar year."""
    columns = [np.ones(len(time)), time]
    if seasonal:
        angle = 2 * np.pi * np.asarray(months, dtype=float) / 12
        for k in range(1, HARMONICS + 1):
            columns += [np.cos(k * angle), np.sin(k * angle)]
    return np.column_stack(columns)


def _residual_sum(design: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, float]:
    params, *_ = np.linalg.lstsq(design, values, rcond=None)
    residual = values - design @ params
    return params, float(residual @ residual)


def seasonality(values: np.ndarray, months: np.ndarray | None, alpha: float = 0.05) -> Seasonality:
    """The seasonal pattern: two harmonics of the year beside a straight-line trend (least squares),
    F-tested against the trend alone.

    A smooth pattern (a yearly and a half-yearly wave, four parameters) describes crime's seasons and,
    unlike one effect per calendar month, does not make the months it is fitted to look steadier than
    they are. Needs two years of months. F = ((RSS0 - RSS1) / 4) / (RSS1 / (n - 6)), as ``statsmodels``'
    ``compare_f_test`` computes it. The factor of each month is its fitted level at the series' middle
    over the average fitted level of the series' months.
    """
    values = np.asarray(values, dtype=float)
    flat = np.ones(len(values))
    if months is None or len(values) < MIN_SEASONAL_POINTS:
        return Seasonality(flat, None, False)
    months = np.asarray(months, dtype=int)
    time = np.arange(len(values), dtype=float)
    _, reduced = _residual_sum(_design(months, time, False), values)
    params, full = _residual_sum(_design(months, time, True), values)
    tested, freedom = 2 * HARMONICS, len(values) - 2 - 2 * HARMONICS
    if full <= 0:
        p_value = 0.0 if reduced > 0 else 1.0
    else:
        p_value = float(sps.f.sf(((reduced - full) / tested) / (full / freedom), tested, freedom))
    if p_value >= alpha:
        return Seasonality(flat, p_value, False)
    level = _design(months, np.full(len(values), time.mean()), True) @ params
    if (level <= 0).any():
        return Seasonality(flat, p_value, False)
    return Seasonality(level / level.mean(), p_value, True)


@dataclass(frozen=True)
class ControlChart:
    """One row per point: value, seasonal factor, centre, limits, two-sigma lines and signal."""

    frame: pd.DataFrame
    seasonality: Seasonality


def _chart(values: np.ndarray, run_length: int, trend_length: int, season: Seasonality) -> dict[str, np.ndarray]:
    """The chart's lines and signals as arrays (``control_chart`` puts them in a frame)."""
    factors = season.factors
    # Each month's departure from its usual level, over the square root of that level; the level is the
    # one those departures average zero about.
    level = np.sum(values / np.sqrt(factors)) / np.sum(np.sqrt(factors))
    adjusted = level + (values - level * factors) / np.sqrt(factors)
    moving_range = np.abs(np.diff(adjusted)).mean() if len(adjusted) > 1 else 0.0
    spread = LIMIT_MULTIPLIER * moving_range * np.sqrt(factors)
    floor = 0.0 if (values >= 0).all() else -np.inf
    centre = level * factors
    lines = {
        "value": values,
        "expected": factors,
        "mean": centre,
        "upper": centre + spread,
        "lower": np.maximum(centre - spread, floor),
        "near_upper": centre + 2 * spread / 3,
        "near_lower": np.maximum(centre - 2 * spread / 3, floor),
    }
    signal = np.full(len(values), "", dtype=object)
    signal[(values > lines["upper"]) | (values < lines["lower"])] = "outside"
    _mark_runs(signal, np.sign(adjusted - level), run_length, {1: "shift_up", -1: "shift_down"})
    steps = np.concatenate([[np.nan], np.sign(np.diff(adjusted))])
    _mark_runs(signal, steps, trend_length - 1, {1: "trend_up", -1: "trend_down"}, include_previous=True)
    _mark_near_limits(signal, adjusted - level, 2 * LIMIT_MULTIPLIER * moving_range / 3)
    lines["signal"] = signal
    return lines


def control_chart(
    values,
    run_length: int = 7,
    trend_length: int = 6,
    months=None,
    seasonal_alpha: float = 0.05,
) -> ControlChart:
    """An XmR chart of ``values`` (judged against their seasonal expectation when ``months`` are given)."""
    series = np.asarray(values, dtype=float)
    season = seasonality(series, months, seasonal_alpha)
    return ControlChart(pd.DataFrame(_chart(series, run_length, trend_length, season)), season)


def spc(values, run_length: int = 7, trend_length: int = 6, months=None) -> pd.DataFrame:
    """The frame of ``control_chart``: value, expected, mean, upper, lower, near_upper, near_lower, signal."""
    return control_chart(values, run_length, trend_length, months).frame


def _mark_runs(
    signal: np.ndarray, signs: np.ndarray, length: int, names: dict[int, str], include_previous: bool = False
) -> None:
    """Mark runs of at least ``length`` equal signs. Zeros (a point on the centre line, or a month equal to
    the one before) neither extend nor break a run, as the run-chart rules of Perla, Provost and Murray
    (BMJ Qual Saf 2011;20:46-51) count them."""
    counted = np.flatnonzero(np.isfinite(signs) & (signs != 0))
    start = 0
    for i in range(1, len(counted) + 1):
        if i == len(counted) or signs[counted[i]] != signs[counted[start]]:
            if i - start >= length:
                first = counted[start] - (1 if include_previous and counted[start] > 0 else 0)
                span = slice(first, counted[i - 1] + 1)
                unmarked = signal[span] == ""
                signal[span] = np.where(unmarked, names[int(signs[counted[start]])], signal[span])
            start = i


def _mark_near_limits(signal: np.ndarray, deviation: np.ndarray, two_sigma: float) -> None:
    """Two of three points in a row beyond two sigma on the same side: each of those points is marked."""
    if two_sigma <= 0 or len(deviation) < 3:
        return
    for side, name in ((1, "near_up"), (-1, "near_down")):
        beyond = side * deviation > two_sigma
        counts = np.convolve(beyond.astype(int), np.ones(3, dtype=int), mode="valid")  # windows ending at 2..n-1
        marked = np.zeros(len(deviation), dtype=bool)
        for end in np.flatnonzero(counts >= 2) + 2:
            marked[end - 2 : end + 1] |= beyond[end - 2 : end + 1]
        signal[marked & (signal == "")] = name


def spc_signal_words(signal: str, run_length: int = 7, trend_length: int = 6) -> str:
    return SPC_SIGNAL_WORDS[signal].format(run=run_length, trend=trend_length)


def any_signal(values, months=None, run_length: int = 7, trend_length: int = 6) -> bool:
    """True when the chart of ``values`` shows any signal (used to check the rules on simulated series)."""
    series = np.asarray(values, dtype=float)
    chart = _chart(series, run_length, trend_length, seasonality(series, months))
    return bool((chart["signal"] != "").any())
