"""The board pack PDF: A4, a page per indicator, and text that can be extracted."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.packs import file_for, pack_for

pytestmark = pytest.mark.xdist_group("board-pack")  # one worker: see tests/README.md

A4_POINTS = (595.28, 841.89)


@pytest.fixture(scope="module")
def reader(dataset):
    return PdfReader(io.BytesIO(file_for(dataset, "pdf")))


@pytest.fixture(scope="module")
def pages(reader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def test_the_pdf_is_a4_with_the_plan_a_page_per_indicator_and_definitions(reader, pages):
    assert len(reader.pages) == 1 + 9 + 1
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_POINTS, abs=0.5)
    assert reader.metadata.title == "Safer Leeds board pack: Armley"
    assert all(f"Page {number}" in text for number, text in enumerate(pages, start=1))


def test_the_first_page_holds_the_plan_on_a_page(pages):
    first = " ".join(pages[0].split())
    assert "Safer Leeds board pack: Armley" in first
    assert "The plan on a page" in first
    for heading in ("Victim: Keeping people safe from harm", "Location: Creating safer, stronger communities"):
        assert heading in first
    assert "Not available" in first and "modelled" in first.lower()


def test_each_indicator_page_has_its_sentences_status_and_pictures(dataset, reader, pages):
    pack = pack_for(dataset)
    for page, text, section in zip(reader.pages[1:-1], pages[1:-1], pack.sections, strict=True):
        assert section.indicator.label in text
        flat = " ".join(text.split())
        assert " ".join(section.sentences[0].split()) in flat
        assert f"Status: {section.status}." in flat
        assert len(page.images) == (2 if section.map is not None else 1)


def test_the_last_page_gives_definitions_sources_and_what_is_modelled(pages):
    last = " ".join(pages[-1].split())
    assert "Definitions, sources and what is modelled" in last
    assert "Ministry of Justice proven re-offending statistics" in last
    assert "Every month is a modelled estimate, not recorded data." in last
    assert "Open Government Licence" in last
