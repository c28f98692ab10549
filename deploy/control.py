"""Starting the deployment in the background and stopping it, for ``deploy/run`` and the load test."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from deploy.deployment import (
    PROJECT_ROOT,
    STARTUP_TIMEOUT,
    DeploymentError,
    Settings,
    alive,
    read_state,
    running_state,
)

STOP_TIMEOUT = 30.0


def serve_arguments(settings: Settings) -> list[str]:
    """The command line that runs ``settings`` in the foreground."""
    arguments = [
        "--workers",
        str(settings.workers),
        "--address",
        settings.address,
        "--port",
        str(settings.port),
        "--worker-port",
        str(settings.first_worker_port),
        "--state",
        str(settings.state),
        "--nginx",
        settings.nginx,
    ]
    return arguments + (["--home", str(settings.home)] if settings.home else [])


def start(settings: Settings, timeout: float = STARTUP_TIMEOUT + 60) -> dict:
    """Start the supervisor in the background; return its state once it is ready."""
    running = running_state(settings.state)
    if running:
        raise DeploymentError(f"already running at {running['url']} (deploy/run stop first)")
    logs = settings.state / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / "supervisor.log", "a") as log:
        process = subprocess.Popen(
            [settings.python, "-m", "deploy", "serve", *serve_arguments(settings)],
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # it outlives this command and the terminal that gave it
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = read_state(settings.state)
        if state and state.get("ready") and state.get("supervisor") == process.pid:
            return state
        if process.poll() is not None:
            lines = (logs / "supervisor.log").read_text(errors="replace").strip().splitlines()[-6:]
            raise DeploymentError("it did not start:\n  " + "\n  ".join(lines))
        time.sleep(0.25)
    process.terminate()
    raise DeploymentError(f"it was not ready within {timeout:.0f} s; see {logs}")


def stop(state_folder: Path) -> bool:
    """Stop the deployment running from ``state_folder``; False if none was running."""
    state = running_state(state_folder)
    if state is None:
        return False
    supervisor = int(state["supervisor"])
    os.kill(supervisor, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while alive(supervisor) and time.monotonic() < deadline:
        time.sleep(0.1)
    if alive(supervisor):  # it did not stop in time: end what it started, by the ids it recorded
        for pid in [supervisor, state.get("nginx"), *state["workers"].values()]:
            if pid and alive(int(pid)):
                os.kill(int(pid), signal.SIGKILL)
    return True
