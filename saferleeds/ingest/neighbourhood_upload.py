"""A new definition of the priority neighbourhoods: a list of LSOAs per neighbourhood.

It comes as a table (``neighbourhood_name`` and ``lsoa_code``, optionally ``neighbourhood_code``)
or as polygons (see ``saferleeds.ingest.boundary_upload``); either way it becomes the editable
``data/priority_neighbourhoods.csv``.
"""

from __future__ import annotations

import pandas as pd

from saferleeds.core.errors import Problem
from saferleeds.core.geography import Geography, slugify
from saferleeds.core.text import quoted
from saferleeds.ingest.area_matching import AreaMatcher
from saferleeds.ingest.indicator_tables import is_long
from saferleeds.ingest.table_files import Table, column_key

NAME_COLUMNS = ("neighbourhood_name", "neighbourhood", "priority_neighbourhood", "name")
CODE_COLUMNS = ("neighbourhood_code", "code")
LSOA_COLUMNS = ("lsoa_code", "lsoa", "lsoa21cd", "lsoa11cd", "lsoa_2021", "lsoa_2011")
LONGEST_NAME = 100  # characters in a neighbourhood's name: it is shown on every page
FILE_COLUMNS = ("neighbourhood_code", "neighbourhood_name", "lsoa_code", "lsoa_name", "imd_rank_2019", "name_basis")

Membership = tuple[str, str, str]  # neighbourhood code, neighbourhood name, LSOA 2021 code


def _column(table: Table, names: tuple[str, ...]) -> str | None:
    keys = {column_key(c): c for c in table.frame.columns}
    return next((keys[n] for n in names if n in keys), None)


def is_neighbourhood_table(table: Table) -> bool:
    """True for a table that defines neighbourhoods rather than giving values."""
    has_lsoa = _column(table, LSOA_COLUMNS) is not None
    has_name = _column(table, NAME_COLUMNS[:3]) is not None
    return has_lsoa and has_name and not is_long(table) and not table.month_headers


def neighbourhood_code(name: str) -> str:
    return f"PN-{slugify(name).upper()}"


def neighbourhoods_from_table(table: Table, matcher: AreaMatcher) -> tuple[list[Membership], list[Problem]]:
    """Check every row of a neighbourhood list; LSOA codes may be 2011 or 2021 codes."""
    name_column = _column(table, NAME_COLUMNS)
    code_column = _column(table, CODE_COLUMNS)
    lsoa_column = _column(table, LSOA_COLUMNS)
    problems: list[Problem] = []
    rows: list[Membership] = []
    first_row: dict[str, int] = {}
    for index, record in enumerate(table.frame.to_dict("records")):
        number = table.row_number(index)
        name = str(record[name_column]).strip()
        lsoa_text = str(record[lsoa_column]).strip()
        if not name:
            problems.append(Problem(table.label, "the neighbourhood name is empty", number, name_column))
            continue
        if len(name) > LONGEST_NAME:
            words = f"the name {quoted(name)} is longer than {LONGEST_NAME} characters"
            problems.append(Problem(table.label, words, number, name_column))
            continue
        found = matcher.by_code(lsoa_text)
        if found is None or found[0] != "lsoa":
            problems.append(Problem(table.label, matcher.unknown_message(lsoa_text, "LSOA code"), number, lsoa_column))
            continue
        lsoa = found[1]
        if lsoa in first_row:
            problems.append(
                Problem(
                    table.label,
                    f"duplicate: LSOA {lsoa} is already in a neighbourhood at row {first_row[lsoa]}; "
                    "an LSOA can be in one priority neighbourhood only",
                    number,
                    lsoa_column,
                )
            )
            continue
        first_row[lsoa] = number
        code = str(record[code_column]).strip() if code_column else ""
        rows.append((code or neighbourhood_code(name), name, lsoa))
    names_per_code = pd.DataFrame(rows, columns=["code", "name", "lsoa"]).groupby("code")["name"].nunique()
    for code in names_per_code[names_per_code > 1].index:
        problems.append(
            Problem(table.label, f"neighbourhood code {quoted(code)} is given two different names", None, None)
        )
    if not rows and not problems:
        problems.append(Problem(table.label, "the table names no LSOAs", 2))
    return rows, problems


def neighbourhood_csv(rows: list[Membership], geography: Geography, basis: str) -> bytes:
    """The priority-neighbourhood definition file for these memberships."""
    frame = pd.DataFrame(rows, columns=["neighbourhood_code", "neighbourhood_name", "lsoa_code"])
    frame["lsoa_name"] = frame["lsoa_code"].map(geography.lsoa["lsoa_name"])
    frame["imd_rank_2019"] = frame["lsoa_code"].map(geography.lsoa["imd_rank"]).astype("Int64")
    frame["name_basis"] = basis
    frame = frame.sort_values(["neighbourhood_code", "lsoa_code"]).loc[:, list(FILE_COLUMNS)]
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def describe_definition(rows: list[Membership]) -> str:
    names = sorted({name for _, name, _ in rows})
    return f"{len(names)} priority neighbourhoods of {len(rows)} LSOAs ({', '.join(names)})"
