"""Disclosure decisions filed on disk (``saferleeds.analysis.disclosure_store``): a filed decision gives the
same figures as working it out, is never applied to other data, and a damaged file is worked out again."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from saferleeds.analysis import disclosure
from saferleeds.analysis.disclosure import WITHHELD, protection
from saferleeds.analysis.disclosure_store import CACHE_FOLDER, fingerprint, ledger
from saferleeds.core.dataset import load_dataset
from saferleeds.core.periods import Period
from tests.conftest import copy_default

pytestmark = pytest.mark.xdist_group("disclosure")

INDICATOR = "hate_incidents"
PERIODS = [
    Period(pd.Timestamp("2024-08-01"), pd.Timestamp("2025-07-01")),  # 12 months: rounded, hidden and partners
    Period(pd.Timestamp("2025-07-01"), pd.Timestamp("2025-07-01")),  # one month: protected levels withheld
    Period(pd.Timestamp("2019-01-01"), pd.Timestamp("2019-12-01")),
]


@pytest.fixture
def home(tmp_path):
    paths = copy_default(tmp_path / "home")
    for filed in (paths.data / CACHE_FOLDER).glob("*.json"):
        filed.unlink()
    return paths


def _worked_out(home, period):
    return protection(load_dataset(home), INDICATOR, period).table


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.label())
def test_a_filed_decision_gives_the_figures_of_working_it_out(home, period, monkeypatch):
    fresh = _worked_out(home, period)
    assert list((home.data / CACHE_FOLDER).glob(f"{INDICATOR}-*.json")), "the decision was filed"

    def must_not_run(*args, **kwargs):
        raise AssertionError("a filed decision was worked out again")

    monkeypatch.setattr(disclosure, "_secondary_states", must_not_run)
    again = _worked_out(home, period)  # a new process: a new dataset reading the file
    pd.testing.assert_frame_equal(again, fresh)
    if period.months == 12:
        assert (fresh["state"] == WITHHELD).any(), "the period has partners withheld, so the file says something"


def test_a_damaged_file_is_ignored_and_worked_out_again(home):
    period = PERIODS[0]
    fresh = _worked_out(home, period)
    (filed,) = (home.data / CACHE_FOLDER).glob(f"{INDICATOR}-*.json")
    for damage in ("{not json", json.dumps({"periods": {"x": 5}}), json.dumps([1, 2])):
        filed.write_text(damage, encoding="utf-8")
        pd.testing.assert_frame_equal(_worked_out(home, period), fresh)


def test_changed_values_are_a_new_fingerprint_so_old_decisions_are_not_applied(home):
    dataset = load_dataset(home)
    rows = dataset.values
    changed = rows.assign(value=rows["value"].where(~((rows["indicator"] == INDICATOR) & (rows.index % 7 == 0)), 1.0))
    other = dataset.with_values(changed)
    assert fingerprint(other, INDICATOR) != fingerprint(dataset, INDICATOR)
    assert fingerprint(dataset, "domestic_abuse") == fingerprint(dataset.with_values(rows), "domestic_abuse")
    assert ledger(other, INDICATOR).path is None, "values changed in memory are not the folder's: nothing is filed"
    assert ledger(dataset, INDICATOR).path is not None


def test_a_folder_that_cannot_be_written_costs_time_not_an_error(home):
    shutil.rmtree(home.data / CACHE_FOLDER, ignore_errors=True)
    (home.data / CACHE_FOLDER).write_text("a file where the folder would be", encoding="utf-8")
    fresh = _worked_out(home, PERIODS[0])
    assert (fresh["state"] == WITHHELD).any()
    assert (home.data / CACHE_FOLDER).read_text(encoding="utf-8") == "a file where the folder would be"


def _nothing_filed(dataset, indicator_id, level, code, months, window):
    count = len(months)
    return np.full(count, np.nan), np.full(count, disclosure.EXACT, dtype=object), np.zeros(count, dtype=bool)


@pytest.mark.parametrize("window", [1, 12])
def test_an_area_s_states_read_from_filed_decisions_are_those_worked_out(home, window, monkeypatch):
    dataset = load_dataset(home)
    months = dataset.months[-30:]
    table = protection(dataset, INDICATOR, PERIODS[0]).table
    chosen = table[table["state"] == WITHHELD]
    areas = [
        (level, dataset.geography.level_areas(level)["code"].iloc[0]) for level in ("lsoa", "msoa", "ward", "committee")
    ]
    areas += sorted(zip(chosen["level"], chosen["code"], strict=True))[:3]
    worked_out = {}
    with monkeypatch.context() as patched:
        patched.setattr(disclosure, "_filed_states", _nothing_filed)
        for level, code in areas:
            worked_out[level, code] = disclosure.area_states(dataset, INDICATOR, level, code, months, window)

    def must_not_run(*args, **kwargs):
        raise AssertionError("a filed period was worked out again")

    monkeypatch.setattr(disclosure, "protection", must_not_run)
    again = load_dataset(home)  # a new process, reading what the first filed
    for (level, code), expected in worked_out.items():
        pd.testing.assert_frame_equal(disclosure.area_states(again, INDICATOR, level, code, months, window), expected)
    states = pd.concat(worked_out.values())["state"]
    if window == 12:
        assert {disclosure.ROUNDED, disclosure.EXACT, WITHHELD} <= set(states), "every kind of state is checked"
