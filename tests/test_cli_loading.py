"""``python -m saferleeds validate / ingest / restore``: the page's report, exit 0 only on success."""

from __future__ import annotations

import pandas as pd
import pytest

from saferleeds.cli import main
from saferleeds.core.dataset import load_dataset
from saferleeds.core.paths import DatasetPaths
from saferleeds.ingest.gate import Upload
from saferleeds.ingest.validation import validate
from tests.conftest import FIXTURES


def run(capsys, *arguments: str) -> tuple[int, str, str]:
    status = main(list(arguments))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_validate_prints_the_same_report_as_the_page_and_applies_nothing(home: DatasetPaths, capsys):
    before = home.values.read_bytes()
    status, out, err = run(capsys, "validate", str(FIXTURES / "indicator_problems.csv"))
    assert status == 1
    expected = validate(
        [Upload("indicator_problems.csv", (FIXTURES / "indicator_problems.csv").read_bytes())], load_dataset(home)
    ).lines()
    problems = [line for line in expected if line.startswith(("error:", "warning:"))]
    assert out.splitlines() == [line for line in expected if line not in problems]
    assert [line for line in err.splitlines() if line.startswith(("error:", "warning:"))] == problems
    assert "reading indicator_problems.csv" in err
    assert home.values.read_bytes() == before


def test_validate_a_good_file_exits_zero(home: DatasetPaths, capsys):
    status, out, _ = run(capsys, "validate", str(FIXTURES / "indicator_wide.xlsx"))
    assert status == 0
    assert out.startswith("No problems found")


def test_ingest_applies_and_restore_puts_it_back(home: DatasetPaths, capsys):
    status, out, _ = run(capsys, "ingest", str(FIXTURES / "police_uk_2025-03_street.csv"))
    assert status == 0
    assert "Applied: police.uk street-level crime for March 2025." in out
    march = pd.Timestamp("2025-03-01")
    rows = load_dataset(home).rows("total_crime")
    assert set(rows.loc[rows["period"] == march, "status"]) == {"recorded"}  # the estimates are replaced

    status, out, _ = run(capsys, "restore", "--list")
    assert status == 0 and "the data before police.uk street-level crime for March 2025" in out

    status, out, _ = run(capsys, "restore")
    assert status == 0 and out.startswith("Restored")
    rows = load_dataset(home).rows("total_crime")
    assert set(rows.loc[rows["period"] == march, "status"]) == {"recorded", "estimated"}


def test_ingest_with_errors_applies_nothing(home: DatasetPaths, capsys):
    before = home.values.read_bytes()
    status, out, err = run(capsys, "ingest", str(FIXTURES / "indicator_problems.csv"))
    assert status == 1
    assert err.rstrip().endswith("Nothing was applied.")
    assert "error: indicator_problems.csv, row 3" in err
    assert "Will be replaced" in out
    assert home.values.read_bytes() == before


def test_ingest_police_uk_is_kept_as_another_name_for_ingest(home: DatasetPaths, capsys):
    status, out, _ = run(capsys, "ingest-police-uk", str(FIXTURES / "police_uk_bulk.zip"))
    assert status == 0 and "April 2025 to May 2025" in out


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["validate", "missing.csv"], "missing.csv: file not found"),
        (["restore"], "there is no earlier version to restore"),
        (["restore", "--version", "nope"], "there is no earlier version"),
    ],
)
def test_failures_exit_non_zero_with_a_message(home: DatasetPaths, capsys, arguments, words):
    status, _, err = run(capsys, *arguments)
    assert status == 2
    assert words in err


def test_the_kind_can_be_given(home: DatasetPaths, capsys):
    status, out, _ = run(
        capsys, "validate", "--kind", "neighbourhoods", str(FIXTURES / "neighbourhoods_polygons.geojson")
    )
    assert status == 0 and "the priority neighbourhoods: now 2 priority neighbourhoods" in out
