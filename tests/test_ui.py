"""The shell around every page: status line, cached loading, and failing gracefully on broken data."""

from __future__ import annotations

import pytest

from saferleeds.core import boundaries as boundaries_module
from saferleeds.core import dataset as dataset_module
from tests.conftest import DATA_PAGES, page_text, run_app

PAGES = [*DATA_PAGES, "pages/data.py"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_a_status_line_that_follows_the_filters(page):
    app = run_app(page)
    text = page_text(app)
    assert "Total recorded crime for Leeds, August 2024 to July 2025: all of it is recorded data" in text
    assert "for some wards, 11 of the 12 months are estimated from recorded totals" in text
    assert any(link.label == "Recorded, estimated or modelled?" for link in app.get("page_link"))

    app.sidebar.selectbox(key="indicator").select("asb").run()
    app.sidebar.selectbox(key="area").select("E05011385").run()
    assert not app.exception
    assert "Reported anti-social behaviour for Armley" in page_text(app)


def watch_reads(monkeypatch) -> list[str]:
    """Record every call to the functions that read dataset files."""
    calls: list[str] = []
    for module, name in (
        (dataset_module, "read_values"),
        (dataset_module, "load_catalogue"),
        (dataset_module, "load_geography"),
        (boundaries_module, "read_boundary"),  # imported when first needed
        (dataset_module, "read_annotations"),
    ):
        original = getattr(module, name)

        def reader(*args, _original=original, _name=name, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, reader)
    return calls


def test_a_rerun_after_changing_a_filter_reads_nothing_from_disk(monkeypatch):
    app = run_app()
    reads = watch_reads(monkeypatch)
    for key, option in (("indicator", "drugs"), ("area", "E05011385"), ("level", "committee")):
        app.sidebar.selectbox(key=key).select(option).run()
        assert not app.exception
    app.sidebar.radio(key="measure").set_value("rate").run()
    assert not app.exception
    assert reads == []


PRIVATE_HOME = pytest.mark.xdist_group("private-homes")  # one worker: see tests/README.md


@PRIVATE_HOME
def test_the_read_watch_sees_a_load_when_the_cache_is_cold(home, monkeypatch):
    reads = watch_reads(monkeypatch)
    run_app()  # nothing is cached yet for this private copy of the default
    assert "read_values" in reads and "load_catalogue" in reads


@PRIVATE_HOME
def test_a_damaged_values_file_gives_a_clear_message_and_no_traceback(home):
    home.values.write_bytes(home.values.read_bytes()[:1000])
    app = run_app()
    text = page_text(app)
    assert "The data could not be loaded" in text
    assert "values.parquet" in text
    assert "Nothing has been changed or overwritten" in text
    assert home.values.stat().st_size == 1000  # nothing overwritten


@PRIVATE_HOME
def test_a_broken_catalogue_names_the_file(home):
    home.catalogue.write_text(home.catalogue.read_text().replace('polarity = "context"', 'polarity = "sideways"', 1))
    text = page_text(run_app("pages/trends.py"))
    assert "catalogue.toml" in text and "polarity must be one of" in text
