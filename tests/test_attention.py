"""What needs attention: the false-discovery control against the published worked example and simulated data
of known truth, the tests' p-values against worked examples, and the findings on the data: a change planted
in recorded data is found and ranked, modelled data is held back unless asked for, and an empty list says so."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from saferleeds.analysis.aggregate import latest_period
from saferleeds.analysis.attention import (
    adjusted_p_values,
    attention_findings,
    funnel_p_value,
    funnel_p_values,
    scope,
    spc_p_value,
    summary_words,
    what_needs_attention,
)
from saferleeds.core.geography import CITY_CODE
from saferleeds.ui.registry import PAGES

ARMLEY = "E05011385"
# Benjamini and Hochberg (1995), section 4.2: fifteen p-values from a study of myocardial infarction treatment.
BH_1995 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719,
           0.6528, 0.7590, 1.0000]  # fmt: skip


def test_benjamini_hochberg_rejects_the_four_hypotheses_of_the_published_example():
    adjusted = adjusted_p_values(BH_1995)
    assert list(adjusted < 0.05) == [True] * 4 + [False] * 11
    assert adjusted[3] == pytest.approx(0.0095 * 15 / 4)


def test_benjamini_hochberg_by_hand_and_with_missing_values():
    adjusted = adjusted_p_values([0.01, 0.04, 0.03, 0.005, np.nan])
    assert adjusted[:4] == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert np.isnan(adjusted[4]), "a missing p-value is no test"
    assert adjusted_p_values([]).size == 0


def test_benjamini_hochberg_keeps_the_false_discovery_rate_on_simulated_data():
    """900 true nulls and 100 real effects (z shifted by 3), 300 times: false findings stay near or
    below 5% of those listed, while plain p < 0.05 lists about 45 false alarms each time."""
    from scipy import stats

    rng = np.random.default_rng(1995)
    shares, plain_false = [], []
    truth = np.r_[np.zeros(900, bool), np.ones(100, bool)]
    for _ in range(300):
        z = rng.normal(size=1000) + 3.0 * truth
        p = 2 * stats.norm.sf(np.abs(z))
        listed = adjusted_p_values(p) < 0.05
        shares.append((listed & ~truth).sum() / max(listed.sum(), 1))
        plain_false.append(((p < 0.05) & ~truth).sum())
    assert np.mean(shares) <= 0.05 * 0.9 + 0.01  # BH controls the rate at q times the share of nulls
    assert np.mean(plain_false) > 35


def test_funnel_p_values_match_worked_examples():
    # 30 events where 20 are expected (1,000 people at the Leeds rate of 0.02): P(X >= 30) = 0.0218, doubled.
    assert funnel_p_value(30, 1000, 0.02, "rate") == pytest.approx(0.0436, abs=5e-4)
    # 12 of 20 where the Leeds share is 30%: P(X >= 12) = 0.00514, doubled.
    assert funnel_p_value(12, 20, 0.3, "proportion") == pytest.approx(0.0103, abs=2e-4)
    assert funnel_p_value(20, 1000, 0.02, "rate") == pytest.approx(1.0)
    assert np.isnan(funnel_p_value(np.nan, 1000, 0.02, "rate"))


def exact_two_sided(count: float, base: float, target: float, kind: str) -> float:
    if not (np.isfinite(count) and base > 0):
        return float("nan")
    model = sps.binom(int(base), target) if kind == "proportion" else sps.poisson(target * base)
    return min(1.0, 2 * min(model.cdf(count), model.sf(count - 1)))


def test_many_funnel_p_values_at_once_are_each_areas_own():
    counts = np.array([30, 12, 0, np.nan, 7, 3])
    bases = np.array([1000, 20, 50, 100, 0, 40])
    targets = np.array([0.02, 0.3, 0.01, 0.02, 0.1, 0.05])
    for kind in ("rate", "proportion"):
        together = funnel_p_values(counts, bases, targets, kind)
        one_by_one = [exact_two_sided(c, b, t, kind) for c, b, t in zip(counts, bases, targets, strict=True)]
        np.testing.assert_allclose(together, one_by_one, rtol=1e-12)
    assert np.isnan(together[3]) and np.isnan(together[4])  # no count; no one to count
    assert funnel_p_value(12, 20, 0.3, "proportion") == pytest.approx(0.0103, abs=2e-4)


def test_control_chart_rules_carry_their_false_alarm_probabilities():
    assert spc_p_value("outside", 7, 6) == pytest.approx(0.0027, abs=1e-4)
    assert spc_p_value("shift_up", 7, 6) == pytest.approx(2 * 0.5**7)
    assert spc_p_value("trend_down", 7, 6) == pytest.approx(2 / 720)


def test_a_locality_is_looked_at_with_its_parts_read_from_the_catalogue(dataset):
    committee = dataset.geography.recognise("inner-east")[1]
    where = scope(dataset, committee, "committee")
    levels = [level for level, _ in where.groups]
    assert levels == ["committee", dataset.catalogue.level("committee").profile_members]
    assert set(where.groups[1][1]) == set(dataset.geography.members(committee, "ward"))
    assert set(where.small_areas) == set(dataset.geography.members(committee, dataset.catalogue.levels.finest))
    city = scope(dataset, None, "ward")
    assert city.focus == CITY_CODE and len(city.groups[1][1]) == 33


@pytest.fixture(scope="module")
def recorded(dataset):
    """The default data with every value marked recorded, and anti-social behaviour in Armley's small areas
    tripled in the latest twelve months: the one change planted, of known size."""
    values = dataset.values.copy()
    period = latest_period(dataset)
    armley = set(dataset.geography.members(ARMLEY, dataset.catalogue.levels.finest))
    planted = (values["indicator"] == "asb") & values["area_code"].isin(armley) & period.contains(values["period"])
    values.loc[planted, "value"] = values.loc[planted, "value"] * 3
    values["status"] = "recorded"
    return dataset.with_values(values)


def test_a_planted_change_in_recorded_data_is_found_ranked_and_linked(recorded):
    period = latest_period(recorded)
    found = what_needs_attention(recorded, ARMLEY, "ward", period)
    assert found.findings, summary_words(found)
    changes = [f for f in found.findings if f.kind == "change" and f.indicator == "asb"]
    assert changes, [f.sentence for f in found.findings]
    change = changes[0]
    assert change.sentence.startswith("Reported anti-social behaviour in Armley: up ")
    assert "a significant increase, for the worse" in change.sentence
    assert change.status == "recorded" and change.adjusted_p_value < 0.05
    assert change.link.page == "trends" and change.link.filters == {"indicator": "asb", "area": ARMLEY, "level": "ward"}
    assert [f.score for f in found.findings] == sorted((f.score for f in found.findings), reverse=True)
    assert all(f.link.page in {p.slug for p in PAGES} for f in found.findings)
    assert found.held_back == 0


def test_findings_for_a_pack_are_plain_data(recorded):
    rows = attention_findings(recorded, ARMLEY, "ward", latest_period(recorded))
    assert rows and set(rows[0]) >= {"sentence", "status", "kind", "score", "link"}
    assert set(rows[0]["link"]) == {"page", "filters"}
    pd.DataFrame(rows)  # one row per finding, as a pack's table wants


def test_findings_on_modelled_data_are_held_back_unless_asked_for(dataset):
    period = latest_period(dataset)
    default = what_needs_attention(dataset, ARMLEY, "ward", period)
    asked = what_needs_attention(dataset, ARMLEY, "ward", period, include_modelled=True)
    assert not any(f.status == "modelled" for f in default.findings)
    assert asked.findings and any(f.status == "modelled" for f in asked.findings)
    assert default.held_back > 0 and default.passed == asked.passed
    assert f"{default.held_back} finding" in summary_words(default) and "held back" in summary_words(default)
    assert "held back" not in summary_words(asked)


def test_when_nothing_qualifies_the_list_says_so(recorded):
    flat = recorded.values.copy()
    flat["value"] = 0.0  # nothing happened anywhere: nothing to find
    calm = recorded.with_values(flat)
    found = what_needs_attention(calm, ARMLEY, "ward", latest_period(calm), include_modelled=True)
    assert not found.findings
    assert summary_words(found).startswith("Nothing needs attention")


def test_choosing_a_priority_tests_nothing_again_and_adjusts_among_its_own_tests(dataset, monkeypatch):
    from saferleeds.analysis import attention, overview

    period = latest_period(dataset)
    everything = attention.candidates(dataset, attention.Question(ARMLEY, "ward", period, "count"))
    tested: list[str] = []
    original = attention.change_findings
    monkeypatch.setattr(attention, "change_findings", lambda d, i, *a: tested.append(i.id) or original(d, i, *a))
    priority = dataset.catalogue.priorities[0].id
    chosen = attention.candidates(dataset, attention.Question(ARMLEY, "ward", period, "count", priority))
    assert tested == [], "every indicator of the priority was tested already"
    ids = {i.id for column in overview.tile_indicators(dataset, priority, None).values() for i in column}
    assert {f.indicator for f in chosen} <= ids < {f.indicator for f in everything}
    adjusted = adjusted_p_values([f.p_value for f in chosen])
    assert [f.adjusted_p_value for f in chosen] == pytest.approx(list(adjusted)), "adjusted among its own tests"
