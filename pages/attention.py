"""What needs attention: the findings worth a board's time for the chosen area and period, and how they are found."""

import streamlit as st

from saferleeds.analysis.attention import MOST_SHOWN
from saferleeds.ui import attention
from saferleeds.ui.data import escape
from saferleeds.ui.page import start_page

dataset, selection = start_page("What needs attention")
where = dataset.geography.name(selection.area) if selection.area else "Leeds and its areas"
st.markdown(
    f"The few findings worth a board's time for **{escape(where)}**, {selection.period.label()}: significant "
    "changes on a year earlier, areas beyond the funnel limits around the Leeds figure, control-chart signals and "
    "new hot spots, strongest evidence first. Choose an area or a period in the sidebar to look elsewhere."
)
found = attention.draw_attention(dataset, selection, "page", MOST_SHOWN)
if found is not None and found.findings:
    attention.draw_download(found, dataset)

with st.expander("How the findings are found", icon=":material/science:"):
    st.markdown(attention.method_words(dataset))
