"""Preparing after the data loads: what the first pages ask for is remembered before anyone asks, the
work waits whenever a page is being drawn, and it stops when newer data is loaded."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace

import pytest

from saferleeds.analysis.aggregate import available_levels
from saferleeds.analysis.area_summary import summarise
from saferleeds.analysis.attention import Question, candidates
from saferleeds.analysis.measures import COUNT
from saferleeds.analysis.overview import tile_indicators
from saferleeds.analysis.preparation import preparation_steps, prepare
from saferleeds.analysis.profiles import build_profile, profile_options
from saferleeds.analysis.selection import default_selection, measure_options
from saferleeds.core.dataset import Dataset, load_dataset
from saferleeds.core.paths import PROJECT_ROOT, dataset_paths
from saferleeds.ui import data as ui_data

ARMLEY = "E05011385"

pytestmark = pytest.mark.slow  # every indicator and area type, on a fresh load of the dataset


@pytest.fixture(scope="module")
def prepared() -> Dataset:
    fresh = load_dataset(dataset_paths(PROJECT_ROOT))
    outcome = prepare(preparation_steps(fresh), busy=lambda: False)
    assert outcome.finished and outcome.steps > 0
    return fresh


def _computed_while(dataset: Dataset, ask) -> list[tuple]:
    """The memo keys worked out (not read back) while ``ask()`` runs."""
    before = set(dataset._memo)
    ask()
    return [key for key in dataset._memo if key not in before]


def test_what_the_first_pages_ask_for_is_already_worked_out(prepared):
    period = default_selection(prepared).period
    levels, indicators = prepared.catalogue.levels.ids, prepared.catalogue.indicators

    def ask() -> None:
        for measure in measure_options(prepared.catalogue):
            for indicator in indicators:
                for level in available_levels(prepared, indicator.id):  # the area types a page offers
                    summarise(prepared, indicator.id, level, period, measure)
        for level in levels:
            candidates(prepared, Question(None, level, period, COUNT))
        for code in [None, *profile_options(prepared.geography)]:
            build_profile(prepared, code, period, COUNT, indicator_id)

    indicator_id = default_selection(prepared).indicator
    assert _computed_while(prepared, ask) == [], "prepared, and nothing prepared was forgotten again"


def test_prepared_results_are_those_a_page_works_out_itself(prepared, dataset):
    period = default_selection(dataset).period
    for indicator, level in [("total_crime", "ward"), ("asb", "lsoa"), ("domestic_abuse", "city")]:
        for measure in measure_options(dataset.catalogue):
            expected = summarise(dataset, indicator, level, period, measure)
            assert summarise(prepared, indicator, level, period, measure).equals(expected)
    assert candidates(prepared, Question(None, "ward", period, COUNT)) == candidates(
        dataset, Question(None, "ward", period, COUNT)
    )
    indicator_id = default_selection(dataset).indicator
    ready, worked_out = (build_profile(d, ARMLEY, period, COUNT, indicator_id) for d in (prepared, dataset))
    assert ready is not None and worked_out is not None
    assert ready.key_table.equals(worked_out.key_table) and ready.summary == worked_out.summary
    for indicator, recent in ready.key_trends.items():
        assert recent.equals(worked_out.key_trends[indicator])


def test_no_step_starts_while_a_page_is_being_drawn():
    looks, started = [], []
    busy_until = 5

    def busy() -> bool:
        looks.append(1)
        return len(looks) <= busy_until

    steps = [lambda i=i: started.append((i, len(looks))) for i in range(3)]
    outcome = prepare(iter(steps), busy=busy, poll=0.001)
    assert outcome.finished and outcome.steps == 3
    assert [i for i, _ in started] == [0, 1, 2]
    assert all(looked > busy_until for _, looked in started)


def test_preparing_stops_when_newer_data_is_loaded():
    done: list[int] = []
    steps = (lambda i=i: done.append(i) for i in range(10))
    outcome = prepare(steps, busy=lambda: False, stopped=lambda: len(done) >= 3)
    assert (outcome.steps, outcome.finished) == (3, False)
    assert done == [0, 1, 2]


def test_a_page_being_drawn_is_seen_by_its_thread_name():
    release = threading.Event()
    page = threading.Thread(target=release.wait, name=ui_data.SCRIPT_THREAD)
    assert not ui_data.page_running()
    page.start()
    try:
        assert ui_data.page_running()
    finally:
        release.set()
        page.join()
    assert not ui_data.page_running()


@pytest.mark.parametrize(
    ("setting", "enabled"), [(None, True), ("on", True), ("off", False), ("0", False), ("False", False), ("no", False)]
)
def test_the_setting_turns_preparing_on_and_off(monkeypatch, setting, enabled):
    if setting is None:
        monkeypatch.delenv(ui_data.PREPARE_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(ui_data.PREPARE_VARIABLE, setting)
    assert ui_data.preparing_enabled() is enabled


def test_the_server_prepares_in_the_background_and_says_so(caplog):
    fresh = load_dataset(dataset_paths(PROJECT_ROOT))
    with caplog.at_level(logging.INFO, logger=ui_data.LOGGER.name):
        thread = ui_data.start_preparing(fresh)
        assert thread.name == ui_data.PREPARE_THREAD and thread.daemon
        thread.join(timeout=300)
    assert not thread.is_alive()
    (said,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Prepared")]
    assert f"for dataset version {fresh.version}" in said and "stopped" not in said
    period = default_selection(fresh).period
    assert _computed_while(fresh, lambda: summarise(fresh, "total_crime", "ward", period)) == []


def test_loading_newer_data_stops_the_older_preparation(caplog):
    older = load_dataset(dataset_paths(PROJECT_ROOT))
    newer = older.with_values(older.values)
    with caplog.at_level(logging.INFO, logger=ui_data.LOGGER.name):
        first = ui_data.start_preparing(older)
        second = ui_data.start_preparing(newer)
        first.join(timeout=300)
        second.join(timeout=300)
    said = {r.getMessage().split("version ")[1].split(" ")[0]: r.getMessage() for r in caplog.records}
    assert "(stopped: newer data loaded)" in said[older.version]
    assert "stopped" not in said[newer.version]


def test_a_step_waits_no_longer_than_its_patience_for_a_quiet_moment():
    ran: list[int] = []
    outcome = prepare([lambda: ran.append(1)] * 3, busy=lambda: True, poll=0.001, patience=0.01)
    assert outcome.finished and ran == [1, 1, 1]


def test_what_needs_attention_is_worked_out_between_pages_in_steps(dataset):
    from saferleeds.ui import attention as ui_attention

    selection = default_selection(dataset)
    question = Question(None, "ward", selection.period, COUNT, "victim")
    steps = ui_attention.preparation_steps(dataset, question)
    assert len(steps) == 1 + sum(len(v) for v in tile_indicators(dataset, "victim", None).values())
    found = ui_attention._find_between_pages(dataset, replace(selection, level="ward", priority="victim"))
    assert found == candidates(dataset, question)
