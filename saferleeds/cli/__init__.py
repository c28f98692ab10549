"""The command line, ``saferleeds COMMAND ...`` (or ``python -m saferleeds``), for slow and batch work."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from saferleeds.cli import commands as cli
from saferleeds.cli import table
from saferleeds.core.errors import DataError

COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {
    "build-default": (
        "Build the embedded default dataset from the open data for Leeds.",
        cli.add_build_default_arguments,
        cli.build_default_command,
    ),
    "validate": (
        "Check files (police.uk downloads, indicator tables, boundaries) and report every problem; apply nothing.",
        cli.add_validate_arguments,
        cli.validate_command,
    ),
    "ingest": (
        "Check files and, if there are no problems, apply them (the previous version is kept).",
        cli.add_ingest_arguments,
        cli.ingest_command,
    ),
    "ingest-police-uk": (
        "Load police.uk street-level crime CSVs or bulk zip downloads (ingest --kind police_uk).",
        cli.add_ingest_police_uk_arguments,
        cli.ingest_command,
    ),
    "fetch-police-uk": (
        "Download street-level crime for Leeds from the police.uk API and apply it.",
        cli.add_fetch_arguments,
        cli.fetch_command,
    ),
    "restore": ("Put back an earlier version of the dataset.", cli.add_restore_arguments, cli.restore_command),
    "info": ("Describe the dataset in use.", cli.add_info_arguments, cli.info_command),
    "board-pack": (
        "Write a board pack (PowerPoint, PDF, Excel or CSV) for an area and period.",
        cli.add_board_pack_arguments,
        cli.board_pack_command,
    ),
    "table": (
        "Write the table of every area the Map and Compare pages offer for download, as CSV on standard output.",
        table.add_table_arguments,
        table.table_command,
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m saferleeds",
        description="Safer Leeds Insight from the command line: build the embedded default, load police.uk "
        "downloads, describe the dataset in use.",
    )
    commands = parser.add_subparsers(dest="command", required=True, title="commands")
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
    except OSError as exc:  # a folder that cannot be written, a full disk: say so without a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 3
