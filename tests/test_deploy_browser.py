"""The deployment in a real browser: Chromium through nginx to two ``streamlit run`` processes.

A session works through the proxy (page, filter change, map click); new data applied through one
process is seen by a session on the other, each loading the new version once; and when the process
serving a session is killed, the other serves it and a reloaded page comes back to the same view
from its address.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from deploy.control import start, stop
from deploy.deployment import Settings
from tests.browser.harness import (
    click_area_on_map,
    free_port,
    new_tab,
    open_map,
    sidebar_select,
    wait_for_location,
    wait_settled,
)
from tests.conftest import FIXTURES, copy_default, require
from tests.test_deploy import ROUTE_COOKIE, Deployment, wait_until

pytestmark = pytest.mark.browser

ARMLEY = "E05011385"


@pytest.fixture(scope="module")
def deployment(nginx: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    home = copy_default(tmp_path_factory.mktemp("home")).root
    state = tmp_path_factory.mktemp("deploy")
    settings = Settings(workers=2, port=free_port(), first_worker_port=free_port(), state=state, home=home, nginx=nginx)
    running = start(settings)
    try:
        yield Deployment(running["url"], state, home)
    finally:
        stop(state)


@pytest.fixture(scope="module")
def nginx() -> str:
    from tests.test_deploy import NGINX

    require(os.path.exists(NGINX), "nginx is not installed (apt-get install nginx)")
    return NGINX


@pytest.fixture(scope="module")
def chromium(browser):
    return browser


def pinned_page(chromium, deployment: Deployment, port: int):
    """A new browser whose route cookie sends it to the process on ``port``."""
    page = new_tab(chromium, viewport={"width": 1280, "height": 900})
    page.context.add_cookies([{"name": ROUTE_COOKIE, "value": deployment.route_to(port), "url": deployment.url}])
    return page


def route_of(page) -> str:
    (cookie,) = [c for c in page.context.cookies() if c["name"] == ROUTE_COOKIE]
    return cookie["value"]


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def choose_on_map(page, dataset, code: str, in_address: str, attempts: int = 3) -> None:
    """Click an area on the map until the address names it (software WebGL can drop a click while it draws)."""
    for _ in range(attempts):
        assert click_area_on_map(page, dataset, code).split(" (")[0] in in_address
        try:
            page.wait_for_function("part => window.location.href.includes(part)", arg=in_address, timeout=10_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"clicking the map never chose {code}")


def test_a_session_works_through_the_proxy(chromium, deployment, dataset):
    page = new_tab(chromium, viewport={"width": 1280, "height": 900})
    page.goto(f"{deployment.url}/")
    wait_settled(page)
    route = route_of(page)  # the proxy gave this browser its route
    sidebar_select(page, "Indicator", "Drug offences recorded")
    assert "Drug offences recorded for Leeds" in main_text(page)

    open_map(page, f"{deployment.url}/map")
    choose_on_map(page, dataset, ARMLEY, "area=Armley")
    wait_settled(page)
    assert "Armley" in page.locator(".st-key-map_area_panel").inner_text()
    assert len(set(deployment.served(route))) == 1, "every request of the session reached the same process"
    page.context.close()


def test_data_applied_through_one_process_is_seen_by_a_session_on_the_other(chromium, deployment):
    (first, _), (second, _) = sorted(deployment.workers().items())
    reader = pinned_page(chromium, deployment, second)
    reader.goto(f"{deployment.url}/trends")
    wait_settled(reader)
    assert "August 2024 to July 2025" in main_text(reader)

    uploader = pinned_page(chromium, deployment, first)
    uploader.goto(f"{deployment.url}/data")
    wait_settled(uploader)
    uploader.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        str(FIXTURES / "police_uk_2025-08_street.csv")
    )
    uploader.get_by_text("Validation report").wait_for(timeout=60_000)
    wait_settled(uploader)
    uploader.get_by_role("button", name="Apply", exact=True).click()
    uploader.get_by_text("Applied: police.uk street-level crime for August 2025").wait_for(timeout=60_000)
    wait_settled(uploader)

    reader.reload()  # the next run on the other process picks the new version up, without a restart
    wait_settled(reader)
    assert "September 2024 to August 2025" in main_text(reader)
    assert set(deployment.served(route_of(reader))) == {second}
    assert set(deployment.served(route_of(uploader))) == {first}
    for port in (first, second):
        versions = deployment.loaded_versions(port)
        assert len(versions) == len(set(versions)) >= 2, f"port {port} loaded {versions}: each version once"
    assert deployment.loaded_versions(first)[-1] == deployment.loaded_versions(second)[-1]
    reader.context.close()
    uploader.context.close()


def test_killing_the_process_serving_a_session_leaves_the_other_serving_it(chromium, deployment):
    (first, pid), (second, _) = sorted(deployment.workers().items())
    page = pinned_page(chromium, deployment, first)
    page.goto(f"{deployment.url}/trends")
    wait_settled(page)
    sidebar_select(page, "Area", "Armley")
    sidebar_select(page, "Indicator", "Drug offences recorded")
    wait_for_location(page, "/trends", "area=Armley", "indicator=Drug+offences+recorded")
    view = page.url
    assert route_of(page) == deployment.route_to(first)
    assert set(deployment.served(route_of(page))) == {first}

    os.kill(pid, signal.SIGKILL)
    page.reload()
    wait_settled(page)
    assert page.url == view
    assert "Drug offences recorded for Armley" in main_text(page), "the reloaded page shows the same view"
    box = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Area", exact=True)
    assert box.input_value() == "Armley"
    assert deployment.served(deployment.route_to(first))[-1] == second, "the other process stood in"
    assert route_of(page) == deployment.route_to(second), "and the browser is pinned to it from then on"

    sidebar_select(page, "Indicator", "Reported anti-social behaviour")  # and it goes on working
    assert "Reported anti-social behaviour for Armley" in main_text(page)
    wait_until(lambda: deployment.workers()[first] != pid, 30, "the supervisor to restart the killed process")
    assert set(deployment.served(route_of(page))) == {second}, "the session stayed with its new process"
    page.context.close()
