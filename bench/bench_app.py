"""Every page: the first run of the app, the warm rerun after a filter change, and the bytes it sends.

Run: ``.venv/bin/python bench/bench_app.py``. Targets: first run <= 3 s; every page's warm rerun
<= 300 ms (median of 10). Reruns are also shown as a ratio to the smallest possible Streamlit app's
rerun, measured in the same run, so the figures can be read on any machine.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from apptest_tools import app, baseline_rerun, bytes_of_last_run, kb, median_rerun, timed

from saferleeds.ui.registry import PAGES as REGISTRY

PAGES = {p.title: p.file for p in REGISTRY if p.slug != "accessibility"}
MEASURES = ("count", "rate")


def first_run() -> float:
    from saferleeds.ui import data as ui_data

    ui_data._load.clear()
    test = app()
    return timed(test.run)


def page_rerun(page: str) -> tuple[float, int, int]:
    test = app({"area": "Armley"})
    test.run()
    if page != next(p.file for p in REGISTRY if p.default):
        test.switch_page(page).run()
    first_bytes = bytes_of_last_run()
    for measure in MEASURES:  # warm every cache the reruns will use
        test.sidebar.radio(key="measure").set_value(measure).run()
    seconds, rerun_bytes = median_rerun(test, lambda t, i: t.sidebar.radio(key="measure").set_value(MEASURES[i % 2]))
    return seconds, first_bytes, rerun_bytes


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        baseline = baseline_rerun(Path(tmp))
    cold = first_run()
    print(f"First run of the app (cold cache): {cold:.2f} s (target <= 3 s)")
    print(f"Baseline: smallest Streamlit app rerun {baseline * 1000:.0f} ms")
    print(f"{'page':<15}{'warm rerun':>12}{'x baseline':>12}{'page load sent':>16}{'rerun sent':>12}")
    for name, page in PAGES.items():
        seconds, first_bytes, rerun_bytes = page_rerun(page)
        print(
            f"{name:<15}{seconds * 1000:>9.0f} ms{seconds / baseline:>11.1f}x{kb(first_bytes):>16}{kb(rerun_bytes):>12}"
        )
    print(
        "Warm rerun: median of 10 reruns, each switching the measure between number and rate, "
        "with Armley chosen. Bytes: protobuf messages sent for that run, before compression."
    )


if __name__ == "__main__":
    main()
