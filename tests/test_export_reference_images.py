"""Charts and maps checked by sight: what the code draws now against reference renders kept in
``tests/data/reference/``, by a tolerant comparison (4-pixel squares, small colour shifts ignored).

The renders are of constructed values on the real boundaries (``tests.builders``), so new data does not
move them. A render that goes blank, inside out or loses its lines fails. After a deliberate change to
how a chart looks, look at the new pictures and remake them: ``.venv/bin/python tests/data/reference/make_references.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from saferleeds.analysis.compare import compare_areas
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period
from saferleeds.present.charts.views import comparison_funnel_chart
from saferleeds.present.export import render
from saferleeds.present.export.print_map import pack_map_model, print_map
from saferleeds.present.export.print_trend import print_trend_chart
from tests.builders import rows, with_values
from tests.packs import ARMLEY
from tests.pictures import difference

REFERENCE_FOLDER = Path(__file__).parent / "data" / "reference"
PERIOD = Period(pd.Timestamp("2024-03-01"), pd.Timestamp("2025-02-01"))
FIRST = pd.Timestamp("2023-03-01")
ALLOWED = 0.02  # share of 4-pixel squares that may differ (fonts, anti-aliasing)


def constructed(base: Dataset) -> Dataset:
    """Recorded crime in every ward: a different level in each, modelled for a year, then recorded."""
    status = ["modelled"] * 12 + ["recorded"] * 12
    pieces = []
    for number, code in enumerate(base.geography.level_areas("ward")["code"]):
        level = 40 + 35 * (number % 7)
        values = [
            level + (6 if month % 3 == 0 else 0) + (25 if code == ARMLEY and month > 14 else 0) for month in range(24)
        ]
        pieces.append(rows("total_crime", code, values, first=FIRST, status=status))
    return with_values(base, pd.concat(pieces, ignore_index=True))


def ward_choropleth(dataset: Dataset) -> dict:
    model = pack_map_model(dataset, "total_crime", "ward", PERIOD, "count")
    spec = print_map(dataset, model, ARMLEY)
    assert spec is not None
    return spec


def trend_with_modelled_months(dataset: Dataset) -> dict:
    return print_trend_chart(dataset, "total_crime", ARMLEY, PERIOD)


def funnel_plot(dataset: Dataset) -> dict:
    chart = comparison_funnel_chart(compare_areas(dataset, "total_crime", "ward", PERIOD), "pick", ARMLEY)
    return render.for_download(chart, title="Recorded crime compared with Leeds", source="Constructed values.")


REFERENCES: dict[str, Callable[[Dataset], dict]] = {
    "ward-choropleth.png": ward_choropleth,
    "trend-with-modelled-months.png": trend_with_modelled_months,
    "funnel-plot.png": funnel_plot,
}


def draw(dataset: Dataset, name: str) -> bytes:
    return render.png(REFERENCES[name](constructed(dataset)), scale=1)


@pytest.fixture(scope="module")
def base(dataset):
    return dataset


@pytest.mark.parametrize("name", list(REFERENCES))
def test_the_render_matches_its_reference(base, name):
    reference = REFERENCE_FOLDER / name
    assert reference.exists(), f"make the reference renders: tests/data/reference/make_references.py ({name})"
    assert difference(draw(base, name), reference.read_bytes()) <= ALLOWED


def _inside_out(spec: dict) -> dict:
    """The map as it was drawn when its rings ran the wrong way round."""
    areas = [
        {**f, "geometry": {**f["geometry"], "coordinates": [ring[::-1] for ring in f["geometry"]["coordinates"]]}}
        for f in spec["datasets"]["areas"]
    ]
    return {**spec, "datasets": {**spec["datasets"], "areas": areas}}


def test_a_blank_or_inside_out_map_fails_the_comparison(base):
    reference = (REFERENCE_FOLDER / "ward-choropleth.png").read_bytes()
    spec = ward_choropleth(constructed(base))
    assert difference(render.png(_inside_out(spec), scale=1), reference) > 10 * ALLOWED
    blank = {**spec, "datasets": {**spec["datasets"], "classes": []}}
    assert difference(render.png(blank, scale=1), reference) > 10 * ALLOWED
