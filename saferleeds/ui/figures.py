"""Drawing charts and tables the same way on every page: full width, a sentence saying what the chart
shows, its notes, its numbers as a table, and its downloads.

Building an Altair chart and turning it into a Vega-Lite spec takes tens of milliseconds, so a chart is
remembered with the dataset (keyed on what it shows) and drawn from there, with its tables already in the
Arrow form Streamlit sends (it would otherwise convert them on every run). The tables' rows are kept as
compressed JSON, read back only to draw a download: a server remembers a great many charts, and this
halves what each one takes (a profile's small chart 53 → 27 KB, its trend chart 91 → 49 KB).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import altair as alt
import pandas as pd
import streamlit as st
from streamlit import dataframe_util

from saferleeds.core.dataset import Dataset
from saferleeds.present.charts.common import vega_lite_spec
from saferleeds.present.export.render import chart_title
from saferleeds.ui.data import escape
from saferleeds.ui.downloads import Table, chart_downloads, numbers_table, table_download


@dataclass(frozen=True)
class RememberedChart:
    """A chart as remembered: its spec as it goes to the browser (each table of rows as Arrow bytes) and
    those tables' rows as compressed JSON (empty when it has none)."""

    sent: dict
    rows: bytes

    def spec(self) -> dict:
        """The whole Vega-Lite spec, rows and all, as Altair made it."""
        if not self.rows:
            return self.sent
        return {**self.sent, "datasets": {**self.sent["datasets"], **json.loads(zlib.decompress(self.rows))}}


def remembered_chart(dataset: Dataset, key: tuple, build: Callable[[], alt.TopLevelMixin]) -> RememberedChart:
    """The chart, built once per dataset version and key, then shared read-only."""
    return dataset.memo(("vega-lite", *key), lambda: remember(vega_lite_spec(build())))


def remember(spec: dict) -> RememberedChart:
    """The spec in the form it is remembered (GeoJSON shapes stay as they are, as Streamlit sends them)."""
    tables = {name: rows for name, rows in spec.get("datasets", {}).items() if is_table(rows)}
    if not tables:
        return RememberedChart(spec, b"")
    arrow = {name: dataframe_util.convert_anything_to_arrow_bytes(rows) for name, rows in tables.items()}
    rows = zlib.compress(json.dumps(tables).encode(), 1)  # the fastest level: an eighth of the text
    return RememberedChart({**spec, "datasets": {**spec["datasets"], **arrow}}, rows)


def is_table(rows: object) -> bool:
    """Rows of values, as Altair writes a chart's data (not GeoJSON features, which Streamlit leaves in the spec)."""
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        return False
    return not (rows and rows[0].get("type") == "Feature")


def show_chart(
    dataset: Dataset,
    key: tuple,
    build: Callable[[], alt.TopLevelMixin],
    notes: pd.DataFrame | None = None,
    widget_key: str | None = None,
    on_select: Literal["ignore", "rerun"] = "ignore",
    *,
    slot: str,
    numbers: Table | None = None,
    source: str = "",
) -> object:
    """A chart that resizes with the page, what it shows in one sentence, its dated notes in words,
    its numbers as a table (when it has numbers) and its PNG, SVG and CSV downloads.

    ``slot`` names the chart's buttons among the page's widgets; ``source`` (where the numbers come
    from) and the description are written under downloaded pictures. Returns the chart's selection
    state when ``on_select`` is "rerun".
    """
    chart = remembered_chart(dataset, key, build)
    event = st.vega_lite_chart(chart.sent, width="stretch", key=widget_key, on_select=on_select)
    describe(chart.sent)
    show_notes(notes)
    name = chart_title(chart.sent) or slot
    footer = " ".join(part for part in (source_line(source), chart.sent.get("description", "")) if part)
    chart_downloads(chart.spec, name, key=f"{slot}-download", source=footer, numbers=numbers)
    if numbers is not None:
        numbers_table(numbers, f"{slot}-numbers", name)
    return event


def describe(spec: dict) -> None:
    """The chart's one-sentence description (also its text for screen readers), shown under it."""
    if spec.get("description"):
        st.caption(escape(spec["description"]))


def show_notes(notes: pd.DataFrame | None) -> None:
    if notes is None or notes.empty:
        return
    lines = "  \n".join(escape(label) for label in notes["label"])
    st.caption(f"**Notes on the chart** (numbered lines):  \n{lines}")


def source_line(source: str) -> str:
    return f"Source: {source.rstrip('.')}." if source else ""


def table_with_download(frame: pd.DataFrame, name: str, key: str, hidden: tuple[str, ...] = ()) -> None:
    """A readable table and a button to download the same numbers as CSV (protected as on screen)."""
    shown = frame.drop(columns=[c for c in hidden if c in frame.columns])
    st.dataframe(shown, hide_index=True, width="stretch", key=key)
    table_download(shown, name, label="Download these numbers (CSV)", key=f"{key}-csv")
