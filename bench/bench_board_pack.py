"""A ward's board pack with the nine key indicators: PowerPoint and PDF.

Run: ``.venv/bin/python bench/bench_board_pack.py``. Target: a ward's pack builds in at most 15 s on
the 2-core machine. Measured three ways:

* from the command line (a new process: start-up, imports, reading the data, then the pack);
* in the app (data already loaded, nothing computed yet), for the PowerPoint, then the PDF from the
  same content, and both;
* again with the figures already computed (a second pack in the same session).

Baselines measured in the same run, so the figures read on any machine: drawing one trend chart to a
print-quality PNG, and building the same pack's Excel workbook (tables only, no charts).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from saferleeds.core.dataset import load_dataset  # noqa: E402
from saferleeds.core.paths import dataset_paths  # noqa: E402
from saferleeds.present.export import board_pack, figures, render  # noqa: E402

WARD = "armley"
REPEATS = 3
TARGET = 15.0


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def cpu_timed(action) -> tuple[float, float]:
    """Wall-clock and processor seconds (every thread of this process and of finished child processes).

    On a shared machine the wall clock includes waiting for a core; processor time does not.
    """
    before, children = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, _ = timed(action)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    return seconds, time.process_time() - before + child


def fresh_request():
    dataset = load_dataset(dataset_paths(PROJECT_ROOT))
    request = board_pack.PackRequest(
        board_pack.resolve_area(dataset, WARD),
        board_pack.parse_period(dataset, None),
        tuple(board_pack.default_indicators(dataset)),
    )
    return dataset, request


def command_line(fmt: str) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"pack.{fmt}"
        command = [sys.executable, "-m", "saferleeds", "board-pack", "--area", WARD, "--format", fmt, "--out", str(out)]
        return cpu_timed(lambda: subprocess.run(command, cwd=PROJECT_ROOT, check=True, capture_output=True))


def in_app() -> dict[str, tuple[float, float]]:
    dataset, request = fresh_request()
    built: dict = {}
    assemble = cpu_timed(lambda: built.setdefault("pack", board_pack.assemble(dataset, request)))
    pptx = cpu_timed(lambda: board_pack.write(built["pack"], "pptx"))
    pdf = cpu_timed(lambda: board_pack.write(built["pack"], "pdf"))
    again = cpu_timed(lambda: board_pack.write(board_pack.assemble(dataset, request), "pptx"))

    def add(*parts: tuple[float, float]) -> tuple[float, float]:
        return sum(p[0] for p in parts), sum(p[1] for p in parts)

    return {"pptx": add(assemble, pptx), "pdf": add(assemble, pdf), "both": add(assemble, pptx, pdf), "warm": again}


def baselines() -> tuple[float, float]:
    dataset, request = fresh_request()
    board_pack.assemble(dataset, request, charts=False)  # the figures, computed once
    chart = figures.trend_chart(dataset, "total_crime", request.area, request.period)
    render.png(chart)
    one_chart = statistics.median(timed(lambda: render.png(chart))[0] for _ in range(5))
    workbook = statistics.median(
        timed(lambda: board_pack.write(board_pack.assemble(dataset, request, charts=False), "xlsx"))[0]
        for _ in range(3)
    )
    return one_chart, workbook


def median_pair(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def main() -> None:
    one_chart, workbook = baselines()
    runs = [in_app() for _ in range(REPEATS)]
    app = {key: median_pair([run[key] for run in runs]) for key in ("pptx", "pdf", "both", "warm")}
    cli = {fmt: median_pair([command_line(fmt) for _ in range(2)]) for fmt in ("pptx", "pdf")}
    print(f"Board pack for the {WARD.title()} ward: nine key indicators, 17 charts and maps")
    print(f"Baseline: one trend chart to PNG {one_chart * 1000:.0f} ms; the pack's Excel workbook {workbook:.2f} s")
    print(f"{'what':<46}{'wall s':>8}{'CPU s':>8}{'x chart':>9}{'x Excel':>9}  target <= {TARGET:.0f} s")
    rows = [
        ("command line, PowerPoint (new process)", cli["pptx"]),
        ("command line, PDF (new process)", cli["pdf"]),
        ("in the app, PowerPoint (data loaded)", app["pptx"]),
        ("in the app, PDF (data loaded)", app["pdf"]),
        ("in the app, PowerPoint and PDF (data loaded)", app["both"]),
        ("a second pack, figures already computed", app["warm"]),
    ]
    for label, (seconds, processor) in rows:
        verdict = "ok" if seconds <= TARGET else "OVER"
        ratios = f"{seconds / one_chart:>9.0f}{seconds / workbook:>9.1f}"
        print(f"{label:<46}{seconds:>8.2f}{processor:>8.2f}{ratios}  {verdict}")
    print(f"In the app: median of {REPEATS} runs; command line: median of 2. Load average now: {_load()}.")


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
