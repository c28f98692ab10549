"""The board pack as a PowerPoint deck (16:9): title, the plan on a page, a slide per indicator with
its trend chart, map and sentences, and definitions, sources and what is modelled.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from saferleeds.core.text import sentence_case
from saferleeds.present.export.board_pack import BoardPack, Picture, Section, plan_table

SLIDE_WIDTH = Inches(13.333)
SLIDE_HEIGHT = Inches(7.5)
MARGIN = Inches(0.45)
TITLE_LAYOUT, TITLE_ONLY_LAYOUT = 0, 5
TEXT = RGBColor(0x0B, 0x0C, 0x0C)
MUTED = RGBColor(0x50, 0x5A, 0x5F)
HEADER_FILL = RGBColor(0xDE, 0xE0, 0xE2)
GROUP_FILL = RGBColor(0xF3, 0xF2, 0xF1)
DEFINITIONS_PER_SLIDE = 9


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


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


def _text_box(slide, left, top, width, height, lines: Sequence[str], size: int = 14, colour: RGBColor = TEXT):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for number, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        paragraph.space_after = Pt(6)
        run = paragraph.add_run()
        run.text = line
        run.font.size, run.font.color.rgb = Pt(size), colour
    return box


def _cell(cell, text: str, size: int, bold: bool = False, colour: RGBColor = TEXT, fill: RGBColor | None = None):
    cell.text = ""
    run = cell.text_frame.paragraphs[0].add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, colour
    cell.text_frame.word_wrap = True
    cell.margin_left = cell.margin_right = Inches(0.06)
    cell.margin_top = cell.margin_bottom = Inches(0.03)
    if fill is not None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = fill
    else:
        cell.fill.background()


def _table(slide, top, header: Sequence[str], rows: Sequence, widths: Sequence[float], size: int):
    """A table; a row given as a plain string is a heading spanning every column."""
    total = sum(widths)
    width = SLIDE_WIDTH - 2 * MARGIN
    row_height = Inches(0.28)
    shape = slide.shapes.add_table(len(rows) + 1, len(header), MARGIN, top, width, row_height * (len(rows) + 1))
    table = shape.table
    for number, share in enumerate(widths):
        table.columns[number].width = Emu(int(width * share / total))
    for row in table.rows:
        row.height = row_height
    for number, text in enumerate(header):
        _cell(table.cell(0, number), text, size, bold=True, fill=HEADER_FILL)
    for row_number, row in enumerate(rows, start=1):
        if isinstance(row, str):
            table.cell(row_number, 0).merge(table.cell(row_number, len(header) - 1))
            _cell(table.cell(row_number, 0), row, size, bold=True, fill=GROUP_FILL)
            continue
        for number, value in enumerate(row):
            text, colour = (value[0], _rgb(value[1])) if isinstance(value, tuple) else (value, TEXT)
            _cell(table.cell(row_number, number), text, size, colour=colour)
    return table


def _picture(slide, picture: Picture, left, top, max_width, max_height):
    width_px, height_px = picture.size
    scale = min(max_width / width_px, max_height / height_px)
    shape = slide.shapes.add_picture(
        io.BytesIO(picture.png), left, top, Emu(int(width_px * scale)), Emu(int(height_px * scale))
    )
    shape._element.nvPicPr.cNvPr.set("descr", picture.description)  # alternative text for screen readers
    return shape


def _title_slide(deck, pack: BoardPack) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_LAYOUT])
    title, subtitle = slide.shapes.title, slide.placeholders[1]
    title.left, title.top, title.width, title.height = MARGIN, Inches(2.0), SLIDE_WIDTH - 2 * MARGIN, Inches(1.4)
    title.text = pack.title
    subtitle.left, subtitle.top = MARGIN, Inches(3.6)
    subtitle.width, subtitle.height = SLIDE_WIDTH - 2 * MARGIN, Inches(2.6)
    lines = [
        sentence_case(pack.subtitle),
        f"Prepared {pack.created:%-d %B %Y} with Safer Leeds Insight",
        pack.modelled_note,
    ]
    frame = subtitle.text_frame
    for number, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        paragraph.text = line
        for run in paragraph.runs:
            run.font.size = Pt(20 if number == 0 else 16)
            run.font.color.rgb = TEXT if number == 0 else MUTED


def _summary_slide(deck, pack: BoardPack) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY_LAYOUT])
    summary = plan_table(pack)
    where = f"{pack.area_name} beside Leeds" if summary.with_area else "Leeds"
    _title(slide, f"The plan on a page: {where}")
    widths = [3.4, 1.3, 3.0, *([2.7, 1.1] if summary.with_area else []), 1.9]
    _table(slide, Inches(1.15), summary.header, summary.rows, widths, 11 if len(summary.rows) <= 13 else 9)
    _text_box(
        slide,
        MARGIN,
        SLIDE_HEIGHT - Inches(0.6),
        SLIDE_WIDTH - 2 * MARGIN,
        Inches(0.4),
        [
            f"{sentence_case(pack.subtitle)}. Estimated figures are shared out from recorded totals; "
            "modelled ones are not recorded data."
        ],
        size=11,
        colour=MUTED,
    )


def _indicator_slide(deck, pack: BoardPack, section: Section) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY_LAYOUT])
    _title(slide, section.indicator.label)
    _text_box(
        slide,
        MARGIN,
        Inches(0.95),
        SLIDE_WIDTH - 2 * MARGIN,
        Inches(0.4),
        [section.heading],
        size=12,
        colour=MUTED,
    )
    top, height = Inches(1.4), Inches(3.95)
    if section.trend is not None:
        _picture(slide, section.trend, MARGIN, top, Inches(6.75), height)
    right = MARGIN + Inches(6.95)
    if section.map is not None:
        _picture(slide, section.map, right, top, SLIDE_WIDTH - right - MARGIN, height)
    elif section.map_note:
        _text_box(
            slide, right, top + Inches(1.5), SLIDE_WIDTH - right - MARGIN, Inches(1), [section.map_note], 14, MUTED
        )
    status = section.status_line
    box = _text_box(
        slide, MARGIN, Inches(5.5), SLIDE_WIDTH - 2 * MARGIN, Inches(1.8), [" ".join(section.sentences), status], 15
    )
    box.text_frame.paragraphs[-1].runs[0].font.italic = True
    box.text_frame.paragraphs[-1].runs[0].font.size = Pt(12)
    notes = slide.notes_slide.notes_text_frame
    notes.text = "\n".join([*section.sentences, f"Source: {section.indicator.source}.", status])


def _definitions_slides(deck, pack: BoardPack) -> None:
    definitions = pack.tables["Definitions"]
    pages = max(1, math.ceil(len(definitions) / DEFINITIONS_PER_SLIDE))
    for page in range(pages):
        slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY_LAYOUT])
        title = "Definitions, sources and what is modelled"
        _title(slide, title if pages == 1 else f"{title} ({page + 1} of {pages})")
        chunk = definitions.iloc[page * DEFINITIONS_PER_SLIDE : (page + 1) * DEFINITIONS_PER_SLIDE]
        rows = [
            [r["Indicator"], r["Definition"], r["Source"], f"{sentence_case(r['Status'])}. {r['What is modelled']}"]
            for _, r in chunk.iterrows()
        ]
        header = ["Indicator", "Definition", "Source", "Status and what is modelled"]
        _table(slide, Inches(1.15), header, rows, [2.2, 4.8, 3.0, 2.6], 9)
        if page == pages - 1:
            notes = pack.notes["Definitions"][1:]
            _text_box(
                slide, MARGIN, SLIDE_HEIGHT - Inches(1.45), SLIDE_WIDTH - 2 * MARGIN, Inches(1.3), notes, 9, MUTED
            )


def deck_bytes(pack: BoardPack) -> bytes:
    """The deck as .pptx bytes."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    deck.core_properties.title = pack.title
    deck.core_properties.subject = pack.subtitle
    _title_slide(deck, pack)
    _summary_slide(deck, pack)
    for section in pack.sections:
        _indicator_slide(deck, pack, section)
    _definitions_slides(deck, pack)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
