"""Spiegelhalter's funnel plots: exact limits, the overdispersion estimate and test, the widened limits,
and simulated areas with known overdispersion."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from saferleeds.analysis import stats
from saferleeds.analysis.stats.funnel import stabilised_se, winsorised, winsorised_mean_square


def brute_mid_p_limit(dist, tail: float, side: str) -> float:
    """An independent mid-p limit: the mid-p distribution function tabulated at whole numbers and
    interpolated by numpy (what ``mid_p_quantile`` must agree with)."""
    k = np.arange(0, 2000)
    lower = dist.cdf(k - 1) + dist.pmf(k) / 2
    if side == "low":
        return float(np.interp(tail, lower, k))
    return float(np.interp(1 - tail, lower, k))


# ----------------------------------------------------------------------------- exact limits


@pytest.mark.parametrize("expected", [0.6, 4.0, 17.3, 250.0])
@pytest.mark.parametrize("coverage", [0.95, 0.998])
def test_poisson_limits_are_the_interpolated_mid_p_quantiles(expected, coverage):
    tail = (1 - coverage) / 2
    for side in ("low", "high"):
        got = stats.mid_p_quantile(np.array([tail]), np.array([expected]), "rate", 1.0, side)[0]
        assert got == pytest.approx(max(brute_mid_p_limit(sps.poisson(expected), tail, side), 0), abs=1e-6)


@pytest.mark.parametrize(("n", "share"), [(20, 0.8), (60, 0.5), (400, 0.85)])
def test_percentage_limits_are_exact_binomial_mid_p_quantiles(n, share):
    for side in ("low", "high"):
        got = stats.mid_p_quantile(np.array([0.025]), np.array([float(n)]), "proportion", share, side)[0]
        assert got == pytest.approx(brute_mid_p_limit(sps.binom(n, share), 0.025, side), abs=1e-6)


@pytest.mark.parametrize(("coverage", "z"), [(0.95, 1.959964), (0.998, 3.090232)])
def test_exact_limits_approach_the_normal_limits_for_large_counts(coverage, z):
    low, high = stats.funnel_limits(np.array([1_000_000.0]), "rate", 0.01, coverage)
    assert low[0] * 1e6 == pytest.approx(10_000 - z * 100, abs=1.5)
    assert high[0] * 1e6 == pytest.approx(10_000 + z * 100, abs=1.5)


def test_a_count_is_outside_a_limit_exactly_when_its_mid_p_tail_is_smaller():
    limit = stats.mid_p_quantile(np.array([0.025]), np.array([10.0]), "rate", 1.0, "high")[0]
    for observed in range(0, 30):
        _, upper = stats.mid_p_tails(np.array([observed]), np.array([10.0]), "rate", 1.0)
        assert (observed > limit) == (upper[0] < 0.025)


def test_exact_z_scores_are_standard_normal_quantiles_of_the_mid_p_position():
    z = stats.exact_z(np.array([7.0]), np.array([4.0]), "rate", 1.0)[0]
    dist = sps.poisson(4)
    assert z == pytest.approx(sps.norm.isf(dist.sf(7) + dist.pmf(7) / 2))
    far = stats.exact_z(np.array([100.0, 0.0]), np.array([10_000.0, 10_000.0]), "rate", 1.0)
    assert np.isfinite(far).all() and far[0] < -60 and far[1] < -100  # beyond floating point: Anscombe


# ----------------------------------------------------------------------------- overdispersion


def test_winsorising_and_its_consistency_factor():
    z = np.arange(1.0, 11.0)  # 1..10: the 10th and 90th percentiles are 1.9 and 9.1
    np.testing.assert_allclose(winsorised(z, 0.1), [1.9, 2, 3, 4, 5, 6, 7, 8, 9, 9.1])
    q = sps.norm.isf(0.1)
    by_hand = 0.8 - 2 * q * sps.norm.pdf(q) + 0.2 * q * q
    assert winsorised_mean_square(0.1) == pytest.approx(by_hand) == pytest.approx(0.6787, abs=1e-4)
    rng = np.random.default_rng(1)
    assert np.mean(winsorised(rng.normal(size=200_000), 0.1) ** 2) == pytest.approx(0.6787, abs=0.01)


def test_overdispersion_worked_example():
    """Ten areas of 10,000 and 40,000 residents with these z-scores: phi, its test and tau^2 by hand."""
    z = np.array([-3.0, -2.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.0, 2.5, 4.0])
    base = np.array([1e4, 4e4] * 5)
    found = stats.estimate_dispersion(z, base, "additive", 0.1)
    clipped = np.clip(z, np.quantile(z, 0.1), np.quantile(z, 0.9))  # -2.1 ... 2.65
    phi = np.mean(clipped**2) / 0.678654558952874
    assert found.phi == pytest.approx(phi)
    assert found.p_value == pytest.approx(sps.chi2.sf(10 * phi, 9))
    w = 4 * base  # 1 / s^2 on the square-root scale
    assert found.present and found.tau2 == pytest.approx((10 * phi - 9) / (w.sum() - (w**2).sum() / w.sum()))
    assert found.widening(np.array([1e4]))[0] == pytest.approx(np.sqrt(1 + 4e4 * found.tau2))
    multiplicative = stats.estimate_dispersion(z, base, "multiplicative", 0.1)
    assert multiplicative.widening(np.array([1e4, 4e4])) == pytest.approx([np.sqrt(phi)] * 2)


def test_no_overdispersion_means_exact_limits_and_says_so():
    found = stats.estimate_dispersion(np.array([-1.0, -0.5, 0.0, 0.3, 0.8, 1.1, -0.2]), np.full(7, 1e4))
    assert not found.present and found.adjustment == "none"
    assert found.widening(np.array([5e3]))[0] == 1.0
    assert "exact limits for chance alone" in found.words()


def test_stabilised_standard_errors():
    np.testing.assert_allclose(stabilised_se(np.array([100.0, 2500.0])), [0.05, 0.01])


@pytest.mark.parametrize(
    ("kind", "target", "base", "tau2"), [("rate", 0.07, 20_000.0, 0.01), ("proportion", 0.8, 5_000.0, 0.05)]
)
def test_very_overdispersed_limits_are_spiegelhalters_additive_limits_and_widen_with_coverage(kind, target, base, tau2):
    # the widened z-scores (over 50) are far beyond what a tail probability can hold in floating point
    dispersion = stats.Dispersion(33, 600.0, 0.0, True, "additive", tau2=tau2)
    widths = []
    for coverage in (0.95, 0.998, 0.9995):
        low, high = stats.funnel_limits(np.array([base]), kind, target, coverage, dispersion)
        z = sps.norm.isf((1 - coverage) / 2)
        spread = z * np.sqrt(stabilised_se(base) ** 2 + dispersion.tau2)  # on the variance-stabilised scale
        if kind == "rate":
            expected = (max(np.sqrt(target) - spread, 0.0) ** 2, (np.sqrt(target) + spread) ** 2)
        else:
            angle = np.arcsin(np.sqrt(target))
            expected = tuple(np.sin(np.clip(angle + sign * spread, 0, np.pi / 2)) ** 2 for sign in (-1, 1))
        assert (low[0], high[0]) == pytest.approx(expected, rel=2e-3, abs=1e-4)
        widths.append(high[0] - low[0])
    assert widths[0] < widths[1] < widths[2]


# ----------------------------------------------------------------------------- simulated areas


def _simulated_flags(areas: int, spread: float, repeats: int, seed: int, extreme: float | None = None):
    """Areas of 15,000 to 35,000 residents with rates spread (log scale) by ``spread`` around 8%."""
    rng = np.random.default_rng(seed)
    inner, outer, fdr, extreme_found = [], [], [], []
    for _ in range(repeats):
        base = rng.integers(15_000, 35_000, size=areas).astype(float)
        rate = 0.08 * np.exp(rng.normal(0, spread, areas))
        if extreme is not None:
            rate[0] = 0.08 * extreme
        frame = stats.funnel(rng.poisson(rate * base), base, "rate").frame
        outside = (frame["ratio"] > frame["inner_high"]) | (frame["ratio"] < frame["inner_low"])
        beyond = (frame["ratio"] > frame["outer_high"]) | (frame["ratio"] < frame["outer_low"])
        inner.append(outside.iloc[1 if extreme else 0 :].mean())
        outer.append(beyond.iloc[1 if extreme else 0 :].mean())
        fdr.append((frame["position"] != "within").iloc[1 if extreme else 0 :].mean())
        extreme_found.append(frame["position"].iloc[0] == "above")
    return np.mean(inner), np.mean(outer), np.mean(fdr), np.mean(extreme_found)


def test_with_overdispersion_and_no_real_difference_about_5_and_0_2_percent_are_outside():
    inner, outer, fdr, _ = _simulated_flags(areas=200, spread=0.15, repeats=40, seed=3)
    assert 0.04 <= inner <= 0.06
    assert outer <= 0.005
    assert fdr <= 0.01  # judged together, hardly any area is called different


def test_without_overdispersion_the_exact_limits_keep_their_coverage():
    inner, outer, _, _ = _simulated_flags(areas=200, spread=0.0, repeats=40, seed=4)
    assert 0.035 <= inner <= 0.06 and outer <= 0.005


def test_the_plain_poisson_funnel_would_flag_nearly_every_overdispersed_area():
    rng = np.random.default_rng(5)
    base = rng.integers(15_000, 35_000, size=33).astype(float)
    observed = rng.poisson(0.08 * np.exp(rng.normal(0, 0.15, 33)) * base)
    low, high = stats.funnel_limits(base, "rate", observed.sum() / base.sum(), 0.95)
    assert ((observed / base > high) | (observed / base < low)).mean() > 0.7


def test_a_truly_extreme_area_is_still_flagged():
    _, _, _, found = _simulated_flags(areas=33, spread=0.15, repeats=60, seed=6, extreme=2.5)
    assert found >= 0.95


def test_verdicts_are_the_points_outside_the_limits_for_all_areas_at_once():
    rng = np.random.default_rng(7)
    base = rng.integers(15_000, 35_000, size=60).astype(float)
    rate = 0.08 * np.exp(rng.normal(0, 0.1, 60))
    rate[:4] *= 2.2
    result = stats.funnel(rng.poisson(rate * base), base, "rate")
    low, high = stats.funnel_limits(
        base, "rate", result.frame["target"].iloc[0], result.decision_coverage, result.dispersion
    )
    ratio = result.frame["ratio"]
    outside = (ratio > high) | (ratio < low)
    assert ((result.frame["position"] != "within") == outside).all()
    assert (result.frame["position"].iloc[:4] == "above").all()


def test_percentages_with_overdispersion():
    rng = np.random.default_rng(8)
    repeats, outside = 40, []
    for _ in range(repeats):
        base = rng.integers(200, 900, size=100).astype(float)
        share = sps.norm.cdf(sps.norm.ppf(0.8) + rng.normal(0, 0.15, 100))
        frame = stats.funnel(rng.binomial(base.astype(int), share), base, "proportion").frame
        outside.append(((frame["ratio"] > frame["inner_high"]) | (frame["ratio"] < frame["inner_low"])).mean())
    assert 0.035 <= np.mean(outside) <= 0.065
