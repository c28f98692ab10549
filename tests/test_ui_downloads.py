"""Download buttons other pages call: PNG and SVG for a chart, CSV for a table (protected as on screen)."""

from __future__ import annotations

import csv
import io

import altair as alt
import pandas as pd
import pytest
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from saferleeds.ui import downloads

SCRIPT = """
import altair as alt
import pandas as pd
from saferleeds.ui.downloads import chart_downloads, numbers_table, table_download

chart = alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(x="x:Q", y="y:Q")
numbers = pd.DataFrame({"Month": ["Jan 2025", "Feb 2025"], "Crimes": ["3", "4"]})
chart_downloads(chart, "Monthly crimes in Armley", numbers=numbers)
numbers_table(lambda: numbers, "crimes-numbers", "Monthly crimes in Armley")
table_download(pd.DataFrame({"Area": ["Armley"], "Number": [12]}), "Armley areas")
"""


def test_every_chart_gets_png_svg_and_csv_buttons_and_every_table_a_csv_button():
    app = AppTest.from_string(SCRIPT).run()
    assert not app.exception
    buttons = {button.key: button.label for button in app.get("download_button")}
    assert buttons == {
        "download-monthly-crimes-in-armley-png": "Chart as PNG (print quality)",
        "download-monthly-crimes-in-armley-svg": "Chart as SVG (sharp at any size)",
        "download-monthly-crimes-in-armley-csv": "Numbers as CSV",
        "download-armley-areas-csv": "Download table (CSV)",
    }


def test_the_numbers_behind_a_chart_are_a_plain_table_made_only_when_opened():
    app = AppTest.from_string(SCRIPT).run()
    (expander,) = app.expander
    assert expander.label == "Numbers behind this chart" and not app.table  # closed: nothing built or sent
    app.session_state["crimes-numbers"] = True
    app.run()
    (table,) = app.table
    assert list(table.value["Crimes"]) == ["3", "4"]
    assert table.proto.alt == "The numbers of Monthly crimes in Armley"


@pytest.fixture
def pressed(monkeypatch) -> list[dict]:
    """Record what each download button would hand the browser."""
    calls: list[dict] = []

    def record(self, label, data, file_name=None, mime=None, **kwargs):
        calls.append({"label": label, "data": data() if callable(data) else data, "file": file_name, "mime": mime})
        return False

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    monkeypatch.setattr(st, "download_button", lambda *a, **k: record(None, *a, **k))
    return calls


def test_chart_downloads_draw_the_chart_when_pressed(pressed):
    chart = alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(x="x:Q", y="y:Q")
    downloads.chart_downloads(chart.properties(title="Crimes"), "Crimes by month")
    png, svg = pressed
    assert png["file"] == "crimes-by-month.png" and png["mime"] == "image/png"
    assert png["data"][:8] == b"\x89PNG\r\n\x1a\n"
    assert svg["file"] == "crimes-by-month.svg" and b"Crimes" in svg["data"]


def test_table_download_applies_disclosure_control_and_neutralises_formulas(pressed):
    frame = pd.DataFrame(
        {
            "name": ['=HYPERLINK("http://x")', "Armley"],
            "count": [3.0, 40.0],
            "value": [3.0, 40.0],
            "change_words": ["down 70%, a significant decrease", "no significant change"],
            "suppressed": [True, False],
        }
    )
    downloads.table_download(frame, "Small areas")
    (button,) = pressed
    assert button["file"] == "small-areas.csv" and button["mime"] == "text/csv"
    rows = list(csv.reader(io.StringIO(button["data"].decode("utf-8-sig"))))
    assert rows[1] == ['\'=HYPERLINK("http://x")', "<5", "<5", "not shown (small numbers)", "True"]
    assert rows[2] == ["Armley", "40.0", "40.0", "no significant change", "False"]


def test_a_page_chart_leaves_with_a_title_and_a_source_line(pressed):
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": "Line chart of crimes each month.",
        "data": {"values": [{"x": 1, "y": 3}, {"x": 2, "y": 4}]},
        "mark": "line",
        "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}},
        "autosize": {"type": "fit-x", "contains": "padding"},
    }
    downloads.chart_downloads(spec, "Crimes in Armley", source="Source: police.uk. Dashed lines are modelled.")
    png, svg = pressed
    text = svg["data"].decode()
    assert "Crimes in Armley" in text and "Source: police.uk. Dashed lines are modelled." in text
    assert png["data"][:8] == b"\x89PNG\r\n\x1a\n"


def test_a_chart_given_as_a_function_is_only_built_when_a_button_is_pressed(monkeypatch):
    built: list[str] = []

    def build() -> alt.Chart:
        built.append("chart")
        return alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(x="x:Q", y="y:Q")

    monkeypatch.setattr(DeltaGenerator, "download_button", lambda self, label, data, **kwargs: False)
    downloads.chart_downloads(build, "Crimes")
    assert built == []
