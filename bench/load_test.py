"""Load test: concurrent browser sessions against one ``streamlit run`` server on loopback.

Run: ``.venv/bin/python bench/load_test.py [--sessions 20] [--seconds 120]``.

Each session is a real Chromium page in its own browser context (Playwright, Debian's
/usr/bin/chromium) that keeps changing the shared filters and moving between pages until the time
is up. It reports errors (exceptions shown by the app, failed interactions), the time from a filter
change to the page settling (median and p95; moves between pages happen but are not timed), and
the server's resident memory before and after, so growth per session can be judged against the
size of one loaded dataset (cached data is shared, not copied per session). The baseline is the
same interaction measured with a single session in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from playwright.async_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, SETTLED, streamlit_server  # noqa: E402

FILTERS = ["Priority", "Focus theme", "Indicator", "Area type", "Area"]
PAGES = ["", "map", "trends", "profiles", "compare", "data"]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def server_pid(port: int) -> int:
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "streamlit" in command and f"--server.port {port}" in command:
            return int(proc.name)
    raise RuntimeError("server process not found")


async def settle(page, timeout: float = 120_000) -> None:
    await page.wait_for_timeout(200)
    await page.wait_for_selector(SETTLED, timeout=timeout)


async def one_change(page, base: str, rng: random.Random) -> str:
    """Make one change; return "page" for moving to another page, "filter" for a filter change."""
    if rng.random() < 0.25:
        await page.locator('[data-testid="stSidebarNav"]').get_by_role("link").nth(rng.randrange(len(PAGES))).click()
        return "page"
    label = rng.choice(FILTERS)
    sidebar = page.locator('[data-testid="stSidebar"]')
    box = sidebar.get_by_role("combobox", name=label, exact=True)
    await box.click()
    options = page.get_by_role("option")
    try:
        await options.first.wait_for(timeout=3_000)
    except PlaywrightTimeout:
        await box.press("ArrowDown")
        await options.first.wait_for(timeout=10_000)
    await options.nth(rng.randrange(min(await options.count(), 8))).click()
    return "filter"


async def session(browser, base: str, seconds: float, seed: int, timings: list, errors: list) -> None:
    rng = random.Random(seed)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    try:
        await page.goto(f"{base}/{rng.choice(PAGES)}")
        await settle(page)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            start = time.perf_counter()
            kind = await one_change(page, base, rng)
            await settle(page)
            if kind == "filter":
                timings.append(time.perf_counter() - start)
            if await page.locator('[data-testid="stException"]').count():
                errors.append(f"exception shown on {page.url}")
    except Exception as exc:  # a load test reports every failure rather than stopping
        errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        await context.close()


async def run_sessions(base: str, sessions: int, seconds: float) -> tuple[list[float], list[str]]:
    timings: list[float] = []
    errors: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        await asyncio.gather(*(session(browser, base, seconds, i, timings, errors) for i in range(sessions)))
        await browser.close()
    return timings, errors


def run(base: str, sessions: int, seconds: float) -> tuple[list[float], list[str]]:
    return asyncio.run(run_sessions(base, sessions, seconds))


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    arguments = parser.parse_args()
    with streamlit_server() as base:
        pid = server_pid(int(base.rsplit(":", 1)[1]))
        single, single_errors = run(base, 1, 20)
        before = rss_kb(pid)
        timings, errors = run(base, arguments.sessions, arguments.seconds)
        after = rss_kb(pid)
    errors += single_errors
    if not single or not timings:
        print(f"No change completed; errors: {errors[:5]}")
        return
    print(
        f"Baseline, 1 session for 20 s: {len(single)} changes, median {statistics.median(single):.2f} s, "
        f"p95 {p95(single):.2f} s"
    )
    print(
        f"{arguments.sessions} sessions for {arguments.seconds:.0f} s: {len(timings)} changes, "
        f"median {statistics.median(timings):.2f} s, p95 {p95(timings):.2f} s "
        f"({p95(timings) / p95(single):.1f}x the single-session p95)"
    )
    print(f"Errors: {len(errors)}")
    for error in errors[:10]:
        print(f"  {error}")
    print(
        f"Server memory: {before / 1024:.0f} MB after one session, {after / 1024:.0f} MB after "
        f"{arguments.sessions} sessions (growth {(after - before) / 1024:.0f} MB, "
        f"{(after - before) / 1024 / arguments.sessions:.1f} MB per session)"
    )


if __name__ == "__main__":
    main()
