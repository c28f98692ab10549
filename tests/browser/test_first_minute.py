"""The first minute in a real browser: the plan on a page in one look at 1366 x 768 and in order on a phone,
names drawn on the map (and a locality's own), and what needs attention, all clean under axe-core."""

from __future__ import annotations

import io
import time

import pytest

from saferleeds.analysis.overview import tile_indicators
from saferleeds.present.maps.deck import fit_view, initial_view
from tests.browser.axe import blocking, report, scan
from tests.browser.harness import canvas_box, open_map, wait_for_charts, wait_settled, world_pixels

pytestmark = pytest.mark.browser

TILES = '[class*="st-key-tile-"]'
FINDINGS_SHOWN = (
    "() => [...document.querySelectorAll('[data-testid=stCaptionContainer]')]"
    ".some(c => c.innerText.includes('tests of'))"
)


def key_tiles_in_order(dataset) -> list[str]:
    return [i.id for column in tile_indicators(dataset, None, None).values() for i in column]


def test_all_nine_tiles_are_seen_at_once_on_a_laptop(browser, app_url, dataset):
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    page.goto(f"{app_url}/")
    tiles = page.locator(TILES)
    # The tiles are what this checks: wait for the last one's sparkline to be drawn (the attention panel
    # below them may still be working out its findings on a cold server).
    tiles.nth(8).locator('[data-testid="stVegaLiteChart"] svg g').first.wait_for(timeout=180_000)
    assert tiles.count() == len(key_tiles_in_order(dataset)) == 9
    for index in range(tiles.count()):
        tile = tiles.nth(index)
        for part in (".sl-figure", ".sl-change", ".sl-status", '[data-testid="stVegaLiteChart"] svg'):
            box = tile.locator(part).first.bounding_box()
            assert box and box["height"] > 0, f"tile {index} shows {part}"
            assert box["x"] >= 0 and box["x"] + box["width"] <= 1366, f"tile {index}: {part} is off the screen"
            assert box["y"] >= 0 and box["y"] + box["height"] <= 768, f"tile {index}: {part} is below the fold"
    headings = page.locator('.st-key-plan [data-testid="stHeading"] h2')
    assert [headings.nth(i).inner_text().strip() for i in range(headings.count())] == ["Victim", "Offender", "Location"]
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "Keeping people safe from harm" in main, "each short heading has the priority's full name below it"
    page.context.close()


def test_on_a_phone_the_tiles_stack_in_the_same_order_and_read_without_zooming(phone, app_url, dataset):
    phone.goto(f"{app_url}/")
    wait_settled(phone)
    order = [phone.locator(f".st-key-tile-{i}").bounding_box()["y"] for i in key_tiles_in_order(dataset)]
    assert order == sorted(order), "the tiles stack in the plan's order"
    sizes = phone.evaluate(
        "() => [...document.querySelectorAll('.sl-figure')].map(f => "
        "[parseFloat(getComputedStyle(f).fontSize), f.getBoundingClientRect().right])"
    )
    assert len(sizes) == 9
    for font_size, right in sizes:
        assert font_size >= 16 and right <= 375, "every figure is large enough and inside the screen"


def dark_pixels(page, x: float, y: float, half_width: int = 45, half_height: int = 10) -> int:
    """Near-black pixels (a name's letters) in a box centred on a point of the screen."""
    from PIL import Image

    clip = {"x": x - half_width, "y": y - half_height, "width": 2 * half_width, "height": 2 * half_height}
    picture = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB")
    return sum(1 for r, g, b in picture.getdata() if max(r, g, b) < 70)


def wait_for_letters(page, x: float, y: float, timeout: float = 60) -> int:
    """Look again until letters are drawn at the point (software WebGL draws the text after the shapes)."""
    deadline = time.monotonic() + timeout
    found = dark_pixels(page, x, y)
    while found < 15 and time.monotonic() < deadline:
        page.wait_for_function("() => new Promise(done => requestAnimationFrame(() => done(true)))")
        found = dark_pixels(page, x, y)
    return found


def on_screen(page, view, longitude: float, latitude: float) -> tuple[float, float]:
    box = canvas_box(page)
    centre = world_pixels(view.longitude, view.latitude, view.zoom)
    point = world_pixels(longitude, latitude, view.zoom)
    return box["x"] + box["width"] / 2 + point[0] - centre[0], box["y"] + box["height"] / 2 + point[1] - centre[1]


def label_point(dataset, level: str, name: str) -> tuple[float, float]:
    areas = dataset.boundaries(level)
    point = areas.loc[areas["name"] == name, "geometry"].iloc[0].representative_point()
    return point.x, point.y


def test_ward_names_are_drawn_on_the_map(page, app_url, dataset):
    open_map(page, f"{app_url}/map")
    x, y = on_screen(page, initial_view(dataset), *label_point(dataset, "ward", "Wetherby"))
    assert wait_for_letters(page, x, y) >= 15, "Wetherby is written on the map"
    assert dark_pixels(page, x, y + 30) < 5, "and only where the name is (below it is the ward's colour)"


def test_a_committee_area_opens_on_its_wards_with_its_own_name(page, app_url, dataset):
    open_map(page, f"{app_url}/map?level=Community+committee+area&area=Inner+East")
    code = dataset.geography.recognise("inner-east")[1]
    view = fit_view(tuple(dataset.boundaries("committee").set_index("code").loc[[code]].total_bounds))
    x, y = on_screen(page, view, *label_point(dataset, "committee", "Inner East"))
    assert wait_for_letters(page, x, y - 32) >= 15, "the committee area is named above its wards"
    assert "The wards of Inner East" in page.locator('[data-testid="stMain"]').inner_text()


@pytest.mark.parametrize("path", ["?attention_modelled=true&area=Armley", "attention?attention_modelled=true"])
def test_what_needs_attention_passes_axe_with_its_findings_shown(page, app_url, path):
    page.goto(f"{app_url}/{path}")
    page.wait_for_function(FINDINGS_SHOWN, timeout=600_000)
    wait_settled(page)
    wait_for_charts(page)
    found = scan(page)
    print(report(path, found))
    assert not blocking(found), report(path, blocking(found))
    assert page.locator('[class*="-finding-1"]').count() == 1


def test_what_needs_attention_at_phone_width_passes_axe(phone, app_url):
    phone.goto(f"{app_url}/attention?attention_modelled=true&area=Armley")
    phone.wait_for_function(FINDINGS_SHOWN, timeout=600_000)
    wait_settled(phone)
    assert not blocking(scan(phone))
