"""Applying new data to a dataset folder: atomic, reversible and serialised changes.

An apply never edits the files in use in place:

1. under an exclusive lock, the dataset is checked to be the version the changes were checked
   against (another apply may have changed it meanwhile: then the files are checked again);
2. the files about to change are copied to ``data/versions/<id>/`` (into a hidden folder first,
   then renamed, so a version is complete or absent);
3. a journal naming that version is written (atomically);
4. each new file is written beside its target and renamed over it (``values.write_atomic``);
5. the journal is removed.

If the process dies between 3 and 5, the lock dies with it; the next apply, restore or page load
finds the journal with no one holding the lock and puts the saved version back. An apply that
fails (a full disk) puts it back at once. Putting a version back only renames files, so it needs
no free space; the journal is a symbolic link, which needs none either; and a copy that finds the
disk full is made as a hard link instead (every later write replaces a file, never edits it). So
a full disk never leaves the dataset unusable: it can be read and restored with no space free.
Every apply keeps the version it replaced, and ``restore`` puts any kept version back (itself
reversibly).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from saferleeds.core.errors import DataError, Problem
from saferleeds.core.paths import DatasetPaths, dataset_version
from saferleeds.core.text import quoted
from saferleeds.core.values import read_values, replace_rows, write_atomic, write_values

KEEP_VERSIONS = 10

VERSIONS_FOLDER = "versions"
JOURNAL_FILE = ".apply-journal"  # a symbolic link whose target is the id of the version being replaced
OLD_JOURNAL_FILE = ".apply-journal.json"  # the journal as earlier releases wrote it
LOCK_FILE = ".apply.lock"
RESERVE_FILE = ".space-reserve"  # freed when a full disk leaves no room for a version's description
RESERVE_BYTES = 64 * 1024
UPDATES_FILE = "updates.csv"
VERSION_INFO = "version.json"
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


class StaleChanges(DataError):
    """The dataset changed after the files were checked (another apply): check them again."""


@dataclass
class Changes:
    """Everything one apply writes: value rows, catalogue text and whole files."""

    description: str
    values: pd.DataFrame | None = None  # rows that replace the same (indicator, month) in the values table
    catalogue_text: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # path inside the dataset folder -> new content
    updated: list[str] = field(default_factory=list)  # indicator ids whose numbers change
    based_on: str | None = None  # the dataset version the changes were checked against

    @property
    def empty(self) -> bool:
        return (self.values is None or self.values.empty) and self.catalogue_text is None and not self.files

    def merge(self, other: Changes) -> Changes:
        frames = [f for f in (self.values, other.values) if f is not None and not f.empty]
        return Changes(
            description="; ".join(d for d in (self.description, other.description) if d),
            values=pd.concat(frames, ignore_index=True) if frames else None,
            catalogue_text=other.catalogue_text if other.catalogue_text is not None else self.catalogue_text,
            files={**self.files, **other.files},
            updated=sorted(set(self.updated) | set(other.updated)),
            based_on=other.based_on or self.based_on,
        )


@dataclass(frozen=True)
class Version:
    """A kept earlier version of the dataset."""

    id: str
    created: datetime
    description: str
    folder: Path

    def label(self) -> str:
        return f"{self.created.astimezone():%d %b %Y %H:%M:%S}: the data before {self.description}"


# ---------------------------------------------------------------- applying and restoring


def versions_folder(paths: DatasetPaths) -> Path:
    return paths.data / VERSIONS_FOLDER


def updates_path(paths: DatasetPaths) -> Path:
    return paths.data / UPDATES_FILE


def kept_files(paths: DatasetPaths) -> list[Path]:
    """Every file a version keeps: the tracked files plus the manifest and the update log."""
    files = [*paths.tracked_files(), paths.manifest, updates_path(paths)]
    return list(dict.fromkeys(files))


@contextlib.contextmanager
def _locked(paths: DatasetPaths) -> Iterator[None]:
    paths.data.mkdir(parents=True, exist_ok=True)
    with open(paths.data / LOCK_FILE, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _relative(paths: DatasetPaths, path: Path) -> str:
    return path.relative_to(paths.root).as_posix()


def _is_full(exc: OSError) -> bool:
    return exc.errno in NO_SPACE


def _duplicate(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target``; when the disk is full, link it instead (it is only ever replaced)."""
    try:
        shutil.copyfile(source, target)
    except OSError as exc:
        if not _is_full(exc):
            raise
        target.unlink(missing_ok=True)
        try:
            os.link(source, target)
        except OSError:
            raise exc from None


def _with_reserve(paths: DatasetPaths, write: Callable[[], None]) -> None:
    """Run ``write``; if the disk is full, free the space held in reserve and run it again."""
    try:
        write()
    except OSError as exc:
        reserve = paths.data / RESERVE_FILE
        if not _is_full(exc) or not reserve.exists():
            raise
        reserve.unlink()
        write()


def _keep_reserve(paths: DatasetPaths) -> None:
    """Hold a little space back for the next time the disk fills up (skipped when there is none)."""
    reserve = paths.data / RESERVE_FILE
    if reserve.exists():
        return
    with contextlib.suppress(OSError):  # no room for the reserve: the apply itself has succeeded
        write_atomic(reserve, lambda tmp: Path(tmp).write_bytes(bytes(RESERVE_BYTES)))


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _sync_tree(folder: Path) -> None:
    for written in folder.rglob("*"):
        if written.is_file():
            with open(written, "rb") as handle:
                os.fsync(handle.fileno())


def _save_version(paths: DatasetPaths, description: str, reserve: bool = False) -> Version:
    """Keep the files in use as a new version; nothing is left behind if this fails.

    With ``reserve`` (a restore, never an apply) the space held in reserve may be used.
    """
    now = datetime.now(UTC)
    version_id = now.strftime("%Y%m%dT%H%M%S%fZ")
    folder = versions_folder(paths)
    staging = folder / f".incoming-{version_id}"
    try:
        files = []
        for path in kept_files(paths):
            if path.exists():
                target = staging / _relative(paths, path)
                target.parent.mkdir(parents=True, exist_ok=True)
                _duplicate(path, target)
                files.append(_relative(paths, path))
        info = {"id": version_id, "created": now.isoformat(), "description": description, "files": files}
        staging.mkdir(parents=True, exist_ok=True)
        text = json.dumps(info, indent=2)
        if reserve:
            _with_reserve(paths, lambda: _write_text(staging / VERSION_INFO, text))
        else:
            _write_text(staging / VERSION_INFO, text)
        _sync_tree(staging)
        os.replace(staging, folder / version_id)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Version(version_id, now, description, folder / version_id)


def _saved_files(version: Version) -> list[str]:
    return list(json.loads((version.folder / VERSION_INFO).read_text(encoding="utf-8"))["files"])


def _remove_unsaved(paths: DatasetPaths, saved: set[str]) -> None:
    """Remove files a version did not have (an apply added them)."""
    for path in kept_files(paths):
        if path.exists() and _relative(paths, path) not in saved:
            path.unlink()


def _put_back(paths: DatasetPaths, version: Version) -> None:
    """Move a version's files back into place, consuming it: renames only, so no free space is needed."""
    saved = _saved_files(version)
    for name in saved:
        source, target = version.folder / name, paths.root / name
        if source.exists():  # absent when a recovery that was itself interrupted had moved it back
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    _remove_unsaved(paths, set(saved))
    shutil.rmtree(version.folder, ignore_errors=True)


def _place_copy(source: Path, target: Path) -> None:
    """Put a kept file in use, keeping the kept one: a copy, or a hard link when the disk is full."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".{target.name}.{os.getpid()}.restore.tmp"
    temporary.unlink(missing_ok=True)
    try:
        _duplicate(source, temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _restore_files(paths: DatasetPaths, version: Version) -> None:
    saved = _saved_files(version)
    for name in saved:
        _place_copy(version.folder / name, paths.root / name)
    _remove_unsaved(paths, set(saved))


def _write_journal(paths: DatasetPaths, version: Version) -> None:
    temporary = paths.data / f".{JOURNAL_FILE}.{os.getpid()}.tmp"
    temporary.unlink(missing_ok=True)
    os.symlink(version.id, temporary)
    os.replace(temporary, paths.data / JOURNAL_FILE)


def _journal_version(paths: DatasetPaths) -> str | None:
    """The id of the version an interrupted apply was replacing, or None when no apply was interrupted."""
    journal = paths.data / JOURNAL_FILE
    if journal.is_symlink():
        return os.readlink(journal)
    old = paths.data / OLD_JOURNAL_FILE
    if old.exists():
        try:
            return str(json.loads(old.read_text(encoding="utf-8"))["version"])
        except (json.JSONDecodeError, KeyError, TypeError):
            return ""
    return None


def _clear_journal(paths: DatasetPaths) -> None:
    for name in (JOURNAL_FILE, OLD_JOURNAL_FILE):
        with contextlib.suppress(FileNotFoundError):
            (paths.data / name).unlink()


def _strays(paths: DatasetPaths) -> list[Path]:
    """What an apply killed part way leaves: half-kept versions and half-written files."""
    found = list(versions_folder(paths).glob(".incoming-*"))
    for folder in (paths.data, paths.geo):
        found += folder.glob(".*.tmp")
    return found


def _recover_locked(paths: DatasetPaths) -> bool:
    version_id = _journal_version(paths)
    if version_id is not None:
        version = _version_from(versions_folder(paths) / version_id) if version_id else None
        if version is not None:
            _put_back(paths, version)
        _clear_journal(paths)
    for stray in _strays(paths):
        if stray.is_dir() and not stray.is_symlink():
            shutil.rmtree(stray, ignore_errors=True)
        else:
            stray.unlink(missing_ok=True)
    return version_id is not None


def recover(paths: DatasetPaths) -> bool:
    """Undo an apply that was interrupted (the process crashed or was killed); True if one was.

    Does nothing while another process is applying (it holds the lock), so it is safe to call
    before every load.
    """
    if _journal_version(paths) is None and not _strays(paths):
        return False
    with open(paths.data / LOCK_FILE, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        try:
            return _recover_locked(paths)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def applying(paths: DatasetPaths) -> bool:
    """True while an apply or restore is writing the files (in any process): its journal is there and it
    holds the lock. Readers wait for it to finish rather than load a dataset that is half the old version."""
    if not os.path.lexists(paths.data / JOURNAL_FILE):  # the journal is a link to a version id, not a file
        return False
    with open(paths.data / LOCK_FILE, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _record_updates(paths: DatasetPaths, indicators: list[str], description: str, when: datetime) -> bytes:
    path = updates_path(paths)
    existing = (
        pd.read_csv(path, dtype=str, keep_default_na=False)
        if path.exists()
        else pd.DataFrame({"indicator": [], "updated": [], "what": []})
    )
    existing = existing[~existing["indicator"].isin(indicators)]
    fresh = pd.DataFrame({"indicator": indicators, "updated": when.isoformat(timespec="seconds"), "what": description})
    table = pd.concat([existing, fresh], ignore_index=True).sort_values("indicator")
    return table.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _write_changes(paths: DatasetPaths, changes: Changes) -> None:
    if changes.catalogue_text is not None:
        text = changes.catalogue_text
        write_atomic(paths.catalogue, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    for name, content in sorted(changes.files.items()):
        write_atomic(paths.root / name, lambda tmp, content=content: Path(tmp).write_bytes(content))
    if changes.values is not None and not changes.values.empty:
        existing = read_values(paths.values)
        updated = replace_rows(existing, changes.values, on=("indicator", "period"))
        write_values(updated, paths.values)
    if changes.updated:
        log = _record_updates(paths, changes.updated, changes.description, datetime.now(UTC))
        write_atomic(updates_path(paths), lambda tmp: Path(tmp).write_bytes(log))


def _journalled(paths: DatasetPaths, version: Version, write: Callable[[], None]) -> None:
    """Run ``write`` under a journal naming ``version``; if it fails, put ``version`` back at once."""
    try:
        _write_journal(paths, version)
    except BaseException:
        shutil.rmtree(version.folder, ignore_errors=True)
        raise
    try:
        write()
    except BaseException:
        with contextlib.suppress(Exception):  # if putting back fails too, the next load finishes it
            _recover_locked(paths)
        raise
    _clear_journal(paths)


def _disk_problem(paths: DatasetPaths, exc: OSError, what: str) -> DataError:
    if _is_full(exc):
        free = shutil.disk_usage(paths.data).free
        words = f"the disk is full: {what} did not fit in the space free ({free / 1024**2:,.1f} MB)"
    else:
        words = f"{what} could not be written ({exc.strerror or exc})"
    return DataError(Problem(str(paths.data), f"{words}; nothing was changed"))


def _check_current(paths: DatasetPaths, changes: Changes) -> None:
    if changes.based_on is not None and dataset_version(paths) != changes.based_on:
        raise StaleChanges(
            Problem(
                str(paths.data),
                "the data changed while these files were being checked (another change was applied); "
                "they must be checked again against the data now in use",
            )
        )


def apply_changes(paths: DatasetPaths, changes: Changes) -> Version:
    """Write ``changes`` into the dataset folder atomically, keeping the version they replace.

    Raises StaleChanges, writing nothing, when the dataset is no longer the version the changes
    were checked against.
    """
    if changes.empty:
        raise DataError(Problem("upload", "there is nothing to apply"))
    with _locked(paths):
        _recover_locked(paths)
        _check_current(paths, changes)
        _keep_reserve(paths)
        try:
            version = _save_version(paths, changes.description)
            _journalled(paths, version, lambda: _write_changes(paths, changes))
        except OSError as exc:
            raise _disk_problem(paths, exc, "the new data") from exc
        _prune(paths)
        _keep_reserve(paths)
    return version


def _version_from(folder: Path) -> Version | None:
    try:
        info = json.loads((folder / VERSION_INFO).read_text(encoding="utf-8"))
        return Version(info["id"], datetime.fromisoformat(info["created"]), info["description"], folder)
    except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


def list_versions(paths: DatasetPaths) -> list[Version]:
    """Kept versions, newest first."""
    folder = versions_folder(paths)
    if not folder.is_dir():
        return []
    found = [_version_from(child) for child in folder.iterdir() if not child.name.startswith(".")]
    return sorted((v for v in found if v is not None), key=lambda v: v.id, reverse=True)


def _prune(paths: DatasetPaths) -> None:
    for old in list_versions(paths)[KEEP_VERSIONS:]:
        shutil.rmtree(old.folder, ignore_errors=True)


def restore(paths: DatasetPaths, version_id: str | None = None) -> Version:
    """Put a kept version back (the newest if none is named); the current one is kept in turn."""
    versions = list_versions(paths)
    if not versions:
        raise DataError(Problem(str(paths.data), "there is no earlier version to restore"))
    chosen = versions[0] if version_id is None else next((v for v in versions if v.id == version_id), None)
    if chosen is None:
        raise DataError(Problem(str(paths.data), f"there is no kept version {quoted(version_id)}"))
    with _locked(paths):
        _recover_locked(paths)
        _keep_reserve(paths)
        try:
            when = f"{chosen.created.astimezone():%d %b %Y %H:%M:%S}"
            saved = _save_version(paths, f"restoring the version of {when}", reserve=True)
            _journalled(paths, saved, lambda: _restore_files(paths, chosen))
        except OSError as exc:
            raise _disk_problem(paths, exc, "the restored version") from exc
        _prune(paths)
        _keep_reserve(paths)
    return chosen


def last_updates(paths: DatasetPaths) -> dict[str, tuple[str, str]]:
    """Indicator id -> (when it was last loaded, what was loaded) for data loaded through this tool."""
    path = updates_path(paths)
    if not path.exists():
        return {}
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {row.indicator: (row.updated, row.what) for row in table.itertuples()}
