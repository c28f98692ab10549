"""Drawing an indicator's breakdown by group (stop and search by self-defined ethnic group): each group's
rate per resident against the reference group's, with the caveats beside it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from saferleeds.analysis.disproportionality import display_table, disproportionality, ratio_words
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period
from saferleeds.ui.data import escape
from saferleeds.ui.figures import table_with_download


def _heading(dataset: Dataset, indicator_id: str) -> str:
    indicator = dataset.catalogue.indicator(indicator_id)
    assert indicator.breakdown is not None
    return f"{indicator.label} by {indicator.breakdown.label}"


def _caveats(dataset: Dataset, indicator_id: str, period: Period) -> None:
    breakdown = dataset.catalogue.indicator(indicator_id).breakdown
    assert breakdown is not None
    st.caption(
        f"{escape(period.label())}. How many times as often people of each {escape(breakdown.label)} are "
        f"searched as {escape(breakdown.reference)} people, per resident of each group (the Home Office's "
        f"disproportionality ratio). {escape(breakdown.caveats)}"
    )


def draw_area_breakdowns(dataset: Dataset, level: str, code: str, period: Period) -> None:
    """For an area's profile: every indicator with a breakdown shown at the area's level."""
    for indicator in dataset.catalogue.indicators:
        if indicator.breakdown is None or level not in indicator.breakdown.levels:
            continue
        found = [t for t in disproportionality(dataset, indicator.id, level, period) if t.code == code]
        if not found:
            continue
        st.subheader(_heading(dataset, indicator.id), divider="gray", anchor=f"breakdown-{indicator.id}")
        _caveats(dataset, indicator.id, period)
        table = display_table(found[0], indicator.breakdown, dataset.catalogue)
        table_with_download(table, f"{indicator.id} by group {found[0].name}", key=f"breakdown-{indicator.id}")


def draw_level_breakdown(dataset: Dataset, indicator_id: str, level: str, period: Period) -> None:
    """For Compare: every area of the level, one column per group, the ratio to the reference group."""
    indicator = dataset.catalogue.indicator(indicator_id)
    breakdown = indicator.breakdown
    if breakdown is None:
        return
    st.header(_heading(dataset, indicator_id), divider="gray", anchor="breakdown")
    tables = disproportionality(dataset, indicator_id, level, period)
    if not tables:
        levels = [dataset.catalogue.level(lv).plural for lv in breakdown.levels]
        st.caption(f"Shown for {escape(', '.join(levels))}; choose one of them as the area type.")
        return
    _caveats(dataset, indicator_id, period)
    st.caption(
        f"Each cell: times as likely as {escape(breakdown.reference)} people, and its 95% interval. "
        "Open an area's profile for its counts and rates."
    )
    rows = []
    statuses = dataset.catalogue.statuses
    for result in tables:
        row: dict[str, object] = {"Area": result.name}
        for _, group in result.table.iterrows():
            if group["group"] != breakdown.reference:
                row[str(group["group"])] = ratio_words(group, breakdown.reference, compact=True)
        row["Status"] = statuses.label(result.status)
        rows.append(row)
    table_with_download(pd.DataFrame(rows), f"{indicator_id} by group {level}", key="breakdown-table")
