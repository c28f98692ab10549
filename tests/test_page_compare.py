"""The Compare page through AppTest: every kind of area labelled against Leeds, and picking an area."""

from __future__ import annotations

import json

import pytest

from saferleeds.analysis.aggregate import latest_period
from saferleeds.analysis.compare import compare_areas
from saferleeds.ui.compare import FUNNEL_SELECTION, PICKER_KEY, widget_key
from tests.conftest import chart_download_keys, download_keys, open_numbers, page_text, run_app

pytestmark = pytest.mark.xdist_group("compare")  # one worker: see tests/README.md

LEVELS = [
    ("Ward", 33, "Armley"),
    ("Community committee area", 10, "Inner East"),
    ("Parliamentary constituency", 8, "Leeds Central"),
    ("Priority neighbourhood", 6, "New Wortley"),
]
VERDICT = "Compared with the Leeds average"
LABELS = {
    "Significantly above the Leeds average",
    "Significantly below the Leeds average",
    "Not significantly different from the Leeds average",
}


def selection_key(dataset, kind: str, level: str = "ward") -> str:
    """The key of the funnel plot or the table, as the page names them for the default filters."""
    return widget_key(kind, compare_areas(dataset, "total_crime", level, latest_period(dataset)))


def table_codes(dataset) -> list[str]:
    return compare_areas(dataset, "total_crime", "ward", latest_period(dataset)).codes


@pytest.mark.parametrize(("level", "count", "area"), LEVELS)
def test_every_area_is_ranked_with_its_label(level, count, area):
    app = run_app("pages/compare.py", {"level": level})
    table = app.dataframe[0].value
    assert len(table) == count
    assert set(table[VERDICT]) <= LABELS and table[VERDICT].notna().all()
    assert area in set(table["Area"])
    spec = json.loads(app.get("vega_lite_chart")[0].proto.spec)
    assert spec["params"][0]["name"] == FUNNEL_SELECTION
    assert f"each of the {count} " in page_text(app)


def test_shared_filters_change_the_comparison():
    app = run_app("pages/compare.py")
    before = app.dataframe[0].value
    app.selectbox(key="indicator").set_value("drugs").run()
    after = app.dataframe[0].value
    assert "Drug offences recorded" in page_text(app)
    assert list(before["Area"]) != list(after["Area"])
    app.selectbox(key="level").set_value("committee").run()
    assert len(app.dataframe[0].value) == 10


def test_choosing_a_row_makes_it_the_shared_area_and_offers_its_profile(dataset):
    app = run_app("pages/compare.py")
    table = app.dataframe[0].value
    app.session_state[selection_key(dataset, "ranked")] = {"selection": {"rows": [2], "columns": [], "cells": []}}
    app.run()
    chosen = table["Area"].iloc[2]
    assert app.selectbox(key="area").value == table_codes(dataset)[2]  # kept in the URL like any filter
    assert f"{chosen}: " in page_text(app) and "the Leeds average" in page_text(app)
    app.button(key="open-profile").click().run()
    assert not app.exception
    # AppTest cannot follow a page switch to a page whose address differs from its file name
    # (/profiles is pages/profiles.py); the browser tests follow it for real.
    app.switch_page("pages/profiles.py").run()
    assert app.header[0].value == chosen


def test_clicking_a_point_on_the_funnel_plot_picks_that_area(dataset):
    app = run_app("pages/compare.py", {"level": "Community committee area"})
    app.session_state[selection_key(dataset, "funnel", "committee")] = {
        "selection": {FUNNEL_SELECTION: [{"code": "CC-OUTER-SOUTH"}]}
    }
    app.run()
    assert "Outer South: " in page_text(app)
    assert app.selectbox(key="area").value == "CC-OUTER-SOUTH"
    assert app.button(key="open-profile").label == "Open the profile of Outer South"
    spec = json.loads(app.get("vega_lite_chart")[0].proto.spec)
    assert any(layer["mark"].get("type") == "text" for layer in spec["layer"] if isinstance(layer["mark"], dict))
    app.selectbox(key="area").set_value("CC-INNER-EAST").run()  # the sidebar still rules
    assert "Inner East: " in page_text(app)


def test_the_shared_area_is_picked_until_another_is_chosen():
    app = run_app("pages/compare.py", {"area": "Armley"})
    assert "Armley: " in page_text(app)


def test_an_indicator_not_published_for_the_level_says_so():
    app = run_app("pages/compare.py", {"indicator": "Proven re-offending"})
    assert "Proven re-offending is not published for wards" in page_text(app)
    assert not app.dataframe


def test_an_area_can_be_chosen_from_a_list_as_well_as_by_clicking(dataset):
    app = run_app("pages/compare.py")
    assert app.selectbox(key=PICKER_KEY).value == "all"
    app.selectbox(key=PICKER_KEY).set_value("E05011385").run()
    assert app.selectbox(key="area").value == "E05011385"  # the same as clicking Armley's point
    assert "Armley: " in page_text(app) and app.button(key="open-profile").label == "Open the profile of Armley"
    assert app.selectbox(key=PICKER_KEY).value == "E05011385"


def test_the_funnel_plot_and_the_ranking_can_be_downloaded_and_read_as_a_table():
    app = run_app("pages/compare.py")
    assert chart_download_keys("funnel") | {"ranked-csv"} <= download_keys(app)
    spec = json.loads(app.get("vega_lite_chart")[0].proto.spec)
    assert spec["description"] in " ".join(c.value.replace("\\", "") for c in app.caption)
    numbers = open_numbers(app, "funnel-numbers")
    assert len(numbers) == 33 and VERDICT in numbers.columns
    assert set(numbers[VERDICT]) <= LABELS
