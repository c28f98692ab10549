"""Overview: the plan on a page, and what needs the board's attention."""

import streamlit as st

from saferleeds.analysis.overview import plan_on_a_page
from saferleeds.ui import attention, tiles
from saferleeds.ui.data import escape
from saferleeds.ui.page import start_page

dataset, selection = start_page("Safer Leeds: the plan on a page")
where = dataset.geography.name(selection.area) if selection.area else None
outcome = f":material/flag: **Our outcome:** {dataset.catalogue.meta['outcome']}."
if where:
    st.markdown(f"{outcome}  \nFigures for **{escape(where)}** beside the Leeds figure, {selection.period.label()}.")
else:
    st.markdown(
        f"{outcome}  \nFigures for **Leeds**, {selection.period.label()}. "
        "Choose an area in the sidebar to see it beside Leeds."
    )

columns = plan_on_a_page(
    dataset, selection.priority, selection.theme, selection.area, selection.period, selection.measure
)
tiles.draw_plan(dataset, columns)
attention.draw_overview_panel(dataset, selection)
tiles.draw_page_extras(dataset, columns, selection.period)
