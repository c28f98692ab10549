"""The accessibility statement, as UK public-sector websites publish it, filled in from the catalogue."""

from __future__ import annotations

from pathlib import Path

from saferleeds.catalogue import Catalogue
from saferleeds.text import sentence_case

STATEMENT = Path(__file__).parent / "content" / "accessibility_statement.md"

KNOWN_ISSUES = (
    "The interactive map is drawn on a canvas that screen readers cannot read. The same figures are in the "
    "table below the map, and any area can be chosen from a list instead of by clicking the map.",
    "Charts are pictures to a screen reader. Each chart has a title and a one-sentence description, and its "
    "numbers are in a table beside or below it.",
    "PDF board packs are not tagged for screen readers. The same content is available as a PowerPoint deck and "
    "as a spreadsheet.",
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
