"""Cached loading of the dataset, keyed on its folder and version (never on a GeoDataFrame)."""

from __future__ import annotations

import streamlit as st

from saferleeds.core.dataset import Dataset, load_dataset
from saferleeds.core.errors import DataError
from saferleeds.core.paths import dataset_paths, dataset_version
from saferleeds.ingest.store import recover


@st.cache_resource(show_spinner="Loading the data…", max_entries=2)
def _load(root: str, version: str) -> Dataset:
    # One shared, read-only Dataset per version: every session reads the same object.
    return load_dataset(dataset_paths(root))


def get_dataset() -> Dataset:
    """The current dataset; a missing or damaged file stops the page with a clear message."""
    paths = dataset_paths()
    recover(paths)  # an apply that was killed part way is undone before anything is read
    try:
        return _load(str(paths.root), dataset_version(paths))
    except DataError as exc:
        show_data_problem(exc, "The data could not be loaded, so this page cannot be shown.")
        st.stop()


def show_data_problem(error: DataError, headline: str) -> None:
    """Say plainly which file is wrong and where, and that nothing was overwritten."""
    st.error(headline, icon=":material/error:")
    for problem in error.problems:
        st.markdown(f"- {escape(str(problem))}")
    st.caption("Nothing has been changed or overwritten. Restore the file, or load a replacement on the Data page.")


def escape(text: str) -> str:
    """Markdown-safe text for names and messages that come from files."""
    specials = "\\`*_{}[]()#+-.!|<>~$"
    return "".join(f"\\{c}" if c in specials else c for c in text)


def dataset_or_problem() -> tuple[Dataset | None, DataError | None]:
    """The current dataset, or why it cannot be loaded."""
    paths = dataset_paths()
    recover(paths)
    try:
        return _load(str(paths.root), dataset_version(paths)), None
    except DataError as problem:
        return None, problem


def get_dataset_or_none() -> Dataset | None:
    """The current dataset, or None when it cannot be loaded (pages that need it say why)."""
    return dataset_or_problem()[0]
