"""The deployment for real on loopback: nginx in front of two ``streamlit run`` processes.

nginx accepts the configuration written from ``deploy/nginx.conf``; each new browser gets a route
cookie that pins all its requests to one process, while browsers spread over both; a session works
over the websocket through the proxy; a process that dies is restarted while the other serves; and
``deploy/run start`` / ``stop`` start and end every process.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from bench.load_test import Session, page_cookie, websocket_url
from deploy.control import start, stop
from deploy.deployment import PROJECT_ROOT, DeploymentError, Settings, healthy, read_state, running_state
from deploy.supervisor import Supervisor
from tests.browser.harness import free_port
from tests.conftest import copy_default, require
from tests.test_bench_load_client import in_own_thread

pytestmark = pytest.mark.slow

ROUTE_COOKIE = "saferleeds_route"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@dataclass
class Deployment:
    """A running deployment as a test sees it."""

    url: str
    state: Path
    home: Path

    def workers(self) -> dict[int, int]:
        """Streamlit port: process id, as the supervisor last recorded them."""
        recorded = read_state(self.state) or {"workers": {}}
        return {int(port): int(pid) for port, pid in recorded["workers"].items()}

    def served(self, route: str) -> list[int]:
        """The Streamlit port that answered each logged request carrying ``route``, in order."""
        ports = []
        for line in (self.state / "logs" / "access.log").read_text().splitlines():
            if f" route={route} " in line and "upstream=127.0.0.1:" in line:
                tried = line.split(" upstream=", 1)[1].split(" time=", 1)[0]  # "127.0.0.1:8081, 127.0.0.1:8082"
                ports.append(int(tried.rsplit(":", 1)[1]))  # the last one tried is the one that answered
        return ports

    def route_to(self, port: int) -> str:
        """The route cookie value that pins a browser to the process on ``port``."""
        return str(sorted(self.workers()).index(port) + 1)

    def loaded_versions(self, port: int) -> list[str]:
        """The dataset versions the process on ``port`` loaded, in order (from its log)."""
        log = (self.state / "logs" / f"streamlit-{port}.log").read_text()
        return [
            line.split("Loaded dataset version ", 1)[1].split()[0]
            for line in log.splitlines()
            if "Loaded dataset version" in line
        ]


def get(url: str, cookie: str = "") -> tuple[int, list[str], bytes]:
    """Status, the cookies set (``Set-Cookie`` values) and the body of a GET."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.headers.get_all("Set-Cookie") or [], response.read()


def route_set(cookies: list[str]) -> str | None:
    """The route the proxy gave, if it gave one."""
    for cookie in cookies:
        if cookie.startswith(f"{ROUTE_COOKIE}="):
            return cookie.split(";", 1)[0].split("=", 1)[1]
    return None


def gone(pid: int) -> bool:
    """The process has ended (a zombie waiting for its parent has ended too)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def nginx() -> str:
    require(Path(NGINX).exists(), "nginx is not installed (apt-get install nginx)")
    return NGINX


@pytest.fixture(scope="module")
def deployment(nginx: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """Two processes behind nginx, on free loopback ports, reading a private copy of the data."""
    home = copy_default(tmp_path_factory.mktemp("home")).root
    state = tmp_path_factory.mktemp("deploy")
    settings = Settings(workers=2, port=free_port(), first_worker_port=free_port(), state=state, home=home, nginx=nginx)
    running = start(settings)
    try:
        yield Deployment(running["url"], state, home)
    finally:
        stop(state)


def test_nginx_accepts_the_configuration_and_it_names_every_process(nginx, tmp_path):
    settings = Settings(workers=3, port=18080, first_worker_port=18081, state=tmp_path, nginx=nginx)
    Supervisor(settings).prepare()  # writes nginx.conf and has nginx check it; raises if nginx rejects it
    config = (tmp_path / "nginx.conf").read_text()
    named = [port for port in (18081, 18082, 18083) if f"server 127.0.0.1:{port} " in config]
    assert named == [18081, 18082, 18083]
    assert "listen 127.0.0.1:18080;" in config and "${" not in config


def test_a_rejected_configuration_is_reported_plainly(nginx, tmp_path):
    settings = Settings(workers=1, port=18080, address="not an address", state=tmp_path, nginx=nginx)
    with pytest.raises(DeploymentError, match=r"nginx rejected .*nginx.conf"):
        Supervisor(settings).prepare()


def test_each_browser_is_pinned_to_one_process_and_browsers_use_both(deployment):
    given = []
    for _ in range(8):
        status, cookies, body = get(f"{deployment.url}/")
        assert status == 200 and b"<html" in body.lower()
        route = route_set(cookies)
        assert route and f"{ROUTE_COOKIE}={route}; Path=/; HttpOnly; SameSite=Lax" in cookies
        given.append(route)
        for _ in range(4):
            _, again, _ = get(f"{deployment.url}/_stcore/health", cookie=f"{ROUTE_COOKIE}={route}")
            assert route_set(again) == route, "a pinned browser keeps its route"
    assert set(given) == {"1", "2"}, "new browsers are spread over both processes"
    for route in ("1", "2"):
        wait_until(lambda: len(deployment.served(route)) >= 16, 10, "nginx to log the requests")  # noqa: B023
        port = sorted(deployment.workers())[int(route) - 1]
        assert set(deployment.served(route)) == {port}, f"every request with route {route} reached port {port}"


async def journey(base: str) -> list[str]:
    """Through the proxy, as a browser: the page (and its cookie), then Armley and drug offences over the websocket."""
    cookie = await asyncio.to_thread(page_cookie, base)
    async with connect(
        websocket_url(base),
        subprotocols=["streamlit"],
        origin=base,
        max_size=None,
        additional_headers={"Cookie": cookie},
    ) as websocket:
        user = Session(websocket)
        runs = [await user.open(""), await user.change_filter("Area", "Armley")]
        runs.append(await user.change_filter("Indicator", "Drug offences recorded"))
        return [cookie, *(next(t for t in run.text if t.startswith(":material/info:")) for run in runs)]


def test_a_session_works_over_the_websocket_through_the_proxy(deployment):
    cookie, leeds, armley, drugs = in_own_thread(asyncio.run, journey(deployment.url))
    assert cookie.startswith(f"{ROUTE_COOKIE}=")
    assert "Leeds" in leeds and "Total recorded crime for Armley" in armley
    assert "Drug offences recorded for Armley" in drugs


def test_a_process_that_dies_is_restarted_while_the_other_serves(deployment):
    (port, pid), (other, _) = sorted(deployment.workers().items())
    route = deployment.route_to(port)
    logged = len(deployment.served(route))
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: gone(pid), 10, "the process to die")
    status, cookies, body = get(f"{deployment.url}/_stcore/health", cookie=f"{ROUTE_COOKIE}={route}")
    assert (status, body) == (200, b"ok")
    wait_until(lambda: len(deployment.served(route)) > logged, 10, "nginx to log the request")
    assert deployment.served(route)[-1] == other, "the browser pinned to the dead process is served by the other"
    assert route_set(cookies) == deployment.route_to(other), "and is pinned to it from now on"
    wait_until(lambda: deployment.workers()[port] != pid, 30, "the supervisor to restart the process")
    wait_until(lambda: healthy(f"http://127.0.0.1:{port}"), 120, "the restarted process to answer")


def test_run_start_and_stop_start_and_end_every_process(nginx, tmp_path):
    state = tmp_path / "state"
    port = free_port()
    command = [str(PROJECT_ROOT / "deploy" / "run")]
    options = ["--state", str(state)]
    started = subprocess.run(
        [
            *command,
            "start",
            "--workers",
            "1",
            "--port",
            str(port),
            "--worker-port",
            str(free_port()),
            "--nginx",
            nginx,
            *options,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert started.returncode == 0, started.stdout + started.stderr
    assert f"Running at http://127.0.0.1:{port} with 1 Streamlit process behind nginx" in started.stdout
    recorded = running_state(state)
    assert recorded is not None
    pids = [recorded["supervisor"], recorded["nginx"], *recorded["workers"].values()]
    assert get(f"http://127.0.0.1:{port}/_stcore/health")[2] == b"ok"

    again = subprocess.run(
        [*command, "start", "--port", str(port), *options], capture_output=True, text=True, timeout=60
    )
    assert again.returncode == 1 and "already running" in again.stderr and "Traceback" not in again.stderr

    stopped = subprocess.run([*command, "stop", *options], capture_output=True, text=True, timeout=60)
    assert stopped.returncode == 0 and stopped.stdout.strip() == "Stopped"
    assert all(gone(pid) for pid in pids), "the supervisor, nginx and Streamlit have all ended"
    status = subprocess.run([*command, "status", *options], capture_output=True, text=True, timeout=60)
    assert status.returncode == 3 and status.stdout.strip() == "Not running"
    with pytest.raises(OSError):
        get(f"http://127.0.0.1:{port}/_stcore/health")
