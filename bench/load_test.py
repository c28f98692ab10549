"""Load test: concurrent sessions against one ``streamlit run`` server on loopback.

Run: ``.venv/bin/python bench/load_test.py [--sessions 20] [--seconds 120] [--pause 0]``.

Each session speaks Streamlit's own websocket protocol, as the browser does: it opens the app, then
keeps changing a shared filter in the sidebar (priority, focus theme, indicator, area type, area) or
moving to another page until the time is up, with no pause between changes unless ``--pause`` gives one.
It reports errors (a page that failed, an exception shown, a run that did not finish within two minutes,
a dropped connection), the time from a filter change to the page's last message (median and p95; moves
between pages happen but are not timed), and the server's resident memory before and after, so growth
per session can be judged against the size of one loaded dataset (cached data is shared, not copied per
session). The baseline is the same interaction with a single session in the same run.

The sessions send what a browser sends and receive everything it would receive, charts and map data
included; they do not draw it. Drawing happens on each user's own device, so twenty browsers drawing on
one small test machine would measure that machine, not the server.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from saferleeds.ui.shell import PAGE_FAILED  # noqa: E402
from tests.browser.harness import streamlit_server  # noqa: E402

FILTERS = {  # sidebar filter: its query parameter
    "Priority": "priority",
    "Focus theme": "theme",
    "Indicator": "indicator",
    "Area type": "level",
    "Area": "area",
}
PAGES = ["", "map", "trends", "profiles", "compare", "data"]  # URL paths; "" is the Overview
RUN_TIMEOUT = 120.0  # seconds a run may take before the session counts it as an error


class LoadError(Exception):
    """Something a user would have seen go wrong."""


@dataclass
class Run:
    """What one run of a page sent back."""

    selectboxes: dict[str, tuple[str, list[str], str]] = field(default_factory=dict)  # label: id, options, default
    problems: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # what the page says, in markdown
    bytes: int = 0


class Session:
    """One browser-like session on the app, over Streamlit's websocket protocol."""

    def __init__(self, websocket) -> None:
        self.websocket = websocket
        self.query_string = ""
        self.page_hash = ""
        self.pages: dict[str, str] = {}  # URL path: page script hash
        self.last = Run()
        self.chosen: dict[str, str] = {}  # widget id: the option chosen in it

    async def open(self, path: str = "") -> Run:
        return await self._rerun(page_name=path)

    async def change_filter(self, label: str, option: str) -> Run:
        """Choose ``option`` in a sidebar filter: the browser writes it into the address, then reruns."""
        widget_id, _, default = self.last.selectboxes[label]
        self.chosen[widget_id] = option
        query = {k: v for k, v in parse_qsl(self.query_string) if k != FILTERS[label]}
        if option != default:
            query[FILTERS[label]] = option
        self.query_string = urlencode(query)
        return await self._rerun()

    async def go_to(self, path: str) -> Run:
        return await self._rerun(page_hash=self.pages[path])

    async def _rerun(self, page_hash: str | None = None, page_name: str = "") -> Run:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = page_hash if page_hash is not None else self.page_hash
        state.page_name = page_name
        on_screen = {widget_id for widget_id, _, _ in self.last.selectboxes.values()}
        for widget_id, option in self.chosen.items():
            if widget_id in on_screen:  # the browser sends the state of the widgets it shows
                widget = state.widget_states.widgets.add()
                widget.id, widget.string_value = widget_id, option
        await self.websocket.send(message.SerializeToString())
        run = await asyncio.wait_for(self._receive_run(), RUN_TIMEOUT)
        if run.problems:
            raise LoadError("; ".join(run.problems))
        self.last = run
        return run

    async def _receive_run(self) -> Run:
        run = Run()
        while True:
            data = await self.websocket.recv()
            run.bytes += len(data)
            message = ForwardMsg()
            message.ParseFromString(data)
            kind = message.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = message.new_session.page_script_hash
                run = Run(bytes=run.bytes)
            elif kind == "navigation":
                self.page_hash = message.navigation.page_script_hash or self.page_hash
                self.pages = {page.url_pathname: page.page_script_hash for page in message.navigation.app_pages}
            elif kind == "page_info_changed":
                self.query_string = message.page_info_changed.query_string
            elif kind == "delta":
                read_delta(message.delta, run)
            elif kind == "script_finished":
                if message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    return run
                if message.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    run.problems.append("the page did not compile")
                    return run
                run = Run(bytes=run.bytes)  # ended early for a rerun: what counts is the next run


def read_delta(delta, run: Run) -> None:
    if delta.WhichOneof("type") != "new_element":
        return
    element = delta.new_element
    kind = element.WhichOneof("type")
    if kind == "selectbox" and element.selectbox.label in FILTERS:
        box = element.selectbox
        options = list(box.options)
        run.selectboxes[box.label] = (box.id, options, options[box.default] if box.HasField("default") else "")
    elif kind == "markdown":
        run.text.append(element.markdown.body)
    elif kind == "exception":
        run.problems.append(f"exception shown: {element.exception.message}")
    elif kind == "alert" and PAGE_FAILED in element.alert.body:
        run.problems.append("the page failed")


def websocket_url(base: str) -> str:
    return base.replace("http://", "ws://", 1) + "/_stcore/stream"


async def session(
    base: str, seconds: float, seed: int, timings: list, errors: list, sent: list, pause: float = 0.0
) -> None:
    rng = random.Random(seed)
    try:
        async with connect(websocket_url(base), subprotocols=["streamlit"], origin=base, max_size=None) as websocket:
            user = Session(websocket)
            await user.open(rng.choice(PAGES))
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                if rng.random() < 0.25 or not user.last.selectboxes:
                    await user.go_to(rng.choice([p for p in PAGES if p in user.pages]))
                    continue
                label = rng.choice(sorted(user.last.selectboxes))
                option = rng.choice(user.last.selectboxes[label][1])
                start = time.perf_counter()
                run = await user.change_filter(label, option)
                timings.append(time.perf_counter() - start)
                sent.append(run.bytes)
                await asyncio.sleep(rng.uniform(0, 2 * pause))  # a person reading the page before the next change
    except Exception as exc:  # a load test reports every failure rather than stopping
        errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'no message'}")


async def run_sessions(
    base: str, sessions: int, seconds: float, pause: float = 0.0
) -> tuple[list[float], list[str], list[int]]:
    timings: list[float] = []
    errors: list[str] = []
    sent: list[int] = []
    await asyncio.gather(*(session(base, seconds, i, timings, errors, sent, pause) for i in range(sessions)))
    return timings, errors, sent


def run(base: str, sessions: int, seconds: float, pause: float = 0.0) -> tuple[list[float], list[str], list[int]]:
    """Run ``sessions`` at once for ``seconds``; each waits about ``pause`` seconds between changes."""
    return asyncio.run(run_sessions(base, sessions, seconds, pause))


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


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="average seconds a session reads a page before its next change (0: back to back, the hardest case)",
    )
    arguments = parser.parse_args()
    with streamlit_server() as base:
        pid = server_pid(int(base.rsplit(":", 1)[1]))
        started = rss_kb(pid)
        single, errors, _ = run(base, 1, 20)
        before = rss_kb(pid)
        timings, load_errors, sent = run(base, arguments.sessions, arguments.seconds, arguments.pause)
        after = rss_kb(pid)
    errors += load_errors
    if not single or not timings:
        print(f"No change completed; errors: {errors[:5]}")
        return
    print(
        f"Baseline, 1 session for 20 s: {len(single)} filter changes, median {statistics.median(single):.2f} s, "
        f"p95 {p95(single):.2f} s"
    )
    print(
        f"{arguments.sessions} sessions for {arguments.seconds:.0f} s, pausing {arguments.pause:.0f} s on average: "
        f"{len(timings)} filter changes "
        f"({len(timings) / arguments.seconds:.1f} a second), median {statistics.median(timings):.2f} s, "
        f"p95 {p95(timings):.2f} s ({p95(timings) / p95(single):.1f}x the single-session p95); "
        f"median {statistics.median(sent) / 1024:.0f} KB sent per change"
    )
    print(f"Errors: {len(errors)}")
    for error in errors[:10]:
        print(f"  {error}")
    print(
        f"Server memory: {started / 1024:.0f} MB started, {before / 1024:.0f} MB after one session, "
        f"{after / 1024:.0f} MB after {arguments.sessions} sessions (growth {(after - before) / 1024:.0f} MB, "
        f"{(after - before) / 1024 / arguments.sessions:.1f} MB per session)"
    )


if __name__ == "__main__":
    main()
