"""Drawing charts and tables the same way on every page: full width, notes and numbers beside them.

Building an Altair chart and turning it into a Vega-Lite spec takes tens of milliseconds, so a
chart's spec is remembered with the dataset (keyed on what it shows) and drawn from there.
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from saferleeds.charts import vega_lite_spec
from saferleeds.dataset import Dataset
from saferleeds.ui.data import escape


def chart_spec(dataset: Dataset, key: tuple, build: Callable[[], alt.TopLevelMixin]) -> dict:
    """The chart's Vega-Lite spec, built once per dataset version and key, then shared read-only."""
    return dataset.memo(("vega-lite", *key), lambda: vega_lite_spec(build()))


def show_chart(
    dataset: Dataset,
    key: tuple,
    build: Callable[[], alt.TopLevelMixin],
    notes: pd.DataFrame | None = None,
    widget_key: str | None = None,
    on_select: str = "ignore",
) -> object:
    """A chart that resizes with the page, then the dated notes drawn on it, in words.

    Returns the chart's selection state when ``on_select`` is "rerun".
    """
    spec = chart_spec(dataset, key, build)
    event = st.vega_lite_chart(spec, width="stretch", key=widget_key, on_select=on_select)
    show_notes(notes)
    return event


def show_notes(notes: pd.DataFrame | None) -> None:
    if notes is None or notes.empty:
        return
    lines = "  \n".join(escape(label) for label in notes["label"])
    st.caption(f"**Notes on the chart** (numbered lines):  \n{lines}")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def table_with_download(frame: pd.DataFrame, file_name: str, key: str, hidden: tuple[str, ...] = ()) -> None:
    """A readable table and a button to download the same numbers as CSV."""
    shown = frame.drop(columns=[c for c in hidden if c in frame.columns])
    st.dataframe(shown, hide_index=True, width="stretch", key=key)
    st.download_button(
        "Download these numbers (CSV)",
        csv_bytes(shown),
        file_name=file_name,
        mime="text/csv",
        key=f"{key}-csv",
        icon=":material/download:",
        on_click="ignore",
    )
