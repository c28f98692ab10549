"""Stop and search disproportionality: the Home Office ratio, its interval, and the default's figures."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from saferleeds.analysis.disproportionality import display_table, disproportionality, rate_ratios
from saferleeds.core.periods import Period

YEAR = Period(pd.Timestamp("2024-08-01"), pd.Timestamp("2025-07-01"))


def test_a_worked_example():
    counts = pd.Series({"Black": 60.0, "White": 100.0})
    residents = pd.Series({"Black": 2000.0, "White": 10000.0})
    table = rate_ratios(counts, residents, "White").set_index("group")
    assert table.at["Black", "rate"] == pytest.approx(30.0) and table.at["White", "rate"] == pytest.approx(10.0)
    assert table.at["Black", "ratio"] == pytest.approx(3.0)
    spread = 1.959964 * math.sqrt(1 / 60 + 1 / 100)
    assert table.at["Black", "low"] == pytest.approx(3 * math.exp(-spread), rel=1e-5)  # 2.18
    assert table.at["Black", "high"] == pytest.approx(3 * math.exp(spread), rel=1e-5)  # 4.13
    assert table.at["White", "ratio"] == pytest.approx(1.0)


def test_no_searches_gives_no_ratio_rather_than_zero_or_infinity():
    table = rate_ratios(pd.Series({"Other": 0.0, "White": 10.0}), pd.Series({"Other": 50.0, "White": 900.0}), "White")
    assert np.isnan(table.set_index("group").at["Other", "ratio"])


def test_the_interval_covers_a_known_ratio_about_95_times_in_100():
    rng = np.random.default_rng(11)
    residents = pd.Series({"Asian": 5000.0, "White": 40000.0})
    true_rates = {"Asian": 0.006, "White": 0.002}  # a true ratio of 3
    covered = 0
    trials = 1000
    for _ in range(trials):
        counts = pd.Series({g: float(rng.poisson(true_rates[g] * residents[g])) for g in residents.index})
        row = rate_ratios(counts, residents, "White").set_index("group").loc["Asian"]
        covered += bool(row["low"] <= 3.0 <= row["high"])
    assert 0.925 < covered / trials < 0.975


def test_leeds_is_recorded_and_equals_the_files(dataset, shared_data):
    searches = pd.read_csv(shared_data / "police_uk_leeds_stop_search_by_ethnicity_msoa21_monthly_2022-07_2025-07.csv")
    searches = searches[searches["month"].between("2024-08", "2025-07")]
    census = pd.read_csv(shared_data / "leeds_census2021_ts021_ethnicity_lsoa21.csv")
    (leeds,) = disproportionality(dataset, "stop_search", "city", YEAR)
    assert leeds.status == "recorded"
    table = leeds.table.set_index("group")
    assert "Unknown" not in table.index
    assert table.at["Asian", "count"] == searches.loc[searches["ethnicity_simple"] == "Asian", "searches"].sum()
    assert table.at["White", "residents"] == census["White"].sum()
    expected = (table.at["Black", "count"] / census.iloc[:, 6].sum()) / (
        table.at["White", "count"] / census["White"].sum()
    )
    assert table.at["Black", "ratio"] == pytest.approx(expected)


def test_wards_share_out_the_searches_of_split_msoas_and_say_so(dataset):
    (leeds,) = disproportionality(dataset, "stop_search", "city", YEAR)
    wards = disproportionality(dataset, "stop_search", "ward", YEAR)
    assert len(wards) == 33
    assert {w.status for w in wards} == {"recorded", "estimated"}
    assert sum(w.status == "recorded" for w in wards) == 9
    summed = sum(w.table.set_index("group")["count"] for w in wards)
    pd.testing.assert_series_equal(summed, leeds.table.set_index("group")["count"], check_names=False)
    committees = disproportionality(dataset, "stop_search", "committee", YEAR)
    assert len(committees) == 10
    shown = display_table(committees[0], dataset.catalogue.indicator("stop_search").breakdown, dataset.catalogue)
    assert "Residents (Census 2021)" in shown.columns and set(shown["Status"]) == {"Estimated"}


def test_no_breakdown_below_the_levels_the_catalogue_names(dataset):
    assert disproportionality(dataset, "stop_search", "lsoa", YEAR) == []
    assert disproportionality(dataset, "burglary", "ward", YEAR) == []
