"""Indicator tables: every format and layout, every area key, and every listed problem."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from saferleeds.ingest.area_matching import AreaMatcher
from saferleeds.ingest.gate import Upload
from saferleeds.ingest.indicator_tables import table_values
from saferleeds.ingest.new_indicators import catalogue_additions, catalogue_entries, entry_from_fields
from saferleeds.ingest.table_files import read_tables
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def matcher(dataset) -> AreaMatcher:
    return AreaMatcher(dataset.geography)


def values_of(dataset, matcher, name: str, data: bytes | None = None, **kwargs):
    upload = Upload(name, data if data is not None else (FIXTURES / name).read_bytes())
    tables, sheets, _ = read_tables(upload)
    new = {}
    if sheets:
        text = dataset.paths.catalogue.read_text(encoding="utf-8")
        _, new, problems = catalogue_additions(
            catalogue_entries(sheets, dataset.catalogue.levels), dataset.catalogue, text
        )
        assert not problems
    return table_values(tables[0], dataset.catalogue, matcher, new, **kwargs)


def csv_bytes(rows: list[list[object]]) -> bytes:
    return "\n".join(",".join(str(c) for c in row) for row in rows).encode() + b"\n"


def test_long_csv_with_ward_codes_of_every_vintage(dataset, matcher):
    result = values_of(dataset, matcher, "indicator_long.csv")
    assert not result.problems
    frame = result.values
    assert len(frame) == 6
    assert set(frame["area_code"]) <= set(
        dataset.geography.level_areas("ward")["code"]
    )  # all mapped to canonical codes
    assert frame["area_code"].nunique() == 6
    assert set(frame["status"]) == {"provisional", "recorded"}
    assert (frame["period"] == pd.Timestamp("2025-03-01")).all()
    assert frame["denominator"].notna().all()


def test_parquet_keyed_by_2011_lsoa_codes(dataset, matcher):
    result = values_of(dataset, matcher, "indicator_long.parquet")
    assert not result.problems
    assert set(result.values["area_code"]) <= set(dataset.geography.lsoa.index)
    assert result.values["value"].sum() == 13
    assert result.values["denominator"].isna().all()  # a count keeps no denominator


def test_wide_workbook_with_a_catalogue_sheet_and_area_names(dataset, matcher):
    result = values_of(dataset, matcher, "indicator_wide.xlsx")
    assert not result.problems
    frame = result.values.sort_values(["period", "area_code"])
    assert set(frame["indicator"]) == {"fly_tipping"}
    assert sorted(frame["period"].unique()) == [pd.Timestamp("2025-03-01"), pd.Timestamp("2025-04-01")]
    assert len(frame) == 5  # the empty April cell for Beeston and Holbeck is no data, not zero
    armley = dataset.geography.recognise_name("Armley", "ward")[1]
    assert frame.loc[frame["area_code"] == armley, "value"].tolist() == [12, 9]


def test_catalogue_sheet_makes_a_complete_catalogue_entry(dataset):
    _, sheets, _ = read_tables(Upload("indicator_wide.xlsx", (FIXTURES / "indicator_wide.xlsx").read_bytes()))
    text = dataset.paths.catalogue.read_text(encoding="utf-8")
    new_text, new, problems = catalogue_additions(
        catalogue_entries(sheets, dataset.catalogue.levels), dataset.catalogue, text
    )
    assert not problems
    indicator = new["fly_tipping"]
    assert indicator.geographies == ("ward", "committee", "city")
    assert indicator.primary_priority == "location"
    assert new_text.startswith(text.rstrip("\n"))  # appended: the comments of the catalogue are kept


def test_a_form_entry_with_gaps_is_refused_with_reasons(dataset):
    entry = entry_from_fields(
        {"id": "Bad Id", "label": "", "unit": "litres", "native_geography": "ward"}, dataset.catalogue.levels
    )
    _, new, problems = catalogue_additions(
        [(entry, "new-indicator form", None)], dataset.catalogue, dataset.paths.catalogue.read_text()
    )
    assert not new
    messages = " ".join(p.message for p in problems)
    assert "missing 'definition'" in messages or "unit must be one of" in messages


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (3, "area_code", "'E05011358' is not a known Leeds area code; closest known"),
        (4, "period", "'2025-13' is not a month"),
        (5, "value", "negative count"),
        (6, "value", "percentage over 100"),
        (7, "area_code", "duplicate: the same indicator, area and month (March 2025) as row 2"),
        (8, "denominator", "the denominator is zero"),
        (9, "indicator", "indicator 'no_such_indicator' is not in the catalogue"),
    ],
)
def test_every_listed_problem_is_reported_with_file_row_and_column(dataset, matcher, row, column, words):
    result = values_of(dataset, matcher, "indicator_problems.csv")
    matching = [p for p in result.problems if p.row == row]
    assert matching, f"no problem reported for row {row}"
    problem = matching[0]
    assert problem.file == "indicator_problems.csv"
    assert problem.column == column
    assert words in problem.message
    assert problem.severity == "error"


def test_only_the_good_rows_become_values(dataset, matcher):
    result = values_of(dataset, matcher, "indicator_problems.csv")
    assert len(result.values) == 1
    assert result.values.iloc[0]["area_code"] == "E05011385"


@pytest.mark.parametrize(
    ("key_column", "key", "level"),
    [
        ("area_code", "E01011264", "lsoa"),
        ("area_code", "CC-INNER-WEST", "committee"),
        ("area_code", "E14000777", "constituency"),
        ("area_code", "PN-NEW-WORTLEY", "neighbourhood"),
        ("area_code", "E08000035", "city"),
        ("area_name", "Inner West", "committee"),
        ("area_name", "Leeds 011A", "lsoa"),
        ("area_name", "burmantofts and richmond hill", "ward"),
    ],
)
def test_any_recognised_code_or_exact_name(dataset, matcher, key_column, key, level):
    data = csv_bytes([["indicator", key_column, "period", "value"], ["total_crime", key, "Mar 2025", 5]])
    result = values_of(dataset, matcher, "keys.csv", data)
    assert not result.problems, result.problems
    found = dataset.geography.recognise(result.values.iloc[0]["area_code"])
    assert found[0] == level


def test_a_name_shared_by_two_levels_needs_a_level_column(dataset, matcher):
    ambiguous = csv_bytes([["indicator", "area_name", "period", "value"], ["total_crime", "Pudsey", "2025-03", 5]])
    result = values_of(dataset, matcher, "pudsey.csv", ambiguous)
    assert "add a 'level' column" in result.problems[0].message
    with_level = csv_bytes(
        [
            ["indicator", "area_name", "level", "period", "value"],
            ["total_crime", "Pudsey", "constituency", "2025-03", 5],
        ]
    )
    result = values_of(dataset, matcher, "pudsey.csv", with_level)
    assert not result.problems
    assert dataset.geography.level_of(result.values.iloc[0]["area_code"]) == "constituency"


def test_an_unknown_name_offers_the_closest_names(dataset, matcher):
    data = csv_bytes([["indicator", "area_name", "period", "value"], ["total_crime", "Armly", "2025-03", 5]])
    problem = values_of(dataset, matcher, "typo.csv", data).problems[0]
    assert "Armley" in problem.message and problem.row == 2 and problem.column == "area_name"


def test_an_area_level_the_indicator_is_not_published_at(dataset, matcher):
    data = csv_bytes([["indicator", "area_code", "period", "value"], ["reoffending", "E05011385", "2025-03", 5]])
    problem = values_of(dataset, matcher, "level.csv", data).problems[0]
    assert "is not published for" in problem.message


def test_mixed_levels_in_one_month_are_refused(dataset, matcher):
    data = csv_bytes(
        [
            ["indicator", "area_code", "period", "value"],
            ["total_crime", "E05011385", "2025-03", 5],
            ["total_crime", "CC-INNER-EAST", "2025-03", 50],
        ]
    )
    problems = values_of(dataset, matcher, "mixed.csv", data).problems
    assert any("mixes areas of 2 levels" in p.message for p in problems)


def test_a_percentage_without_a_denominator_is_kept_over_100(dataset, matcher):
    data = csv_bytes([["area_code", "2025-03", "2025-04"], ["E05011385", "81.5", "79%"]])
    result = values_of(dataset, matcher, "wide.csv", data, default_indicator="feel_safe")
    assert not result.problems
    assert result.values["denominator"].tolist() == [100.0, 100.0]
    assert result.values["value"].tolist() == [81.5, 79.0]
    assert any("no denominator" in note for note in result.notes)


def test_a_percentage_over_100_without_a_denominator(dataset, matcher):
    data = csv_bytes([["area_code", "2025-03"], ["E05011385", "101"]])
    problem = values_of(dataset, matcher, "wide.csv", data, default_indicator="feel_safe").problems[0]
    assert "percentage over 100" in problem.message and problem.column == "2025-03" and problem.row == 2


def test_a_table_of_no_known_layout_is_explained(dataset, matcher):
    data = csv_bytes([["colour", "size"], ["red", 3]])
    problem = values_of(dataset, matcher, "odd.csv", data).problems[0]
    assert "cannot tell how this table is laid out" in problem.message


def test_windows_1252_text_is_read_with_a_warning():
    data = "indicator,area_name,period,value\ntotal_crime,Caf\xe9,2025-03,1\n".encode("cp1252")
    tables, _, warnings = read_tables(Upload("cp.csv", data))
    assert warnings[0].severity == "warning" and "Windows-1252" in warnings[0].message
    assert tables[0].frame.iloc[0]["area_name"] == "Café"


def test_excel_dates_and_text_months_are_both_month_columns():
    book = openpyxl.Workbook()
    book.active.append(["area_code", pd.Timestamp("2025-03-01").to_pydatetime(), "Apr 2025"])
    book.active.append(["E05011385", 1, 2])
    buffer = io.BytesIO()
    book.save(buffer)
    tables, _, _ = read_tables(Upload("dates.xlsx", buffer.getvalue()))
    assert sorted(tables[0].month_headers.values()) == [pd.Timestamp("2025-03-01"), pd.Timestamp("2025-04-01")]


def test_a_file_that_is_not_a_workbook_is_explained():
    from saferleeds.core.errors import DataError

    with pytest.raises(DataError, match="not a readable Excel workbook"):
        read_tables(Upload("fake.xlsx", b"PK\x03\x04 not really a workbook"))
