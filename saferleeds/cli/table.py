"""``python -m saferleeds table``: the Map and Compare pages' download for one indicator, level and period,
as CSV on standard output, under the same disclosure control.

Every argument is checked here, so a wrong one gets one line naming it and what it accepts (exit status 2).
"""

from __future__ import annotations

import argparse
import sys

from saferleeds.core import dataset
from saferleeds.core.errors import DataError, Problem
from saferleeds.core.paths import dataset_paths

MEASURES = {"number": "count", "rate": "rate"}


def add_table_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--indicator", help="indicator id, for example total_crime")
    parser.add_argument("--level", help="area type: a level id of the catalogue, for example ward")
    parser.add_argument("--period", help="one month (2025-02) or a range of months (2024-03..2025-02)")
    parser.add_argument("--measure", default="number", help="number (the default) or rate")
    parser.add_argument(
        "--home",
        help="dataset folder holding data/ and geo/ (default: $SAFERLEEDS_HOME or the project folder)",
    )


def _required(value: str | None, name: str, accepts: str) -> str:
    if value is None or not str(value).strip():
        raise DataError(Problem(name, f"is required: {accepts}"))
    return str(value).strip()


def table_command(arguments: argparse.Namespace) -> int:
    from saferleeds.analysis.area_table import area_table
    from saferleeds.present.export.board_pack import parse_period
    from saferleeds.present.export.tables import csv_bytes

    measure = MEASURES.get(str(arguments.measure).strip().lower())
    if measure is None:
        raise DataError(Problem("--measure", f"'{arguments.measure}' is not a measure; it accepts number or rate"))
    indicator = _required(arguments.indicator, "--indicator", "an indicator id such as total_crime")
    level = _required(arguments.level, "--level", "a level id such as ward")
    period_text = _required(arguments.period, "--period", "a month (2025-02) or a range (2024-03..2025-02)")
    loaded = dataset.load_dataset(dataset_paths(arguments.home))
    catalogue = loaded.catalogue
    if not catalogue.has_indicator(indicator):
        choices = ", ".join(i.id for i in catalogue.indicators)
        raise DataError(Problem("--indicator", f"'{indicator}' is not an indicator; it accepts {choices}"))
    if level not in catalogue.levels:
        raise DataError(
            Problem("--level", f"'{level}' is not a level; it accepts {catalogue.levels.describe_choices()}")
        )
    period = parse_period(loaded, period_text)
    table = area_table(loaded, indicator, level, period, measure)
    sys.stdout.buffer.write(csv_bytes(table))
    sys.stdout.flush()
    return 0
