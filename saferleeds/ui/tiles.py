"""Drawing an indicator tile of the plan on a page."""

from __future__ import annotations

import streamlit as st

from saferleeds.analysis.aggregate import Period
from saferleeds.analysis.overview import Figure, Tile, sparkline_spec, tile_table
from saferleeds.core.dataset import Dataset
from saferleeds.core.text import sentence_case
from saferleeds.present.export import figures
from saferleeds.ui.data import escape
from saferleeds.ui.downloads import chart_downloads, numbers_table
from saferleeds.ui.navigation import request_page

JUDGEMENT_ICON = {
    "worse": ":material/trending_up:",
    "better": ":material/trending_down:",
    "neutral": ":material/trending_flat:",
}


def _change_markdown(figure: Figure, colours: dict[str, str]) -> str:
    if not figure.change_words:
        return ""
    colour = {"worse": "red", "better": "green"}.get(figure.judgement, "gray")
    words = escape(figure.change_words)
    suffix = {"worse": " (worse)", "better": " (better)"}.get(figure.judgement, "")
    return f":{colour}[{words}{suffix}]"


def _figure_block(figure: Figure, heading: str, colours: dict[str, str]) -> None:
    if not figure.available:
        st.markdown(f"**{escape(heading)}**")
        st.caption(escape(figure.value_text))
        return
    st.metric(escape(heading), figure.value_text)
    lines = [_change_markdown(figure, colours)]
    if figure.verdict:
        lines.append(escape(sentence_case(figure.verdict)))
    if figure.target_text:
        lines.append(f":material/flag: {escape(figure.target_text)}")
    lines.append(f"*{escape(sentence_case(figure.status))}*")
    st.markdown("  \n".join(line for line in lines if line))


def draw_tile(dataset: Dataset, tile: Tile, period: Period) -> None:
    colours = dataset.catalogue.change_colours
    indicator = tile.indicator
    with st.container(border=True, key=f"tile-{indicator.id}"):
        st.markdown(f"### {escape(indicator.short_label)}", help=escape(indicator.definition))
        st.caption(escape(sentence_case(tile.unit_words)))
        if tile.area is not None:
            left, right = st.columns(2)
            with left:
                _figure_block(tile.area, tile.area.area_name, colours)
            with right:
                _figure_block(tile.leeds, "Leeds", colours)
        else:
            _figure_block(tile.leeds, "Leeds", colours)
        if not tile.series.empty:
            _draw_sparkline(dataset, tile, period)
        st.button(
            "See the trend",
            key=f"trend-{indicator.id}",
            icon=":material/show_chart:",
            type="tertiary",
            on_click=request_page,
            args=("trends",),
            kwargs={"indicator": indicator.id},
            help=f"Open the Trends page for {escape(indicator.label)}",
        )


def _draw_sparkline(dataset: Dataset, tile: Tile, period: Period) -> None:
    """The tile's small chart, what it shows in words, its numbers, and a printable chart to download."""
    indicator = tile.indicator
    description = tile.sparkline_description()
    st.vega_lite_chart(sparkline_spec(tile.series, description=description), width="stretch")
    st.caption(escape(description))
    area = tile.area.area_code if tile.area is not None and tile.area.available else None
    below = dataset.catalogue.thresholds["disclosure_below"]
    chart_downloads(
        lambda: figures.trend_chart(dataset, indicator.id, area, period, tile.measure),
        f"{indicator.short_label}, {tile.series_name}, {period.label()}",
        key=f"tile-{indicator.id}-download",
        numbers=lambda: tile_table(tile, below),
    )
    name = f"{indicator.label}, {tile.series_name}"
    numbers_table(lambda: tile_table(tile, below), f"tile-{indicator.id}-numbers", name)
