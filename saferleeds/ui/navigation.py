"""The navigation between pages, and moving between them while carrying the shared filters.

The page list is drawn from the registry, by the router, as links in the sidebar. Streamlit's own sidebar
navigation is switched off (``client.showSidebarNavigation`` in ``.streamlit/config.toml``): on a server's
first session it lists the files of ``pages/`` under their file names ("app", "board pack") until the
router's ``st.navigation`` has run, which a person sees for the seconds the first run takes.
"""

from __future__ import annotations

import streamlit as st

from saferleeds.ui.registry import PAGES, page_file

PAGE_LINKS_KEY = "page_links"
PAGE_REQUEST_KEY = "_page_request"
FILTER_REQUEST_KEY = "_filter_request"


def request_page(page: str, **widget_values: object) -> None:
    """Button callback: set filter widgets (bound to the URL) and go to another page.

    Bound widgets can only be changed through session state before they are drawn, so the values
    are stored now (callbacks run before the script) and the switch happens in ``follow_page_request``.
    """
    for key, value in widget_values.items():
        st.session_state[key] = value
    st.session_state[PAGE_REQUEST_KEY] = page_file(page)


def request_filters(**widget_values: object) -> None:
    """From a page's script: change filter widgets that are already drawn, by running again.

    The values are applied by ``follow_page_request`` at the start of the next run, before the
    router draws the filters (a drawn widget's value cannot be changed in the same run).
    """
    st.session_state[FILTER_REQUEST_KEY] = widget_values
    st.rerun()


def follow_page_request() -> None:
    """Called by the router before anything is drawn: apply filter requests, and switch page if a
    button asked for it."""
    for key, value in st.session_state.pop(FILTER_REQUEST_KEY, {}).items():
        st.session_state[key] = value
    target = st.session_state.pop(PAGE_REQUEST_KEY, None)
    if target:
        # An empty mapping, not None: clearing the URL by default refuses while filters are bound to it;
        # the bound filters write themselves back as the page draws them.
        st.switch_page(target, query_params={})


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


def draw_page_links() -> None:
    """Every page's title as a link at the top of the sidebar (the bound filters follow to the page)."""
    with st.sidebar.container(key=PAGE_LINKS_KEY, gap="small"):
        for entry in PAGES:
            st.page_link(entry.file, label=entry.title, icon=entry.icon, width="stretch")
