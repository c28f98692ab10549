"""The board pack as an A4 PDF for a board paper: the plan on a page, a page per indicator, and
definitions, sources and what is modelled. Text is real text (searchable, readable by screen readers).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from saferleeds.core.text import sentence_case
from saferleeds.present.export.board_pack import BoardPack, Picture, Section, plan_table
from saferleeds.present.export.render import jpeg_from_png

# Images are stored deflated only: ASCII85 on top makes them bigger, and reportlab's pure-Python
# encoder takes seconds for a pack's pictures.
rl_config.useA85 = 0
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
TEXT = colors.HexColor("#0b0c0c")
MUTED = colors.HexColor("#505a5f")
HEADER_FILL = colors.HexColor("#dee0e2")
GROUP_FILL = colors.HexColor("#f3f2f1")
GRID = colors.HexColor("#b1b4b6")
TREND_HEIGHT = 100 * mm
MAP_HEIGHT = 92 * mm
FONT_FILES = {
    "regular": Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    "bold": Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    "italic": Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf"),
}


def _fonts() -> dict[str, str]:
    """DejaVu Sans where installed (any area name prints), otherwise the PDF standard Helvetica."""
    if all(path.exists() for path in FONT_FILES.values()):
        for style, path in FONT_FILES.items():
            name = f"PackSans-{style}"
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(path)))
        return {style: f"PackSans-{style}" for style in FONT_FILES}
    return {"regular": "Helvetica", "bold": "Helvetica-Bold", "italic": "Helvetica-Oblique"}


def _styles(fonts: dict[str, str]) -> dict[str, ParagraphStyle]:
    def style(name: str, size: float, font: str = "regular", colour=TEXT, after: float = 4, leading=None):
        return ParagraphStyle(
            name,
            fontName=fonts[font],
            fontSize=size,
            leading=leading or size * 1.3,
            textColor=colour,
            spaceAfter=after,
            alignment=TA_LEFT,
        )

    return {
        "title": style("title", 22, "bold", after=6),
        "subtitle": style("subtitle", 13, after=4),
        "heading": style("heading", 16, "bold", after=4),
        "body": style("body", 10.5, after=5),
        "muted": style("muted", 9, colour=MUTED, after=4),
        "status": style("status", 9.5, "italic", colour=MUTED, after=6),
        "cell": style("cell", 8, after=0),
        "cell_bold": style("cell_bold", 8, "bold", after=0),
    }


def _p(text: str, style: ParagraphStyle, colour: str | None = None) -> Paragraph:
    text = escape(text)
    if colour:
        text = f'<font color="{colour}">{text}</font>'
    return Paragraph(text, style)


def _table(header: Sequence[str], rows: Sequence, widths: Sequence[float], styles) -> Table:
    """A table; a row given as a plain string is a heading spanning every column."""
    total = sum(widths)
    data = [[_p(h, styles["cell_bold"]) for h in header]]
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for number, row in enumerate(rows, start=1):
        if isinstance(row, str):
            data.append([_p(row, styles["cell_bold"])] + [""] * (len(header) - 1))
            commands += [("SPAN", (0, number), (-1, number)), ("BACKGROUND", (0, number), (-1, number), GROUP_FILL)]
            continue
        data.append([_p(v[0], styles["cell"], v[1]) if isinstance(v, tuple) else _p(v, styles["cell"]) for v in row])
    table = Table(data, colWidths=[WIDTH * w / total for w in widths], repeatRows=1)
    table.setStyle(TableStyle(commands))
    return table


def _image(picture: Picture, max_width: float, max_height: float) -> Image:
    width_px, height_px = picture.size
    scale = min(max_width / width_px, max_height / height_px)
    # A JPEG is embedded as it is; a PNG would be decoded and compressed again, which is slow.
    image = Image(io.BytesIO(jpeg_from_png(picture.png)), width=width_px * scale, height=height_px * scale)
    image.hAlign = "LEFT"
    return image


def _front_page(pack: BoardPack, styles) -> list:
    story = [
        _p(pack.title, styles["title"]),
        _p(sentence_case(pack.subtitle), styles["subtitle"]),
        _p(f"Prepared {pack.created:%-d %B %Y} with Safer Leeds Insight. {pack.modelled_note}", styles["muted"]),
        Spacer(1, 6 * mm),
        _p("The plan on a page", styles["heading"]),
    ]
    summary = plan_table(pack)
    widths = [40, 19, 37, *([31, 18] if summary.with_area else []), 31]
    story.append(_table(summary.header, summary.rows, widths, styles))
    story.append(Spacer(1, 3 * mm))
    story.append(
        _p(
            "Estimated figures are shared out from recorded totals; modelled figures are not recorded data. "
            "Units are given on each indicator's page.",
            styles["muted"],
        )
    )
    return story


def _indicator_page(section: Section, styles) -> list:
    status = section.status_line
    story = [
        PageBreak(),
        _p(section.indicator.label, styles["heading"]),
        _p(section.heading, styles["muted"]),
        _p(" ".join(section.sentences), styles["body"]),
        _p(status, styles["status"]),
    ]
    if section.trend is not None:
        story.append(_image(section.trend, WIDTH, TREND_HEIGHT))
        story.append(Spacer(1, 3 * mm))
    if section.map is not None:
        story.append(_image(section.map, WIDTH, MAP_HEIGHT))
    elif section.map_note:
        story.append(_p(section.map_note, styles["muted"]))
    return story


def _definitions(pack: BoardPack, styles) -> list:
    definitions = pack.tables["Definitions"]
    rows = [
        [
            r["Indicator"],
            r["Definition"],
            r["Source"],
            f"{sentence_case(r['Status'])}. {r['What is modelled']}",
        ]
        for _, r in definitions.iterrows()
    ]
    story = [
        PageBreak(),
        _p("Definitions, sources and what is modelled", styles["heading"]),
        _table(["Indicator", "Definition", "Source", "Status and what is modelled"], rows, [26, 62, 46, 40], styles),
        Spacer(1, 4 * mm),
    ]
    story.extend(_p(line, styles["muted"]) for line in pack.notes["Definitions"][1:])
    return story


def document_bytes(pack: BoardPack) -> bytes:
    """The PDF as bytes."""
    fonts = _fonts()
    styles = _styles(fonts)
    buffer = io.BytesIO()
    footer = f"{pack.title} · {pack.request.period.label()}"

    def draw_footer(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(fonts["regular"], 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 10 * mm, footer)
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, f"Page {document.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=pack.title,
        subject=pack.subtitle,
        author="Safer Leeds Insight",
    )
    story = _front_page(pack, styles)
    for section in pack.sections:
        story.extend(_indicator_page(section, styles))
    story.extend(_definitions(pack, styles))
    document.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buffer.getvalue()
