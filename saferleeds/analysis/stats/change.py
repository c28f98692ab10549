"""Change tests: is a period's figure really different from the same months a year earlier?

Counts are compared as rates over their exposure: the days in each period times the residents of each
period's year (or, for a rate of its own denominator, that denominator). Under no change the current
count, given the total of both periods, is binomial with the current period's share of the exposure;
the two-sided p-value is the exact conditional test of Przyborowski and Wilenski (1940, Biometrika 31:
313-323), as ``statsmodels.stats.rates.test_poisson_2indep(method="exact-cond")`` computes it. So 28
February days against 29 at the same daily rate are no change at all, and a change from 0 is tested
like any other. Percentages with the number of people asked are compared with the pooled
two-proportion z-test; percentages that came without that number are not tested, and say so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special
from scipy import stats as sps

SIGNIFICANCE = 0.05
UNTESTED_PERCENTAGES = "not tested: these percentages came without the number of people they are out of"
NOT_ENOUGH = "not enough data to compare"
NONE_EITHER = "none in either period"


@dataclass(frozen=True)
class Change:
    """A period against the period it is compared with."""

    current: float
    previous: float
    change: float | None  # relative change of the rate (counts), or percentage points (percentages)
    p_value: float | None
    significant: bool
    direction: str  # "up", "down", "none" (not significant) or "unknown" (not compared)
    unit: str  # "relative" or "points"
    reason: str = ""  # why it was not compared, in words (empty: not enough data)

    @property
    def from_zero(self) -> bool:
        return self.unit == "relative" and self.previous == 0 and self.current > 0

    def words(self) -> str:
        """Plain English: 'up 14%, a significant increase', 'no significant change (down 3%)'.

        'No significant change' says the data cannot tell a change from chance; it never says nothing changed.
        """
        if self.direction == "unknown":
            return self.reason or NOT_ENOUGH
        if self.unit == "relative" and self.current == 0 and self.previous == 0:
            return NONE_EITHER
        size = "up from 0" if self.from_zero else size_words(self.change or 0.0, self.unit)
        if not self.significant:
            return "no significant change" if size is None else f"no significant change ({size})"
        kind = "increase" if self.direction == "up" else "decrease"
        return f"{size}, a significant {kind}"


def size_words(change: float, unit: str) -> str | None:
    """'up 14%', 'down 0.3%', 'up less than 0.1%', 'down 2.0 percentage points' (None for no change at all)."""
    if abs(change) < 1e-9 or not math.isfinite(change):
        return None
    word = "up" if change > 0 else "down"
    if unit == "points":
        amount = abs(change)
        return f"{word} {'less than 0.1' if amount < 0.05 else f'{amount:.1f}'} percentage points"
    amount = abs(change) * 100
    if amount < 0.05:
        return f"{word} less than 0.1%"
    return f"{word} {amount:.1f}%" if amount < 1 else f"{word} {amount:.0f}%"


def _log_pmf(k: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (
            special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
            + special.xlogy(k, p) + special.xlog1py(n - k, -p)
        )  # fmt: skip


def _other_side(k: np.ndarray, n: np.ndarray, p: np.ndarray, low: np.ndarray, high: np.ndarray, below: bool):
    """Bisection for the first whole number on the other side of the mode whose probability is no larger
    than P(X = k) (times 1 + 1e-7, as scipy's ``binomtest`` allows for rounding)."""
    limit = _log_pmf(k, n, p) + np.log1p(1e-7)
    lo, hi = low.copy(), high.copy()
    for _ in range(64):
        if not (hi > lo).any():
            break
        mid = np.floor((lo + hi) / 2)
        small = _log_pmf(mid, n, p) <= limit
        # Above the mode probabilities fall with k (first small one wanted); below it they rise (last one).
        if below:
            hi, lo = np.where(small, mid, hi), np.where(small, lo, mid + 1)
        else:
            lo, hi = np.where(small, mid + 1, lo), np.where(small, hi, mid)
    return lo


def binomial_p_values(k, n, p) -> np.ndarray:
    """Two-sided exact binomial p-values, element-wise: the total probability of every outcome no more
    likely than the one observed (the definition scipy's ``binomtest`` uses, vectorised)."""
    k, n, p = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (k, n, p)))
    mean = n * p
    result = np.ones(k.shape)
    left = k < mean
    right = k > mean
    if left.any():
        j = _other_side(k[left], n[left], p[left], np.ceil(mean[left]), n[left] + 1, below=True)
        result[left] = special.bdtr(k[left], n[left], p[left]) + np.where(
            j <= n[left], special.bdtrc(j - 1, n[left], p[left]), 0.0
        )
    if right.any():
        j = _other_side(k[right], n[right], p[right], np.zeros(right.sum()), np.floor(mean[right]) + 1, below=False)
        lower_tail = np.where(j > 0, special.bdtr(j - 1, n[right], p[right]), 0.0)
        result[right] = lower_tail + special.bdtrc(k[right] - 1, n[right], p[right])
    return np.clip(result, 0.0, 1.0)


def rate_p_values(current, previous, current_exposure=None, previous_exposure=None) -> np.ndarray:
    """Two-sided exact conditional p-values comparing two Poisson counts over their exposures.

    Given n = current + previous, the current count is Binomial(n, E1 / (E1 + E0)) when the rate is the
    same (Przyborowski and Wilenski 1940); the two-sided p-value sums every outcome no more likely than
    the observed one, as scipy's ``binomtest`` and statsmodels' ``exact-cond`` method do. Equal exposures
    are assumed when none are given. Counts are rounded to whole numbers.
    """
    current = np.rint(np.asarray(current, dtype=float))
    previous = np.rint(np.asarray(previous, dtype=float))
    e1 = np.ones_like(current) if current_exposure is None else np.asarray(current_exposure, dtype=float)
    e0 = np.ones_like(previous) if previous_exposure is None else np.asarray(previous_exposure, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = e1 / (e1 + e0)
    n = current + previous
    usable = np.isfinite(current) & np.isfinite(previous) & (current >= 0) & (previous >= 0) & (share > 0) & (share < 1)
    p_values = np.full(current.shape, np.nan)
    p_values[usable & (n == 0)] = 1.0
    tested = usable & (n > 0)
    p_values[tested] = binomial_p_values(current[tested], n[tested], share[tested])
    return p_values


def proportion_p_values(num1, den1, num0, den0) -> np.ndarray:
    """Two-sided p-values of the pooled two-proportion z-test, element-wise."""
    num1, den1, num0, den0 = (np.asarray(x, dtype=float) for x in (num1, den1, num0, den0))
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (num1 + num0) / (den1 + den0)
        se = np.sqrt(pooled * (1 - pooled) * (1 / den1 + 1 / den0))
        z = np.abs(num1 / den1 - num0 / den0) / se
    return np.where(se > 0, 2 * sps.norm.sf(z), 1.0)


def _judged(change: float, p_value: float, alpha: float) -> tuple[bool, str]:
    significant = bool(p_value < alpha)
    return significant, ("up" if change > 0 else "down") if significant else "none"


def count_change(
    current: float,
    previous: float,
    alpha: float = SIGNIFICANCE,
    current_exposure: float = 1.0,
    previous_exposure: float = 1.0,
) -> Change:
    """Two counts compared as rates over their exposures (exact conditional test)."""
    return rate_changes(
        np.array([current]), np.array([previous]), np.array([current_exposure]), np.array([previous_exposure]), alpha
    )[0]


def rate_changes(
    current: np.ndarray,
    previous: np.ndarray,
    current_exposure: np.ndarray | None = None,
    previous_exposure: np.ndarray | None = None,
    alpha: float = SIGNIFICANCE,
    comparable: np.ndarray | None = None,
) -> list[Change]:
    """Element-wise ``count_change``: the change is that of the rate (count over exposure)."""
    current, previous = np.asarray(current, dtype=float), np.asarray(previous, dtype=float)
    e1 = np.ones_like(current) if current_exposure is None else np.asarray(current_exposure, dtype=float)
    e0 = np.ones_like(previous) if previous_exposure is None else np.asarray(previous_exposure, dtype=float)
    usable = np.isfinite(current) & np.isfinite(previous) & (e1 > 0) & (e0 > 0)
    if comparable is not None:
        usable &= np.asarray(comparable, dtype=bool)
    p_values = rate_p_values(np.where(usable, current, 0), np.where(usable, previous, 0), e1, e0)
    result = []
    for i in range(len(current)):
        if not usable[i]:
            result.append(Change(current[i], previous[i], None, None, False, "unknown", "relative"))
            continue
        if previous[i] == 0:
            change = 0.0 if current[i] == 0 else math.inf
        else:
            change = (current[i] / e1[i]) / (previous[i] / e0[i]) - 1
        significant, direction = _judged(change, p_values[i], alpha)
        result.append(
            Change(
                float(current[i]), float(previous[i]), change, float(p_values[i]), significant, direction, "relative"
            )
        )
    return result


def proportion_change(
    current_num: float,
    current_den: float,
    previous_num: float,
    previous_den: float,
    alpha: float = SIGNIFICANCE,
) -> Change:
    """Two-proportion z-test; the change is in percentage points."""
    return proportion_changes(
        np.array([current_num]), np.array([current_den]), np.array([previous_num]), np.array([previous_den]), alpha
    )[0]


def proportion_changes(
    current_num: np.ndarray,
    current_den: np.ndarray,
    previous_num: np.ndarray,
    previous_den: np.ndarray,
    alpha: float = SIGNIFICANCE,
    comparable: np.ndarray | None = None,
    tested: bool = True,
) -> list[Change]:
    """Element-wise ``proportion_change``; ``tested`` False (no real denominators) shows the change untested."""
    num1, den1, num0, den0 = (
        np.asarray(x, dtype=float) for x in (current_num, current_den, previous_num, previous_den)
    )
    usable = np.isfinite(num1) & np.isfinite(num0) & (den1 > 0) & (den0 > 0)
    if comparable is not None:
        usable &= np.asarray(comparable, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        shown1, shown0 = 100 * num1 / den1, 100 * num0 / den0
    p_values = proportion_p_values(num1, den1, num0, den0)
    result = []
    for i in range(len(num1)):
        if not usable[i]:
            result.append(Change(shown1[i], shown0[i], None, None, False, "unknown", "points"))
        elif not tested:
            reason = f"{UNTESTED_PERCENTAGES} ({size_words(shown1[i] - shown0[i], 'points') or 'no change'})"
            result.append(Change(shown1[i], shown0[i], shown1[i] - shown0[i], None, False, "unknown", "points", reason))
        else:
            change = float(shown1[i] - shown0[i])
            significant, direction = _judged(change, p_values[i], alpha)
            result.append(
                Change(float(shown1[i]), float(shown0[i]), change, float(p_values[i]), significant, direction, "points")
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
