"""Fair comparisons on constructed data: funnel limits with known values, and labels on every row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from saferleeds.analysis import stats
from saferleeds.analysis.compare import VERDICT_LABELS, compare_areas, funnel_curves, ranked_table, verdict_label
from saferleeds.core.periods import Period
from tests.builders import every_ward, rows, with_values

pytestmark = pytest.mark.xdist_group("compare")  # one worker: see tests/README.md

ARMLEY = "E05011385"
HEADINGLEY = "E05011397"
PERIOD = Period(pd.Timestamp("2023-03-01"), pd.Timestamp("2024-02-01"))


# ----------------------------------------------------------------------------- funnel limits


@pytest.mark.parametrize("expected", [10, 100, 1000, 10000])
def test_poisson_limits_bracket_the_expected_count_like_the_normal_approximation(expected):
    low, high = stats.funnel_limits(np.array([float(expected)]), "rate", 1.0, 0.95)
    spread = 1.96 * np.sqrt(expected)
    # Exact limits are asymmetric for small counts; they approach expected +/- 1.96 sqrt(expected).
    tolerance = 0.1 * spread if expected >= 100 else 0.35 * spread
    assert low[0] * expected == pytest.approx(expected - spread, abs=tolerance)
    assert high[0] * expected == pytest.approx(expected + spread, abs=tolerance)
    assert low[0] < 1 < high[0]


def test_poisson_limits_lie_within_a_count_of_the_exact_quantiles():
    # The mid-p limit L has P(X < L) + P(X = L)/2 = 2.5%, so it lies within one of the whole-number quantile.
    low, high = stats.funnel_limits(np.array([100.0]), "rate", 1.0, 0.95)
    assert sps.poisson.ppf(0.025, 100) - 1 < low[0] * 100 < sps.poisson.ppf(0.025, 100) + 1
    assert sps.poisson.ppf(0.975, 100) - 1 < high[0] * 100 < sps.poisson.ppf(0.975, 100) + 1


def test_percentage_limits_are_exact_and_close_to_the_normal_ones_for_many_respondents():
    low, high = stats.funnel_limits(np.array([400.0]), "proportion", 0.8, 0.95)
    spread = 1.959964 * np.sqrt(0.8 * 0.2 / 400)  # 0.0392
    assert low[0] == pytest.approx(0.8 - spread, abs=0.004) and high[0] == pytest.approx(0.8 + spread, abs=0.004)
    few_low, few_high = stats.funnel_limits(np.array([20.0]), "proportion", 0.8, 0.95)
    assert few_high[0] <= 1.0 and 0.8 - few_low[0] > few_high[0] - 0.8  # exact limits are skewed near 100%


@pytest.mark.parametrize(
    ("observed", "position", "label"),
    [
        (160, "above", "significantly above"),
        (100, "within", "not significantly different from"),
        (115, "within", "not significantly different from"),
        (70, "below", "significantly below"),
    ],
)
def test_funnel_verdicts_around_the_leeds_rate(observed, position, label):
    # Leeds rate 1 per 100 residents; an area of 10,000 expects 100 (95% limits about 81 to 120).
    result = stats.funnel(np.array([observed]), np.array([10_000.0]), "rate", target=0.01).frame
    assert result["position"].iloc[0] == position
    assert result["verdict"].iloc[0] == label


def _summary(rate_per_1000: float, populations: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"funnel_target": rate_per_1000, "population": populations, "denominator": np.nan, "suppressed": False}
    )


def test_funnel_curves_narrow_as_areas_grow_and_the_outer_limits_contain_the_inner(dataset):
    indicator = dataset.catalogue.indicator("burglary")
    curves = funnel_curves(_summary(10.0, [2_000, 50_000]), indicator)
    assert set(curves["limits"]) == {"95% limits", "99.8% limits"}
    assert curves["base"].min() == pytest.approx(1_600) and curves["base"].max() == pytest.approx(60_000)

    def side(limits: str, which: str) -> pd.Series:
        part = curves[(curves["limits"] == limits) & (curves["side"] == which)]
        return part.set_index("base")["value"]

    inner_high, outer_high = side("95% limits", "high"), side("99.8% limits", "high")
    inner_low, outer_low = side("95% limits", "low"), side("99.8% limits", "low")
    assert (outer_high >= inner_high).all() and (outer_low <= inner_low).all()
    assert inner_high.iloc[0] > inner_high.iloc[-1]  # wider for small areas
    assert (inner_low < 10).all() and (inner_high > 10).all()
    # At 60,000 residents the expected count is 600: limits about 10 +/- 1.96 sqrt(600) / 60.
    assert inner_high.iloc[-1] == pytest.approx(10 + 1000 * 1.96 * np.sqrt(600) / 60_000, rel=0.01)


def test_funnel_curves_for_percentages_use_exact_binomial_limits(dataset):
    indicator = dataset.catalogue.indicator("feel_safe")
    summary = pd.DataFrame({"funnel_target": 80.0, "population": 1.0, "denominator": [400.0], "suppressed": False})
    curves = funnel_curves(summary, indicator, points=3)
    at_480 = curves[(curves["limits"] == "95% limits") & np.isclose(curves["base"], 400 * 1.2)]
    expected = [
        100 * stats.mid_p_quantile(np.array([0.025]), np.array([480.0]), "proportion", 0.8, s)[0] / 480
        for s in ("low", "high")
    ]
    assert sorted(at_480["value"]) == pytest.approx(expected, abs=1e-9)
    spread = 100 * 1.959964 * np.sqrt(0.8 * 0.2 / 480)
    assert sorted(at_480["value"]) == pytest.approx([80 - spread, 80 + spread], abs=0.4)


# ----------------------------------------------------------------------------- labels on every row


@pytest.fixture(scope="module")
def constructed(dataset):
    """Burglary at the same rate in every ward but Armley (far higher) and Headingley (far lower)."""
    population = dataset.geography.population("ward")
    special = {
        ARMLEY: [population[ARMLEY] * 0.004] * 24,
        HEADINGLEY: [population[HEADINGLEY] * 0.0005] * 24,
    }
    wards = []
    for code in dataset.geography.level_areas("ward")["code"]:
        wards.append(rows("burglary", code, special.get(code, [round(population[code] * 0.001)] * 24)))
    hate = every_ward(dataset, "hate_incidents", 1)
    return with_values(dataset, pd.concat([*wards, hate], ignore_index=True))


def test_areas_beyond_the_limits_are_labelled_and_the_rest_are_not_significantly_different(constructed):
    comparison = compare_areas(constructed, "burglary", "ward", PERIOD)
    table = comparison.table.set_index("code")
    assert table.loc[ARMLEY, "Compared with the Leeds average"] == "Significantly above the Leeds average"
    assert table.loc[HEADINGLEY, "Compared with the Leeds average"] == "Significantly below the Leeds average"
    others = table.drop(index=[ARMLEY, HEADINGLEY])["Compared with the Leeds average"]
    assert set(others) == {"Not significantly different from the Leeds average"}
    assert comparison.counts == {"above": 1, "below": 1, "within": 31}
    assert comparison.codes[0] == ARMLEY and table.loc[ARMLEY, "Rank"] == "1"
    assert len(comparison.points) == 33 and comparison.curves["limits"].nunique() == 3
    assert "With 33 wards tested at once" in comparison.method_words()


def test_a_rank_is_never_shown_without_its_label(constructed):
    for level in ("ward", "committee"):
        table = compare_areas(constructed, "burglary", level, PERIOD).table
        ranked = table[table["Rank"] != "–"]
        assert ranked["Compared with the Leeds average"].isin(list(VERDICT_LABELS.values())).all()
        assert list(table.columns[:5]) == [
            "code",
            "Rank",
            "Area",
            "Rate per 1,000 residents",
            "Compared with the Leeds average",
        ]


def test_small_sensitive_counts_lose_their_rank_rate_and_point(dataset):
    lsoas = dataset.geography.members("PN-NEW-WORTLEY", "lsoa")
    values = pd.concat(
        [rows("hate_incidents", lsoas[0], [0] * 12 + [0.25] * 12), rows("hate_incidents", lsoas[1], [2] * 24)],
        ignore_index=True,
    )
    small = with_values(dataset, values)
    comparison = compare_areas(small, "hate_incidents", "lsoa", PERIOD)
    row = comparison.table.set_index("code").loc[lsoas[0]]
    assert (row["Rank"], row["Number"], row["Rate per 1,000 residents"]) == ("–", "<5", "not shown")
    assert lsoas[0] not in set(comparison.points["code"]) and lsoas[1] in set(comparison.points["code"])
    assert comparison.hidden == 1


def test_indicators_not_published_for_a_level_are_not_compared(dataset):
    comparison = compare_areas(dataset, "reoffending", "ward", PERIOD)
    assert not comparison.available
    assert set(comparison.table["Compared with the Leeds average"]) == {"Not compared (no data)"}


def test_an_area_in_words(constructed):
    comparison = compare_areas(constructed, "burglary", "ward", PERIOD)
    words = comparison.area_sentence(ARMLEY, "Armley")
    assert words.startswith("Armley: 48.0 per 1,000, significantly above the Leeds average (Leeds: ")
    assert "on a year earlier, no significant change" in words
    assert verdict_label("nonsense") == "Not compared (no data)"


def test_ranked_table_orders_by_rate_not_by_count(dataset):
    summary = pd.DataFrame(
        {
            "code": ["a", "b"],
            "name": ["Big", "Small"],
            "population": [100_000.0, 1_000.0],
            "count": [500.0, 20.0],
            "denominator": np.nan,
            "value": [5.0, 20.0],
            "funnel_position": ["below", "above"],
            "change_words": ["no significant change", "no significant change"],
            "status": ["recorded", "recorded"],
            "suppressed": [False, False],
        }
    )
    table = ranked_table(summary, dataset.catalogue.indicator("burglary"), "Rate per 1,000 residents", 5)
    assert list(table["Area"]) == ["Small", "Big"] and list(table["Rank"]) == ["1", "2"]
