"""Aggregation, rates, change, funnels and disclosure on constructed values with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from saferleeds.analysis.aggregate import area_monthly, monthly
from saferleeds.analysis.area_summary import CHANGE_WITHHELD, city_figures, summarise
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period
from saferleeds.core.values import normalise

MONTHS = pd.date_range("2023-03-01", "2025-02-01", freq="MS")
LAST_YEAR = Period(pd.Timestamp("2024-03-01"), pd.Timestamp("2025-02-01"))


def constructed(base: Dataset, rows: pd.DataFrame, status: str = "recorded") -> Dataset:
    """A dataset with the real geography and catalogue and the given values (a fresh memo)."""
    frame = rows.copy()
    for column, default in (("denominator", np.nan), ("status", status), ("source", "constructed for a test")):
        if column not in frame:
            frame[column] = default
    values = normalise(frame)
    by_indicator = {str(k): f.reset_index(drop=True) for k, f in values.groupby("indicator", sort=True)}
    return Dataset(
        paths=base.paths,
        version="constructed",
        catalogue=base.catalogue,
        geography=base.geography,
        values=values,
        annotations=base.annotations,
        by_indicator=by_indicator,
    )


def lsoa_grid(dataset: Dataset, indicator: str, values: np.ndarray) -> pd.DataFrame:
    """Rows for every month x LSOA; ``values`` has shape (months, LSOAs)."""
    codes = dataset.geography.lsoa.index
    return pd.DataFrame(
        {
            "indicator": indicator,
            "area_code": np.tile(codes, len(MONTHS)),
            "period": np.repeat(MONTHS, len(codes)),
            "value": values.ravel().astype(float),
        }
    )


@pytest.fixture(scope="module")
def random_counts(dataset) -> tuple[Dataset, pd.DataFrame]:
    rng = np.random.default_rng(1)
    counts = rng.poisson(3.0, size=(len(MONTHS), len(dataset.geography.lsoa)))
    rows = lsoa_grid(dataset, "burglary", counts)
    return constructed(dataset, rows), rows


# ----------------------------------------------------------------------------- aggregation


@pytest.mark.parametrize("level", ["neighbourhood", "ward", "committee", "constituency", "city"])
def test_counts_sum_upwards_exactly(random_counts, level):
    dataset, rows = random_counts
    parent = dataset.geography.lsoa[dataset.geography.code_column(level)]
    expected = rows.assign(area=rows["area_code"].map(parent)).dropna(subset=["area"])
    expected = expected.groupby(["area", "period"])["value"].sum()
    got = monthly(dataset, "burglary", level).set_index(["area_code", "period"])["value"]
    got.index = got.index.set_names(["area", "period"])
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False, check_index_type=False)


def test_ward_totals_equal_the_city_total(random_counts):
    dataset, rows = random_counts
    wards = summarise(dataset, "burglary", "ward", LAST_YEAR)
    city = summarise(dataset, "burglary", "city", LAST_YEAR)
    assert wards["count"].sum() == city["count"].iloc[0]
    assert city["count"].iloc[0] == rows.loc[LAST_YEAR.contains(rows["period"]), "value"].sum()
    for level in ("committee", "constituency", "lsoa"):
        assert summarise(dataset, "burglary", level, LAST_YEAR)["count"].sum() == city["count"].iloc[0]


def test_percentages_reaggregate_from_numerator_and_denominator(dataset):
    wards = dataset.geography.level_areas("ward")["code"].to_numpy()
    rng = np.random.default_rng(2)
    respondents = rng.integers(10, 200, size=(len(MONTHS), len(wards)))
    agreeing = np.floor(respondents * rng.uniform(0.5, 0.95, size=respondents.shape))
    rows = pd.DataFrame(
        {
            "indicator": "feel_safe",
            "area_code": np.tile(wards, len(MONTHS)),
            "period": np.repeat(MONTHS, len(wards)),
            "value": agreeing.ravel(),
            "denominator": respondents.ravel().astype(float),
        }
    )
    data = constructed(dataset, rows)
    committees = summarise(data, "feel_safe", "committee", LAST_YEAR).set_index("code")
    window = rows[LAST_YEAR.contains(rows["period"]).to_numpy()]
    window = window.assign(committee=window["area_code"].map(data.geography.parent_map("ward", "committee")))
    pooled = window.groupby("committee")[["value", "denominator"]].sum()
    expected = 100 * pooled["value"] / pooled["denominator"]
    pd.testing.assert_series_equal(committees["value"].sort_index(), expected.sort_index(), check_names=False)
    # Not the average of the wards' percentages, which weights a ward of 10 respondents like one of 200.
    ward_percent = window.groupby(["committee", "area_code"])[["value", "denominator"]].sum()
    averaged = (100 * ward_percent["value"] / ward_percent["denominator"]).groupby(level=0).mean()
    assert not np.allclose(averaged.sort_index(), expected.sort_index())
    city = city_figures(data, "feel_safe", LAST_YEAR)
    assert city["value"] == pytest.approx(100 * window["value"].sum() / window["denominator"].sum())


def test_rates_are_per_1000_residents(random_counts):
    dataset, _ = random_counts
    table = summarise(dataset, "burglary", "ward", LAST_YEAR, measure="rate")
    np.testing.assert_allclose(table["value"], 1000 * table["count"] / table["population"])
    assert table["display"].iloc[0].endswith(" per 1,000")


# ----------------------------------------------------------------------------- periods and change


@pytest.mark.parametrize(
    ("start", "end", "before_start", "before_end"),
    [
        ("2024-03-01", "2025-02-01", "2023-03-01", "2024-02-01"),  # 12 months: the 12 before
        ("2025-02-01", "2025-02-01", "2024-02-01", "2024-02-01"),  # one month: a year earlier
        ("2024-12-01", "2025-02-01", "2023-12-01", "2024-02-01"),  # a quarter: a year earlier
        ("2023-03-01", "2025-02-01", "2021-03-01", "2023-02-01"),  # two years: the two before
    ],
)
def test_period_comparison(start, end, before_start, before_end):
    comparison = Period(pd.Timestamp(start), pd.Timestamp(end)).comparison()
    assert comparison == Period(pd.Timestamp(before_start), pd.Timestamp(before_end))


def test_period_words():
    assert LAST_YEAR.months == 12
    assert LAST_YEAR.label() == "March 2024 to February 2025"
    assert Period(pd.Timestamp("2025-02-01"), pd.Timestamp("2025-02-01")).label() == "February 2025"


def _city_series(dataset: Dataset, indicator: str, previous: list[int], current: list[int]) -> Dataset:
    """All of the city's counts in one LSOA: 12 months before, then the last 12."""
    rows = pd.DataFrame(
        {
            "indicator": indicator,
            "area_code": dataset.geography.lsoa.index[0],
            "period": MONTHS,
            "value": np.array(previous + current, dtype=float),
        }
    )
    return constructed(dataset, rows)


PREVIOUS_10000 = [833] * 11 + [837]
CURRENT_11400 = [950] * 12


@pytest.mark.parametrize(
    ("indicator", "previous", "current", "words", "judgement"),
    [
        ("burglary", PREVIOUS_10000, CURRENT_11400, "up 14%, a significant increase", "worse"),
        ("burglary", CURRENT_11400, PREVIOUS_10000, "down 12%, a significant decrease", "better"),
        ("burglary", [100] * 12, [101] * 12, "no significant change (up 1%)", "neutral"),
        # The same count over 365 days against 366 (February 2024) is a slightly higher daily rate.
        ("burglary", [1000] * 12, [1000] * 12, "no significant change (up 0.3%)", "neutral"),
        ("hate_incidents", PREVIOUS_10000, CURRENT_11400, "up 14%, a significant increase", "neutral"),
        ("domestic_abuse", CURRENT_11400, PREVIOUS_10000, "down 12%, a significant decrease", "neutral"),
    ],
)
def test_change_on_the_previous_12_months(dataset, indicator, previous, current, words, judgement):
    data = _city_series(dataset, indicator, previous, current)
    city = city_figures(data, indicator, LAST_YEAR)
    assert (city["count"], city["previous_count"]) == (sum(current), sum(previous))
    assert city["change_words"] == words
    assert city["judgement"] == judgement
    assert city["periods_status"] == "both recorded"


def test_february_against_a_leap_february_at_the_same_daily_rate_is_no_change(dataset):
    lsoa = dataset.geography.lsoa.index[0]
    rows = pd.DataFrame(
        {
            "indicator": "burglary",
            "area_code": lsoa,
            "period": pd.to_datetime(["2024-02-01", "2025-02-01"]),
            "value": [29_000.0, 28_000.0],  # 1,000 a day
        }
    )
    data = constructed(dataset, rows)
    february = Period(pd.Timestamp("2025-02-01"), pd.Timestamp("2025-02-01"))
    city = city_figures(data, "burglary", february)
    assert city["change"] == pytest.approx(0.0) and city["change_words"] == "no significant change"


def test_a_change_on_modelled_figures_says_so_and_names_both_periods(dataset):
    rows = pd.DataFrame(
        {
            "indicator": "burglary",
            "area_code": dataset.geography.lsoa.index[0],
            "period": MONTHS,
            "value": np.array(PREVIOUS_10000 + CURRENT_11400, dtype=float),
            "status": ["modelled"] * 12 + ["recorded"] * 12,
        }
    )
    city = city_figures(constructed(dataset, rows), "burglary", LAST_YEAR)
    assert city["change_words"] == "up 14%, a significant increase; recorded against modelled a year earlier"
    assert city["periods_status"] == "recorded, against modelled a year earlier"


def test_context_indicators_are_always_judged_neutral(dataset):
    rng = np.random.default_rng(3)
    growth = np.linspace(1, 3, len(MONTHS))[:, None]
    counts = rng.poisson(2.0 * growth, size=(len(MONTHS), len(dataset.geography.lsoa)))
    for indicator in ("hate_incidents", "domestic_abuse"):
        data = constructed(dataset, lsoa_grid(dataset, indicator, counts))
        for level in ("ward", "committee", "city"):
            table = summarise(data, indicator, level, LAST_YEAR)
            assert (table["change_direction"] == "up").any()
            assert set(table["judgement"]) == {"neutral"}


# ----------------------------------------------------------------------------- funnels and disclosure


def test_funnel_verdict_for_an_area_far_above_leeds(dataset):
    population = dataset.geography.lsoa["population"].to_numpy()
    ward_of = dataset.geography.lsoa["ward_code"]
    high_ward = dataset.geography.recognise_name("Armley", level="ward")[1]
    factor = np.where(ward_of.to_numpy() == high_ward, 3.0, 1.0)
    per_month = np.round(population * factor * 0.005)
    data = constructed(dataset, lsoa_grid(dataset, "burglary", np.tile(per_month, (len(MONTHS), 1))))
    table = summarise(data, "burglary", "ward", LAST_YEAR, measure="rate").set_index("code")
    armley = table.loc[high_ward]
    assert armley["verdict"] == "significantly above"
    assert armley["beyond_outer"]
    assert armley["funnel_inner_low"] < armley["funnel_target"] < armley["funnel_inner_high"]
    city = city_figures(data, "burglary", LAST_YEAR, measure="rate")
    assert table["funnel_target"].iloc[0] == pytest.approx(city["value"])
    assert city["verdict"] == "not compared"


def _twelve_months_in(dataset: Dataset, indicator: str, totals: dict[str, float]) -> Dataset:
    """Each named area's count spread over the 12 months of LAST_YEAR (the total in its last month)."""
    months = pd.date_range(LAST_YEAR.start, LAST_YEAR.end, freq="MS")
    frames = [
        pd.DataFrame({"indicator": indicator, "area_code": code, "period": months, "value": [0.0] * 11 + [total]})
        for code, total in totals.items()
    ]
    return constructed(dataset, pd.concat(frames, ignore_index=True))


@pytest.mark.parametrize(
    ("indicator", "shown"),
    [
        ("violence_sexual", ["0", "<5", "<5", "5", "5", "10", "45"]),
        ("hate_incidents", ["0", "<5", "<5", "5", "5", "10", "45"]),
        ("burglary", ["0", "1", "4", "5", "7", "8", "47"]),
    ],
)
def test_small_area_counts_of_sensitive_indicators_are_hidden_or_rounded_to_5(dataset, indicator, shown):
    codes = list(dataset.geography.lsoa.index[:7])
    data = _twelve_months_in(dataset, indicator, dict(zip(codes, [0.0, 1.0, 4.0, 5.0, 7.0, 8.0, 47.0], strict=True)))
    table = summarise(data, indicator, "lsoa", LAST_YEAR).set_index("code").loc[codes]
    assert list(table["display"].iloc[:1]) == shown[:1]
    hidden = table["display"].isin(["<5", "withheld"])
    assert list(table["suppressed"]) == list(hidden)
    visible = ~hidden
    assert list(table.loc[visible, "display"]) == [s for s, h in zip(shown, hidden, strict=True) if not h]
    assert table.loc[hidden, "count"].isna().all()  # a hidden count never appears as a number


def test_sensitive_small_area_counts_are_shown_for_12_months_at_a_time(dataset):
    codes = list(dataset.geography.lsoa.index[:3])
    data = _twelve_months_in(dataset, "domestic_abuse", dict(zip(codes, [30.0, 60.0, 90.0], strict=True)))
    month = Period(pd.Timestamp("2025-02-01"), pd.Timestamp("2025-02-01"))
    table = summarise(data, "domestic_abuse", "lsoa", month).set_index("code").loc[codes]
    assert (table["display"] == "withheld").all() and table["count"].isna().all()
    wards = summarise(data, "domestic_abuse", "ward", month)
    assert wards["count"].sum() == 180  # coarser levels stay exact


@pytest.mark.parametrize(("level", "suppressed"), [("neighbourhood", True), ("ward", False), ("city", False)])
def test_disclosure_control_by_level(dataset, level, suppressed):
    lsoa = dataset.geography.members(dataset.geography.recognise_name("New Wortley")[1], "lsoa")[0]
    data = _twelve_months_in(dataset, "domestic_abuse", {lsoa: 3.0})
    table = summarise(data, "domestic_abuse", level, LAST_YEAR)
    row = table[table["months"] > 0].iloc[0] if level != "neighbourhood" else table[table["suppressed"]].iloc[0]
    assert bool(row["suppressed"]) is suppressed
    assert row["display"] == ("<5" if suppressed else "3")


def test_modelled_rows_are_labelled(random_counts, dataset):
    _, rows = random_counts
    data = constructed(dataset, rows, status="modelled")
    table = summarise(data, "burglary", "ward", LAST_YEAR)
    assert set(table["status"]) == {"modelled"}
    series = area_monthly(data, "burglary", dataset.geography.recognise_name("Armley", level="ward")[1])
    assert set(series["status"]) == {"modelled"}


def test_disclosure_withholds_rank_change_verdict_and_limits_that_would_reveal_a_small_count(dataset):
    table = summarise(dataset, "hate_incidents", "lsoa", LAST_YEAR)
    hidden = table[table["suppressed"]]
    assert len(hidden) > 0
    assert hidden["rank"].isna().all() and hidden["value"].isna().all() and hidden["count"].isna().all()
    assert (hidden["change_words"] == CHANGE_WITHHELD).all() and hidden["change"].isna().all()
    assert (hidden["verdict"] == "not compared").all() and (hidden["funnel_position"] == "withheld").all()
    assert hidden[[c for c in table.columns if c.startswith("funnel_") and c != "funnel_position"]].isna().all().all()
    assert set(hidden["display"]) <= {"<5", "withheld"}
    previous_small = table[~table["suppressed"] & table["previous_disclosure"].isin(["hidden", "withheld"])]
    assert len(previous_small) > 0
    assert (previous_small["change_words"] == CHANGE_WITHHELD).all()
    shown = table[~table["change_withheld"]]
    assert (shown["change_words"] != CHANGE_WITHHELD).all()
    assert (np.mod(table.loc[~table["suppressed"], "count"], 5) == 0).all()  # shown counts are rounded


def test_wards_are_never_rounded_or_hidden_only_withheld_where_a_small_count_could_be_worked_out(dataset):
    table = summarise(dataset, "hate_incidents", "ward", LAST_YEAR)
    assert set(table["disclosure"]) <= {"", "withheld"}  # exact, or withheld by secondary suppression
    shown = table["disclosure"] == ""
    assert shown.sum() > len(table) / 2 and table.loc[shown, "rank"].notna().all()
    assert table.loc[~shown, "count"].isna().all() and (table.loc[~shown, "display"] == "withheld").all()
