"""Altair charts to PNG and SVG, without a browser or the internet (vl-convert runs Vega in-process).

Charts are drawn at print quality: PNGs at three times their layout size, with the pixel density
recorded in the file so a 600-point-wide chart prints 8⅓ inches wide at 216 pixels per inch. A board
pack draws each chart once, as SVG (kept as vector in the PDF), and makes its slide PNG from that SVG.
"""

from __future__ import annotations

import textwrap
import threading

import altair as alt
import vl_convert

from saferleeds.present.export import drawing

PRINT_SCALE = 3.0
SLIDE_SCALE = 2.0  # a picture half a 16:9 slide wide is still sharper than the meeting-room screen
BASE_PPI = 72.0
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
PAPER_SIZE = (720, 360)
TEXT_COLOUR = "#0b0c0c"
SOURCE_COLOUR = "#505a5f"
PRINT_CONFIG = {
    "font": FONT,
    "background": "white",
    "title": {"fontSize": 16, "subtitleFontSize": 12, "anchor": "start", "color": TEXT_COLOUR},
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR},
    "legend": {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": 320},
    "view": {"stroke": None},
}


def _vega_lite_version() -> str | None:
    """The Vega-Lite version Altair writes, when vl-convert carries it (else vl-convert's newest)."""
    wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return wanted if wanted in vl_convert.get_vegalite_versions() else None


VEGA_LITE_VERSION = _vega_lite_version()


def source_footer(source: str | list[str]) -> dict:
    """A source line (or lines) set under a chart as its bottom title."""
    return {
        "text": source,
        "orient": "bottom",
        "anchor": "start",
        "fontSize": 10,
        "fontWeight": "normal",
        "color": SOURCE_COLOUR,
        "offset": 12,
    }


def with_source(chart: alt.LayerChart | alt.FacetChart, source: str | list[str]) -> alt.VConcatChart:
    """The chart with a source line underneath (for example 'Source: police.uk. Dashed lines are modelled.')."""
    return alt.vconcat(chart).properties(title=alt.TitleParams(**source_footer(source)))


def print_spec(view: dict, source: list[str], description: str, datasets: dict[str, list]) -> dict:
    """A print chart's Vega-Lite specification from its view (written as a dictionary: building it with
    Altair copies the whole chart at every step), with the source under it and its text alternative."""
    return {
        "$schema": alt.SCHEMA_URL,
        "vconcat": [view],
        "title": source_footer(source),
        "description": description,
        "datasets": datasets,
    }


TOP_LEVEL_ONLY = ("$schema", "config", "datasets", "params", "usermeta", "background", "padding")
DROPPED_WHEN_NESTED = ("autosize",)
SOURCE_WIDTH = 110


def _title_text(title: object) -> str:
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, list):
        return " ".join(str(line) for line in title)
    return str(title or "")


def chart_title(chart: alt.TopLevelMixin | dict) -> str:
    """The chart's title as one line of text ('' when it has none)."""
    document = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    return _title_text(document.get("title"))


def for_download(chart: alt.TopLevelMixin | dict, title: str = "", source: str = "") -> dict:
    """A chart drawn on a page made ready to leave it: a title when it has none, and a source line under it.

    The chart's own top-level settings (data sets, selections, configuration) move to the outer view so
    the chart can sit inside it unchanged.
    """
    document = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    document = dict(document)
    if title and not document.get("title"):
        document["title"] = {"text": title, "anchor": "start"}
    if not source:
        return document
    outer = {key: document.pop(key) for key in TOP_LEVEL_ONLY if key in document}
    for key in DROPPED_WHEN_NESTED:
        document.pop(key, None)
    if "width" not in document and ("mark" in document or "layer" in document):
        document["width"] = PAPER_SIZE[0]
    footer = source_footer(textwrap.wrap(source, SOURCE_WIDTH))
    return {**outer, "vconcat": [document], "title": footer, "description": document.get("description", "")}


def spec(chart: alt.TopLevelMixin | dict) -> dict:
    """The chart's Vega-Lite specification with the print configuration applied."""
    # Altair's schema validation costs more than drawing; vl-convert rejects an invalid chart anyway.
    document = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    config = _merged(PRINT_CONFIG, document.get("config", {}))
    document = {**document, "config": config}
    # A chart sized to its container on screen needs a size of its own on paper.
    for side, size in (("width", PAPER_SIZE[0]), ("height", PAPER_SIZE[1])):
        if document.get(side) == "container":
            document[side] = size
    if "width" not in document and ("mark" in document or "layer" in document):
        document["width"] = PAPER_SIZE[0]  # a page chart fills its column; on paper it needs a width
    return document


def _merged(base: dict, extra: dict) -> dict:
    """``extra`` over ``base``, one level deep (a chart's axis colours keep the print font sizes)."""
    merged = dict(base)
    for key, value in extra.items():
        merged[key] = {**base[key], **value} if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return merged


def options() -> dict:
    """vl-convert's options for every drawing."""
    # No base URL is allowed: a chart can never fetch anything while it is drawn.
    options: dict = {"allowed_base_urls": []}
    if VEGA_LITE_VERSION:
        options["vl_version"] = VEGA_LITE_VERSION
    return options


def png(chart: alt.TopLevelMixin | dict, scale: float = PRINT_SCALE) -> bytes:
    """A PNG of the chart at ``scale`` times its layout size, its pixel density recorded to match."""
    return png_from_svg(svg(chart), scale)


def svg(chart: alt.TopLevelMixin | dict) -> bytes:
    """An SVG of the chart (text kept as text, so it stays sharp at any size)."""
    return drawing.draw(drawing.Job(spec(chart), options()))[0]


_ENGINE_STARTED = threading.Event()


def start_engine() -> None:
    """Start vl-convert's drawing engine on a background thread (its first drawing takes a moment), so
    a page that is about to draw has it ready; later calls do nothing."""
    if _ENGINE_STARTED.is_set():
        return
    _ENGINE_STARTED.set()
    threading.Thread(target=lambda: svg(drawing.WARM_SPEC), name="vl-convert-start", daemon=True).start()


def png_from_svg(svg: bytes, scale: float = PRINT_SCALE) -> bytes:
    """A PNG of an SVG drawn by ``svg`` (no second run of Vega), at ``scale`` times its layout size."""
    # The density alone sets the size: a picture of W points is W * ppi / 72 pixels wide.
    return drawing.png_from_svg(svg, BASE_PPI * scale)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels of a PNG, read from its header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG image")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
