"""The pages of a board pack, said once for every format: what each page holds, in reading order.

A page is a title and blocks (paragraphs, facts, a table, a row of pictures). The PDF and the
PowerPoint writers lay the same pages out for paper and for the screen, so they say the same thing in
the same order. The pack is the parts in ``PARTS``: a new kind of page is one function from the pack to
its pages, and one entry there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from saferleeds.core.text import sentence_case
from saferleeds.present.export.contents import BoardPack, Picture
from saferleeds.present.export.findings import ATTENTION_TITLE
from saferleeds.present.export.sentences import comparison_words

# a heading within the page, the sentence that matters, text, small print, how the figures were made
PARAGRAPH_ROLES = ("heading", "lead", "body", "note", "status")
DEFINITIONS_TITLE = "Definitions, sources and what is modelled"


@dataclass(frozen=True)
class Paragraph:
    text: str
    role: str = "body"  # one of PARAGRAPH_ROLES


@dataclass(frozen=True)
class Facts:
    """Labelled lines, such as 'Area: Armley (ward)'."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Cell:
    text: str
    colour: str | None = None  # text colour, when the colour says something (worse, better)


@dataclass(frozen=True)
class Table:
    """A table with a header row; a row given as a string is a group heading across every column."""

    header: tuple[str, ...]
    rows: tuple[str | tuple[Cell, ...], ...]
    widths: tuple[float, ...]  # relative column widths


@dataclass(frozen=True)
class Figures:
    """Pictures shown together: side by side on a slide, one under the other on paper."""

    pictures: tuple[Picture, ...]


Block = Paragraph | Facts | Table | Figures


@dataclass(frozen=True)
class Page:
    title: str
    blocks: tuple[Block, ...]
    speaker_notes: tuple[str, ...] = ()


PackPart = Callable[[BoardPack], list[Page]]


# --------------------------------------------------------------------------- the front page


def _area_words(pack: BoardPack) -> str:
    if pack.request.area is None:
        return f"{pack.area_name}, the whole city"
    return f"{pack.area_name} ({pack.level_noun})"


def front_page(pack: BoardPack) -> list[Page]:
    """What the pack is about: the area, the period, the date and where the numbers come from."""
    period = pack.request.period
    facts = Facts(
        (
            ("Area", _area_words(pack)),
            ("Period", period.label()),
            ("Compared with", sentence_case(comparison_words(period))),
            ("Prepared", f"{pack.created:%-d %B %Y}, with Safer Leeds Insight"),
            ("Indicators", f"{len(pack.sections)}, a page each"),
        )
    )
    blocks: list[Block] = [
        Paragraph(sentence_case(pack.subtitle), "lead"),
        facts,
        Paragraph(pack.modelled_note, "body"),
        Paragraph("Where the numbers come from", "heading"),
        Paragraph(" ".join(pack.sources), "note"),
    ]
    return [Page(pack.title, tuple(blocks))]


# --------------------------------------------------------------------------- what needs attention


def attention_page(pack: BoardPack) -> list[Page]:
    """The findings the Overview lists for the pack's area and period, strongest first, each with its status."""
    found = pack.tables[ATTENTION_TITLE]
    summary, method, _ = pack.notes[ATTENTION_TITLE]
    blocks: list[Block] = [Paragraph(summary, "lead")]
    if len(found):
        rows = tuple(
            (Cell(str(r["Rank"])), Cell(f"{r['Kind']}: {r['Finding']}"), Cell(r["Status"])) for _, r in found.iterrows()
        )
        blocks.append(Table(("", "Finding", "Status"), rows, (5, 120, 22)))
    blocks.append(Paragraph(method, "note"))
    notes = (summary, *(f"{r['Rank']}. {r['Finding']} ({r['Status']})" for _, r in found.iterrows()))
    return [Page(f"{ATTENTION_TITLE}: {pack.area_name}", tuple(blocks), notes)]


# --------------------------------------------------------------------------- the plan on a page


@dataclass(frozen=True)
class SummaryLine:
    """One indicator on the plan on a page, in words."""

    group: str  # its priority: 'Victim: Keeping people safe from harm'
    indicator: str
    figure: str
    change: str
    judgement: str  # worse, better or neutral (context indicators are always neutral)
    verdict: str
    leeds: str
    status: str


def summary_lines(pack: BoardPack) -> list[SummaryLine]:
    lines = []
    for section in pack.sections:
        shown = section.area or section.leeds
        judgement = "neutral" if section.indicator.polarity == "context" else shown.judgement
        lines.append(
            SummaryLine(
                group=f"{section.priority.short}: {section.priority.label}",
                indicator=section.indicator.label,
                figure=shown.value_text,
                change=shown.change_words + {"worse": " (worse)", "better": " (better)"}.get(judgement, ""),
                judgement=judgement,
                verdict=sentence_case(shown.verdict or ""),
                leeds=section.leeds.value_text,
                status=sentence_case(section.status),
            )
        )
    return lines


def with_area(pack: BoardPack) -> bool:
    return bool(pack.sections) and pack.sections[0].area is not None


def plan_table(pack: BoardPack) -> Table:
    """The plan on a page: a row per indicator under its priority, the change coloured by its judgement."""
    compared = with_area(pack)
    colours = pack.change_colours
    rows: list[str | tuple[Cell, ...]] = []
    for line in summary_lines(pack):
        if line.group not in rows:
            rows.append(line.group)
        change = Cell(line.change, colours.get(line.judgement, colours.get("neutral")))
        middle = (Cell(line.verdict), Cell(line.leeds)) if compared else ()
        rows.append((Cell(line.indicator), Cell(line.figure), change, *middle, Cell(line.status)))
    header = ("Indicator", pack.area_name, "Change", *(("Compared with Leeds", "Leeds") if compared else ()), "Status")
    widths = (40, 19, 37, *((31, 18) if compared else ()), 31)
    return Table(header, tuple(rows), widths)


def plan_on_a_page(pack: BoardPack) -> list[Page]:
    where = f"{pack.area_name} beside Leeds" if with_area(pack) else "Leeds"
    blocks = (
        plan_table(pack),
        Paragraph(
            f"{sentence_case(pack.subtitle)}. Estimated figures are shared out from recorded totals; modelled "
            "figures are not recorded data. Units are given on each indicator's page.",
            "note",
        ),
    )
    return [Page(f"The plan on a page: {where}", blocks)]


# --------------------------------------------------------------------------- a page per indicator


def indicator_pages(pack: BoardPack) -> list[Page]:
    """The sentence that matters first, then the units, the rest of the words, how the figures were
    made, and the trend chart and the map."""
    pages = []
    for section in pack.sections:
        blocks: list[Block] = [
            Paragraph(section.headline, "lead"),
            Paragraph(section.heading, "note"),
            Paragraph(" ".join(section.sentences), "body"),
            Paragraph(section.status_line, "status"),
        ]
        if section.pictures:
            blocks.append(Figures(section.pictures))
        if section.map is None and section.map_note:
            blocks.append(Paragraph(section.map_note, "note"))
        notes = (section.headline, *section.sentences, f"Source: {section.indicator.source}.", section.status_line)
        pages.append(Page(section.indicator.label, tuple(blocks), notes))
    return pages


# --------------------------------------------------------------------------- definitions


def definitions_page(pack: BoardPack) -> list[Page]:
    definitions = pack.tables["Definitions"]
    rows = tuple(
        (
            Cell(r["Indicator"]),
            Cell(r["Definition"]),
            Cell(r["Source"]),
            Cell(f"{sentence_case(r['Status'])}. {r['What is modelled']}"),
        )
        for _, r in definitions.iterrows()
    )
    table = Table(("Indicator", "Definition", "Source", "Status and what is modelled"), rows, (24, 58, 42, 50))
    notes = tuple(Paragraph(line, "note") for line in pack.notes["Definitions"][1:])
    return [Page(DEFINITIONS_TITLE, (table, *notes))]


PARTS: tuple[PackPart, ...] = (front_page, attention_page, plan_on_a_page, indicator_pages, definitions_page)


def pack_pages(pack: BoardPack, parts: Sequence[PackPart] | None = None) -> list[Page]:
    """Every page of the pack, in order: the pages of each of ``parts`` (by default ``PARTS``)."""
    return [page for part in (PARTS if parts is None else parts) for page in part(pack)]
