"""board_pack page."""

from saferleeds.ui.page import start_page

dataset, selection = start_page("board_pack")
