"""Safer Leeds Insight: the router. Page config, navigation, the shared filters, then the page."""

import streamlit as st

from saferleeds.ui.navigation import follow_page_request
from saferleeds.ui.shell import configure_page, draw_shared_filters, run_page

configure_page()
follow_page_request()
pages = st.navigation(
    [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview", default=True),
        st.Page("pages/map.py", title="Map", icon=":material/map:", url_path="map"),
        st.Page("pages/trends.py", title="Trends", icon=":material/show_chart:", url_path="trends"),
        st.Page("pages/profiles.py", title="Area profiles", icon=":material/location_city:", url_path="profiles"),
        st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
        st.Page("pages/board_pack.py", title="Board pack", icon=":material/slideshow:", url_path="board_pack"),
        st.Page("pages/data.py", title="Data", icon=":material/database:", url_path="data"),
        st.Page(
            "pages/accessibility.py",
            title="Accessibility",
            icon=":material/accessibility_new:",
            url_path="accessibility",
        ),
    ]
)
draw_shared_filters()
run_page(pages)
