"""Applying new data to a dataset folder: bounded uploads, atomic and reversible changes.

An apply never edits the files in use in place:

1. under an exclusive lock, the files about to change are copied to ``data/versions/<id>/``
   (written to a hidden folder first, then renamed, so a version is complete or absent);
2. a journal naming that version is written (atomically);
3. each new file is written beside its target and renamed over it (``values.write_atomic``);
4. the journal is removed.

If the process dies between 2 and 4, the lock dies with it; the next apply, restore or page load
finds the journal with no one holding the lock and puts the saved version back. So a crash or a
killed process leaves the previous version in place. Every apply keeps the version it replaced,
and ``restore`` puts any kept version back (itself reversibly).
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import pandas as pd

from saferleeds.core.errors import DataError, Problem
from saferleeds.core.paths import DatasetPaths
from saferleeds.core.values import read_values, replace_rows, write_atomic, write_values

# Upload bounds, stated on the Data page and in the command-line help.
MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # one file (matches server.maxUploadSize in .streamlit/config.toml)
MAX_EXPANDED_BYTES = 1024 * 1024 * 1024  # everything a zip would expand to
MAX_ZIP_MEMBERS = 5000
MAX_COMPRESSION_RATIO = 200  # a member that expands more than this is treated as a zip bomb
KEEP_VERSIONS = 10

VERSIONS_FOLDER = "versions"
JOURNAL_FILE = ".apply-journal.json"
LOCK_FILE = ".apply.lock"
UPDATES_FILE = "updates.csv"
VERSION_INFO = "version.json"


@dataclass(frozen=True)
class Upload:
    """One file given by a person: the name they gave it and its bytes."""

    name: str
    data: bytes

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name.lower()).suffix


@dataclass
class Changes:
    """Everything one apply writes: value rows, catalogue text and whole files."""

    description: str
    values: pd.DataFrame | None = None  # rows that replace the same (indicator, month) in the values table
    catalogue_text: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # path inside the dataset folder -> new content
    updated: list[str] = field(default_factory=list)  # indicator ids whose numbers change

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


# ---------------------------------------------------------------- bounded uploads


def check_upload_size(name: str, size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise DataError(
            Problem(
                name,
                f"the file is {size / 1024**2:,.0f} MB; files of up to {MAX_UPLOAD_BYTES // 1024**2} MB can be loaded",
            )
        )


def read_upload(path: str | Path) -> Upload:
    """Read a file named on the command line, refusing one over the size limit before reading it."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise DataError(Problem(path.name, "file not found")) from exc
    check_upload_size(path.name, size)
    return Upload(path.name, path.read_bytes())


def open_zip(upload: Upload) -> zipfile.ZipFile:
    """Open an uploaded zip after checking it is not a zip bomb and holds no escaping paths."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(upload.data))
        members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise DataError(
            Problem(upload.name, "the zip archive is damaged or incomplete (was the download cut short?)")
        ) from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise DataError(
            Problem(upload.name, f"the zip archive holds {len(members):,} files; at most {MAX_ZIP_MEMBERS:,}")
        )
    expanded = sum(m.file_size for m in members)
    if expanded > MAX_EXPANDED_BYTES:
        raise DataError(
            Problem(
                upload.name,
                f"the zip archive would expand to {expanded / 1024**2:,.0f} MB, more than the "
                f"{MAX_EXPANDED_BYTES // 1024**2:,} MB limit; split it into smaller downloads",
            )
        )
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            raise DataError(
                Problem(
                    f"{upload.name}!{member.filename}",
                    "this file in the zip archive expands suspiciously far (a 'zip bomb'); it was not read",
                )
            )
    return archive


def safe_member_path(name: str) -> PurePosixPath | None:
    """The member's path if it stays inside the folder it is extracted to, else None."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or any(part in ("..", "") for part in path.parts) or ":" in path.parts[0]:
        return None
    return path


def extract_members(upload: Upload, folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Extract only members with the expected suffixes into ``folder``; never outside it.

    Members whose paths would escape (``../``, absolute paths, drive letters) are refused; members
    of other types are skipped unread.
    """
    archive = open_zip(upload)
    root = folder.resolve()
    written: list[Path] = []
    total = 0
    for member in archive.infolist():
        if member.is_dir():
            continue
        relative = safe_member_path(member.filename)
        if relative is None:
            raise DataError(
                Problem(f"{upload.name}!{member.filename}", "this path leads outside the archive's folder; refused")
            )
        if relative.suffix.lower() not in suffixes or relative.name.startswith("._"):
            continue
        target = (root / relative).resolve()
        if root not in target.parents:
            raise DataError(
                Problem(f"{upload.name}!{member.filename}", "this path leads outside the archive's folder; refused")
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(member) as source, open(target, "wb") as out:
            while chunk := source.read(1 << 20):
                total += len(chunk)
                if total > MAX_EXPANDED_BYTES:
                    raise DataError(Problem(upload.name, "the zip archive expands beyond the limit; refused"))
                out.write(chunk)
        written.append(target)
    return written


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


def _copy_in(source: Path, target: Path) -> None:
    write_atomic(target, lambda tmp: shutil.copyfile(source, tmp))


def _relative(paths: DatasetPaths, path: Path) -> str:
    return path.relative_to(paths.root).as_posix()


def _save_version(paths: DatasetPaths, description: str) -> Version:
    now = datetime.now(UTC)
    version_id = now.strftime("%Y%m%dT%H%M%S%fZ")
    folder = versions_folder(paths)
    staging = folder / f".incoming-{version_id}"
    files = []
    for path in kept_files(paths):
        if path.exists():
            target = staging / _relative(paths, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            files.append(_relative(paths, path))
    info = {"id": version_id, "created": now.isoformat(), "description": description, "files": files}
    staging.mkdir(parents=True, exist_ok=True)
    (staging / VERSION_INFO).write_text(json.dumps(info, indent=2), encoding="utf-8")
    for written in staging.rglob("*"):
        if written.is_file():
            with open(written, "rb") as handle:
                os.fsync(handle.fileno())
    os.replace(staging, folder / version_id)
    return Version(version_id, now, description, folder / version_id)


def _restore_files(paths: DatasetPaths, version: Version) -> None:
    info = json.loads((version.folder / VERSION_INFO).read_text(encoding="utf-8"))
    saved = set(info["files"])
    for name in saved:
        _copy_in(version.folder / name, paths.root / name)
    for path in kept_files(paths):
        if path.exists() and _relative(paths, path) not in saved:
            path.unlink()


def _write_journal(paths: DatasetPaths, version: Version) -> None:
    text = json.dumps({"version": version.id})
    write_atomic(paths.data / JOURNAL_FILE, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def _clear_journal(paths: DatasetPaths) -> None:
    with contextlib.suppress(FileNotFoundError):
        (paths.data / JOURNAL_FILE).unlink()


def _recover_locked(paths: DatasetPaths) -> bool:
    journal = paths.data / JOURNAL_FILE
    if journal.exists():
        version_id = json.loads(journal.read_text(encoding="utf-8"))["version"]
        version = _version_from(versions_folder(paths) / version_id)
        if version is not None:
            _restore_files(paths, version)
            shutil.rmtree(version.folder, ignore_errors=True)
        _clear_journal(paths)
        recovered = True
    else:
        recovered = False
    for stray in versions_folder(paths).glob(".incoming-*"):
        shutil.rmtree(stray, ignore_errors=True)
    for folder in (paths.data, paths.geo):
        for stray in folder.glob(".*.tmp"):
            stray.unlink(missing_ok=True)
    return recovered


def recover(paths: DatasetPaths) -> bool:
    """Undo an apply that was interrupted (the process crashed or was killed); True if one was.

    Does nothing while another process is applying (it holds the lock), so it is safe to call
    before every load.
    """
    if not (paths.data / JOURNAL_FILE).exists():
        return False
    paths.data.mkdir(parents=True, exist_ok=True)
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
    if not (paths.data / JOURNAL_FILE).exists():
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


def apply_changes(paths: DatasetPaths, changes: Changes) -> Version:
    """Write ``changes`` into the dataset folder atomically, keeping the version they replace."""
    if changes.empty:
        raise DataError(Problem("upload", "there is nothing to apply"))
    with _locked(paths):
        _recover_locked(paths)
        version = _save_version(paths, changes.description)
        _write_journal(paths, version)
        when = datetime.now(UTC)
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
            log = _record_updates(paths, changes.updated, changes.description, when)
            write_atomic(updates_path(paths), lambda tmp: Path(tmp).write_bytes(log))
        _clear_journal(paths)
        _prune(paths)
    return version


def _version_from(folder: Path) -> Version | None:
    try:
        info = json.loads((folder / VERSION_INFO).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, NotADirectoryError):
        return None
    return Version(info["id"], datetime.fromisoformat(info["created"]), info["description"], folder)


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
        raise DataError(Problem(str(paths.data), f"there is no kept version '{version_id}'"))
    with _locked(paths):
        _recover_locked(paths)
        saved = _save_version(paths, f"restoring the version of {chosen.created.astimezone():%d %b %Y %H:%M:%S}")
        _write_journal(paths, saved)
        _restore_files(paths, chosen)
        _clear_journal(paths)
        _prune(paths)
    return chosen


def last_updates(paths: DatasetPaths) -> dict[str, tuple[str, str]]:
    """Indicator id -> (when it was last loaded, what was loaded) for data loaded through this tool."""
    path = updates_path(paths)
    if not path.exists():
        return {}
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {row.indicator: (row.updated, row.what) for row in table.itertuples()}
