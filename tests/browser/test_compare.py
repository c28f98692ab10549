"""Compare in a real browser: clicking a point of the funnel plot chooses that area, and its
profile is one button away."""

from __future__ import annotations

import re

import pytest

from tests.browser.harness import new_tab, runs_again, wait_settled

pytestmark = pytest.mark.browser


def test_clicking_a_funnel_point_chooses_the_area_and_opens_its_profile(browser, app_url):
    page = new_tab(browser, viewport={"width": 1280, "height": 1400})
    page.goto(f"{app_url}/compare")
    wait_settled(page)
    if page.get_by_role("dialog").count():
        page.keyboard.press("Escape")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    # Vega labels each point for screen readers; the label names the area.
    point = chart.locator('path[aria-label*="Area: Little London & Woodhouse;"]')
    assert "Significantly above" in point.get_attribute("aria-label")
    with runs_again(page):
        point.click()
    panel = page.locator(".st-key-chosen-area")
    panel.get_by_role("button", name=re.compile("^Open the profile")).wait_for()
    assert "area=Little+London+%26+Woodhouse" in page.url
    assert "significantly above the Leeds average" in panel.inner_text()

    with runs_again(page):
        panel.get_by_role("button", name="Open the profile of Little London & Woodhouse").click()
    page.locator('[data-testid="stMain"]').get_by_role("heading", name="Little London & Woodhouse").wait_for()
    assert "/profiles" in page.url and "place=little-london-woodhouse" in page.url
    page.context.close()
