"""Board pack: the plan on a page, charts and maps for an area, as PowerPoint, PDF, Excel and CSV."""

from saferleeds.ui.pack import choose_pack, draw_pack_builder, draw_plan_preview
from saferleeds.ui.page import start_page

dataset, selection = start_page(
    "Board pack",
    intro="Take the figures into the meeting: choose an area, the months and the indicators, then download a "
    "PowerPoint deck, a PDF for the board paper, or the tables in Excel or CSV.",
)
request = choose_pack(dataset, selection)
if request is not None:
    draw_plan_preview(dataset, request)
    draw_pack_builder(dataset, request)
