"""``deploy/run start | stop | status | serve``: the deployment's one command (see the README)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from deploy.control import start, stop
from deploy.deployment import DEFAULT_STATE, DeploymentError, Settings, processes, running_state
from deploy.supervisor import Supervisor


def settings_from(arguments: argparse.Namespace) -> Settings:
    return Settings(
        workers=arguments.workers,
        address=arguments.address,
        port=arguments.port,
        first_worker_port=arguments.worker_port,
        state=Path(arguments.state).resolve(),
        home=Path(arguments.home).resolve() if arguments.home else None,
        nginx=arguments.nginx,
    )


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="deploy/run", description=__doc__)
    commands = main.add_subparsers(dest="command", required=True)
    for name, text in (
        ("start", "start in the background and return once it answers"),
        ("serve", "run in the foreground until stopped (containers, systemd)"),
    ):
        command = commands.add_parser(name, help=text)
        workers = int(os.environ.get("SAFERLEEDS_WORKERS") or os.cpu_count() or 1)
        command.add_argument("--workers", type=int, default=workers, help="Streamlit processes (default: the cores)")
        address = os.environ.get("SAFERLEEDS_ADDRESS", "127.0.0.1")
        command.add_argument("--address", default=address, help="where nginx listens (0.0.0.0: every interface)")
        port = int(os.environ.get("SAFERLEEDS_PORT") or 8080)
        command.add_argument("--port", type=int, default=port, help="nginx's port (default 8080)")
        command.add_argument("--worker-port", type=int, default=0, help="first Streamlit port (default: --port + 1)")
        command.add_argument("--home", default=None, help="the data folder (default: $SAFERLEEDS_HOME or the project)")
        command.add_argument("--nginx", default="nginx")
        command.add_argument("--state", default=str(DEFAULT_STATE), help="where pids, logs and nginx.conf go")
    for name, text in (("stop", "stop a running deployment"), ("status", "say whether it runs, and where")):
        commands.add_parser(name, help=text).add_argument("--state", default=str(DEFAULT_STATE))
    return main


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    try:
        if arguments.command == "serve":
            Supervisor(settings_from(arguments)).serve()
        elif arguments.command == "start":
            state = start(settings_from(arguments))
            print(f"Running at {state['url']} with {processes(len(state['workers']))} behind nginx")
            print(f"Logs: {Path(arguments.state) / 'logs'}; stop with: deploy/run stop")
        elif arguments.command == "stop":
            print("Stopped" if stop(Path(arguments.state).resolve()) else "Not running")
        else:
            state = running_state(Path(arguments.state).resolve())
            print(f"Running at {state['url']}: workers {state['workers']}" if state else "Not running")
            return 0 if state else 3
    except DeploymentError as error:
        print(f"The deployment {error}" if arguments.command == "start" else str(error), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
