"""Start the real app with ``streamlit run`` on a free local port and drive it with Chromium."""

from __future__ import annotations

import io
import math
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from saferleeds.core.dataset import Dataset
from saferleeds.core.paths import HOME_VARIABLE, PROJECT_ROOT
from saferleeds.present.maps.deck import initial_view

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--enable-unsafe-swiftshader",
    "--use-angle=swiftshader",
]
TIMEOUT = 180_000  # ms: the upper bound of any wait; a loaded machine is slow, never this slow
QUIET = 500  # ms without a change to the page before it counts as drawn

# Installed in every tab before the app's own scripts: counts the messages the app sends to its server
# and receives from it, and notes when the page last changed, so a test can wait until the run its
# action started has finished and been drawn (see wait_settled).
WATCH = """
(() => {
  const watch = {sent: 0, lastSent: 0, lastReceived: 0, changed: performance.now()};
  window.__saferleeds = watch;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", () => { watch.lastReceived = performance.now(); watch.changed = watch.lastReceived; });
    }
    send(data) {
      watch.sent += 1;
      watch.lastSent = performance.now();
      return super.send(data);
    }
  };
  new MutationObserver(() => { watch.changed = performance.now(); })
    .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();
"""
SETTLED = """
([after, quiet]) => {
  const watch = window.__saferleeds;
  const app = document.querySelector('[data-testid="stApp"]');
  if (!watch || !app || watch.sent <= after || watch.lastReceived < watch.lastSent) return false;
  if (app.getAttribute("data-test-script-state") !== "notRunning") return false;
  if (app.getAttribute("data-test-connection-state") !== "CONNECTED") return false;
  const busy = '[data-stale="true"], [data-testid="stStatusWidgetRunningIcon"], [data-testid="stSkeleton"]';
  if (document.querySelector(busy)) return false;
  return performance.now() - watch.changed >= quiet;
}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(home: Path | None = None, timeout: float = 60) -> Iterator[str]:
    """Run ``streamlit run app.py`` on loopback; yield its base URL; stop it afterwards."""
    port = free_port()
    env = dict(os.environ)
    if home is not None:
        env[HOME_VARIABLE] = str(home)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"streamlit-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process, timeout)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_healthy(base: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            _wait_for_exit(process, 0.25)  # a short wait that also notices the server dying
    raise RuntimeError("streamlit did not become healthy in time")


def _wait_for_exit(process: subprocess.Popen, seconds: float) -> None:
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return
    raise RuntimeError(f"streamlit exited with status {process.returncode}")


def new_tab(browser, **options):
    """A tab in a fresh browser context that watches the app's messages (see WATCH)."""
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT)
    context.add_init_script(WATCH)
    return context.new_page()


def messages_sent(page) -> int:
    return page.evaluate("() => window.__saferleeds.sent")


def wait_settled(page, after: int = 0, timeout: float = TIMEOUT) -> None:
    """Wait until the app has finished running its script and drawing what it sent.

    Settled means: more than ``after`` messages have gone to the server, the server has answered the
    last of them, the script is not running, nothing on the page is stale or still loading, and the
    page has not changed for QUIET ms.
    """
    page.wait_for_function(SETTLED, arg=[after, QUIET], timeout=timeout, polling=100)


@contextmanager
def runs_again(page) -> Iterator[None]:
    """Around an action that makes the app run again: afterwards, wait until that run is drawn."""
    before = messages_sent(page)
    yield
    wait_settled(page, after=before)


def sidebar_select(page, label: str, option: str) -> None:
    """Choose ``option`` in the sidebar select box labelled ``label``."""
    page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label, exact=True).click()
    with runs_again(page):
        page.get_by_role("option", name=option, exact=True).click()


# --------------------------------------------------------------------------- the map


def world_pixels(longitude: float, latitude: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixel position at a zoom, as deck.gl's map view computes it (512-pixel world at zoom 0)."""
    size = 512 * 2**zoom
    x = (longitude + 180) / 360 * size
    y = (1 - math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2)) / math.pi) / 2 * size
    return x, y


MAP_CANVAS = '[data-testid="stDeckGlJsonChart"] canvas'
# The map's tooltip, when deck.gl has placed it at the pointer (it puts its corner at the point it picked).
TOOLTIP_AT = """
([x, y]) => {
  const tip = document.querySelector('[data-testid="stDeckGlJsonChart"] .deck-tooltip');
  if (!tip || tip.style.display !== "block") return null;
  const box = tip.getBoundingClientRect();
  if (Math.abs(box.left - x) > 2 || Math.abs(box.top - y) > 2) return null;
  return tip.innerText.trim() ? tip.innerText : null;
}
"""


def canvas_box(page) -> dict:
    box = page.locator(MAP_CANVAS).first.bounding_box()
    assert box and box["width"] > 200, "the map is drawn"
    return box


def wait_for_map(page, timeout: float = TIMEOUT / 1000) -> None:
    """Wait until the map has painted its areas (a blank canvas is one colour; a drawn one has many)."""
    canvas = page.locator(MAP_CANVAS).first
    canvas.wait_for(state="visible")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        colours = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB").getcolors(maxcolors=256)
        if colours is None or len(colours) >= 8:  # None: more than 256 colours
            return
    raise AssertionError("the map was never drawn")


def screen_point(page, dataset: Dataset, longitude: float, latitude: float) -> tuple[float, float]:
    """Where a place is on screen in the map's whole-city view."""
    view = initial_view(dataset)
    box = canvas_box(page)
    centre = world_pixels(view.longitude, view.latitude, view.zoom)
    point = world_pixels(longitude, latitude, view.zoom)
    return box["x"] + box["width"] / 2 + point[0] - centre[0], box["y"] + box["height"] / 2 + point[1] - centre[1]


def tooltip_at(page, x: float, y: float, containing: str = "", timeout: float = TIMEOUT / 1000) -> str:
    """The map's tooltip for the point (x, y), once deck.gl has picked there (software WebGL can take a
    while); with ``containing``, wait until the tooltip says it (the map's data may still be arriving)."""
    deadline = time.monotonic() + timeout
    attempt = 0
    while time.monotonic() < deadline:
        point = [x + attempt % 2, y]  # moving by a pixel makes deck.gl pick again
        attempt += 1
        page.mouse.move(*point)
        try:
            text = page.wait_for_function(TOOLTIP_AT, arg=point, timeout=5_000, polling=100).json_value()
        except PlaywrightTimeout:
            continue
        if containing in text:
            return text
    raise AssertionError(f"no tooltip{f' saying {containing!r}' if containing else ''} at ({x:.0f}, {y:.0f})")


def steady_tooltip_at(page, x: float, y: float, timeout: float = TIMEOUT / 1000) -> str:
    """The tooltip at (x, y) once two pickings in a row agree (the view has stopped moving)."""
    deadline = time.monotonic() + timeout
    last = tooltip_at(page, x, y)
    while time.monotonic() < deadline:
        now = tooltip_at(page, x, y)
        if now == last:
            return now
        last = now
    raise AssertionError(f"the map kept moving under ({x:.0f}, {y:.0f})")


CHARTS_DRAWN = """
(least) => {
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  return charts.length >= least && charts.every(chart => chart.querySelector("svg g"));
}
"""


def wait_for_charts(page, least: int = 0) -> None:
    """Wait until every chart on the page (at least ``least`` of them) is drawn: charts draw after the
    script has finished, and one reporting its selection once drawn may run the page again."""
    page.wait_for_function(CHARTS_DRAWN, arg=least, timeout=TIMEOUT, polling=100)
    wait_settled(page)
    page.wait_for_function(CHARTS_DRAWN, arg=least, timeout=TIMEOUT, polling=100)


def click_area_on_map(page, dataset: Dataset, code: str, level: str = "ward") -> str:
    """Hover over an area in the whole-city view until its tooltip shows, click it, and wait until the app
    has run with it; returns the tooltip. A click soon after the hover's picking can be dropped by the map
    (more often on a loaded machine), so the click is repeated, only while the app has been told nothing."""
    point = dataset.boundaries(level).set_index("code").geometry[code].representative_point()
    x, y = screen_point(page, dataset, point.x, point.y)
    tooltip = tooltip_at(page, x, y)
    for _ in range(5):
        before = messages_sent(page)
        page.mouse.click(x, y)
        try:
            page.wait_for_function("n => window.__saferleeds.sent > n", arg=before, timeout=15_000, polling=100)
        except PlaywrightTimeout:
            continue
        wait_settled(page, after=before)
        return tooltip
    raise AssertionError(f"the map never took the click on {code}")


def wait_for_frame(page) -> None:
    """Wait until the browser has drawn two frames, so events such as the scroll that moving focus
    caused have been delivered (a list that opens before its page's scroll event arrives closes again)."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def wait_for_location(page, *parts: str) -> None:
    """Wait until the address bar holds every part (Streamlit rewrites it without a page load)."""
    page.wait_for_function(
        "parts => parts.every(part => window.location.href.includes(part))", arg=list(parts), timeout=TIMEOUT
    )


def open_map(page, url: str) -> None:
    page.goto(url)
    wait_settled(page)
    canvas_box(page)
    wait_for_map(page)
