"""Compare: every area of the chosen type against the Leeds average, ranked and on a funnel plot."""

import streamlit as st

from saferleeds.analysis.area_table import area_table
from saferleeds.analysis.compare import compare_areas
from saferleeds.core.text import sentence_case
from saferleeds.present.charts.views import comparison_funnel_chart
from saferleeds.ui.breakdown import draw_level_breakdown
from saferleeds.ui.compare import FUNNEL_SELECTION, area_picker, follow_pick, widget_key
from saferleeds.ui.data import escape
from saferleeds.ui.downloads import table_download
from saferleeds.ui.figures import show_chart
from saferleeds.ui.navigation import request_page
from saferleeds.ui.page import start_page

dataset, selection = start_page("Compare")
comparison = compare_areas(dataset, selection.indicator, selection.level, selection.period)
indicator = comparison.indicator

if not comparison.available:
    st.warning(
        f"{escape(indicator.label)} is not published for {escape(comparison.level_plural)}. "
        "Choose another area type or indicator in the sidebar."
    )
    st.stop()
follow_pick(comparison, selection.area)
chosen = selection.area if selection.area in comparison.codes else None
ranked = comparison.table.drop(columns=["code"])

st.markdown(
    f"**{escape(indicator.label)}**, {escape(selection.period.label())}: each of the {len(comparison.codes)} "
    f"{escape(comparison.level_plural)} against the Leeds average ({escape(comparison.leeds_text)}). An area is "
    "only called above or below Leeds when the difference is bigger than chance and the usual variation "
    "between areas would give.",
    help=escape(indicator.definition),
)
st.caption(escape(comparison.method_words()))
if comparison.hidden:
    st.caption(
        f"{comparison.hidden} areas whose counts are small (or would let a small count be worked out) are shown "
        "as “<5” or “withheld” and left off the plot to protect privacy."
    )

st.header("Funnel plot", divider="gray")
st.caption(
    "Each point is an area: its rate against its number of residents. Smaller areas vary more by chance, so "
    "the funnel is wider for them. Points outside the blue limits (those for all the areas at once) are "
    "significantly above or below Leeds; the 95% and 99.8% limits are each area's own."
)
show_chart(
    dataset,
    ("funnel", indicator.id, selection.level, selection.period, chosen),
    lambda: comparison_funnel_chart(comparison, FUNNEL_SELECTION, chosen),
    widget_key=widget_key("funnel", comparison),
    on_select="rerun",
    slot="funnel",
    numbers=ranked,
    source=indicator.source,
)

with st.container(border=True, key="chosen-area"):
    area_picker(comparison, chosen)
    if chosen is None:
        st.caption("Choose an area above, click a point on the funnel plot or choose a row of the table.")
    else:
        name = dataset.geography.name(chosen)
        st.markdown(f"**{escape(name)}**")
        st.markdown(escape(sentence_case(comparison.area_sentence(chosen, name))))
        st.button(
            f"Open the profile of {escape(name)}",
            key="open-profile",
            icon=":material/location_city:",
            type="primary",
            on_click=request_page,
            args=("profiles",),
            kwargs={"level": selection.level, "area": chosen},
        )

st.header("Ranked", divider="gray")
st.caption(
    f"Ranked by {escape(comparison.value_column.lower())}, highest first. The rank alone does not say whether an "
    "area differs from Leeds; the next column does. Choose a row to see the area."
)
st.dataframe(
    ranked,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key=widget_key("ranked", comparison),
)
table_download(
    lambda: area_table(dataset, indicator.id, selection.level, selection.period, selection.measure),
    f"compare {indicator.id} {selection.level}",
    label="Download these numbers (CSV)",
    key="ranked-csv",
)
if indicator.breakdown is not None:
    draw_level_breakdown(dataset, indicator.id, selection.level, selection.period)
