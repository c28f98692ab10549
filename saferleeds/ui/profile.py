"""The profile page's place: ``?place=<code or slug>`` in the URL, kept in step with the shared filters."""

from __future__ import annotations

import streamlit as st

from saferleeds.analysis.profiles import AreaLink, KeyFigure, Profile, key_trend_numbers, option_label, profile_options
from saferleeds.analysis.selection import Selection
from saferleeds.core.dataset import Dataset
from saferleeds.core.text import sentence_case
from saferleeds.present.charts.views import profile_key_trend_chart
from saferleeds.ui.data import escape
from saferleeds.ui.figures import show_chart
from saferleeds.ui.navigation import request_filters
from saferleeds.ui.registry import page_file

PLACE = "place"
PLACE_SEEN = "_place_seen"
PICKER = "place_picker"
ALL_AREAS = "all"


def follow_place(dataset: Dataset, selection: Selection) -> str | None:
    """Open the place named in the URL once: set the shared area type and area to it.

    Returns a message when the URL names no known area (the shared area is shown instead).
    """
    raw = st.query_params.get(PLACE)
    if not raw or raw == st.session_state.get(PLACE_SEEN):
        return None
    st.session_state[PLACE_SEEN] = raw
    geography = dataset.geography
    found = geography.recognise(raw) or geography.recognise_name(raw)
    if not found:
        return f"No area called “{raw}” was found, so this shows the area chosen in the sidebar."
    level, code = found
    if level == dataset.catalogue.levels.city:
        if selection.area is not None:
            request_filters(area=ALL_AREAS)
        return None
    if (level, code) != (selection.level, selection.area):
        request_filters(level=level, area=code)
    return None


def keep_place_in_url(slug: str | None) -> None:
    """Write the shown area's short name into the URL, so the address can be shared as it is."""
    if slug is None:
        if PLACE in st.query_params:
            del st.query_params[PLACE]
        st.session_state[PLACE_SEEN] = None
        return
    if st.query_params.get(PLACE) != slug:
        st.query_params[PLACE] = slug
    st.session_state[PLACE_SEEN] = slug


def _choose(dataset: Dataset) -> None:
    code = st.session_state.get(PICKER)
    level = dataset.geography.level_of(code) if code else None
    if code and level:
        st.session_state["level"] = level
        st.session_state["area"] = code


def place_picker(dataset: Dataset, current: str | None) -> None:
    """Choose any ward, committee area, constituency or priority neighbourhood (sets the shared filters)."""
    geography = dataset.geography
    levels = {lv.id: lv.label for lv in dataset.catalogue.levels}
    options = dataset.memo(("profile_options",), lambda: profile_options(geography))
    labels = dataset.memo(("profile_labels",), lambda: {c: option_label(geography, levels, c) for c in options})
    st.session_state[PICKER] = current if current in options else None
    st.selectbox(
        "Profile of",
        options,
        index=None,
        key=PICKER,
        format_func=labels.get,
        placeholder="Choose a ward, committee area, constituency or neighbourhood",
        on_change=_choose,
        args=(dataset,),
    )


def area_links(links: list[AreaLink], group_by_kind: bool = True) -> None:
    """Links to other areas' profiles, each with how it relates to this area underneath."""
    kind = None
    for link in links:
        if group_by_kind and link.level_label != kind:
            kind = link.level_label
            st.markdown(f"**{escape(kind)}**")
        st.page_link(
            page_file("profiles"),
            label=escape(link.name),
            query_params={PLACE: link.slug},
            icon=":material/location_on:",
        )
        if link.relation:
            st.caption(escape(sentence_case(link.relation)))


def key_figure_card(dataset: Dataset, profile: Profile, figure: KeyFigure) -> None:
    """One key indicator: its figures in words and a small chart of the last two years."""
    indicator_id = figure.indicator.id
    with st.container(border=True):
        st.markdown(f"**{escape(figure.indicator.short_label)}:** {escape(figure.words())}")
        show_chart(
            dataset,
            ("profile-key", profile.code, indicator_id, profile.period),
            lambda: profile_key_trend_chart(profile, indicator_id),
            slot=f"profile-key-{indicator_id}",
            numbers=lambda: key_trend_numbers(profile, indicator_id),
            source=figure.indicator.source,
        )


def summary_box(headline: str, points: tuple[tuple[str, str], ...]) -> None:
    """The plain-English summary at the top of a profile, in a box of its own."""
    with st.container(border=True, key="summary"):
        st.markdown(f"**{escape(headline)}**")
        st.markdown("\n".join(f"- **{escape(label)}:** {escape(words)}" for label, words in points))
