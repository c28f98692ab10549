"""The Board pack page through AppTest: choices default to the shared filters, and the pack downloads."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation

from saferleeds.ui import pack as pack_ui
from tests.conftest import page_text, run_app
from tests.packs import KEY_INDICATORS

pytestmark = pytest.mark.xdist_group("board-pack")  # one worker: see tests/README.md

PAGE = "pages/board_pack.py"
KEY_LABELS = [
    "Hate-related incidents reported",
    "Domestic violence and abuse incidents reported",
    "Violent and sexual offences recorded",
    "Drug offences recorded",
    "Proven re-offending",
    "People who feel safe in their local area",
    "Public satisfaction and confidence",
    "Total recorded crime",
    "Reported anti-social behaviour",
]
TWO = {"area": "Armley", "pack_indicators": ["Drug offences recorded", "Proven re-offending"]}


def plan(app):
    return app.dataframe[0].value


def download_labels(app) -> list[str]:
    return [button.label for button in app.get("download_button")]


def test_by_default_the_pack_is_for_leeds_with_the_key_indicators():
    app = run_app(PAGE)
    assert app.selectbox(key="pack_area").value == "all"
    assert app.multiselect(key="pack_indicators").value == KEY_INDICATORS
    table = plan(app)
    assert table["Indicator"].tolist() == KEY_LABELS
    assert set(table["Area"]) == {"Leeds"} and "Compared with Leeds" not in table.columns
    text = page_text(app)
    assert "Take the figures into the meeting" in text and "The plan on a page" in text
    assert [b.label for b in app.button] == ["Prepare the board pack"]
    assert download_labels(app) == ["Download this table (CSV)"]


def test_the_pack_follows_the_shared_area_and_period_until_changed():
    app = run_app(PAGE, query={"area": "Armley", "period": ["Mar 2023", "Feb 2024"]})
    assert app.selectbox(key="pack_area").value == "E05011385"
    start, end = app.select_slider(key="pack_period").value
    assert (f"{start:%Y-%m}", f"{end:%Y-%m}") == ("2023-03", "2024-02")
    table = plan(app)
    assert set(table["Area"]) == {"Armley"} and "Compared with Leeds" in table.columns
    app.sidebar.selectbox(key="area").select("E05011384").run()
    assert app.selectbox(key="pack_area").value == "E05011384"
    assert set(plan(app)["Area"]) == {"Ardsley & Robin Hood"}
    app.selectbox(key="pack_area").select("all").run()
    assert set(plan(app)["Area"]) == {"Leeds"}


def test_a_chosen_priority_picks_its_key_indicators():
    app = run_app(PAGE, query={"priority": "Offender"})
    assert app.multiselect(key="pack_indicators").value == ["drugs", "reoffending"]
    assert plan(app)["Indicator"].tolist() == ["Drug offences recorded", "Proven re-offending"]


def test_no_indicator_means_nothing_to_build():
    app = run_app(PAGE)
    app.multiselect(key="pack_indicators").set_value([]).run()
    assert "Choose at least one indicator for the pack." in page_text(app)
    assert not app.button and not app.dataframe


def test_preparing_the_pack_gives_the_chosen_file_and_the_next_reuses_its_pictures():
    app = run_app(PAGE, query=TWO)
    assert app.get("button_group")[0].value == "pptx"  # PowerPoint unless another file type is chosen
    app.button(key="pack-prepare").click().run(timeout=240)
    assert not app.exception
    assert "Safer Leeds board pack: Armley, August 2024 to July 2025: ready to download (PowerPoint)." in page_text(app)
    assert download_labels(app)[1] == "Download PowerPoint"
    request, pack, files = app.session_state[pack_ui.BUILT_KEY]
    assert pack.file_name("pptx") == "safer-leeds-board-pack-armley-2024-08-to-2025-07.pptx"
    assert request.area == "E05011385" and request.indicators == ("drugs", "reoffending")
    deck = Presentation(io.BytesIO(files["pptx"]))
    assert [s.shapes.title.text for s in deck.slides][:6] == [
        "Safer Leeds board pack: Armley",
        "What needs attention: Armley",
        "The plan on a page: Armley beside Leeds",
        "Drug offences recorded",
        "Proven re-offending",
        "Definitions, sources and what is modelled",
    ]
    # the charts of the pack can be seen and downloaded one by one
    assert app.selectbox(key="pack_preview").value == "drugs"
    keys = {button.key for button in app.get("download_button")}
    for picture in ("trend", "map"):  # each picture: PNG, SVG and the CSV of its numbers
        assert {f"pack-{picture}-png", f"pack-{picture}-svg", f"pack-{picture}-csv"} <= keys
    assert len(app.get("image")) == 2  # the trend chart and the map
    descriptions = [picture.description for picture in pack.sections[0].pictures]
    assert [image.proto.imgs[0].alt for image in app.get("image")] == descriptions  # the words of the pack
    # the PDF next: the same pack, its pictures not drawn again
    app.get("button_group")[0].set_value("pdf").run()
    app.button(key="pack-prepare").click().run(timeout=240)
    _, again_pack, files = app.session_state[pack_ui.BUILT_KEY]
    assert again_pack is pack and set(files) == {"pptx", "pdf"} and files["pdf"].startswith(b"%PDF")
    assert download_labels(app)[1:3] == ["Download PowerPoint", "Download PDF"]
    # changing a choice makes the prepared pack stale
    app.selectbox(key="pack_area").select("all").run()
    assert "prepare it again" in page_text(app)
    assert download_labels(app) == ["Download this table (CSV)"]


def test_a_failure_while_building_is_a_message_not_a_traceback(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pack_ui, "prepare", broken)
    app = run_app(PAGE, query=TWO)
    app.button(key="pack-prepare").click().run()
    assert not app.exception
    assert "The board pack could not be prepared" in page_text(app)
    assert "disk full" not in page_text(app)
    assert download_labels(app) == ["Download this table (CSV)"]


@pytest.mark.parametrize("query", [{"area": "Armley", "pack_area": "Armley"}, {"pack_area": "Nowhere"}])
def test_links_with_a_pack_area_open_cleanly(query):
    app = run_app(PAGE, query=query)
    assert not app.exception and app.dataframe
