"""A small map of Leeds with one area picked out (an Altair geoshape chart, printable without a browser)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from saferleeds.present.charts.common import BACKGROUND_AREA, HIGHLIGHT, finish_chart, when


def locator_map(
    areas: list[dict],
    highlight: str,
    *,
    title: str,
    description: str,
    outline: list[dict] | None = None,
    marker: tuple[float, float] | None = None,
    height: int = 260,
) -> alt.LayerChart:
    """A small map of Leeds with one area picked out; ``areas`` are GeoJSON features with code and name,
    wound as Vega reads them (``vega_features``: done once by the caller, whose maps can then share them).

    ``outline`` (the area's own shape, when it is not one of ``areas``, wound the same way) is drawn on
    top, and a ``marker`` (longitude, latitude) circles an area too small to see at city scale.
    """
    projection = "mercator"
    base = (
        alt.Chart(_inline(areas))
        .mark_geoshape(stroke="white", strokeWidth=0.7)
        .encode(
            color=when(alt.ColorValue, alt.datum.code == highlight, alt.value(HIGHLIGHT), alt.value(BACKGROUND_AREA)),
            tooltip=[alt.Tooltip("name:N", title="Area")],
        )
        .project(projection)
    )
    layers = [base]
    if outline:
        layers.append(
            alt.Chart(_inline(outline))
            .mark_geoshape(color=HIGHLIGHT, stroke="#0b0c0c", strokeWidth=0.8)
            .encode(tooltip=[alt.Tooltip("name:N", title="Area")])
            .project(projection)
        )
    if marker is not None:
        spot = pd.DataFrame({"longitude": [marker[0]], "latitude": [marker[1]]})
        layers.append(
            alt.Chart(spot)
            .mark_point(size=500, color="#d4351c", strokeWidth=2.5)
            .encode(longitude="longitude:Q", latitude="latitude:Q")
            .project(projection)
        )
    chart = alt.layer(*layers)
    chart.config = alt.Config(view=alt.ViewConfig(strokeWidth=0))  # as .configure_view(), without a copy
    return finish_chart(chart, title, description, height)


def _inline(features: list[dict]) -> dict:
    """Features as a chart's data, given as a plain mapping: Altair walks every coordinate of an ``alt.Data``
    (a check of each number costs more than the rest of the chart), but moves a mapping's values to the
    spec's named datasets as they are."""
    return {"values": features}
