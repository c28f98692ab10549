"""Styles every page adds to Streamlit's own: a focus indicator that cannot be missed, and a page that
starts near the top of the screen (so the plan on a page fits one screen).

The focused control gets a black outline inside a yellow ring (the GOV.UK focus colours), which
stands out on white, on the grey sidebar and on any chart colour (WCAG 2.2: 2.4.7 and 2.4.13).
Streamlit's controls take focus on an inner ``<input>`` (often hidden), so the box they draw is
outlined instead: the one its components mark ``data-focus-visible``, or the text box around it.
"""

from __future__ import annotations

import streamlit as st

FOCUS_COLOUR = "#0b0c0c"
FOCUS_HALO = "#ffdd00"
PAGE_CSS = f"""
<style>
:focus-visible:not(input):not(textarea),
[data-focus-visible="true"]:not(input):not(textarea),
[data-testid="stTextInputRootElement"]:has(input:focus-visible),
[data-testid="stTextAreaRootElement"]:has(textarea:focus-visible) {{
  outline: 3px solid {FOCUS_COLOUR} !important;
  outline-offset: 1px !important;
  box-shadow: 0 0 0 5px {FOCUS_HALO} !important;
}}
input:focus-visible, textarea:focus-visible {{
  outline: none !important;
}}
.st-key-map_area_panel h2 {{ font-size: 1.35rem; padding-top: 0; }}
.st-key-page_links {{ overflow: hidden; min-width: 0; }}
[data-testid="stMainBlockContainer"] {{ padding-top: 3rem; padding-left: 1.5rem; padding-right: 1.5rem; }}
[data-testid="stMainBlockContainer"] h1 {{ font-size: 2.1rem; padding-top: .25rem; padding-bottom: .25rem; }}
</style>
"""


def apply_page_style() -> None:
    """Add the shared styles; the router calls this once per run, before any page (the tag takes no space)."""
    st.html(PAGE_CSS)
