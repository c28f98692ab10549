"""Presentation mode: kept in the URL, restyles the page, and can be left with one button."""

from __future__ import annotations

import pytest

from saferleeds.ui.presentation import PRESENTATION_CSS
from saferleeds.ui.style import PAGE_CSS
from tests.conftest import ALL_PAGES, run_app


def injected_styles(app) -> list[str]:
    return [str(element.proto.body) for element in app.get("html")]


def test_off_by_default():
    app = run_app()
    assert not app.sidebar.toggle(key="present").value
    assert not any("stSidebar" in css for css in injected_styles(app))
    assert "leave_presentation" not in [b.key for b in app.button]


def test_on_from_the_url_hides_sidebar_and_controls_and_offers_a_way_out():
    app = run_app(query={"present": "true"})
    assert app.sidebar.toggle(key="present").value
    styles = injected_styles(app)
    assert any('[data-testid="stSidebar"]' in css and "display: none" in css for css in styles)
    assert PRESENTATION_CSS.strip() in "\n".join(styles)
    app.button(key="leave_presentation").click().run()
    assert not app.sidebar.toggle(key="present").value
    assert PRESENTATION_CSS.strip() not in "\n".join(injected_styles(app))


def test_kept_when_moving_between_pages():
    app = run_app(query={"present": "true"})
    app.switch_page("pages/trends.py").run()
    assert app.sidebar.toggle(key="present").value
    assert injected_styles(app)


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_carries_the_focus_outline_once(page):
    styles = injected_styles(run_app(page))
    assert sum(css.strip() == PAGE_CSS.strip() for css in styles) == 1
