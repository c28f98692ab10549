"""The first frames a person sees: the navigation names only the real pages, on a cold server and a warm one.

A script added before the page loads looks at the sidebar on every frame the browser draws (and on every
change to the page between frames) and keeps each distinct list of navigation labels it saw, from the
first paint until the app has finished drawing.
"""

from __future__ import annotations

import json

import pytest

from saferleeds.ui.registry import PAGES
from tests.browser.harness import streamlit_server

pytestmark = pytest.mark.browser

TITLES = [p.title for p in PAGES]
WATCH_NAVIGATION = """
window.__navigation = [];
const labels = () => {
  const links = document.querySelectorAll(
    '[data-testid=stSidebarNav] a, [data-testid=stSidebar] a, [data-testid=stSidebarNavItems] a');
  return [...links].map(link => {
    const copy = link.cloneNode(true);
    copy.querySelectorAll('[data-testid=stIconMaterial], [data-testid=stIconEmoji]').forEach(i => i.remove());
    return copy.innerText.trim();
  }).filter(text => text);
};
const look = () => {
  const seen = JSON.stringify({
    labels: labels(),
    native: document.querySelectorAll('[data-testid=stSidebarNav]').length,
  });
  const all = window.__navigation;
  if (all[all.length - 1] !== seen) all.push(seen);
};
const everyFrame = () => { look(); requestAnimationFrame(everyFrame); };
requestAnimationFrame(everyFrame);
new MutationObserver(look).observe(document, {subtree: true, childList: true, characterData: true});
"""
ALL_LINKS_DRAWN = (
    "titles => { const s = document.querySelector('[data-testid=stSidebar]');"
    " return s && titles.every(t => s.innerText.includes(t)); }"
)


def navigation_seen(browser, url: str) -> list[dict]:
    """Every distinct navigation a new visitor's browser drew while ``url`` loaded."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    tab = context.new_page()
    tab.add_init_script(WATCH_NAVIGATION)
    tab.goto(url)
    tab.wait_for_function(ALL_LINKS_DRAWN, arg=TITLES, timeout=90_000)
    # Watch until the page itself is drawn (its heading), so any later redraw of the navigation is seen too.
    tab.locator('[data-testid="stMain"] h1').first.wait_for(timeout=180_000)
    seen = [json.loads(item) for item in tab.evaluate("window.__navigation")]
    context.close()
    return seen


def assert_only_page_titles(seen: list[dict], where: str) -> None:
    assert seen, f"{where}: nothing was recorded"
    for frame in seen:
        assert frame["native"] == 0, f"{where}: Streamlit's own page list was drawn: {frame}"
        strangers = [label for label in frame["labels"] if label not in TITLES]
        assert not strangers, f"{where}: the navigation showed {strangers}, which are not page titles"
    assert any(frame["labels"] == TITLES for frame in seen), f"{where}: every page title, in order, was shown"


def test_a_cold_and_a_warm_server_show_only_page_titles_from_the_first_frame(browser, chromium_path):
    with streamlit_server() as base:
        assert_only_page_titles(navigation_seen(browser, f"{base}/"), "cold server, first visit")
        assert_only_page_titles(navigation_seen(browser, f"{base}/trends"), "warm server, a new visitor")
