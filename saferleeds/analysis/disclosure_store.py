"""Disclosure decisions kept on disk, so that each is worked out once rather than once per process.

Deciding what secondary suppression withholds for one period takes tens of milliseconds, and a trend or a
control chart asks for every month and every 12 months since 2016: seconds for each sensitive indicator,
repeated by every app process and every command. The decisions (the areas withheld beyond the rule's
first step) are filed in ``data/disclosure-cache/`` under a fingerprint of everything they follow from:
the indicator's rows, the small areas' lookup, the levels and the rule. Any change to those is a new
file, so a decision is never applied to data it was not made for; a file that cannot be read is ignored
and the decisions are worked out again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from pathlib import Path

import pandas as pd

from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period
from saferleeds.core.values import write_atomic

CACHE_FOLDER = "disclosure-cache"
FORMAT = 1
Withheld = tuple[tuple[str, str], ...]  # (level, code) of each area withheld beyond the first step


def fingerprint(dataset: Dataset, indicator_id: str) -> str:
    """A digest of what the indicator's disclosure decisions follow from."""

    def digest() -> str:
        found = hashlib.sha256(f"{FORMAT}".encode())
        rows = dataset.rows(indicator_id)[["area_code", "period", "value"]]
        found.update(pd.util.hash_pandas_object(rows, index=False).to_numpy().tobytes())
        lookup = dataset.geography.lsoa
        found.update(pd.util.hash_pandas_object(lookup.reset_index(), index=False).to_numpy().tobytes())
        found.update(repr(dataset.catalogue.disclosure).encode())
        found.update(repr([(lv.id, lv.code_column) for lv in dataset.catalogue.levels]).encode())
        return found.hexdigest()[:20]

    return dataset.memo(("disclosure_fingerprint", indicator_id), digest, keep=True)


def _period_key(period: Period) -> str:
    return f"{period.start:%Y-%m}:{period.end:%Y-%m}"


class Ledger:
    """The decisions of one indicator: read from its file on first use, written back when added to."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._decisions: dict[str, Withheld] = self._read() if path is not None else {}
        self._unsaved = 0
        self._lock = threading.Lock()

    def _read(self) -> dict[str, Withheld]:
        assert self.path is not None
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            return {
                str(key): tuple((str(level), str(code)) for level, code in areas)
                for key, areas in stored["periods"].items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    def get(self, period: Period) -> Withheld | None:
        with self._lock:
            return self._decisions.get(_period_key(period))

    def add(self, period: Period, withheld: Withheld) -> None:
        with self._lock:
            self._decisions[_period_key(period)] = withheld
            self._unsaved += 1

    def save(self) -> None:
        """Write the decisions (with any another process filed meanwhile); a failure to write loses
        nothing but time, so it is not an error."""
        if self.path is None:
            return
        with self._lock:
            if not self._unsaved:
                return
            merged = {**self._read(), **self._decisions}
            self._decisions, self._unsaved = merged, 0
            periods = {key: [list(area) for area in merged[key]] for key in sorted(merged)}
        text = json.dumps({"format": FORMAT, "periods": periods}, separators=(",", ":"))
        with contextlib.suppress(OSError):
            write_atomic(self.path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def ledger(dataset: Dataset, indicator_id: str) -> Ledger:
    """The decisions of one indicator for this dataset (one ledger per dataset, shared by its sessions)."""

    def open_ledger() -> Ledger:
        if not dataset.stored:  # values changed in memory: nothing on disk is theirs
            return Ledger(None)
        folder = dataset.paths.data / CACHE_FOLDER
        return Ledger(folder / f"{indicator_id}-{fingerprint(dataset, indicator_id)}.json")

    return dataset.memo(("disclosure_ledger", indicator_id), open_ledger, keep=True)
