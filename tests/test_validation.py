"""The validation report: every file type, what applying would do, and nothing applied on errors."""

from __future__ import annotations

import pandas as pd
import pytest

from saferleeds.core.dataset import load_dataset
from saferleeds.core.errors import DataError
from saferleeds.core.periods import month_ranges
from saferleeds.ingest import store
from saferleeds.ingest.gate import Upload
from saferleeds.ingest.validation import apply_report, detect_kind, validate
from tests.conftest import FIXTURES


def upload(name: str) -> Upload:
    return Upload(name, (FIXTURES / name).read_bytes())


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("police_uk_2025-03_street.csv", "police_uk"),
        ("police_uk_bulk.zip", "police_uk"),
        ("indicator_long.csv", "table"),
        ("indicator_wide.xlsx", "table"),
        ("indicator_long.parquet", "table"),
        ("neighbourhoods_list.csv", "table"),
        ("committees_bng.geojson", "boundaries"),
        ("wards.gpkg", "boundaries"),
        ("constituencies_shp.zip", "boundaries"),
    ],
)
def test_file_kinds_are_recognised(name, kind):
    assert detect_kind(upload(name)) == kind


def test_month_ranges_join_consecutive_months():
    months = [pd.Timestamp(m) for m in ("2024-01-01", "2024-02-01", "2024-03-01", "2024-06-01")]
    assert month_ranges(months) == "January 2024 to March 2024, June 2024"


def test_police_uk_csv_report_says_what_is_replaced_and_left_alone(dataset):
    report = validate([upload("police_uk_2025-03_street.csv")], dataset)
    assert report.ok
    assert any(line.startswith("March 2025 (now estimated and recorded): 15 indicators") for line in report.replaced)
    assert any(
        "the other months (April 2016 to February 2025, April 2025 to July 2025)" in line for line in report.left_alone
    )
    assert any("6 other indicators" in line for line in report.left_alone)
    assert "1 row lies outside Leeds" in " ".join(report.notes)
    preview = report.previews["Leeds totals by month (police.uk)"]
    assert preview["Mar 2025"].sum() > 0


def test_police_uk_bulk_zip_reads_only_street_files(dataset):
    report = validate([upload("police_uk_bulk.zip")], dataset)
    assert report.ok
    assert "Read 80 rows from 2 files for April 2025, May 2025" in " ".join(report.notes)


def test_replacing_a_month_says_what_it_replaces(dataset):
    text = (FIXTURES / "police_uk_2025-03_street.csv").read_text().replace(",2025-03,", ",2025-02,")
    report = validate([Upload("feb.csv", text.encode())], dataset)
    assert any(line.startswith("February 2025 (now recorded)") for line in report.replaced)


def test_errors_block_the_apply_and_are_sorted_by_row(dataset):
    report = validate([upload("indicator_problems.csv")], dataset)
    assert not report.ok
    assert report.headline() == "7 problems must be fixed before anything can be applied."
    rows = [p.row for p in report.errors]
    assert rows == sorted(rows)
    table = report.problem_table()
    assert list(table.columns) == ["Severity", "File", "Row", "Column", "Problem"]
    assert report.lines()[1].startswith("error: indicator_problems.csv, row 3, column 'area_code'")


def test_a_report_with_errors_is_never_applied(home):
    before = home.values.read_bytes()
    report = validate([upload("indicator_problems.csv")], load_dataset(home))
    assert report.changes is not None and not report.changes.empty  # the good row is there...
    with pytest.raises(DataError) as raised:
        apply_report(home, report)  # ...but nothing is applied while there are errors
    assert len(raised.value.problems) == 7
    assert home.values.read_bytes() == before
    assert not store.list_versions(home)


def test_the_same_values_in_two_files_are_duplicates(dataset):
    report = validate([upload("indicator_long.csv"), Upload("copy.csv", upload("indicator_long.csv").data)], dataset)
    assert not report.ok
    assert any("given more than once" in p.message for p in report.errors)


def test_unknown_indicators_are_listed_for_the_form(dataset):
    data = b"indicator,area_code,period,value\nstreet_lighting,E05011385,2025-03,4\n"
    report = validate([Upload("new.csv", data)], dataset)
    assert report.missing_indicators == ["street_lighting"]
    entry = {
        "id": "street_lighting",
        "label": "Street lighting faults",
        "definition": "Faults reported.",
        "unit": "count",
        "polarity": "higher_is_worse",
        "priorities": ["location"],
        "themes": [],
        "source": "Leeds City Council",
        "native_geography": "ward",
    }
    report = validate([Upload("new.csv", data)], dataset, new_entries=[entry])
    assert report.ok, report.lines()
    assert "a new indicator in the catalogue: Street lighting faults (street_lighting)" in report.added
    assert 'id = "street_lighting"' in report.changes.catalogue_text


def test_a_file_type_that_cannot_be_loaded(dataset):
    report = validate([Upload("notes.docx", b"hello")], dataset)
    assert not report.ok and "cannot tell how this table is laid out" in report.errors[0].message
    assert "the name ends '.docx', not a file type that can be loaded" in report.warnings[0].message
    pdf = validate([Upload("notes.docx", b"%PDF-1.4 ...")], dataset)
    assert [str(p) for p in pdf.errors] == ["notes.docx: this is a PDF document, not data"]


SLOW = pytest.mark.slow  # the same round trip for each further kind of file


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("police_uk_2025-03_street.csv", lambda d: pd.Timestamp("2025-03-01") in set(d.months)),
        pytest.param("police_uk_bulk.zip", lambda d: pd.Timestamp("2025-05-01") in set(d.months), marks=SLOW),
        ("indicator_long.csv", lambda d: pd.Timestamp("2025-03-01") in set(d.rows("feel_safe")["period"])),
        pytest.param(
            "indicator_long.parquet",
            lambda d: (
                set(d.rows("hate_incidents").loc[lambda r: r["period"] == pd.Timestamp("2025-03-01"), "status"])
                == {"recorded"}
            ),
            marks=SLOW,
        ),
        pytest.param(
            "indicator_wide.xlsx",
            lambda d: d.catalogue.has_indicator("fly_tipping") and len(d.rows("fly_tipping")) == 5,
            marks=SLOW,
        ),
        pytest.param(
            "neighbourhoods_list.csv",
            lambda d: set(d.geography.level_areas("neighbourhood")["name"]) == {"New Wortley", "Lincoln Green"},
            marks=SLOW,
        ),
        ("neighbourhoods_polygons.geojson", lambda d: len(d.geography.level_areas("neighbourhood")) == 2),
        pytest.param("committees_bng.geojson", lambda d: len(d.boundaries("committee")) == 10, marks=SLOW),
        pytest.param("wards.gpkg", lambda d: len(d.boundaries("ward")) == 33, marks=SLOW),
        pytest.param("constituencies_shp.zip", lambda d: len(d.boundaries("constituency")) == 8, marks=SLOW),
    ],
)
def test_each_file_type_applies_and_the_dataset_loads(dataset, home, name, check):
    # ``home`` starts as a copy of the default, so the shared default stands for it before the apply.
    report = validate([upload(name)], dataset)
    assert report.ok, report.lines()
    before = dataset.version
    apply_report(home, report)
    reloaded = load_dataset(home)
    assert reloaded.version != before
    assert check(reloaded)
    store.restore(home)
    assert load_dataset(home).catalogue == dataset.catalogue
