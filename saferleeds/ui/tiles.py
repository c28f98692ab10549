"""Drawing an indicator tile of the plan on a page."""

from __future__ import annotations

import streamlit as st

from saferleeds.overview import Figure, Tile, sparkline_spec
from saferleeds.text import sentence_case
from saferleeds.ui.data import escape
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
    st.metric(heading, figure.value_text)
    lines = [_change_markdown(figure, colours)]
    if figure.verdict:
        lines.append(escape(sentence_case(figure.verdict)))
    if figure.target_text:
        lines.append(f":material/flag: {escape(figure.target_text)}")
    lines.append(f"*{escape(sentence_case(figure.status))}*")
    st.markdown("  \n".join(line for line in lines if line))


def draw_tile(tile: Tile, colours: dict[str, str]) -> None:
    indicator = tile.indicator
    with st.container(border=True, key=f"tile-{indicator.id}"):
        st.markdown(f"### {escape(indicator.short_label)}", help=indicator.definition)
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
            description = f"Monthly {indicator.short_label.lower()}, dashed where modelled"
            st.vega_lite_chart(sparkline_spec(tile.series, description=description), width="stretch")
        st.button(
            "See the trend",
            key=f"trend-{indicator.id}",
            icon=":material/show_chart:",
            type="tertiary",
            on_click=request_page,
            args=("trends",),
            kwargs={"indicator": indicator.id},
            help=f"Open the Trends page for {indicator.label}",
        )
