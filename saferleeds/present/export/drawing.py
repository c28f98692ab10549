"""Drawing a pack's pictures in a process of their own.

vl-convert holds Python's interpreter lock while it draws, so a picture drawn on a thread stops every
other thread of the process for as long as it takes (a tenth of a second or more a picture). Drawn in
worker processes instead, the pictures take the other core while the pack's figures are worked out.
The workers are started once and kept, so their drawing engines are warm for the next pack; if a worker
cannot be started or dies, the picture is drawn here instead, so a pack never fails for want of one.

A worker imports this module, vl-convert and Typst only (nothing that loads data or charts), so it
starts fast.

PNGs are made from the SVG by Typst, which keeps its fonts in memory: vl-convert's own rasteriser opens
and maps the font file again for every glyph, which takes two to three times as long on a machine where
system calls are dear. If Typst cannot draw a picture, vl-convert does. The fonts Typst finds are looked
up once per process and kept.

vl-convert measures text the same way, opening the font file for every glyph, whenever the font comes
from the system; it carries its own copy of Liberation Sans (the charts' font) in memory and uses that
copy when the system's fonts are hidden from it. So a worker starts vl-convert with a font configuration
that names one empty folder: the same font, the same measurements (identical SVGs, tested), in under half
the time. vl-convert reads the configuration once, at its first drawing; Typst's fonts are found before
it, with the system's fonts in view.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import struct
import tempfile
import threading
import zlib
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import typst
import vl_convert

PICTURE_FORMATS = ("pptx", "pdf")  # the pack formats whose pages carry pictures
WORKERS = 2  # on two cores: both draw while this process waits, one draws while it works out figures
LOGGER = logging.getLogger("saferleeds")
WARM_SPEC = {"mark": "point", "data": {"values": [{"x": 1}]}, "encoding": {"x": {"field": "x", "type": "quantitative"}}}
POOL_FAILURES = (BrokenProcessPool, RuntimeError, OSError)
FONT_CONFIGURATION = "FONTCONFIG_FILE"

Drawn = tuple[bytes, bytes | None]  # the SVG, and the PNG when one was asked for
SVG_SIZE = re.compile(rb'<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
METRES_PER_INCH = 0.0254
# One page the size of the picture, the picture filling it; the SVG arrives as an input, never as code.
PNG_PAGE = """#set page(width: {width}pt, height: {height}pt, margin: 0pt, fill: white)
#image(bytes(sys.inputs.at("svg")), format: "svg", width: 100%, height: 100%)"""


@dataclass(frozen=True)
class Job:
    """One picture to draw: its Vega-Lite spec, vl-convert's options, and the PNG's density (if any)."""

    spec: dict = field(repr=False)
    options: dict
    png_ppi: float | None = None


def svg_size(svg: bytes) -> tuple[float, float]:
    """Width and height of an SVG drawn by Vega, in points, read from its opening tag."""
    found = SVG_SIZE.search(svg[:2000])
    if found is None:
        raise ValueError("not an SVG drawn by Vega")
    return float(found.group(1)), float(found.group(2))


def _with_density(png: bytes, ppi: float) -> bytes:
    """The PNG with its pixel density recorded (a pHYs chunk after the header), so it prints at its size."""
    if png[:8] != PNG_SIGNATURE or b"pHYs" in png[:64]:
        return png
    per_metre = round(ppi / METRES_PER_INCH)
    body = b"pHYs" + struct.pack(">IIB", per_metre, per_metre, 1)
    chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
    header_end = 8 + 8 + 13 + 4  # signature, then IHDR's length, type, 13 bytes and checksum
    return png[:header_end] + chunk + png[header_end:]


_typst_fonts: typst.Fonts | None = None


def _fonts() -> typst.Fonts:
    """The fonts Typst can use, found once per process."""
    global _typst_fonts
    if _typst_fonts is None:
        _typst_fonts = typst.Fonts()
    return _typst_fonts


def png_from_svg(svg: bytes, ppi: float) -> bytes:
    """A PNG of an SVG drawn by Vega, at ``ppi`` pixels per inch of its size in points, density recorded."""
    width, height = svg_size(svg)
    page = PNG_PAGE.format(width=width, height=height).encode("utf-8")
    try:
        png = typst.compile(page, format="png", ppi=ppi, font_paths=_fonts(), sys_inputs={"svg": svg.decode("utf-8")})
    except (RuntimeError, ValueError):  # typst.TypstError is a RuntimeError
        LOGGER.warning("Typst could not draw a picture; vl-convert draws it instead", exc_info=True)
        return vl_convert.svg_to_png(svg.decode("utf-8"), scale=1.0, ppi=ppi)
    return _with_density(png if isinstance(png, bytes) else png[0], ppi)


def draw(job: Job) -> Drawn:
    """The picture's SVG and, when asked for, the PNG made from that SVG (no second run of Vega)."""
    svg = vl_convert.vegalite_to_svg(job.spec, **job.options).encode("utf-8")
    return svg, png_from_svg(svg, job.png_ppi) if job.png_ppi else None


@contextmanager
def _system_fonts_hidden() -> Iterator[None]:
    """While inside, a font configuration naming one empty folder is in force for libraries that read it."""
    saved = os.environ.get(FONT_CONFIGURATION)
    with tempfile.TemporaryDirectory(prefix="saferleeds-fonts-") as folder:
        configuration = os.path.join(folder, "fonts.conf")
        empty = os.path.join(folder, "none")
        os.mkdir(empty)
        with open(configuration, "w", encoding="utf-8") as file:
            file.write(f"<?xml version='1.0'?>\n<fontconfig><dir>{escape(empty)}</dir></fontconfig>\n")
        os.environ[FONT_CONFIGURATION] = configuration
        try:
            yield
        finally:
            if saved is None:
                os.environ.pop(FONT_CONFIGURATION, None)
            else:
                os.environ[FONT_CONFIGURATION] = saved


def start_worker() -> None:
    """A drawing process's start: Typst's fonts found, then vl-convert started with its own in-memory font."""
    _fonts()
    try:
        with _system_fonts_hidden():
            vl_convert.vegalite_to_svg(WARM_SPEC)
    except OSError:  # nowhere to write the configuration: the system's fonts serve, more slowly
        LOGGER.warning("vl-convert starts with the system's fonts; pictures take longer to draw")


_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_workers_wanted = WORKERS
_pool_lock = threading.Lock()


def use_workers(count: int) -> None:
    """How many drawing processes to start when they are first needed.

    A process that works out figures while the pictures are drawn (the command line, which also loads
    the data and its libraries) does best with one on two cores; the app, whose figures are mostly
    remembered, with two."""
    global _workers_wanted
    _workers_wanted = max(1, count)


def _worker_pool() -> ProcessPoolExecutor | None:
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None:
            try:
                _pool = ProcessPoolExecutor(
                    max_workers=_workers_wanted,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=start_worker,
                )
                _pool_size = _workers_wanted
            except (OSError, ValueError, ImportError):
                LOGGER.warning("no drawing process could be started; pictures are drawn in this one", exc_info=True)
        return _pool


def _forget(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def warm() -> None:
    """Start the workers and their drawing engines now, so they are ready when the first picture is."""
    pool = _worker_pool()
    if pool is None:
        return
    try:
        for _ in range(_pool_size):
            pool.submit(draw, Job(WARM_SPEC, {"allowed_base_urls": []}, png_ppi=72.0))  # starts each process
    except POOL_FAILURES:
        _forget(pool)


class Drawing:
    """A picture being drawn: ``result()`` waits for it, drawing it here if the worker could not."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.pool = _worker_pool()
        self.future: Future | None = None
        if self.pool is not None:
            try:
                self.future = self.pool.submit(draw, job)
            except POOL_FAILURES:
                _forget(self.pool)

    def result(self) -> Drawn:
        if self.future is not None:
            try:
                return self.future.result()
            except (BrokenProcessPool, OSError):
                LOGGER.warning("the drawing process stopped; drawing here instead", exc_info=True)
                if self.pool is not None:
                    _forget(self.pool)
        return draw(self.job)
