"""The Area profile page through AppTest: opened by a short address, for each kind of area."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.conftest import chart_download_keys, download_keys, open_numbers, page_text, run_app

pytestmark = pytest.mark.xdist_group("profiles")  # one worker: see tests/README.md


def links(app) -> dict[str, str]:
    """Profile links on the page: label -> query string."""
    return {link.proto.label: link.proto.query_string for link in app.get("page_link") if link.proto.query_string}


@pytest.mark.parametrize(
    ("place", "name", "kind", "expected_links"),
    [
        ("armley", "Armley", "Ward", {"Inner West", "Leeds West", "New Wortley"}),
        ("inner-east", "Inner East", "Community committee area", {"Gipton & Harehills", "Leeds East"}),
        pytest.param(  # beyond the first two kinds of area, a sweep marked slow
            "leeds-central",
            "Leeds Central",
            "Parliamentary constituency",
            {"Beeston & Holbeck", "Inner South"},
            marks=pytest.mark.slow,
        ),
        pytest.param(
            "new-wortley", "New Wortley", "Priority neighbourhood", {"Armley", "Inner West"}, marks=pytest.mark.slow
        ),
    ],
)
def test_a_short_address_opens_the_profile_of_each_kind_of_area(place, name, kind, expected_links):
    app = run_app("pages/profiles.py", {"place": place})
    text = page_text(app)
    assert app.header[0].value == name
    assert f"{kind} · " in text
    assert f"{name}, August 2024 to July 2025, compared with the same months a year earlier" in text
    for label in ("Up:", "Down:", "Against Leeds:", "How it was made:"):
        assert label in text
    assert "Key indicators against Leeds" in text and "Biggest increases" in text
    assert expected_links <= set(links(app))
    assert app.query_params["place"] == place
    assert app.selectbox(key="area").value == app.selectbox(key="place_picker").value
    specs = [json.loads(c.proto.spec) for c in app.get("vega_lite_chart")]
    assert any('"geoshape"' in json.dumps(s) for s in specs)  # the locator map
    assert any('"Estimated"' in json.dumps(s) for s in specs)  # the trend names its estimated months


def test_a_committee_area_lists_its_wards_with_links_to_their_profiles():
    app = run_app("pages/profiles.py", {"place": "inner-east"})
    assert "Wards in Inner East" in page_text(app)
    wards = app.dataframe[-1].value
    assert list(wards["Area"]) == ["Burmantofts & Richmond Hill", "Gipton & Harehills", "Killingbeck & Seacroft"]
    assert "Compared with the Leeds average" in wards.columns
    assert links(app)["Burmantofts & Richmond Hill"] == "place=burmantofts-richmond-hill"


def test_codes_of_any_vintage_open_the_same_profile_under_its_short_name():
    app = run_app("pages/profiles.py", {"place": "E05011385"})
    assert app.header[0].value == "Armley"
    assert app.query_params["place"] == "armley"


def test_the_profile_follows_the_shared_filters():
    app = run_app("pages/profiles.py", {"place": "inner-east"})
    assert "Trend: Total recorded crime" in page_text(app)
    app.selectbox(key="indicator").set_value("burglary").run()
    assert "Trend: Burglary" in page_text(app)
    app.selectbox(key="level").set_value("ward").run()
    app.selectbox(key="area").set_value("E05011385").run()
    assert app.header[0].value == "Armley"
    assert app.query_params["place"] == "armley"
    before = page_text(app)
    app.select_slider(key="period").set_value((pd.Timestamp("2021-04-01"), pd.Timestamp("2022-03-01"))).run()
    assert page_text(app) != before and "Armley, April 2021 to March 2022" in page_text(app)


def test_choosing_a_place_on_the_page_sets_the_shared_filters():
    app = run_app("pages/profiles.py")
    assert app.header[0].value == "Leeds"
    assert "Choose an area above" in page_text(app)
    app.selectbox(key="place_picker").set_value("E14000778").run()
    assert app.header[0].value == "Leeds East"
    assert app.selectbox(key="level").value == "constituency" and app.selectbox(key="area").value == "E14000778"


def test_an_unknown_place_says_so_and_shows_the_shared_area():
    app = run_app("pages/profiles.py", {"place": "atlantis", "area": "Armley"})
    assert "No area called “atlantis” was found" in page_text(app)
    assert app.header[0].value == "Armley"


def test_a_small_area_shows_the_local_area_it_is_in():
    app = run_app("pages/profiles.py", {"level": "Small area (LSOA)", "area": "Leeds 071D"})
    assert app.header[0].value == "Armley & New Wortley"  # its MSOA, by the House of Commons Library name
    assert "this is the local area (MSOA) that contains Leeds 071D" in page_text(app)


def test_every_chart_and_table_of_a_profile_can_be_downloaded(dataset):
    app = run_app("pages/profiles.py", {"place": "inner-east"})
    keys = download_keys(app)
    assert chart_download_keys("locator", numbers=False) <= keys  # a map of where the area is has no numbers
    assert chart_download_keys("profile-trend") <= keys
    for indicator in dataset.catalogue.key_indicators():
        if indicator.id != "reoffending":  # re-offending is not published for committee areas
            assert chart_download_keys(f"profile-key-{indicator.id}") <= keys
    assert {"key-table-csv", "members-csv"} <= keys
    key_table = next(t for t in app.table if t.proto.alt == "Key indicators for Inner East against Leeds")
    assert "People who feel safe in their local area" in set(key_table.value["Indicator"])


def test_the_numbers_behind_a_profile_chart_open_as_a_plain_table():
    app = run_app("pages/profiles.py", {"place": "new-wortley"})
    numbers = open_numbers(app, "profile-key-hate_incidents-numbers")
    assert list(numbers.columns) == ["Area", "Month", "Value (per 1,000 residents (Census 2021))", "Data"]
    assert set(numbers["Area"]) == {"New Wortley", "Leeds"}
    small = numbers.loc[numbers["Area"] == "New Wortley", "Value (per 1,000 residents (Census 2021))"]
    assert "<5" in set(small)  # hidden counts stay hidden in the table too


def test_an_area_the_data_no_longer_has_shows_leeds_with_a_note(monkeypatch):
    from saferleeds.analysis import profiles

    original = profiles.build_profile
    monkeypatch.setattr(profiles, "build_profile", lambda d, code, *a: None if code else original(d, code, *a))
    app = run_app("pages/profiles.py", {"area": "Armley"})
    assert "That area is not in the data now loaded, so this shows Leeds." in page_text(app)
    assert app.header[0].value == "Leeds"
