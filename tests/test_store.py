"""Applying is atomic and reversible; uploads are bounded; a killed apply leaves the previous version."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from saferleeds.core.dataset import load_dataset
from saferleeds.core.errors import DataError
from saferleeds.core.paths import HOME_VARIABLE, PROJECT_ROOT, DatasetPaths
from saferleeds.core.values import read_values
from saferleeds.ingest import store
from saferleeds.ingest.store import Changes, Upload
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


def test_a_crash_part_way_through_an_apply_is_undone(home: DatasetPaths, monkeypatch: pytest.MonkeyPatch):
    before = fingerprint(home)
    text = home.catalogue.read_text(encoding="utf-8") + "\n# changed\n"

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store, "write_values", crash)
    with pytest.raises(OSError):
        store.apply_changes(home, Changes("crashing", march_rows(home), catalogue_text=text))
    assert home.catalogue.read_text(encoding="utf-8") == text  # half applied: the catalogue was written
    assert store.recover(home) is True
    assert fingerprint(home) == before
    assert store.recover(home) is False
    load_dataset(home)


def test_recover_leaves_a_live_apply_alone(home: DatasetPaths):
    import fcntl

    (home.data / store.JOURNAL_FILE).write_text('{"version": "x"}', encoding="utf-8")
    with open(home.data / store.LOCK_FILE, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert store.recover(home) is False  # someone holds the lock: an apply is running
        fcntl.flock(handle, fcntl.LOCK_UN)
    assert store.recover(home) is True


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


# ---------------------------------------------------------------- bounded uploads


def zipped(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(store, "MAX_UPLOAD_BYTES", 1000)
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 1001)
    with pytest.raises(DataError, match="up to 0 MB"):
        store.read_upload(big)


def test_a_zip_bomb_is_refused():
    bomb = Upload("bomb.zip", zipped({"2025-03/2025-03-west-yorkshire-street.csv": b"0" * 30_000_000}))
    assert len(bomb.data) < 100_000
    with pytest.raises(DataError, match="zip bomb"):
        store.open_zip(bomb)


def test_a_zip_that_expands_beyond_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(store, "MAX_EXPANDED_BYTES", 10_000)
    upload = Upload("large.zip", zipped({"a.shp": os.urandom(6000), "b.dbf": os.urandom(6000)}))
    with pytest.raises(DataError, match="expand to"):
        store.open_zip(upload)


@pytest.mark.parametrize("name", ["../escape.shp", "/etc/escape.shp", "a/../../escape.shp", "C:/escape.shp"])
def test_zip_paths_never_escape_the_working_folder(tmp_path: Path, name: str):
    upload = Upload("evil.zip", zipped({name: b"shape"}))
    work = tmp_path / "work"
    with pytest.raises(DataError, match="outside the archive"):
        store.extract_members(upload, work, (".shp",))
    assert not (tmp_path / "escape.shp").exists()


def test_only_expected_file_types_are_read_from_a_zip(tmp_path: Path):
    upload = Upload(
        "shapes.zip", zipped({"x/a.shp": b"1", "x/a.dbf": b"2", "x/run.sh": b"rm -rf /", "x/notes.txt": b"3"})
    )
    written = store.extract_members(upload, tmp_path, (".shp", ".dbf"))
    assert sorted(p.name for p in written) == ["a.dbf", "a.shp"]
    assert all(tmp_path in p.parents for p in written)


def test_a_damaged_zip_is_explained():
    with pytest.raises(DataError, match="damaged or incomplete"):
        store.open_zip(Upload("cut.zip", zipped({"a.csv": b"x" * 1000})[:60]))


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

    process = _start(home, "ingest", str(march))
    killed = _kill_when(process, lambda: any(home.data.glob(f".{home.values.name}.*.tmp")))
    assert killed, "the ingest finished before it could be killed"
    assert (home.data / store.JOURNAL_FILE).exists()  # the apply was caught part way
    half_written = list(home.data.glob(f".{home.values.name}.*.tmp"))
    assert half_written, "the kill landed after the new table was renamed into place"
    assert home.values.read_bytes() == values_before  # the table in use was never touched
    load_dataset(home)  # and the dataset is readable as it is

    assert store.recover(home) is True
    assert fingerprint(home) == before
    assert not list(home.data.glob(".*.tmp"))
    loaded = load_dataset(home)
    assert pd.Timestamp("2025-03-01") not in set(loaded.months)


@pytest.mark.slow
def test_killing_an_apply_of_several_files_puts_every_file_back(tmp_path: Path):
    home = copy_default(tmp_path / "home")
    before = fingerprint(home)
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
    assert "20 indicators" in result.stdout
    assert fingerprint(home) == before
