"""Disclosure control that survives differencing (``saferleeds.analysis.disclosure``).

Two attackers: the module's own (``disclosure_check.infer``) on worked examples, and an independent one
here, a linear programme that minimises and maximises each hidden small area's count subject to every
figure the app shows of every level, run against the embedded default.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.optimize import linprog

from saferleeds.analysis.area_summary import summarise
from saferleeds.analysis.disclosure import EXACT, HIDDEN, ROUNDED, WITHHELD, protection, rounded
from saferleeds.analysis.disclosure_check import System, infer
from saferleeds.analysis.selection import latest_period
from saferleeds.analysis.trends import area_series
from saferleeds.core.periods import Period

pytestmark = pytest.mark.xdist_group("disclosure")


def _system(members: list[list[int]], cells: list[tuple[float, float]], figures: list[tuple[float, float]]) -> System:
    matrix = sparse.csr_matrix(np.array(members, dtype=float))
    low, high = np.array(cells, dtype=float).T
    figure_low, figure_high = np.array(figures, dtype=float).T
    return System(matrix, low, high, figure_low, figure_high)


def test_a_ward_minus_its_exact_small_areas_gives_the_hidden_one_away():
    # A ward of 12 holding a "<5" and a small area shown exactly as 9: the hidden one is 3.
    bounds = infer(_system([[1, 1]], [(1, 4), (9, 9)], [(12, 12)]))
    assert bounds.cells_pinned()[0] and bounds.cell_low[0] == 3


def test_rounding_the_other_small_areas_keeps_the_hidden_one_hidden():
    # The same ward with the other small area rounded to 10 (8 to 12): the hidden one could be 1 to 4.
    bounds = infer(_system([[1, 1]], [(1, 4), (8, 12)], [(12, 12)]))
    assert not bounds.cells_pinned()[0] and (bounds.cell_low[0], bounds.cell_high[0]) == (1, 4)


def test_two_overlapping_exact_areas_isolate_the_small_area_they_do_not_share():
    # A ward (cells 0, 1) and a constituency (cells 1, 2) both exact, and cell 1 + 2 shown exactly too:
    # the ward minus (constituency minus cell 2) is cell 0.
    bounds = infer(_system([[1, 1, 0], [0, 1, 1]], [(1, 4), (0, np.inf), (6, 6)], [(20, 20), (22, 22)]))
    assert bounds.cells_pinned()[0] and bounds.cell_low[0] == 4


def test_rounding_is_to_the_nearest_five_with_halves_up():
    assert list(rounded([0, 2, 3, 7, 8, 12.5, 13], 5)) == [0, 0, 5, 5, 10, 15, 15]


# ----------------------------------------------------------------------------- the default, attacked


def _published(dataset, indicator_id: str, period: Period) -> pd.DataFrame:
    found = protection(dataset, indicator_id, period)
    assert found is not None
    return found.table


def _bounds_shown(table: pd.DataFrame, rule) -> tuple[np.ndarray, np.ndarray]:
    """What an analyst knows of each figure from the screen: exact, within rounding, "<5" or nothing."""
    shown = table["shown"].to_numpy(dtype=float)
    state = table["state"].to_numpy()
    half = rule.round_to / 2
    low = np.select(
        [state == EXACT, state == ROUNDED, state == HIDDEN], [shown, np.maximum(shown - half, 0), 1], default=0
    )
    high = np.select(
        [state == EXACT, state == ROUNDED, state == HIDDEN], [shown, shown + half, rule.below - 1], default=np.inf
    )
    return low.astype(float), high.astype(float)


def _attack(dataset, indicator_id: str, period: Period) -> dict[str, tuple[float, float]]:
    """The least and most each hidden small area's count can be, given everything shown."""
    geography, rule = dataset.geography, dataset.catalogue.disclosure
    finest = dataset.catalogue.levels.finest
    table = _published(dataset, indicator_id, period)
    cells = list(table.loc[table["level"] == finest, "code"])
    position = {code: i for i, code in enumerate(cells)}
    rows = []
    for level, code in zip(table["level"], table["code"], strict=True):
        members = [code] if level == finest else geography.members(code, finest)
        row = np.zeros(len(cells))
        row[[position[m] for m in members if m in position]] = 1
        rows.append(row)
    matrix = np.vstack(rows)
    low, high = _bounds_shown(table, rule)
    finite = np.isfinite(high)
    a_ub = np.vstack([matrix[finite], -matrix])
    b_ub = np.concatenate([high[finite] + 1e-6, -low + 1e-6])
    found = {}
    for code in table.loc[(table["level"] == finest) & (table["state"] == HIDDEN), "code"]:
        objective = np.zeros(len(cells))
        objective[position[code]] = 1
        least = linprog(objective, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
        most = linprog(-objective, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
        assert least.status == 0 and most.status == 0
        found[code] = (least.fun, -most.fun)
    return found


@pytest.mark.parametrize("indicator_id", ["hate_incidents", "violence_sexual"])
def test_no_hidden_small_count_of_the_default_can_be_worked_out_from_every_figure_shown(dataset, indicator_id):
    period = latest_period(dataset)
    table = _published(dataset, indicator_id, period)
    assert (table["state"] == HIDDEN).any(), "the default has small counts to protect"
    for code, (least, most) in _attack(dataset, indicator_id, period).items():
        assert most - least >= 1 - 1e-6, f"{code} of {indicator_id} is pinned to {least:.1f}"


def test_counts_at_protected_levels_are_rounded_or_hidden_and_never_exact(dataset):
    table = _published(dataset, "hate_incidents", latest_period(dataset))
    protected = table["level"].isin(dataset.catalogue.disclosure.levels)
    assert set(table.loc[protected, "state"]) <= {ROUNDED, HIDDEN, WITHHELD}
    shown = table.loc[protected & (table["state"] == ROUNDED), "shown"]
    assert (shown % dataset.catalogue.disclosure.round_to == 0).all()


def test_periods_other_than_twelve_months_are_withheld_at_protected_levels(dataset):
    month = Period(dataset.latest_month, dataset.latest_month)
    table = _published(dataset, "hate_incidents", month)
    protected = table["level"].isin(dataset.catalogue.disclosure.levels)
    assert (table.loc[protected, "state"] == WITHHELD).all()
    assert (table.loc[~protected, "state"] != HIDDEN).all()


def test_a_thirteen_month_total_cannot_be_differenced_against_a_twelve_month_one(dataset):
    year = latest_period(dataset)
    thirteen = Period(year.start - pd.DateOffset(months=1), year.end)
    table = _published(dataset, "hate_incidents", thirteen)
    protected = table["level"].isin(dataset.catalogue.disclosure.levels)
    assert (table.loc[protected, "state"] == WITHHELD).all() and table.loc[protected, "shown"].isna().all()


def test_a_hidden_row_gets_no_verdict_limits_rank_or_change(dataset):
    table = summarise(dataset, "hate_incidents", "lsoa", latest_period(dataset), "rate")
    hidden = table["suppressed"]
    assert hidden.any()
    assert (table.loc[hidden, "verdict"] == "not compared").all()
    assert (
        table.loc[hidden, [c for c in table.columns if c.startswith("funnel_") and c != "funnel_position"]]
        .isna()
        .all()
        .all()
    )
    assert table.loc[hidden, ["rank", "value", "count", "change", "p_value"]].isna().all().all()


@pytest.mark.slow  # every 12-month window of the history is protected in turn
def test_rolling_averages_sent_to_the_browser_are_made_from_rounded_counts(dataset):
    code = dataset.geography.level_areas("msoa")["code"].iloc[0]
    series = area_series(dataset, "hate_incidents", code, "count")
    totals = (series["rolling"].dropna() * 12).round(6)
    assert len(totals) and (totals % dataset.catalogue.disclosure.round_to == 0).all()
    assert series.loc[series["suppressed"], "shown"].isna().all()


def test_leeds_is_never_withheld_so_its_figure_needs_no_working_out(dataset):
    from saferleeds.analysis.disclosure import published_as_counted

    city = dataset.catalogue.levels.city
    latest = latest_period(dataset)
    withheld = 0
    for indicator_id in ("hate_incidents", "domestic_abuse", "violence_sexual"):
        for period in (latest, latest.comparison(), Period(pd.Timestamp("2019-01-01"), pd.Timestamp("2019-12-01"))):
            table = _published(dataset, indicator_id, period)
            withheld += int((table["state"] == WITHHELD).sum())
            assert set(table.loc[table["level"] == city, "state"]) == {EXACT}
            assert published_as_counted(dataset, indicator_id, city, period)
    assert withheld, "partners are withheld in these periods, so the claim is tested"
