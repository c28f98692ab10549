"""The Overview page (the plan on a page) through AppTest: every shared filter changes what it shows."""

from __future__ import annotations

import pytest

from tests.conftest import download_keys, open_numbers, page_text, run_app

pytestmark = pytest.mark.xdist_group("overview")  # one worker: see tests/README.md


def tile_titles(app) -> list[str]:
    return [m.value.removeprefix("### ").replace("\\", "") for m in app.main.markdown if m.value.startswith("### ")]


def column_titles(app) -> list[str]:
    return [h.value for h in app.header]


@pytest.fixture(scope="module")
def default_app():
    return run_app()


def test_shows_the_outcome_and_three_priorities_with_key_indicators(default_app):
    text = page_text(default_app)
    assert "People in Leeds are safe and feel safe" in text
    assert column_titles(default_app) == [
        "Victim: Keeping people safe from harm",
        "Offender: Preventing and reducing offending",
        "Location: Creating safer, stronger communities",
    ]
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
    text = page_text(default_app)
    assert "significant" in text  # "no significant change" or "a significant increase/decrease"
    assert "Outcome target: 85% feel safe" in text
    assert "Modelled" in text


def test_context_indicators_are_never_coloured_good_or_bad(default_app):
    hate_block = next(m.value for m in default_app.markdown if "Hate" in m.value and "###" in m.value)
    index = [m.value for m in default_app.markdown].index(hate_block)
    following = [m.value for m in default_app.markdown][index : index + 4]
    assert not any(":red[" in v or ":green[" in v for v in following)


def test_choosing_a_priority_keeps_only_its_column():
    app = run_app(query={"priority": "Offender"})
    assert column_titles(app) == ["Offender: Preventing and reducing offending"]
    assert set(tile_titles(app)) == {"Drug offences", "Re-offending"}


def test_choosing_a_focus_theme_shows_the_indicators_of_that_theme():
    app = run_app(query={"theme": "Hate crime and community tensions"})
    assert set(tile_titles(app)) == {"Hate incidents", "Public order"}


def test_choosing_an_area_shows_it_beside_leeds(default_app):
    assert "Armley" not in page_text(default_app)
    app = run_app(query={"area": "Armley"})
    text = page_text(app)
    assert "Figures for **Armley** beside the Leeds figure" in "\n".join(m.value for m in app.markdown)
    assert "the Leeds average" in text  # the funnel verdict against Leeds


def test_a_constituency_says_when_survey_indicators_are_not_published_for_it():
    app = run_app(query={"level": "Parliamentary constituency", "area": "Leeds Central"})
    assert "Not available for parliamentary constituencies" in page_text(app)


def test_measure_switches_counts_to_rates(default_app):
    assert "per 1,000" not in page_text(default_app)
    app = run_app(query={"measure": "Rate per 1,000 residents"})
    assert "per 1,000" in page_text(app)


def test_period_changes_the_figures(default_app):
    app = run_app(query={"period": ["Mar 2023", "Feb 2024"]})
    assert "March 2023 to February 2024" in page_text(app)
    assert page_text(app) != page_text(default_app)


def test_a_tile_opens_the_trends_page_for_its_indicator_with_filters_kept():
    app = run_app(query={"area": "Armley"})
    app.button(key="trend-drugs").click().run()
    assert app.sidebar.selectbox(key="indicator").value == "drugs"
    assert app.sidebar.selectbox(key="area").value == "E05011385"
    assert "Drug offences recorded for Armley" in page_text(app)


def test_every_tile_chart_offers_its_picture_its_numbers_and_a_table_of_them(default_app, dataset):
    keys = download_keys(default_app)
    tiles = [i.id for i in dataset.catalogue.key_indicators()]
    for indicator in tiles:
        assert {f"tile-{indicator}-download-{kind}" for kind in ("png", "svg", "csv")} <= keys
    captions = [c.value.replace("\\", "") for c in default_app.caption]
    assert any(c.startswith("Line chart of total recorded crime (number) for Leeds each month") for c in captions)
    app = run_app(query={"area": "Armley"})
    numbers = open_numbers(app, "tile-total_crime-numbers")
    assert list(numbers.columns) == ["Area", "Month", "Value (number)", "Data"]
    assert set(numbers["Area"]) == {"Armley"} and len(numbers) == 24


def test_a_sensitive_tile_hides_small_monthly_counts_of_a_priority_neighbourhood():
    app = run_app(query={"level": "Priority neighbourhood", "area": "New Wortley"})
    numbers = open_numbers(app, "tile-hate_incidents-numbers")
    values = numbers["Value (number)"]
    assert "<5" in set(values)
    assert not any(v in {"1", "2", "3", "4"} for v in values)
