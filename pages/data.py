"""Data: where every number comes from, and loading, fetching and restoring data."""

from saferleeds.ui.data_page import (
    draw_catalogue,
    draw_coverage_ledger,
    draw_fetch,
    draw_modelled_explainer,
    draw_restore_if_unloadable,
    draw_upload,
    draw_versions,
    show_message,
)
from saferleeds.ui.page import start_page

draw_restore_if_unloadable()
dataset, selection = start_page(
    "Data",
    "Every indicator, where its numbers come from and how far they are recorded, estimated or modelled; "
    "and loading the partnership's own data.",
)
show_message()
draw_modelled_explainer(dataset)
draw_coverage_ledger(dataset)
draw_catalogue(dataset)
draw_upload(dataset)
draw_fetch(dataset)
draw_versions(dataset.paths)
