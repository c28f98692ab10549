"""The router's parts: page configuration and the shared filters (drawn before every page)."""

from __future__ import annotations

import streamlit as st

from saferleeds.dataset import Dataset
from saferleeds.ui.data import get_dataset_or_none
from saferleeds.ui.filters import shared_filters
from saferleeds.ui.page import remember_selection
from saferleeds.ui.presentation import presentation_toggle

TITLE = "Safer Leeds Insight"


def configure_page() -> None:
    st.set_page_config(
        page_title=TITLE,
        page_icon=":material/shield:",
        layout="wide",
        initial_sidebar_state="auto",
        menu_items={"About": f"{TITLE}: community safety insight for the Safer Leeds partnership."},
    )


def draw_shared_filters() -> Dataset | None:
    """Draw the filters in the sidebar when the data loads; pages that need data explain otherwise."""
    st.sidebar.markdown(f"### {TITLE}")
    dataset = get_dataset_or_none()
    if dataset is None:
        return None
    remember_selection(shared_filters(dataset))
    presentation_toggle()
    return dataset
