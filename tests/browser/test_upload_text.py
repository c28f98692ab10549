"""In a real browser, names and labels loaded from files with Markdown links, images and HTML are shown as
the characters they are: no link, no remote image, no tag is made of them."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from saferleeds.core.dataset import load_dataset
from saferleeds.ingest.neighbourhood_upload import neighbourhood_code
from saferleeds.ingest.validation import apply_report, validate
from saferleeds.ui.data import WORD_JOINER
from tests.browser.harness import new_tab, streamlit_server, wait_settled
from tests.conftest import copy_default
from tests.test_page_upload_text import HOSTILE, NAME, hostile_uploads

pytestmark = pytest.mark.browser


def _remote(url: str) -> bool:
    return (urlparse(url).hostname or "").endswith("evil.example")


@pytest.mark.parametrize("address", ["profiles?place={code}", "trends?level=Priority+neighbourhood&area={name}"])
def test_hostile_text_is_shown_literally(browser, chromium_path, tmp_path, address):
    home = copy_default(tmp_path / "home")
    uploads, entry = hostile_uploads(load_dataset(home))
    report = validate(uploads, load_dataset(home), new_entries=[entry])
    assert report.ok, report.lines()
    apply_report(home, report)
    with streamlit_server(home=home.root) as base:
        page = new_tab(browser, viewport={"width": 1280, "height": 900})
        remote = []
        page.on("request", lambda request: remote.append(request.url) if _remote(request.url) else None)
        target = address.format(code=neighbourhood_code(NAME), name=NAME.replace(" ", "+"))
        page.goto(f"{base}/{target}")
        wait_settled(page)
        main = page.locator('[data-testid="stMain"]')
        main.locator("h2", has_text="evil.example").first.wait_for(timeout=60_000)
        assert HOSTILE in main.inner_text().replace(WORD_JOINER, "")  # what a person sees: the joiner is invisible
        assert page.locator('a[href*="evil.example"]').count() == 0
        assert page.locator('img[src*="evil.example"]').count() == 0
        assert main.locator("b", has_text="bold").count() == 0
        assert not remote, f"the page asked for {remote}"
        page.context.close()
