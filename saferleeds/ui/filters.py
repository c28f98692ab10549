"""The filters shared by every page, drawn once in the sidebar and kept in the URL."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from saferleeds.analysis.selection import (
    DEFAULT_LEVEL,
    MAP_LEVELS,
    MEASURE_LABELS,
    Selection,
    default_indicator,
    indicator_options,
)
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period

FILTER_KEYS = ("priority", "theme", "indicator", "level", "area", "period", "measure")
ALL = "all"


def _month_label(month: pd.Timestamp) -> str:
    return month.strftime("%b %Y")


def shared_filters(dataset: Dataset) -> Selection:
    """Draw the shared filters (each bound to a URL query parameter) and return the selection."""
    catalogue = dataset.catalogue
    with st.sidebar:
        st.markdown("**Show me**")
        priorities = [ALL] + [p.id for p in catalogue.priorities]
        priority = st.selectbox(
            "Priority",
            priorities,
            key="priority",
            bind="query-params",
            format_func=lambda p: "All priorities" if p == ALL else catalogue.priority(p).short,
            help="; ".join(f"{p.short}: {p.label}" for p in catalogue.priorities),
        )
        themes = [ALL] + [t.id for t in catalogue.themes]
        theme = st.selectbox(
            "Focus theme",
            themes,
            key="theme",
            bind="query-params",
            format_func=lambda t: "All focus themes" if t == ALL else catalogue.theme(t).short,
        )
        priority_id = None if priority == ALL else priority
        theme_id = None if theme == ALL else theme
        options = indicator_options(catalogue, priority_id, theme_id)
        if not options:
            st.warning("No indicator has both this priority and this focus theme; showing all indicators.")
            options = indicator_options(catalogue, None, None)
        default = default_indicator(options)
        indicator = st.selectbox(
            "Indicator",
            [i.id for i in options],
            index=[i.id for i in options].index(default.id),
            key="indicator",
            bind="query-params",
            format_func=lambda i: catalogue.indicator(i).label,
        )
        level = st.selectbox(
            "Area type",
            list(MAP_LEVELS),
            index=MAP_LEVELS.index(DEFAULT_LEVEL),
            key="level",
            bind="query-params",
            format_func=lambda lv: catalogue.level(lv).label,
        )
        areas = dataset.geography.level_areas(level)
        names = dict(zip(areas["code"], areas["name"], strict=True))
        area = st.selectbox(
            "Area",
            [ALL, *list(areas["code"])],
            key="area",
            bind="query-params",
            format_func=lambda c: "All of Leeds" if c == ALL else names.get(c, c),
        )
        months = list(dataset.months)
        default_period = (months[max(0, len(months) - 12)], months[-1])
        period = st.select_slider(
            "Period",
            options=months,
            value=default_period,
            key="period",
            bind="query-params",
            format_func=_month_label,
            help="Months included, first and last. Changes compare with the same months a year earlier.",
        )
        measure = st.radio(
            "Measure",
            list(MEASURE_LABELS),
            key="measure",
            bind="query-params",
            format_func=MEASURE_LABELS.get,
            help="Rates use mid-2015 resident population (ONS). Survey indicators are always shown as percentages.",
        )
    start, end = period if isinstance(period, tuple | list) else (period, period)
    return Selection(
        priority=priority_id,
        theme=theme_id,
        indicator=indicator,
        level=level,
        area=None if area == ALL else area,
        period=Period(pd.Timestamp(start), pd.Timestamp(end)),
        measure=measure,
    )


def current_query(**overrides: str) -> list[tuple[str, str]]:
    """The URL query parameters that reproduce the current filters (for links between pages).

    ``overrides`` replace a filter's value; pass the label the widget shows (that is what the URL holds).
    """
    params: list[tuple[str, str]] = []
    for key in FILTER_KEYS:
        if key in overrides:
            params.append((key, overrides[key]))
            continue
        params.extend((key, value) for value in st.query_params.get_all(key))
    return params


def _choose_area(picker_key: str) -> None:
    st.session_state["area"] = st.session_state[picker_key]


def area_picker(label: str, key: str, names: dict[str, str], chosen: str | None, help: str) -> None:
    """A list of ``names`` (code: name) that mirrors the shared Area filter, for keyboard and screen-reader
    users: it shows ``chosen`` and choosing in it sets the shared filter, as clicking a map or chart does."""
    wanted = chosen if chosen in names else ALL
    if st.session_state.get(key) != wanted:  # set only when it changed: setting resets the box as it is used
        st.session_state[key] = wanted
    st.selectbox(
        label,
        [ALL, *sorted(names, key=names.get)],
        key=key,
        format_func=lambda code: "None chosen" if code == ALL else names.get(code, code),
        on_change=_choose_area,
        args=(key,),
        help=help,
    )
