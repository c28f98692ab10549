"""The Compare page's selection: clicking a point of the funnel plot or a row of the table chooses
that area as the shared area (kept in the URL like every filter)."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from saferleeds.analysis.compare import Comparison
from saferleeds.ui import filters
from saferleeds.ui.navigation import request_filters

FUNNEL_SELECTION = "funnel_pick"
PICK_STATE = "_compare_pick"
PICKER_KEY = "compare_area_picker"


def widget_key(kind: str, comparison: Comparison) -> str:
    """Keys change with the table's rows, so a selection never points at a row of an older table."""
    period = comparison.period
    return f"{kind}-{comparison.indicator.id}-{comparison.level}-{period.start:%Y%m}-{period.end:%Y%m}"


def chart_pick(state: Mapping | None) -> str | None:
    points = (state or {}).get("selection", {}).get(FUNNEL_SELECTION) or []
    codes = [p.get("code") for p in points if isinstance(p, dict) and p.get("code")]
    return codes[0] if codes else None


def row_pick(state: Mapping | None, codes: list[str]) -> str | None:
    rows = (state or {}).get("selection", {}).get("rows") or []
    return codes[rows[0]] if rows and 0 <= rows[0] < len(codes) else None


def new_pick(chart_state: Mapping | None, table_state: Mapping | None, codes: list[str]) -> str | None:
    """The area just clicked on the funnel plot or chosen in the table (None when neither changed)."""
    from_chart, from_row = chart_pick(chart_state), row_pick(table_state, codes)
    seen = st.session_state.get(PICK_STATE, {"chart": None, "row": None})
    st.session_state[PICK_STATE] = {"chart": from_chart, "row": from_row}
    if from_chart != seen["chart"] and from_chart:
        return from_chart
    if from_row != seen["row"] and from_row:
        return from_row
    return None


def follow_pick(comparison: Comparison, current: str | None) -> None:
    """Make a newly picked area the shared area (runs the page again, through the router)."""
    picked = new_pick(
        st.session_state.get(widget_key("funnel", comparison)),
        st.session_state.get(widget_key("ranked", comparison)),
        comparison.codes,
    )
    if picked and picked != current:
        request_filters(area=picked)


def area_picker(comparison: Comparison, chosen: str | None) -> None:
    """The same choice as clicking a point or a row, for keyboard and screen-reader users."""
    names = dict(zip(comparison.codes, comparison.table["Area"], strict=True))
    filters.area_picker(
        "Area to look at",
        PICKER_KEY,
        names,
        chosen,
        "Choosing an area here is the same as clicking its point on the funnel plot or its row in the table.",
    )
