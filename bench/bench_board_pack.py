"""A ward's board pack with the nine key indicators (17 charts and maps): PowerPoint and PDF.

Run: ``.venv/bin/python bench/bench_board_pack.py``. Targets on the 2-core machine: at most 4 s in the
app and 7 s from the command line, for either file. Measured three ways:

* from the command line (a new process: start-up, imports, reading the data, the pack, the file);
* in the app (data loaded, nothing computed yet): the PowerPoint, and the PDF, each from a fresh load;
* the second file of a pack already prepared (its pictures reused), as the app does when both are wanted.

The baseline, measured in the same run so the figures read on any machine: drawing one trend chart
to a print-quality PNG (the figures behind it already computed). The load average is printed: on a
shared machine, rerun when it is low.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from saferleeds.core.dataset import load_dataset  # noqa: E402
from saferleeds.core.paths import dataset_paths  # noqa: E402
from saferleeds.present.export import board_pack, render  # noqa: E402
from saferleeds.present.export.print_trend import print_trend_chart  # noqa: E402

WARD = "armley"
REPEATS = 3
TARGETS = {"app": 4.0, "command line": 7.0}
Timing = tuple[float, float]  # wall-clock and processor seconds


def timed(action: Callable[[], object]) -> Timing:
    """Wall-clock and processor seconds (every thread of this process and of finished child processes).

    On a shared machine the wall clock includes waiting for a core; processor time does not.
    """
    before, children = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
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


def command_line(fmt: str) -> Timing:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"pack.{fmt}"
        command = [sys.executable, "-m", "saferleeds", "board-pack", "--area", WARD, "--format", fmt, "--out", str(out)]
        return timed(lambda: subprocess.run(command, cwd=PROJECT_ROOT, check=True, capture_output=True))


def in_app(fmt: str) -> Timing:
    dataset, request = fresh_request()
    return timed(lambda: board_pack.prepare(dataset, request, fmt))


def second_file() -> Timing:
    dataset, request = fresh_request()
    pack, _ = board_pack.prepare(dataset, request, "pptx")
    return timed(lambda: board_pack.prepare(dataset, request, "pdf", pack=pack))


def one_chart() -> float:
    dataset, request = fresh_request()
    board_pack.assemble(dataset, request, charts=False)  # the figures, computed once
    render.png(print_trend_chart(dataset, "total_crime", request.area, request.period))  # vl-convert started
    return statistics.median(
        timed(lambda: render.png(print_trend_chart(dataset, "total_crime", request.area, request.period)))[0]
        for _ in range(5)
    )


def median(timings: list[Timing]) -> Timing:
    return statistics.median(t[0] for t in timings), statistics.median(t[1] for t in timings)


def main() -> None:
    chart = one_chart()
    rows = [
        ("command line", "PowerPoint (new process)", median([command_line("pptx") for _ in range(REPEATS)])),
        ("command line", "PDF (new process)", median([command_line("pdf") for _ in range(REPEATS)])),
        ("app", "PowerPoint (data loaded)", median([in_app("pptx") for _ in range(REPEATS)])),
        ("app", "PDF (data loaded)", median([in_app("pdf") for _ in range(REPEATS)])),
        ("app", "the PDF after the PowerPoint", median([second_file() for _ in range(REPEATS)])),
    ]
    print(f"Board pack for the {WARD.title()} ward: nine key indicators, 17 charts and maps")
    print(f"Baseline: one trend chart drawn to a print-quality PNG, {chart * 1000:.0f} ms")
    print(f"{'where':<14}{'what':<32}{'wall s':>8}{'CPU s':>8}{'x chart':>9}{'target s':>10}")
    for where, label, (seconds, processor) in rows:
        target = TARGETS[where]
        verdict = "ok" if seconds <= target else "OVER"
        print(
            f"{where:<14}{label:<32}{seconds:>8.2f}{processor:>8.2f}{seconds / chart:>9.1f}{target:>10.0f}  {verdict}"
        )
    print(f"Medians of {REPEATS} runs. Load average now: {', '.join(f'{x:.1f}' for x in os.getloadavg())}.")


if __name__ == "__main__":
    main()
