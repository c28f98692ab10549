"""The load test's sessions really use the app: a filter chosen over the websocket is taken up by the page,
carried to the next page, and a short run of several sessions completes changes without errors."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from streamlit.proto.Delta_pb2 import Delta
from websockets.asyncio.client import connect

from bench.load_test import (
    Run,
    Session,
    Target,
    measure_load,
    p95,
    processes_behind,
    read_delta,
    report_failures,
    run,
    websocket_url,
)
from saferleeds.ui.shell import PAGE_FAILED
from tests.browser.harness import streamlit_server

pytestmark = pytest.mark.slow


def in_own_thread(function, *args):
    """Run ``function`` on a thread of its own: the browser tests' Playwright keeps an event loop on this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as base:
        yield base


async def journey(base: str) -> list[str]:
    """Choose Armley and drug offences on the Overview, then open Trends; return each run's status line."""
    async with connect(websocket_url(base), subprotocols=["streamlit"], origin=base, max_size=None) as websocket:
        user = Session(websocket)
        runs = [await user.open("")]
        runs.append(await user.change_filter("Area", "Armley"))
        runs.append(await user.change_filter("Indicator", "Drug offences recorded"))
        runs.append(await user.go_to("trends"))
        assert user.query_string == "area=Armley&indicator=Drug+offences+recorded"
        return [next(text for text in r.text if text.startswith(":material/info:")) for r in runs]


def test_a_filter_chosen_over_the_websocket_is_taken_up_and_kept_across_pages(server):
    leeds, armley, drugs, trends = in_own_thread(asyncio.run, journey(server))
    assert "Leeds" in leeds and "Armley" not in leeds
    assert "Total recorded crime for Armley" in armley
    assert "Drug offences recorded for Armley" in drugs
    assert "Drug offences recorded for Armley" in trends


async def back_to_an_area_type(base: str) -> list[str]:
    """On the Map, choose a constituency, then Ward (the browser keeps sending the constituency's name for the
    Area), then constituencies again: each run's status line."""
    async with connect(websocket_url(base), subprotocols=["streamlit"], origin=base, max_size=None) as websocket:
        user = Session(websocket)
        await user.open("map")
        steps = [("Area type", "Parliamentary constituency"), ("Area", "Leeds Central")]
        steps += [("Area type", "Ward"), ("Area type", "Parliamentary constituency")]
        runs = [await user.change_filter(label, option) for label, option in steps]
        return [next(text for text in r.text if text.startswith(":material/info:")) for r in runs]


def test_an_area_name_left_from_another_area_type_is_read_again_not_taken_for_a_code(server):
    # Once failed with a KeyError drawing the map: the name was taken for one of the constituencies' codes.
    lines = in_own_thread(asyncio.run, back_to_an_area_type(server))
    assert "Leeds Central" in lines[1]
    assert "Leeds Central" not in lines[2], "not a ward: Leeds as a whole"
    assert "Leeds Central" in lines[3], "a constituency again, and the name the browser sent is one"


def delta_with(kind: str, **fields) -> Delta:
    delta = Delta()
    element = getattr(delta.new_element, kind)
    for name, value in fields.items():
        setattr(element, name, value)
    return delta


@pytest.mark.parametrize(
    ("delta", "problem"),
    [
        (delta_with("exception", message="division by zero"), "exception shown: division by zero"),
        (delta_with("alert", body=PAGE_FAILED), "the page failed"),
        (delta_with("alert", body="No data for this area."), None),
        (delta_with("markdown", body="Figures for Armley"), None),
    ],
    ids=["exception", "page-failed", "ordinary-alert", "markdown"],
)
def test_what_a_user_would_see_go_wrong_is_a_problem(delta, problem):
    run = Run()
    read_delta(delta, run)
    assert run.problems == ([problem] if problem else [])


def test_several_sessions_change_filters_without_errors(server):
    tally = in_own_thread(run, server, 3, 8)
    assert tally.errors == []
    assert len(tally.timings) >= 3 and all(t > 0 for t in tally.timings)
    assert min(tally.sent) > 1_000  # every change brought back the page
    assert tally.reruns >= len(tally.timings)


def test_the_processes_behind_an_address_are_found_and_measured(server):
    (pid,) = processes_behind(server)
    target = Target("one process", server, [pid])
    load = measure_load(target, 2, 4, 0.0)
    assert load.tally.errors == [] and load.tally.timings
    assert load.cpu > 0, "the server used processor time for the reruns"
    assert min(load.memory_before) > 100_000 and min(load.memory_after) > 100_000  # kB: a loaded app
    assert processes_behind("http://192.0.2.1:8501") == [], "an address elsewhere has no local processes"


@pytest.mark.parametrize(
    ("timings", "expected"),
    [([0.1] * 19 + [2.0], 2.0 * 0.95 + 0.1 * 0.05), ([0.5, 1.5], 1.5), (list(range(1, 101)), 95.95)],
    ids=["one-slow-of-twenty", "few-values-take-the-maximum", "one-to-a-hundred"],
)
def test_p95(timings, expected):
    assert p95([float(t) for t in timings]) == pytest.approx(expected)


def test_what_a_server_logged_of_a_failed_page_is_printed(tmp_path, capsys):
    log = tmp_path / "streamlit-8501.log"
    log.write_text(
        "2026-12-03 10:00:00 INFO Loaded dataset\n"
        "2026-12-03 10:00:01 ERROR The page failed\n"
        "Traceback (most recent call last):\n"
        '  File "pages/profiles.py", line 3, in <module>\n'
        "KeyError: 'E01999999'\n"
        "2026-12-03 10:00:02 INFO next\n"
    )
    report_failures([log])
    printed = capsys.readouterr().out
    assert "The page failed" in printed and "KeyError: 'E01999999'" in printed and "next" not in printed


def test_a_deployment_that_cannot_start_is_reported_in_words_not_a_traceback(monkeypatch, capsys):
    from bench import load_test

    def cannot_start(options):
        raise load_test.DeploymentError("it did not start:\n  nginx was not found (nginx)")
        yield  # a generator, as the real one is

    monkeypatch.setattr(load_test, "targets", cannot_start)
    monkeypatch.setattr("sys.argv", ["load_test.py", "--deployment"])
    with pytest.raises(SystemExit) as stopped:
        load_test.main()
    assert "could not be measured" in str(stopped.value.code) and "nginx was not found" in str(stopped.value.code)
    assert "Summary" in capsys.readouterr().out
