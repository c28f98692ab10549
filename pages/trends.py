"""Trends: the chosen indicator month by month for up to six areas, with Leeds as the reference."""

import streamlit as st

from saferleeds.analysis.trends import trend_view
from saferleeds.core.text import join_words
from saferleeds.ui.data import escape
from saferleeds.ui.figures import show_notes, table_with_download
from saferleeds.ui.page import start_page
from saferleeds.ui.trends import choose_areas, choose_span, draw_trend_chart, use_rates

dataset, selection = start_page("Trends")
codes = choose_areas(dataset, selection)
span = choose_span()
view = trend_view(dataset, selection.indicator, codes, selection.period, selection.measure, span)
indicator = view.indicator

st.markdown(escape(view.intro()), help=escape(indicator.definition))
if view.missing:
    st.info(
        f"{escape(indicator.label)} is not published for {escape(join_words(view.missing))}.", icon=":material/info:"
    )
if not view.has_data:
    st.warning("There is no data to chart for these areas. Choose another indicator or area.")
    st.stop()
if selection.measure == "count" and indicator.is_count and len(view.area_names) > 1:
    st.caption("Areas of different sizes are hard to compare as numbers: a large area's line dwarfs a small one's.")
    st.button("Compare rates per 1,000 residents", key="use-rates", icon=":material/percent:", on_click=use_rates)
if view.disclosure_note:
    st.caption(escape(view.disclosure_note))

st.header("Month by month", divider="gray")
draw_trend_chart(dataset, view, "monthly")

st.header("12-month rolling average", divider="gray")
st.caption("Each point is the average month over the twelve months up to it, which smooths out the seasons.")
draw_trend_chart(dataset, view, "rolling", with_notes=False)

st.header(f"Real change or chance? {escape(view.focus_name)}", divider="gray")
st.caption(
    "A control chart (statistical process control): months outside the control limits, long runs above or "
    "below the average, steady rises or falls, or months close to a limit signal a real shift rather than chance."
)
if view.focus_hidden:
    st.info(
        "Not shown: some months here are not published, to protect privacy. Choose a larger area or Leeds.",
        icon=":material/visibility_off:",
    )
elif view.spc.empty:
    st.info(escape(view.spc_message or f"There are not enough months of data for {view.focus_name}."))
else:
    draw_trend_chart(dataset, view, "spc", with_notes=False)
    st.caption(escape(view.spc_message))
    st.markdown("**What the control chart shows**")
    st.markdown("\n".join(f"- {escape(line)}" for line in view.spc_findings))

st.header(f"Year on year: {escape(view.focus_name)}", divider="gray")
if view.year_on_year.empty:
    st.info("There is no data for these years.")
else:
    draw_trend_chart(dataset, view, "year_on_year", with_notes=False)
    show_notes(view.year_notes)

st.header(f"Seasons: {escape(view.focus_name)}", divider="gray")
if view.seasonality.empty:
    st.info("Not shown: there is no data, or some monthly counts are hidden to protect privacy.")
else:
    st.caption(
        "The average for each calendar month over every year of data; the thin lines run from the lowest year "
        "to the highest."
    )
    draw_trend_chart(dataset, view, "seasonality", with_notes=False)

st.header("The numbers", divider="gray")
show_notes(view.notes)
table_with_download(view.table, f"trend {indicator.id}", key="trend-table")
