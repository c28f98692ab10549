"""The supervisor: starts the Streamlit processes and nginx, keeps them running, stops them together."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from deploy.deployment import (
    CHECK_EVERY,
    PROJECT_ROOT,
    STARTUP_TIMEOUT,
    STATE_FILE,
    UNHEALTHY_CHECKS,
    DeploymentError,
    Settings,
    healthy,
    nginx_config,
    processes,
    wait_healthy,
    worker_command,
    worker_environment,
    write_state,
)

NGINX_TEMP = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def say(message: str) -> None:
    print(f"{datetime.now():%Y-%m-%d %H:%M:%S} {message}", flush=True)


@contextmanager
def explained(log: Path) -> Iterator[None]:
    """A failure to start carries the last lines of the process's log, which say why."""
    try:
        yield
    except DeploymentError as error:
        lines = log.read_text(errors="replace").strip().splitlines()[-5:] if log.exists() else []
        raise DeploymentError("\n  ".join([str(error), *lines])) from None


def stop_process(process: subprocess.Popen, first: int = signal.SIGTERM, wait: float = 10.0) -> None:
    if process.poll() is not None:
        return
    process.send_signal(first)
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=wait)


class Supervisor:
    """N Streamlit processes and one nginx in front of them, as ``Settings`` say."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.cookie_secret = secrets.token_urlsafe(32)
        self.workers: dict[int, subprocess.Popen] = {}
        self.started: dict[int, float] = {}  # port: when its process was (re)started
        self.failed_checks: dict[int, int] = {}
        self.nginx: subprocess.Popen | None = None
        self.stopping = threading.Event()

    @property
    def config_path(self) -> Path:
        return self.settings.state / "nginx.conf"

    def logs(self) -> Path:
        return self.settings.state / "logs"

    # ----------------------------------------------------------------------- starting

    def prepare(self) -> None:
        """The state folder, nginx's configuration, and nginx's own check of it."""
        if shutil.which(self.settings.nginx) is None:
            raise DeploymentError(
                f"nginx was not found ({self.settings.nginx}); install it with: apt-get install nginx"
            )
        self.logs().mkdir(parents=True, exist_ok=True)
        for name in NGINX_TEMP:
            (self.settings.state / "temp" / name).mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(nginx_config(self.settings), encoding="utf-8")
        check = subprocess.run(
            [*self.nginx_command(), "-t", "-q"], capture_output=True, text=True, check=False, cwd=self.settings.state
        )
        if check.returncode != 0:
            raise DeploymentError(f"nginx rejected {self.config_path}: {check.stderr.strip()}")

    def nginx_command(self) -> list[str]:
        state = str(self.settings.state.resolve())
        error_log = str(self.logs().resolve() / "nginx-error.log")
        return [self.settings.nginx, "-p", state, "-c", str(self.config_path.resolve()), "-e", error_log]

    def start_worker(self, port: int) -> None:
        log = open(self.logs() / f"streamlit-{port}.log", "a")  # noqa: SIM115 (the process keeps it)
        self.workers[port] = subprocess.Popen(
            worker_command(self.settings, port),
            cwd=PROJECT_ROOT,
            env=worker_environment(self.settings, self.cookie_secret),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.started[port] = time.monotonic()
        self.failed_checks[port] = 0
        say(f"Streamlit process {self.workers[port].pid} starting on 127.0.0.1:{port}")

    def start_nginx(self) -> None:
        log = open(self.logs() / "nginx.log", "a")  # noqa: SIM115 (the process keeps it)
        self.nginx = subprocess.Popen(
            [*self.nginx_command(), "-g", "daemon off;"],
            cwd=self.settings.state,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        say(f"nginx {self.nginx.pid} starting on {self.settings.address}:{self.settings.port}")

    def start(self) -> None:
        """Start everything and return once the app answers through the proxy."""
        self.prepare()
        for port in self.settings.worker_ports():
            self.start_worker(port)
        for port, process in self.workers.items():
            with explained(self.logs() / f"streamlit-{port}.log"):
                wait_healthy(f"http://127.0.0.1:{port}", process, f"The Streamlit process on port {port}")
        self.start_nginx()
        with explained(self.logs() / "nginx-error.log"):
            wait_healthy(self.settings.url, self.nginx, "nginx", timeout=30)
        self.record(ready=True)
        say(f"Ready: {self.settings.url} ({processes(self.settings.workers)} behind nginx)")

    def record(self, ready: bool) -> None:
        write_state(
            self.settings.state,
            {
                "supervisor": os.getpid(),
                "ready": ready,
                "url": self.settings.url,
                "nginx": self.nginx.pid if self.nginx else None,
                "workers": {str(port): process.pid for port, process in self.workers.items()},
                "access_log": str((self.logs() / "access.log").resolve()),
            },
        )

    # ----------------------------------------------------------------------- watching

    def check(self) -> None:
        """Restart any process that has exited or stopped answering; nginx too."""
        changed = False
        for port, process in list(self.workers.items()):
            if process.poll() is not None:
                say(f"Streamlit process {process.pid} on port {port} exited ({process.returncode}); restarting it")
                self.start_worker(port)
                changed = True
            elif not healthy(f"http://127.0.0.1:{port}", timeout=10):
                if time.monotonic() - self.started[port] < STARTUP_TIMEOUT:
                    continue  # still starting: nginx sends its browsers elsewhere meanwhile
                self.failed_checks[port] += 1
                if self.failed_checks[port] >= UNHEALTHY_CHECKS:
                    say(f"Streamlit process {process.pid} on port {port} stopped answering; restarting it")
                    stop_process(process)
                    self.start_worker(port)
                    changed = True
            else:
                self.failed_checks[port] = 0
                self.started[port] = 0.0  # answered once: from now on a failed check counts
        if self.nginx is not None and self.nginx.poll() is not None:
            say(f"nginx exited ({self.nginx.returncode}); restarting it")
            self.start_nginx()
            changed = True
        if changed:
            self.record(ready=True)

    def serve(self) -> None:
        """Start, then watch until SIGTERM or SIGINT; then stop everything."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: self.stopping.set())
        try:
            self.start()
            while not self.stopping.wait(CHECK_EVERY):
                self.check()
        finally:
            self.stop()

    def stop(self) -> None:
        if self.nginx is not None:
            stop_process(self.nginx, signal.SIGQUIT, wait=5)  # QUIT: finish what is in flight
        for process in self.workers.values():
            process.send_signal(signal.SIGTERM)
        for process in self.workers.values():
            stop_process(process)
        (self.settings.state / STATE_FILE).unlink(missing_ok=True)
        say("Stopped")
