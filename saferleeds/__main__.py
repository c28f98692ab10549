"""Command line: ``python -m saferleeds COMMAND ...`` for slow and batch work."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from saferleeds import cli
from saferleeds.errors import DataError

COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {
    "build-default": (
        "Build the embedded default dataset from the open data for Leeds.",
        cli.add_build_default_arguments,
        cli.build_default_command,
    ),
    "ingest-police-uk": (
        "Load police.uk street-level crime CSVs or bulk zip downloads.",
        cli.add_ingest_police_uk_arguments,
        cli.ingest_police_uk_command,
    ),
    "info": ("Describe the dataset in use.", cli.add_info_arguments, cli.info_command),
    "board-pack": (
        "Write a board pack (PowerPoint, PDF, Excel or CSV) for an area and period.",
        cli.add_board_pack_arguments,
        cli.board_pack_command,
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m saferleeds", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, add_arguments, _) in COMMANDS.items():
        add_arguments(commands.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    try:
        return COMMANDS[arguments.command][2](arguments)
    except DataError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
