"""``python -m saferleeds``: build the default, ingest police.uk files, describe the dataset."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from saferleeds.core.paths import PROJECT_ROOT, DatasetPaths
from saferleeds.core.values import read_values
from tests.conftest import FIXTURES, run_cli


@pytest.mark.slow
def test_build_default_writes_the_committed_default(shared_data, tmp_path):
    finished = run_cli("build-default", "--source", str(shared_data), "--out", str(tmp_path))
    assert finished.returncode == 0, finished.stderr
    assert f"Built the default dataset in {tmp_path}" in finished.stdout
    assert "geo/lsoa.geojson" in finished.stderr  # progress goes to stderr
    for folder in ("data", "geo"):
        for committed in sorted((PROJECT_ROOT / folder).iterdir()):
            if committed.name == "README.md":
                continue
            assert (tmp_path / folder / committed.name).read_bytes() == committed.read_bytes(), committed.name


@pytest.mark.slow  # a new Python process
def test_build_default_names_a_missing_source(tmp_path):
    finished = run_cli("build-default", "--source", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert finished.returncode != 0
    assert "source file not found" in finished.stderr
    assert "Traceback" not in finished.stderr


@pytest.mark.slow  # a new Python process
def test_ingest_police_uk_adds_a_new_month(home: DatasetPaths, tmp_path):
    before = read_values(home.values)
    march = FIXTURES / "policeuk" / "street-2025-03.csv"
    finished = run_cli("ingest-police-uk", str(march), "--home", str(home.root))
    assert finished.returncode == 0, finished.stderr
    assert "Read 5 rows from 1 file for March 2025" in finished.stdout
    after = read_values(home.values)
    assert pd.Timestamp("2025-03-01") not in set(before["period"])
    new = after[after["period"] == pd.Timestamp("2025-03-01")]
    assert set(new["status"]) == {"recorded"}
    assert new.loc[new["indicator"] == "total_crime", "value"].sum() == 4
    assert new.loc[new["indicator"] == "asb", "value"].sum() == 1
    unchanged = after[after["period"] != pd.Timestamp("2025-03-01")].reset_index(drop=True)
    pd.testing.assert_frame_equal(unchanged, before)


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
    assert "values for 20 indicators, April 2016 to February 2025" in finished.stdout
    assert "modelled" in finished.stdout and "recorded" in finished.stdout
    assert "488 LSOAs, 6 priority neighbourhoods, 33 wards, 10 community committee areas" in finished.stdout


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
