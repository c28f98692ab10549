"""A full disk never makes the dataset unusable: on a small real filesystem (tmpfs), at several amounts of
free space, an apply either succeeds or changes nothing and leaves nothing behind; with no space free at
all the dataset still loads, and a kept version can still be put back.

The dataset lives in a tmpfs mounted for the test (skipped only where the machine cannot mount one).
"""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from saferleeds.core.dataset import load_dataset
from saferleeds.core.errors import DataError
from saferleeds.core.paths import DatasetPaths
from saferleeds.ingest import store
from saferleeds.ingest.gate import Upload
from saferleeds.ingest.store import Changes
from saferleeds.ingest.validation import apply_report, validate
from tests.conftest import FIXTURES, copy_default, run_cli

MARCH = FIXTURES / "police_uk_2025-03_street.csv"
HEADROOM = 8 << 20  # the filesystem: the dataset and this much more


def _mount(folder: Path, size: int) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path):
    """A tmpfs a little larger than the dataset, with a copy of the embedded default in it."""
    needed = sum(p.stat().st_size for folder in ("data", "geo") for p in (FIXTURES.parent.parent / folder).rglob("*"))
    mount = tmp_path / "disk"
    if not _mount(mount, needed + HEADROOM):
        pytest.skip("this machine cannot mount a tmpfs")
    try:
        yield copy_default(mount / "home")
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fingerprint(paths: DatasetPaths) -> dict[str, str]:
    return {
        str(p.relative_to(paths.root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in store.kept_files(paths)
        if p.exists()
    }


def leftovers(paths: DatasetPaths) -> list[Path]:
    found = [*store.versions_folder(paths).glob(".incoming-*"), *paths.data.glob(".*.tmp"), *paths.geo.glob(".*.tmp")]
    return found + [p for p in (paths.data / store.JOURNAL_FILE,) if os.path.lexists(p)]


def fill(paths: DatasetPaths, leave: int) -> Path:
    """Fill the filesystem so that only ``leave`` bytes stay free."""
    filler = paths.root.parent / f"filler-{len(list(paths.root.parent.glob('filler-*')))}"
    with open(filler, "wb") as handle:
        while (free := os.statvfs(paths.root).f_bavail * os.statvfs(paths.root).f_frsize) > leave:
            try:
                handle.write(bytes(min(free - leave, 1 << 20)))
                handle.flush()
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
                break
    return filler


def a_first_version(paths: DatasetPaths) -> dict[str, str]:
    """Apply a small change while there is room, so a version is kept; the fingerprint before it."""
    before = fingerprint(paths)
    rows = load_dataset(paths).rows("burglary").head(20)
    store.apply_changes(paths, Changes("a small change made while there was room", rows.assign(value=1.0)))
    return before


@pytest.mark.parametrize("free_kb", [0, 4, 64, 256, 512, 1024, 2048, 4096])
def test_an_apply_on_a_nearly_full_disk_succeeds_or_changes_nothing(small_disk: DatasetPaths, free_kb: int):
    paths = small_disk
    original = a_first_version(paths)
    report = validate([Upload(MARCH.name, MARCH.read_bytes())], load_dataset(paths))
    assert report.ok, report.lines()
    before = fingerprint(paths)
    fill(paths, free_kb * 1024)
    try:
        apply_report(paths, report)
    except DataError as exc:
        assert "the disk is full" in str(exc) and "nothing was changed" in str(exc)
        assert fingerprint(paths) == before
        assert len(store.list_versions(paths)) == 1
    else:
        assert pd.Timestamp("2025-03-01") in set(load_dataset(paths).months)
        assert len(store.list_versions(paths)) == 2
    assert not leftovers(paths)

    fill(paths, 0)  # no space at all: the dataset is still read, and put back
    assert os.statvfs(paths.root).f_bavail == 0
    load_dataset(paths)
    assert store.recover(paths) is False
    oldest = store.list_versions(paths)[-1]
    store.restore(paths, oldest.id)
    assert fingerprint(paths) == original
    assert not leftovers(paths)
    load_dataset(paths)


@pytest.mark.slow
def test_the_command_line_reads_restores_and_refuses_with_no_space_free(small_disk: DatasetPaths):
    paths = small_disk
    original = a_first_version(paths)
    fill(paths, 0)
    before = fingerprint(paths)
    refused = run_cli("ingest", str(MARCH), home=paths.root)
    assert refused.returncode == 2, refused.stderr
    errors = [line for line in refused.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "the disk is full" in errors[0] and "nothing was changed" in errors[0]
    assert "Traceback" not in refused.stderr
    assert fingerprint(paths) == before and not leftovers(paths)
    info = run_cli("info", home=paths.root)
    indicators = len(load_dataset(paths).catalogue.indicators)
    assert info.returncode == 0 and f"values for {indicators} indicators" in info.stdout
    listed = run_cli("restore", "--list", home=paths.root)
    assert listed.returncode == 0 and "a small change made while there was room" in listed.stdout
    restored = run_cli("restore", home=paths.root)
    assert restored.returncode == 0, restored.stderr
    assert fingerprint(paths) == original and not leftovers(paths)
