"""The Board pack page's controls: what goes in the pack, building it, and the downloads."""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from saferleeds.analysis.selection import Selection
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period
from saferleeds.present.export.board_pack import default_indicators, prepare, preview_table
from saferleeds.present.export.contents import FORMATS, BoardPack, PackRequest
from saferleeds.present.export.render import start_engine
from saferleeds.ui.data import escape
from saferleeds.ui.downloads import chart_downloads, numbers_table, table_download

LOG = logging.getLogger(__name__)
ALL = "all"
BUILT_KEY = "_board_pack"
FORMAT_ICONS = {
    "pptx": ":material/slideshow:",
    "pdf": ":material/picture_as_pdf:",
    "xlsx": ":material/table_chart:",
    "csv": ":material/csv:",
}


def _follow(key: str, shared: object) -> bool:
    """Let a pack control follow the shared filter it defaults to, when that filter changes.

    Bound widgets can only be set through session state before they are drawn, so this runs first.
    True when it moved the control (the widget then takes no default of its own).
    """
    memory = f"_{key}_follows"
    moved = memory in st.session_state and st.session_state[memory] != shared
    if moved:
        st.session_state[key] = shared
    st.session_state[memory] = shared
    return moved


def _month_label(month: pd.Timestamp) -> str:
    return month.strftime("%b %Y")


def choose_pack(dataset: Dataset, selection: Selection) -> PackRequest | None:
    """Area (or Leeds), period and indicators, defaulting to the shared filters; None if no indicator."""
    catalogue, geography = dataset.catalogue, dataset.geography
    areas = geography.level_areas(selection.level)
    names = dict(zip(areas["code"], areas["name"], strict=True))
    options = [ALL, *names]
    shared_area = selection.area if selection.area in names else ALL
    area_moved = _follow("pack_area", shared_area)
    shared_period = (selection.period.start, selection.period.end)
    period_moved = _follow("pack_period", shared_period)
    shared_indicators = default_indicators(dataset, selection.priority, selection.theme)
    indicators_moved = _follow("pack_indicators", shared_indicators)
    left, right = st.columns([1, 2])
    area = left.selectbox(
        "Pack for",
        options,
        index=None if area_moved else options.index(shared_area),
        key="pack_area",
        bind="query-params",
        format_func=lambda c: "All of Leeds" if c == ALL else names.get(c, c),
        help="An area of the type chosen in the sidebar, or all of Leeds.",
    )
    months = list(dataset.months)
    period = right.select_slider(
        "Months in the pack",
        options=months,
        value=None if period_moved else shared_period,
        key="pack_period",
        bind="query-params",
        format_func=_month_label,
        help="Changes compare these months with the same months a year earlier.",
    )
    ordered = sorted(catalogue.indicators, key=lambda i: (not i.key, i.label))
    indicators = st.multiselect(
        "Indicators",
        [i.id for i in ordered],
        default=None if indicators_moved else shared_indicators,
        key="pack_indicators",
        bind="query-params",
        format_func=lambda i: catalogue.indicator(i).label,
        help="The plan on a page's key indicators for the chosen priority, unless you change them.",
    )
    if not indicators:
        st.info("Choose at least one indicator for the pack.", icon=":material/info:")
        return None
    start, end = period if isinstance(period, tuple | list) else (period, period)
    return PackRequest(
        area=None if area == ALL else area,
        period=Period(pd.Timestamp(start), pd.Timestamp(end)),
        indicators=tuple(indicators),
        measure=selection.measure,
        level=selection.level,
    )


def draw_plan_preview(dataset: Dataset, request: PackRequest) -> None:
    """The plan on a page as it will appear in the pack, with its own CSV download."""
    table = preview_table(dataset, request)
    st.header("The plan on a page", divider="gray")
    st.dataframe(table, hide_index=True, width="stretch")
    table_download(table, "plan-on-a-page", label="Download this table (CSV)", key="pack-summary-csv")


def _build(dataset: Dataset, request: PackRequest, fmt: str) -> None:
    """Prepare the pack in ``fmt`` with an honest progress bar, reusing what was drawn for this request."""
    stored = st.session_state.get(BUILT_KEY)
    earlier = stored if stored is not None and stored[0] == request else None
    bar = st.progress(0.0, text=f"Preparing the {FORMATS[fmt][0]} file…")

    def progress(done: int, total: int, message: str) -> None:
        bar.progress(min(done / total, 1.0), text=f"Preparing the board pack: {message}")

    try:
        pack, data = prepare(dataset, request, fmt, progress=progress, pack=earlier[1] if earlier else None)
    except Exception:  # never a traceback on screen; the log keeps the cause
        LOG.exception("the board pack could not be built")
        bar.empty()
        st.error(
            "The board pack could not be prepared. Nothing has been changed; try again, or choose fewer indicators.",
            icon=":material/error:",
        )
        return
    bar.empty()
    files = dict(earlier[2]) if earlier and earlier[1] is pack else {}
    st.session_state[BUILT_KEY] = (request, pack, files | {fmt: data})


PREPARE_KEY = "_pack_prepare_requested"


def _ask_for_pack() -> None:
    # A callback rather than the button's return value: it survives a run that is restarted before
    # the button is drawn again.
    st.session_state[PREPARE_KEY] = True


def draw_pack_builder(dataset: Dataset, request: PackRequest) -> None:
    """The file type, a button that prepares the pack in it (with progress), then its download."""
    start_engine()  # ready to draw by the time the button is pressed
    st.header("Download the board pack", divider="gray")
    st.caption(
        "PowerPoint and PDF: a front page, the plan on a page, a page per indicator with its trend chart, map and a "
        "short summary, and definitions. Excel and CSV: the tables behind them. Small numbers are shown as "
        f"{dataset.catalogue.disclosure.shown_as}."
    )
    fmt = (
        st.segmented_control(
            "File type", list(FORMATS), default="pptx", key="pack_format", format_func=lambda f: FORMATS[f][0]
        )
        or "pptx"
    )
    st.button(
        "Prepare the board pack", type="primary", key="pack-prepare", icon=":material/build:", on_click=_ask_for_pack
    )
    if st.session_state.pop(PREPARE_KEY, False):
        _build(dataset, request, fmt)
    stored = st.session_state.get(BUILT_KEY)
    if stored is None:
        return
    built_request, pack, files = stored
    if built_request != request:
        st.caption("You have changed the choices since the pack was prepared: prepare it again to download it.")
        return
    ready = ", ".join(FORMATS[f][0] for f in FORMATS if f in files)
    st.success(
        f"{escape(pack.title)}, {request.period.label()}: ready to download ({ready}).", icon=":material/check_circle:"
    )
    shown = [f for f in FORMATS if f in files]
    for column, shown_format in zip(st.columns(len(FORMATS)), shown, strict=False):
        label, mime = FORMATS[shown_format]
        column.download_button(
            f"Download {label}",
            data=files[shown_format],
            file_name=pack.file_name(shown_format),
            mime=mime,
            key=f"pack-download-{shown_format}",
            on_click="ignore",
            icon=FORMAT_ICONS[shown_format],
            width="stretch",
        )
    if pack.pictures:
        _draw_chart_preview(pack)


def _draw_chart_preview(pack: BoardPack) -> None:
    sections = {s.indicator.id: s for s in pack.sections}
    st.header("Charts and maps in the pack", divider="gray")
    chosen = st.selectbox(
        "Show the charts of",
        list(sections),
        key="pack_preview",
        bind="query-params",
        format_func=lambda i: sections[i].indicator.label,
    )
    section = sections[chosen]
    numbers = {"trend": lambda: pack.monthly_rows(section), "map": lambda: pack.area_rows(section)}
    for picture, name in ((section.trend, "trend"), (section.map, "map")):
        if picture is None:
            continue
        title = f"{section.indicator.short_label} {name} {pack.area_name}"
        st.image(picture.png, caption=escape(picture.description), alt=picture.description, width="stretch")
        chart_downloads(picture.chart, title, key=f"pack-{name}", numbers=numbers[name])
        numbers_table(numbers[name], f"pack-{name}-numbers", title, label=f"Numbers behind this {name}")
    if section.map is None and section.map_note:
        st.caption(escape(section.map_note))
