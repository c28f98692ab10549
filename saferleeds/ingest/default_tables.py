"""The open-data files the embedded default is built from, and writing its tables byte for byte stably."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from saferleeds.core.errors import DataError, Problem
from saferleeds.core.values import write_atomic

SOURCE_FILES = {
    "wards": "leeds_wards_wd19.geojson",
    "ward_codes": "leeds_wards.csv",
    "lsoa11": "leeds_lsoa11.geojson",
    "lsoa21": "leeds_lsoa21.geojson",
    "lsoa21_ward": "leeds_lsoa21_to_ward24.csv",
    "constituencies": "leeds_constituencies_pcon2010.geojson",
    "imd": "leeds_iod2019_file1_imd_rank_decile.csv",
    "population_2015": "leeds_iod2019_file6_population_mid2015.csv",
    "iod2025": "leeds_iod2025_lsoa21.csv",
    "ethnicity": "leeds_census2021_ts021_ethnicity_lsoa21.csv",
    "msoa_boundaries": "leeds_msoa21.geojson",
    "msoa_population": "leeds_msoa21_population_census2021.csv",
    "police_msoa": "police_uk_leeds_msoa21_monthly_2022-08_2025-07.csv",
    "police_2025_02": "police_uk_leeds_2025-02_street.csv",
    "police_2024_03": "police_uk_leeds_2024-03_street_as_saved_by_a_spreadsheet.csv",
    "stop_search": "police_uk_leeds_stop_search_msoa21_monthly_2022-07_2025-07.csv",
    "stop_search_ethnicity": "police_uk_leeds_stop_search_by_ethnicity_msoa21_monthly_2022-07_2025-07.csv",
    "official_total": "leeds_recorded_crime_csp_ye_jun2025.csv",
}


def check_sources(source: Path) -> None:
    missing = [name for name in SOURCE_FILES.values() if not (source / name).exists()]
    if missing:
        raise DataError([Problem(name, f"source file not found in {source}") for name in missing])


def read_source(source: Path, key: str) -> pd.DataFrame:
    """One of the open-data tables, every column as text (numbers are read with ``number``)."""
    return pd.read_csv(source / SOURCE_FILES[key], dtype=str, keep_default_na=False)


def number(series: pd.Series) -> pd.Series:
    """Numbers written with or without thousands separators ('13,915')."""
    return pd.to_numeric(series.astype(str).str.replace(",", "", regex=False))


def csv_text(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue()


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    text = csv_text(frame)
    write_atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
