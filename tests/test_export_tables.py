"""Download tables: disclosure control as on screen, formula injection neutralised, Excel and CSV files."""

from __future__ import annotations

import csv
import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from saferleeds.analysis.area_summary import summarise
from saferleeds.core.catalogue import load_catalogue
from saferleeds.core.paths import PROJECT_ROOT, dataset_paths
from saferleeds.present.export import tables
from tests.packs import PERIOD

pytestmark = pytest.mark.xdist_group("board-pack")  # one worker: see tests/README.md

HYPERLINK = '=HYPERLINK("http://example.com","Click")'


@pytest.mark.parametrize(
    ("text", "neutralised"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+44 113 222 4444", "'+44 113 222 4444"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("＝1+1", "'＝1+1"),
        ("Armley", "Armley"),
        ("no significant change (down 5%)", "no significant change (down 5%)"),
        ("<5", "<5"),
        ("", ""),
    ],
)
def test_text_a_spreadsheet_would_run_is_neutralised(text, neutralised):
    assert tables.neutralise(text) == neutralised


@pytest.mark.parametrize("value", [-3, -2.5, 0, None, pd.Timestamp("2025-02-01")])
def test_numbers_dates_and_blanks_are_left_alone(value):
    assert tables.neutralise(value) is value


RULE = load_catalogue(dataset_paths(PROJECT_ROOT).catalogue).disclosure


def summarised(rows: list[dict]) -> pd.DataFrame:
    """A table shaped like summarise's output."""
    base = {
        "code": "X",
        "name": "Area",
        "population": 1500.0,
        "count": 10.0,
        "value": 10.0,
        "previous_count": 12.0,
        "change": -0.17,
        "p_value": 0.6,
        "change_direction": "none",
        "change_words": "no significant change (down 17%)",
        "judgement": "neutral",
        "verdict": "not significantly different from",
        "funnel_target": 5.0,
        "rank": 3.0,
        "status": "modelled",
        "suppressed": False,
        "display": "10",
    }
    return pd.DataFrame([base | row for row in rows])


def test_suppressed_rows_show_less_than_five_and_withhold_what_would_reveal_the_count():
    frame = summarised(
        [
            {"code": "A", "count": 3.0, "value": 3.0, "previous_count": 20.0, "change": -0.85, "suppressed": True,
             "display": "<5", "change_words": "down 85%, a significant decrease", "change_direction": "down"},
            {"code": "B", "count": 0.0, "value": 0.0, "display": "0"},
            {"code": "C", "count": 40.0, "value": 40.0, "previous_count": 2.0, "change": 19.0,
             "change_words": "up 1900%, a significant increase"},
            {"code": "D", "count": 15.0, "value": 15.0},
        ]
    )  # fmt: skip
    safe = tables.protect(frame, RULE, applies=True).set_index("code")
    assert safe.loc["A", "count"] == "<5" and safe.loc["A", "value"] == "<5" and safe.loc["A", "display"] == "<5"
    assert safe.loc["A", "change"] is None and safe.loc["A", "p_value"] is None and safe.loc["A", "rank"] is None
    assert safe.loc["A", "change_words"] == tables.WITHHELD
    assert safe.loc["A", "previous_count"] == 20.0  # a count of 20 reveals nothing
    assert safe.loc["A", "status"] == "modelled" and safe.loc["A", "population"] == 1500.0
    assert safe.loc["B", "count"] == 0.0  # zero is not suppressed
    # a small count in the comparison period is protected too, and so is the change worked from it
    assert safe.loc["C", "previous_count"] == "<5"
    assert safe.loc["C", "change"] is None and safe.loc["C", "change_words"] == tables.WITHHELD
    assert safe.loc["C", "count"] == 40.0
    assert safe.loc["D", "change_words"] == "no significant change (down 17%)"


def test_tables_without_disclosure_control_are_unchanged():
    frame = summarised([{"previous_count": 2.0}])
    pd.testing.assert_frame_equal(tables.protect(frame, RULE, applies=False), frame)
    assert tables.protect(frame.drop(columns="suppressed"), RULE).equals(frame.drop(columns="suppressed"))


def test_the_area_table_matches_the_screen_table_for_every_ward(dataset):
    table = tables.area_table(dataset, "total_crime", "ward", PERIOD)
    screen = summarise(dataset, "total_crime", "ward", PERIOD, "count")
    rates = summarise(dataset, "total_crime", "ward", PERIOD, "rate")
    assert len(table) == len(screen) == 33
    assert table["Area"].tolist() == screen["name"].tolist()
    assert table["Number"].tolist() == screen["count"].tolist()
    np.testing.assert_allclose(table["Rate per 1,000 residents"].astype(float), rates["value"])
    assert table["Change in words"].tolist() == screen["change_words"].tolist()
    np.testing.assert_allclose(table["Change (%)"].astype(float), 100 * screen["change"])
    assert table["Status"].tolist() == screen["status"].tolist()
    assert table.loc[table["Area"] == "Armley", "Compared with Leeds"].item() == (
        screen.loc[screen["name"] == "Armley", "verdict"].item() + " the Leeds average"
    )


def test_small_counts_of_a_sensitive_indicator_read_less_than_five_at_lsoa_level(dataset):
    table = tables.area_table(dataset, "hate_incidents", "lsoa", PERIOD)
    screen = summarise(dataset, "hate_incidents", "lsoa", PERIOD, "count")
    hidden = (screen["disclosure"] == "hidden").to_numpy()
    withheld = (screen["disclosure"] == "withheld").to_numpy()
    assert hidden.any(), "the default data has small LSOA counts of hate incidents"
    assert withheld.any(), "and counts withheld so that they cannot be worked out"
    assert (table.loc[hidden, "Number"] == RULE.shown_as).all()
    assert (table.loc[withheld, "Number"] == RULE.withheld_as).all()
    suppressed = hidden | withheld
    assert table.loc[suppressed, "Rate per 1,000 residents"].isna().all()
    assert (table.loc[suppressed, "Change in words"] == tables.WITHHELD).all()
    shown = ~suppressed
    assert table.loc[shown, "Number"].tolist() == screen.loc[shown, "count"].tolist()
    assert all(number % RULE.round_to == 0 for number in table.loc[shown, "Number"])  # rounded to the nearest 5
    small_before = shown & screen["previous_disclosure"].isin(["hidden", "withheld"]).to_numpy()
    assert small_before.any() and table.loc[small_before, "Change (%)"].isna().all()
    # the same indicator for wards is not controlled
    assert "<5" not in tables.area_table(dataset, "hate_incidents", "ward", PERIOD)["Number"].tolist()


def test_monthly_table_protects_small_monthly_counts_where_control_applies(dataset):
    lsoa = "E01011698"
    table = tables.monthly_table(dataset, "hate_incidents", [lsoa, "E08000035"], PERIOD)
    # a small area's counts are published for 12 months at a time: no month of it is given, and none is
    # said to be small (which would be a figure of its own)
    small_area = table[table["Code"] == lsoa]
    assert len(small_area) == 12 and (small_area["Number"] == RULE.withheld_as).all()
    assert small_area["Rate per 1,000 residents"].isna().all()
    leeds = table[table["Code"] == "E08000035"]
    assert len(leeds) == 12 and (leeds["Number"].astype(float) > 4).all()
    assert set(table["Status"]) <= set(dataset.catalogue.statuses.ids)
    # where monthly counts are published (a ward of a non-sensitive indicator), they are as they are
    ward = tables.monthly_table(dataset, "total_crime", ["E05011385"], PERIOD)
    assert len(ward) == 12 and ward["Number"].map(lambda n: isinstance(n, float)).all()


def test_sheet_names_are_valid_and_unique():
    names = tables.sheet_names(["Summary", "Violence/sexual: [all]?", "x" * 40, "x" * 40, "summary", "'quoted'"])
    assert all(len(n) <= 31 for n in names)
    assert not any(set(n) & set("[]:*?/\\") for n in names)
    assert len({n.lower() for n in names}) == len(names)
    assert names[0] == "Summary" and names[5] == "quoted"


def test_the_workbook_writes_formula_like_text_as_text(tmp_path):
    frame = pd.DataFrame(
        {"Area": [HYPERLINK, "@cmd", "Armley"], "Number": ["<5", 12, -3], "Change (%)": [None, 10.0, -20.0]}
    )
    data = tables.workbook_bytes({"Areas": frame, "Notes": pd.DataFrame({"Note": ["+1"]})}, {"Notes": ["=1+1"]})
    path = tmp_path / "book.xlsx"
    path.write_bytes(data)
    book = openpyxl.load_workbook(path)
    sheet = book["Areas"]
    assert [c.value for c in sheet[1]] == ["Area", "Number", "Change (%)"]
    cell = sheet["A2"]
    assert cell.value == HYPERLINK and cell.data_type == "s" and cell.quotePrefix
    assert sheet["A3"].data_type == "s" and sheet["A3"].quotePrefix
    assert not sheet["A4"].quotePrefix
    assert sheet["B2"].value == "<5" and sheet["B3"].value == 12 and sheet["B4"].value == -3
    assert sheet["C2"].value is None and sheet["C3"].number_format == "0.0" and sheet["B3"].number_format == "#,##0"
    assert book["Notes"]["A2"].data_type == "s" and book["Notes"]["A4"].value == "=1+1"
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml, "no cell may hold a formula"


def test_csv_neutralises_formulas_and_opens_in_spreadsheets():
    frame = pd.DataFrame({"Area": [HYPERLINK, "Armley"], "Month": pd.to_datetime(["2025-02-01", "2025-01-01"])})
    data = tables.csv_bytes(frame)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Area", "Month"], ["'" + HYPERLINK, "2025-02-01"], ["Armley", "2025-01-01"]]


def test_csv_zip_holds_one_file_per_table():
    data = tables.csv_zip_bytes({"Summary": pd.DataFrame({"a": [1]}), "Recorded crime": pd.DataFrame({"b": [2]})}, "hi")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["summary.csv", "recorded-crime.csv", "README.txt"]
