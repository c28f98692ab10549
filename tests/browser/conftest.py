"""Browser fixtures: one app server and one Chromium for the session, a fresh page per test."""

from __future__ import annotations

import pytest

from tests.browser.harness import new_tab, streamlit_server


@pytest.fixture(scope="session")
def app_url(chromium_path: str):
    with streamlit_server() as base:
        yield base


@pytest.fixture
def page(browser):
    tab = new_tab(browser, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    yield tab
    tab.context.close()


@pytest.fixture
def phone(browser):
    tab = new_tab(
        browser,
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        accept_downloads=True,
    )
    yield tab
    tab.context.close()
