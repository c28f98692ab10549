"""The Board pack page in a real browser: prepare the pack, download the PowerPoint, open it."""

from __future__ import annotations

import re

import pytest
from pptx import Presentation

from tests.browser.harness import wait_settled

pytestmark = pytest.mark.browser


def test_the_powerpoint_downloads_and_opens_with_its_slides(page, app_url, tmp_path):
    page.goto(f"{app_url}/")  # a fresh server's very first request should not name a page
    wait_settled(page)
    page.goto(f"{app_url}/board_pack?area=Armley&pack_indicators=Drug+offences+recorded")
    wait_settled(page)
    main = page.locator('[data-testid="stMain"]')
    assert "Board pack" in main.inner_text()
    main.get_by_role("button", name=re.compile("Prepare the board pack")).click()
    download = main.get_by_role("button", name=re.compile("Download PowerPoint"))
    download.wait_for(timeout=180_000)
    wait_settled(page)
    with page.expect_download(timeout=60_000) as started:
        download.click()
    saved = tmp_path / started.value.suggested_filename
    started.value.save_as(saved)
    assert saved.name == "safer-leeds-board-pack-armley-2024-08-to-2025-07.pptx"
    deck = Presentation(saved)
    assert [slide.shapes.title.text for slide in deck.slides][:5] == [
        "Safer Leeds board pack: Armley",
        "What needs attention: Armley",
        "The plan on a page: Armley beside Leeds",
        "Drug offences recorded",
        "Definitions, sources and what is modelled",
    ]
    pictures = [shape for shape in deck.slides[3].shapes if shape.shape_type == 13]
    assert len(pictures) == 2 and all(p._element.nvPicPr.cNvPr.get("descr") for p in pictures)
