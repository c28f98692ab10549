"""Start the real app with ``streamlit run`` on a free local port and drive it with Chromium."""

from __future__ import annotations

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
SETTLED = '[data-testid="stApp"][data-test-script-state="notRunning"]'


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
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError("streamlit did not become healthy in time")


def wait_settled(page, timeout: float = 60_000) -> None:
    """Wait until the app has finished running its script and drawing."""
    page.wait_for_timeout(300)
    page.wait_for_selector(SETTLED, timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_selector(SETTLED, timeout=timeout)


def sidebar_select(page, label: str, option: str) -> None:
    """Choose ``option`` in the sidebar select box labelled ``label``."""
    page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_settled(page)


# --------------------------------------------------------------------------- the map


def world_pixels(longitude: float, latitude: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixel position at a zoom, as deck.gl's map view computes it (512-pixel world at zoom 0)."""
    size = 512 * 2**zoom
    x = (longitude + 180) / 360 * size
    y = (1 - math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2)) / math.pi) / 2 * size
    return x, y


def canvas_box(page) -> dict:
    box = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.bounding_box()
    assert box and box["width"] > 200, "the map is drawn"
    return box


def screen_point(page, dataset: Dataset, longitude: float, latitude: float) -> tuple[float, float]:
    """Where a place is on screen in the map's whole-city view."""
    view = initial_view(dataset)
    box = canvas_box(page)
    centre = world_pixels(view.longitude, view.latitude, view.zoom)
    point = world_pixels(longitude, latitude, view.zoom)
    return box["x"] + box["width"] / 2 + point[0] - centre[0], box["y"] + box["height"] / 2 + point[1] - centre[1]


def tooltip_at(page, x: float, y: float, attempts: int = 30) -> str:
    """The map's tooltip at a point (software WebGL can take a moment before it picks)."""
    tooltip = page.locator(".deck-tooltip")
    for attempt in range(attempts):
        page.mouse.move(x + (attempt % 2), y)
        page.wait_for_timeout(300)
        if tooltip.is_visible() and tooltip.inner_text().strip():
            return tooltip.inner_text()
    raise AssertionError(f"no tooltip at ({x:.0f}, {y:.0f})")


CHARTS_DRAWN = (
    "() => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')].every(chart => chart.querySelector('svg g'))"
)


def wait_for_charts(page) -> None:
    """Wait until every chart on the page is drawn (charts draw after the script has finished)."""
    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    wait_settled(page)  # a chart reporting its selection once drawn may run the page again


def click_area_on_map(page, dataset: Dataset, code: str, level: str = "ward") -> str:
    """Hover over an area in the whole-city view until its tooltip shows, then click it; returns the tooltip."""
    point = dataset.boundaries(level).set_index("code").geometry[code].representative_point()
    x, y = screen_point(page, dataset, point.x, point.y)
    tooltip = tooltip_at(page, x, y)
    page.wait_for_timeout(500)  # let the hover's picking finish, or the click can be dropped
    page.mouse.click(x, y)
    return tooltip


def wait_for_location(page, *parts: str) -> None:
    """Wait until the address bar holds every part (Streamlit rewrites it without a page load)."""
    page.wait_for_function(
        "parts => parts.every(part => window.location.href.includes(part))", arg=list(parts), timeout=30_000
    )


def open_map(page, url: str) -> None:
    page.goto(url)
    wait_settled(page)
    canvas_box(page)
    page.wait_for_timeout(1000)  # software WebGL draws the first frame
