"""The embedded default against an independent count of the open-data files in ../shared/data/.

Every expected number here is counted straight from the source CSVs with pandas (not with the project's
readers), and the area memberships come from the source lookups, so a mistake in the build, the ingest or
the aggregation shows up as a difference.
"""

from __future__ import annotations

import pandas as pd
import pytest

from saferleeds.analysis.aggregate import monthly
from saferleeds.core.geography import CITY_CODE
from saferleeds.present.coverage import coverage_ledger, reference_totals

SERIES = "police_uk_leeds_msoa21_monthly_2022-08_2025-07.csv"
STREET = {
    pd.Timestamp("2024-03-01"): "police_uk_leeds_2024-03_street_as_saved_by_a_spreadsheet.csv",
    pd.Timestamp("2025-02-01"): "police_uk_leeds_2025-02_street.csv",
}
SEARCHES = "police_uk_leeds_stop_search_msoa21_monthly_2022-07_2025-07.csv"
OFFICIAL = "leeds_recorded_crime_csp_ye_jun2025.csv"
REAL_MONTHS = pd.date_range("2022-08-01", "2025-07-01", freq="MS")


@pytest.fixture(scope="module")
def types(dataset) -> dict[str, str]:
    """police.uk crime type -> indicator id (the fourteen types; total crime is checked separately)."""
    return {
        i.police_uk_crime_type: i.id
        for i in dataset.catalogue.police_uk_indicators()
        if i.police_uk_crime_type != "ALL_EXCEPT_ASB"
    }


@pytest.fixture(scope="module")
def series(shared_data, types) -> pd.DataFrame:
    """The MSOA series on a full grid: indicator x month x MSOA, zeros where the file has no row."""
    raw = pd.read_csv(shared_data / SERIES, dtype={"count": int})
    raw["period"] = pd.to_datetime(raw["month"] + "-01")
    raw["indicator"] = raw["crime_type"].map(types)
    assert raw["indicator"].notna().all()
    msoas = sorted(raw["msoa21_code"].unique())
    grid = pd.MultiIndex.from_product([sorted(types.values()), REAL_MONTHS, msoas])
    counts = raw.groupby(["indicator", "period", "msoa21_code"])["count"].sum().reindex(grid, fill_value=0)
    crimes = counts.drop(index=types["Anti-social behaviour"], level=0).groupby(level=[1, 2]).sum()
    total = pd.concat({"total_crime": crimes})
    return pd.concat([counts, total]).rename("value").rename_axis(["indicator", "period", "msoa"]).reset_index()


@pytest.fixture(scope="module")
def street(shared_data, types) -> pd.DataFrame:
    """The two whole street months counted per LSOA and indicator (byte-order mark and 'Mar-24' as found)."""
    frames = []
    for month, name in STREET.items():
        raw = pd.read_csv(shared_data / name, dtype=str, encoding="utf-8-sig", keep_default_na=False)
        raw["indicator"] = raw["Crime type"].map(types)
        counts = raw.groupby(["indicator", "LSOA code"]).size().rename("value").reset_index()
        crimes = raw[raw["indicator"] != types["Anti-social behaviour"]].groupby("LSOA code").size()
        total = crimes.rename("value").reset_index().assign(indicator="total_crime")
        frames.append(pd.concat([counts, total], ignore_index=True).assign(period=month))
    return pd.concat(frames, ignore_index=True).rename(columns={"LSOA code": "lsoa"})


@pytest.fixture(scope="module")
def memberships(shared_data) -> pd.DataFrame:
    """Each LSOA's MSOA (its name without the last letter) and ward (ONS best fit), from the source files."""
    lsoas = pd.read_csv(shared_data / "leeds_lsoa21_to_ward24.csv", dtype=str)
    msoas = pd.read_csv(shared_data / "leeds_msoa21_population_census2021.csv", dtype=str)
    wards = pd.read_csv(shared_data / "leeds_wards.csv", dtype=str)
    canonical = {}
    for column in ("ward_code_2018", "ward_code_2019", "ward_code_2025"):
        canonical.update(dict(zip(wards[column], wards["ward_code_2025"], strict=True)))
    by_name = dict(zip(msoas["msoa21_name"], msoas["msoa21_code"], strict=True))
    return pd.DataFrame(
        {
            "lsoa": lsoas["lsoa21_code"],
            "msoa": lsoas["lsoa21_name"].str[:-1].map(by_name),
            "ward": lsoas["ward24_code"].map(canonical),
        }
    )


def _figures(dataset, indicator: str, level: str) -> pd.Series:
    frame = monthly(dataset, indicator, level)
    return frame.set_index(["period", "area_code"])["value"]


def _statuses(dataset, indicator: str, level: str) -> pd.Series:
    frame = monthly(dataset, indicator, level)
    return frame.set_index(["period", "area_code"])["status"]


@pytest.mark.parametrize("indicator", ["total_crime", "asb", "violence_sexual", "drugs", "burglary", "bicycle_theft"])
def test_every_msoa_and_leeds_equal_the_series_every_month(dataset, series, street, indicator):
    expected = series[series["indicator"] == indicator]
    by_msoa = expected.set_index(["period", "msoa"])["value"]
    figures = _figures(dataset, indicator, "msoa")
    city = _figures(dataset, indicator, "city").xs(CITY_CODE, level=1)
    for month in REAL_MONTHS:
        if month in STREET:
            street_total = street[(street["indicator"] == indicator) & (street["period"] == month)]["value"].sum()
            assert city[month] == street_total, f"{month:%Y-%m} uses the street file"
            assert 0 <= by_msoa.xs(month).sum() - street_total <= 31  # British Transport Police crimes
            continue
        assert city[month] == by_msoa.xs(month).sum(), f"{indicator} {month:%Y-%m}"
        got = figures.xs(month).reindex(by_msoa.xs(month).index)
        assert (got.to_numpy() == by_msoa.xs(month).to_numpy()).all(), f"{indicator} {month:%Y-%m}"


def test_every_type_adds_up_in_leeds_in_every_real_month(dataset, series, types):
    for indicator in [*types.values(), "total_crime"]:
        expected = series[series["indicator"] == indicator].groupby("period")["value"].sum()
        city = _figures(dataset, indicator, "city").xs(CITY_CODE, level=1)
        months = [m for m in REAL_MONTHS if m not in STREET]
        assert (city.reindex(months).to_numpy() == expected.reindex(months).to_numpy()).all(), indicator
        assert set(_statuses(dataset, indicator, "city").xs(CITY_CODE, level=1).reindex(REAL_MONTHS)) == {"recorded"}


def test_areas_made_of_whole_msoas_are_recorded_and_equal_their_msoas(dataset, series, memberships):
    whole = memberships.groupby("msoa")["ward"].nunique() == 1
    ward_of = memberships.groupby("msoa")["ward"].first()[whole]
    made = [
        w
        for w, lsoas in memberships.groupby("ward")
        if lsoas["msoa"].map(whole).all() and set(ward_of[ward_of == w].index) == set(lsoas["msoa"])
    ]
    assert int(whole.sum()) == 88 and len(made) == 9
    expected = series[series["indicator"] == "total_crime"].assign(ward=lambda f: f["msoa"].map(ward_of))
    expected = expected[expected["ward"].isin(made)].groupby(["period", "ward"])["value"].sum()
    figures, statuses = _figures(dataset, "total_crime", "ward"), _statuses(dataset, "total_crime", "ward")
    for month in (m for m in REAL_MONTHS if m not in STREET):
        for ward in made:
            assert figures[(month, ward)] == expected[(month, ward)]
            assert statuses[(month, ward)] == "recorded"
    others = set(dataset.geography.level_areas("ward")["code"]) - set(made)
    assert {statuses[(REAL_MONTHS[0], w)] for w in others} == {"estimated"}


def test_every_lsoa_equals_the_street_files(dataset, street):
    for (indicator, month), expected in street.groupby(["indicator", "period"]):
        by_lsoa = expected.set_index("lsoa")["value"].reindex(dataset.geography.lsoa.index, fill_value=0)
        got = _figures(dataset, indicator, "lsoa").xs(month).reindex(by_lsoa.index)
        assert (got.to_numpy() == by_lsoa.to_numpy()).all(), f"{indicator} {month:%Y-%m}"
        assert set(_statuses(dataset, indicator, "lsoa").xs(month)) == {"recorded"}
    assert street.loc[street["indicator"] == "total_crime", "value"].sum() == 9408 + 8009 - 626 - 474


def test_estimates_add_up_exactly_to_the_recorded_totals_they_were_shared_from(dataset, series, memberships):
    msoa_of = memberships.set_index("lsoa")["msoa"]
    for indicator in ("total_crime", "asb", "bicycle_theft", "stop_search"):
        rows = dataset.rows(indicator)
        estimated = rows[rows["status"] == "estimated"]
        assert len(estimated) and (estimated["value"] == estimated["value"].round()).all()
        assert (estimated["value"] >= 0).all()
        summed = estimated.groupby([estimated["period"], estimated["area_code"].map(msoa_of)])["value"].sum()
        recorded = rows[(rows["status"] == "recorded") & rows["area_code"].str.startswith("E02")]
        totals = recorded.set_index(["period", "area_code"])["value"].reindex(summed.index)
        assert (summed.to_numpy() == totals.to_numpy()).all(), indicator
        if indicator != "stop_search":
            independent = series[series["indicator"] == indicator].set_index(["period", "msoa"])["value"]
            assert (summed.to_numpy() == independent.reindex(summed.index).to_numpy()).all(), indicator


def test_stop_and_search_equals_the_file_from_august_2022(dataset, shared_data):
    raw = pd.read_csv(shared_data / SEARCHES)
    raw["period"] = pd.to_datetime(raw["month"] + "-01")
    raw = raw[raw["period"] >= REAL_MONTHS[0]]
    city = _figures(dataset, "stop_search", "city").xs(CITY_CODE, level=1)
    assert city.index.min() == REAL_MONTHS[0] and city.index.max() == REAL_MONTHS[-1]
    assert (city.to_numpy() == raw.groupby("period")["searches"].sum().reindex(city.index).to_numpy()).all()
    by_msoa = raw.groupby(["period", "msoa21_code"])["searches"].sum()
    got = _figures(dataset, "stop_search", "msoa").reindex(by_msoa.index)
    assert (got.to_numpy() == by_msoa.to_numpy()).all()


def test_the_ledger_sets_the_police_uk_year_beside_the_official_total(dataset, shared_data, series, street):
    official = pd.read_csv(shared_data / OFFICIAL, dtype=str)
    leeds = int(official.loc[official["Community Safety Partnership name"] == "Leeds"].iloc[0, 7])
    assert leeds == 100_168
    months = pd.date_range("2024-07-01", "2025-06-01", freq="MS")
    total = series[series["indicator"] == "total_crime"].groupby("period")["value"].sum().reindex(months)
    february = street[(street["indicator"] == "total_crime") & (street["period"] == "2025-02-01")]["value"].sum()
    total[pd.Timestamp("2025-02-01")] = february
    (sentence,) = reference_totals(dataset)
    assert f"{int(total.sum()):,}" in sentence and "100,168" in sentence and "July 2024 to June 2025" in sentence
    assert "different counts" in sentence


def test_the_ledger_says_which_months_are_recorded_estimated_and_modelled_at_each_level(dataset):
    ledger = coverage_ledger(dataset)
    crime = ledger[ledger["Indicator"] == "Total recorded crime"].set_index("Area type")
    assert crime.loc["Small area (LSOA)", "Recorded"] == "March 2024, February 2025"
    assert crime.loc["Small area (LSOA)", "Modelled"] == "April 2016 to July 2022"
    assert crime.loc["Local area (MSOA)", "Recorded"] == "August 2022 to July 2025"
    assert crime.loc["Local area (MSOA)", "Estimated"] == "—"
    assert crime.loc["Leeds", "Recorded"] == "August 2022 to July 2025"
    assert crime.loc["Ward", "Estimated"].endswith("for 24 of 33 wards")
    hate = ledger[ledger["Indicator"] == "Hate-related incidents reported"]
    assert set(hate["Modelled"]) == {"April 2016 to July 2025"} and set(hate["Recorded"]) == {"—"}
