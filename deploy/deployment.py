"""Run the app on every core: N ``streamlit run`` processes behind nginx, started, watched and stopped.

One Streamlit process runs every session's script on one core at a time, so a meeting room full of
people waits in one queue. A deployment runs one process per core behind nginx, which pins each
browser to one process (a session lives in the process that opened it) and passes websockets on.

The supervisor (``deploy/run serve``, or ``deploy/run start`` in the background) starts the
processes on loopback, waits until each answers ``/_stcore/health``, writes nginx's configuration
from ``deploy/nginx.conf`` into its state folder, starts nginx, and declares the deployment ready
only once the health check answers through the proxy. It then checks every process every few
seconds and restarts one that has exited or stopped answering, while nginx sends its browsers to
the others. Every process reads the same data folder (``SAFERLEEDS_HOME``), and each one reloads
by itself when an apply changes the dataset's version, so new data needs no restart.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf"
DEFAULT_STATE = PROJECT_ROOT / "tmp" / "deploy"
STATE_FILE = "state.json"
MAX_UPLOAD_MB = 200  # server.maxUploadSize in .streamlit/config.toml
HEALTH_PATH = "/_stcore/health"
CHECK_EVERY = 2.0  # seconds between the supervisor's health checks
UNHEALTHY_CHECKS = 3  # a running process that fails this many checks in a row is restarted
STARTUP_TIMEOUT = 120.0


class DeploymentError(Exception):
    """The deployment could not start or stop; the message says why, for the person running it."""


@dataclass(frozen=True)
class Settings:
    """Where the deployment listens and what it runs."""

    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    address: str = "127.0.0.1"
    port: int = 8080
    first_worker_port: int = 0  # 0: the ports just above ``port``
    state: Path = DEFAULT_STATE
    home: Path | None = None  # the shared data folder; None: SAFERLEEDS_HOME or the project folder
    nginx: str = "nginx"
    python: str = sys.executable

    def worker_ports(self) -> list[int]:
        first = self.first_worker_port or self.port + 1
        return [first + i for i in range(self.workers)]

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.address in ("0.0.0.0", "") else self.address
        return f"http://{host}:{self.port}"


def processes(count: int) -> str:
    return f"{count} Streamlit process{'' if count == 1 else 'es'}"


# --------------------------------------------------------------------------- configuration


def fill(template: str, values: dict[str, object]) -> str:
    """Replace each ``${name}`` with its value; nginx's own ``$variables`` are left alone."""

    def value(match: re.Match) -> str:
        if match.group(1) not in values:
            raise DeploymentError(f"{TEMPLATE.name} names ${{{match.group(1)}}}, which the deployment does not set")
        return str(values[match.group(1)])

    return re.sub(r"\$\{(\w+)\}", value, template)


def nginx_config(settings: Settings) -> str:
    """nginx's configuration for these settings, from the template in ``deploy/nginx.conf``."""
    ports = settings.worker_ports()
    return fill(
        TEMPLATE.read_text(encoding="utf-8"),
        {
            "workers": settings.workers,
            "state": settings.state.resolve(),
            "address": settings.address,
            "port": settings.port,
            "max_upload": MAX_UPLOAD_MB,
            "servers": "\n".join(f"        {server_line(port)}" for port in ports),
            "pools": "\n".join(pool(route, port, ports) for route, port in enumerate(ports, start=1)),
            "pool_map": "\n".join(f"        {route} streamlit_{route};" for route in range(1, len(ports) + 1)),
            "served_map": "\n".join(
                f"        ~127\\.0\\.0\\.1:{port}$ {route};" for route, port in enumerate(ports, start=1)
            ),
        },
    )


def server_line(port: int, backup: bool = False) -> str:
    return f"server 127.0.0.1:{port} max_fails=1 fail_timeout=10s{' backup' if backup else ''};"


def pool(route: int, port: int, ports: list[int]) -> str:
    """The upstream for browsers pinned to ``port``: that process, and the others standing in for it."""
    others = "".join(f"\n        {server_line(other, backup=True)}" for other in ports if other != port)
    return f"""
    upstream streamlit_{route} {{
        zone streamlit_{route} 64k;
        {server_line(port)}{others}
    }}"""


def worker_command(settings: Settings, port: int) -> list[str]:
    return [
        settings.python,
        "-m",
        "streamlit",
        "run",
        str(PROJECT_ROOT / "app.py"),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]


def worker_environment(settings: Settings, cookie_secret: str) -> dict[str, str]:
    environment = dict(os.environ)
    if settings.home is not None:
        environment["SAFERLEEDS_HOME"] = str(settings.home.resolve())
    # Every process signs cookies alike, so a browser moved to another process is still recognised.
    environment["STREAMLIT_SERVER_COOKIE_SECRET"] = cookie_secret
    return environment


# --------------------------------------------------------------------------- health


def healthy(base: str, timeout: float = 5.0) -> bool:
    try:
        with urllib.request.urlopen(base + HEALTH_PATH, timeout=timeout) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except OSError:
        return False


def wait_healthy(base: str, process: subprocess.Popen | None, what: str, timeout: float = STARTUP_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise DeploymentError(f"{what} exited with status {process.returncode} while starting")
        if healthy(base, timeout=2):
            return
        time.sleep(0.25)
    raise DeploymentError(f"{what} did not answer {base}{HEALTH_PATH} within {timeout:.0f} s")


# --------------------------------------------------------------------------- state


def read_state(state: Path) -> dict | None:
    """What the running supervisor last wrote: its pid, nginx's, each worker's, the address; None if absent."""
    try:
        return json.loads((state / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_state(state: Path, content: dict) -> None:
    temporary = state / f".{STATE_FILE}.tmp"
    temporary.write_text(json.dumps(content, indent=2), encoding="utf-8")
    temporary.replace(state / STATE_FILE)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return Path(f"/proc/{pid}").exists() and "zombie" not in _process_state(pid)


def _process_state(pid: int) -> str:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("State:"):
                return line.lower()
    except OSError:
        return "zombie"
    return ""


def running_state(state: Path) -> dict | None:
    """The state of a deployment whose supervisor is still running from ``state``, else None."""
    content = read_state(state)
    if content and alive(int(content.get("supervisor", 0))):
        return content
    return None


def worker_pids(state: Path) -> list[int]:
    """The process ids of the running deployment's Streamlit processes (for measuring them)."""
    content = running_state(state)
    return [int(pid) for pid in content["workers"].values()] if content else []
