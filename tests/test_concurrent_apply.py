"""Two applies at once, many times: each is checked against the version it changes, so nothing is lost.

Each apply adds a new indicator (a catalogue entry) and its values. Before the apply re-checked the
version under the lock, the second of two concurrent applies wrote catalogue text computed from
the version before the first, and the first one's entry was lost while its values stayed.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from saferleeds.core.dataset import Dataset, load_dataset
from saferleeds.core.paths import HOME_VARIABLE, PROJECT_ROOT, DatasetPaths
from saferleeds.ingest import store
from saferleeds.ingest.gate import Upload
from saferleeds.ingest.validation import Report, check_and_apply, validate

ROUNDS = 9


def entry(indicator_id: str) -> dict:
    return {
        "id": indicator_id,
        "label": f"Street lighting faults {indicator_id}",
        "definition": "Faults reported to the council.",
        "unit": "count",
        "polarity": "higher_is_worse",
        "priorities": ["location"],
        "themes": [],
        "source": "Leeds City Council",
        "native_geography": "ward",
    }


def values_file(indicator_id: str, value: int) -> Upload:
    rows = f"indicator,area_code,period,value\n{indicator_id},E05011385,2025-03,{value}\n"
    return Upload(f"{indicator_id}.csv", rows.encode())


@pytest.mark.slow
def test_two_applies_at_once_keep_every_entry_and_value_of_both(home: DatasetPaths, monkeypatch):
    stale = []
    apply_changes = store.apply_changes

    def counting(paths, changes):
        try:
            return apply_changes(paths, changes)
        except store.StaleChanges:
            stale.append(changes.description)
            raise

    monkeypatch.setattr(store, "apply_changes", counting)
    expected: dict[str, int] = {}
    failures: list[BaseException] = []
    for number in range(ROUNDS):
        start = threading.Barrier(2)

        def apply(indicator_id: str, value: int, start=start) -> None:
            def check(dataset: Dataset) -> Report:
                return validate([values_file(indicator_id, value)], dataset, new_entries=[entry(indicator_id)])

            start.wait()
            try:
                report, version = check_and_apply(home, check)
                assert version is not None, report.lines()
            except BaseException as exc:
                failures.append(exc)

        pair = {f"lighting_{number}_a": 2 * number + 1, f"lighting_{number}_b": 2 * number + 2}
        expected |= pair
        threads = [threading.Thread(target=apply, args=item) for item in pair.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not failures, failures
    loaded = load_dataset(home)
    for indicator_id, value in expected.items():
        assert loaded.catalogue.has_indicator(indicator_id), f"the catalogue entry of {indicator_id} was lost"
        assert loaded.rows(indicator_id)["value"].tolist() == [value]
    assert stale, "the applies never overlapped, so the test proved nothing"


def _workbook(path: Path, indicator_id: str, value: int) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "values"
    book.active.append(["indicator", "area_code", "period", "value"])
    book.active.append([indicator_id, "E05011385", "2025-03", value])
    sheet = book.create_sheet("catalogue")
    fields = {k: v for k, v in entry(indicator_id).items() if k != "themes"}
    sheet.append(list(fields))
    sheet.append([", ".join(v) if isinstance(v, list) else v for v in fields.values()])
    book.save(path)
    return path


@pytest.mark.slow
def test_two_ingest_commands_at_once_keep_every_entry_and_value(home: DatasetPaths, tmp_path: Path):
    environment = {HOME_VARIABLE: str(home.root), "PATH": "/usr/bin:/bin"}
    expected = {}
    for number in range(5):
        files = {f"lamps_{number}_{side}": 10 * number + i for i, side in enumerate("ab")}
        expected |= files
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "saferleeds", "ingest", str(_workbook(tmp_path / f"{i}.xlsx", i, v))],
                cwd=PROJECT_ROOT,
                env=environment,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i, v in files.items()
        ]
        for process in processes:
            _, err = process.communicate(timeout=300)
            assert process.returncode == 0, err
            assert "Traceback" not in err
    loaded = load_dataset(home)
    for indicator_id, value in expected.items():
        assert loaded.catalogue.has_indicator(indicator_id)
        assert loaded.rows(indicator_id)["value"].tolist() == [value]
