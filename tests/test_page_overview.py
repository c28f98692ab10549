"""The Overview page (the plan on a page) through AppTest: every shared filter changes what it shows."""

from __future__ import annotations

import pytest

from tests.conftest import download_keys, open_numbers, page_text, run_app

pytestmark = pytest.mark.xdist_group("overview")  # one worker: see tests/README.md

PRIORITY_NAMES = [
    "Keeping people safe from harm",
    "Preventing and reducing offending",
    "Creating safer, stronger communities",
]


def tile_titles(app) -> list[str]:
    return [m.value.removeprefix("### ").replace("\\", "") for m in app.main.markdown if m.value.startswith("### ")]


def column_titles(app) -> list[str]:
    """The priorities' short headings (the page's other headings are not priorities)."""
    return [h.value for h in app.header if h.value in {"Victim", "Offender", "Location"}]


def tile_bodies(app) -> list[str]:
    return [str(h.proto.body) for h in app.get("html") if 'class="sl-tile"' in str(h.proto.body)]


def shown_text(app) -> str:
    """The page's words and the tiles' figures."""
    return page_text(app) + "\n" + "\n".join(tile_bodies(app))


@pytest.fixture(scope="module")
def default_app():
    return run_app()


def test_shows_the_outcome_and_three_priorities_with_key_indicators(default_app):
    text = page_text(default_app)
    assert "People in Leeds are safe and feel safe" in text
    assert column_titles(default_app) == ["Victim", "Offender", "Location"]
    captions = [c.value for c in default_app.caption]
    assert all(name in captions for name in PRIORITY_NAMES), "each short heading has the priority's full name below"
    assert len(tile_bodies(default_app)) == 9
    assert set(tile_titles(default_app)) == {
        "Hate incidents",
        "Domestic abuse reported",
        "Violence and sexual offences",
        "Drug offences",
        "Re-offending",
        "Feel safe",
        "Satisfaction and confidence",
        "Recorded crime",
        "Anti-social behaviour",
    }


def test_tiles_say_change_and_significance_in_words_and_show_the_target(default_app):
    text = shown_text(default_app)
    assert "significant" in text  # "no significant change" or "a significant increase/decrease"
    assert "Outcome target: 85% feel safe" in text
    assert "Modelled" in text


def test_every_tile_says_how_its_figure_was_made(default_app):
    for body in tile_bodies(default_app):
        assert 'class="sl-status"' in body
        assert any(word in body for word in ("Modelled", "Recorded", "Provisional", "Partly"))


def test_choosing_a_priority_keeps_only_its_column():
    app = run_app(query={"priority": "Offender"})
    assert column_titles(app) == ["Offender"]
    assert set(tile_titles(app)) == {"Drug offences", "Re-offending"}


def test_choosing_a_focus_theme_shows_the_indicators_of_that_theme():
    app = run_app(query={"theme": "Hate crime and community tensions"})
    assert set(tile_titles(app)) == {"Hate incidents", "Public order"}
    assert "No indicator of this priority has the chosen focus theme." in page_text(app)


def test_choosing_an_area_shows_it_beside_leeds(default_app):
    assert "Armley" not in page_text(default_app)
    app = run_app(query={"area": "Armley"})
    text = shown_text(app)
    assert "Figures for **Armley** beside the Leeds figure" in "\n".join(m.value for m in app.markdown)
    assert "the Leeds average" in text  # the funnel verdict against Leeds
    for body in tile_bodies(app):
        assert "Leeds: " in body or '"sl-where">Leeds<' in body, "every tile gives Leeds beside the area"


def test_a_constituency_says_when_survey_indicators_are_not_published_for_it():
    app = run_app(query={"level": "Parliamentary constituency", "area": "Leeds Central"})
    assert "Not available for parliamentary constituencies" in shown_text(app)


def test_measure_switches_counts_to_rates(default_app):
    tiles = "\n".join(tile_bodies(default_app))  # the panel of findings may speak of rates either way
    assert "per 1,000" not in tiles
    app = run_app(query={"measure": "Rate per 1,000 residents"})
    assert "per 1,000" in "\n".join(tile_bodies(app))


def test_period_changes_the_figures(default_app):
    app = run_app(query={"period": ["Mar 2023", "Feb 2024"]})
    assert "March 2023 to February 2024" in page_text(app)
    assert tile_bodies(app) != tile_bodies(default_app)


def test_a_tile_opens_the_trends_page_for_its_indicator_with_filters_kept():
    app = run_app(query={"area": "Armley"})
    app.button(key="trend-drugs").click().run()
    assert app.sidebar.selectbox(key="indicator").value == "drugs"
    assert app.sidebar.selectbox(key="area").value == "E05011385"
    assert "Drug offences recorded for Armley" in page_text(app)


def test_the_page_downloads_and_chart_descriptions_live_in_one_place(default_app, dataset):
    keys = download_keys(default_app)
    assert not any(key.startswith("tile-") for key in keys), "no tile carries downloads of its own"
    assert {"overview-figures-csv", "overview-months-csv"} <= keys
    assert {f"overview-chart-{kind}" for kind in ("png", "svg", "csv")} <= keys
    descriptions = [m.value.replace("\\", "") for m in default_app.markdown if "Line chart of" in m.value]
    assert len(descriptions) == 1, "the charts are described together, not on every tile"
    for indicator in dataset.catalogue.key_indicators():
        assert f"Line chart of {indicator.label.lower()}" in descriptions[0]
    assert not any(c.value.startswith("Line chart of") for c in default_app.caption)


def test_the_numbers_behind_the_small_charts_are_one_table(dataset):
    app = run_app(query={"area": "Armley"})
    numbers = open_numbers(app, "overview-numbers")
    assert list(numbers.columns) == ["Indicator", "Area", "Month", "Unit", "Value", "Data"]
    crime = numbers[numbers["Indicator"] == dataset.catalogue.indicator("total_crime").label]
    assert set(crime["Area"]) == {"Armley"} and len(crime) == 24


def test_a_sensitive_tile_hides_small_monthly_counts_of_a_priority_neighbourhood(dataset):
    app = run_app(query={"level": "Priority neighbourhood", "area": "New Wortley"})
    numbers = open_numbers(app, "overview-numbers")
    hate = numbers[numbers["Indicator"] == dataset.catalogue.indicator("hate_incidents").label]
    assert "<5" in set(hate["Value"])
    assert not any(v in {"1", "2", "3", "4"} for v in hate["Value"])
