"""Area profiles: one page in plain English about a ward, committee area, constituency or neighbourhood."""

import streamlit as st

from saferleeds.analysis.profiles import build_profile, key_trends_key, trend_numbers
from saferleeds.present.charts.views import profile_locator_chart, profile_trend_chart
from saferleeds.present.export.print_map import OS_ATTRIBUTION
from saferleeds.ui.breakdown import draw_area_breakdowns
from saferleeds.ui.data import escape, escape_table
from saferleeds.ui.downloads import table_download
from saferleeds.ui.figures import show_chart, table_with_download
from saferleeds.ui.page import start_page
from saferleeds.ui.profile import (
    area_links,
    follow_place,
    keep_place_in_url,
    key_figure_card,
    place_picker,
    summary_box,
)

dataset, selection = start_page("Area profile")
problem = follow_place(dataset, selection)
if problem:
    st.warning(escape(problem), icon=":material/search_off:")
profile = build_profile(dataset, selection.area, selection.period, selection.measure, selection.indicator)
if profile is None:  # an area that is not one of this dataset's (a stale link, or data changed meanwhile)
    st.warning("That area is not in the data now loaded, so this shows Leeds.", icon=":material/search_off:")
    profile = build_profile(dataset, None, selection.period, selection.measure, selection.indicator)
assert profile is not None  # Leeds always has a profile
keep_place_in_url(None if profile.is_city else profile.slug)
place_picker(dataset, None if profile.is_city else profile.code)

st.header(escape(profile.name), anchor="profile")
st.caption(
    f"{escape(profile.level_label)} · {profile.population:,.0f} {escape(dataset.catalogue.rates.population_label)} · "
    f"{escape(profile.period.label())}"
)
if profile.note:
    st.info(escape(profile.note), icon=":material/info:")
summary_box(profile.summary.headline, profile.summary.points)
if profile.is_city:
    st.markdown("Choose an area above, or open a community committee area below, to see its own profile.")

show_chart(
    dataset,
    ("locator", profile.code),
    lambda: profile_locator_chart(dataset, profile),
    slot="locator",
    source=f"Office for National Statistics boundaries. {OS_ATTRIBUTION}",
)

st.subheader("Key indicators against Leeds", divider="gray")
st.caption(escape(key_trends_key(profile)))
for pair in profile.key_figure_pairs():
    for figure, column in zip(pair, st.columns(2), strict=False):
        with column:
            key_figure_card(dataset, profile, figure)
with st.expander("Key indicators as a table"):
    st.table(escape_table(profile.key_table), hide_index=True, alt=f"Key indicators for {profile.name} against Leeds")
table_download(
    profile.key_table, f"profile {profile.slug}", label="Download the key indicators (CSV)", key="key-table-csv"
)

draw_area_breakdowns(dataset, profile.level, profile.code, profile.period)

st.subheader("Biggest increases", divider="gray")
st.markdown("\n".join(f"1. {escape(line)}" for line in profile.increases) or "No indicator went up.")
st.subheader("Biggest decreases", divider="gray")
st.markdown("\n".join(f"1. {escape(line)}" for line in profile.decreases) or "No indicator went down.")

st.subheader(f"Trend: {escape(profile.trend_indicator.label)}", divider="gray")
if profile.trend_note:
    st.caption(escape(profile.trend_note))
show_chart(
    dataset,
    ("profile-trend", profile.code, profile.trend_indicator.id, profile.period),
    lambda: profile_trend_chart(profile),
    profile.trend_notes,
    slot="profile-trend",
    numbers=lambda: trend_numbers(profile),
    source=profile.trend_indicator.source,
)

if profile.member_links:
    st.subheader(escape(profile.members_title), divider="gray")
    st.caption(f"{escape(profile.trend_indicator.label)}, {escape(profile.period.label())}.")
    table_with_download(profile.members, f"profile {profile.slug} areas", key="members", hidden=("code", "slug"))
    area_links(profile.member_links, group_by_kind=False)
if profile.related:
    st.subheader("Part of, or overlapping", divider="gray")
    area_links(profile.related)
