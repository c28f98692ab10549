"""The board pack deck opens in python-pptx: 16:9 slides, numbered, that keep inside the slide, with
pictures that carry the same alternative text as the screen and the PDF."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn

from saferleeds.analysis.area_summary import area_row, city_figures
from saferleeds.analysis.attention import KIND_LABELS, summary_words, what_needs_attention
from tests.packs import ARMLEY, KEY_INDICATORS, PERIOD, file_for, pack_for

pytestmark = pytest.mark.xdist_group("board-pack")  # one worker: see tests/README.md

DEFINITIONS = "Definitions, sources and what is modelled"
ATTENTION, PLAN, FIRST_INDICATOR = 1, 2, 3  # slides counted from 0, after the front slide
FIRST_DEFINITIONS = FIRST_INDICATOR + len(KEY_INDICATORS)


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


def titles(deck) -> list[str]:
    return [slide.shapes.title.text for slide in deck.slides]


def test_the_deck_has_a_front_slide_attention_the_plan_a_slide_per_indicator_and_definitions(dataset, deck):
    pack = pack_for(dataset)
    found = titles(deck)
    assert found[:FIRST_DEFINITIONS] == [
        "Safer Leeds board pack: Armley",
        "What needs attention: Armley",
        "The plan on a page: Armley beside Leeds",
        *[section.indicator.label for section in pack.sections],
    ]
    assert found[FIRST_DEFINITIONS] == DEFINITIONS
    assert all(t == f"{DEFINITIONS} (continued)" for t in found[FIRST_DEFINITIONS + 1 :])
    assert deck.slide_width / deck.slide_height == pytest.approx(16 / 9, rel=0.01)


def test_every_slide_is_numbered_and_keeps_inside_the_slide(deck):
    for number, slide in enumerate(deck.slides, start=1):
        fields = slide.shapes._spTree.findall(".//" + qn("a:fld"))
        assert [f.get("type") for f in fields] == ["slidenum"]
        assert fields[0].findtext(qn("a:t")) == str(number)
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= deck.slide_width and shape.top + shape.height <= deck.slide_height


def test_the_front_slide_names_the_area_period_date_and_sources(dataset, deck):
    pack = pack_for(dataset)
    text = slide_text(deck.slides[0])
    assert f"{PERIOD.label()}, compared with the same months a year earlier" in text
    assert "Area: Armley (ward)" in text and f"Prepared: {pack.created:%-d %B %Y}" in text
    assert "9 of the 9 indicators in this pack are wholly or partly estimated or modelled" in text
    assert "Where the numbers come from" in text and "Open Government Licence" in text


def test_what_needs_attention_lists_the_findings_of_the_overview_with_their_status(dataset, deck):
    found = what_needs_attention(dataset, ARMLEY, "ward", PERIOD)
    slide = deck.slides[ATTENTION]
    (table,) = [shape.table for shape in slide.shapes if shape.has_table]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == ["", "Finding", "Status"]
    statuses = dataset.catalogue.statuses
    assert cells[1:] == [
        [str(rank), f"{KIND_LABELS[f.kind]}: {f.sentence}", statuses.label(f.status)]
        for rank, f in enumerate(found.findings, start=1)
    ]
    assert summary_words(found) in slide_text(slide)
    assert found.findings[0].sentence in slide.notes_slide.notes_text_frame.text


def test_the_plan_on_a_page_shows_value_change_and_status_for_each_indicator(dataset, deck):
    tables = [shape.table for shape in deck.slides[PLAN].shapes if shape.has_table]
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
    assert (
        crime[5] == "Partly estimated (11 of 12 months)" and figures["status"] == "partly estimated (11 of 12 months)"
    )
    assert next(row for row in cells if row[0] == "Proven re-offending")[1] == "Not available for wards"


def test_each_indicator_slide_leads_with_the_sentence_that_matters_and_has_its_pictures(dataset, deck):
    pack = pack_for(dataset)
    for slide, section in zip(list(deck.slides)[FIRST_INDICATOR:FIRST_DEFINITIONS], pack.sections, strict=True):
        shown = pictures(slide)
        assert [p._element.nvPicPr.cNvPr.get("descr") for p in shown] == [p.description for p in section.pictures]
        for picture in shown:
            assert picture.image.content_type == "image/png" and picture.image.size[0] > 1000
        boxes = [shape for shape in slide.shapes if shape.has_text_frame and shape != slide.shapes.title]
        assert boxes[0].text_frame.text == section.headline  # said first, under the title
        text = slide_text(slide)
        assert f"Status: {section.status}." in text
        assert section.headline in slide.notes_slide.notes_text_frame.text
    reoffending = list(deck.slides)[FIRST_INDICATOR + [s.indicator.id for s in pack.sections].index("reoffending")]
    assert "Proven re-offending is not published for wards, so there is no map." in slide_text(reoffending)


def test_the_definitions_give_sources_and_what_is_modelled(deck):
    text = "\n".join(slide_text(slide) for slide in list(deck.slides)[FIRST_DEFINITIONS:])
    assert "Crimes recorded by West Yorkshire Police in the area" in text
    assert "police.uk street-level crime" in text
    assert (
        "Estimated in places: August 2023 to February 2024, April 2024 to January 2025, March 2025 to July 2025. "
        "Recorded: March 2024, February 2025."
    ) in text
    assert "Every month is modelled, not recorded data." in text
    assert "shown as '<5'" in text and "Open Government Licence" in text


def test_a_leeds_pack_has_no_comparison_column(dataset):
    deck = Presentation(io.BytesIO(file_for(dataset, "pptx", area=None, indicators=("drugs", "feel_safe"))))
    found = titles(deck)
    assert found[0] == "Safer Leeds board pack: Leeds" and found[1] == "What needs attention: Leeds"
    plan = found.index("The plan on a page: Leeds")
    assert all(title.startswith("What needs attention: Leeds") for title in found[1:plan])
    table = next(shape.table for shape in deck.slides[plan].shapes if shape.has_table)
    assert [cell.text for cell in table.rows[0].cells] == ["Indicator", "Leeds", "Change", "Status"]
    assert found[plan + 3] == DEFINITIONS
    assert all(len(pictures(slide)) == 2 for slide in list(deck.slides)[plan + 1 : plan + 3])
