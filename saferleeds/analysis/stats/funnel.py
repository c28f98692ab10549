"""Funnel plots: each area's rate (or percentage) against its size, inside limits around the Leeds figure
that allow for the usual variation between areas.

The method is Spiegelhalter's (Funnel plots for comparing institutional performance. Stat Med 2005;24:
1185-1202; and Handling over-dispersion of performance indicators. Qual Saf Health Care 2005;14:347-51):

* each area's z-score against the Leeds figure is exact: the normal quantile of its mid-p position in
  the Poisson (rates) or binomial (percentages) distribution it would have if it were like Leeds, so small
  counts and percentages of few people are judged by their real distributions;
* the z-scores are winsorised (the lowest and highest 10% set to the 10th and 90th percentiles) and their
  mean square is the overdispersion ratio phi; I phi is tested against chi-squared on I - 1 degrees of
  freedom. Winsorising shrinks the mean square of standard normal z-scores to 0.68, so phi is divided by
  that consistency factor (as for any winsorised variance) and averages 1 when areas differ by chance alone;
* when there is overdispersion the limits are widened, either by an additive random effect tau^2 on the
  variance-stabilised scale (square root for rates, angular for percentages; the DerSimonian-Laird moment
  estimate Spiegelhalter gives) or by multiplying the variance by phi. Each limit stays exact: it is the
  mid-p quantile at the normal probability of the widened z (so with no overdispersion the limits are the
  exact ones, and for large counts they are Spiegelhalter's normal limits).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special
from scipy import stats as sps

from saferleeds.analysis.stats.multiple import benjamini_hochberg

KINDS = ("rate", "proportion")
ADJUSTMENTS = ("additive", "multiplicative")
FUNNEL_VERDICTS = {
    "above": "significantly above",
    "below": "significantly below",
    "within": "not significantly different from",
}


# ----------------------------------------------------------------------------- exact (mid-p) distributions


@dataclass(frozen=True)
class _Counts:
    """The Poisson (rates) or binomial (percentages) distribution of an area's count, through scipy's
    special functions (element-wise and fast; ``scipy.stats`` objects cost far more per call)."""

    kind: str
    size: np.ndarray  # expected count (Poisson) or number of trials (binomial)
    share: float  # the binomial probability (unused for Poisson)

    def cdf(self, k):
        k = np.asarray(k, dtype=float)
        if self.kind == "rate":
            value = special.pdtr(np.maximum(k, 0), self.size)
        else:
            value = special.bdtr(np.clip(k, 0, self.size), self.size, self.share)
        return np.where(k < 0, 0.0, value)

    def sf(self, k):
        k = np.asarray(k, dtype=float)
        if self.kind == "rate":
            value = special.pdtrc(np.maximum(k, 0), self.size)
        else:
            value = special.bdtrc(np.clip(k, 0, self.size), self.size, self.share)
        return np.where(k < 0, 1.0, value)

    def pmf(self, k):
        k = np.asarray(k, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.kind == "rate":
                log = special.xlogy(k, self.size) - special.gammaln(k + 1) - self.size
            else:
                n, p = self.size, self.share
                log = (
                    special.gammaln(n + 1)
                    - special.gammaln(k + 1)
                    - special.gammaln(n - k + 1)
                    + special.xlogy(k, p)
                    + special.xlog1py(n - k, -p)
                )
        outside = (k < 0) | (k > self.size) if self.kind == "proportion" else k < 0
        return np.where(outside, 0.0, np.exp(log))


def _distribution(kind: str, base: np.ndarray, target: float) -> _Counts:
    base = np.asarray(base, dtype=float)
    if kind == "rate":
        return _Counts(kind, target * base, target)
    return _Counts(kind, np.rint(base), target)


def _lower_mid(dist, k: np.ndarray) -> np.ndarray:
    """P(X < k) + P(X = k) / 2 at whole numbers k."""
    return dist.cdf(k - 1) + dist.pmf(k) / 2


def _upper_mid(dist, k: np.ndarray) -> np.ndarray:
    """P(X > k) + P(X = k) / 2 at whole numbers k (computed from the upper tail, so it stays accurate)."""
    return dist.sf(k) + dist.pmf(k) / 2


def _whole_quantile(dist, tail: np.ndarray, ceiling: np.ndarray, side: str) -> np.ndarray:
    """The smallest whole k with P(X <= k) >= tail ("low") or P(X > k) <= tail ("high"), by bisection
    (scipy's own inverse gives up in the far tails that very wide limits reach)."""
    lo, hi = np.zeros(tail.shape), np.array(ceiling, dtype=float)
    while (hi > lo).any():
        mid = np.floor((lo + hi) / 2)
        done = dist.cdf(mid) >= tail if side == "low" else dist.sf(mid) <= tail
        hi, lo = np.where(done, mid, hi), np.where(done, lo, mid + 1)
    return lo


def _ceiling(kind: str, base: np.ndarray, target: float) -> np.ndarray:
    """A count no distribution here exceeds at any tail probability above 1e-300."""
    if kind == "proportion":
        return np.rint(base)
    return np.ceil((np.sqrt(target * base) + 40) ** 2)


def mid_p_tails(observed, base, kind: str, target: float) -> tuple[np.ndarray, np.ndarray]:
    """The mid-p lower and upper tail probabilities of each observed count (linear between whole numbers)."""
    x = np.asarray(observed, dtype=float)
    dist = _distribution(kind, np.asarray(base, dtype=float), target)
    floor = np.floor(x)
    part = x - floor
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = _lower_mid(dist, floor) + part * (_lower_mid(dist, floor + 1) - _lower_mid(dist, floor))
        upper = _upper_mid(dist, floor) - part * (_upper_mid(dist, floor) - _upper_mid(dist, floor + 1))
    return lower, upper


def anscombe_z(observed, base, kind: str, target: float) -> np.ndarray:
    """The variance-stabilised z-score (Anscombe 1948): 2(sqrt(x + 3/8) - sqrt(mu + 3/8)) for counts,
    2 sqrt(n + 1/2)(asin sqrt((x + 3/8)/(n + 3/4)) - asin sqrt(p)) for proportions."""
    x, n = np.asarray(observed, dtype=float), np.asarray(base, dtype=float)
    if kind == "rate":
        return 2 * (np.sqrt(x + 3 / 8) - np.sqrt(target * n + 3 / 8))
    share = np.clip((x + 3 / 8) / (n + 3 / 4), 0, 1)
    return 2 * np.sqrt(n + 1 / 2) * (np.arcsin(np.sqrt(share)) - np.arcsin(np.sqrt(target)))


def exact_z(observed, base, kind: str, target: float) -> np.ndarray:
    """The z-score of each count: the normal quantile of its mid-p position under the Leeds figure.

    Beyond about 37 standard errors the tail probability is too small for floating point; there the
    variance-stabilised (Anscombe) z-score, which the exact one approaches, is used instead.
    """
    lower, upper = mid_p_tails(observed, base, kind, target)
    with np.errstate(divide="ignore"):
        z = np.where(lower <= upper, sps.norm.ppf(lower), sps.norm.isf(upper))
    far = ~np.isfinite(z) | (np.minimum(lower, upper) < 1e-290)
    if far.any():
        z = np.where(far, anscombe_z(observed, base, kind, target), z)
    return z


def mid_p_quantile(tail, base, kind: str, target: float, side: str) -> np.ndarray:
    """The count x whose mid-p tail (linear between whole numbers) is ``tail``: the lower tail when
    ``side`` is "low", the upper tail when it is "high".

    This is Spiegelhalter's smooth exact limit (his appendix interpolates between the whole-number
    quantiles); the mid-p version treats the observed value alike on both sides, so an area is outside a
    limit exactly when its mid-p tail is smaller than the limit's. Tails are given directly (not as
    probabilities near 1) so that very wide limits stay accurate.
    """
    tail, base = np.broadcast_arrays(np.asarray(tail, dtype=float), np.asarray(base, dtype=float))
    tail = np.clip(tail, 1e-300, 0.5)
    dist = _distribution(kind, base, target)
    with np.errstate(invalid="ignore", divide="ignore"):
        if side == "low":
            # The largest k with P(X < k) + P(X = k) / 2 <= tail, then linear up to the next whole number.
            q = _whole_quantile(dist, tail, _ceiling(kind, base, target), "low")
            k = np.where(_lower_mid(dist, q) <= tail, q, q - 1)
            here, following = _lower_mid(dist, k), _lower_mid(dist, k + 1)
            x = k + (tail - here) / (following - here)
        else:
            # The largest k with P(X > k) + P(X = k) / 2 >= tail.
            r = _whole_quantile(dist, tail, _ceiling(kind, base, target), "high")
            k = np.where(_upper_mid(dist, r) >= tail, r, r - 1)
            here, following = _upper_mid(dist, k), _upper_mid(dist, k + 1)
            x = k + (here - tail) / (here - following)
    upper_bound = base if kind == "proportion" else np.inf
    return np.clip(np.nan_to_num(x, nan=0.0), 0, upper_bound)


# ----------------------------------------------------------------------------- overdispersion


def winsorised(z: np.ndarray, fraction: float) -> np.ndarray:
    """z-scores with the lowest and highest ``fraction`` set to those percentiles (Spiegelhalter 2005)."""
    low, high = np.quantile(z, [fraction, 1 - fraction])
    return np.clip(z, low, high)


def winsorised_mean_square(fraction: float) -> float:
    """E[z^2] of a standard normal winsorised at ``fraction`` each side (0.679 at 10%)."""
    if fraction <= 0:
        return 1.0
    q = sps.norm.isf(fraction)
    return float((1 - 2 * fraction) - 2 * q * sps.norm.pdf(q) + 2 * fraction * q * q)


def stabilised_se(base: np.ndarray) -> np.ndarray:
    """The standard error on the square-root (rates) or angular (percentages) scale: 1 / (2 sqrt(n))."""
    return 1 / (2 * np.sqrt(np.asarray(base, dtype=float)))


@dataclass(frozen=True)
class Dispersion:
    """How much more the areas vary than chance alone would give, and how the limits allow for it."""

    areas: int
    phi: float  # overdispersion ratio (1 when areas vary as chance alone gives)
    p_value: float  # test of no overdispersion
    present: bool
    adjustment: str  # "none", "additive" or "multiplicative"
    tau2: float = 0.0  # between-area variance on the variance-stabilised scale (additive)

    def widening(self, base) -> np.ndarray:
        """How many times wider than chance alone each area's limits are (1 without overdispersion)."""
        base = np.asarray(base, dtype=float)
        if self.adjustment == "additive":
            return np.sqrt(1 + self.tau2 / stabilised_se(base) ** 2)
        if self.adjustment == "multiplicative":
            return np.full(base.shape, np.sqrt(self.phi))
        return np.ones(base.shape)

    def words(self) -> str:
        """Which limits were used, in one plain sentence."""
        if self.adjustment == "none":
            tested = f" (overdispersion test p = {self.p_value:.2f})" if np.isfinite(self.p_value) else ""
            return (
                "The limits are exact limits for chance alone: the areas differ no more than chance could "
                f"explain{tested}, so no allowance for wider variation was needed."
            )
        how = (
            "a random-effects allowance for the variation between areas"
            if self.adjustment == "additive"
            else f"limits {np.sqrt(self.phi):.1f} times as wide"
        )
        return (
            "The limits allow for the usual variation between areas: these areas vary about "
            f"{self.phi:,.1f} times as much as chance alone would give, so the limits use {how} "
            "(Spiegelhalter, 2005)."
        )


def estimate_dispersion(
    z: np.ndarray, base: np.ndarray, adjustment: str = "additive", fraction: float = 0.1, alpha: float = 0.05
) -> Dispersion:
    """Spiegelhalter's overdispersion estimate from areas' z-scores and sizes.

    phi = mean of the winsorised z^2 over its value for standard normal z; overdispersion is present
    when I phi exceeds the chi-squared(I - 1) critical value at ``alpha``. The additive between-area
    variance is tau^2 = (I phi - (I - 1)) / (sum w - sum w^2 / sum w), w = 1 / s^2, with s the
    variance-stabilised standard error of each area (zero when I phi <= I - 1).
    """
    z, base = np.asarray(z, dtype=float), np.asarray(base, dtype=float)
    usable = np.isfinite(z) & (base > 0)
    z, base = z[usable], base[usable]
    areas = len(z)
    if areas < 3:
        return Dispersion(areas, 1.0, np.nan, False, "none")
    phi = float(np.mean(winsorised(z, fraction) ** 2) / winsorised_mean_square(fraction))
    p_value = float(sps.chi2.sf(areas * phi, areas - 1))
    if p_value >= alpha:
        return Dispersion(areas, phi, p_value, False, "none")
    if adjustment == "multiplicative":
        return Dispersion(areas, phi, p_value, True, "multiplicative")
    weights = 1 / stabilised_se(base) ** 2
    denominator = weights.sum() - (weights**2).sum() / weights.sum()
    tau2 = max(0.0, (areas * phi - (areas - 1)) / denominator) if denominator > 0 else 0.0
    return Dispersion(areas, phi, p_value, True, "additive" if tau2 > 0 else "none", tau2)


# ----------------------------------------------------------------------------- limits and verdicts


FAR_TAIL = 1e-290  # beyond about 36 standard errors a tail probability is too small for floating point


def stabilised_limits(z, base, kind: str, target: float) -> tuple[np.ndarray, np.ndarray]:
    """The counts whose variance-stabilised (Anscombe) z-score is -z and +z (``anscombe_z`` inverted),
    kept within 0 and, for percentages, the number of people."""
    z, n = np.asarray(z, dtype=float), np.asarray(base, dtype=float)
    if kind == "rate":
        centre = np.sqrt(target * n + 3 / 8)
        low = np.maximum(centre - z / 2, np.sqrt(3 / 8)) ** 2 - 3 / 8
        return np.maximum(low, 0.0), (centre + z / 2) ** 2 - 3 / 8
    angle, step = np.arcsin(np.sqrt(target)), z / (2 * np.sqrt(n + 1 / 2))
    low, high = (np.sin(np.clip(angle + sign * step, 0, np.pi / 2)) ** 2 * (n + 3 / 4) - 3 / 8 for sign in (-1, 1))
    return np.clip(low, 0, n), np.clip(high, 0, n)


def funnel_limits(base, kind: str, target: float, coverage: float, dispersion: Dispersion | None = None):
    """Lower and upper limits on the rate or proportion scale (count over base) at ``coverage``.

    Where the widened z-score is so large that its tail probability underflows (very overdispersed areas),
    the limits are the variance-stabilised ones the exact limits approach there (as ``exact_z`` does for
    z-scores), so that wider coverages still give wider limits.
    """
    base = np.asarray(base, dtype=float)
    widening = dispersion.widening(base) if dispersion is not None else np.ones(base.shape)
    z = sps.norm.isf((1 - coverage) / 2) * widening
    tail = sps.norm.sf(z)
    low = mid_p_quantile(tail, base, kind, target, "low")
    high = mid_p_quantile(tail, base, kind, target, "high")
    far = tail < FAR_TAIL
    if far.any():
        far_low, far_high = stabilised_limits(z, base, kind, target)
        low, high = np.where(far, far_low, low), np.where(far, far_high, high)
    with np.errstate(divide="ignore", invalid="ignore"):
        return low / base, high / base


@dataclass(frozen=True)
class Funnel:
    """Every area's z-score, p-value, limits and verdict, and the dispersion allowed for."""

    frame: pd.DataFrame
    dispersion: Dispersion
    decision_coverage: float  # the coverage of the limits that decide the verdicts (all areas allowed for)
    false_discovery: bool  # verdicts control the false discovery rate over the areas


def decision_coverage(p_values: np.ndarray, rate: float, false_discovery: bool) -> float:
    """The coverage of limits equivalent to the verdicts: a point outside them is called significant.

    For the false discovery rate it is Benjamini and Hochberg's adjusted level k * rate / m, where k
    areas are called significant out of m (rate / m when none is): every area called significant has
    p <= p(k) <= k * rate / m, and every other has p(j) > j * rate / m > k * rate / m. Without it, the
    plain two-sided ``rate``.
    """
    if not false_discovery:
        return 1 - rate
    p = np.sort(p_values[np.isfinite(p_values)])
    m = len(p)
    if m == 0:
        return 1 - rate
    passing = np.flatnonzero(p <= np.arange(1, m + 1) * rate / m)
    called = int(passing.max()) + 1 if len(passing) else 1
    return 1 - called * rate / m


def funnel(
    observed,
    base,
    kind: str,
    inner: float = 0.95,
    outer: float = 0.998,
    target: float | None = None,
    adjustment: str = "additive",
    winsor: float = 0.1,
    false_discovery: bool = True,
    rate: float | None = None,
) -> Funnel:
    """Funnel-plot limits and verdicts for each area against the overall (Leeds) figure.

    ``kind`` is "rate" (observed counts over residents) or "proportion" (numerators over
    denominators); limits are on the scale of ``observed / base``. Overdispersion is tested at
    1 - ``inner`` and allowed for by ``adjustment``. Verdicts: each area's two-sided p-value of its
    widened z-score; with ``false_discovery`` they are judged together at a false discovery rate of
    ``rate`` (default 1 - ``inner``; Benjamini and Hochberg 1995), otherwise each alone at that level.
    """
    observed, base = np.asarray(observed, dtype=float), np.asarray(base, dtype=float)
    if target is None:
        target = observed.sum() / base.sum()
    rate = 1 - inner if rate is None else rate
    z = exact_z(observed, base, kind, target)
    dispersion = estimate_dispersion(z, base, adjustment, winsor, rate)
    z_adjusted = z / dispersion.widening(base)
    p_values = 2 * sps.norm.sf(np.abs(z_adjusted))
    q_values, _ = benjamini_hochberg(p_values, rate)
    decided = q_values if false_discovery else p_values
    frame = pd.DataFrame({"observed": observed, "base": base, "ratio": observed / base, "target": target})
    for name, coverage in (("inner", inner), ("outer", outer)):
        frame[f"{name}_low"], frame[f"{name}_high"] = funnel_limits(base, kind, target, coverage, dispersion)
    frame["z"], frame["p_value"], frame["q_value"] = z_adjusted, p_values, q_values
    significant = decided <= rate
    frame["position"] = np.select(
        [significant & (z_adjusted > 0), significant & (z_adjusted < 0)], ["above", "below"], "within"
    )
    frame["beyond_outer"] = np.abs(z_adjusted) > sps.norm.isf((1 - outer) / 2)
    frame["verdict"] = frame["position"].map(FUNNEL_VERDICTS)
    coverage = decision_coverage(p_values, rate, false_discovery)
    return Funnel(frame, dispersion, coverage, false_discovery)
