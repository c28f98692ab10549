"""Safer Leeds Insight: the router. Page config, navigation, the shared filters, then the page."""

import streamlit as st

from saferleeds.ui.navigation import draw_page_links, follow_page_request, page_entries
from saferleeds.ui.shell import configure_page, draw_shared_filters, run_page

configure_page()
follow_page_request()
pages = st.navigation(page_entries(), position="hidden")
draw_page_links()
draw_shared_filters()
run_page(pages)
