"""map page."""

from saferleeds.ui.page import start_page

dataset, selection = start_page("map")
