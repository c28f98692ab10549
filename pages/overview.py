"""Overview: the plan on a page."""

import streamlit as st

from saferleeds.analysis.overview import plan_on_a_page
from saferleeds.ui.data import escape
from saferleeds.ui.page import start_page
from saferleeds.ui.tiles import draw_tile

dataset, selection = start_page("Safer Leeds: the plan on a page")
st.info(f"**Our outcome:** {dataset.catalogue.meta['outcome']}.", icon=":material/flag:")
where = dataset.geography.name(selection.area) if selection.area else None
if where:
    st.markdown(f"Figures for **{escape(where)}** beside the Leeds figure, {selection.period.label()}.")
else:
    st.markdown(
        f"Figures for **Leeds**, {selection.period.label()}. Choose an area in the sidebar to see it beside Leeds."
    )

columns = plan_on_a_page(
    dataset, selection.priority, selection.theme, selection.area, selection.period, selection.measure
)
for column, container in zip(columns, st.columns(len(columns)), strict=True):
    with container:
        st.header(f"{column.priority.short}: {column.priority.label}", divider="gray")
        if not column.tiles:
            st.caption("No indicator of this priority has the chosen focus theme.")
        for tile in column.tiles:
            draw_tile(dataset, tile, selection.period)
