"""Chart builders: modelled values look different everywhere, charts carry titles and descriptions."""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd
import pytest

from saferleeds.core.catalogue import load_catalogue
from saferleeds.core.paths import PROJECT_ROOT, dataset_paths
from saferleeds.core.periods import Period
from saferleeds.present.charts.common import (
    CHART_TEXT,
    MAX_ROWS,
    TITLE_TEXT,
    TITLE_WIDTH,
    area_colour_scale,
    chart_values,
    quiet_decorations,
    vega_lite_spec,
)
from saferleeds.present.charts.funnel import funnel_chart
from saferleeds.present.charts.locator import locator_map
from saferleeds.present.charts.status_lines import status_segments
from saferleeds.present.charts.time_series import small_trend, sparkline_spec, time_series_chart, year_on_year_chart
from saferleeds.present.maps.shapes import vega_features
from tests.builders import months

PALETTE = load_catalogue(dataset_paths(PROJECT_ROOT).catalogue).palette


def _series(statuses: list[str], area: str = "Armley") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area": area,
            "period": months(len(statuses)),
            "shown": np.arange(len(statuses), dtype=float),
            "status": statuses,
        }
    )


def _marks(spec: dict) -> list[dict]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "mark" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


def test_a_line_splits_where_its_status_changes_and_the_join_is_drawn_as_the_weaker_status():
    frame = status_segments(_series(["modelled", "modelled", "recorded", "recorded"]), "area", PALETTE.statuses)
    real, bridges = frame[~frame["bridge"]], frame[frame["bridge"]]
    assert real["segment"].nunique() == 2
    assert len(bridges) == 1
    bridge = bridges.iloc[0]
    # The first recorded month is copied into the modelled piece, so the joining stretch is dashed.
    assert bridge["shown"] == 2 and bridge["status"] == "modelled"
    assert bridge["segment"] == real.loc[real["status"] == "modelled", "segment"].iloc[0]


def test_a_modelled_stretch_after_recorded_months_starts_from_the_last_recorded_month():
    frame = status_segments(_series(["recorded", "modelled"]), "area", PALETTE.statuses)
    bridge = frame[frame["bridge"]].iloc[0]
    assert bridge["shown"] == 0 and bridge["status"] == "modelled"


def test_each_area_is_segmented_on_its_own():
    both = pd.concat([_series(["modelled", "recorded"], "A"), _series(["recorded", "recorded"], "B")])
    frame = status_segments(both, "area", PALETTE.statuses)
    assert frame.loc[frame["area"] == "B", "segment"].nunique() == 1
    assert frame["bridge"].sum() == 1


@pytest.mark.parametrize(
    ("statuses", "bridges"),
    [
        # (month shown, status the copy takes) of each join, in order: a copy always joins the weaker piece
        (["recorded", "provisional", "modelled", "recorded"], [(0, "provisional"), (1, "modelled"), (3, "modelled")]),
        (["modelled", "recorded", "modelled"], [(1, "modelled"), (1, "modelled")]),
        (["estimated", "estimated", "estimated"], []),
    ],
)
def test_every_join_is_copied_into_its_weaker_piece(statuses, bridges):
    frame = status_segments(_series(statuses), "area", PALETTE.statuses)
    real, copies = frame[~frame["bridge"]], frame[frame["bridge"]]
    assert list(real["segment"]) == list(pd.Series(statuses).ne(pd.Series(statuses).shift()).cumsum())
    assert list(zip(copies["shown"], copies["status"], strict=True)) == bridges
    for _, copy in copies.iterrows():  # the copy belongs to the piece of its status that it touches
        piece = real[real["segment"] == copy["segment"]]
        assert set(piece["status"]) == {copy["status"]}
        assert abs(piece["shown"] - copy["shown"]).min() <= 1


def test_trend_chart_dashes_modelled_values_and_says_so_in_its_legend():
    notes = pd.DataFrame({"number": [1], "date": [pd.Timestamp("2022-05-01")], "note": ["A note"], "label": ["1: x"]})
    chart = time_series_chart(
        _series(["modelled"] * 5 + ["recorded"]),
        y_title="Number",
        title="Burglary: month by month",
        description="Line chart of burglary.",
        notes=notes,
        shade=Period(months(6)[3], months(6)[5]),
        palette=PALETTE,
    )
    spec = chart.to_dict()
    text = json.dumps(spec)
    assert spec["description"] == "Line chart of burglary."
    assert "Modelled" in text and "Recorded" in text and "strokeDash" in text
    kinds = [m["mark"]["type"] if isinstance(m["mark"], dict) else m["mark"] for m in _marks(spec)]
    assert "rule" in kinds and "rect" in kinds  # the note and the shaded period
    assert spec["autosize"]["type"] == "fit-x"


def test_long_titles_wrap_to_fit_a_phone():
    chart = time_series_chart(
        _series(["recorded"] * 3),
        y_title="Number",
        title="Violence and sexual offences in Burmantofts & Richmond Hill priority neighbourhood",
        description="d",
        palette=PALETTE,
    )
    title = chart.to_dict()["title"]["text"]
    assert isinstance(title, list) and all(len(line) <= TITLE_WIDTH for line in title)


def test_funnel_chart_offers_a_named_click_selection_on_area_codes():
    points = pd.DataFrame(
        {
            "code": ["a", "b"],
            "name": ["A", "B"],
            "base": [1000.0, 2000.0],
            "value": [5.0, 9.0],
            "display": ["5.0", "9.0"],
            "verdict_label": [
                "Not significantly different from the Leeds average",
                "Significantly above the Leeds average",
            ],
            "data": ["Recorded", "Modelled"],
            "modelled": [False, True],
        }
    )
    curves = pd.DataFrame({"base": [900.0, 2100.0], "value": [4.0, 4.5], "limits": "95% limits", "side": "low"})
    spec = funnel_chart(
        points,
        curves,
        6.0,
        x_title="Residents",
        y_title="Rate",
        title="t",
        description="d",
        selection_name="pick",
        selected="b",
        palette=PALETTE,
    ).to_dict()
    params = spec["params"]
    assert params[0]["name"] == "pick" and params[0]["select"]["fields"] == ["code"]
    text = json.dumps(spec)
    assert "Significantly above" in text and "Includes estimated or modelled months" in text


def test_vega_lite_spec_stacks_legends_under_the_plot():
    spec = vega_lite_spec(
        time_series_chart(_series(["recorded"] * 2), y_title="n", title="t", description="d", palette=PALETTE)
    )
    assert spec["config"]["legend"]["layout"]["bottom"]["direction"] == "vertical"


def test_locator_map_picks_out_one_area_and_marks_a_small_one():
    square = {"type": "Polygon", "coordinates": [[[-1.6, 53.8], [-1.5, 53.8], [-1.5, 53.9], [-1.6, 53.8]]]}
    areas = vega_features([{"type": "Feature", "code": c, "name": c, "geometry": square} for c in ("a", "b")])
    spec = locator_map(areas, "a", title="Where", description="Map", marker=(-1.55, 53.85)).to_dict()
    text = json.dumps(spec)
    assert "datum.code === 'a'" in text and '"geoshape"' in text and spec["description"] == "Map"
    assert len(spec["layer"]) == 2


def test_sparkline_still_draws_recorded_and_modelled_lines():
    series = _series(["modelled", "recorded"]).drop(columns="area")
    spec = sparkline_spec(series, PALETTE.statuses)
    assert len(spec["layer"]) == 2 and spec["height"] == 48
    layers = {layer["transform"][0]["filter"]: layer["mark"] for layer in spec["layer"]}
    modelled, recorded = layers["datum.status == 'modelled'"], layers["datum.status == 'recorded'"]
    assert modelled["strokeDash"] == PALETTE.statuses.dash("modelled") and "point" in recorded


def test_colours_that_carry_meaning_come_from_the_catalogue(dataset):
    palettes = dataset.catalogue.palettes
    palette = dataset.catalogue.palette
    assert palette.areas == tuple(palettes.areas) and palette.reference == palettes.reference
    assert (palette.below, palette.above) == (palettes.change[0], palettes.change[-1])
    scale = area_colour_scale(["Armley", "Leeds", "Inner East"], palette).to_dict()
    assert scale["range"] == [palettes.areas[0], palettes.reference, palettes.areas[1]]


def test_small_trend_dashes_modelled_months_without_a_legend_of_its_own():
    spec = small_trend(_series(["modelled"] * 3 + ["recorded"]), title="t", description="d", palette=PALETTE).to_dict()
    text = json.dumps(spec)
    assert "strokeDash" in text and "Modelled" in text and spec["height"] == 70


def test_year_on_year_chart_places_notes_at_their_month():
    data = pd.DataFrame(
        {
            "year": ["2024"] * 3,
            "month_number": [1, 2, 3],
            "month": ["Jan", "Feb", "Mar"],
            "shown": [1.0, 2.0, 3.0],
            "status": "recorded",
        }
    )
    notes = pd.DataFrame({"number": [1], "date": [pd.Timestamp("2024-02-10")], "note": ["A"], "label": ["1: A"]})
    spec = year_on_year_chart(data, y_title="n", title="t", description="d", notes=notes, palette=PALETTE).to_dict()
    rules = [layer for layer in spec["layer"] if layer["mark"] == "rule" or layer["mark"].get("type") == "rule"]
    assert rules and rules[0]["encoding"]["x"]["field"] == "month"


def _mark(node: dict) -> dict:
    return node["mark"] if isinstance(node["mark"], dict) else {"type": node["mark"]}


def test_only_marks_that_carry_numbers_are_exposed_to_screen_readers():
    data = pd.concat([_series(["modelled"] * 3), _series(["modelled"] * 3, "Leeds")], ignore_index=True)
    spec = vega_lite_spec(
        time_series_chart(data, y_title="n", title="t", description="What it shows.", palette=PALETTE)
    )
    assert spec["description"] == "What it shows."
    for node in _marks(spec):
        mark = _mark(node)
        speaks = "tooltip" in node.get("encoding", {}) and mark.get("opacity") != 0
        data_name = node.get("data", {}).get("name")
        empty = data_name is not None and spec["datasets"][data_name] == []
        assert mark.get("aria", True) is (speaks and not empty), mark
    # every month is still read out once, from the visible points (the invisible hover layer is quiet)
    labelled = [n for n in _marks(spec) if _mark(n)["type"] == "point" and _mark(n).get("aria", True)]
    assert len(labelled) == 1


def test_an_empty_layer_and_a_point_overlay_are_quiet():
    spec = quiet_decorations(
        {
            "datasets": {"none": []},
            "layer": [
                {"data": {"name": "none"}, "mark": "point", "encoding": {"tooltip": [{"field": "x"}]}},
                {"data": {"values": [{"x": 1}]}, "mark": {"type": "line", "point": True}},
            ],
        }
    )
    empty, line = spec["layer"]
    assert empty["mark"] == {"type": "point", "aria": False}
    assert line["mark"] == {"type": "line", "point": {"aria": False}, "aria": False}


def test_words_on_charts_are_dark_enough_to_read():
    spec = vega_lite_spec(
        time_series_chart(_series(["recorded"] * 2), y_title="n", title="t", description="d", palette=PALETTE)
    )
    config = spec["config"]
    for part, key in (("axis", "labelColor"), ("axis", "titleColor"), ("legend", "labelColor"), ("title", "color")):
        assert config[part][key] in (CHART_TEXT, TITLE_TEXT)
    assert config["legend"]["layout"]["bottom"]["direction"] == "vertical"  # the legend layout is kept


def test_each_line_is_named_at_its_end_so_colour_is_not_the_only_clue():
    data = pd.concat([_series(["recorded"] * 3), _series(["recorded"] * 3, "Leeds")], ignore_index=True)
    spec = time_series_chart(data, y_title="n", title="t", description="d", palette=PALETTE).to_dict()
    texts = [n for n in _marks(spec) if _mark(n)["type"] == "text" and n["encoding"].get("text", {}).get("field")]
    (labels,) = [n for n in texts if n["encoding"]["text"]["field"] == "label"]
    rows = spec["datasets"][labels["data"]["name"]]
    assert sorted(row["label"] for row in rows) == ["Armley", "Leeds"]
    assert all(row["period"].startswith(str(months(3)[-1].date())) for row in rows)


_MONTHS = pd.to_datetime(["2024-01-01", "2024-02-01", None])
CHART_TABLES = {  # every kind of column a chart's table can have, and the awkward values of each
    "floats, missing and infinite": pd.DataFrame({"y": [1.5, np.nan, np.inf], "z": [-np.inf, 0.0, -0.0]}),
    "whole numbers and true/false": pd.DataFrame({"n": np.array([1, 2, 3], dtype=np.int64), "b": [True, False, True]}),
    "small numbers": pd.DataFrame({"n": np.array([1, 2, 3], dtype=np.int8), "f": np.array([0.5, 1, 2], "float32")}),
    "text with gaps": pd.DataFrame({"s": ["Armley", None, "Leeds & York"]}, dtype="string"),
    "plain text column": pd.DataFrame({"s": pd.array(["a", None, "c"], dtype="str")}),
    "objects": pd.DataFrame({"o": pd.Series(["a", None, 3], dtype=object)}),
    "arrays in objects": pd.DataFrame({"o": pd.Series([np.array([1, 2]), None, "x"], dtype=object)}),
    "months in milliseconds": pd.DataFrame({"period": _MONTHS.astype("datetime64[ms]")}),
    "months in nanoseconds": pd.DataFrame({"period": _MONTHS.astype("datetime64[ns]")}),
    "times of day": pd.DataFrame({"t": pd.to_datetime(["2024-01-01 10:30:15.250", "2024-01-02 00:00:00.000"])}),
    "categories": pd.DataFrame({"c": pd.Categorical(["a", None, "a"])}),
    "nullable numbers": pd.DataFrame({"n": pd.array([1, None, 3], dtype="Int64")}),
    "time zones": pd.DataFrame({"t": pd.to_datetime(["2024-01-01", None]).tz_localize("UTC")}),
    "no rows": pd.DataFrame({"y": pd.Series([], dtype=float), "s": pd.Series([], dtype="string")}),
    "an index that is not a range": pd.DataFrame({"y": [1.0, 2.0]}, index=[10, 3]),
}


@pytest.mark.parametrize("name", CHART_TABLES)
def test_chart_rows_are_those_altairs_own_conversion_makes(name):
    table = CHART_TABLES[name]
    expected = alt.default_data_transformer(table)
    made = chart_values(table)
    assert made == expected
    assert json.dumps(made, allow_nan=False) == json.dumps(expected, allow_nan=False)
    assert [type(v) for row in made["values"] for v in row.values()] == [
        type(v) for row in expected["values"] for v in row.values()
    ]


def test_a_chart_of_too_many_rows_is_refused_as_altair_refuses_it():
    with pytest.raises(alt.MaxRowsError):
        chart_values(pd.DataFrame({"y": np.arange(MAX_ROWS + 1, dtype=float)}))
    assert len(chart_values(pd.DataFrame({"y": np.arange(MAX_ROWS, dtype=float)}))["values"]) == MAX_ROWS


def test_charts_use_the_faster_conversion():
    assert alt.data_transformers.active == "saferleeds"
    spec = alt.Chart(pd.DataFrame({"y": [1.0, np.nan]})).mark_point().encode(y="y:Q").to_dict()
    assert next(iter(spec["datasets"].values())) == [{"y": 1.0}, {"y": None}]
