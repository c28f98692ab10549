"""The plan on a page drawn as compact tiles: every key indicator's figure, change, status and small chart in
one look (nine tiles fit a 1366 x 768 screen), grouped under the priorities' short names.

What each small chart shows is its text alternative (read by screen readers) and is listed, with the
numbers behind the charts and every download, in one place under the tiles, rather than on every tile.
"""

from __future__ import annotations

import html

import streamlit as st

from saferleeds.analysis.overview import Figure, PriorityColumn, Tile, plan_table, sparkline_table, tile_table
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period
from saferleeds.core.text import sentence_case
from saferleeds.present.charts.time_series import sparkline_spec
from saferleeds.present.export.print_trend import print_trend_chart
from saferleeds.ui.data import escape
from saferleeds.ui.downloads import chart_downloads, numbers_table, table_download
from saferleeds.ui.navigation import request_page

SPARKLINE_HEIGHT = 34
TILES_ACROSS = 5  # tiles side by side at most (about 200 pixels each on a 1366-pixel screen)
CHART_PICKER_KEY = "overview_chart"
SUFFIX = {"worse": " (worse)", "better": " (better)"}
TILE_CSS = """
<style>
[class*="st-key-tile-"] { padding: .5rem .65rem !important; gap: .15rem !important; }
[class*="st-key-tile-"] h3 { font-size: 1rem; line-height: 1.25; padding: 0; margin: 0 !important; }
[class*="st-key-tile-"] [data-testid="stMarkdownContainer"] { margin-bottom: 0 !important; }
[class*="st-key-tile-"] [data-testid="stVegaLiteChart"] { min-height: 0; }
[class*="st-key-tile-"] .stButton button { min-height: 0; padding: 0; font-size: .85rem; }
.st-key-plan h2 { font-size: 1.3rem; padding: 0; }
.st-key-plan [data-testid="stCaptionContainer"] { margin-top: -.35rem; }
.sl-tile p { margin: 0; line-height: 1.3; font-size: .85rem; }
.sl-tile .sl-figure { font-size: 1.55rem; font-weight: 600; line-height: 1.2; }
.sl-tile .sl-unit, .sl-tile .sl-status, .sl-tile .sl-where { font-size: .78rem; color: #505a5f; font-weight: 400; }
.sl-tile .sl-status { font-style: italic; }
.sl-tile .sl-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
</style>
"""


def _change_html(figure: Figure, colours: dict[str, str]) -> str:
    if not figure.change_words:
        return ""
    colour = colours.get(figure.judgement, colours.get("neutral", "#4d4d4d"))
    words = sentence_case(figure.change_words) + SUFFIX.get(figure.judgement, "")
    return f'<p class="sl-change" style="color:{colour}">{html.escape(words)}</p>'


def _figure_html(figure: Figure, unit: str, colours: dict[str, str], where: str | None) -> str:
    """One area's figure: its value (large), change in words, verdict against Leeds, target and status."""
    if not figure.available:
        label = f"{html.escape(where)}: " if where else ""
        return f'<p class="sl-status">{label}{html.escape(figure.value_text)}</p>'
    label = f'<span class="sl-hidden">{html.escape(where)}: </span>' if where else ""
    parts = [
        f'<p class="sl-figure">{label}{html.escape(figure.value_text)} '
        f'<span class="sl-unit">{html.escape(unit)}</span></p>',
        _change_html(figure, colours),
    ]
    if figure.verdict:
        parts.append(f"<p>{html.escape(sentence_case(figure.verdict))}</p>")
    if figure.target_text:
        parts.append(f'<p class="sl-target">{html.escape(figure.target_text)}</p>')
    parts.append(f'<p class="sl-status">{html.escape(sentence_case(figure.status))}</p>')
    return "".join(parts)


def _leeds_line(figure: Figure) -> str:
    """Leeds beside a chosen area, in one short line."""
    if not figure.available:
        return ""
    return f'<p class="sl-leeds">Leeds: {html.escape(figure.value_text)}</p>'


def tile_html(tile: Tile, colours: dict[str, str]) -> str:
    """The tile's words and figures (its title and small chart are drawn around it)."""
    if tile.area is not None and tile.area.available:
        body = _figure_html(tile.area, tile.unit_words, colours, tile.area.area_name) + _leeds_line(tile.leeds)
    elif tile.area is not None:
        body = _figure_html(tile.area, tile.unit_words, colours, tile.area.area_name)
        body += '<p class="sl-where">Leeds</p>' + _figure_html(tile.leeds, tile.unit_words, colours, None)
    else:
        body = _figure_html(tile.leeds, tile.unit_words, colours, None)
    return f'<div class="sl-tile">{body}</div>'


def draw_tile(dataset: Dataset, tile: Tile) -> None:
    indicator = tile.indicator
    with st.container(border=True, key=f"tile-{indicator.id}"):
        st.markdown(f"### {escape(indicator.short_label)}", help=escape(f"{indicator.label}: {indicator.definition}"))
        st.html(tile_html(tile, dataset.catalogue.palettes.judgement))
        if not tile.series.empty:
            description = tile.sparkline_description()
            key = ("tile-sparkline", indicator.id, tile.series_name, tile.measure, description)
            spec = dataset.memo(key, lambda: _sparkline(dataset, tile, description))
            st.vega_lite_chart(spec, width="stretch")
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


def _sparkline(dataset: Dataset, tile: Tile, description: str) -> dict:
    spec = sparkline_spec(tile.series, dataset.catalogue.statuses, description=description)
    return {**spec, "height": SPARKLINE_HEIGHT}


def tile_grid(counts: list[int], across: int = TILES_ACROSS) -> tuple[int, list[int]]:
    """(rows, tiles side by side in each priority) for priorities of ``counts`` tiles: the fewest rows that
    put no more than ``across`` tiles side by side (a priority with none keeps one place, for its note)."""
    rows = 1
    while sum(max(1, -(-n // rows)) for n in counts) > across and rows < max(counts, default=1):
        rows += 1
    return rows, [max(1, -(-n // rows)) for n in counts]


def draw_plan(dataset: Dataset, columns: list[PriorityColumn]) -> None:
    """The priorities side by side (stacked on a phone, in the same order), each with its tiles in rows."""
    st.html(TILE_CSS)
    _, widths = tile_grid([len(column.tiles) for column in columns])
    with st.container(key="plan"):
        for column, per_row, container in zip(columns, widths, st.columns(widths, gap="small"), strict=True):
            with container:
                st.header(column.priority.short, anchor=False, help=column.priority.description)
                st.caption(column.priority.label)
                if not column.tiles:
                    st.caption("No indicator of this priority has the chosen focus theme.")
                for start in range(0, len(column.tiles), per_row):
                    row = column.tiles[start : start + per_row]
                    for tile, cell in zip(row, st.columns(per_row, gap="small"), strict=False):
                        with cell:
                            draw_tile(dataset, tile)


def draw_page_extras(dataset: Dataset, columns: list[PriorityColumn], period: Period) -> None:
    """Below the tiles, in one place: what the small charts show, their numbers, and every download."""
    tiles = [tile for column in columns for tile in column.tiles]
    if not tiles:
        return
    catalogue = dataset.catalogue
    st.header("Downloads and chart descriptions", anchor=False, divider="gray")
    with st.expander("What the small charts show", key="overview-descriptions", icon=":material/description:"):
        st.markdown(
            "\n".join(f"- **{escape(t.indicator.short_label)}:** {escape(t.sparkline_description())}" for t in tiles)
        )
    numbers_table(lambda: sparkline_table(columns, catalogue), "overview-numbers", "the small charts")
    left, middle, right = st.columns([1, 1, 1.2], vertical_alignment="bottom")
    with left:
        table_download(
            lambda: plan_table(columns, catalogue),
            f"plan on a page {period.start:%Y-%m} {period.end:%Y-%m}",
            label="The figures on this page (CSV)",
            key="overview-figures-csv",
        )
    with middle:
        table_download(
            lambda: sparkline_table(columns, catalogue),
            f"plan on a page months {period.start:%Y-%m} {period.end:%Y-%m}",
            label="The months behind the small charts (CSV)",
            key="overview-months-csv",
        )
    with right:
        _chart_download(dataset, tiles, period)


def _chart_download(dataset: Dataset, tiles: list[Tile], period: Period) -> None:
    """One indicator's chart, at print quality, chosen from a list."""
    by_id = {tile.indicator.id: tile for tile in tiles}
    if st.session_state.get(CHART_PICKER_KEY) not in by_id:  # the filters changed the tiles shown
        st.session_state[CHART_PICKER_KEY] = next(iter(by_id))
    chosen = st.selectbox(
        "Chart to download",
        list(by_id),
        key=CHART_PICKER_KEY,
        format_func=lambda i: by_id[i].indicator.short_label,
        help="A printable chart of the indicator for the chosen area beside Leeds.",
    )
    tile = by_id[chosen]
    area = tile.area.area_code if tile.area is not None and tile.area.available else None
    chart_downloads(
        lambda: print_trend_chart(dataset, tile.indicator.id, area, period, tile.measure),
        f"{tile.indicator.short_label}, {tile.series_name}, {period.label()}",
        key="overview-chart",
        numbers=lambda: tile_table(tile, dataset.catalogue),
    )
