"""Loading a police.uk CSV on the Data page in a real browser, and seeing the new month on Trends."""

from __future__ import annotations

import pytest

from tests.browser.harness import new_tab, runs_again, streamlit_server, wait_settled
from tests.conftest import FIXTURES, copy_default

pytestmark = pytest.mark.browser


def _main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def test_upload_report_apply_and_see_the_month_on_trends(browser, chromium_path, tmp_path):
    home = copy_default(tmp_path / "home")
    with streamlit_server(home=home.root) as base:
        page = new_tab(browser, viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/data")
        wait_settled(page)
        assert "Recorded, estimated or modelled?" in _main_text(page)
        assert "Each file may be up to 200 MB" in _main_text(page)

        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            str(FIXTURES / "police_uk_2025-08_street.csv")
        )
        page.get_by_text("Validation report").wait_for()
        wait_settled(page)
        report = _main_text(page)
        assert "No problems found: the files can be applied." in report
        assert "new months August 2025" in report
        assert "1 row lies outside Leeds; not counted" in report

        page.get_by_role("button", name="Apply", exact=True).click()
        page.get_by_text("Applied: police.uk street-level crime for August 2025").wait_for()
        wait_settled(page)

        with runs_again(page):
            page.locator(".st-key-page_links").get_by_text("Trends", exact=True).click()
        assert "/trends" in page.url
        trends = _main_text(page)
        assert "September 2024 to August 2025" in trends  # the status line names the new latest month
        slider = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]')
        assert "Aug 2025" in slider.inner_text()
        page.context.close()
