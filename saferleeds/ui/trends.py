"""Widgets of the Trends page: which areas to show beside the chosen one, and how far back."""

from __future__ import annotations

import streamlit as st

from saferleeds.analysis.selection import Selection
from saferleeds.analysis.trends import (
    DEFAULT_SPAN,
    MAX_AREAS,
    SPANS,
    TrendView,
    area_labels,
    area_options,
    areas_to_show,
)
from saferleeds.core.dataset import Dataset
from saferleeds.core.geography import CITY_CODE
from saferleeds.present.charts.views import trend_view_chart
from saferleeds.ui.data import escape
from saferleeds.ui.figures import show_chart


def _labels(dataset: Dataset) -> dict[str, str]:
    def compute() -> dict[str, str]:
        levels = {lv.id: lv.label for lv in dataset.catalogue.levels}
        geography = dataset.geography
        codes = [*geography.areas["code"], *geography.lsoa.index]
        return area_labels(geography, codes, levels)

    return dataset.memo(("area_labels",), compute)


def choose_areas(dataset: Dataset, selection: Selection) -> list[str]:
    """The chosen area (Leeds when none) and up to five more, Leeds offered first as the reference."""
    labels = _labels(dataset)
    chosen = labels.get(selection.area, "Leeds") if selection.area else "Leeds"
    others = st.multiselect(
        f"Show beside {escape(chosen)}",
        area_options(dataset.geography, selection.level),
        default=[CITY_CODE],
        key="areas",
        bind="query-params",
        format_func=lambda code: labels.get(code, code),
        max_selections=MAX_AREAS - 1,
        placeholder="Add areas to compare",
        help="Leeds is the reference. The area chosen in the sidebar is always shown; add up to five more.",
    )
    return areas_to_show(selection.area, others)


def choose_span() -> str:
    """How many months the charts show (they always end with the chosen period)."""
    return st.radio(
        "Months shown",
        list(SPANS),
        index=list(SPANS).index(DEFAULT_SPAN),
        key="span",
        bind="query-params",
        format_func=SPANS.get,
        horizontal=True,
    )


def use_rates() -> None:
    """Button callback: show rates per 1,000 residents (the shared measure filter)."""
    st.session_state["measure"] = "rate"


def draw_trend_chart(dataset: Dataset, view: TrendView, kind: str, with_notes: bool = True) -> None:
    """One of the Trends page's charts (remembered per view), with its notes in words and its numbers."""
    show_chart(
        dataset,
        ("trend", kind, *view.key),
        lambda: trend_view_chart(view, kind),
        view.notes if with_notes else None,
        slot=f"trend-{kind}",
        numbers=lambda: view.numbers(kind),
        source=view.indicator.source,
    )
