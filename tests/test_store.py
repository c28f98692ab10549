"""Applying is atomic, reversible and serialised; a failed or killed apply leaves the previous version."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from saferleeds.core.dataset import load_dataset
from saferleeds.core.errors import DataError
from saferleeds.core.paths import HOME_VARIABLE, PROJECT_ROOT, DatasetPaths, dataset_version
from saferleeds.core.values import read_values
from saferleeds.ingest import store
from saferleeds.ingest.store import Changes
from tests.conftest import FIXTURES, SHARED_DATA, copy_default, require


def fingerprint(paths: DatasetPaths) -> dict[str, str]:
    return {
        str(p.relative_to(paths.root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in store.kept_files(paths)
        if p.exists()
    }


def march_rows(paths: DatasetPaths) -> pd.DataFrame:
    values = read_values(paths.values)
    feb = values[(values["period"] == pd.Timestamp("2025-02-01")) & (values["indicator"] == "burglary")]
    return feb.assign(period=pd.Timestamp("2025-03-01"), value=feb["value"] + 1, status="recorded")


def test_apply_adds_a_month_and_keeps_the_previous_version(home: DatasetPaths):
    before = fingerprint(home)
    version = store.apply_changes(home, Changes("burglary for March 2025", march_rows(home), updated=["burglary"]))
    after = read_values(home.values)
    assert pd.Timestamp("2025-03-01") in set(after["period"])
    assert version.id in [v.id for v in store.list_versions(home)]
    assert "burglary" in store.last_updates(home)
    store.restore(home, version.id)
    assert fingerprint(home) == before
    assert not store.updates_path(home).exists()


def test_restore_is_itself_reversible(home: DatasetPaths):
    store.apply_changes(home, Changes("March", march_rows(home), updated=["burglary"]))
    applied = fingerprint(home)
    store.restore(home)
    newest = store.list_versions(home)[0]
    assert newest.description.startswith("restoring")
    store.restore(home, newest.id)
    assert fingerprint(home) == applied


def strays(paths: DatasetPaths) -> list[Path]:
    """Anything an apply leaves behind that is not the dataset: half-kept versions, half-written files, a journal."""
    found = list(store.versions_folder(paths).glob(".incoming-*"))
    found += [*paths.data.glob(".*.tmp"), *paths.geo.glob(".*.tmp")]
    return found + [p for p in (paths.data / store.JOURNAL_FILE,) if os.path.lexists(p)]


def test_a_failure_part_way_through_an_apply_is_undone_at_once(home: DatasetPaths, monkeypatch: pytest.MonkeyPatch):
    before = fingerprint(home)
    text = home.catalogue.read_text(encoding="utf-8") + "\n# changed\n"

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "write_values", full)  # the catalogue is written first, then this fails
    with pytest.raises(
        DataError, match=r"the disk is full: the new data did not fit in the space free \(.* MB\); nothing was changed"
    ):
        store.apply_changes(home, Changes("failing", march_rows(home), catalogue_text=text))
    assert fingerprint(home) == before
    assert not strays(home) and not store.list_versions(home)
    assert store.recover(home) is False
    load_dataset(home)


CRASH = """
import os, sys
from saferleeds.core.paths import dataset_paths
from saferleeds.core.values import read_values
from saferleeds.ingest import store
paths = dataset_paths(sys.argv[1])
values = read_values(paths.values).head(5)
store.write_values = lambda *args, **kwargs: os._exit(9)  # the process dies as it writes the values
text = paths.catalogue.read_text(encoding="utf-8") + "\\n# changed\\n"
store.apply_changes(paths, store.Changes("dying", values, catalogue_text=text))
"""


def test_a_process_that_dies_part_way_is_undone_by_the_next_load(home: DatasetPaths):
    before = fingerprint(home)
    died = subprocess.run([sys.executable, "-c", CRASH, str(home.root)], cwd=PROJECT_ROOT, check=False)
    assert died.returncode == 9
    assert os.path.islink(home.data / store.JOURNAL_FILE)  # the journal is a link naming the kept version
    assert "# changed" in home.catalogue.read_text(encoding="utf-8")  # caught half way
    assert store.recover(home) is True
    assert fingerprint(home) == before
    assert not strays(home) and store.recover(home) is False
    load_dataset(home)


def test_a_journal_written_by_an_earlier_release_is_still_recovered(home: DatasetPaths):
    before = fingerprint(home)
    version = store._save_version(home, "an interrupted apply of an earlier release")
    (home.data / store.OLD_JOURNAL_FILE).write_text(json.dumps({"version": version.id}), encoding="utf-8")
    home.catalogue.write_text("half written", encoding="utf-8")
    assert store.recover(home) is True
    assert fingerprint(home) == before
    assert not (home.data / store.OLD_JOURNAL_FILE).exists() and not store.list_versions(home)


def test_recover_leaves_a_live_apply_alone(home: DatasetPaths):
    import fcntl

    os.symlink("x", home.data / store.JOURNAL_FILE)
    with open(home.data / store.LOCK_FILE, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert store.recover(home) is False  # someone holds the lock: an apply is running
        fcntl.flock(handle, fcntl.LOCK_UN)
    assert store.recover(home) is True
    assert not os.path.lexists(home.data / store.JOURNAL_FILE)


def test_changes_checked_against_another_version_are_refused_unwritten(home: DatasetPaths):
    checked_against = dataset_version(home)
    store.apply_changes(home, Changes("someone else's change", march_rows(home)))
    before = fingerprint(home)
    stale = Changes("mine", march_rows(home), based_on=checked_against)
    with pytest.raises(store.StaleChanges, match="must be checked again"):
        store.apply_changes(home, stale)
    assert fingerprint(home) == before and len(store.list_versions(home)) == 1
    store.apply_changes(home, Changes("mine", march_rows(home), based_on=dataset_version(home)))


@pytest.mark.slow  # several applies in a row
def test_versions_are_pruned_to_the_newest(home: DatasetPaths, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(store, "KEEP_VERSIONS", 2)
    for number in range(3):
        store.apply_changes(home, Changes(f"apply {number}", march_rows(home)))
    kept = store.list_versions(home)
    assert [v.description for v in kept] == ["apply 2", "apply 1"]


def test_nothing_to_apply_is_refused(home: DatasetPaths):
    with pytest.raises(DataError, match="nothing to apply"):
        store.apply_changes(home, Changes("nothing"))


def test_restore_without_versions_says_so(home: DatasetPaths):
    with pytest.raises(DataError, match="no earlier version"):
        store.restore(home)


# ---------------------------------------------------------------- killing the process


def _kill_when(process: subprocess.Popen, appeared, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if appeared():
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.001)
    process.kill()
    return False


def _start(home: DatasetPaths, *arguments: str) -> subprocess.Popen:
    env = dict(os.environ, **{HOME_VARIABLE: str(home.root)})
    return subprocess.Popen(
        [sys.executable, "-m", "saferleeds", *arguments],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_killing_the_ingest_while_it_writes_leaves_the_previous_dataset(tmp_path: Path):
    require(SHARED_DATA.is_dir(), "the open data for Leeds is needed for a month large enough to interrupt")
    home = copy_default(tmp_path / "home")
    march = tmp_path / "leeds-2025-03-street.csv"
    text = (SHARED_DATA / "police_uk_leeds_2025-02_street.csv").read_text(encoding="utf-8")
    march.write_text(text.replace(",2025-02,", ",2025-03,"), encoding="utf-8")
    before = fingerprint(home)
    values_before = home.values.read_bytes()
    values_loaded_before = load_dataset(home).values

    process = _start(home, "ingest", str(march))
    killed = _kill_when(process, lambda: any(home.data.glob(f".{home.values.name}.*.tmp")))
    assert killed, "the ingest finished before it could be killed"
    assert os.path.islink(home.data / store.JOURNAL_FILE)  # the apply was caught part way
    half_written = list(home.data.glob(f".{home.values.name}.*.tmp"))
    assert half_written, "the kill landed after the new table was renamed into place"
    assert home.values.read_bytes() == values_before  # the table in use was never touched
    load_dataset(home)  # and the dataset is readable as it is

    assert store.recover(home) is True
    assert fingerprint(home) == before
    assert not list(home.data.glob(".*.tmp"))
    assert home.values.read_bytes() == values_before
    assert load_dataset(home).values.equals(values_loaded_before)


@pytest.mark.slow
def test_killing_an_apply_of_several_files_puts_every_file_back(tmp_path: Path):
    home = copy_default(tmp_path / "home")
    before = fingerprint(home)
    indicators_before = len(load_dataset(home).catalogue.indicators)
    process = _start(home, "ingest", str(FIXTURES / "indicator_wide.xlsx"))
    # the catalogue is written first, then the values: kill once the values are being written
    killed = _kill_when(process, lambda: any(home.data.glob(f".{home.values.name}.*.tmp")))
    assert killed, "the ingest finished before it could be killed"
    assert "fly_tipping" in home.catalogue.read_text(encoding="utf-8")  # caught half way
    result = subprocess.run(
        [sys.executable, "-m", "saferleeds", "info", "--home", str(home.root)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"{indicators_before} indicators" in result.stdout
    assert fingerprint(home) == before
