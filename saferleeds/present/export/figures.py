"""Static charts for print: a trend chart and a choropleth map of one indicator, with titles, units,
a source line and the Leeds comparison. Both are Altair charts that ``export.render`` draws to PNG/SVG.
"""

from __future__ import annotations

import json
import textwrap

import altair as alt
import numpy as np
import pandas as pd

from saferleeds.analysis.aggregate import area_monthly
from saferleeds.analysis.area_summary import city_figures, summarise
from saferleeds.analysis.measures import format_value, measure_label
from saferleeds.core.catalogue import Indicator
from saferleeds.core.dataset import Dataset
from saferleeds.core.geography import CITY_CODE, CITY_NAME
from saferleeds.core.periods import Period
from saferleeds.core.text import join_words
from saferleeds.core.vocabulary import ESTIMATED, RECORDED, Statuses
from saferleeds.present.export.render import with_source
from saferleeds.present.maps.classes import classify
from saferleeds.present.maps.palettes import spread, value_palette

AREA_COLOUR = "#1d70b8"
LEEDS_COLOUR = "#505a5f"
TARGET_COLOUR = "#00703c"
PERIOD_SHADE = "#f3f2f1"
TREND_SIZE = (620, 250)
MAP_SIZE = (460, 380)
MAX_CLASSES = 5
SUPPRESSED_LABEL = "Fewer than 5 (not shown)"
NO_DATA_LABEL = "No data"
SOURCE_WIDTH = 110
AREAS_DATASET = "areas"
OS_ATTRIBUTION = "Contains OS data © Crown copyright and database right."


def chart_measure(indicator: Indicator, measure: str, compared: bool) -> str:
    """Counts compared with Leeds (or mapped across areas of different sizes) are shown as rates (of the
    chosen population when a rate was chosen)."""
    if indicator.unit != "count":
        return indicator.unit
    if not compared:
        return measure
    return measure if indicator.rates.is_rate(measure) else "rate"


def _source_lines(*sentences: str) -> list[str]:
    return textwrap.wrap(" ".join(s for s in sentences if s), SOURCE_WIDTH)


def _runs(frame: pd.DataFrame) -> pd.DataFrame:
    """Give each unbroken stretch of one status its own line, joined to the next stretch's first point."""
    frame = frame.sort_values("period").reset_index(drop=True)
    breaks = (frame["status"] != frame["status"].shift()) | (frame["period"].diff() > pd.Timedelta(days=31))
    frame["run"] = frame["series"] + "-" + breaks.cumsum().astype(str)
    joins = []
    for i in range(len(frame) - 1):
        here, after = frame.iloc[i], frame.iloc[i + 1]
        gap = after["period"] - here["period"] > pd.Timedelta(days=31)
        if here["run"] != after["run"] and not gap:
            joins.append(after.to_dict() | {"status": here["status"], "run": here["run"]})
    return pd.concat([frame, pd.DataFrame(joins)], ignore_index=True) if joins else frame


def _series(dataset: Dataset, indicator: Indicator, code: str, window: Period, measure: str) -> pd.DataFrame:
    rule = dataset.catalogue.disclosure
    level = dataset.geography.level_of(code) or dataset.catalogue.levels.city
    monthly = area_monthly(dataset, indicator.id, code, measure)
    monthly = monthly[window.contains(monthly["period"]).to_numpy() & monthly["shown"].notna().to_numpy()]
    if rule.applies(indicator.sensitive, level):
        monthly = monthly[~rule.hides(monthly["value"]).to_numpy()]
    name = CITY_NAME if code == CITY_CODE else dataset.geography.name(code)
    frame = pd.DataFrame(
        {
            "period": monthly["period"].to_numpy(),
            "value": monthly["shown"].to_numpy(dtype=float),
            "status": monthly["status"].map(dataset.catalogue.statuses.label).to_numpy(),
            "series": name,
        }
    )
    return _runs(frame) if len(frame) else frame


def _dotted(statuses: Statuses) -> list[str]:
    """Statuses drawn with a dot at each month: those more trusted than estimated (recorded, provisional)."""
    return [statuses.label(s) for s in statuses.ids if statuses.rank(s) < statuses.rank(ESTIMATED)]


def _line_key(statuses: Statuses, shown: list[str]) -> str:
    """'Lines: recorded solid with dots; estimated in long dashes; modelled in short dashes.'"""
    words = []
    for status in shown:
        dash = statuses.get(status).dash
        style = "solid" if dash[1] == 0 else f"dashed ({dash[0]}-{dash[1]})"
        dots = " with dots" if statuses.label(status) in _dotted(statuses) else ""
        words.append(f"{statuses.label(status).lower()} {style}{dots}")
    return f"Lines: {'; '.join(words)}." if words else ""


def _value_format(values: pd.Series) -> str:
    largest = float(values.abs().max()) if len(values) else 0.0
    return ",.0f" if largest >= 20 else (".1f" if largest >= 2 else ".2f")


def trend_chart(
    dataset: Dataset, indicator_id: str, code: str | None, period: Period, measure: str = "count"
) -> alt.VConcatChart:
    """Monthly values of an area beside Leeds over the period and the one it is compared with.

    Recorded months are solid lines with dots, estimated and modelled months dashed as the catalogue says,
    each with a legend entry;
    the selected period is shaded. Counts beside Leeds are shown per 1,000 residents so the two lines
    can be compared. Months of small counts that disclosure control hides are left out.
    """
    indicator = dataset.catalogue.indicator(indicator_id)
    window = Period(period.comparison().start, period.end)
    area = pd.DataFrame()
    if code and code != CITY_CODE:
        area = _series(dataset, indicator, code, window, chart_measure(indicator, measure, compared=True))
    compared = not area.empty
    shown = chart_measure(indicator, measure, compared)
    leeds = _series(dataset, indicator, CITY_CODE, window, shown)
    data = pd.concat([area, leeds], ignore_index=True) if compared else leeds
    names = [*([dataset.geography.name(code)] if compared else []), CITY_NAME]
    vocabulary = dataset.catalogue.statuses
    shown_statuses = [s for s in vocabulary.ids if vocabulary.label(s) in set(data["status"])]
    statuses = [vocabulary.label(s) for s in shown_statuses]
    data = data.assign(month=data["period"].dt.strftime("%Y-%m-%d")).drop(columns="period")
    units = measure_label(indicator, shown)
    x = alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=8))
    y = alt.Y(
        "value:Q",
        title=f"{units[:1].upper()}{units[1:]}, each month",
        scale=alt.Scale(zero=indicator.unit != "percent"),
        axis=alt.Axis(format=_value_format(data["value"])),
    )
    series_scale = alt.Scale(domain=names, range=[AREA_COLOUR, LEEDS_COLOUR][-len(names) :])
    colour = alt.Color(
        "series:N",
        scale=series_scale,
        legend=alt.Legend(title=None, orient="bottom"),
    )
    lines = (
        alt.Chart(data)
        .mark_line(strokeWidth=2.2)
        .encode(
            x=x,
            y=y,
            color=colour,
            detail="run:N",
            strokeDash=alt.StrokeDash(
                "status:N",
                scale=alt.Scale(domain=statuses, range=[vocabulary.dash(s) for s in shown_statuses]),
                legend=alt.Legend(title=None, orient="bottom", symbolType="stroke", symbolStrokeColor=LEEDS_COLOUR),
            ),
        )
    )
    dots = (
        alt.Chart(data)
        .transform_filter(alt.FieldOneOfPredicate(field="status", oneOf=_dotted(vocabulary)))
        .mark_point(filled=True, size=36, opacity=1)
        .encode(x=x, y=y, color=alt.Color("series:N", scale=series_scale, legend=None))
    )
    shade = alt.Chart(
        alt.Data(values=[{"start": f"{period.start:%Y-%m-%d}", "end": f"{period.end:%Y-%m-%d}"}])
    ).mark_rect(color=PERIOD_SHADE)
    shade = shade.encode(x="start:T", x2="end:T") + shade.mark_text(
        align="left", baseline="top", dx=4, dy=4, fontSize=10, color=LEEDS_COLOUR
    ).encode(x="start:T", y=alt.value(0), text=alt.value("Selected period"))
    layers = [shade, lines, dots]
    target = indicator.target
    if target is not None and shown == "percent":
        rule = alt.Chart(alt.Data(values=[{"target": target.value, "label": target.label}]))
        layers.append(rule.mark_rule(color=TARGET_COLOUR, strokeDash=[2, 2]).encode(y="target:Q"))
        layers.append(
            rule.mark_text(align="right", baseline="bottom", dy=-3, color=TARGET_COLOUR, fontSize=10).encode(
                y="target:Q", x=alt.value(TREND_SIZE[0]), text="label:N"
            )
        )
    where = f"{names[0]} and Leeds" if compared else "Leeds"
    chart = alt.layer(*layers).properties(
        width=TREND_SIZE[0],
        height=TREND_SIZE[1],
        title=alt.TitleParams(indicator.label, subtitle=f"{where}, {window.label()}"),
    )
    hidden = compared and len(area) < window.months
    notes = _source_lines(
        f"Source: {indicator.source}.",
        _line_key(vocabulary, shown_statuses),
        "Shaded: the selected period; the months before it are the comparison period.",
        "Months with fewer than 5 are not shown." if hidden and indicator.sensitive else "",
        f"Rates are {indicator.rates.with_population_of(shown)}." if indicator.rates.is_rate(shown) else "",
    )
    return with_source(chart, notes)


# --------------------------------------------------------------------------- choropleth


def _decimals(values: np.ndarray, measure: str) -> int:
    if measure == "count":
        return 0
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    spread = float(finite.max() - finite.min()) if len(finite) else 0.0
    return 2 if spread < 1 else 1


def print_classes(values: np.ndarray, classes: int = MAX_CLASSES, decimals: int = 1) -> tuple[np.ndarray, list[str]]:
    """Natural-breaks classes (as on the Map page) and a label 'low to high' for each.

    Returns each value's class number and the labels; fewer classes are used when values repeat
    or would print the same.
    """
    values = np.asarray(values, dtype=float)
    for k in range(min(classes, len(np.unique(values))), 0, -1):
        found = classify(values, "natural_breaks", k)
        labels = [_class_label(values[found.index == c], decimals) for c in range(len(found.bins))]
        if len(set(labels)) == len(labels) and all(labels):
            return found.index, labels
    return np.zeros(len(values), dtype=int), []


def _class_label(members: np.ndarray, decimals: int) -> str:
    if not len(members):
        return ""
    low, high = f"{members.min():,.{decimals}f}", f"{members.max():,.{decimals}f}"
    return low if low == high else f"{low} to {high}"


def _map_data(dataset: Dataset, indicator: Indicator, level: str, period: Period, shown: str) -> pd.DataFrame:
    """Each area's class (remembered: natural breaks over hundreds of small areas take a moment)."""
    key = ("print_map_classes", indicator.id, level, period, shown)
    return dataset.memo(key, lambda: _classes(dataset, indicator, level, period, shown))


def _classes(dataset: Dataset, indicator: Indicator, level: str, period: Period, shown: str) -> pd.DataFrame:
    table = summarise(dataset, indicator.id, level, period, shown)
    data = table[["code", "name", "value", "suppressed"]].copy()
    usable = data["value"].notna().to_numpy() & ~data["suppressed"].to_numpy()
    classes, labels = print_classes(data.loc[usable, "value"].to_numpy(), decimals=_decimals(data["value"], shown))
    names = np.full(len(data), NO_DATA_LABEL, dtype=object)
    names[data["suppressed"].to_numpy()] = SUPPRESSED_LABEL
    names[usable] = [labels[c] for c in classes]
    data["class"] = names
    data.attrs["labels"] = labels
    return data


def _features(dataset: Dataset, level: str) -> list[dict]:
    """The boundaries of ``level`` as GeoJSON features carrying only their code (made once, then shared)."""

    def build() -> list[dict]:
        return json.loads(dataset.boundaries(level)[["code", "geometry"]].to_json(drop_id=True))["features"]

    return dataset.memo(("print_features", level), build)


def choropleth(
    dataset: Dataset,
    indicator_id: str,
    level: str,
    period: Period,
    measure: str = "count",
    highlight: str | None = None,
) -> dict | None:
    """A map of every area of ``level``, classed by natural breaks, coloured by the indicator's polarity.

    Counts are mapped per 1,000 residents (areas differ in size). Areas without data are grey, areas
    whose count disclosure control hides are a darker grey; the legend gives each class's bounds and
    units, the subtitle the Leeds figure. Returned as a Vega-Lite specification with the boundaries as
    a named dataset (Altair would copy them at every step); None when there is nothing to map.
    """
    indicator = dataset.catalogue.indicator(indicator_id)
    shown = chart_measure(indicator, measure, compared=True)
    data = _map_data(dataset, indicator, level, period, shown)
    labels = data.attrs["labels"]
    if not labels:
        return None
    palettes = dataset.catalogue.palettes
    domain = [*labels, SUPPRESSED_LABEL, NO_DATA_LABEL]
    colours = [
        *spread(value_palette(dataset.catalogue, indicator), len(labels)),
        palettes.suppressed,
        palettes.no_data,
    ]
    present = set(data["class"])
    keep = [i for i, name in enumerate(domain) if name in present or i < len(labels)]
    units = measure_label(indicator, shown)
    fill = alt.Color(
        "class:N",
        scale=alt.Scale(domain=[domain[i] for i in keep], range=[colours[i] for i in keep]),
        legend=alt.Legend(title=[units[:1].upper() + units[1:], period.short_label()], orient="right"),
        sort=[domain[i] for i in keep],
    )
    classes = alt.LookupData(
        data=alt.Data(values=data[["code", "class"]].to_dict("records")), key="code", fields=["class"]
    )
    areas = alt.Chart(alt.Data(name=AREAS_DATASET))
    layers = [
        areas.transform_lookup(lookup="properties.code", from_=classes)
        .mark_geoshape(stroke="white", strokeWidth=0.6)
        .encode(color=fill)
    ]
    if highlight and highlight in set(data["code"]):
        layers.append(_outline(dataset, level, highlight, areas))
    leeds = city_figures(dataset, indicator_id, period, shown)
    leeds_text = format_value(leeds["value"], indicator, shown)
    if indicator.rates.is_rate(shown):
        leeds_text += f" {indicator.rates.population(shown).label}"
    plural = dataset.catalogue.level(level).plural
    chart = (
        alt.layer(*layers)
        .project("mercator")
        .properties(
            width=MAP_SIZE[0],
            height=MAP_SIZE[1],
            title=alt.TitleParams(
                f"{indicator.short_label}: {plural} of Leeds",
                subtitle=[f"{period.label()}: {units}", f"Leeds as a whole: {leeds_text}"],
            ),
        )
    )
    notes = _source_lines(
        f"Source: {indicator.source}. {OS_ATTRIBUTION}",
        "Classes: natural breaks (Jenks).",
        _map_status(summarise(dataset, indicator.id, level, period, shown), plural),
    )
    spec = with_source(chart, notes).to_dict(validate=False)
    spec.setdefault("datasets", {})[AREAS_DATASET] = _features(dataset, level)
    return spec


def _map_status(table: pd.DataFrame, plural: str) -> str:
    """'Figures are estimated for 24 of the 33 wards.' (nothing when every area's figure is recorded)."""
    weaker = table[~table["status"].isin([RECORDED, "no data"])]
    if weaker.empty:
        return ""
    words = join_words(sorted(set(weaker["status"])))
    return f"Figures are {words} for {len(weaker)} of the {len(table)} {plural}."


def _outline(dataset: Dataset, level: str, code: str, areas: alt.Chart) -> alt.LayerChart:
    """The chosen area drawn round in black and named."""
    boundaries = dataset.boundaries(level)
    chosen = boundaries[boundaries["code"] == code]
    point = chosen.geometry.representative_point().iloc[0]
    label = alt.Data(values=[{"name": str(chosen["name"].iloc[0]), "lon": point.x, "lat": point.y}])
    ring = areas.transform_filter(alt.datum["properties"]["code"] == code).mark_geoshape(
        filled=False, stroke="#0b0c0c", strokeWidth=2.5
    )
    position = {"longitude": "lon:Q", "latitude": "lat:Q", "text": "name:N"}
    halo = alt.Chart(label).mark_text(fontSize=12, fontWeight="bold", stroke="white", strokeWidth=3)
    text = alt.Chart(label).mark_text(fontSize=12, fontWeight="bold", color="#0b0c0c")
    return alt.layer(ring, halo.encode(**position), text.encode(**position))
