"""Safer Leeds Insight: the router. Page config, navigation, the shared filters, then the page."""

import streamlit as st

from saferleeds.ui.navigation import draw_page_links, follow_page_request
from saferleeds.ui.registry import PAGES
from saferleeds.ui.shell import configure_page, draw_shared_filters, run_page

configure_page()
follow_page_request()
pages = st.navigation(
    [st.Page(p.file, title=p.title, icon=p.icon, url_path=p.slug, default=p.default) for p in PAGES],
    position="hidden",  # drawn by draw_page_links (see saferleeds/ui/navigation.py)
)
draw_page_links()
draw_shared_filters()
run_page(pages)
