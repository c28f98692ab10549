"""The router's parts: page configuration and the shared filters (drawn before every page)."""

from __future__ import annotations

import logging

import streamlit as st

from saferleeds.core.dataset import Dataset
from saferleeds.core.errors import DataError
from saferleeds.ui import attention
from saferleeds.ui.data import get_dataset_or_none, show_data_problem
from saferleeds.ui.filters import shared_filters
from saferleeds.ui.page import remember_selection
from saferleeds.ui.presentation import presentation_toggle
from saferleeds.ui.style import apply_page_style

TITLE = "Safer Leeds Insight"
PAGE_FAILED = "Something went wrong while drawing this page. The other pages still work; the problem has been logged."
LOGGER = logging.getLogger("saferleeds")


def configure_page() -> None:
    st.set_page_config(
        page_title=TITLE,
        page_icon=":material/shield:",
        layout="wide",
        initial_sidebar_state="auto",
        menu_items={"About": f"{TITLE}: community safety insight for the Safer Leeds partnership."},
    )
    apply_page_style()


def draw_shared_filters() -> Dataset | None:
    """Draw the filters in the sidebar when the data loads; pages that need data explain otherwise."""
    st.sidebar.markdown(f"### {TITLE}")
    dataset = get_dataset_or_none()
    if dataset is None:
        return None
    remember_selection(shared_filters(dataset))
    presentation_toggle()
    return dataset


def run_page(page) -> None:
    """Run the chosen page. A damaged or missing file becomes a clear message naming it; any other
    failure a plain apology on screen and the details in the server's log (never a traceback)."""
    try:
        page.run()
    except DataError as error:
        show_data_problem(error, "Part of this page could not be shown because a data file is missing or damaged.")
    except Exception:
        LOGGER.exception("the page %s failed", getattr(page, "title", "?"))
        st.error(PAGE_FAILED, icon=":material/error:")
    finally:
        attention.start_asked()
