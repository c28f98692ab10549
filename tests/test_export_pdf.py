"""The board pack PDF: A4, tagged for screen readers (PDF/UA-1), fonts embedded, and pages that keep
their tables and pictures whole."""

from __future__ import annotations

import dataclasses
import io
import itertools

import pikepdf
import pytest
from pypdf import PdfReader

from saferleeds.analysis.attention import summary_words, what_needs_attention
from saferleeds.present.export import pdf
from saferleeds.present.export.pages import DEFINITIONS_TITLE
from tests.packs import ARMLEY, KEY_INDICATORS, PERIOD, file_for, pack_for

pytestmark = pytest.mark.xdist_group("board-pack")  # one worker: see tests/README.md

A4_POINTS = (595.28, 841.89)
ATTENTION, PLAN, FIRST_INDICATOR = 1, 2, 3  # pages counted from 0, after the front page
FIRST_DEFINITIONS = FIRST_INDICATOR + len(KEY_INDICATORS)  # the page the definitions start on


@pytest.fixture(scope="module")
def pdf_bytes(dataset) -> bytes:
    return file_for(dataset, "pdf")


@pytest.fixture(scope="module")
def reader(pdf_bytes):
    return PdfReader(io.BytesIO(pdf_bytes))


@pytest.fixture(scope="module")
def pages(reader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture(scope="module")
def document(pdf_bytes):
    return pikepdf.open(io.BytesIO(pdf_bytes))


def elements(node, page_of=None, found=None) -> list[tuple[str, pikepdf.Dictionary, int | None]]:
    """Every structure element in reading order: (type, element, page number)."""
    found = [] if found is None else found
    if isinstance(node, pikepdf.Array):
        for child in node:
            elements(child, page_of, found)
        return found
    if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
        return found
    page = page_of.get(node.Pg.objgen) if page_of is not None and "/Pg" in node else None
    found.append((str(node.S), node, page))
    if "/K" in node:
        elements(node.K, page_of, found)
    return found


@pytest.fixture(scope="module")
def structure(document):
    page_of = {page.obj.objgen: number for number, page in enumerate(document.pages, start=1)}
    return elements(document.Root.StructTreeRoot.K, page_of)


def test_the_pdf_is_a4_with_a_front_page_attention_the_plan_a_page_per_indicator_and_definitions(
    dataset, reader, pages
):
    titles = [section.indicator.label for section in pack_for(dataset).sections]
    assert pages[0].startswith("Safer Leeds board pack: Armley")
    assert pages[ATTENTION].startswith("What needs attention: Armley")
    assert pages[PLAN].startswith("The plan on a page: Armley beside Leeds")
    indicator_pages = pages[FIRST_INDICATOR:FIRST_DEFINITIONS]
    assert all(page.startswith(title) for page, title in zip(indicator_pages, titles, strict=True))
    assert pages[FIRST_DEFINITIONS].startswith(DEFINITIONS_TITLE)
    # the definitions and the notes under them may run on to one more page, and nothing else follows
    assert len(reader.pages) in (FIRST_DEFINITIONS + 1, FIRST_DEFINITIONS + 2)
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_POINTS, abs=0.5)
    assert reader.metadata.title == "Safer Leeds board pack: Armley"
    total = len(pages)
    assert all(f"Page {number} of {total}" in text for number, text in enumerate(pages, start=1))


def test_the_pdf_is_tagged_with_title_language_and_the_ua_identifier(document):
    root = document.Root
    assert root.MarkInfo.Marked is True
    assert str(root.Lang) == "en-GB"
    assert root.ViewerPreferences.DisplayDocTitle is True
    with document.open_metadata() as metadata:
        assert metadata.get("pdfuaid:part") == "1"
        assert metadata.get("dc:title") == "Safer Leeds board pack: Armley"


def test_the_structure_tree_has_headings_in_order_and_tables_with_header_cells(structure):
    kinds = [kind for kind, _, _ in structure]
    headings = [kind for kind in kinds if kind.startswith("/H") and kind[2:].isdigit()]
    assert headings[0] == "/H1" and headings.count("/H1") == 1
    assert all(int(b[2:]) - int(a[2:]) <= 1 for a, b in itertools.pairwise(headings))
    assert kinds.count("/Table") == 3  # what needs attention, the plan on a page and the definitions
    tables = [element for kind, element, _ in structure if kind == "/Table"]
    for table in tables:
        cells = [kind for kind, _, _ in elements(table.K)]
        assert "/THead" in cells and "/TH" in cells and "/TD" in cells


def test_every_chart_and_map_is_a_figure_with_the_words_shown_on_screen(dataset, structure):
    pack = pack_for(dataset)
    figures = [(str(element.Alt), page) for kind, element, page in structure if kind == "/Figure"]
    descriptions = [picture.description for picture in pack.pictures]
    assert [alt for alt, _ in figures] == descriptions
    assert all(alt.strip() for alt, _ in figures)
    # a section's pictures stand on its own page: nothing is pushed away or cut
    pages = [page for _, page in figures]
    first = FIRST_INDICATOR + 1  # counted from 1
    expected = [number for number, section in enumerate(pack.sections, start=first) for _ in section.pictures]
    assert pages == expected


def test_every_font_is_embedded(document):
    fonts = {}
    for page in document.pages:
        for name, font in (page.Resources.get("/Font") or {}).items():
            fonts[name] = font
    assert fonts
    for font in fonts.values():
        descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
        descriptor = descendant.FontDescriptor
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_the_first_page_names_the_area_period_date_and_sources(dataset, pages):
    pack = pack_for(dataset)
    first = pages[0]
    assert "Safer Leeds board pack: Armley" in first
    assert "Area: Armley (ward)" in first and f"Period: {PERIOD.label()}" in first
    assert f"Prepared: {pack.created:%-d %B %Y}" in first
    assert "Where the numbers come from" in first and "police.uk street-level crime" in first
    assert dataset.catalogue.rates.population_source in first and "Open Government Licence" in first


def test_what_needs_attention_opens_the_pack_with_the_findings_of_the_overview(dataset, pages):
    pack = pack_for(dataset)
    found = what_needs_attention(dataset, ARMLEY, "ward", PERIOD)
    text = pages[ATTENTION]
    assert found.findings, "Armley has findings on recorded or estimated data in this period"
    assert summary_words(found) in text
    for finding in found.findings:
        assert " ".join(finding.sentence.split()) in text.replace("- ", "-")
    assert "Benjamini-Hochberg" in text and "left out" in text
    assert list(pack.tables["What needs attention"]["Finding"]) == [f.sentence for f in found.findings]


def test_the_plan_on_a_page_is_whole_on_its_page(dataset, pages):
    plan = pages[PLAN]
    assert plan.startswith("The plan on a page: Armley beside Leeds")
    for section in pack_for(dataset).sections:
        assert section.indicator.label in plan
    for heading in ("Victim: Keeping people safe from harm", "Location: Creating safer, stronger communities"):
        assert heading in plan
    assert "Not available for wards" in plan


def test_each_indicator_page_says_the_sentence_that_matters_first(dataset, pages):
    pack = pack_for(dataset)
    for text, section in zip(pages[FIRST_INDICATOR:FIRST_DEFINITIONS], pack.sections, strict=True):
        title = section.indicator.label
        assert text.startswith(f"{title} {' '.join(section.headline.split())}")
        assert f"Status: {section.status}." in text
        for sentence in section.sentences:
            assert " ".join(sentence.split()) in text


def test_the_last_pages_give_definitions_sources_and_what_is_modelled(dataset, pages):
    last = " ".join(pages[FIRST_DEFINITIONS:]).replace("- ", "-")  # a line broken after a hyphen
    assert last.startswith(DEFINITIONS_TITLE)
    assert "Ministry of Justice proven re-offending statistics" in last
    assert "Every month is modelled, not recorded data." in last
    assert "Estimated in places: August 2023 to February 2024" in last and "Recorded: March 2024, February" in last
    assert "counts of 1 to 4 are shown as '<5' and others are rounded to the nearest 5" in last
    assert dataset.catalogue.rates.with_population in last and "Open Government Licence" in last


def test_words_from_users_files_are_set_as_text_not_markup(dataset):
    pack = pack_for(dataset, indicators=("drugs",))
    words, pictures = pdf.document(pack, [])
    assert words["title"] == pack.title and not pictures
    hostile = dataclasses.replace(pack, area_name='#set page(fill: red) *bold* $x$ "quote" \\ ]')
    data = pdf.pdf_file(hostile)
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert '#set page(fill: red) *bold* $x$ "quote" \\ ]' in text


def test_the_accessibility_statement_no_longer_says_pdf_packs_are_untagged():
    from saferleeds.present.accessibility import KNOWN_ISSUES

    assert not any("PDF" in issue and "not tagged" in issue for issue in KNOWN_ISSUES)
