"""What makes a rerun cheaper changes nothing a user sees, and new data is still loaded whole.

Charts skip the schema check on every build, but every chart the pages draw passes it; chart tables
go to the browser as the very bytes Streamlit would have made; the loaded dataset is frozen out of
garbage collections and Streamlit's collection after every run is off; area names and lists come
from lookups made once, identical to what the tables say; and a page waits for an apply in
progress instead of loading half of it.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
import tomllib

import pytest
from streamlit.elements.vega_charts import _marshall_chart_data
from streamlit.proto.VegaLiteChart_pb2 import VegaLiteChart

from saferleeds.core.paths import PROJECT_ROOT, dataset_version
from saferleeds.ingest import store
from saferleeds.present.charts import common as charts
from saferleeds.ui import data as ui_data
from saferleeds.ui import figures
from tests.conftest import DATA_PAGES, run_app

pytestmark = pytest.mark.slow  # every data page, twice, with nothing remembered


@pytest.fixture(scope="module")
def drawn_charts():
    """Every chart the data pages build, on a fresh load of the dataset."""
    built: list = []
    original = figures.vega_lite_spec

    def recording(chart, validate: bool = False) -> dict:
        built.append(chart)
        return original(chart, validate)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(figures, "vega_lite_spec", recording)
        ui_data._load.clear()  # nothing remembered: every chart is built
        for page in DATA_PAGES:
            run_app(page)
            run_app(page, {"area": "Armley", "level": "Ward"})
    ui_data._load.clear()
    return built


def test_every_chart_the_pages_draw_passes_the_schema_check_it_skips(drawn_charts):
    assert len(drawn_charts) >= 10
    for chart in drawn_charts:
        assert charts.vega_lite_spec(chart, validate=True) == charts.vega_lite_spec(chart)


def test_chart_tables_reach_the_browser_as_the_bytes_streamlit_would_have_made(drawn_charts):
    with_tables = [charts.vega_lite_spec(chart) for chart in drawn_charts]
    with_tables = [spec for spec in with_tables if spec.get("datasets")]
    assert with_tables
    for spec in with_tables:
        plain, converted = VegaLiteChart(), VegaLiteChart()
        _marshall_chart_data(plain, dict(spec))
        remembered = figures.remember(spec)
        for name, rows in spec["datasets"].items():  # tables go as Arrow bytes; map shapes stay as they are
            sent = remembered.sent["datasets"][name]
            assert isinstance(sent, bytes) if figures.is_table(rows) else sent is rows
        _marshall_chart_data(converted, dict(remembered.sent))
        assert converted.SerializeToString() == plain.SerializeToString()


def test_a_remembered_chart_gives_back_the_whole_spec_for_downloads(drawn_charts):
    for chart in drawn_charts:
        spec = charts.vega_lite_spec(chart)
        remembered = figures.remember(spec)
        assert remembered.spec() == spec
        kept = [rows for rows in remembered.sent.get("datasets", {}).values() if figures.is_table(rows)]
        assert kept == [], "no table is remembered as rows of Python objects"


def test_geojson_stays_in_the_spec_as_streamlit_leaves_it():
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}, "properties": {}}]
    assert not figures.is_table(features)
    assert figures.is_table([{"month": "2025-01", "value": 3}]) and figures.is_table([])


def test_streamlits_collection_after_every_run_is_off_and_the_loaded_data_is_frozen():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
    ui_data._load.clear()
    gc.unfreeze()
    loaded = ui_data._load(str(PROJECT_ROOT), "test-version")
    assert gc.get_freeze_count() > 0
    tracked = {id(item) for item in gc.get_objects()}
    assert id(loaded.values) not in tracked and id(loaded.geography.areas) not in tracked
    ui_data._load.clear()


ARENA_COUNT = """
import ctypes, sys, threading
from saferleeds.ui import data
if sys.argv[1] == "limited":
    assert data.limit_allocator_arenas()
barrier = threading.Barrier(8)

def allocate():
    barrier.wait()  # all at once, so each would want a pool of its own
    kept = [bytearray(200) for _ in range(20000)]
    barrier.wait()

threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
ctypes.CDLL("libc.so.6").malloc_stats()  # one "Arena N:" block per pool, on standard error
"""


@pytest.mark.parametrize(("mode", "most"), [("limited", ui_data.ALLOCATOR_ARENAS), ("default", None)])
def test_the_allocator_keeps_two_memory_pools_for_the_page_threads(mode, most):
    environment = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    done = subprocess.run(
        [sys.executable, "-c", ARENA_COUNT, mode], cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    arenas = done.stderr.count("Arena ")
    assert arenas <= most if most else arenas > ui_data.ALLOCATOR_ARENAS


def test_an_operators_malloc_arena_max_is_left_alone(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert ui_data.limit_allocator_arenas() is False


def test_area_names_and_lists_match_the_tables(dataset):
    geography = dataset.geography
    for row in geography.areas.drop_duplicates("code").itertuples():
        assert geography.name(row.code) == row.name
    for code, name in geography.lsoa["lsoa_name"].items():
        assert geography.name(code) == name
    assert geography.name("E99999999") == "E99999999"
    wards = geography.level_areas("ward")
    assert list(wards["code"]) == list(geography.areas.loc[geography.areas["level"] == "ward", "code"])
    wards["name"] = "changed by a caller"
    assert "changed by a caller" not in set(geography.level_areas("ward")["name"])


def test_a_page_waits_for_an_apply_in_progress_and_loads_the_finished_version(home):
    before = dataset_version(home)
    versions: list[str] = []
    with store._locked(home):  # an apply in another session or process: it holds the lock...
        (home.data / store.JOURNAL_FILE).write_text("{}")  # ...and has written its journal
        assert store.applying(home)
        reader = threading.Thread(target=lambda: versions.append(ui_data.settled_version(home)))
        reader.start()
        reader.join(timeout=0.5)
        assert reader.is_alive() and versions == [], "the page waits while the files are being written"
        home.annotations.write_text("date,indicators,note\n2025-01-01,,A note\n")
        (home.data / store.JOURNAL_FILE).unlink()
    reader.join(timeout=30)
    assert versions == [dataset_version(home)] and versions[0] != before
    assert not store.applying(home)
