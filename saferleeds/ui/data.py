"""Cached loading of the dataset, keyed on its folder and version (never on a GeoDataFrame).

Every server process reading the same folder (``SAFERLEEDS_HOME``) checks the version on each run,
so new data applied through any one of them is loaded once by each, without a restart.
"""

from __future__ import annotations

import ctypes
import gc
import os
import re
import threading
import time
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.logger import get_logger

from saferleeds.analysis.preparation import preparation_steps, prepare
from saferleeds.core.dataset import Dataset, load_dataset
from saferleeds.core.errors import DataError
from saferleeds.core.paths import DatasetPaths, dataset_paths, dataset_version
from saferleeds.ingest.store import applying, recover

APPLY_WAIT = 30.0  # seconds a page waits for an apply in progress before reading what is there
PREPARE_VARIABLE = "SAFERLEEDS_PREPARE"  # "off" leaves every result to be worked out when first asked for
PREPARE_THREAD = "saferleeds-prepare"
SCRIPT_THREAD = "ScriptRunner.scriptThread"  # the thread Streamlit draws each page run in
_PREPARING: dict[Path, str] = {}  # dataset folder: the version being prepared
ALLOCATOR_ARENAS = 2  # memory pools the C allocator may keep (glibc's default is eight per core)
M_ARENA_MAX = -8  # glibc's mallopt option for that number (malloc.h)
LOGGER = get_logger(__name__)


@st.cache_resource(show_spinner="Loading the data…", max_entries=2)
def _load(root: str, version: str) -> Dataset:
    # One shared, read-only Dataset per version: every session reads the same object.
    limit_allocator_arenas()
    gc.unfreeze()  # what the previous load froze can be collected again once it is dropped
    dataset = load_dataset(dataset_paths(root))
    freeze_what_is_loaded()
    LOGGER.info("Loaded dataset version %s from %s", version, root)
    if preparing_enabled():
        start_preparing(dataset)
    return dataset


def preparing_enabled() -> bool:
    return os.environ.get(PREPARE_VARIABLE, "on").strip().lower() not in ("0", "off", "false", "no")


def page_running() -> bool:
    """Whether any session's page is being drawn in this process now."""
    return any(thread.name == SCRIPT_THREAD and thread.is_alive() for thread in threading.enumerate())


def start_preparing(dataset: Dataset) -> threading.Thread:
    """Work out what pages ask for first (``saferleeds.analysis.preparation``) in a background thread,
    step by step while no page is being drawn; it stops when another dataset version is loaded."""
    _PREPARING[dataset.paths.root] = dataset.version

    def stopped() -> bool:
        return _PREPARING.get(dataset.paths.root) != dataset.version

    def run() -> None:
        try:
            prepared = prepare(preparation_steps(dataset), busy=page_running, stopped=stopped)
        except Exception:  # a page that asks for the same result shows the problem where it belongs
            LOGGER.exception("Preparing dataset version %s stopped", dataset.version)
            return
        LOGGER.info(
            "Prepared %d results for dataset version %s in %.1f s%s",
            prepared.steps,
            dataset.version,
            prepared.seconds,
            "" if prepared.finished else " (stopped: newer data loaded)",
        )

    thread = threading.Thread(target=run, name=PREPARE_THREAD, daemon=True)
    thread.start()
    return thread


def freeze_what_is_loaded() -> None:
    """Take everything alive now (the modules and the loaded dataset) out of later garbage collections.

    A full collection walks every object the process holds, and Streamlit runs one after each script
    run unless ``runner.postScriptGC`` is off (it is, in .streamlit/config.toml). Frozen objects are
    still freed when nothing refers to them; only cycles among them wait for the next ``gc.unfreeze``.
    """
    gc.collect()
    gc.freeze()


def limit_allocator_arenas(arenas: int = ALLOCATOR_ARENAS) -> bool:
    """Cap the memory pools the C allocator keeps for threads, as ``MALLOC_ARENA_MAX`` would; True if set.

    Streamlit draws every page run on a new thread, and glibc gives threads that allocate at once pools of
    their own (up to eight per core), each keeping memory that was freed for its own later use. Twenty
    sessions pausing, then twenty back to back, left one process 55 MB smaller with two pools than with the
    default, at the same speed (``bench/load_test.py --sessions 20 --seconds 120 --pause 5 0``). Left alone where
    ``MALLOC_ARENA_MAX`` is set (the operator chose) or the C library is not glibc.
    """
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False


def settled_version(paths: DatasetPaths) -> str:
    """The dataset's version, once no apply is writing it (in this process or another), so a page
    never loads a half-applied dataset and each process loads a new version once."""
    deadline = time.monotonic() + APPLY_WAIT
    while time.monotonic() < deadline:
        if not applying(paths):
            version = dataset_version(paths)
            if not applying(paths):
                return version
        time.sleep(0.05)
    return dataset_version(paths)


def get_dataset() -> Dataset:
    """The current dataset; a missing or damaged file stops the page with a clear message."""
    paths = dataset_paths()
    recover(paths)  # an apply that was killed part way is undone before anything is read
    try:
        return _load(str(paths.root), settled_version(paths))
    except DataError as exc:
        show_data_problem(exc, "The data could not be loaded, so this page cannot be shown.")
        st.stop()


def show_data_problem(error: DataError, headline: str) -> None:
    """Say plainly which file is wrong and where, and that nothing was overwritten."""
    st.error(headline, icon=":material/error:")
    for problem in error.problems:
        st.markdown(f"- {escape(str(problem))}")
    st.caption("Nothing has been changed or overwritten. Restore the file, or load a replacement on the Data page.")


# What Markdown, HTML or Streamlit's own syntax (colours, icons, LaTeX) reads anywhere in a line ...
INLINE_SPECIALS = re.compile(r"[\\`*_\[\]()!<>~$:@]")
# ... what starts a heading, quote, list or setext line only at its start, and what makes a link of a
# bare address (www.) or a character of an entity (&lt;).
LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))")
WWW_DOT = re.compile(r"(?i)(?<=www)\.")
# Streamlit links bare addresses (https://, www., name@host) after the Markdown is read, so a backslash does
# not stop them: an invisible word joiner before the ':' of '://' and before '@' breaks the pattern.
WORD_JOINER = "\u2060"
BARE_LINK = re.compile(r"\\:(?=//)|\\@")
ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def escape(text: str) -> str:
    """Text from files as text wherever Streamlit reads Markdown: bodies, headings, captions, alerts, help
    tooltips, and the labels of widgets, metrics and links.

    Links, images, tags, entities, emphasis, headings and lists all show literally, each special character
    backslash-escaped; ordinary punctuation ('&', '-', '.') is left as it is, so names read as written. Line
    ends become spaces, so a name cannot start a heading or a list of its own.
    """
    flat = " ".join(str(text).splitlines())
    escaped = INLINE_SPECIALS.sub(lambda found: "\\" + found.group(0), flat)
    escaped = WWW_DOT.sub(WORD_JOINER + r"\\.", ENTITY.sub(r"\\&", escaped))
    escaped = BARE_LINK.sub(WORD_JOINER + r"\g<0>", escaped)
    return LINE_START.sub(_escape_line_start, escaped)


def escape_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` for ``st.table``, which reads Markdown in every heading and cell: each text escaped."""
    shown = frame.rename(columns=lambda name: escape(name) if isinstance(name, str) else name)
    for column in shown.columns:
        if not pd.api.types.is_numeric_dtype(shown[column]):
            shown[column] = shown[column].map(lambda value: escape(value) if isinstance(value, str) else value)
    return shown


def _escape_line_start(found: re.Match) -> str:
    space, mark = found.groups()
    return f"{space}{mark}\\" if mark[0].isdigit() else f"{space}\\{mark}"  # '1\. x' but '\# x'


def dataset_or_problem() -> tuple[Dataset | None, DataError | None]:
    """The current dataset, or why it cannot be loaded."""
    paths = dataset_paths()
    recover(paths)
    try:
        return _load(str(paths.root), settled_version(paths)), None
    except DataError as problem:
        return None, problem


def get_dataset_or_none() -> Dataset | None:
    """The current dataset, or None when it cannot be loaded (pages that need it say why)."""
    return dataset_or_problem()[0]
