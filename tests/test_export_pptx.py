"""The board pack deck opens in python-pptx with the expected slides, titles, tables and pictures."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from saferleeds.analysis.area_summary import area_row, city_figures
from tests.packs import ARMLEY, PERIOD, file_for, pack_for

pytestmark = pytest.mark.xdist_group("board-pack")  # one worker: see tests/README.md


@pytest.fixture(scope="module")
def deck(dataset):
    return Presentation(io.BytesIO(file_for(dataset, "pptx")))


def slide_text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return "\n".join(parts)


def pictures(slide) -> list:
    return [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_the_deck_has_a_title_the_plan_a_slide_per_indicator_and_definitions(dataset, deck):
    pack = pack_for(dataset)
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert titles == [
        "Safer Leeds board pack: Armley",
        "The plan on a page: Armley beside Leeds",
        *[section.indicator.label for section in pack.sections],
        "Definitions, sources and what is modelled",
    ]
    assert len(deck.slides) == 2 + 9 + 1
    assert deck.slide_width / deck.slide_height == pytest.approx(16 / 9, rel=0.01)


def test_the_title_slide_gives_the_period_and_says_how_much_is_modelled(deck):
    text = slide_text(deck.slides[0])
    assert "March 2024 to February 2025, compared with the same months a year earlier" in text
    assert "9 of the 9 indicators in this pack are wholly or partly modelled" in text


def test_the_plan_on_a_page_shows_value_change_and_status_for_each_indicator(dataset, deck):
    tables = [shape.table for shape in deck.slides[1].shapes if shape.has_table]
    assert len(tables) == 1
    cells = [[cell.text for cell in row.cells] for row in tables[0].rows]
    assert cells[0] == ["Indicator", "Armley", "Change", "Compared with Leeds", "Leeds", "Status"]
    headings = [row[0] for row in cells if row[0].startswith(("Victim:", "Offender:", "Location:"))]
    assert headings == [
        "Victim: Keeping people safe from harm",
        "Offender: Preventing and reducing offending",
        "Location: Creating safer, stronger communities",
    ]
    crime = next(row for row in cells if row[0] == "Total recorded crime")
    figures = area_row(dataset, "total_crime", ARMLEY, PERIOD)
    leeds = city_figures(dataset, "total_crime", PERIOD)
    assert crime[1] == f"{figures['count']:,.0f}" and crime[4] == f"{leeds['count']:,.0f}"
    assert crime[2].startswith(figures["change_words"])
    assert crime[5] == "Partly modelled (11 of 12 months)"
    assert next(row for row in cells if row[0] == "Proven re-offending")[1] == "Not available for wards"


def test_each_indicator_slide_has_its_trend_chart_map_sentences_and_status(dataset, deck):
    pack = pack_for(dataset)
    for slide, section in zip(list(deck.slides)[2:-1], pack.sections, strict=True):
        shown = pictures(slide)
        expected = 2 if section.map is not None else 1
        assert len(shown) == expected, section.indicator.id
        for picture in shown:
            assert picture._element.nvPicPr.cNvPr.get("descr")  # alternative text
            assert picture.image.content_type == "image/png" and picture.image.size[0] > 1500
        text = slide_text(slide)
        assert section.sentences[0] in text
        assert f"Status: {section.status}." in text and "modelled" in text
        assert section.sentences[0] in slide.notes_slide.notes_text_frame.text
    reoffending = list(deck.slides)[2 + [s.indicator.id for s in pack.sections].index("reoffending")]
    assert "Proven re-offending is not published for wards, so there is no map." in slide_text(reoffending)


def test_the_last_slide_gives_definitions_sources_and_what_is_modelled(deck):
    text = slide_text(deck.slides[-1])
    assert "Crimes recorded by West Yorkshire Police in the area" in text
    assert "police.uk street-level crime" in text
    assert "Modelled: March 2023 to January 2025. Recorded: February 2025." in text
    assert "shown as '<5'" in text and "Open Government Licence" in text


def test_a_leeds_pack_has_no_comparison_column(dataset):
    deck = Presentation(io.BytesIO(file_for(dataset, "pptx", area=None, indicators=("drugs", "feel_safe"))))
    assert [s.shapes.title.text for s in deck.slides][:2] == [
        "Safer Leeds board pack: Leeds",
        "The plan on a page: Leeds",
    ]
    table = next(shape.table for shape in deck.slides[1].shapes if shape.has_table)
    assert [cell.text for cell in table.rows[0].cells] == ["Indicator", "Leeds", "Change", "Status"]
    assert len(deck.slides) == 5
    assert all(len(pictures(slide)) == 2 for slide in list(deck.slides)[2:4])
