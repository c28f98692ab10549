"""The board pack as a PowerPoint deck (16:9): the pack's pages (``pages``) laid out as slides.

Blocks are placed one under another; pictures share a row and take the height left for them; a table
that would run off the slide goes on across continuation slides, whole rows at a time, its header
repeated, and so does any block that no longer fits. Every picture carries its text alternative, and
every slide its number.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from saferleeds.present.export.contents import BoardPack, Picture
from saferleeds.present.export.pages import Block, Cell, Facts, Figures, Page, Paragraph, Table, pack_pages

SLIDE_WIDTH = Inches(13.333)
SLIDE_HEIGHT = Inches(7.5)
MARGIN = Inches(0.45)
CONTENT_TOP = Inches(1.15)
CONTENT_BOTTOM = SLIDE_HEIGHT - Inches(0.5)  # the footer and page number sit below
GAP = Inches(0.1)
TITLE_ONLY_LAYOUT = 5
TEXT = RGBColor(0x0B, 0x0C, 0x0C)
MUTED = RGBColor(0x50, 0x5A, 0x5F)
HEADER_FILL = RGBColor(0xDE, 0xE0, 0xE2)
GROUP_FILL = RGBColor(0xF3, 0xF2, 0xF1)
PARAGRAPH_STYLE = {  # role: (points, bold, italic, colour)
    "heading": (16, True, False, TEXT),
    "lead": (18, True, False, TEXT),
    "body": (13, False, False, TEXT),
    "note": (11, False, False, MUTED),
    "status": (11, False, True, MUTED),
}
FACT_POINTS = 14
TABLE_POINTS = 10
CHARACTER_WIDTH = 0.5  # of the font size: a little over the default font's average, so heights do not fall short
BOLD_CHARACTER_WIDTH = 0.56
LINE_HEIGHT = 1.2
BOX_PADDING = 9.5  # points: a text box's insets above and below, and a little over
CELL_PADDING = 7.5
SMALLEST_FIGURES = Inches(3.2)
EMU_PER_POINT = 12700


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _lines(text: str, width: int, points: float, bold: bool = False) -> int:
    """How many lines ``text`` takes in a box ``width`` EMU wide (an estimate that errs long)."""
    per_line = max(1, int(width / EMU_PER_POINT / (points * (BOLD_CHARACTER_WIDTH if bold else CHARACTER_WIDTH))))
    return max(1, sum(math.ceil(max(len(part), 1) / per_line) for part in text.split("\n")))


def _text_height(text: str, width: int, points: float, padding: float = BOX_PADDING, bold: bool = False) -> int:
    return int((_lines(text, width, points, bold) * points * LINE_HEIGHT + padding) * EMU_PER_POINT)


# --------------------------------------------------------------------------- drawing one block


def _text_box(slide, top: int, lines: Sequence[tuple[str, str]], points: float, bold_labels: bool = False) -> int:
    """Lines of (label, text) in one box; returns its height."""
    width = SLIDE_WIDTH - 2 * MARGIN
    height = sum(_text_height(f"{label}{text}", width, points) for label, text in lines)
    frame = slide.shapes.add_textbox(MARGIN, top, width, height).text_frame
    frame.word_wrap = True
    for number, (label, text) in enumerate(lines):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        paragraph.space_after = Pt(4)
        for words, bold in ((label, bold_labels), (text, False)):
            if words:
                run = paragraph.add_run()
                run.text = words
                run.font.size, run.font.bold, run.font.color.rgb = Pt(points), bold, TEXT
    return height


def _paragraph(slide, top: int, block: Paragraph) -> int:
    points, bold, italic, colour = PARAGRAPH_STYLE[block.role]
    width = SLIDE_WIDTH - 2 * MARGIN
    height = _text_height(block.text, width, points, bold=bold)
    frame = slide.shapes.add_textbox(MARGIN, top, width, height).text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = block.text
    run.font.size, run.font.bold, run.font.italic, run.font.color.rgb = Pt(points), bold, italic, colour
    return height


def _figures_size(figures: Figures, height: int) -> tuple[int, list[tuple[int, int]]]:
    """Sizes of the pictures side by side, at most ``height`` tall and as wide as the slide allows."""
    width = SLIDE_WIDTH - 2 * MARGIN - GAP * (len(figures.pictures) - 1)
    ratios = [picture.width / picture.height for picture in figures.pictures]
    row_height = int(min(height, width / sum(ratios)))
    return row_height, [(int(row_height * ratio), row_height) for ratio in ratios]


def _picture(slide, picture: Picture, left: int, top: int, size: tuple[int, int]):
    shape = slide.shapes.add_picture(io.BytesIO(picture.png), left, top, Emu(size[0]), Emu(size[1]))
    properties = shape._element.nvPicPr.cNvPr
    properties.set("descr", picture.description)  # alternative text, as on screen and in the PDF
    return shape


def _figures(slide, top: int, figures: Figures, height: int) -> int:
    row_height, sizes = _figures_size(figures, height)
    left = int(MARGIN)
    for picture, size in zip(figures.pictures, sizes, strict=True):
        _picture(slide, picture, left, top, size)
        left += size[0] + GAP
    return row_height


def _cell(cell, value: Cell | str, bold: bool = False, fill: RGBColor | None = None) -> None:
    text, colour = (value, None) if isinstance(value, str) else (value.text, value.colour)
    cell.text = ""
    run = cell.text_frame.paragraphs[0].add_run()
    run.text = text
    run.font.size, run.font.bold = Pt(TABLE_POINTS), bold
    run.font.color.rgb = _rgb(colour) if colour else TEXT
    cell.text_frame.word_wrap = True
    cell.margin_left = cell.margin_right = Inches(0.06)
    cell.margin_top = cell.margin_bottom = Inches(0.03)
    if fill is not None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = fill
    else:
        cell.fill.background()


def _column_widths(table: Table) -> list[int]:
    width = SLIDE_WIDTH - 2 * MARGIN
    return [int(width * share / sum(table.widths)) for share in table.widths]


def _row_height(table: Table, row: str | tuple[Cell, ...]) -> int:
    widths = _column_widths(table)
    inset = int(Inches(0.12))
    if isinstance(row, str):
        return _text_height(row, sum(widths) - inset, TABLE_POINTS, CELL_PADDING)
    return max(_text_height(c.text, w - inset, TABLE_POINTS, CELL_PADDING) for c, w in zip(row, widths, strict=True))


def _table(slide, top: int, table: Table, rows: Sequence[str | tuple[Cell, ...]]) -> int:
    header = tuple(Cell(h) for h in table.header)
    heights = [_row_height(table, header), *(_row_height(table, row) for row in rows)]
    shape = slide.shapes.add_table(
        len(rows) + 1, len(table.header), MARGIN, top, sum(_column_widths(table)), sum(heights)
    )
    grid = shape.table
    for number, width in enumerate(_column_widths(table)):
        grid.columns[number].width = Emu(width)
    for row, height in zip(grid.rows, heights, strict=True):
        row.height = Emu(height)
    for number, text in enumerate(table.header):
        _cell(grid.cell(0, number), text, bold=True, fill=HEADER_FILL)
    for row_number, row in enumerate(rows, start=1):
        if isinstance(row, str):
            grid.cell(row_number, 0).merge(grid.cell(row_number, len(table.header) - 1))
            _cell(grid.cell(row_number, 0), row, bold=True, fill=GROUP_FILL)
            continue
        for number, value in enumerate(row):
            _cell(grid.cell(row_number, number), value)
    return sum(heights)


# --------------------------------------------------------------------------- laying out a page


@dataclass
class _Slides:
    """The slides of one page: the current one and the space left on it."""

    deck: Any
    page: Page
    slides: list
    top: int = CONTENT_TOP

    def new(self) -> None:
        slide = self.deck.slide_layouts[TITLE_ONLY_LAYOUT]
        slide = self.deck.slides.add_slide(slide)
        _title(slide, self.page.title if not self.slides else f"{self.page.title} (continued)")
        if self.page.speaker_notes:
            slide.notes_slide.notes_text_frame.text = "\n".join(self.page.speaker_notes)
        self.slides.append(slide)
        self.top = CONTENT_TOP

    @property
    def slide(self):
        return self.slides[-1]

    @property
    def room(self) -> int:
        return CONTENT_BOTTOM - self.top


def _block_height(block: Block) -> int:
    """Height a block needs (pictures: the least they may shrink to)."""
    width = SLIDE_WIDTH - 2 * MARGIN
    if isinstance(block, Paragraph):
        points, bold, _, _ = PARAGRAPH_STYLE[block.role]
        return _text_height(block.text, width, points, bold=bold)
    if isinstance(block, Facts):
        return sum(_text_height(f"{label}: {text}", width, FACT_POINTS) for label, text in block.items)
    if isinstance(block, Figures):
        return int(SMALLEST_FIGURES)
    return _row_height(block, tuple(Cell(h) for h in block.header)) + _row_height(block, block.rows[0])


def _place_table(slides: _Slides, table: Table) -> None:
    rows = list(table.rows)
    while rows:
        header = _row_height(table, tuple(Cell(h) for h in table.header))
        taken, used = 0, header
        while taken < len(rows) and used + _row_height(table, rows[taken]) <= slides.room:
            used += _row_height(table, rows[taken])
            taken += 1
        if taken == 0:
            if slides.top == CONTENT_TOP:  # a row taller than a slide still goes on one
                taken = 1
            else:
                slides.new()
                continue
        slides.top += _table(slides.slide, slides.top, table, rows[:taken]) + GAP
        rows = rows[taken:]
        if rows:
            slides.new()


def _layout(deck, page: Page) -> list:
    slides = _Slides(deck, page, [])
    slides.new()
    blocks = list(page.blocks)
    for number, block in enumerate(blocks):
        if isinstance(block, Table):
            _place_table(slides, block)
            continue
        if _block_height(block) > slides.room and slides.top > CONTENT_TOP:
            slides.new()
        if isinstance(block, Figures):
            after = sum(_block_height(b) + GAP for b in blocks[number + 1 :])
            height = max(slides.room - after, _block_height(block))
            slides.top += _figures(slides.slide, slides.top, block, height) + GAP
        elif isinstance(block, Facts):
            lines = [(f"{label}: ", text) for label, text in block.items]
            slides.top += _text_box(slides.slide, slides.top, lines, FACT_POINTS, bold_labels=True) + GAP
        else:
            slides.top += _paragraph(slides.slide, slides.top, block) + GAP
    return slides.slides


# --------------------------------------------------------------------------- titles, footers, the deck


def _title(slide, text: str) -> None:
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = MARGIN, Inches(0.25), SLIDE_WIDTH - 2 * MARGIN, Inches(0.8)
    title.text = text
    frame = title.text_frame
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    for paragraph in frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size, run.font.bold, run.font.color.rgb = Pt(28), True, TEXT


def _slide_number(paragraph, number: int) -> None:
    """A slide-number field (PowerPoint keeps it right if slides move), showing ``number`` until then."""
    field = etree.SubElement(paragraph._p, qn("a:fld"), id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}", type="slidenum")
    properties = etree.SubElement(field, qn("a:rPr"), lang="en-GB", sz="1100")
    fill = etree.SubElement(properties, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr"), val=str(MUTED))
    etree.SubElement(field, qn("a:t")).text = str(number)


def _footer(slide, number: int, text: str) -> None:
    top, height = SLIDE_HEIGHT - Inches(0.42), Inches(0.32)
    words = slide.shapes.add_textbox(MARGIN, top, SLIDE_WIDTH - 2 * MARGIN - Inches(1.2), height).text_frame
    run = words.paragraphs[0].add_run()
    run.text = text
    run.font.size, run.font.color.rgb = Pt(11), MUTED
    box = slide.shapes.add_textbox(SLIDE_WIDTH - MARGIN - Inches(1.1), top, Inches(1.1), height).text_frame
    paragraph = box.paragraphs[0]
    paragraph.alignment = PP_ALIGN.RIGHT
    run = paragraph.add_run()
    run.text = "Slide "
    run.font.size, run.font.color.rgb = Pt(11), MUTED
    _slide_number(paragraph, number)


def powerpoint_file(pack: BoardPack) -> bytes:
    """The pack as a PowerPoint (.pptx) file: a slide or more per page, numbered, pictures with alt text."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    deck.core_properties.title = pack.title
    deck.core_properties.subject = pack.subtitle
    deck.core_properties.language = "en-GB"
    slides = [slide for page in pack_pages(pack) for slide in _layout(deck, page)]
    footer = f"{pack.title} · {pack.request.period.label()}"
    for number, slide in enumerate(slides, start=1):
        _footer(slide, number, footer)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
