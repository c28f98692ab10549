"""Downloads in a real browser: a chart's picture, the printable map and a table's numbers arrive as files."""

from __future__ import annotations

import csv
import io

import pytest

from saferleeds.present.export import render
from tests.browser.harness import wait_for_charts, wait_settled

pytestmark = pytest.mark.browser


def download(page, menu, label: str):
    """Open a chart's Download menu and press one of its buttons; return the file Chromium saved."""
    menu.scroll_into_view_if_needed()
    menu.click()
    button = page.get_by_role("button", name=label)
    button.wait_for()
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as started:
        button.click()
    return started.value


def test_a_chart_downloads_as_a_print_quality_png_and_its_numbers_as_csv(page, app_url, tmp_path):
    page.goto(f"{app_url}/trends?area=Armley")
    wait_settled(page)
    wait_for_charts(page)  # the menu must not move while it opens
    menu = page.locator(".st-key-trend-monthly-download-menu button").first
    picture = download(page, menu, "Chart as PNG (print quality)")
    assert picture.suggested_filename == "recorded-crime-month-by-month.png"
    saved = tmp_path / picture.suggested_filename
    picture.save_as(saved)
    width, _ = render.png_size(saved.read_bytes())
    assert width > 1500  # drawn at three times its layout size

    page.keyboard.press("Escape")
    numbers = download(page, menu, "Numbers as CSV")
    rows = list(csv.reader(io.StringIO(numbers.path().read_text("utf-8-sig"))))
    assert rows[0] == ["Area", "Month", "Value (number)", "Data"]
    assert {row[0] for row in rows[1:]} == {"Armley", "Leeds"}


def test_the_map_downloads_as_a_printable_svg_with_its_legend_and_source(page, app_url):
    page.goto(f"{app_url}/map?area=Armley")
    wait_settled(page)
    menu = page.locator(".st-key-map-picture-menu button").first
    drawing = download(page, menu, "Chart as SVG (sharp at any size)")
    assert drawing.suggested_filename.endswith(".svg")
    text = drawing.path().read_text("utf-8")
    assert text.lstrip().startswith("<svg")
    assert "Recorded crime: wards of Leeds" in text and "Source:" in text and "Armley" in text
