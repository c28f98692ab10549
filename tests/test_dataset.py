"""The loaded dataset: remembered results are shared, bounded, and never stale across copies."""

from __future__ import annotations

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
