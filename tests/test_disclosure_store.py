"""Disclosure decisions filed on disk (``saferleeds.analysis.disclosure_store``): a filed decision gives the
same figures as working it out, is never applied to other data, and a damaged file is worked out again."""

from __future__ import annotations

import json
import shutil

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
