"""The real history in the embedded default: police.uk counts per MSOA, the whole street months per LSOA,
stop and search per MSOA and by ethnic group, and the official recorded-crime total it is set beside.

* police.uk crime and anti-social behaviour per MSOA (2021), August 2022 to July 2025, are **recorded**
  at MSOA level (zeros included: a type with no crimes in a month has no row in the file).
* March 2024 and February 2025 are read from the whole street-level files, through the same ingest people
  use, and are **recorded** per LSOA; those two months use the street files at every level, so the MSOA
  series (which also counts the British Transport Police crimes police.uk places in Leeds) is not used
  for them.
* Stop and search per MSOA, August 2022 to July 2025 (July 2022 is a partial month and is left out).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from saferleeds.core.catalogue import Catalogue
from saferleeds.core.errors import DataError, Problem
from saferleeds.core.vocabulary import RECORDED
from saferleeds.ingest.default_tables import SOURCE_FILES, number, read_source
from saferleeds.ingest.police_uk import ALL_EXCEPT_ASB

FIRST_REAL_MONTH = pd.Timestamp("2022-08-01")
LAST_REAL_MONTH = pd.Timestamp("2025-07-01")
STREET_MONTHS = {pd.Timestamp("2024-03-01"): "police_2024_03", pd.Timestamp("2025-02-01"): "police_2025_02"}
MSOA_SOURCE = (
    "police.uk street-level crime counted per MSOA (2021) and month, British Transport Police crimes in Leeds "
    "included (samrelins/harehills_data_app)"
)
STOP_SEARCH_SOURCE = "police.uk stop and search, West Yorkshire Police, counted per MSOA (2021) by location"
STOP_SEARCH = "stop_search"


def real_months() -> pd.DatetimeIndex:
    return pd.date_range(FIRST_REAL_MONTH, LAST_REAL_MONTH, freq="MS")


def _months(raw: pd.DataFrame, label: str) -> pd.Series:
    months = pd.to_datetime(raw["month"], format="%Y-%m", errors="coerce")
    if months.isna().any():
        row = int(np.flatnonzero(months.isna().to_numpy())[0]) + 2
        raise DataError(Problem(label, f"'{raw['month'].iloc[row - 2]}' is not a month", row, "month"))
    return months


def _check_msoas(raw: pd.DataFrame, msoa_codes: pd.Index, label: str) -> None:
    unknown = ~raw["msoa21_code"].isin(msoa_codes)
    if unknown.any():
        row = int(np.flatnonzero(unknown.to_numpy())[0]) + 2
        code = raw["msoa21_code"].iloc[row - 2]
        raise DataError(Problem(label, f"'{code}' is not a Leeds MSOA", row, "msoa21_code"))


def _grid(raw: pd.DataFrame, keys: list[str], value: str, index: pd.MultiIndex) -> pd.Series:
    """Counts on a complete grid (a combination missing from the file is a zero)."""
    counts = number(raw[value]).groupby([raw[k] for k in keys]).sum()
    return counts.reindex(index, fill_value=0).astype(float)


def msoa_police_rows(source: Path, catalogue: Catalogue, msoa_codes: pd.Index) -> pd.DataFrame:
    """Recorded police.uk rows per MSOA for the months of the MSOA series not covered by a street file."""
    label = SOURCE_FILES["police_msoa"]
    raw = read_source(source, "police_msoa")
    raw["month"] = _months(raw, label)
    _check_msoas(raw, msoa_codes, label)
    by_type = {i.police_uk_crime_type: i.id for i in catalogue.police_uk_indicators()}
    unknown = ~raw["crime_type"].isin(by_type)
    if unknown.any():
        row = int(np.flatnonzero(unknown.to_numpy())[0]) + 2
        raise DataError(Problem(label, f"'{raw['crime_type'].iloc[row - 2]}' is not a crime type", row, "crime_type"))
    raw["indicator"] = raw["crime_type"].map(by_type)
    months = [m for m in real_months() if m not in STREET_MONTHS]
    types = sorted(set(by_type.values()) - {by_type.get(ALL_EXCEPT_ASB)})
    index = pd.MultiIndex.from_product([types, months, sorted(msoa_codes)], names=["indicator", "period", "area"])
    counts = _grid(raw, ["indicator", "month", "msoa21_code"], "count", index).reset_index()
    counts.columns = ["indicator", "period", "area_code", "value"]
    frames = [counts]
    asb = by_type.get("Anti-social behaviour")
    for total in (i.id for i in catalogue.police_uk_indicators() if i.police_uk_crime_type == ALL_EXCEPT_ASB):
        crimes = counts[counts["indicator"] != asb]
        summed = crimes.groupby(["period", "area_code"], sort=True)["value"].sum().reset_index()
        frames.append(summed.assign(indicator=total))
    return _recorded(pd.concat(frames, ignore_index=True), MSOA_SOURCE)


def _recorded(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    frame = frame.copy()
    frame["denominator"] = np.nan
    frame["status"] = RECORDED
    frame["source"] = source
    return frame


def stop_search_rows(source: Path, msoa_codes: pd.Index) -> pd.DataFrame:
    """Recorded stop and search per MSOA and month, August 2022 to July 2025 (zeros included)."""
    label = SOURCE_FILES["stop_search"]
    raw = read_source(source, "stop_search")
    raw["month"] = _months(raw, label)
    _check_msoas(raw, msoa_codes, label)
    index = pd.MultiIndex.from_product([real_months(), sorted(msoa_codes)], names=["period", "area"])
    counts = _grid(raw, ["month", "msoa21_code"], "searches", index).reset_index()
    counts.columns = ["period", "area_code", "value"]
    return _recorded(counts.assign(indicator=STOP_SEARCH), STOP_SEARCH_SOURCE)


def stop_search_by_group(source: Path, msoa_codes: pd.Index) -> pd.DataFrame:
    """Searches per MSOA, month and self-defined ethnic group (police.uk's five broad groups and Unknown)."""
    label = SOURCE_FILES["stop_search_ethnicity"]
    raw = read_source(source, "stop_search_ethnicity")
    raw["month"] = _months(raw, label)
    _check_msoas(raw, msoa_codes, label)
    raw = raw[raw["month"].between(FIRST_REAL_MONTH, LAST_REAL_MONTH)]
    counts = number(raw["searches"]).groupby([raw["msoa21_code"], raw["month"], raw["ethnicity_simple"]]).sum()
    frame = counts.reset_index()
    frame.columns = ["area_code", "period", "ethnic_group", "value"]
    frame["period"] = frame["period"].dt.strftime("%Y-%m")
    return frame.sort_values(["area_code", "period", "ethnic_group"]).reset_index(drop=True)


def official_total(source: Path) -> dict:
    """The official police recorded crime total for the Leeds partnership, year ending June 2025."""
    raw = read_source(source, "official_total")
    leeds = raw[raw["Community Safety Partnership name"] == "Leeds"].iloc[0]
    return {
        "indicator": "total_crime",
        "first": "2024-07",
        "last": "2025-06",
        "value": int(number(pd.Series([leeds["Total recorded crime  (excluding fraud)"]])).iloc[0]),
        "label": "Police recorded crime, Leeds Community Safety Partnership, year ending June 2025 (excluding fraud)",
        "source": "ONS police force area tables, year ending June 2025, Table C2",
    }
