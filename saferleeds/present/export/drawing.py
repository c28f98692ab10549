"""Drawing a pack's pictures in a process of their own.

vl-convert holds Python's interpreter lock while it draws, so a picture drawn on a thread stops every
other thread of the process for as long as it takes (a tenth of a second or more a picture). Drawn in
worker processes instead, the pictures take the other core while the pack's figures are worked out.
The workers are started once and kept, so their drawing engines are warm for the next pack; if a worker
cannot be started or dies, the picture is drawn here instead, so a pack never fails for want of one.

A worker imports this module and vl-convert only (nothing that loads data or charts), so it starts fast.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

import vl_convert

PICTURE_FORMATS = ("pptx", "pdf")  # the pack formats whose pages carry pictures
WORKERS = 2  # on two cores: both draw while this process waits, one draws while it works out figures
LOGGER = logging.getLogger("saferleeds")
WARM_SPEC = {"mark": "point", "data": {"values": [{"x": 1}]}, "encoding": {"x": {"field": "x", "type": "quantitative"}}}
POOL_FAILURES = (BrokenProcessPool, RuntimeError, OSError)

Drawn = tuple[bytes, bytes | None]  # the SVG, and the PNG when one was asked for


@dataclass(frozen=True)
class Job:
    """One picture to draw: its Vega-Lite spec, vl-convert's options, and the PNG's density (if any)."""

    spec: dict = field(repr=False)
    options: dict
    png_ppi: float | None = None


def draw(job: Job) -> Drawn:
    """The picture's SVG and, when asked for, the PNG made from that SVG (no second run of Vega)."""
    svg = vl_convert.vegalite_to_svg(job.spec, **job.options)
    png = vl_convert.svg_to_png(svg, scale=1.0, ppi=job.png_ppi) if job.png_ppi else None
    return svg.encode("utf-8"), png


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _worker_pool() -> ProcessPoolExecutor | None:
    global _pool
    with _pool_lock:
        if _pool is None:
            try:
                _pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn"))
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
        for _ in range(WORKERS):
            pool.submit(draw, Job(WARM_SPEC, {"allowed_base_urls": []}))  # any options start the engine
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
