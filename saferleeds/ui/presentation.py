"""Presentation mode: hide the sidebar and controls and enlarge text and charts for a meeting room."""

from __future__ import annotations

import streamlit as st

PRESENT_KEY = "present"
PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header [data-testid="stToolbar"], [data-testid="stMain"] .stDownloadButton, [data-testid="stMain"] .stPopover,
[data-testid="stMain"] [class*="-numbers"],
[data-testid="stMain"] [data-testid="stFileUploader"], [data-testid="stMain"] .stSelectbox,
[data-testid="stMain"] .stMultiSelect, [data-testid="stMain"] .stRadio, [data-testid="stMain"] .stCheckbox,
[data-testid="stMain"] .stSlider, [data-testid="stMain"] .stTextInput,
[data-testid="stMain"] .stElementContainer:has(.stButton):not(.st-key-leave_presentation) {
  display: none !important;
}
[data-testid="stMain"] .block-container { max-width: 100%; padding-left: 3rem; padding-right: 3rem; }
[data-testid="stMain"] { font-size: 1.3rem; }
[data-testid="stMain"] p, [data-testid="stMain"] li { font-size: 1.3rem; }
[data-testid="stMain"] h1 { font-size: 3rem; }
[data-testid="stMain"] h2 { font-size: 2.6rem; }
[data-testid="stMain"] h3 { font-size: 2.2rem; }
[data-testid="stMain"] canvas, [data-testid="stMain"] .vega-embed { min-height: 120px; }
</style>
"""


def _leave() -> None:
    st.session_state[PRESENT_KEY] = False


def presentation_toggle() -> bool:
    """The switch (kept in the URL as ?present=true); when on, restyle the page and offer a way out."""
    on = st.sidebar.toggle(
        "Presentation mode",
        key=PRESENT_KEY,
        bind="query-params",
        help="Hide the sidebar and controls and enlarge text and charts, for projecting a page in a meeting.",
    )
    if on:
        st.html(PRESENTATION_CSS)
        st.button(
            "Leave presentation mode",
            key="leave_presentation",
            icon=":material/close_fullscreen:",
            on_click=_leave,
            type="secondary",
        )
    return on
