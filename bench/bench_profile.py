"""Benchmark: the Area profile page's warm rerun, with AppTest on this machine.

Prints the median of 10 warm reruns of a committee area's profile, the median of 10 reruns that
switch between two profiles already seen (the memo is warm, the page is redrawn), and a baseline
measured in the same run: the Overview page's warm rerun with the same filters. Target: a profile
page's warm rerun at most 300 ms.

    python bench/bench_profile.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

RUNS = 10
TARGET_MS = 300.0


def _app(page: str, query: dict[str, str]) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    app.switch_page(page).run()
    if app.exception:
        raise SystemExit(f"{page} failed: {[e.value for e in app.exception]}")
    app.run()  # warm: every cache and memo filled
    return app


def _median_ms(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    started = time.perf_counter()
    profile = _app("pages/profiles.py", {"place": "inner-east"})
    cold_s = time.perf_counter() - started
    profile_ms = _median_ms(profile.run)

    areas = iter(["CC-OUTER-SOUTH", "CC-INNER-EAST"] * RUNS)
    profile.selectbox(key="area").set_value(next(areas)).run()  # see both areas once
    switch_ms = _median_ms(lambda: profile.selectbox(key="area").set_value(next(areas)).run())

    overview = _app("pages/overview.py", {"level": "Community committee area", "area": "Inner East"})
    baseline_ms = _median_ms(overview.run)

    print(f"Area profile, first run (cold, includes loading the data): {cold_s:.1f} s")
    print(f"Area profile, warm rerun (median of {RUNS}):               {profile_ms:.0f} ms")
    print(f"Area profile, switching between two seen areas (median):  {switch_ms:.0f} ms")
    print(f"Baseline: Overview, warm rerun (median of {RUNS}):         {baseline_ms:.0f} ms")
    print(f"Ratio profile / baseline: {profile_ms / baseline_ms:.2f}")
    verdict = "meets" if profile_ms <= TARGET_MS else "misses"
    print(f"Target: warm rerun at most {TARGET_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
