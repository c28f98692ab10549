"""Compare: every area of the chosen type against the Leeds average, ranked and on a funnel plot."""

import streamlit as st

from saferleeds.compare import compare_areas, funnel_plot
from saferleeds.text import sentence_case
from saferleeds.ui.compare import FUNNEL_SELECTION, last_pick, picked_area, widget_key
from saferleeds.ui.data import escape
from saferleeds.ui.figures import csv_bytes, show_chart
from saferleeds.ui.navigation import request_page
from saferleeds.ui.page import start_page

dataset, selection = start_page("Compare")
comparison = compare_areas(dataset, selection.indicator, selection.level, selection.period)
indicator = comparison.indicator
level_plural = comparison.level_plural

if not comparison.available:
    st.warning(
        f"{escape(indicator.label)} is not published for {escape(level_plural)}. "
        "Choose another area type or indicator in the sidebar."
    )
    st.stop()

st.markdown(
    f"**{escape(indicator.label)}**, {escape(selection.period.label())}: each of the {len(comparison.codes)} "
    f"{escape(level_plural)} against the Leeds average ({escape(comparison.leeds_text)}). An area is only called "
    "above or below Leeds when the difference is bigger than chance would give (95% limits).",
    help=indicator.definition,
)
if comparison.hidden:
    st.caption(
        f"{comparison.hidden} areas with counts from 1 to 4 are shown as “<5” and left off the plot to protect privacy."
    )

st.subheader("Funnel plot", divider="gray")
st.caption(
    "Each point is an area: its rate against its number of residents. Areas inside the funnel are not "
    "significantly different from Leeds; smaller areas vary more by chance, so the funnel is wider for them."
)
labelled = last_pick(comparison.codes) or selection.area
chart_event = show_chart(
    dataset,
    ("funnel", indicator.id, selection.level, selection.period, labelled),
    lambda: funnel_plot(comparison, FUNNEL_SELECTION, labelled),
    widget_key=widget_key("funnel", comparison),
    on_select="rerun",
)
panel = st.container(border=True)

st.subheader("Ranked", divider="gray")
st.caption(
    f"Ranked by {escape(comparison.value_column.lower())}, highest first. The rank alone does not say whether an "
    "area differs from Leeds; the next column does. Choose a row to see the area."
)
table_event = st.dataframe(
    comparison.table.drop(columns=["code"]),
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key=widget_key("ranked", comparison),
)
st.download_button(
    "Download these numbers (CSV)",
    csv_bytes(comparison.table.drop(columns=["code"])),
    file_name=f"compare-{indicator.id}-{selection.level}.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
)

picked = picked_area(chart_event, table_event, comparison.codes) or selection.area
with panel:
    if picked not in comparison.codes:
        st.caption("Click a point on the funnel plot or choose a row of the table to see that area here.")
    else:
        name = dataset.geography.name(picked)
        st.markdown(f"**{escape(name)}**")
        st.markdown(escape(sentence_case(comparison.area_sentence(picked, name))))
        st.button(
            f"Open the profile of {name}",
            key="open-profile",
            icon=":material/location_city:",
            type="primary",
            on_click=request_page,
            args=("profiles",),
            kwargs={"level": selection.level, "area": picked},
        )
