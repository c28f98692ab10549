"""The police.uk API client against a local fake of the API (127.0.0.1 only; nothing leaves the machine)."""

from __future__ import annotations

import subprocess
import sys
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon

from saferleeds.core.dataset import load_dataset
from saferleeds.core.errors import DataError
from saferleeds.core.paths import PROJECT_ROOT
from saferleeds.ingest import police_uk, police_uk_api
from saferleeds.ingest.gate import Upload
from tests.fake_police_api import CATEGORIES, FakePoliceApi, fake_crimes, serving


@pytest.fixture
def api(dataset):
    state = FakePoliceApi(
        {"2025-03": fake_crimes(dataset, "2025-03"), "2025-04": fake_crimes(dataset, "2025-04", 90, 8)}
    )
    with serving(state) as url:
        state.url = url
        yield state


def client_for(api: FakePoliceApi, **kwargs) -> police_uk_api.Client:
    waits: list[float] = []
    client = police_uk_api.Client(base_url=api.url, sleep=waits.append, backoff=0.01, timeout=10, **kwargs)
    client.waits = waits
    return client


def test_months_between_checks_its_input():
    assert police_uk_api.months_between("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    for start, end in (("2025-13", "2025-14"), ("March", "2025-03"), ("2025-04", "2025-03")):
        with pytest.raises(DataError):
            police_uk_api.months_between(start, end)


def test_the_rate_limiter_allows_a_burst_then_15_a_second():
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = police_uk_api.RateLimiter(clock=lambda: now[0], sleep=sleep)
    for _ in range(30):
        limiter.acquire()
    assert not slept  # a burst of 30 goes at once
    for _ in range(75):
        limiter.acquire()
    assert now[0] == pytest.approx(75 / 15, rel=0.01)  # then no faster than 15 a second


def test_poly_parameter_is_lat_lng_pairs():
    square = Polygon([(-1.6, 53.7), (-1.5, 53.7), (-1.5, 53.8), (-1.6, 53.8)])
    assert (
        police_uk_api.poly_parameter(square)
        == "53.70000,-1.60000:53.70000,-1.50000:53.80000,-1.50000:53.80000,-1.60000"
    )


def test_split_polygon_covers_the_whole(dataset):
    leeds = police_uk_api.leeds_polygons(dataset.boundaries("city"))[0]
    parts = police_uk_api.split_polygon(leeds)
    assert len(parts) >= 4
    assert shapely.union_all(parts).symmetric_difference(leeds).area < leeds.area * 1e-9


def test_a_month_is_fetched_by_splitting_areas_with_too_many_crimes(dataset, api, tmp_path):
    client = client_for(api)
    polygons = police_uk_api.leeds_polygons(dataset.boundaries("city"))
    result = police_uk_api.fetch_month(client, "2025-03", polygons, tmp_path)
    assert result.splits >= 1  # 160 crimes > the fake's limit of 60: the API answered 503
    assert len(result.crimes) == 160  # every crime, each once
    assert client.requests == len(api.requests)


def test_429_and_5xx_are_retried_with_back_off(dataset, api, tmp_path):
    api.plan = [429, 500, 502, 504]
    client = client_for(api)
    polygons = police_uk_api.leeds_polygons(dataset.boundaries("city"))
    result = police_uk_api.fetch_month(client, "2025-04", polygons, tmp_path)
    assert len(result.crimes) == 90
    assert client.retries == 4
    assert client.waits[0] == 0  # Retry-After: 0 from the 429 is honoured
    assert client.waits[1] < client.waits[2] < client.waits[3]  # then exponential back-off


def test_a_lasting_failure_stops_with_a_clear_message(dataset, api, tmp_path):
    api.fail_after = 0
    client = client_for(api, max_attempts=3)
    with pytest.raises(DataError, match="answered 500"):
        police_uk_api.fetch_month(client, "2025-03", police_uk_api.leeds_polygons(dataset.boundaries("city")), tmp_path)
    assert len(api.requests) == 3


def test_a_stopped_fetch_resumes_where_it_stopped(dataset, api, tmp_path):
    polygons = police_uk_api.leeds_polygons(dataset.boundaries("city"))
    api.fail_after = 4
    with pytest.raises(DataError):
        police_uk_api.fetch_month(client_for(api, max_attempts=1), "2025-03", polygons, tmp_path)
    asked_before = len(api.requests)
    api.fail_after = None
    api.requests.clear()
    resumed = police_uk_api.fetch_month(client_for(api), "2025-03", polygons, tmp_path)
    assert resumed.from_cache >= 1
    fresh_api_requests = len(api.requests)
    fresh = police_uk_api.fetch_month(client_for(api), "2025-03", polygons, tmp_path / "fresh")
    assert fresh_api_requests < len(api.requests) - fresh_api_requests  # resuming asked for less
    assert asked_before > 0
    ids = lambda crimes: sorted(c["id"] for c in crimes)  # noqa: E731
    assert ids(resumed.crimes) == ids(fresh.crimes)


def test_api_crimes_give_the_same_counts_as_the_csv_download(dataset, api, tmp_path):
    uploads, lines = police_uk_api.fetch_police_uk(["2025-03"], dataset.boundaries("city"), tmp_path, client_for(api))
    assert "2025-03: 160 crimes" in lines[0]
    from_api = police_uk.read_police_uk(
        police_uk.sources_from_bytes(uploads[0].name, uploads[0].data),
        dataset.geography,
        dataset.catalogue,
        dataset.lsoa_boundaries,
    )
    rows = [
        {
            "Crime ID": "",
            "Month": "2025-03",
            "Reported by": "West Yorkshire Police",
            "Falls within": "West Yorkshire Police",
            "Longitude": c["location"]["longitude"],
            "Latitude": c["location"]["latitude"],
            "Location": "",
            "LSOA code": c["_lsoa"],
            "LSOA name": "",
            "Crime type": police_uk_api.CATEGORY_NAMES[c["category"]],
            "Last outcome category": "",
            "Context": "",
        }
        for c in api.crimes["2025-03"]
    ]
    download = Upload("download.csv", pd.DataFrame(rows).to_csv(index=False).encode())
    from_csv = police_uk.read_police_uk(
        police_uk.sources_from_bytes(download.name, download.data),
        dataset.geography,
        dataset.catalogue,
        dataset.lsoa_boundaries,
    )
    key = ["indicator", "period", "area_code"]
    left = from_api.counts.sort_values(key).reset_index(drop=True)[[*key, "value"]]
    right = from_csv.counts.sort_values(key).reset_index(drop=True)[[*key, "value"]]
    pd.testing.assert_frame_equal(left, right)
    assert from_api.rows_placed_by_coordinates == 160


@pytest.mark.slow  # a new Python process
def test_the_command_fetches_checks_and_applies(home, api, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "saferleeds",
            "fetch-police-uk",
            "--from",
            "2025-03",
            "--to",
            "2025-04",
            "--api-url",
            api.url,
            "--cache",
            str(tmp_path / "cache"),
            "--home",
            str(home.root),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "2025-03: 160 crimes" in result.stdout and "2025-04: 90 crimes" in result.stdout
    assert "Applied: police.uk street-level crime for March 2025 to April 2025." in result.stdout
    assert "%" in result.stderr  # the progress bar
    loaded = load_dataset(home)
    april = loaded.rows("total_crime")
    april = april[april["period"] == pd.Timestamp("2025-04-01")]
    assert (april["status"] == "recorded").all()
    asb = 90 // len(CATEGORIES) + (1 if 90 % len(CATEGORIES) > 0 else 0)
    assert april["value"].sum() == 90 - asb


@pytest.mark.slow  # a new Python process
def test_bad_months_on_the_command_line_exit_non_zero(home):
    result = subprocess.run(
        [sys.executable, "-m", "saferleeds", "fetch-police-uk", "--from", "2025-3", "--to", "2025-04"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "SAFERLEEDS_HOME": str(home.root)},
    )
    assert result.returncode == 2
    assert "'2025-3' is not a month" in result.stderr


def test_no_request_leaves_the_machine(api):
    assert urllib.parse.urlparse(api.url).hostname == "127.0.0.1"
    assert Path(police_uk_api.__file__).exists()


def test_an_api_that_always_answers_503_is_taken_as_unavailable(dataset, api, tmp_path):
    api.plan = [503] * 1000
    client = client_for(api)
    with pytest.raises(DataError, match="may be unavailable"):
        police_uk_api.fetch_month(client, "2025-03", police_uk_api.leeds_polygons(dataset.boundaries("city")), tmp_path)
    assert len(api.requests) < 4 ** (police_uk_api.MAX_SPLIT_DEPTH + 1)  # bounded, however long the outage
