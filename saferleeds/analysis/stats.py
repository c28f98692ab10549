"""Statistics that make the numbers trustworthy: change tests, funnel limits and SPC."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class Change:
    """The last 12 months against the 12 before."""

    current: float
    previous: float
    change: float | None  # relative change (counts) or percentage-point change (percentages)
    p_value: float | None
    significant: bool
    direction: str  # "up", "down", "none" (no significant change) or "unknown" (not enough data)
    unit: str  # "relative" or "points"

    def words(self) -> str:
        """Plain English, e.g. 'up 14%, a significant increase' or 'no significant change'."""
        if self.direction == "unknown" or self.change is None:
            return "not enough data to compare"
        size = _size_words(self.change, self.unit)
        if not self.significant:
            return "no significant change" if size is None else f"no significant change ({size})"
        kind = "increase" if self.change > 0 else "decrease"
        return f"{size}, a significant {kind}"


def _size_words(change: float, unit: str) -> str | None:
    if unit == "points":
        amount = abs(change)
        if amount < 0.05:
            return None
        return f"{'up' if change > 0 else 'down'} {amount:.1f} percentage points"
    amount = abs(change) * 100
    if round(amount) == 0:
        return None
    return f"{'up' if change > 0 else 'down'} {amount:.0f}%"


def count_p_values(current: np.ndarray, previous: np.ndarray) -> np.ndarray:
    """Two-sided exact p-values comparing counts over equal exposure.

    Under no change, given the total n, the current count is Binomial(n, 1/2); the two-sided
    p-value doubles the smaller tail (the distribution is symmetric).
    """
    current = np.rint(np.asarray(current, dtype=float))
    total = current + np.rint(np.asarray(previous, dtype=float))
    lower = sps.binom.cdf(current, total, 0.5)
    upper = sps.binom.sf(current - 1, total, 0.5)
    return np.clip(2 * np.minimum(lower, upper), 0, 1)


def count_change(current: float, previous: float, alpha: float = SIGNIFICANCE) -> Change:
    """Poisson comparison of two counts over equal exposure (exact conditional binomial test)."""
    if previous <= 0 and current <= 0:
        return Change(current, previous, 0.0, 1.0, False, "none", "relative")
    if previous <= 0:
        return Change(current, previous, None, None, False, "unknown", "relative")
    p_value = float(count_p_values(np.array([current]), np.array([previous]))[0])
    change = current / previous - 1
    significant = bool(p_value < alpha)
    direction = ("up" if change > 0 else "down") if significant else "none"
    return Change(current, previous, change, p_value, significant, direction, "relative")


def proportion_change(
    current_num: float,
    current_den: float,
    previous_num: float,
    previous_den: float,
    alpha: float = SIGNIFICANCE,
) -> Change:
    """Two-proportion z-test; the change is in percentage points."""
    if current_den <= 0 or previous_den <= 0:
        return Change(math.nan, math.nan, None, None, False, "unknown", "points")
    p1, p0 = current_num / current_den, previous_num / previous_den
    pooled = (current_num + previous_num) / (current_den + previous_den)
    se = math.sqrt(pooled * (1 - pooled) * (1 / current_den + 1 / previous_den))
    p_value = 1.0 if se == 0 else float(2 * sps.norm.sf(abs(p1 - p0) / se))
    change = (p1 - p0) * 100
    significant = p_value < alpha
    direction = ("up" if change > 0 else "down") if significant else "none"
    return Change(p1 * 100, p0 * 100, change, p_value, significant, direction, "points")


def proportion_p_values(num1, den1, num0, den0) -> np.ndarray:
    """Two-sided p-values of the two-proportion z-test, element-wise."""
    num1, den1, num0, den0 = (np.asarray(x, dtype=float) for x in (num1, den1, num0, den0))
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (num1 + num0) / (den1 + den0)
        se = np.sqrt(pooled * (1 - pooled) * (1 / den1 + 1 / den0))
        z = np.abs(num1 / den1 - num0 / den0) / se
    return np.where(se > 0, 2 * sps.norm.sf(z), 1.0)


def changes(
    current: np.ndarray,
    previous: np.ndarray,
    current_den: np.ndarray | None = None,
    previous_den: np.ndarray | None = None,
    comparable: np.ndarray | None = None,
    alpha: float = SIGNIFICANCE,
) -> list[Change]:
    """Vectorised ``count_change`` (no denominators) or ``proportion_change`` (with them)."""
    current = np.asarray(current, dtype=float)
    previous = np.asarray(previous, dtype=float)
    usable = ~np.isnan(current) & ~np.isnan(previous)
    if comparable is not None:
        usable &= np.asarray(comparable, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        if current_den is None:
            unit = "relative"
            both_zero = usable & (current <= 0) & (previous <= 0)
            usable &= previous > 0
            change = np.where(both_zero, 0.0, current / previous - 1)
            p_values = np.where(both_zero, 1.0, count_p_values(np.nan_to_num(current), np.nan_to_num(previous)))
            usable |= both_zero
            shown_current, shown_previous = current, previous
        else:
            unit = "points"
            current_den = np.asarray(current_den, dtype=float)
            previous_den = np.asarray(previous_den, dtype=float)
            usable &= (current_den > 0) & (previous_den > 0)
            shown_current, shown_previous = 100 * current / current_den, 100 * previous / previous_den
            change = shown_current - shown_previous
            p_values = proportion_p_values(current, current_den, previous, previous_den)
    result = []
    for i in range(len(current)):
        if not usable[i]:
            result.append(Change(shown_current[i], shown_previous[i], None, None, False, "unknown", unit))
            continue
        significant = bool(p_values[i] < alpha)
        direction = ("up" if change[i] > 0 else "down") if significant else "none"
        result.append(
            Change(
                float(shown_current[i]),
                float(shown_previous[i]),
                float(change[i]),
                float(p_values[i]),
                significant,
                direction,
                unit,
            )
        )
    return result


def judgement(direction: str, polarity: str) -> str:
    """'worse', 'better' or 'neutral' for a change, by the indicator's polarity.

    Context indicators (where more reporting can be good) are always neutral.
    """
    if direction not in ("up", "down") or polarity == "context":
        return "neutral"
    rising_is_bad = polarity == "higher_is_worse"
    return "worse" if (direction == "up") == rising_is_bad else "better"


# ----------------------------------------------------------------------------- funnel plots


def poisson_limits(expected: np.ndarray, probability: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact Poisson limits on a count with the given expected value (central interval)."""
    tail = (1 - probability) / 2
    expected = np.asarray(expected, dtype=float)
    lower = sps.poisson.ppf(tail, expected)
    upper = sps.poisson.ppf(1 - tail, expected)
    # Interpolate between integer quantiles so the limits are smooth (Spiegelhalter, 2005).
    lower = _interpolated_quantile(lower, expected, tail)
    upper = _interpolated_quantile(upper, expected, 1 - tail)
    return lower, upper


def _interpolated_quantile(quantile: np.ndarray, expected: np.ndarray, prob: float) -> np.ndarray:
    cdf_at = sps.poisson.cdf(quantile, expected)
    cdf_below = sps.poisson.cdf(quantile - 1, expected)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = (cdf_at - prob) / (cdf_at - cdf_below)
    alpha = np.nan_to_num(alpha, nan=0.0)
    return np.maximum(quantile - alpha, 0)


def binomial_limits(target: float, denominators: np.ndarray, probability: float) -> tuple[np.ndarray, np.ndarray]:
    """Limits on a proportion around ``target`` for each denominator (normal approximation)."""
    z = sps.norm.ppf(1 - (1 - probability) / 2)
    denominators = np.asarray(denominators, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(target * (1 - target) / denominators)
    return np.clip(target - z * se, 0, 1), np.clip(target + z * se, 0, 1)


FUNNEL_VERDICTS = {
    "above": "significantly above",
    "below": "significantly below",
    "within": "not significantly different from",
}


def funnel(
    observed: np.ndarray,
    base: np.ndarray,
    kind: str,
    inner: float = 0.95,
    outer: float = 0.998,
    target: float | None = None,
) -> pd.DataFrame:
    """Funnel-plot limits and verdicts for each area against the overall (Leeds) figure.

    ``kind`` is "rate" (observed counts over population) or "proportion" (numerators over
    denominators). Limits are returned on the same scale as ``observed / base``.
    """
    observed = np.asarray(observed, dtype=float)
    base = np.asarray(base, dtype=float)
    if target is None:
        target = observed.sum() / base.sum()
    frame = pd.DataFrame({"observed": observed, "base": base, "ratio": observed / base, "target": target})
    for name, probability in (("inner", inner), ("outer", outer)):
        if kind == "rate":
            low, high = poisson_limits(target * base, probability)
            frame[f"{name}_low"], frame[f"{name}_high"] = low / base, high / base
        else:
            frame[f"{name}_low"], frame[f"{name}_high"] = binomial_limits(target, base, probability)
    frame["position"] = np.select(
        [frame["ratio"] > frame["inner_high"], frame["ratio"] < frame["inner_low"]],
        ["above", "below"],
        "within",
    )
    frame["beyond_outer"] = (frame["ratio"] > frame["outer_high"]) | (frame["ratio"] < frame["outer_low"])
    frame["verdict"] = frame["position"].map(FUNNEL_VERDICTS)
    return frame


# ----------------------------------------------------------------------------- SPC
SPC_SIGNAL_WORDS = {
    "outside": "outside the control limits",
    "shift_up": "part of a run of {n} or more months above the average (a shift up)",
    "shift_down": "part of a run of {n} or more months below the average (a shift down)",
    "trend_up": "part of {n} or more months in a row each higher than the last",
    "trend_down": "part of {n} or more months in a row each lower than the last",
}


def spc(values: pd.Series, run_length: int = 7, trend_length: int = 6) -> pd.DataFrame:
    """XmR (individuals) chart: mean, limits at the mean +/- 2.66 x mean moving range, and signals.

    Returns one row per point with ``mean``, ``upper``, ``lower`` and ``signal`` (empty when none).
    """
    series = pd.Series(values, dtype=float).reset_index(drop=True)
    mean = series.mean()
    moving_range = series.diff().abs().mean()
    upper = mean + 2.66 * moving_range
    lower = max(mean - 2.66 * moving_range, 0.0) if (series >= 0).all() else mean - 2.66 * moving_range
    frame = pd.DataFrame({"value": series, "mean": mean, "upper": upper, "lower": lower})
    signal = np.full(len(series), "", dtype=object)
    outside = (series > upper) | (series < lower)
    signal[outside.to_numpy()] = "outside"
    _mark_runs(signal, np.sign(series - mean).to_numpy(), run_length, {1: "shift_up", -1: "shift_down"})
    _mark_runs(
        signal,
        np.sign(series.diff()).to_numpy(),
        trend_length - 1,
        {1: "trend_up", -1: "trend_down"},
        include_previous=True,
    )
    frame["signal"] = signal
    return frame


def _mark_runs(
    signal: np.ndarray, signs: np.ndarray, length: int, names: dict[int, str], include_previous: bool = False
) -> None:
    start = 0
    for i in range(1, len(signs) + 1):
        if i == len(signs) or signs[i] != signs[start] or signs[start] == 0 or np.isnan(signs[start]):
            run = i - start
            if run >= length and signs[start] in names:
                first = start - 1 if include_previous and start > 0 else start
                for j in range(first, i):
                    if not signal[j]:
                        signal[j] = names[int(signs[start])]
            start = i


def spc_signal_words(signal: str, run_length: int = 7, trend_length: int = 6) -> str:
    n = trend_length if signal.startswith("trend") else run_length
    return SPC_SIGNAL_WORDS[signal].format(n=n)
