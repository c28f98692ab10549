"""Moving between pages while carrying the shared filters (and changing some of them)."""

from __future__ import annotations

import streamlit as st

PAGE_REQUEST_KEY = "_page_request"
PAGES = {
    "overview": "pages/overview.py",
    "map": "pages/map.py",
    "trends": "pages/trends.py",
    "profiles": "pages/profiles.py",
    "compare": "pages/compare.py",
    "board_pack": "pages/board_pack.py",
    "data": "pages/data.py",
    "accessibility": "pages/accessibility.py",
}


def request_page(page: str, **widget_values: object) -> None:
    """Button callback: set filter widgets (bound to the URL) and go to another page.

    Bound widgets can only be changed through session state before they are drawn, so the values
    are stored now (callbacks run before the script) and the switch happens in ``follow_page_request``.
    """
    for key, value in widget_values.items():
        st.session_state[key] = value
    st.session_state[PAGE_REQUEST_KEY] = PAGES[page]


def follow_page_request() -> None:
    """Called by the router before anything is drawn: switch page if a button asked for it."""
    target = st.session_state.pop(PAGE_REQUEST_KEY, None)
    if target:
        # Without query_params, switch_page clears the URL, which Streamlit refuses while filters are
        # bound to it. An empty list replaces them quietly; the bound filters write themselves back.
        st.switch_page(target, query_params=[])


def ensure_router() -> None:
    """Make sure the router (app.py) ran before this page.

    When the server's very first request names a page, Streamlit runs the page file directly
    (the behaviour of apps from before ``st.navigation``) until the router has run once. Turning
    that off and rerunning sends this request through the router, with its URL intact.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
