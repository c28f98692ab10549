"""The loaded dataset: remembered results are shared, bounded, and never stale across copies."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from saferleeds.core import dataset as dataset_module


def test_memo_computes_once_and_then_remembers(dataset):
    fresh = dataset.with_values(dataset.values)
    calls = []
    first = fresh.memo(("example",), lambda: calls.append(1) or "result")
    second = fresh.memo(("example",), lambda: calls.append(1) or "other")
    assert first == second == "result" and calls == [1]


def test_memo_forgets_the_least_recently_used_beyond_its_limit(dataset, monkeypatch):
    monkeypatch.setattr(dataset_module, "MEMO_LIMIT", 3)
    fresh = dataset.with_values(dataset.values)
    for key in "abc":
        fresh.memo((key,), lambda key=key: key)
    fresh.memo(("a",), lambda: "recomputed")  # a is now the most recently used
    fresh.memo(("d",), lambda: "d")  # b, the least recently used, is forgotten
    assert fresh.memo(("b",), lambda: "recomputed") == "recomputed"
    assert fresh.memo(("a",), lambda: "again") == "a"


def test_kept_results_are_never_forgotten(dataset, monkeypatch):
    monkeypatch.setattr(dataset_module, "MEMO_LIMIT", 1)
    fresh = dataset.with_values(dataset.values)
    fresh.memo(("boundary",), lambda: "shape", keep=True)
    for key in "xyz":
        fresh.memo((key,), lambda key=key: key)
    assert fresh.memo(("boundary",), lambda: "reloaded", keep=True) == "shape"


def test_a_copy_with_other_values_remembers_nothing_of_the_original(dataset):
    dataset.memo(("shared-check",), lambda: "original")
    copy = dataset.with_values(dataset.values.iloc[:10])
    assert copy.memo(("shared-check",), lambda: "copy") == "copy"
    assert len(copy.values) == 10 and copy.version != dataset.version


def test_a_result_asked_for_by_many_sessions_at_once_is_worked_out_once(dataset):
    started, release, calls = threading.Event(), threading.Event(), []

    def slow() -> str:
        calls.append(threading.get_ident())
        started.set()
        release.wait(10)
        return "result"

    with ThreadPoolExecutor(max_workers=6) as pool:
        first = pool.submit(dataset.memo, ("shared-result",), slow)
        assert started.wait(10)
        others = [pool.submit(dataset.memo, ("shared-result",), slow) for _ in range(5)]
        release.set()
        assert {f.result(10) for f in [first, *others]} == {"result"}
    assert len(calls) == 1


def test_when_the_first_attempt_fails_those_waiting_work_it_out_themselves(dataset):
    started, release, attempts = threading.Event(), threading.Event(), []

    def flaky() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            started.set()
            release.wait(10)
            raise OSError("disk went away")
        return "second try"

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(dataset.memo, ("flaky-result",), flaky)
        assert started.wait(10)
        waiting = pool.submit(dataset.memo, ("flaky-result",), flaky)
        release.set()
        with pytest.raises(OSError):
            first.result(10)
        assert waiting.result(10) == "second try"


def test_a_result_that_asks_for_itself_does_not_wait_for_itself(dataset):
    def nested() -> str:
        return "inner" if len(depth) > 1 else (depth.append(1) or dataset.memo(("self-result",), nested))

    depth = [1]
    assert dataset.memo(("self-result",), nested) == "inner"
