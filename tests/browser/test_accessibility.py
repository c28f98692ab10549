"""Accessibility in a real browser: axe-core finds no serious or critical problem on any page, in the
states that matter (an area chosen, a ward clicked on the map, a point picked on the funnel plot, a
profile, presentation mode, a phone); chart text is readable; and a journey works by keyboard alone."""

from __future__ import annotations

import re

import pytest

from saferleeds.ui.registry import PAGES as REGISTRY
from tests.browser.axe import blocking, report, scan
from tests.browser.harness import (
    click_area_on_map,
    open_map,
    runs_again,
    wait_for_charts,
    wait_for_frame,
    wait_for_location,
    wait_settled,
)

pytestmark = pytest.mark.browser

ARMLEY = "E05011385"
PAGES = [entry.address for entry in REGISTRY]
DATA_PAGES = [entry.address for entry in REGISTRY if entry.shows_data]
ACTIVE_NAME = (
    "() => { const e = document.activeElement; return [e.tagName, (e.getAttribute('aria-label') || '').trim()] }"
)
ACTIVE_TEXT = "() => document.activeElement.innerText.trim()"


def close_any_dialog(page) -> None:
    """A server's very first request for a page may open a notice; a person would close it."""
    dialog = page.get_by_role("dialog")
    if dialog.count() and dialog.first.is_visible():
        page.keyboard.press("Escape")
        dialog.first.wait_for(state="hidden")


def open_page(page, url: str, charts: int = 0) -> None:
    """Open the page and wait until it has finished running and every chart (at least ``charts``) is drawn."""
    page.goto(url)
    wait_settled(page)
    close_any_dialog(page)
    wait_for_charts(page, least=charts)


def assert_no_serious_problems(page, where: str) -> None:
    found = scan(page)
    print(report(where, found))  # every violation, minor ones too, is in the test log
    serious = blocking(found)
    assert not serious, report(where, serious)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_passes_axe(page, app_url, path):
    open_page(page, f"{app_url}/{path}")
    assert_no_serious_problems(page, f"/{path}")


@pytest.mark.parametrize("path", DATA_PAGES)
def test_every_page_with_an_area_chosen_passes_axe(page, app_url, path):
    open_page(page, f"{app_url}/{path}?area=Armley")
    assert_no_serious_problems(page, f"/{path}?area=Armley")


@pytest.mark.parametrize("path", PAGES)
def test_every_page_at_phone_width_passes_axe(phone, app_url, path):
    open_page(phone, f"{app_url}/{path}?area=Armley")
    assert_no_serious_problems(phone, f"/{path}?area=Armley at 375 px")


@pytest.mark.parametrize("path", ["", "map", "trends", "profiles", "compare"])
def test_presentation_mode_passes_axe(page, app_url, path):
    open_page(page, f"{app_url}/{path}?present=true&area=Armley")
    assert_no_serious_problems(page, f"/{path}?present=true")


@pytest.mark.parametrize(
    "query",
    ["place=inner-east", "place=new-wortley"],
    ids=["committee-area", "priority-neighbourhood"],
)
def test_area_profiles_pass_axe(page, app_url, query):
    open_page(page, f"{app_url}/profiles?{query}")
    assert_no_serious_problems(page, f"/profiles?{query}")


def test_map_with_a_ward_clicked_and_as_hexagons_passes_axe(page, app_url, dataset):
    open_map(page, f"{app_url}/map")
    click_area_on_map(page, dataset, ARMLEY)
    wait_for_location(page, "/map", "area=Armley")
    wait_settled(page)
    assert "Armley" in page.locator(".st-key-map_area_panel").inner_text()
    assert_no_serious_problems(page, "/map with Armley clicked")

    open_map(page, f"{app_url}/map?map_hex=true&map_show=Change+on+the+year+before")
    assert_no_serious_problems(page, "/map as hexagons showing change")


def test_compare_with_a_point_picked_passes_axe(page, app_url):
    open_page(page, f"{app_url}/compare")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    with runs_again(page):
        chart.locator('path[aria-label*="Area: Armley;"]').click()
    page.locator(".st-key-chosen-area").get_by_role("button", name="Open the profile of Armley").wait_for()
    assert_no_serious_problems(page, "/compare with Armley picked")


def test_open_menus_and_tables_of_numbers_pass_axe(page, app_url):
    open_page(page, f"{app_url}/trends?area=Armley")
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("Numbers behind this chart").first.click()
    wait_settled(page)
    table = main.get_by_role("table", name=re.compile("The numbers of"))
    table.first.wait_for()
    assert "Armley" in table.first.inner_text()
    main.locator('[data-testid="stPopoverButton"]').first.click()
    page.get_by_role("button", name="Chart as PNG (print quality)").wait_for()
    assert_no_serious_problems(page, "/trends with the numbers and a download menu open")


def test_a_prepared_board_pack_passes_axe(page, app_url):
    open_page(page, f"{app_url}/board_pack?area=Armley&pack_indicators=Drug+offences+recorded")
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("button", name=re.compile("Prepare the board pack")).click()
    main.get_by_role("button", name=re.compile("Download PowerPoint")).wait_for(timeout=180_000)
    wait_settled(page)
    assert (
        main.get_by_role("img", name=re.compile("drug offences recorded", re.IGNORECASE)).count() == 2
    )  # the pictures say what they show
    assert_no_serious_problems(page, "/board_pack with a pack prepared")


def contrast(colour: str) -> float:
    """Contrast of a CSS rgb() colour against white (WCAG relative luminance)."""
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", colour)[:3])

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return 1.05 / (luminance + 0.05)


@pytest.mark.parametrize("path", ["trends?area=Armley", "compare", "profiles?place=inner-east"])
def test_words_on_charts_are_dark_enough_to_read(page, app_url, path):
    """axe-core does not check text drawn in SVG, so the chart's own words are measured here (4.5:1)."""
    open_page(page, f"{app_url}/{path}", charts=1)
    colours = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stVegaLiteChart] svg text')]"
        ".filter(t => t.textContent.trim()).map(t => [getComputedStyle(t).fill, t.textContent.slice(0, 40)])"
    )
    assert colours, "the page has charts with words on them"
    faint = {text: fill for fill, text in colours if contrast(fill) < 4.5}
    assert not faint, f"chart text below 4.5:1 on white: {faint}"


def tab_until(page, found, limit: int = 200) -> int:
    """Press Tab until ``found(tag, label, text)`` is true for the focused element; return how many presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        tag, label = page.evaluate(ACTIVE_NAME)
        text = page.evaluate(ACTIVE_TEXT) if tag == "BUTTON" else ""
        if found(tag, label, text):
            return presses
    raise AssertionError(f"Tab never reached the control within {limit} presses")


ACTIVE_OPTION = "() => document.activeElement && document.activeElement.getAttribute('aria-activedescendant')"


def choose_by_keyboard(page, label: str, option: str) -> None:
    """Tab to the select box labelled ``label``, type to find ``option`` and press Enter."""
    tab_until(page, lambda tag, aria, text: tag == "INPUT" and aria == label)
    wait_for_frame(page)
    page.keyboard.press("Control+A")  # the box shows its current choice: type over it
    page.keyboard.type(option)
    found = page.get_by_role("option", name=option, exact=True)
    found.wait_for()
    option_id = found.get_attribute("id")
    if page.evaluate(ACTIVE_OPTION) != option_id:  # some lists focus the first match by themselves, some do not
        page.keyboard.press("ArrowDown")
    page.wait_for_function(f"id => ({ACTIVE_OPTION})() === id", arg=option_id)  # Enter chooses what is focused
    page.keyboard.press("Enter")


def test_a_journey_by_keyboard_alone(page, app_url, dataset):
    """Choose Armley in the sidebar and open a tile's trend, with the keyboard and nothing else."""
    open_page(page, f"{app_url}/")
    choose_by_keyboard(page, "Area", "Armley")
    wait_for_location(page, "area=Armley")
    wait_settled(page)
    assert "Figures for Armley beside the Leeds figure" in page.locator('[data-testid="stMain"]').inner_text()

    tab_until(page, lambda tag, label, text: tag == "BUTTON" and text.endswith("See the trend"))
    tile = page.evaluate("() => document.activeElement.closest('[class*=\"st-key-tile-\"]').className")
    indicator = re.search(r"st-key-tile-(\w+)", tile).group(1)
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth] }"
    )
    assert outline == ["solid", "3px"], "the focused button shows a clear outline"
    page.keyboard.press("Enter")
    wait_for_location(page, "/trends", "area=Armley")
    wait_settled(page)
    label = dataset.catalogue.indicator(indicator).label
    assert f"{label} (number) for Armley" in page.locator('[data-testid="stMain"]').inner_text()


def test_an_area_can_be_chosen_on_the_map_and_the_funnel_plot_by_keyboard(page, app_url):
    for path, label in (("map", "Area on the map: Ward"), ("compare", "Area to look at")):
        open_page(page, f"{app_url}/{path}")
        choose_by_keyboard(page, label, "Armley")
        wait_for_location(page, f"/{path}", "area=Armley")
        wait_settled(page)
        assert "Armley" in page.locator('[data-testid="stMain"]').inner_text()
