"""The accessibility statement: every part UK public-sector statements need, filled in, on its own page."""

from __future__ import annotations

import dataclasses

import pytest

from saferleeds.present.accessibility import KNOWN_ISSUES, accessibility_statement, contact_words
from tests.conftest import page_text, run_app

SECTIONS = [
    "## How accessible this website is",
    "## Feedback and contact information",
    "## Reporting accessibility problems with this website",
    "## Enforcement procedure",
    "## Technical information about this website's accessibility",
    "### Compliance status",
    "## What we are doing to improve accessibility",
    "## Preparation of this accessibility statement",
]


@pytest.mark.parametrize("section", SECTIONS)
def test_statement_has_every_section(dataset, section):
    assert section in accessibility_statement(dataset.catalogue)


def test_statement_is_filled_in(dataset):
    text = accessibility_statement(dataset.catalogue)
    assert "{" not in text and "}" not in text
    assert "Web Content Accessibility Guidelines version 2.2 AA" in text
    assert "26 November 2026" in text
    for issue in KNOWN_ISSUES:
        assert issue in text


def test_contact_includes_an_email_when_a_deployment_sets_one(dataset):
    meta = dict(dataset.catalogue.meta, accessibility_contact_email="safety@example.org")
    catalogue = dataclasses.replace(dataset.catalogue, meta=meta)
    assert contact_words(catalogue).endswith("at safety@example.org")
    assert "@" not in contact_words(dataset.catalogue)


@pytest.mark.xdist_group("private-homes")  # one worker: see tests/README.md
def test_statement_page_renders_even_when_the_data_cannot_be_loaded(home):
    home.values.write_bytes(b"not a parquet file")
    app = run_app("pages/accessibility.py")
    text = page_text(app)
    assert "Accessibility statement for Safer Leeds Insight" in text
    assert "How accessible this website is" in text
