"""Load test: concurrent sessions against one ``streamlit run`` process, the deployment, or any address.

Run: ``.venv/bin/python bench/load_test.py [--sessions 20] [--seconds 120] [--pause 5 [0 ...]]`` with one of
``--compare-deployment`` (one process, then ``deploy/run``'s nginx and one process per core, in the same run),
``--deployment`` or ``--url ADDRESS ...``; with none of them it starts one process and measures that.

Each session loads the page as a browser does (keeping any cookie, such as the proxy's route), then speaks
Streamlit's own websocket protocol: it opens the app, then keeps changing a shared filter in the sidebar
(priority, focus theme, indicator, area type, area) or moving to another page until the time is up, waiting
about ``--pause`` seconds between changes as a person reading the page would (0: back to back). It reports
errors (a page that failed, an exception shown, a run that did not finish within two minutes, a dropped
connection), the time from a filter change to the page's last message (median and p95; moves between pages
happen but are not timed), the server processes' processor time per rerun, and their resident memory before
and after, so growth per session can be judged against the size of one loaded dataset (cached data is
shared, not copied per session). Every figure is printed beside its baseline: the same interaction with a
single session, on the same address, in the same run. Measuring starts once the processes are quiet: after
the first session loads the data, a process prepares what pages ask for first, as a server does long before a
meeting starts.

The sessions send what a browser sends and receive everything it would receive, charts and map data
included; they do not draw it. Drawing happens on each user's own device, so twenty browsers drawing on
one small test machine would measure that machine, not the server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from deploy.control import start, stop  # noqa: E402
from deploy.deployment import DEFAULT_STATE, DeploymentError, Settings, running_state  # noqa: E402
from saferleeds.ui.registry import PAGES as REGISTRY  # noqa: E402
from saferleeds.ui.shell import PAGE_FAILED  # noqa: E402
from tests.browser.harness import free_port, streamlit_server  # noqa: E402

FILTERS = {  # sidebar filter: its query parameter
    "Priority": "priority",
    "Focus theme": "theme",
    "Indicator": "indicator",
    "Area type": "level",
    "Area": "area",
}
NOT_BROWSED = {"board_pack", "accessibility"}  # a pack is prepared on request; the statement has no filters
PAGES = [entry.address for entry in REGISTRY if entry.slug not in NOT_BROWSED]  # "" is the Overview
RUN_TIMEOUT = 120.0  # seconds a run may take before the session counts it as an error
BASELINE_SECONDS = 20.0
WARM_UP_SECONDS = 5.0
SETTLE_LIMIT = 180.0  # seconds to wait for the processes to finish preparing before measuring anyway
QUIET_CPU = 0.05  # processor seconds a second below which a process counts as quiet


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
            raise LoadError(f"{'; '.join(run.problems)} (at {self.address()})")
        self.last = run
        return run

    def address(self) -> str:
        """Where the session is, as a browser's address would say it: the page and its filters."""
        path = next((p for p, page_hash in self.pages.items() if page_hash == self.page_hash), "")
        return f"/{path}" + (f"?{self.query_string}" if self.query_string else "")

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


def page_cookie(base: str) -> str:
    """Load the page as a browser does first, and return the cookies it was given (a proxy's route)."""
    with urllib.request.urlopen(base + "/", timeout=RUN_TIMEOUT) as response:
        response.read()
        cookies = response.headers.get_all("Set-Cookie") or []
    return "; ".join(cookie.split(";", 1)[0] for cookie in cookies)


@dataclass
class Tally:
    """What a set of sessions did: the timed changes, the bytes each brought back, every rerun, errors."""

    timings: list[float] = field(default_factory=list)
    sent: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    reruns: int = 0


async def session(base: str, seconds: float, seed: int, tally: Tally, pause: float = 0.0) -> None:
    rng = random.Random(seed)
    try:
        cookie = await asyncio.to_thread(page_cookie, base)
        headers = {"Cookie": cookie} if cookie else None
        async with connect(
            websocket_url(base), subprotocols=["streamlit"], origin=base, max_size=None, additional_headers=headers
        ) as websocket:
            user = Session(websocket)
            await user.open(rng.choice(PAGES))
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                tally.reruns += 1
                if rng.random() < 0.25 or not user.last.selectboxes:
                    await user.go_to(rng.choice([p for p in PAGES if p in user.pages]))
                    continue
                label = rng.choice(sorted(user.last.selectboxes))
                option = rng.choice(user.last.selectboxes[label][1])
                start = time.perf_counter()
                run = await user.change_filter(label, option)
                tally.timings.append(time.perf_counter() - start)
                tally.sent.append(run.bytes)
                await asyncio.sleep(rng.uniform(0, 2 * pause))  # a person reading the page before the next change
    except Exception as exc:  # a load test reports every failure rather than stopping
        tally.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'no message'}")


async def run_sessions(base: str, sessions: int, seconds: float, pause: float = 0.0) -> Tally:
    tally = Tally()
    await asyncio.gather(*(session(base, seconds, i, tally, pause) for i in range(sessions)))
    return tally


def run(base: str, sessions: int, seconds: float, pause: float = 0.0) -> Tally:
    """Run ``sessions`` at once for ``seconds``; each waits about ``pause`` seconds between changes."""
    return asyncio.run(run_sessions(base, sessions, seconds, pause))


# --------------------------------------------------------------------------- the server processes


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """Processor time (user and system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pid(port: int) -> int | None:
    """The ``streamlit run`` process on this machine that serves ``port``, if there is one."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "streamlit" in command and f"--server.port {port} " in command + " ":
            return int(proc.name)
    return None


def processes_behind(base: str, state: Path = DEFAULT_STATE) -> list[int]:
    """The Streamlit processes serving an address on this machine: one process, or a deployment's."""
    address = urlsplit(base)
    if address.hostname not in ("127.0.0.1", "localhost") or address.port is None:
        return []
    pid = server_pid(address.port)
    if pid is not None:
        return [pid]
    deployment = running_state(state)
    if deployment and urlsplit(deployment["url"]).port == address.port:
        return [int(pid) for pid in deployment["workers"].values()]
    return []


@dataclass
class Target:
    """An address to measure and the processes behind it (empty when they are not on this machine)."""

    name: str
    base: str
    pids: list[int]

    def memory_kb(self) -> list[int]:
        return [rss_kb(pid) for pid in self.pids]

    def cpu(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids)


@contextmanager
def one_process() -> Iterator[Target]:
    with streamlit_server() as base:
        port = int(base.rsplit(":", 1)[1])
        pid = server_pid(port)
        try:
            yield Target("one process", base, [pid] if pid else [])
        finally:
            report_failures([Path(os.environ.get("TMPDIR", "/tmp")) / f"streamlit-{port}.log"])


@contextmanager
def deployment(workers: int) -> Iterator[Target]:
    """``deploy/run start`` on free loopback ports, with its state in a temporary folder; stopped afterwards."""
    with tempfile.TemporaryDirectory(prefix="saferleeds-deploy-") as folder:
        port = free_port()
        settings = Settings(workers=workers, port=port, first_worker_port=free_port(), state=Path(folder))
        state = start(settings)
        try:
            name = f"deployment ({workers} processes behind nginx)"
            yield Target(name, state["url"], [int(pid) for pid in state["workers"].values()])
        finally:
            stop(Path(folder))
            report_failures(sorted((Path(folder) / "logs").glob("streamlit-*.log")))


def report_failures(logs: list[Path]) -> None:
    """Print what the servers logged of any page that failed, before their logs are gone."""
    for log in logs:
        lines = log.read_text(errors="replace").splitlines()
        starts = [i for i, line in enumerate(lines) if line.startswith("Traceback")]
        for first in starts[:3]:
            end = next((i for i in range(first + 1, len(lines)) if lines[i] and not lines[i][0].isspace()), first)
            print(f"  {log.name}:\n    " + "\n    ".join(lines[max(0, first - 1) : end + 1]))


# --------------------------------------------------------------------------- measuring and reporting


@dataclass
class Load:
    """One load run on a target, with the server side of it."""

    sessions: int
    seconds: float
    pause: float
    tally: Tally
    cpu: float  # processor seconds the target's processes used during the run
    memory_before: list[int]  # kB per process
    memory_after: list[int]


def measure_load(target: Target, sessions: int, seconds: float, pause: float) -> Load:
    memory_before, cpu_before = target.memory_kb(), target.cpu()
    tally = run(target.base, sessions, seconds, pause)
    return Load(sessions, seconds, pause, tally, target.cpu() - cpu_before, memory_before, target.memory_kb())


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def timing_line(load: Load) -> str:
    timings = load.tally.timings
    if not timings:
        return "no change completed"
    cpu = ""
    if load.memory_after and load.tally.reruns:  # the processes are on this machine
        cpu = f", server processor {1000 * load.cpu / load.tally.reruns:.0f} ms a rerun"
    return (
        f"{len(timings)} filter changes ({len(timings) / load.seconds:.1f} a second), "
        f"median {statistics.median(timings):.2f} s, p95 {p95(timings):.2f} s{cpu}"
    )


def memory_line(baseline: Load, load: Load) -> str:
    """The processes' memory after one session and after this run, and what this run's sessions added."""
    if not load.memory_after:
        return "  memory: not measured (the server is not on this machine)"
    growth = (sum(load.memory_after) - sum(load.memory_before)) / 1024
    before = ", ".join(f"{kb / 1024:.0f}" for kb in baseline.memory_after)
    after = ", ".join(f"{kb / 1024:.0f}" for kb in load.memory_after)
    return (
        f"  memory per process: {before} MB after one session, {after} MB after {load.sessions} sessions "
        f"(this run added {growth:.0f} MB in all, {growth / load.sessions:.1f} MB a session)"
    )


def report(target: Target, baseline: Load, loads: list[Load]) -> None:
    print(f"\n{target.name}" + (f": {target.base}" if target.base != target.name else ""))
    print(f"  baseline, 1 session for {baseline.seconds:.0f} s: {timing_line(baseline)}")
    single = p95(baseline.tally.timings) if baseline.tally.timings else float("nan")
    for load in loads:
        print(
            f"  {load.sessions} sessions for {load.seconds:.0f} s, pausing {load.pause:g} s on average: "
            f"{timing_line(load)}"
        )
        if load.tally.timings:
            print(
                f"    p95 {p95(load.tally.timings):.2f} s beside the single session's {single:.2f} s "
                f"({p95(load.tally.timings) / single:.1f}x); "
                f"median {statistics.median(load.tally.sent) / 1024:.0f} KB sent per change"
            )
        errors = baseline.tally.errors + load.tally.errors
        print(f"    errors: {len(errors)}" + "".join(f"\n      {error}" for error in errors[:10]))
        print("  " + memory_line(baseline, load))


def measure(target: Target, options: argparse.Namespace) -> tuple[Load, list[Load]]:
    """The single-session baseline, then one load run for each number of sessions and pause.

    First, one short session per server process (not counted), so each has loaded the data: a process's
    first page loads the dataset, which is neither a rerun's cost nor a session's memory.
    """
    run(target.base, max(1, len(target.pids)), WARM_UP_SECONDS)
    settle(target)
    baseline = measure_load(target, 1, options.baseline_seconds, 0.0)
    runs = [(sessions, pause) for pause in options.pause for sessions in options.sessions]
    return baseline, [measure_load(target, sessions, options.seconds, pause) for sessions, pause in runs]


def settle(target: Target) -> None:
    """Wait until the processes are quiet: once a process has loaded the data it prepares, in the background,
    what pages ask for first, as a server does long before a meeting starts."""
    if not target.pids:
        return
    started = time.monotonic()
    while time.monotonic() - started < SETTLE_LIMIT:
        before = target.cpu()
        time.sleep(1.0)
        if target.cpu() - before < QUIET_CPU * len(target.pids):
            break
    print(f"  {target.name}: the processes were quiet {time.monotonic() - started:.0f} s after the warm-up")


def summary(results: list[tuple[Target, Load, list[Load]]]) -> None:
    print(
        "\nSummary (from a change to the page's last message; the baseline is one session on the same address; "
        "memory is the largest server process's)"
    )
    print(
        f"  {'target':<44} {'sessions':>8} {'pause':>5} {'changes':>7} {'median':>7} {'p95':>6} "
        f"{'single p95':>10} {'errors':>6} {'MB/process':>10}"
    )
    for target, baseline, loads in results:
        single = p95(baseline.tally.timings) if baseline.tally.timings else float("nan")
        for load in loads:
            timings = load.tally.timings or [float("nan")]
            memory = f"{max(load.memory_after) / 1024:.0f}" if load.memory_after else "-"
            print(
                f"  {target.name:<44} {load.sessions:>8} {load.pause:>4g}s {len(load.tally.timings):>7} "
                f"{statistics.median(timings):>6.2f}s {p95(timings):>5.2f}s {single:>9.2f}s "
                f"{len(baseline.tally.errors) + len(load.tally.errors):>6} {memory:>10}"
            )


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sessions", type=int, nargs="+", default=[20], help="sessions at once; several values make one run each"
    )
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument(
        "--pause",
        type=float,
        nargs="+",
        default=[0.0],
        help="average seconds a session reads a page before its next change (0: back to back, the hardest case); "
        "several values make one load run each",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--url", nargs="+", help="measure these running addresses (no server is started)")
    where.add_argument("--deployment", action="store_true", help="start deploy/run's deployment and measure it")
    where.add_argument(
        "--compare-deployment", action="store_true", help="one process, then the deployment, in the same run"
    )
    parser.add_argument("--baseline-seconds", type=float, default=BASELINE_SECONDS)
    parser.add_argument(
        "--state",
        default=str(DEFAULT_STATE),
        help="with --url: a running deployment's state folder (to find its processes)",
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="the deployment's processes")
    return parser.parse_args()


def targets(options: argparse.Namespace) -> Iterator[Target]:
    """Each target in turn, started when it is reached and stopped before the next one starts."""
    if options.url:
        for base in options.url:
            yield Target(base, base.rstrip("/"), processes_behind(base.rstrip("/"), Path(options.state)))
        return
    if not options.deployment:
        with one_process() as target:
            yield target
    if options.deployment or options.compare_deployment:
        with deployment(options.workers) as target:
            yield target


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # each figure shows as soon as it is measured
    options = arguments()
    results = []
    try:
        for target in targets(options):
            baseline, loads = measure(target, options)
            report(target, baseline, loads)
            results.append((target, baseline, loads))
    except DeploymentError as error:  # say what stopped it, after what was measured before it
        summary(results)
        sys.exit(f"The deployment could not be measured: {error}")
    summary(results)


if __name__ == "__main__":
    main()
