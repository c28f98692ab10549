"""Download buttons for every chart (PNG, SVG) and table (CSV) on a page, and the numbers behind a chart.

Files are made only when a button is pressed (Streamlit calls the function then), so the buttons cost
nothing on a rerun. Tables leave with the same disclosure control as the screen and with any text a
spreadsheet would read as a formula written as text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from saferleeds.core.catalogue import load_catalogue
from saferleeds.core.geography import slugify
from saferleeds.core.paths import PROJECT_ROOT, dataset_paths
from saferleeds.core.vocabulary import DisclosureRule
from saferleeds.present.export import render, tables
from saferleeds.ui.data import escape, escape_table, get_dataset_or_none

Chart: TypeAlias = alt.TopLevelMixin | dict
Table: TypeAlias = pd.DataFrame | Callable[[], pd.DataFrame]
NUMBERS_LABEL = "Numbers behind this chart"
CHART_FORMATS = (  # label, renderer, file suffix, MIME type, icon
    ("Chart as PNG (print quality)", render.png, "png", "image/png", ":material/image:"),
    ("Chart as SVG (sharp at any size)", render.svg, "svg", "image/svg+xml", ":material/draw:"),
)


def _file_stem(name: str) -> str:
    return slugify(name) or "download"


def _disclosure_rule() -> DisclosureRule:
    """The disclosure rule of the data in use (the shipped catalogue's when the data cannot be loaded)."""
    dataset = get_dataset_or_none()
    catalogue = dataset.catalogue if dataset is not None else load_catalogue(dataset_paths(PROJECT_ROOT).catalogue)
    return catalogue.disclosure


def _rendered(render_to: Callable[[dict], bytes], document: Callable[[], dict]) -> Callable[[], bytes]:
    """The file a download button makes when pressed (not before)."""
    return lambda: render_to(document())


def _table(frame: Table) -> pd.DataFrame:
    return frame() if callable(frame) else frame


def chart_downloads(
    chart: Chart | Callable[[], Chart],
    name: str,
    key: str | None = None,
    source: str = "",
    numbers: Table | None = None,
) -> None:
    """A "Download" menu for one chart: PNG (print quality), SVG, and a CSV of its ``numbers`` when given.

    ``name`` names the files and is the chart's title when it has none; ``source`` is written under it.
    ``chart`` may be a function that builds it: it is then built only when a button is pressed.
    """
    stem = _file_stem(name)
    key = key or f"download-{stem}"

    def document() -> dict:
        return render.for_download(chart() if callable(chart) else chart, title=name, source=source)

    menu = st.popover("Download", icon=":material/download:", key=f"{key}-menu", help=f"Download {escape(name)}")
    for label, render_to, suffix, mime, icon in CHART_FORMATS:
        menu.download_button(
            label,
            data=_rendered(render_to, document),
            file_name=f"{stem}.{suffix}",
            mime=mime,
            key=f"{key}-{suffix}",
            on_click="ignore",
            icon=icon,
            width="stretch",
        )
    if numbers is not None:
        table_download(numbers, name, label="Numbers as CSV", key=f"{key}-csv", container=menu)


def table_download(
    frame: Table,
    name: str,
    label: str = "Download table (CSV)",
    key: str | None = None,
    disclosure: bool | None = None,
    container: DeltaGenerator | None = None,
) -> None:
    """A CSV button for a table as shown on screen (``frame`` may be a function that builds it).

    A ``suppressed`` column (as ``analysis.summarise`` gives) marks rows whose counts read "<5";
    ``disclosure`` says whether control applies to the table (default: when any row is suppressed).
    """
    (container or st).download_button(
        label,
        data=lambda: tables.csv_bytes(tables.protect(_table(frame), _disclosure_rule(), applies=disclosure)),
        file_name=f"{_file_stem(name)}.csv",
        mime="text/csv",
        key=key or f"download-{_file_stem(name)}-csv",
        on_click="ignore",
        icon=":material/table_view:",
        width="stretch" if container is not None else "content",
    )


def numbers_table(frame: Table, key: str, name: str, label: str = NUMBERS_LABEL) -> None:
    """The numbers of a chart or map as a plain table (read well by screen readers), opened on request.

    The expander runs its content only while it is open, so a closed one costs nothing on a rerun.
    """
    box = st.expander(label, key=key, on_change="rerun", icon=":material/table:")
    if box.open:
        with box:
            table = _table(frame)
            if table.empty:
                st.caption("There are no numbers to show.")
            else:
                st.table(escape_table(table), hide_index=True, alt=f"The numbers of {escape(name)}")
