"""The map in a real browser: clicking an area opens its panel and names it in the URL; the view stays put."""

from __future__ import annotations

import math

import pytest

from saferleeds import maps
from saferleeds.dataset import Dataset
from tests.browser.harness import sidebar_select, wait_settled

pytestmark = pytest.mark.browser

ARMLEY = "E05011385"
LSOA_LEVEL = "level=Small+area+%28LSOA%29"
# Streamlit fetches the page icon (a Material symbol) from Google's font service; that is not map data.
PAGE_ICON_HOST = "fonts.gstatic.com/s/i/short-term/release/materialsymbols"


def world_pixels(longitude: float, latitude: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixel position at a zoom, as deck.gl's map view computes it (512-pixel world at zoom 0)."""
    size = 512 * 2**zoom
    x = (longitude + 180) / 360 * size
    y = (1 - math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2)) / math.pi) / 2 * size
    return x, y


def canvas_box(page) -> dict:
    box = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.bounding_box()
    assert box and box["width"] > 200, "the map is drawn"
    return box


def screen_point(page, dataset: Dataset, longitude: float, latitude: float) -> tuple[float, float]:
    """Where a place is on screen in the map's whole-city view."""
    view = maps.initial_view(dataset)
    box = canvas_box(page)
    centre = world_pixels(view.longitude, view.latitude, view.zoom)
    point = world_pixels(longitude, latitude, view.zoom)
    return box["x"] + box["width"] / 2 + point[0] - centre[0], box["y"] + box["height"] / 2 + point[1] - centre[1]


def tooltip_at(page, x: float, y: float, attempts: int = 30) -> str:
    """The map's tooltip at a point (software WebGL can take a moment before it picks)."""
    tooltip = page.locator(".deck-tooltip")
    for attempt in range(attempts):
        page.mouse.move(x + (attempt % 2), y)
        page.wait_for_timeout(300)
        if tooltip.is_visible() and tooltip.inner_text().strip():
            return tooltip.inner_text()
    raise AssertionError(f"no tooltip at ({x:.0f}, {y:.0f})")


def wait_for_location(page, *parts: str) -> None:
    """Wait until the address bar holds every part (Streamlit rewrites it without a page load)."""
    page.wait_for_function(
        "parts => parts.every(part => window.location.href.includes(part))", arg=list(parts), timeout=30_000
    )


def open_map(page, url: str) -> None:
    page.goto(url)
    wait_settled(page)
    canvas_box(page)
    page.wait_for_timeout(1000)  # software WebGL draws the first frame


def test_clicking_a_ward_opens_its_panel_and_names_it_in_the_url(page, app_url, dataset):
    open_map(page, f"{app_url}/map")
    point = dataset.boundaries("ward").set_index("code").geometry[ARMLEY].representative_point()
    x, y = screen_point(page, dataset, point.x, point.y)
    assert tooltip_at(page, x, y).startswith("Armley (ward)")
    page.wait_for_timeout(500)  # let the hover's picking finish, or the click can be dropped
    page.mouse.click(x, y)
    wait_for_location(page, "/map", "area=Armley")
    wait_settled(page)
    panel = page.locator(".st-key-map_area_panel")
    text = panel.inner_text()
    assert "Armley" in text and "highest of 33 wards" in text and "Compared with Leeds" in text
    sidebar_area = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Area", exact=True)
    assert sidebar_area.input_value() == "Armley"

    page.get_by_role("button", name="Open the full profile").click()
    wait_for_location(page, "/profiles", "area=Armley")


def pick_on_map_page(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.keyboard.type(option.split(" ")[0])
    page.get_by_role("option", name=option, exact=True).click()
    wait_settled(page)


def test_choosing_in_the_select_box_after_a_click_is_not_undone_by_the_map(page, app_url, dataset):
    open_map(page, f"{app_url}/map")
    point = dataset.boundaries("ward").set_index("code").geometry[ARMLEY].representative_point()
    x, y = screen_point(page, dataset, point.x, point.y)
    tooltip_at(page, x, y)
    page.wait_for_timeout(500)
    page.mouse.click(x, y)
    wait_for_location(page, "area=Armley")
    wait_settled(page)

    pick_on_map_page(page, "Area on the map: Ward", "Roundhay")
    wait_for_location(page, "area=Roundhay")
    assert "Roundhay" in page.locator(".st-key-map_area_panel").inner_text()

    pick_on_map_page(page, "Area on the map: Ward", "None chosen")
    page.wait_for_function("() => !window.location.href.includes('area=')", timeout=30_000)
    assert "Choose an area" in page.locator(".st-key-map_area_panel").inner_text()


def test_the_map_keeps_its_zoom_when_the_indicator_changes(page, app_url):
    open_map(page, f"{app_url}/map?{LSOA_LEVEL}")
    box = canvas_box(page)
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    probe = (centre[0] + 110, centre[1] + 70)
    whole_city = tooltip_at(page, *probe)

    page.mouse.move(*centre)
    for _ in range(4):
        page.mouse.wheel(0, -240)
        page.wait_for_timeout(250)
    page.wait_for_timeout(800)
    zoomed = tooltip_at(page, *probe)
    assert zoomed.splitlines()[0] != whole_city.splitlines()[0], "the wheel zoomed the map in"

    sidebar_select(page, "Indicator", "Reported anti-social behaviour")
    assert "indicator=Reported+anti-social+behaviour" in page.url
    page.wait_for_timeout(1000)
    after = tooltip_at(page, *probe)
    assert "Anti-social behaviour" in after, "the map shows the new indicator"
    assert after.splitlines()[0] == zoomed.splitlines()[0], "the same place is under the pointer: the view was kept"

    page.get_by_role("button", name="Show all of Leeds").click()
    wait_settled(page)
    page.wait_for_timeout(800)
    page.locator('[data-testid="stDeckGlJsonChart"]').scroll_into_view_if_needed()  # the button scrolled it away
    page.wait_for_timeout(500)
    box = canvas_box(page)
    probe = (box["x"] + box["width"] / 2 + 110, box["y"] + box["height"] / 2 + 70)
    assert tooltip_at(page, *probe).splitlines()[0] == whole_city.splitlines()[0]


def test_the_map_page_fits_a_phone_without_sideways_scrolling(phone, app_url):
    phone.goto(f"{app_url}/map?{LSOA_LEVEL}&map_hex=true&map_hotspots=true&area=Leeds+063B")
    wait_settled(phone)
    phone.wait_for_timeout(1000)
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the map page scrolls sideways by {overflow}px at 375px wide"


def test_no_map_data_is_fetched_from_outside(page, app_url):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    open_map(page, f"{app_url}/map?{LSOA_LEVEL}&map_outlines=Priority+neighbourhoods&map_hotspots=true")
    outside = [url for url in requests if not url.startswith(app_url) and PAGE_ICON_HOST not in url]
    assert outside == []
