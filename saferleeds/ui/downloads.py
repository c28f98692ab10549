"""Download buttons for every chart (PNG, SVG) and table (CSV) on a page.

Charts are drawn only when a button is pressed (Streamlit calls the function then), so the buttons
cost nothing on a rerun. Tables leave with the same disclosure control as the screen and with any
text a spreadsheet would read as a formula written as text.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from saferleeds.export import render, tables
from saferleeds.geography import slugify


def _file_stem(name: str) -> str:
    return slugify(name) or "download"


def chart_downloads(chart: alt.TopLevelMixin | dict, name: str, key: str | None = None) -> None:
    """PNG (print quality) and SVG buttons for one chart; ``name`` names the files."""
    stem = _file_stem(name)
    key = key or f"download-{stem}"
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        "PNG",
        data=lambda: render.png(chart),
        file_name=f"{stem}.png",
        mime="image/png",
        key=f"{key}-png",
        on_click="ignore",
        icon=":material/image:",
        help=f"Download {name} as a PNG picture (print quality)",
    )
    row.download_button(
        "SVG",
        data=lambda: render.svg(chart),
        file_name=f"{stem}.svg",
        mime="image/svg+xml",
        key=f"{key}-svg",
        on_click="ignore",
        icon=":material/draw:",
        help=f"Download {name} as an SVG drawing (sharp at any size)",
    )


def table_download(
    frame: pd.DataFrame,
    name: str,
    label: str = "Download table (CSV)",
    key: str | None = None,
    disclosure: bool | None = None,
) -> None:
    """A CSV button for a table as shown on screen.

    A ``suppressed`` column (as ``analysis.summarise`` gives) marks rows whose counts read "<5";
    ``disclosure`` says whether control applies to the table (default: when any row is suppressed).
    """
    protected = tables.protect(frame, applies=disclosure)
    st.download_button(
        label,
        data=tables.csv_bytes(protected),
        file_name=f"{_file_stem(name)}.csv",
        mime="text/csv",
        key=key or f"download-{_file_stem(name)}-csv",
        on_click="ignore",
        icon=":material/table_view:",
    )
