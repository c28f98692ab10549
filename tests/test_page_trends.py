"""The Trends page through AppTest: each kind of area, the shared filters, and the page's own choices."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit import dataframe_util

from tests.conftest import chart_download_keys, download_keys, open_numbers, page_text, run_app

pytestmark = pytest.mark.xdist_group("trends")  # one worker: see tests/README.md

CITY = "E08000035"
AREAS = [  # beyond the first two kinds of area, a sweep marked slow
    ("Ward", "Armley"),
    ("Community committee area", "Inner East"),
    pytest.param("Parliamentary constituency", "Leeds Central", marks=pytest.mark.slow),
    pytest.param("Priority neighbourhood", "New Wortley", marks=pytest.mark.slow),
]


def charts(app) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")]


def chart_data(app, index: int) -> list[pd.DataFrame]:
    """The tables a chart was sent with (Streamlit sends them beside the spec, as Arrow)."""
    proto = app.get("vega_lite_chart")[index].proto
    return [dataframe_util.convert_arrow_bytes_to_pandas_df(d.data.data) for d in proto.datasets]


def titles(app) -> list[str]:
    found = []
    for spec in charts(app):
        text = spec["title"]["text"]
        found.append(" ".join(text) if isinstance(text, list) else text)
    return found


@pytest.mark.parametrize(("level", "area"), AREAS)
def test_each_kind_of_area_is_charted_beside_leeds(level, area):
    app = run_app("pages/trends.py", {"level": level, "area": area})
    text = page_text(app)
    assert f"Total recorded crime (number) for {area} and Leeds" in text
    assert f"Real change or chance? {area}" in text and f"Seasons: {area}" in text
    assert len(charts(app)) == 5
    assert any('"Estimated"' in json.dumps(spec) for spec in charts(app))  # each status named
    notes = [frame for frame in chart_data(app, 0) if "note" in frame.columns]
    assert "Recorded police.uk data starts" in notes[0]["note"].iloc[0]  # the note is drawn
    table = app.dataframe[0].value
    assert set(table["Area"]) == {area, "Leeds"} and "Data" in table.columns


def test_shared_filters_change_what_is_shown():
    app = run_app("pages/trends.py", {"area": "Armley"})
    app.selectbox(key="indicator").set_value("burglary").run()
    assert "Burglary (number) for Armley and Leeds" in page_text(app)
    assert titles(app)[0] == "Burglary: month by month"
    app.radio(key="measure").set_value("rate").run()
    assert "Burglary (per 1,000 residents (Census 2021)) for Armley and Leeds" in page_text(app)
    app.selectbox(key="area").set_value("E05011406").run()
    assert "for Morley North and Leeds" in page_text(app)


def test_areas_can_be_added_and_leeds_removed():
    app = run_app("pages/trends.py", {"area": "Armley"})
    app.multiselect(key="areas").set_value(["CC-INNER-EAST", "E14000886"]).run()
    text = page_text(app)
    assert "for Armley, Inner East and Pudsey (parliamentary constituency)" in text
    assert "Areas of different sizes are hard to compare as numbers" in text
    app.button(key="use-rates").click().run()
    text = page_text(app)
    assert "(per 1,000 residents (Census 2021)) for Armley, Inner East and Pudsey (parliamentary constituency)" in text
    assert app.radio(key="measure").value == "rate"
    app.multiselect(key="areas").set_value([]).run()
    assert "(per 1,000 residents (Census 2021)) for Armley, August 2022" in page_text(app)


def test_months_shown_follow_the_span_and_end_with_the_period():
    app = run_app("pages/trends.py")
    assert "for Leeds, August 2022 to July 2025" in page_text(app)
    app.radio(key="span").set_value("all").run()
    assert "for Leeds, April 2016 to July 2025" in page_text(app)
    app.radio(key="span").set_value("period").run()
    assert "for Leeds, August 2023 to July 2025" in page_text(app)


def test_hidden_small_counts_hold_back_the_control_chart():
    app = run_app(
        "pages/trends.py",
        {"level": "Priority neighbourhood", "area": "New Wortley", "indicator": "Hate-related incidents reported"},
    )
    text = page_text(app)
    assert "monthly figures are not shown to protect privacy" in text
    assert "Not shown: there is no data, or some monthly counts are hidden to protect privacy." in text
    table = app.dataframe[0].value
    assert not table.iloc[:, 2].isin([str(n) for n in range(1, 5)]).any()  # no small count as it is


def test_an_indicator_not_published_for_the_area_says_so():
    app = run_app(
        "pages/trends.py",
        {
            "level": "Parliamentary constituency",
            "area": "Leeds Central",
            "indicator": "Public satisfaction and confidence",
        },
    )
    text = page_text(app)
    assert "Public satisfaction and confidence is not published for Leeds Central" in text
    assert "for Leeds," in text


KINDS = ("monthly", "rolling", "spc", "year_on_year", "seasonality")


def test_every_chart_says_what_it_shows_and_offers_its_picture_and_numbers():
    app = run_app("pages/trends.py", {"area": "Armley"})
    keys = download_keys(app)
    for kind in KINDS:
        assert chart_download_keys(f"trend-{kind}") <= keys
    assert "trend-table-csv" in keys
    captions = " ".join(c.value.replace("\\", "") for c in app.caption)
    for spec in charts(app):
        assert spec["description"] in captions  # the screen reader's sentence is on screen too
    expanders = [e.label for e in app.expander]
    assert expanders.count("Numbers behind this chart") == len(KINDS)


@pytest.mark.parametrize(
    ("kind", "columns"),
    [
        ("monthly", ["Area", "Month", "Value (number)", "Data"]),
        ("spc", ["Month", "Value (number)", "Average", "Lower control limit", "Upper control limit", "Signal", "Data"]),
        ("seasonality", ["Month", "Average (number)", "Lowest year", "Highest year", "Years of data"]),
    ],
)
def test_the_numbers_behind_a_chart_open_as_a_plain_table(kind, columns):
    app = run_app("pages/trends.py", {"area": "Armley"})
    numbers = open_numbers(app, f"trend-{kind}-numbers")
    assert list(numbers.columns[: len(columns)]) == columns
    if kind == "monthly":
        assert set(numbers["Area"]) == {"Armley", "Leeds"} and len(numbers) == 72
    if kind == "seasonality":
        assert list(numbers["Month"]) == [
            "Jan",
            "Feb",
            "Mar",
            "Apr",
            "May",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Oct",
            "Nov",
            "Dec",
        ]
