"""A community safety champion's journey on a phone: open their committee area's profile from a
shared link, read the summary, then follow a ward link to that ward's profile."""

from __future__ import annotations

import time

import pytest

from saferleeds.present.charts.common import BACKGROUND_AREA, HIGHLIGHT
from tests.browser.harness import new_tab, runs_again, wait_settled
from tests.pictures import colour_counts, pixels

pytestmark = pytest.mark.browser
NEW_WORTLEY = "PN-NEW-WORTLEY"  # a priority neighbourhood: drawn over the wards, and circled


def _main(page):
    return page.locator('[data-testid="stMain"]')


def _close_any_dialog(page) -> None:
    """A server's very first request for a page may open a notice; a person would close it."""
    dialog = page.get_by_role("dialog")
    if dialog.count() and dialog.first.is_visible():
        page.keyboard.press("Escape")
        dialog.first.wait_for(state="hidden")


def _sideways_scroll(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_champion_opens_a_committee_area_profile_and_follows_a_ward_link(phone, app_url):
    phone.goto(f"{app_url}/profiles?place=inner-east")
    wait_settled(phone)
    _close_any_dialog(phone)
    main = _main(phone)
    main.get_by_role("heading", name="Inner East", exact=True).wait_for()

    text = main.locator(".st-key-summary").inner_text()
    assert text.startswith("Inner East, ")
    for point in ("Up:", "Down:", "Against Leeds:", "How it was made:"):
        assert point in text
    assert "modelled" in text.lower()
    assert _sideways_scroll(phone) <= 0
    chart = main.locator('[data-testid="stVegaLiteChart"]').first
    assert chart.bounding_box()["width"] <= 375

    ward = main.get_by_role("link", name="Burmantofts & Richmond Hill", exact=True)
    ward.scroll_into_view_if_needed()
    with runs_again(phone):
        ward.click()
    main.get_by_role("heading", name="Burmantofts & Richmond Hill", exact=True).wait_for()
    assert "place=burmantofts-richmond-hill" in phone.url
    text = main.inner_text()
    assert "Burmantofts & Richmond Hill, " in text and "Against Leeds:" in text
    assert "Inner East" in text  # the ward's profile links back to its committee area
    assert _sideways_scroll(phone) <= 0


def test_a_profile_address_can_be_shared(browser, app_url):
    page = new_tab(browser, viewport={"width": 1280, "height": 900})
    page.goto(f"{app_url}/profiles?place=E05011385")
    wait_settled(page)
    _close_any_dialog(page)
    _main(page).get_by_role("heading", name="Armley", exact=True).wait_for()
    assert "place=armley" in page.url  # any code opens the profile; the address then names it plainly
    page.context.close()


def _painted(chart, colours: list[str], timeout: float = 60) -> dict[str, int]:
    """The chart's pixels of each colour, once the first of them shows (Vega draws after the page settles)."""
    deadline = time.monotonic() + timeout
    counts = colour_counts(chart.screenshot(), colours)
    while not counts[colours[0]] and time.monotonic() < deadline:
        counts = colour_counts(chart.screenshot(), colours)
    return counts


def _reddish(png: bytes) -> int:
    """Pixels near the marker's red, anti-aliased edges included (the circle is a thin line)."""
    image = pixels(png).astype(int)
    return int(((image[..., 0] > 170) & (image[..., 1] < 110) & (image[..., 2] < 100)).sum())


@pytest.mark.parametrize(
    ("place", "smallest_share", "circled"),
    [("armley", 0.004, False), ("E02002330", 0.001, False), ("E01011264", 0.0, False), (NEW_WORTLEY, 0.0, True)],
)
def test_the_locator_map_shows_the_area_picked_out_among_the_others(browser, app_url, place, smallest_share, circled):
    page = new_tab(browser, viewport={"width": 1280, "height": 900})
    page.goto(f"{app_url}/profiles?place={place}")
    wait_settled(page)
    _close_any_dialog(page)
    chart = _main(page).locator('[data-testid="stVegaLiteChart"]', has=page.locator("g.mark-shape")).first
    chart.scroll_into_view_if_needed()
    counts = _painted(chart, [HIGHLIGHT, BACKGROUND_AREA])
    drawn = counts[HIGHLIGHT] + counts[BACKGROUND_AREA]
    assert counts[BACKGROUND_AREA] > 5_000, "the rest of Leeds is drawn"
    assert counts[HIGHLIGHT] > 0 and counts[HIGHLIGHT] >= smallest_share * drawn, "the area is picked out"
    assert counts[HIGHLIGHT] < 0.25 * drawn, "only the area is picked out"
    assert (_reddish(chart.screenshot()) > 30) is circled, "an area too small to see at city scale is circled"
    page.context.close()
