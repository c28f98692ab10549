"""Charts of the analysis views: a trend view's five charts, a profile's trend, locator and small charts,
and a comparison's funnel plot. The views hold the numbers and words; this module draws them.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from saferleeds.analysis.compare import Comparison
from saferleeds.analysis.measures import measure_label
from saferleeds.analysis.profiles import Profile, locator_background, locator_shapes
from saferleeds.analysis.trends import TrendView
from saferleeds.core.dataset import Dataset
from saferleeds.core.text import join_words, sentence_case
from saferleeds.present.charts.control import control_chart
from saferleeds.present.charts.funnel import funnel_chart
from saferleeds.present.charts.locator import locator_map
from saferleeds.present.charts.time_series import seasonality_chart, small_trend, time_series_chart, year_on_year_chart
from saferleeds.present.maps.shapes import vega_features


def trend_view_chart(view: TrendView, kind: str) -> alt.TopLevelMixin:
    """One of the view's charts: monthly, rolling, spc, year_on_year or seasonality."""
    common: dict[str, Any] = {
        "y_title": sentence_case(view.unit),
        "title": view.title(kind),
        "description": view.description(kind),
        "unit_kind": view.unit_kind,
    }
    if kind == "monthly":
        return time_series_chart(view.series, notes=view.notes, shade=view.period, palette=view.palette, **common)
    if kind == "rolling":
        rolling: dict[str, Any] = {"value": "rolling", "status": "rolling_status", "palette": view.palette}
        return time_series_chart(view.series, notes=view.notes, shade=view.period, **rolling, **common)
    if kind == "spc":
        return control_chart(view.spc, notes=view.notes, palette=view.palette, **common)
    if kind == "year_on_year":
        return year_on_year_chart(view.year_on_year, notes=view.year_notes, palette=view.palette, **common)
    if kind == "seasonality":
        return seasonality_chart(view.seasonality, palette=view.palette, **common)
    raise ValueError(f"unknown trend chart '{kind}'")


def profile_trend_chart(profile: Profile) -> alt.LayerChart:
    """The area's monthly trend beside Leeds, as rates (or percentages) so the two compare."""
    indicator = profile.trend_indicator
    names = join_words(list(dict.fromkeys(profile.trend["area"])))
    return time_series_chart(
        profile.trend,
        y_title=sentence_case(profile.trend_unit),
        title=f"{indicator.short_label}: {names}",
        description=f"Line chart of {indicator.label.lower()} ({profile.trend_unit}) each month, "
        f"{profile.trend_window.label()}, for {names}; dashed lines and hollow points are estimated or modelled.",
        notes=profile.trend_notes,
        shade=profile.period,
        unit_kind="percent" if indicator.unit == "percent" else "rate",
        height=260,
        palette=profile.palette,
    )


def profile_locator_chart(dataset: Dataset, profile: Profile) -> alt.LayerChart:
    """A small map of Leeds with the area picked out."""
    background, outline, marker = locator_shapes(dataset, profile.level, profile.code)
    level = locator_background(dataset.geography, profile.level)
    drawn = dataset.memo(("locator_vega_features", level), lambda: vega_features(background), keep=True)
    where = "Leeds and its community committee areas" if profile.is_city else f"{profile.name} within Leeds"
    return locator_map(
        drawn,
        profile.code,
        title=f"Where: {where}",
        description=f"Map of Leeds showing where {profile.name} is, shaded blue"
        + (", with a red circle around it" if marker else "")
        + ".",
        outline=vega_features(outline) if outline else None,
        marker=marker,
    )


def profile_key_trend_chart(profile: Profile, indicator_id: str) -> alt.LayerChart:
    """A small chart of one key indicator for the area beside Leeds, last two years."""
    figure = next(f for f in profile.key_figures if f.indicator.id == indicator_id)
    indicator = figure.indicator
    unit = measure_label(indicator, "rate")
    return small_trend(
        profile.key_trends[indicator_id],
        title=f"{indicator.short_label}, {unit}",
        description=f"Small line chart of {indicator.label.lower()} ({unit}) each month over the last two years "
        f"for {profile.name}" + ("" if profile.is_city else " and Leeds") + "; dashed where estimated or modelled.",
        unit_kind="percent" if indicator.unit == "percent" else "rate",
        palette=profile.palette,
    )


def comparison_funnel_chart(comparison: Comparison, selection_name: str, selected: str | None = None) -> alt.LayerChart:
    """The comparison's funnel plot, with the selected area labelled."""
    return funnel_chart(
        comparison.points,
        comparison.curves,
        comparison.target,
        x_title=comparison.base_title,
        y_title=comparison.value_title,
        title=f"{comparison.indicator.short_label}: {comparison.level_plural} against the Leeds average, "
        f"{comparison.period.short_label()}",
        description=comparison.describe(),
        selection_name=selection_name,
        selected=selected,
        unit_kind="percent" if comparison.indicator.unit == "percent" else "rate",
        palette=comparison.palette,
        method_note=comparison.method_words(),
    )
