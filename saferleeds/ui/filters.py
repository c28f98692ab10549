"""The filters shared by every page, drawn once in the sidebar and kept in the URL."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from saferleeds.analysis.selection import (
    Selection,
    default_indicator,
    indicator_options,
    measure_help,
    measure_options,
)
from saferleeds.core.catalogue import Catalogue
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period

FILTER_KEYS = ("priority", "theme", "indicator", "level", "area", "period", "measure")
ALL = "all"


def _month_label(month: pd.Timestamp) -> str:
    return month.strftime("%b %Y")


def _priority_and_theme(catalogue: Catalogue) -> tuple[str | None, str | None]:
    priority = st.selectbox(
        "Priority",
        [ALL] + [p.id for p in catalogue.priorities],
        key="priority",
        bind="query-params",
        format_func=lambda p: "All priorities" if p == ALL else catalogue.priority(p).short,
        help="; ".join(f"{p.short}: {p.label}" for p in catalogue.priorities),
    )
    theme = st.selectbox(
        "Focus theme",
        [ALL] + [t.id for t in catalogue.themes],
        key="theme",
        bind="query-params",
        format_func=lambda t: "All focus themes" if t == ALL else catalogue.theme(t).short,
    )
    return (None if priority == ALL else priority), (None if theme == ALL else theme)


def _indicator(catalogue: Catalogue, priority: str | None, theme: str | None) -> str:
    options = indicator_options(catalogue, priority, theme)
    if not options:
        st.warning("No indicator has both this priority and this focus theme; showing all indicators.")
        options = indicator_options(catalogue, None, None)
    ids = [i.id for i in options]
    default = default_indicator(catalogue, options)
    return st.selectbox(
        "Indicator",
        ids,
        index=ids.index(default.id) if default else 0,
        key="indicator",
        bind="query-params",
        format_func=lambda i: catalogue.indicator(i).label,
    )


def _level_and_area(dataset: Dataset) -> tuple[str, str | None]:
    catalogue = dataset.catalogue
    levels = list(catalogue.levels.map_levels)
    level = st.selectbox(
        "Area type",
        levels,
        index=levels.index(catalogue.meta["default_level"]),
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
        format_func=area_label(names, "All of Leeds"),
    )
    return level, (None if area == ALL else area)


def _period(dataset: Dataset) -> Period:
    months = list(dataset.months)
    shown = dataset.catalogue.thresholds.default_months
    period = st.select_slider(
        "Period",
        options=months,
        value=(months[max(0, len(months) - shown)], months[-1]),
        key="period",
        bind="query-params",
        format_func=_month_label,
        help="Months included, first and last. Changes compare with the same months a year earlier.",
    )
    start, end = period if isinstance(period, tuple | list) else (period, period)
    return Period(pd.Timestamp(start), pd.Timestamp(end))


def _measure(catalogue: Catalogue) -> str:
    options = measure_options(catalogue)
    return st.radio(
        "Measure",
        list(options),
        key="measure",
        bind="query-params",
        format_func=options.get,
        help=measure_help(catalogue),
    )


def shared_filters(dataset: Dataset) -> Selection:
    """Draw the shared filters (each bound to a URL query parameter) and return the selection."""
    catalogue = dataset.catalogue
    with st.sidebar:
        st.markdown("**Show me**")
        priority, theme = _priority_and_theme(catalogue)
        indicator = _indicator(catalogue, priority, theme)
        level, area = _level_and_area(dataset)
        period = _period(dataset)
        measure = _measure(catalogue)
    return Selection(priority, theme, indicator, level, area, period, measure)


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


def area_label(names: dict[str, str], everywhere: str) -> Callable[[str], str]:
    """The words an area list shows for each code (``everywhere`` for ALL).

    A value that is not a code of the list has no label: it raises, so Streamlit does not take a name left
    in the widget from another area type (a link's ``area=Leeds Central`` once Ward was chosen) for one of
    this list's codes. It then reads the name sent from the browser against this list, or starts again.
    """

    def label(code: str) -> str:
        return everywhere if code == ALL else names[code]

    return label


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
        [ALL, *sorted(names, key=lambda code: names[code])],
        key=key,
        format_func=area_label(names, "None chosen"),
        on_change=_choose_area,
        args=(key,),
        help=help,
    )
