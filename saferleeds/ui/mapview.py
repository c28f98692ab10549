"""Drawing the map explorer: its own controls, the pydeck map, the area panel and the table.

The map keeps the person's zoom and centre between reruns because its initial view never changes
(unless they ask for the whole city again). A click on an area sets the shared ``area`` filter from
the chart's callback, before the router draws the filter, so the URL names the area at once.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from saferleeds.analysis.area_table import area_table
from saferleeds.analysis.selection import Selection
from saferleeds.core.dataset import Dataset
from saferleeds.core.text import sentence_case
from saferleeds.present.export.print_map import print_map
from saferleeds.present.maps.classes import CLASSIFICATIONS
from saferleeds.present.maps.deck import MAP_HEIGHT, build_deck, locality_level, map_style, selected_code
from saferleeds.present.maps.model import SHOW_OPTIONS, MapModel, MapOptions, map_model
from saferleeds.present.maps.table import area_panel, can_print, map_description, table_frame
from saferleeds.ui.data import escape
from saferleeds.ui.downloads import chart_downloads, numbers_table, table_download
from saferleeds.ui.filters import ALL, area_picker
from saferleeds.ui.navigation import request_page

CHART_KEY = "map_chart"
GENERATION_KEY = "_map_generation"
RESETS_KEY = "_map_view_resets"
PICKER_KEY = "map_area_picker"
SEEN_KEY = "_map_seen_selection"
CLICK_LEVEL_KEY = "_map_click_level"


def map_controls(dataset: Dataset, selection: Selection) -> MapOptions:
    """The map's own choices, each kept in the URL; the same widgets are drawn at every level."""
    finest = dataset.catalogue.levels.finest
    first, second, third = st.columns([1.2, 1, 1.1], vertical_alignment="bottom")
    show = first.segmented_control(
        "Show",
        list(SHOW_OPTIONS),
        default="value",
        key="map_show",
        bind="query-params",
        format_func=lambda option: SHOW_OPTIONS[option],
        help="The value for the period, or its change on the same months a year earlier (tested for significance).",
    )
    classification = second.selectbox(
        "Colour classes",
        list(CLASSIFICATIONS),
        key="map_classes",
        bind="query-params",
        format_func=lambda method: CLASSIFICATIONS[method],
        help="How areas are grouped into colours: natural breaks groups similar values, quantiles puts "
        "equal numbers of areas in each colour, equal intervals splits the range evenly.",
    )
    outlines = third.multiselect(
        "Outlines",
        list(dataset.catalogue.levels.outline_levels),
        key="map_outlines",
        bind="query-params",
        format_func=lambda level: sentence_case(dataset.catalogue.level(level).plural),
        placeholder="None",
        help="Draw these boundaries over the map for reference.",
    )
    left, right = st.columns(2)
    hex_view = left.toggle(
        "Hex map: one equal hexagon per area",
        key="map_hex",
        bind="query-params",
        help="Every area the same size, placed near where it really is, so large rural areas do not dominate.",
    )
    hotspots = right.toggle(
        "Hot and cold spots",
        key="map_hotspots",
        bind="query-params",
        disabled=selection.level != finest,
        help="Clusters of high or low values among neighbouring small areas (Getis-Ord Gi*). "
        "Choose the small area (LSOA) area type to use them.",
    )
    return MapOptions(
        show=show or "value",
        classification=classification,
        hex_view=bool(hex_view),
        outlines=tuple(outlines),
        hotspots=bool(hotspots) and selection.level == finest,
    )


def chart_key() -> str:
    return f"{CHART_KEY}_{st.session_state.get(GENERATION_KEY, 0)}"


def _on_map_click(key: str) -> None:
    """Set the shared area filter from a click on the map (or clear it when the area is clicked off).

    The chart also reports changes it makes itself: when the map's data is redrawn it refreshes its
    copy of the selected area at the same position, and it drops a selection whose layer is gone.
    Neither is a click, so neither may overwrite an area chosen elsewhere in the same rerun.
    """
    code, position, layer = selected_code(st.session_state.get(key))
    seen_layer, seen_position, shown_layer = st.session_state.get(SEEN_KEY, (None, None, None))
    if code is not None and (layer, position) == (seen_layer, seen_position):
        return
    if code is None and seen_layer != shown_layer:
        return
    if code is not None and st.session_state.get(CLICK_LEVEL_KEY):  # a part of a locality was clicked
        st.session_state["level"] = st.session_state[CLICK_LEVEL_KEY]
    st.session_state["area"] = code or ALL


def _reset_view() -> None:
    st.session_state[RESETS_KEY] = st.session_state.get(RESETS_KEY, 0) + 1


def models(dataset: Dataset, selection: Selection, options: MapOptions) -> tuple[MapModel, MapModel]:
    """(the map drawn, the chosen level's map): the same unless a locality is chosen, whose parts are drawn
    (``locality_level``) while its own figures fill the panel."""
    period, measure = selection.period, selection.measure
    chosen = map_model(dataset, selection.indicator, selection.level, period, measure, options)
    parts = locality_level(dataset.catalogue.levels, selection.level) if selection.area else None
    if parts is None:
        return chosen, chosen
    drawn = map_model(dataset, selection.indicator, parts, period, measure, options)
    return (drawn if drawn.available else chosen), chosen


def draw_map(dataset: Dataset, model: MapModel, selection: Selection) -> None:
    """Draw the map under its title, keeping its highlight on the selected area, and say what it shows."""
    locality = selection.level if model.level != selection.level else None
    st.session_state[CLICK_LEVEL_KEY] = model.level if locality else None
    st.markdown(f"**{escape(model.legend.title)}**")
    if locality and selection.area:
        st.caption(
            f"The {escape(model.level_plural)} of {escape(dataset.geography.name(selection.area))}. Choose "
            "“All of Leeds” in the Area filter to see the whole city."
        )
    key = chart_key()
    clicked, position, layer = selected_code(st.session_state.get(key))
    if selection.area is None and clicked is not None and layer == model.layer_id:
        # The map still highlights an area although "All of Leeds" was chosen elsewhere; a fresh chart
        # forgets it (and shows the whole city, which is what was asked for).
        st.session_state[GENERATION_KEY] = st.session_state.get(GENERATION_KEY, 0) + 1
        key, position, layer = chart_key(), None, None
    st.session_state[SEEN_KEY] = (layer, position, model.layer_id)
    description = map_description(model)
    deck = build_deck(
        dataset,
        model,
        selected=selection.area,
        clicked_index=position if layer == model.layer_id else None,
        resets=st.session_state.get(RESETS_KEY, 0),
        style=map_style(),
        locality=locality,
    )
    st.pydeck_chart(
        deck,
        on_select=partial(_on_map_click, key),
        selection_mode="single-object",
        key=key,
        height=MAP_HEIGHT,
        alt=description,
    )
    st.caption(escape(description))


def draw_view_controls() -> None:
    st.button(
        "Show all of Leeds",
        icon=":material/zoom_out_map:",
        on_click=_reset_view,
        type="tertiary",
        help="Zoom the map back out to the whole city.",
    )


def draw_area_picker(dataset: Dataset, model: MapModel, selection: Selection) -> None:
    """The same choice as clicking the map, for keyboard and screen-reader users."""
    names = dict(zip(model.areas["code"], model.areas["name"], strict=True))
    area_picker(
        f"Area on the map: {model.level_label}",
        PICKER_KEY,
        names,
        selection.area,
        "Choosing an area here is the same as clicking it on the map.",
    )


def draw_area_panel(model: MapModel, selection: Selection) -> None:
    """Key figures of the selected area, and a button to its full profile."""
    panel = area_panel(model, selection.area) if selection.area else None
    with st.container(border=True, key="map_area_panel"):
        if panel is None:
            st.markdown("**Choose an area**")
            st.caption("Click an area on the map, or pick one above, to see its key figures here.")
            return
        st.markdown(f"## {escape(panel.name)}")
        st.caption(escape(panel.level_label))
        st.markdown(f"**{escape(panel.headline)}**")
        st.markdown("\n".join(f"- **{escape(label)}:** {escape(text)}" for label, text in panel.facts))
        if panel.modelled:
            st.caption(
                ":material/info: Estimated figures are shared out from recorded totals; modelled figures are "
                "made where open data does not exist.",
            )
        st.button(
            "Open the full profile",
            key="map_profile",
            icon=":material/location_city:",
            on_click=request_page,
            args=("profiles",),
            kwargs={"area": panel.code},
            help=f"Everything about {escape(panel.name)} on the Area profiles page",
        )


def draw_table(dataset: Dataset, model: MapModel) -> None:
    """The map's numbers as a sortable table, as a plain table for screen readers, and as CSV (the table
    of every area that Compare and ``python -m saferleeds table`` give too)."""
    frame = table_frame(model)
    st.dataframe(frame, hide_index=True, width="stretch", height=360, key="map_table")
    name = f"{model.indicator.short_label} by {model.level_label.lower()}, {model.period.label()}"
    table_download(
        lambda: area_table(dataset, model.indicator.id, model.level, model.period, model.measure),
        f"{model.indicator.id} {model.level} {model.period.start:%Y-%m} {model.period.end:%Y-%m}",
        label="Download these numbers (CSV)",
        key="map_download",
    )
    numbers_table(lambda: table_frame(model), "map-numbers", name, label="Numbers behind this map")


def draw_map_downloads(dataset: Dataset, model: MapModel, selection: Selection) -> None:
    """This map for print (the same classes, colours and legend, with title and source) as PNG or SVG."""
    if not model.available or not can_print(model):
        return
    indicator, period = model.indicator, model.period
    chart_downloads(
        partial(_printable_map, dataset, model, selection.area),
        f"{indicator.short_label} map, {model.level_plural}, {period.short_label()}",
        key="map-picture",
    )
    st.caption(
        "The downloaded map shows what this map shows, in the same classes and colours, with its legend, the "
        "Leeds figure and the source; the chosen area is outlined and named."
    )


def _printable_map(dataset: Dataset, model: MapModel, highlight: str | None) -> dict:
    """The map for print, built when a download is asked for; ``can_print`` has said there is one."""
    picture = print_map(dataset, model, highlight)
    if picture is None:
        raise ValueError(f"no area of the {model.indicator.short_label} map may be shown, so it cannot be printed")
    return picture


def draw_unavailable(dataset: Dataset, model: MapModel) -> None:
    """Say why there is no map, and offer the area types that have data."""
    indicator = model.indicator
    levels = [lv for lv in indicator.geographies if lv not in (dataset.catalogue.levels.city, model.level)]
    if not levels:
        st.info(
            f"{escape(indicator.label)} is only published for Leeds as a whole, so it cannot be mapped.",
            icon=":material/info:",
        )
        return
    names = [dataset.catalogue.level(lv).plural for lv in levels]
    st.info(
        f"There is no data for {escape(indicator.label.lower())} for {escape(model.level_plural)} in this period. "
        f"It is available for {escape(', '.join(names))}.",
        icon=":material/info:",
    )
    for level in levels:
        st.button(
            f"Show {dataset.catalogue.level(level).plural}",
            key=f"map_level_{level}",
            on_click=request_page,
            args=("map",),
            kwargs={"level": level},
        )
