"""The map in a real browser: clicking an area opens its panel and names it in the URL; the view stays put."""

from __future__ import annotations

import pytest

from tests.browser.harness import (
    TIMEOUT,
    canvas_box,
    click_area_on_map,
    open_map,
    runs_again,
    sidebar_select,
    steady_tooltip_at,
    tooltip_at,
    wait_for_location,
    wait_for_map,
    wait_settled,
)

pytestmark = pytest.mark.browser

ARMLEY = "E05011385"
LSOA_LEVEL = "level=Small+area+%28LSOA%29"
# Streamlit fetches the page icon (a Material symbol) from Google's font service; that is not map data.
PAGE_ICON_HOST = "fonts.gstatic.com/s/i/short-term/release/materialsymbols"


def test_clicking_a_ward_opens_its_panel_and_names_it_in_the_url(page, app_url, dataset):
    open_map(page, f"{app_url}/map")
    assert click_area_on_map(page, dataset, ARMLEY).startswith("Armley (ward)")
    wait_for_location(page, "/map", "area=Armley")
    wait_settled(page)
    panel = page.locator(".st-key-map_area_panel")
    text = panel.inner_text()
    assert "Armley" in text and "highest of 33 wards" in text and "Compared with Leeds" in text
    sidebar_area = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Area", exact=True)
    assert sidebar_area.input_value() == "Armley"

    with runs_again(page):
        page.get_by_role("button", name="Open the full profile").click()
    wait_for_location(page, "/profiles", "area=Armley")


def pick_on_map_page(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.keyboard.type(option.split(" ")[0])
    with runs_again(page):
        page.get_by_role("option", name=option, exact=True).click()


def test_choosing_in_the_select_box_after_a_click_is_not_undone_by_the_map(page, app_url, dataset):
    open_map(page, f"{app_url}/map")
    click_area_on_map(page, dataset, ARMLEY)
    wait_for_location(page, "area=Armley")
    wait_settled(page)

    pick_on_map_page(page, "Area on the map: Ward", "Roundhay")
    wait_for_location(page, "area=Roundhay")
    assert "Roundhay" in page.locator(".st-key-map_area_panel").inner_text()

    pick_on_map_page(page, "Area on the map: Ward", "None chosen")
    page.wait_for_function("() => !window.location.href.includes('area=')", timeout=TIMEOUT)
    assert "Choose an area" in page.locator(".st-key-map_area_panel").inner_text()


def test_the_map_keeps_its_zoom_when_the_indicator_changes(page, app_url):
    open_map(page, f"{app_url}/map?{LSOA_LEVEL}")
    box = canvas_box(page)
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    probe = (centre[0] + 110, centre[1] + 70)
    whole_city = steady_tooltip_at(page, *probe)

    page.mouse.move(*centre)
    for _ in range(4):
        page.mouse.wheel(0, -240)
    zoomed = steady_tooltip_at(page, *probe)
    assert zoomed.splitlines()[0] != whole_city.splitlines()[0], "the wheel zoomed the map in"

    sidebar_select(page, "Indicator", "Reported anti-social behaviour")
    assert "indicator=Reported+anti-social+behaviour" in page.url
    after = tooltip_at(page, *probe, containing="Anti-social behaviour")
    assert "Anti-social behaviour" in after, "the map shows the new indicator"
    assert after.splitlines()[0] == zoomed.splitlines()[0], "the same place is under the pointer: the view was kept"

    with runs_again(page):
        page.get_by_role("button", name="Show all of Leeds").click()
    page.locator('[data-testid="stDeckGlJsonChart"]').scroll_into_view_if_needed()  # the button scrolled it away
    wait_for_map(page)
    box = canvas_box(page)
    probe = (box["x"] + box["width"] / 2 + 110, box["y"] + box["height"] / 2 + 70)
    assert steady_tooltip_at(page, *probe).splitlines()[0] == whole_city.splitlines()[0]


def test_the_map_page_fits_a_phone_without_sideways_scrolling(phone, app_url):
    phone.goto(f"{app_url}/map?{LSOA_LEVEL}&map_hex=true&map_hotspots=true&area=Leeds+063B")
    wait_settled(phone)
    wait_for_map(phone)
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the map page scrolls sideways by {overflow}px at 375px wide"


def test_no_map_data_is_fetched_from_outside(page, app_url):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    open_map(page, f"{app_url}/map?{LSOA_LEVEL}&map_outlines=Priority+neighbourhoods&map_hotspots=true")
    outside = [url for url in requests if not url.startswith(app_url) and PAGE_ICON_HOST not in url]
    assert outside == []
