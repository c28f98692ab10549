"""The shell in a real browser: filters survive in the URL, and the app fits a phone."""

from __future__ import annotations

import pytest

from tests.browser.harness import new_tab, runs_again, sidebar_select, wait_for_location, wait_settled

pytestmark = pytest.mark.browser


def _main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def test_copied_url_reproduces_the_view(page, browser, app_url):
    page.goto(f"{app_url}/")
    wait_settled(page)
    sidebar_select(page, "Priority", "Offender")
    sidebar_select(page, "Indicator", "Drug offences recorded")
    sidebar_select(page, "Area", "Armley")
    assert "priority=Offender" in page.url
    assert "Armley" in page.url
    shown = _main_text(page)
    assert "Drug offences" in shown and "Armley" in shown

    copied = page.url
    other = new_tab(browser, viewport={"width": 1280, "height": 900})
    other.goto(copied)
    wait_settled(other)
    assert "Drug offences recorded for Armley" in _main_text(other)
    box = other.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Priority", exact=True)
    assert box.input_value() == "Offender"
    other.context.close()


def test_filters_carry_over_between_pages(page, app_url):
    page.goto(f"{app_url}/?area=Armley&priority=Victim")
    wait_settled(page)
    with runs_again(page):
        page.locator(".st-key-page_links").get_by_text("Trends", exact=True).click()
    assert "/trends" in page.url
    assert "area=Armley" in page.url and "priority=Victim" in page.url
    assert "Armley" in _main_text(page)


def test_first_request_for_a_page_goes_through_the_router(browser, chromium_path):
    from tests.browser.harness import streamlit_server

    with streamlit_server() as base:
        tab = new_tab(browser)
        tab.goto(f"{base}/profiles?area=Armley")
        wait_settled(tab)
        assert "/profiles" in tab.url
        assert "Armley" in tab.locator('[data-testid="stMain"]').inner_text()
        assert tab.get_by_text("Page not found").count() == 0
        tab.context.close()


@pytest.mark.parametrize("path", ["", "map", "trends", "profiles", "compare", "board_pack", "data"])
def test_pages_fit_a_phone_without_sideways_scrolling(phone, app_url, path):
    phone.goto(f"{app_url}/{path}?area=Armley")
    wait_settled(phone)
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 375px wide"


def test_a_tile_link_opens_trends_for_that_indicator_keeping_the_filters(page, app_url):
    page.goto(f"{app_url}/?area=Armley&measure=Rate+per+1%2C000+residents")
    wait_settled(page)
    tile = page.locator(".st-key-tile-drugs")
    with runs_again(page):
        tile.get_by_role("button", name="See the trend").click()
    wait_for_location(page, "/trends", "area=Armley", "measure=Rate")
    assert "indicator=Drug+offences+recorded" in page.url or "indicator=Drug%20offences%20recorded" in page.url
    assert "Drug offences recorded for Armley" in _main_text(page)


def test_presentation_mode_hides_the_sidebar_and_enlarges_text(page, app_url):
    page.goto(f"{app_url}/?area=Armley")
    wait_settled(page)
    normal_size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('[data-testid=stMain] p')).fontSize)"
    )
    page.goto(f"{app_url}/?area=Armley&present=true")
    wait_settled(page)
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    large_size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('[data-testid=stMain] p')).fontSize)"
    )
    assert large_size > normal_size
    assert not page.get_by_role("button", name="See the trend").first.is_visible()
    with runs_again(page):
        page.get_by_role("button", name="Leave presentation mode").click()
    assert "present=" not in page.url
    assert page.locator('[data-testid="stSidebar"]').is_visible()
