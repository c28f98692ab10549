"""``python -m saferleeds``: build the default, ingest police.uk files, describe the dataset."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from saferleeds.core.paths import PROJECT_ROOT, DatasetPaths
from saferleeds.core.values import read_values
from tests.conftest import FIXTURES, committed_part, run_cli


@pytest.mark.slow
def test_build_default_writes_the_committed_default(shared_data, tmp_path):
    finished = run_cli("build-default", "--source", str(shared_data), "--out", str(tmp_path))
    assert finished.returncode == 0, finished.stderr
    assert f"Built the default dataset in {tmp_path}" in finished.stdout
    assert "geo/lsoa.geojson" in finished.stderr  # progress goes to stderr
    for folder in ("data", "geo"):
        for committed in sorted((PROJECT_ROOT / folder).iterdir()):
            if committed.name == "README.md" or not committed_part(Path(committed.name)):
                continue
            assert (tmp_path / folder / committed.name).read_bytes() == committed.read_bytes(), committed.name


@pytest.mark.slow  # a new Python process
def test_build_default_names_a_missing_source(tmp_path):
    finished = run_cli("build-default", "--source", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert finished.returncode != 0
    assert "source file not found" in finished.stderr
    assert "Traceback" not in finished.stderr


@pytest.mark.slow  # a new Python process
def test_ingest_police_uk_replaces_a_month(home: DatasetPaths, tmp_path):
    before = read_values(home.values)
    march = FIXTURES / "policeuk" / "street-2025-03.csv"
    finished = run_cli("ingest-police-uk", str(march), "--home", str(home.root))
    assert finished.returncode == 0, finished.stderr
    assert "Read 5 rows from 1 file for March 2025" in finished.stdout
    after = read_values(home.values)
    police = set(after.loc[after["status"] == "recorded", "indicator"]) - {"stop_search"}
    old = before[(before["period"] == pd.Timestamp("2025-03-01")) & before["indicator"].isin(police)]
    assert set(old["status"]) == {"recorded", "estimated"}  # per MSOA and shared among LSOAs
    new = after[after["period"] == pd.Timestamp("2025-03-01")]
    new = new[new["indicator"].isin(police)]
    assert set(new["status"]) == {"recorded"}
    assert new.loc[new["indicator"] == "total_crime", "value"].sum() == 4
    assert new.loc[new["indicator"] == "asb", "value"].sum() == 1
    kept = after[(after["period"] != pd.Timestamp("2025-03-01")) | ~after["indicator"].isin(police)]
    earlier = before[(before["period"] != pd.Timestamp("2025-03-01")) | ~before["indicator"].isin(police)]
    pd.testing.assert_frame_equal(kept.reset_index(drop=True), earlier.reset_index(drop=True))


@pytest.mark.slow  # a new Python process
def test_ingest_police_uk_uses_saferleeds_home(home: DatasetPaths):
    january = FIXTURES / "policeuk" / "street-2025-01.csv"
    finished = run_cli("ingest-police-uk", str(january), home=home.root)
    assert finished.returncode == 0, finished.stderr
    assert "Applied: police.uk street-level crime for January 2025." in finished.stdout
    values = read_values(home.values)
    january_rows = values[(values["period"] == pd.Timestamp("2025-01-01")) & (values["indicator"] == "total_crime")]
    assert set(january_rows["status"]) == {"recorded"}
    assert january_rows["value"].sum() == 15


@pytest.mark.slow  # a new Python process
def test_ingest_police_uk_reads_a_bulk_zip(home: DatasetPaths, tmp_path):
    archive = shutil.make_archive(str(tmp_path / "download"), "zip", FIXTURES / "policeuk" / "bulk")
    finished = run_cli("ingest-police-uk", archive, "--home", str(home.root))
    assert finished.returncode == 0, finished.stderr
    assert "from 2 files for January 2025, March 2025" in finished.stdout
    assert "reading download.zip!2025-01/2025-01-west-yorkshire-street.csv" in finished.stderr


@pytest.mark.slow  # a new Python process
def test_info_describes_the_dataset(home: DatasetPaths):
    finished = run_cli("info", "--home", str(home.root))
    assert finished.returncode == 0, finished.stderr
    assert f"Dataset folder: {home.root}" in finished.stdout
    assert "1,012,646 values for 21 indicators, April 2016 to July 2025" in finished.stdout
    assert "Status: 73,062 recorded, 266,448 estimated, 673,136 modelled" in finished.stdout
    assert "488 LSOAs, 107 local areas (MSOAs), 6 priority neighbourhoods, 33 wards" in finished.stdout
    assert "Coverage (months by how they were made, for each area type):" in finished.stdout
    assert (
        "    Local area (MSOA): recorded August 2022 to July 2025; modelled April 2016 to July 2022" in finished.stdout
    )
    assert "police.uk total recorded crime for Leeds, July 2024 to June 2025: 101,131 (recorded)" in finished.stdout
    assert "year ending June 2025 (excluding fraud): 100,168" in finished.stdout


def test_the_real_march_2024_file_loads_as_a_spreadsheet_saved_it(home: DatasetPaths, shared_data):
    """A byte-order mark and 'Mar-24' in the Month column: read, with no message but what was read."""
    source = shared_data / "police_uk_leeds_2024-03_street_as_saved_by_a_spreadsheet.csv"
    assert source.read_bytes().startswith(b"\xef\xbb\xbf") and b",Mar-24," in source.read_bytes()[:400]
    finished = run_cli("ingest-police-uk", str(source), "--home", str(home.root))
    assert finished.returncode == 0, finished.stderr
    report = finished.stdout.split("Applied:")[0]
    assert "Read 9,408 rows from 1 file for March 2024. 9,408 rows placed in Leeds" in report
    assert "warning" not in finished.stdout.lower() and "error" not in finished.stdout.lower()
    assert "outside Leeds" not in report and "not a month" not in report
    values = read_values(home.values)
    march = values[(values["period"] == pd.Timestamp("2024-03-01")) & (values["indicator"] == "total_crime")]
    assert march["value"].sum() == 9408 - 626 and set(march["status"]) == {"recorded"}


@pytest.mark.slow  # a new Python process
def test_info_on_a_folder_without_a_dataset_says_what_is_missing(tmp_path):
    finished = run_cli("info", "--home", str(tmp_path))
    assert finished.returncode != 0
    assert "catalogue.toml: the indicator catalogue file is missing" in finished.stderr
    assert "Traceback" not in finished.stderr


def test_no_command_shows_usage():
    finished = run_cli()
    assert finished.returncode != 0
    assert "build-default" in finished.stderr and "ingest-police-uk" in finished.stderr
