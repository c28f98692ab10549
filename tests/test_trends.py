"""Trends on constructed data: control-chart rules, rolling averages, seasons, notes and hidden counts."""

from __future__ import annotations

import pandas as pd
import pytest

from saferleeds.analysis import stats, trend_notes, trend_numbers, trend_spc, trends
from saferleeds.core.geography import CITY_CODE
from saferleeds.core.periods import Period
from tests.builders import FIRST_MONTH, months, rows, with_values

pytestmark = pytest.mark.xdist_group("trends")  # one worker: see tests/README.md

ARMLEY = "E05011385"
PUDSEY_WARD = "E05011409"
NEW_WORTLEY = "PN-NEW-WORTLEY"


# ----------------------------------------------------------------------------- SPC rules (XmR chart)

SPIKE = [10, 14] * 10 + [40]
SHIFT = [10, 14] * 5 + [15] * 8
RISE = [20, 10] * 4 + [11, 12, 13, 14, 15, 16]
SHORT_RISE = [20, 10] * 4 + [11, 12, 13, 14]
FALL = [10, 20] * 4 + [19, 18, 17, 16, 15, 14]


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("one month far above the rest", SPIKE, {20: "outside"}),
        ("nine months in a row above the average", SHIFT, dict.fromkeys(range(9, 18), "shift_up")),
        ("seven months each higher than the last", RISE, dict.fromkeys(range(7, 14), "trend_up")),
        ("five months rising is not a trend", SHORT_RISE, {}),
        ("seven months each lower than the last", FALL, dict.fromkeys(range(7, 14), "trend_down")),
        ("alternating months", [10, 14] * 10, {}),
    ],
)
def test_control_chart_signals(name, values, expected):
    chart = stats.spc(pd.Series(values, dtype=float), run_length=7, trend_length=6)
    found = {i: s for i, s in enumerate(chart["signal"]) if s}
    assert found == expected, name


def test_control_limits_are_the_mean_plus_or_minus_2_66_mean_moving_ranges():
    chart = stats.spc(pd.Series(SPIKE, dtype=float))
    mean = 280 / 21
    moving_range = (19 * 4 + 26) / 20
    assert chart["mean"].iloc[0] == pytest.approx(mean)
    assert chart["upper"].iloc[0] == pytest.approx(mean + 2.66 * moving_range)
    assert chart["lower"].iloc[0] == 0  # counts cannot fall below zero


def _spc_frame(values: list[float], status: str = "recorded") -> pd.DataFrame:
    series = pd.DataFrame(
        {"period": months(len(values)), "shown": [float(v) for v in values], "status": status, "suppressed": False}
    )
    return trend_spc.spc_data(series, trend_spc.SpcRules(run_length=7, trend_length=6))[0]


def test_findings_name_each_run_once_in_words(dataset):
    indicator = dataset.catalogue.indicator("burglary")
    findings = trend_spc.spc_findings(_spc_frame(SHIFT), indicator, "count", "Armley")
    assert findings == [
        "From December 2022 to August 2023 (9 months): part of a run of 7 or more months above the average "
        "(a shift up)."
    ]
    spike = trend_spc.spc_findings(_spc_frame(SPIKE), indicator, "count", "Armley")
    assert spike == ["November 2023 (40): outside the control limits (above the upper limit)."]


def test_findings_say_so_when_there_is_no_signal_and_when_months_are_modelled(dataset):
    indicator = dataset.catalogue.indicator("burglary")
    quiet = trend_spc.spc_findings(_spc_frame([10, 14] * 10), indicator, "count", "Armley")
    assert len(quiet) == 1 and quiet[0].startswith("No signals for Armley")
    modelled = trend_spc.spc_findings(_spc_frame(SPIKE, "modelled"), indicator, "count", "Armley")
    assert "modelled, so the signal describes the model" in modelled[0]


# ----------------------------------------------------------------------------- series of one area


@pytest.fixture(scope="module")
def counting(dataset):
    """Burglary in Armley going 1, 2, ..., 24 and in Pudsey 10 a month; hate incidents in one small area."""
    values = pd.concat(
        [
            rows("burglary", ARMLEY, list(range(1, 25))),
            rows("burglary", PUDSEY_WARD, [10] * 24, status=["modelled"] * 12 + ["recorded"] * 12),
            rows("hate_incidents", dataset.geography.members(NEW_WORTLEY, "lsoa")[0], [0, 3, 7, 1, 9, 12] * 4),
        ],
        ignore_index=True,
    )
    return with_values(dataset, values)


def test_rolling_average_and_the_same_month_a_year_earlier(counting):
    series = trends.area_series(counting, "burglary", ARMLEY, "count")
    assert len(series) == 24
    assert series["rolling"].iloc[:11].isna().all()
    assert series["rolling"].iloc[11] == pytest.approx(6.5)  # the average of 1..12
    assert series["rolling"].iloc[23] == pytest.approx(18.5)  # the average of 13..24
    assert series["year_ago"].iloc[12] == 1
    assert series["year_on_year"].iloc[12] == pytest.approx(12.0)  # 13 against 1: up 1,200%


def test_rates_use_the_areas_residents(counting):
    population = counting.geography.population("ward")[ARMLEY]
    series = trends.area_series(counting, "burglary", ARMLEY, "rate")
    assert series["shown"].iloc[0] == pytest.approx(1000 / population)


def test_a_rolling_average_is_modelled_while_any_of_its_months_is(counting):
    series = trends.area_series(counting, "burglary", PUDSEY_WARD, "count")
    assert list(series["status"][:12]) == ["modelled"] * 12 and list(series["status"][12:]) == ["recorded"] * 12
    assert (series["rolling_status"][:23] == "modelled").all()
    assert series["rolling_status"].iloc[23] == "recorded"


def test_a_neighbourhoods_sensitive_months_are_held_back_and_its_rolling_year_rounded_but_not_a_wards(counting):
    neighbourhood = trends.area_series(counting, "hate_incidents", NEW_WORTLEY, "count")
    assert neighbourhood["suppressed"].all() and neighbourhood["shown"].isna().all()  # single months: never
    rolling_totals = (neighbourhood["rolling"].dropna() * 12).round(6)
    assert len(rolling_totals) == 13 and (rolling_totals % 5 == 0).all()  # 12-month totals, rounded to 5
    table = trend_numbers.trend_table(
        neighbourhood, counting.catalogue.indicator("hate_incidents"), "count", counting.catalogue
    )
    assert not table.iloc[:, 2].isin(["0", "1", "3", "7", "9", "12"]).any()
    ward = trends.area_series(counting, "hate_incidents", ARMLEY, "count")
    assert not ward["suppressed"].any() and ward["shown"].iloc[1] == 3


def test_seasons_average_each_calendar_month(counting):
    values = [float(m.month) for m in months(24)]
    series = pd.DataFrame({"period": months(24), "shown": values, "status": "recorded"})
    seasons = trends.seasonality(series, months(24)[-1], counting.catalogue.statuses)
    assert list(seasons["month"]) == list(trends.MONTH_NAMES)
    assert list(seasons["average"]) == [float(m) for m in range(1, 13)]
    assert seasons.loc[0, "index"] == pytest.approx(100 * (1 / 6.5 - 1))
    assert (seasons["years"] == 2).all()


def test_year_on_year_keeps_the_last_three_calendar_years(counting):
    series = trends.area_series(counting, "burglary", ARMLEY, "count")
    lines = trends.year_on_year(series, pd.Timestamp("2024-02-01"))
    assert sorted(set(lines["year"])) == ["2022", "2023", "2024"]
    assert lines.loc[lines["year"] == "2024", "month"].tolist() == ["Jan", "Feb"]


# ----------------------------------------------------------------------------- choosing what to show


def test_the_chosen_area_comes_first_and_leeds_stands_in_for_no_area():
    assert trends.areas_to_show(None, [CITY_CODE, ARMLEY]) == [CITY_CODE, ARMLEY]
    assert trends.areas_to_show(ARMLEY, [CITY_CODE, ARMLEY]) == [ARMLEY, CITY_CODE]
    assert len(trends.areas_to_show(ARMLEY, [f"X{i}" for i in range(10)])) == trends.MAX_AREAS


def test_names_shared_by_two_kinds_of_area_say_which_is_which(dataset):
    levels = {lv.id: lv.label for lv in dataset.catalogue.levels}
    assert trends.area_label(dataset.geography, PUDSEY_WARD, levels) == "Pudsey (ward)"
    assert trends.area_label(dataset.geography, "E14000886", levels) == "Pudsey (parliamentary constituency)"
    assert trends.area_label(dataset.geography, ARMLEY, levels) == "Armley"


def test_options_start_with_leeds_then_the_chosen_kind_of_area(dataset):
    options = trends.area_options(dataset.geography, "committee")
    assert options[0] == CITY_CODE
    assert options[1:11] == list(dataset.geography.level_areas("committee")["code"])
    assert len(options) == len(set(options))


@pytest.mark.parametrize(
    ("span", "first"),
    [("period", "2023-03-01"), ("3y", "2022-03-01"), ("5y", "2020-03-01"), ("all", "2016-04-01")],
)
def test_the_window_ends_with_the_period_and_reaches_back_by_span(dataset, span, first):
    period = Period(pd.Timestamp("2024-03-01"), pd.Timestamp("2025-02-01"))
    window = trends.shown_window(dataset.months, period, span)
    assert window.end == period.end and window.start == pd.Timestamp(first)


def test_notes_concern_every_indicator_or_the_ones_they_name():
    notes = pd.DataFrame(
        {
            "date": pd.to_datetime(["2022-05-10", "2022-07-01", "2022-08-01", "2019-01-01"]),
            "indicators": ["*", "burglary; asb", "drugs", "*"],
            "note": ["For all", "Burglary and ASB", "Drugs only", "Too early"],
        }
    )
    window = Period(FIRST_MONTH, pd.Timestamp("2023-02-01"))
    burglary = trend_notes.notes_for(notes, "burglary", window)
    assert list(burglary["note"]) == ["For all", "Burglary and ASB"]
    assert list(burglary["label"]) == ["1: 10 May 2022: For all", "2: 1 Jul 2022: Burglary and ASB"]
    assert list(trend_notes.notes_for(notes, "drugs", window)["note"]) == ["For all", "Drugs only"]


def test_the_view_names_areas_without_data_and_holds_back_charts_of_hidden_counts(counting):
    period = Period(pd.Timestamp("2023-03-01"), pd.Timestamp("2024-02-01"))
    view = trends.trend_view(counting, "burglary", [ARMLEY, "E14000886"], period, "count", "all")
    assert view.missing == ["Pudsey"]  # nothing stored for constituencies in this dataset
    assert view.area_names == ["Armley"] and not view.focus_hidden
    hidden = trends.trend_view(counting, "hate_incidents", [NEW_WORTLEY], period, "count", "all")
    assert hidden.focus_hidden and hidden.spc.empty and hidden.seasonality.empty
    assert hidden.hidden_months == 24  # every single month of a neighbourhood


def test_the_default_data_has_notes_on_its_trend_charts(dataset):
    period = Period(pd.Timestamp("2019-03-01"), pd.Timestamp("2020-06-01"))
    view = trends.trend_view(dataset, "total_crime", [ARMLEY, CITY_CODE], period, "rate", "period")
    assert "First national lockdown" in " ".join(view.notes["note"])
    assert "Armley" in view.description("monthly") and "dashed" in view.description("monthly")


def test_notes_within_the_year_on_year_chart_are_kept_for_it(dataset):
    period = Period(pd.Timestamp("2022-03-01"), pd.Timestamp("2023-02-01"))
    view = trends.trend_view(dataset, "total_crime", [ARMLEY], period, "count", "period")
    assert trends.year_span(period.end) == Period(pd.Timestamp("2021-01-01"), period.end)
    assert "Recorded police.uk data starts" in " ".join(view.year_notes["note"])


def test_a_series_without_rolling_averages_gives_the_same_months_and_a_table_without_them(counting):
    indicator = counting.catalogue.indicator("hate_incidents")
    full = trends.series_for(counting, "hate_incidents", [ARMLEY, NEW_WORTLEY], "count")
    lean = trends.series_for(counting, "hate_incidents", [ARMLEY, NEW_WORTLEY], "count", rolling=False)
    assert "rolling" not in lean and "rolling_status" not in lean
    pd.testing.assert_frame_equal(lean, full.drop(columns=["rolling", "rolling_status"]))
    full_table = trend_numbers.trend_table(full, indicator, "count", counting.catalogue)
    lean_table = trend_numbers.trend_table(lean, indicator, "count", counting.catalogue)
    assert "12-month average" in full_table and "12-month average" not in lean_table
    pd.testing.assert_frame_equal(lean_table, full_table.drop(columns=["12-month average"]))
