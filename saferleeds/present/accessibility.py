"""The accessibility statement, as UK public-sector websites publish it, filled in from the catalogue."""

from __future__ import annotations

from pathlib import Path

from saferleeds.core.catalogue import Catalogue
from saferleeds.core.text import sentence_case

STATEMENT = Path(__file__).parent / "content" / "accessibility_statement.md"

KNOWN_ISSUES = (
    "The interactive map is drawn on a canvas that screen readers cannot read and that cannot be moved or zoomed "
    "with a keyboard. It has a title and a sentence saying what it shows; every area's figures are in the table "
    "below it (also as a plain table under 'Numbers behind this map'); any area can be chosen from a list instead "
    "of by clicking; and 'Show all of Leeds' brings the whole city back into view.",
    "The details that appear when you point at a chart with a mouse cannot be reached with a keyboard. Every chart "
    "has a title and a one-sentence description, and its numbers are in a plain table under 'Numbers behind this "
    "chart' and can be downloaded as a CSV file.",
    "The sortable tables are interactive grids that screen readers read only in part. The numbers behind every "
    "chart and the map are also given as plain tables, and every table can be downloaded as a CSV file.",
    "Some colours have less than 3:1 contrast with the white background: the lines of the fifth and sixth area "
    "added to a trend chart, and the palest classes of a map. Each line is also named at its end and in the "
    "legend, and each map class is named with its bounds in the legend and the table.",
    "Chart pictures downloaded as PNG files carry no text alternative of their own. The SVG download keeps its "
    "words as text, and the numbers can be downloaded as CSV.",
    "On a phone, the filters are in a menu opened with the arrow button at the top left of the page.",
)


def contact_words(catalogue: Catalogue) -> str:
    meta = catalogue.meta
    email = meta.get("accessibility_contact_email", "").strip()
    contact = meta.get("accessibility_contact", "the team that runs this website")
    return f"{contact} at {email}" if email else contact


def accessibility_statement(catalogue: Catalogue) -> str:
    """The statement as markdown, with the organisation, contact and date from the catalogue."""
    organisation = catalogue.meta.get("organisation", "the Safer Leeds partnership")
    return STATEMENT.read_text(encoding="utf-8").format(
        organisation=organisation,
        organisation_title=sentence_case(organisation),
        contact=contact_words(catalogue),
        prepared=catalogue.meta.get("statement_prepared", ""),
        known_issues="\n".join(f"- {issue}" for issue in KNOWN_ISSUES),
    )
