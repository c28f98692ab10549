"""The board pack as an A4 PDF for a board paper: the pack's pages (``pages``) typeset by Typst.

The PDF is tagged to PDF/UA-1 (Typst checks it while it writes): headings, paragraphs in reading order,
tables with header cells, every chart and map a figure whose alternative text is the words shown on
screen, the title and the language set, and every font embedded. Charts stay vector (SVG), so they
print sharp and cost no drawing of their own.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import typst

from saferleeds.present.export.contents import BoardPack, Picture
from saferleeds.present.export.pages import Block, Facts, Figures, Page, Paragraph, Table, pack_pages

TEMPLATE = Path(__file__).with_name("pack.typ")
FONTS = ["DejaVu Sans", "Liberation Sans"]  # the first installed one is used (Debian: fonts-dejavu-core)
PAGE_WIDTH_PT = 595.28 - 2 * 18 * 72 / 25.4  # A4 less the margins
MAX_HEIGHT_PT = 98 * 72 / 25.4  # two pictures and the words above them fit on one page
AUTHOR = "Safer Leeds Insight"


def _picture(picture: Picture, key: str) -> dict:
    scale = min(PAGE_WIDTH_PT / picture.width, MAX_HEIGHT_PT / picture.height, 1.2)
    return {"key": key, "alt": picture.description, "width": round(picture.width * scale, 2)}


def _block(block: Block, pictures: dict[str, str]) -> dict:
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "role": block.role, "text": block.text}
    if isinstance(block, Facts):
        return {"kind": "facts", "items": [list(item) for item in block.items]}
    if isinstance(block, Table):
        rows = [row if isinstance(row, str) else [asdict(cell) for cell in row] for row in block.rows]
        return {"kind": "table", "header": list(block.header), "rows": rows, "widths": list(block.widths)}
    if isinstance(block, Figures):
        drawn = []
        for picture in block.pictures:
            key = f"picture-{len(pictures)}"
            pictures[key] = picture.svg.decode("utf-8")
            drawn.append(_picture(picture, key))
        return {"kind": "figures", "pictures": drawn}
    raise TypeError(f"a PDF page cannot hold {type(block).__name__}")


def document(pack: BoardPack, pages: list[Page]) -> tuple[dict, dict[str, str]]:
    """The pages as Typst reads them: the words as JSON, and each picture's SVG by its key."""
    pictures: dict[str, str] = {}
    laid_out = [{"title": page.title, "blocks": [_block(b, pictures) for b in page.blocks]} for page in pages]
    words = {
        "title": pack.title,
        "subject": pack.subtitle,
        "author": AUTHOR,
        "fonts": FONTS,
        "footer": f"{pack.title} · {pack.request.period.label()}",
        "pages": laid_out,
    }
    return words, pictures


def pdf_file(pack: BoardPack) -> bytes:
    """The pack as a tagged (PDF/UA-1) A4 PDF file."""
    words, pictures = document(pack, pack_pages(pack))
    created = datetime.combine(pack.created, datetime.min.time(), tzinfo=UTC)
    return typst.compile(
        TEMPLATE.read_bytes(),
        sys_inputs={"pack": json.dumps(words), **pictures},
        pdf_standards=["ua-1"],
        timestamp=created,
    )
