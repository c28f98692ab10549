"""Map: the chosen indicator on a map of Leeds, its legend, the chosen area's figures and the numbers as a table."""

import streamlit as st

from saferleeds.present.maps.legend import legend_html
from saferleeds.ui import mapview
from saferleeds.ui.data import escape
from saferleeds.ui.page import start_page

dataset, selection = start_page("Map of Leeds")
options = mapview.map_controls(dataset, selection)
model, chosen_level = mapview.models(dataset, selection, options)
if not chosen_level.available:
    mapview.draw_unavailable(dataset, chosen_level)
    st.stop()

map_column, side_column = st.columns([3.4, 1], gap="small")
with map_column:
    st.caption("Select an area to see its figures. Scroll or pinch to zoom, drag to move.")
    mapview.draw_map(dataset, model, selection)
    mapview.draw_view_controls()
    mapview.draw_map_downloads(dataset, model, selection)
    if options.hex_view and options.outlines:
        st.caption("Outlines are drawn on the real map only, not on the hex map.")
with side_column:
    st.html(legend_html(model.legend, dataset.catalogue, model.drawn_outlines))
    mapview.draw_area_picker(dataset, chosen_level, selection)
    mapview.draw_area_panel(chosen_level, selection)
if model.hotspot_note:
    st.caption(escape(model.hotspot_note))

st.header("The numbers on the map", divider="gray")
st.caption(
    f"{escape(model.indicator.label)}, {escape(model.level_plural)}, {model.period.label()}. "
    "Select a column heading to sort; the status column says how each figure was made."
)
mapview.draw_table(dataset, model)
