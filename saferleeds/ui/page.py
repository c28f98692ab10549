"""Page furniture shared by every page: the selection, the heading and the data status line."""

from __future__ import annotations

import streamlit as st

from saferleeds.analysis.selection import Selection, default_selection, status_line
from saferleeds.core.dataset import Dataset
from saferleeds.ui.data import escape, get_dataset
from saferleeds.ui.navigation import ensure_router
from saferleeds.ui.registry import page_file

SELECTION_KEY = "_selection"


def remember_selection(selection: Selection) -> None:
    st.session_state[SELECTION_KEY] = selection


def start_page(title: str, intro: str | None = None) -> tuple[Dataset, Selection]:
    """Heading, status line and the shared selection for a page that shows data."""
    ensure_router()
    dataset = get_dataset()
    selection = st.session_state.get(SELECTION_KEY) or default_selection(dataset)
    st.title(title)
    if intro:
        st.markdown(intro)
    show_status_line(dataset, selection)
    return dataset, selection


def show_status_line(dataset: Dataset, selection: Selection) -> None:
    """Say which data is shown, its period and how it was made (recorded, estimated, modelled), with a link."""
    text = status_line(dataset, selection)
    columns = st.columns([5, 2], vertical_alignment="center")
    columns[0].markdown(
        f":material/info: {escape(text)}",
        help="Recorded values are published data; estimated values are shared out from recorded totals of a "
        "larger area; modelled values are made where open data does not exist.",
    )
    columns[1].page_link(page_file("data"), label="Recorded, estimated or modelled?", icon=":material/help:")
