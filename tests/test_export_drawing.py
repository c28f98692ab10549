"""Pictures drawn in worker processes: the same pictures as drawn here, and a pack whatever the workers do."""

from __future__ import annotations

import os
import signal
from xml.etree import ElementTree

import pytest

from saferleeds.present.export import board_pack, drawing, render
from saferleeds.present.export.print_map import pack_map_model, print_map
from saferleeds.present.export.print_trend import print_trend_chart
from tests.packs import ARMLEY, PERIOD

pytestmark = pytest.mark.xdist_group("board-pack")  # one worker: see tests/README.md


def trend_job(dataset, slides: bool = True) -> drawing.Job:
    chart = print_trend_chart(dataset, "total_crime", ARMLEY, PERIOD)
    return drawing.Job(render.spec(chart), render.options(), render.BASE_PPI * render.SLIDE_SCALE if slides else None)


def test_a_worker_draws_what_this_process_draws(dataset):
    job = trend_job(dataset)
    svg, png = drawing.Drawing(job).result()
    assert svg == render.svg(job.spec)
    assert render.png_size(png) == render.png_size(render.png_from_svg(svg, render.SLIDE_SCALE))
    assert b"Recorded crime" in svg or b"recorded crime" in svg.lower()


def test_a_worker_measures_text_as_this_process_does(dataset):
    """Workers measure text with vl-convert's own copy of the font, this process with the system's: every
    label, legend and title must land in the same place."""
    model = pack_map_model(dataset, "total_crime", "ward", PERIOD, "count")
    for chart in (print_map(dataset, model, ARMLEY), print_trend_chart(dataset, "drugs", ARMLEY, PERIOD)):
        job = drawing.Job(render.spec(chart), render.options())
        svg, _ = drawing.Drawing(job).result()
        assert svg == render.svg(job.spec)
        assert svg.count(b"<text") > 5


@pytest.mark.parametrize("before", [None, "/etc/fonts/fonts.conf"])
def test_the_system_fonts_are_hidden_only_while_asked(monkeypatch, tmp_path, before):
    monkeypatch.setattr(drawing.tempfile, "tempdir", str(tmp_path / "a & <b>"))
    os.mkdir(tmp_path / "a & <b>")
    if before is None:
        monkeypatch.delenv(drawing.FONT_CONFIGURATION, raising=False)
    else:
        monkeypatch.setenv(drawing.FONT_CONFIGURATION, before)
    with drawing._system_fonts_hidden():
        configuration = os.environ[drawing.FONT_CONFIGURATION]
        folders = [d.text for d in ElementTree.parse(configuration).getroot().iter("dir")]
        assert len(folders) == 1 and os.path.isdir(folders[0]) and not os.listdir(folders[0])  # holding no fonts
    assert os.environ.get(drawing.FONT_CONFIGURATION) == before
    assert not os.path.exists(configuration)


def test_a_worker_starts_even_where_no_configuration_can_be_written(monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise PermissionError("read-only temporary folder")

    monkeypatch.setattr(drawing.tempfile, "TemporaryDirectory", refuse)
    before = os.environ.get(drawing.FONT_CONFIGURATION)
    drawing.start_worker()
    assert "system's fonts" in caplog.text
    assert os.environ.get(drawing.FONT_CONFIGURATION) == before


def test_without_a_png_asked_for_only_the_svg_is_made(dataset):
    svg, png = drawing.Drawing(trend_job(dataset, slides=False)).result()
    assert svg.startswith(b"<svg") and png is None


def test_a_pack_is_drawn_here_when_no_worker_can_start(dataset, monkeypatch):
    monkeypatch.setattr(drawing, "_worker_pool", lambda: None)
    request = board_pack.PackRequest(ARMLEY, PERIOD, ("drugs",))
    pack, deck = board_pack.prepare(dataset, request, "pptx")
    pictures = pack.sections[0].pictures
    assert deck[:2] == b"PK" and len(pictures) == 2
    assert all(render.png_size(p.png)[0] > 0 and p.svg.startswith(b"<svg") for p in pictures)


def test_a_worker_that_dies_leaves_the_picture_drawn_here(dataset):
    job = trend_job(dataset)
    pool = drawing._worker_pool()
    assert pool is not None
    pool.submit(drawing.draw, job).result()  # a worker is running
    for pid in list(pool._processes):
        os.kill(pid, signal.SIGKILL)
    svg, png = drawing.Drawing(job).result()
    assert svg == render.svg(job.spec) and png is not None
    assert drawing._worker_pool() is not pool  # a new pool is started for the next picture
    assert drawing.Drawing(job).result()[0] == svg


def test_a_bad_picture_is_an_error_from_the_worker_not_a_lost_pack():
    bad = drawing.Job({"mark": "no-such-mark", "data": {"values": []}}, render.options())
    with pytest.raises(ValueError):
        drawing.Drawing(bad).result()
