"""The command line, ``saferleeds COMMAND ...`` (or ``python -m saferleeds``), for slow and batch work."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from saferleeds.cli import commands as cli
from saferleeds.cli import table
from saferleeds.core.errors import DataError
from saferleeds.core.text import shortened

MESSAGE_LENGTH = 400

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


def _fail(message: str) -> int:
    print(f"error: {shortened(message, MESSAGE_LENGTH)}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure becomes one line per problem on standard error and exit status 2
    (1 means the files were checked and have problems), never a traceback."""
    arguments = build_parser().parse_args(argv)
    try:
        return COMMANDS[arguments.command][2](arguments)
    except DataError as exc:
        for problem in exc.problems:
            _fail(str(problem))
        return 2
    except OSError as exc:  # a folder that cannot be written, a full disk: say so without a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}")
    except KeyboardInterrupt:
        return _fail("stopped before it finished; nothing half-written was kept")
    except Exception as exc:  # a fault in the tool: still one line, never a traceback
        return _fail(f"an unexpected failure ({type(exc).__name__}: {exc}); nothing half-written was kept")
