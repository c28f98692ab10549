"""Text from uploads is text: names, labels and definitions with Markdown links, images and HTML are
shown literally on every page, wherever Streamlit would read Markdown (bodies, headings, captions,
alerts, widget labels, metric labels, help tooltips, image captions) and in the map's HTML tooltip.

A dataset is loaded through the Data page's own path (validate, then apply) with a priority
neighbourhood and a new indicator whose every word is hostile; each page is then run with them
chosen, and every Markdown string the page sends to the browser is checked.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from google.protobuf.json_format import MessageToDict

from saferleeds.core.dataset import load_dataset
from saferleeds.core.paths import HOME_VARIABLE
from saferleeds.ingest.gate import Upload
from saferleeds.ingest.validation import apply_report, validate
from saferleeds.ui.data import escape
from tests.conftest import ALL_PAGES, copy_default, run_app

HOSTILE = "[click](https://evil.example/a) ![x](https://evil.example/i.png) <b>bold</b> **strong**"
NAME = f"Nbhd {HOSTILE}"
LABEL = f"Odd {HOSTILE}"
UNESCAPED = [
    re.compile(r"(?<!\\)\[click\]"),
    re.compile(r"(?<!\\)!\[x\]"),
    re.compile(r"(?<!\\)<b>"),
    re.compile(r"(?<!\\)\*\*strong"),
]
MARKDOWN_KEYS = {"body", "label", "help", "caption", "text", "placeholder"}
NOT_MARKDOWN = {"arrow_data_frame", "arrow_vega_lite_chart", "vega_lite_chart", "deck_gl_json_chart", "html", "table"}


def hostile_uploads(dataset) -> tuple[list[Upload], dict]:
    neighbourhoods = f"neighbourhood_name,lsoa_code\n{NAME},E01011264\n{NAME},E01011265\n"
    months = pd.date_range(end=dataset.latest_month, periods=13, freq="MS").strftime("%Y-%m")
    grid = pd.MultiIndex.from_product([dataset.geography.lsoa.index, months], names=["area_code", "period"])
    table = grid.to_frame(index=False).assign(indicator="odd_one")
    table["value"] = np.random.default_rng(7).poisson(3, len(table))
    entry = {
        "id": "odd_one",
        "label": LABEL,
        "short_label": f"Odd short {HOSTILE}",
        "definition": f"Definition {HOSTILE}",
        "unit": "count",
        "polarity": "higher_is_worse",
        "priorities": ["location"],
        "themes": [],
        "key": True,
        "source": f"Source {HOSTILE}",
        "native_geography": "lsoa",
    }
    uploads = [
        Upload("neighbourhoods.csv", neighbourhoods.encode()),
        Upload("odd.csv", table.to_csv(index=False).encode()),
    ]
    return uploads, entry


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory):
    paths = copy_default(tmp_path_factory.mktemp("hostile") / "home")
    uploads, entry = hostile_uploads(load_dataset(paths))
    report = validate(uploads, load_dataset(paths), new_entries=[entry])
    assert report.ok, report.lines()
    apply_report(paths, report)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(HOME_VARIABLE, str(paths.root))
        yield paths


def markdown_strings(app) -> list[str]:
    """Every string the page sends that Streamlit renders as Markdown."""
    found: list[str] = []

    def walk(value, key: str | None = None) -> None:
        if isinstance(value, dict):
            for name, inner in value.items():
                walk(inner, name)
        elif isinstance(value, list):
            for inner in value:
                walk(inner, key)
        elif isinstance(value, str) and key in MARKDOWN_KEYS:
            found.append(value)

    for node in app._tree:
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(node, "type", None) not in NOT_MARKDOWN:
            walk(MessageToDict(proto))
    return found


def map_layers(app) -> list[dict]:
    return [
        layer
        for node in app._tree
        if getattr(node, "type", None) == "deck_gl_json_chart"
        for layer in json.loads(node.proto.json)["layers"]
    ]


def html_strings(app) -> list[str]:
    """The page's own HTML (the map legend) and the map's tooltip data, where a tag would be live: the data of
    the layers that can be picked, whose properties fill the tooltip's HTML template."""
    found = [node.proto.body for node in app._tree if getattr(node, "type", None) == "html"]
    return found + [json.dumps(layer) for layer in map_layers(app) if layer.get("pickable")]


def map_names(app) -> list[str]:
    """The names the map draws as text (a TextLayer draws characters from a font atlas: no tag is read)."""
    return [point["name"] for layer in map_layers(app) if layer.get("@@type") == "TextLayer" for point in layer["data"]]


QUERY = {"indicator": LABEL, "level": "Priority neighbourhood", "area": NAME, "catalogue_search": "odd"}


@pytest.mark.parametrize("page", ALL_PAGES)
def test_hostile_names_and_labels_are_shown_literally(hostile_home, page):
    app = run_app(page, query=QUERY)
    strings = markdown_strings(app)
    for text in strings:
        for pattern in UNESCAPED:
            assert not pattern.search(text), f"{page}: Markdown reached the page unescaped: {text[:200]}"
    for html in html_strings(app):
        assert "<b>bold" not in html, f"{page}: a tag from a file reached the page's HTML"
    if page == "pages/map.py":
        assert NAME in map_names(app), "the map names the chosen area as it is written"
    if page != "pages/accessibility.py":
        shown = "\n".join(strings)
        assert escape(HOSTILE) in shown, f"{page} does not show the hostile text at all"


def test_the_help_tooltip_of_a_tile_holds_the_definition_escaped(hostile_home):
    app = run_app("pages/overview.py", query=QUERY)
    helps = [m.proto.help for m in app.markdown if m.proto.help]
    assert escape(f"{LABEL}: Definition {HOSTILE}") in helps  # the full label, then the definition
