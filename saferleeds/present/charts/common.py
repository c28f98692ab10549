"""What every chart shares: colours that carry meaning, legends, titles that fit a phone, and the
Vega-Lite spec with its text colours and quiet decorative marks.
"""

from __future__ import annotations

import textwrap
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from altair.utils.data import limit_rows

from saferleeds.core.catalogue import Palette

# Altair checks every part of a chart against the Vega-Lite schema as it is made, which costs more than
# making the chart. The charts are this package's own code and the tests check each whole spec against the
# schema (``vega_lite_spec(validate=True)``), so the checks as they are made are switched off.
alt.utils.schemapi.disable_debug_mode()
MAX_ROWS = 5000  # rows a chart may carry, as Altair's own conversion allows

NEUTRAL = "#4d4d4d"
NOTE_COLOUR = "#505a5f"  # 7:1 on white, still over 4.5:1 on the shaded period
CHART_TEXT = "#505a5f"
TITLE_TEXT = "#0b0c0c"
PERIOD_SHADE = "#1d70b8"
HIGHLIGHT = "#1d70b8"
BACKGROUND_AREA = "#dee0e2"
TITLE_WIDTH = 44  # characters a line, so titles fit a 375 px screen
SUBTITLE_WIDTH = 56
MONTH_AXIS = alt.Axis(format="%b %Y", labelOverlap="greedy", labelSeparation=6, tickCount=6)
LEGEND: dict[str, Any] = {"orient": "bottom", "direction": "vertical", "labelLimit": 260, "titleLimit": 260}


def when(channel: type[Any], test: Any, then: Any, otherwise: Any) -> Any:
    """``alt.condition(test, then, otherwise)`` made as the channel's own class (``alt.SizeValue``,
    ``alt.FillValue``...): given a plain condition, Altair searches its whole schema for the class on every use."""
    return channel(**alt.condition(test, then, otherwise))


def area_colour_scale(areas: list[str], palette: Palette, reference: str = "Leeds") -> alt.Scale:
    """One colour per area in the order given; Leeds, the reference, always has the reference colour."""
    others = iter(palette.areas * 2)
    colours = [palette.reference if area == reference else next(others) for area in areas]
    return alt.Scale(domain=areas, range=colours)


def title_lines(text: str, width: int = TITLE_WIDTH) -> str | list[str]:
    """Titles do not wrap by themselves; break long ones into lines that fit a phone."""
    lines = textwrap.wrap(text, width)
    return lines[0] if len(lines) == 1 else lines


def finish_chart(chart: Any, title: str, description: str, height: int, subtitle: str = "") -> Any:
    """The chart, just made, given its title (and subtitle), description, height and how it fills the width."""
    heading = alt.Title(title_lines(title), anchor="start")
    if subtitle:
        heading = alt.Title(title_lines(title), subtitle=title_lines(subtitle, SUBTITLE_WIDTH), anchor="start")
    # fit-x: the chart fills the width it is given; its height is the plot's, and legends go below it.
    autosize = alt.AutoSizeParams(type="fit-x", contains="padding")
    # Set on the chart itself, which every caller has just made: ``chart.properties(...)`` would check each
    # value against the schema (see above) and copy the chart, and copying a layered chart copies every
    # layer twice over.
    chart.title, chart.description, chart.height, chart.autosize = heading, description, height, autosize
    return chart


def chart_values(data: Any) -> dict[str, list[dict[str, Any]]]:
    """A chart's table as the rows Vega-Lite reads: what Altair's own conversion makes, column by column.

    Altair converts a table by copying it and rewriting each column as Python objects; for the plain
    columns this package's charts use (numbers, true/false, text, months) the same rows come from each
    column's values at once. Anything else (categories, nullable numbers, nested values) goes to
    Altair's conversion as before.
    """
    if not isinstance(data, pd.DataFrame) or hasattr(data, "__geo_interface__") or not _plain_columns(data):
        return alt.default_data_transformer(data)
    limit_rows(data, max_rows=MAX_ROWS)
    names = list(data.columns)
    columns = [_column_values(data.iloc[:, i]) for i in range(len(names))]
    return {"values": [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]}


def _plain_columns(data: pd.DataFrame) -> bool:
    if isinstance(data.columns, pd.MultiIndex) or isinstance(data.index, pd.MultiIndex):
        return False
    if not all(isinstance(name, str) for name in data.columns) or data.columns.has_duplicates:
        return False
    return all(_plain_dtype(dtype) for dtype in data.dtypes)


def _plain_dtype(dtype: Any) -> bool:
    if isinstance(dtype, pd.StringDtype) or str(dtype) in ("str", "string"):
        return True
    if not isinstance(dtype, np.dtype):
        return False
    return dtype.kind in "biufM" or dtype == np.dtype(object)


def _column_values(column: pd.Series) -> list[Any]:
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        values = column.to_numpy()
        good = np.isfinite(values)
        return [v if ok else None for v, ok in zip(values.tolist(), good.tolist(), strict=True)]
    if isinstance(dtype, np.dtype) and dtype.kind in "biu":
        return column.to_numpy().tolist()
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        return ["" if pd.isna(t) else t.isoformat() for t in column]
    values = column.astype(object)
    return [
        None if missing else (v.tolist() if isinstance(v, np.ndarray) else v)
        for v, missing in zip(values.tolist(), values.isna().tolist(), strict=True)
    ]


def vega_lite_spec(chart: alt.TopLevelMixin, validate: bool = False) -> dict:
    """The chart as a Vega-Lite spec, with legends stacked under the plot so narrow screens fit them,
    and only the marks that carry numbers exposed to screen readers.

    The charts are built by this package's own code, so checking each spec against the Vega-Lite
    schema (half the cost of the conversion) is left to the tests, which pass ``validate=True``."""
    spec = chart.to_dict(validate=validate)
    config = spec.setdefault("config", {})
    config.setdefault("legend", {})["layout"] = {"bottom": {"anchor": "start", "direction": "vertical", "margin": 6}}
    for part, colours in TEXT_COLOURS.items():
        config[part] = {**colours, **config.get(part, {})}
    return quiet_decorations(spec)


# Words on a chart are text: they need 4.5:1 contrast on white, which the default pale grey lacks.
TEXT_COLOURS = {
    "axis": {"labelColor": CHART_TEXT, "titleColor": CHART_TEXT},
    "legend": {"labelColor": CHART_TEXT, "titleColor": CHART_TEXT},
    "title": {"color": TITLE_TEXT, "subtitleColor": CHART_TEXT},
}
NESTED_VIEWS = ("layer", "vconcat", "hconcat", "concat")


def quiet_decorations(spec: dict) -> dict:
    """Hide from screen readers every mark that says nothing of its own (``"aria": false``).

    Vega gives each mark a role; a mark whose points have no description (no tooltip), an invisible
    hover layer, a layer with no data and a line's point overlay would each be read out as an
    unnamed picture. The chart's ``description`` and its table of numbers say what they show.
    """
    _quiet(spec, spec.get("data"), spec.get("datasets", {}))
    return spec


def _quiet(view: dict, data: dict | None, datasets: dict) -> None:
    data = view.get("data", data)
    for key in NESTED_VIEWS:
        for child in view.get(key, []):
            _quiet(child, data, datasets)
    if "spec" in view:
        _quiet(view["spec"], data, datasets)
    if "mark" not in view:
        return
    mark = view["mark"] if isinstance(view["mark"], dict) else {"type": view["mark"]}
    if isinstance(mark.get("point"), dict) or mark.get("point") is True:
        mark["point"] = {**(mark["point"] if isinstance(mark["point"], dict) else {}), "aria": False}
    speaks = "tooltip" in view.get("encoding", {}) or mark.get("tooltip") not in (None, False)
    if not speaks or mark.get("opacity") == 0 or _is_empty(data, datasets):
        mark["aria"] = False
    view["mark"] = mark


def _is_empty(data: dict | None, datasets: dict) -> bool:
    if not data:
        return False
    if "values" in data:
        return isinstance(data["values"], list) and not data["values"]
    return "name" in data and datasets.get(data["name"]) == []


def number_format(unit_kind: str) -> str:
    return ",.0f" if unit_kind == "count" else ",.1f"


alt.data_transformers.register("saferleeds", chart_values)
alt.data_transformers.enable("saferleeds")
