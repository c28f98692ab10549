"""The Compare page's selection: an area picked by clicking the funnel plot or a row of the table."""

from __future__ import annotations

import streamlit as st

from saferleeds.compare import Comparison

FUNNEL_SELECTION = "funnel_pick"
PICK_STATE = "_compare_pick"


def widget_key(kind: str, comparison: Comparison) -> str:
    """Keys change with the table's rows, so a selection never points at a row of an older table."""
    period = comparison.period
    return f"{kind}-{comparison.indicator.id}-{comparison.level}-{period.start:%Y%m}-{period.end:%Y%m}"


def chart_pick(event) -> str | None:
    points = (event or {}).get("selection", {}).get(FUNNEL_SELECTION) or []
    codes = [p.get("code") for p in points if isinstance(p, dict) and p.get("code")]
    return codes[0] if codes else None


def row_pick(event, codes: list[str]) -> str | None:
    rows = (event or {}).get("selection", {}).get("rows") or []
    return codes[rows[0]] if rows and 0 <= rows[0] < len(codes) else None


def picked_area(chart_event, table_event, codes: list[str]) -> str | None:
    """The area picked most recently, by a click on the funnel plot or a row of the table."""
    from_chart, from_row = chart_pick(chart_event), row_pick(table_event, codes)
    state = st.session_state.setdefault(PICK_STATE, {"chart": None, "row": None, "picked": None})
    if from_chart != state["chart"]:
        state["picked"] = from_chart or from_row
    elif from_row != state["row"]:
        state["picked"] = from_row or from_chart
    state["chart"], state["row"] = from_chart, from_row
    return state["picked"] if state["picked"] in codes else None


def last_pick(codes: list[str]) -> str | None:
    """The area picked on an earlier run, if it is still among the areas shown."""
    picked = st.session_state.get(PICK_STATE, {}).get("picked")
    return picked if picked in codes else None
