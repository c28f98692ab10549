"""The map explorer's builders: classes, palettes, legends, tooltips, hex cartograms, hot spots and the deck.

Everything here is plain data in, plain data out (DataFrames, dataclasses, a pydeck ``Deck``), so it is
tested without a server. Areas are coloured by classes from mapclassify with a ColorBrewer palette
chosen by the indicator's polarity; areas with no data and areas whose small numbers are hidden get
their own grey classes and say so, and are never coloured as zero.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from dataclasses import dataclass, replace

import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import pydeck as pdk
import shapely
from libpysal.weights import Queen, W, w_subset
from pydeck.bindings.json_tools import default_serialize
from scipy import stats as sps
from shapely.geometry import mapping

from saferleeds.analysis import stats
from saferleeds.analysis.aggregate import Period, effective_measure, measure_label, summarise
from saferleeds.core.catalogue import Catalogue, Indicator
from saferleeds.core.dataset import Dataset
from saferleeds.core.text import sentence_case
from saferleeds.present.hexgrid import hex_layout

CLASSIFICATIONS = {
    "natural_breaks": "Natural breaks",
    "quantiles": "Quantiles (equal numbers of areas)",
    "equal_interval": "Equal intervals",
}
DEFAULT_CLASSIFICATION = "natural_breaks"
SHOW_OPTIONS = {"value": "The value", "change": "Change on the year before"}
OUTLINE_LEVELS = ("neighbourhood", "committee")
HOTSPOT_LEVEL = "lsoa"
ONS_CODE_LEVELS = ("lsoa", "ward", "constituency")
COORDINATE_DECIMALS = 4  # about 10 metres: invisible at city zoom, and a fifth fewer bytes than 5
MAP_STYLE_VARIABLE = "SAFERLEEDS_MAP_STYLE"
MAP_HEIGHT = 520
WHOLE_CITY_ZOOM = 9.15  # Leeds (about 35 x 28 km) fits a map about 500 pixels across
FILL_ALPHA = 235
NO_DATA = -100  # class codes: value classes are 0..k-1; change classes are -3..-1 (falls), 0, 1..3 (rises)
SUPPRESSED = -101
NO_CHANGE = 0

BORDER = [255, 255, 255, 200]
BORDER_ON_CHANGE = [150, 150, 150, 200]  # "no significant change" is nearly white: its areas need a visible edge
PIXELS = pdk.types.String("pixels")  # pydeck reads a bare string as an expression
LAYER_OUTLINE = {"neighbourhood": "outline-neighbourhoods", "committee": "outline-committees"}
LAYER_HOTSPOTS = "hotspots"
LAYER_SELECTED = "selected-area"
LAYER_SELECTED_HALO = "selected-area-halo"

TOOLTIP_FIELDS = ("name", "shown", "rank", "change", "status", "hotspot")
TOOLTIP = {
    "html": (
        "<b>{name}</b><div>{shown}</div><div>{rank}</div><div>{change}</div><div><i>{status}</i></div><div>{hotspot}</div>"
    ),
    "style": {
        "backgroundColor": "#ffffff",
        "color": "#1a1a1a",
        "fontSize": "0.8rem",
        "border": "1px solid #bdbdbd",
        "maxWidth": "18rem",
    },
}


# ----------------------------------------------------------------------------- options and layer ids


@dataclass(frozen=True)
class MapOptions:
    """The map page's own choices (the shared filters come from the Selection)."""

    show: str = "value"  # "value" or "change"
    classification: str = DEFAULT_CLASSIFICATION
    hex_view: bool = False
    outlines: tuple[str, ...] = ()
    hotspots: bool = False


def area_layer_id(level: str, hex_view: bool) -> str:
    """Id of the clickable layer: one per level and view, so a click on one never selects in another."""
    return f"{'hexes' if hex_view else 'areas'}-{level}"


def is_area_layer(layer_id: str) -> bool:
    return layer_id.startswith(("areas-", "hexes-"))


# ----------------------------------------------------------------------------- classification


@dataclass(frozen=True)
class Classes:
    """Upper bounds of each class (mapclassify's ``bins``) and the class of every value (NO_DATA for NaN)."""

    bins: np.ndarray
    index: np.ndarray


def fisher_jenks_bins(values: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of the optimal natural-breaks (Fisher-Jenks) classes, as mapclassify's FisherJenks.

    The same dynamic programme, vectorised: each step takes the least total within-class squared
    deviation over every possible start of the last class. Without numba, mapclassify's own loop takes
    about 0.3 s for the 488 small areas; this takes a few milliseconds.
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    k = min(k, len(np.unique(x)))
    if k <= 1:
        return np.array([x[-1]]) if n else np.array([])
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])
    start = np.arange(n)[:, None]
    end = np.arange(n)[None, :]
    length = end - start + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        ssd = (s2[end + 1] - s2[start]) - (s1[end + 1] - s1[start]) ** 2 / length
    ssd = np.where(length >= 1, ssd, np.inf)
    cost = ssd[0].copy()  # one class covering x[0..end]
    starts = []
    for _ in range(1, k):
        previous = np.concatenate([[np.inf], cost[:-1]])  # best cost of the classes before x[start]
        total = previous[:, None] + ssd
        best = np.argmin(total, axis=0)
        cost = total[best, np.arange(n)]
        starts.append(best)
    bins = [x[-1]]
    last = n - 1
    for best in reversed(starts):
        first = int(best[last])
        bins.append(x[first - 1])
        last = first - 1
    return np.array(bins[::-1])


def classify(values: np.ndarray | pd.Series, method: str = DEFAULT_CLASSIFICATION, k: int = 5) -> Classes:
    """Classes of the finite values by natural breaks, quantiles or equal intervals (NaN -> NO_DATA)."""
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    index = np.full(len(values), NO_DATA, dtype=int)
    present = values[finite]
    if present.size == 0:
        return Classes(np.array([]), index)
    k = max(1, min(k, len(np.unique(present))))
    if k == 1:
        bins = np.array([present.max()])
    elif method == "natural_breaks":
        bins = fisher_jenks_bins(present, k)
    elif method == "quantiles":
        bins = mapclassify.Quantiles(present, k=k).bins
    elif method == "equal_interval":
        bins = mapclassify.EqualInterval(present, k=k).bins
    else:
        raise ValueError(f"unknown classification '{method}'")
    bins = np.unique(bins)  # quantiles of tied values can repeat a bound
    index[finite] = mapclassify.UserDefined(present, bins=list(bins)).yb
    return Classes(bins, index)


# ----------------------------------------------------------------------------- palettes


def hex_to_rgba(colour: str, alpha: int = FILL_ALPHA) -> list[int]:
    colour = colour.lstrip("#")
    return [int(colour[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def value_palette(catalogue: Catalogue, indicator: Indicator) -> list[str]:
    """Sequential palette (light to dark) by polarity: Reds for worse, Greens for better, Purples for context."""
    return list(catalogue.palettes[indicator.polarity])


def change_palette(catalogue: Catalogue, indicator: Indicator) -> list[str]:
    """Diverging palette, biggest fall first, no significant change in the middle, biggest rise last.

    A rise is drawn red when higher is worse and blue when higher is better; context indicators
    (where more reporting can be good) get a palette that says neither good nor bad.
    """
    if indicator.polarity == "context":
        return list(catalogue.palettes["change_context"])
    colours = list(catalogue.palettes["change"])
    return colours[::-1] if indicator.polarity == "higher_is_better" else colours


def spread(colours: list[str], count: int, first: int | None = None, last: int | None = None) -> list[str]:
    """``count`` colours spread evenly between positions ``first`` and ``last`` of a palette."""
    first = 0 if first is None else first
    last = len(colours) - 1 if last is None else last
    if count <= 0:
        return []
    if count == 1:
        return [colours[(first + last + 1) // 2]]
    positions = np.linspace(first, last, count).round().astype(int)
    return [colours[p] for p in positions]


# ----------------------------------------------------------------------------- legend


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str
    areas: int
    kind: str  # "class", "no_change", "suppressed" or "no_data"


@dataclass(frozen=True)
class Legend:
    title: str
    unit: str
    entries: tuple[LegendEntry, ...]
    notes: tuple[str, ...] = ()
    markers: tuple[tuple[str, str], ...] = ()  # (symbol description, meaning) for outlines and hot spots


def number_text(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def class_labels(
    bins: np.ndarray,
    minimum: float,
    decimals: int,
    suffix: str = "",
    whole: bool = False,
    lowest: list[float] | None = None,
) -> list[str]:
    """'12 to 30' labels; whole numbers do not overlap ('0 to 12', '13 to 30'), others share bounds.

    For whole numbers, ``lowest`` (the smallest value in each class) gives the lower bounds, so a class
    says the numbers it really holds (with 1-4 hidden, a class above 0 starts at 5, not 1). Decimals are
    added (up to two more) when rounding would make two different bounds look the same.
    """
    if not whole:
        bounds = np.concatenate([[minimum], np.asarray(bins, dtype=float)])
        while decimals < 3 and len({number_text(b, decimals) for b in bounds}) < len(np.unique(bounds)):
            decimals += 1
    labels = []
    lower = minimum
    for i, upper in enumerate(bins):
        if whole:
            if lowest is not None and np.isfinite(lowest[i]):
                lower = lowest[i]
            low, high = math.ceil(lower), math.floor(upper)
            text = number_text(high, 0) if low >= high else f"{number_text(low, 0)} to {number_text(high, 0)}"
            lower = math.floor(upper) + 1
        else:
            low, high = number_text(lower, decimals), number_text(upper, decimals)
            text = high if low == high else f"{low} to {high}"
            lower = upper
        labels.append(f"{text}{suffix}")
    return labels


def value_format(indicator: Indicator, measure: str) -> tuple[int, str]:
    """Decimals and label suffix for values of the indicator in the measure."""
    unit = effective_measure(indicator, measure)
    if unit == "percent":
        return 1, "%"
    if unit == "rate":
        return 1, " per 1,000"
    return 0, ""


def change_format(indicator: Indicator) -> tuple[int, str]:
    return (1, " percentage points") if indicator.unit == "percent" else (0, "%")


# ----------------------------------------------------------------------------- the map's numbers


@dataclass(frozen=True)
class MapModel:
    """Everything drawn for one indicator, level, period, measure and set of options."""

    indicator: Indicator
    level: str
    level_label: str
    level_plural: str
    period: Period
    measure: str
    options: MapOptions
    areas: pd.DataFrame  # one row per area: numbers, class, colour and tooltip lines
    legend: Legend
    hotspot_note: str | None = None
    available: bool = True

    @property
    def layer_id(self) -> str:
        return area_layer_id(self.level, self.options.hex_view)

    @property
    def drawn_outlines(self) -> tuple[str, ...]:
        """Reference outlines drawn: none on the hex map, and never a level's own boundaries."""
        if self.options.hex_view:
            return ()
        return tuple(level for level in OUTLINE_LEVELS if level in self.options.outlines and level != self.level)


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def rank_words(rank: float, total: int, plural: str) -> str:
    """'3rd highest of 33 wards' (the highest value is 1st)."""
    if not np.isfinite(rank):
        return ""
    if int(rank) == 1:
        return f"Highest of {total} {plural}"
    return f"{ordinal(int(rank))} highest of {total} {plural}"


def change_line(words: str, judgement: str) -> str:
    suffix = {"worse": " (worse)", "better": " (better)"}.get(judgement, "")
    return f"{sentence_case(words)}{suffix}"


def status_text(status: str) -> str:
    """Modelled or recorded, said so plainly on every tooltip, panel and table row."""
    return "Modelled, not recorded" if status == "modelled" else sentence_case(status)


def change_suppressed(frame: pd.DataFrame, indicator: Indicator, level: str, thresholds: dict) -> pd.Series:
    """Areas whose change would reveal a hidden small number (this year's or last year's count is 1-4)."""
    if not stats.needs_disclosure_control(indicator.sensitive, level, thresholds["disclosure_levels"]):
        return pd.Series(False, index=frame.index)
    earlier = stats.is_suppressed(frame["previous_count"], thresholds["disclosure_below"])
    return frame["suppressed"] | earlier


def map_model(
    dataset: Dataset, indicator_id: str, level: str, period: Period, measure: str, options: MapOptions
) -> MapModel:
    """The classified, coloured and described areas of one map (remembered per dataset version)."""
    key = ("map_model", indicator_id, level, period, measure, options.show, options.classification)
    model = dataset.memo(
        key, lambda: _map_model(dataset, indicator_id, level, period, measure, options.show, options.classification)
    )
    if options.hotspots and level == HOTSPOT_LEVEL and model.available:
        model = _with_hotspots(dataset, model, options)
    return replace(model, options=options)


def _map_model(
    dataset: Dataset, indicator_id: str, level: str, period: Period, measure: str, show: str, classification: str
) -> MapModel:
    catalogue = dataset.catalogue
    indicator = catalogue.indicator(indicator_id)
    level_info = catalogue.level(level)
    frame = summarise(dataset, indicator_id, level, period, measure).copy()
    thresholds = catalogue.thresholds
    k = int(thresholds.get("map_classes", 5))
    if show == "change":
        frame, entries = _change_classes(frame, catalogue, indicator, level, classification, k)
        unit = "change in percentage points" if indicator.unit == "percent" else "% change"
        title = f"{indicator.short_label}: change on the same months a year earlier"
        notes = (
            "Only significant changes are coloured by size; the rest say 'no significant change'.",
            f"Significant means unlikely to be chance alone ({100 * (1 - thresholds['significance']):.0f}% "
            f"confidence). Sizes are grouped by {CLASSIFICATIONS[classification].lower()}.",
        )
    else:
        frame, entries = _value_classes(frame, catalogue, indicator, level, measure, classification, k)
        unit = measure_label(indicator, measure, catalogue.population["label"])
        title = f"{indicator.short_label}, {unit}"
        notes = (f"Classes: {CLASSIFICATIONS[classification].lower()}.",)
    _add_tooltip_lines(frame, indicator, level_info.label, level_info.plural)
    legend = Legend(
        title=f"{title} ({period.short_label()})",
        unit=unit,
        entries=tuple(entries),
        notes=notes,
    )
    available = bool(frame["value"].notna().any())
    return MapModel(
        indicator=indicator,
        level=level,
        level_label=level_info.label,
        level_plural=level_info.plural,
        period=period,
        measure=measure,
        options=MapOptions(show=show, classification=classification),
        areas=frame,
        legend=legend,
        available=available,
    )


def _add_tooltip_lines(frame: pd.DataFrame, indicator: Indicator, level_label: str, plural: str) -> None:
    """The plain-English lines of each area's tooltip (also used by the panel and the table)."""
    frame["tip_name"] = frame["name"] + f" ({level_label[:1].lower()}{level_label[1:]})"
    frame["tip_shown"] = [f"{indicator.short_label}: {text}" for text in frame["display"]]
    total = int(frame["value"].notna().sum())
    frame["tip_rank"] = [
        "" if hidden else rank_words(rank, total, plural)
        for rank, hidden in zip(frame["rank"], frame["suppressed"], strict=True)
    ]
    frame["tip_change"] = [
        "Change hidden to protect small numbers" if hidden else change_line(words, judgement)
        for words, judgement, hidden in zip(
            frame["change_words"], frame["judgement"], frame["change_hidden"], strict=True
        )
    ]
    frame["tip_status"] = [status_text(s) for s in frame["status"]]
    frame["tip_hotspot"] = ""
    frame["hotspot"] = ""


def _grey_entries(frame: pd.DataFrame, catalogue: Catalogue, hidden_label: str) -> list[LegendEntry]:
    entries = []
    hidden = int((frame["class"] == SUPPRESSED).sum())
    if hidden:
        entries.append(LegendEntry(hidden_label, catalogue.palettes["suppressed"], hidden, "suppressed"))
    missing = int((frame["class"] == NO_DATA).sum())
    if missing:
        entries.append(LegendEntry("No data", catalogue.palettes["no_data"], missing, "no_data"))
    return entries


def _hidden_label(catalogue: Catalogue) -> str:
    below = catalogue.thresholds["disclosure_below"]
    return f"{stats.suppressed_text(below)}: fewer than {below}, not shown to protect people"


def _value_classes(
    frame: pd.DataFrame, catalogue: Catalogue, indicator: Indicator, level: str, measure: str, method: str, k: int
) -> tuple[pd.DataFrame, list[LegendEntry]]:
    shown = frame["value"].where(~frame["suppressed"])
    classes = classify(shown.to_numpy(), method, k)
    colours = spread(value_palette(catalogue, indicator), len(classes.bins), first=1)
    frame["shown"] = shown
    frame["class"] = np.where(frame["suppressed"], SUPPRESSED, classes.index)
    frame["change_hidden"] = change_suppressed(frame, indicator, level, catalogue.thresholds)
    decimals, suffix = value_format(indicator, measure)
    whole = decimals == 0 and bool(np.all(np.mod(shown.dropna(), 1) == 0))
    minimum = float(shown.min()) if shown.notna().any() else 0.0
    lowest = [float(shown[classes.index == i].min()) for i in range(len(classes.bins))]
    labels = class_labels(classes.bins, minimum, decimals, suffix, whole, lowest)
    entries = [
        LegendEntry(label, colour, int((classes.index == i).sum()), "class")
        for i, (label, colour) in enumerate(zip(labels, colours, strict=True))
    ]
    frame["colour"] = [_colour_of(c, colours, catalogue) for c in frame["class"]]
    frame["class_label"] = [_label_of(c, labels, catalogue) for c in frame["class"]]
    return frame, entries + _grey_entries(frame, catalogue, _hidden_label(catalogue))


def _colour_of(cls: int, colours: list[str], catalogue: Catalogue) -> str:
    if cls == SUPPRESSED:
        return catalogue.palettes["suppressed"]
    if cls == NO_DATA:
        return catalogue.palettes["no_data"]
    return colours[cls]


def _label_of(cls: int, labels: list[str], catalogue: Catalogue) -> str:
    if cls == SUPPRESSED:
        return _hidden_label(catalogue)
    if cls == NO_DATA:
        return "No data"
    return labels[cls]


def change_values(frame: pd.DataFrame) -> pd.Series:
    """Change as shown: per cent for counts and rates, percentage points for percentages."""
    change = pd.to_numeric(frame["change"], errors="coerce")
    relative = frame["change_unit"] == "relative"
    return change.where(~relative, change * 100)


def _change_classes(
    frame: pd.DataFrame, catalogue: Catalogue, indicator: Indicator, level: str, method: str, k: int
) -> tuple[pd.DataFrame, list[LegendEntry]]:
    hidden = change_suppressed(frame, indicator, level, catalogue.thresholds)
    frame["change_hidden"] = hidden
    change = change_values(frame).where(~hidden)
    known = change.notna() & frame["change_direction"].isin(["up", "down", "none"])
    rising = known & (frame["change_direction"] == "up")
    falling = known & (frame["change_direction"] == "down")
    palette = change_palette(catalogue, indicator)
    middle = len(palette) // 2
    side = max(1, min(3, k // 2))
    decimals, suffix = change_format(indicator)

    falls = classify((-change).where(falling).to_numpy(), method, side)
    rises = classify(change.where(rising).to_numpy(), method, side)
    fall_colours = spread(palette, len(falls.bins), first=middle - 1, last=0)
    rise_colours = spread(palette, len(rises.bins), first=middle + 1, last=len(palette) - 1)
    fall_labels = [f"Down {t}" for t in class_labels(falls.bins, _min(-change, falling), decimals, suffix)]
    rise_labels = [f"Up {t}" for t in class_labels(rises.bins, _min(change, rising), decimals, suffix)]

    colour = pd.Series(catalogue.palettes["no_data"], index=frame.index)
    label = pd.Series("Not enough data to compare", index=frame.index)
    cls = pd.Series(NO_DATA, index=frame.index)
    steady = known & ~rising & ~falling
    colour[steady], label[steady], cls[steady] = palette[middle], "No significant change", NO_CHANGE
    for mask, classes, colours, labels, sign in (
        (falling, falls, fall_colours, fall_labels, -1),
        (rising, rises, rise_colours, rise_labels, 1),
    ):
        for i in np.flatnonzero(mask.to_numpy()):
            j = classes.index[i]
            colour.iat[i], label.iat[i], cls.iat[i] = colours[j], labels[j], sign * (j + 1)
    colour[hidden], label[hidden], cls[hidden] = catalogue.palettes["suppressed"], _hidden_label(catalogue), SUPPRESSED
    frame["shown"] = change.where(known)
    frame["class"] = cls.astype(int)
    frame["colour"] = colour
    frame["class_label"] = label

    entries = [
        LegendEntry(text, c, int((cls == -(j + 1)).sum()), "class")
        for j, (text, c) in reversed(list(enumerate(zip(fall_labels, fall_colours, strict=True))))
    ]
    entries.append(LegendEntry("No significant change", palette[middle], int(steady.sum()), "no_change"))
    entries += [
        LegendEntry(text, c, int((cls == j + 1).sum()), "class")
        for j, (text, c) in enumerate(zip(rise_labels, rise_colours, strict=True))
    ]
    hidden_entries = _grey_entries(frame, catalogue, "Change hidden to protect small numbers")
    for entry in hidden_entries:
        if entry.kind == "no_data":
            entries.append(LegendEntry("Not enough data to compare", entry.colour, entry.areas, "no_data"))
        else:
            entries.append(entry)
    return frame, entries


def _min(values: pd.Series, mask: pd.Series) -> float:
    chosen = values[mask]
    return float(chosen.min()) if len(chosen) else 0.0


# ----------------------------------------------------------------------------- hot spots (Getis-Ord Gi*)


@dataclass(frozen=True)
class HotspotResult:
    z: np.ndarray
    category: list[str]  # "hot", "cold" or ""
    confidence: list[float]  # the highest confidence level reached (0 when not significant)


def critical_values(levels: list[float]) -> list[tuple[float, float]]:
    """(confidence, |z| needed) for two-sided tests, highest confidence first."""
    return [(c, float(sps.norm.ppf(1 - (1 - c) / 2))) for c in sorted(levels, reverse=True)]


def gi_star(values: np.ndarray, weights: W, levels: list[float]) -> HotspotResult:
    """Getis-Ord Gi* (binary weights, each area counted with its neighbours) with normal-theory z-scores.

    An area is a hot spot at confidence c when its z-score exceeds the two-sided critical value for c.
    """
    from esda.getisord import G_Local

    result = G_Local(np.asarray(values, dtype=float), weights, transform="B", permutations=0, star=True)
    z = np.asarray(result.Zs, dtype=float)
    thresholds = critical_values(levels)
    categories, confidences = [], []
    for score in z:
        reached = next((c for c, cut in thresholds if np.isfinite(score) and abs(score) >= cut), 0.0)
        categories.append(("hot" if score > 0 else "cold") if reached else "")
        confidences.append(reached)
    return HotspotResult(z, categories, confidences)


def lsoa_weights(dataset: Dataset) -> tuple[list[str], W]:
    """Queen contiguity (sharing a border or a corner) between small areas, in boundary-file order."""

    def build() -> tuple[list[str], W]:
        frame = dataset.boundaries(HOTSPOT_LEVEL).reset_index(drop=True)
        codes = [str(c) for c in frame["code"]]
        weights = Queen.from_dataframe(frame, use_index=False, silence_warnings=True)
        weights = W(
            {codes[i]: [codes[j] for j in nbrs] for i, nbrs in weights.neighbors.items()},
            silence_warnings=True,
        )
        return codes, weights

    return dataset.memo(("lsoa_weights",), build)


def hotspots(dataset: Dataset, model: MapModel) -> pd.DataFrame:
    """Hot and cold spots of the period's values (count or rate) at LSOA level: code, z, category, confidence."""

    def compute() -> pd.DataFrame:
        codes, weights = lsoa_weights(dataset)
        values = model.areas.set_index("code")["value"].reindex(codes)
        usable = [c for c in codes if np.isfinite(values[c])]
        sub = weights if len(usable) == len(codes) else w_subset(weights, usable, silence_warnings=True)
        sub_codes = list(sub.id_order)
        levels = list(dataset.catalogue.thresholds["hotspot_confidence"])
        result = gi_star(values.reindex(sub_codes).to_numpy(), sub, levels)
        return pd.DataFrame(
            {"code": sub_codes, "z": result.z, "category": result.category, "confidence": result.confidence}
        )

    key = ("hotspots", model.indicator.id, model.period, model.measure)
    return dataset.memo(key, compute)


def hotspot_words(category: str, confidence: float) -> str:
    if not category:
        return ""
    kind = "Hot spot: high values cluster here" if category == "hot" else "Cold spot: low values cluster here"
    return f"{kind} ({confidence:.0%} confidence)"


def _with_hotspots(dataset: Dataset, model: MapModel, options: MapOptions) -> MapModel:
    found = hotspots(dataset, model).set_index("code")
    frame = model.areas.copy()
    category = frame["code"].map(found["category"]).fillna("")
    confidence = frame["code"].map(found["confidence"]).fillna(0.0)
    frame["hotspot"] = [hotspot_words(c, p) for c, p in zip(category, confidence, strict=True)]
    frame["tip_hotspot"] = frame["hotspot"]
    frame["hotspot_category"] = category
    frame["hotspot_confidence"] = confidence
    levels = " and ".join(f"{c:.0%}" for c in sorted(dataset.catalogue.thresholds["hotspot_confidence"]))
    what = "rates" if effective_measure(model.indicator, model.measure) == "rate" else "numbers"
    note = (
        f"Hot and cold spots: Getis-Ord Gi* on {what} of {model.indicator.short_label.lower()} in "
        f"{model.period.short_label()}, each small area with the areas that touch it, at {levels} confidence."
    )
    markers = (
        ("Large filled dot", f"hot spot, {max(dataset.catalogue.thresholds['hotspot_confidence']):.0%} confidence"),
        ("Small filled dot", f"hot spot, {min(dataset.catalogue.thresholds['hotspot_confidence']):.0%} confidence"),
        ("Large ring", f"cold spot, {max(dataset.catalogue.thresholds['hotspot_confidence']):.0%} confidence"),
        ("Small ring", f"cold spot, {min(dataset.catalogue.thresholds['hotspot_confidence']):.0%} confidence"),
    )
    legend = Legend(
        model.legend.title, model.legend.unit, model.legend.entries, model.legend.notes, model.legend.markers + markers
    )
    return replace(model, areas=frame, legend=legend, hotspot_note=note)


# ----------------------------------------------------------------------------- geometry


def geometry_json(geometry, decimals: int = COORDINATE_DECIMALS) -> dict:
    """GeoJSON geometry with coordinates rounded (shared borders round the same way, so no gaps open)."""
    snapped = shapely.set_precision(geometry, 10**-decimals)
    shape = mapping(snapped)
    return {"type": shape["type"], "coordinates": _rounded(shape["coordinates"], decimals)}


def _rounded(coordinates, decimals: int):
    if isinstance(coordinates, float | int):
        return round(float(coordinates), decimals)
    return [_rounded(c, decimals) for c in coordinates]


def level_shapes(dataset: Dataset, level: str, hex_view: bool) -> dict[str, dict]:
    """Code -> rounded GeoJSON geometry of every area of the level (real boundaries or hexagons)."""

    def build() -> dict[str, dict]:
        frame = hex_shapes(dataset, level) if hex_view else dataset.boundaries(level)
        return {str(code): geometry_json(geom) for code, geom in zip(frame["code"], frame.geometry, strict=True)}

    return dataset.memo(("map_shapes", level, hex_view), build)


def hex_shapes(dataset: Dataset, level: str) -> gpd.GeoDataFrame:
    """One equal hexagon per area of the level (``saferleeds.present.hexgrid.hex_layout``), remembered."""
    return dataset.memo(
        ("hex_layout", level), lambda: hex_layout(dataset.boundaries(level)[["code", "name", "geometry"]])
    )


def level_points(dataset: Dataset, level: str, hex_view: bool) -> dict[str, list[float]]:
    """Code -> [lon, lat] of a point inside each area (for hot-spot markers)."""

    def build() -> dict[str, list[float]]:
        frame = hex_shapes(dataset, level) if hex_view else dataset.boundaries(level)
        points = frame.geometry.representative_point()
        return {
            str(code): [round(p.x, COORDINATE_DECIMALS), round(p.y, COORDINATE_DECIMALS)]
            for code, p in zip(frame["code"], points, strict=True)
        }

    return dataset.memo(("map_points", level, hex_view), build)


# ----------------------------------------------------------------------------- the deck


class CompactDeck(pdk.Deck):
    """A pydeck Deck whose JSON has no indentation (pydeck indents by two spaces, which doubles map data)."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def map_style() -> str | None:
    """A basemap style URL (MapLibre/Mapbox GL style JSON naming its tile server) from the environment.

    Unset by default: no basemap and no request leaves the machine.
    """
    value = os.environ.get(MAP_STYLE_VARIABLE, "").strip()
    return value or None


def city_centre(dataset: Dataset) -> tuple[float, float]:
    def compute() -> tuple[float, float]:
        xmin, ymin, xmax, ymax = dataset.boundaries("city").total_bounds
        return round((ymin + ymax) / 2, 4), round((xmin + xmax) / 2, 4)

    return dataset.memo(("city_centre",), compute)


def initial_view(dataset: Dataset, resets: int = 0) -> pdk.ViewState:
    """The whole-city view. It is the same on every rerun (so the browser keeps the user's zoom and
    centre); each reset nudges every number by a hair, which the browser applies as a new view."""
    latitude, longitude = city_centre(dataset)
    nudge = resets * 1e-6
    return pdk.ViewState(
        latitude=latitude + nudge, longitude=longitude + nudge, zoom=WHOLE_CITY_ZOOM + nudge, pitch=0, bearing=0
    )


def feature_order(codes: list[str], selected: str | None, clicked_index: int | None) -> list[str]:
    """Codes in map order: by code, except that the selected area sits where the map's own selection points.

    The chart remembers a click as a position in the layer's data, so putting the area chosen
    elsewhere (the select box, the URL) at that position keeps the map's highlight on the right area.
    """
    order = sorted(codes)
    if selected in order and clicked_index is not None and 0 <= clicked_index < len(order):
        here = order.index(selected)
        order[here], order[clicked_index] = order[clicked_index], order[here]
    return order


def tooltip_text(text: object) -> str:
    """Text for the tooltip's HTML template: names from uploaded files can open no tag ('<5' stays as it is)."""
    return re.sub(r"<(?=[A-Za-z/!?])", "&lt;", str(text).replace("&", "&amp;"))


def area_features(dataset: Dataset, model: MapModel, order: list[str]) -> list[dict]:
    """One GeoJSON feature per area, in ``order``: only the code, the fill colour and the tooltip lines."""
    shapes = level_shapes(dataset, model.level, model.options.hex_view)
    columns = ["code", "colour", *(f"tip_{name}" for name in TOOLTIP_FIELDS)]
    rows = {row[0]: row for row in model.areas[columns].itertuples(index=False, name=None)}
    features = []
    for code in order:
        if code not in shapes or code not in rows:
            continue
        row = rows[code]
        properties = {"code": code, "fill": hex_to_rgba(row[1])}
        properties.update({name: tooltip_text(text) for name, text in zip(TOOLTIP_FIELDS, row[2:], strict=True)})
        features.append({"type": "Feature", "properties": properties, "geometry": shapes[code]})
    return features


def outline_features(dataset: Dataset, level: str) -> list[dict]:
    shapes = level_shapes(dataset, level, False)
    return [{"type": "Feature", "properties": {}, "geometry": shapes[code]} for code in sorted(shapes)]


def hotspot_points(dataset: Dataset, model: MapModel) -> list[dict]:
    if "hotspot_category" not in model.areas.columns:
        return []
    points = level_points(dataset, model.level, model.options.hex_view)
    top = max(dataset.catalogue.thresholds["hotspot_confidence"])
    chosen = model.areas[model.areas["hotspot_category"] != ""]
    return [
        {"position": points[code], "hot": category == "hot", "r": 160 if confidence >= top else 90}
        for code, category, confidence in zip(
            chosen["code"], chosen["hotspot_category"], chosen["hotspot_confidence"], strict=True
        )
        if code in points
    ]


def _outline_layer(layer_id: str, features: list[dict], colour: str, width: float, dashed: bool) -> pdk.Layer:
    extra = {}
    if dashed:
        extra = {
            "extensions": [{"@@type": "PathStyleExtension", "dash": True}],
            "get_dash_array": [3, 2],
            "dash_justified": True,
        }
    return pdk.Layer(
        "GeoJsonLayer",
        data=features,
        id=layer_id,
        filled=False,
        stroked=True,
        pickable=False,
        get_line_color=hex_to_rgba(colour, 255),
        line_width_units=PIXELS,
        get_line_width=width,
        **extra,
    )


def build_deck(
    dataset: Dataset,
    model: MapModel,
    selected: str | None = None,
    clicked_index: int | None = None,
    resets: int = 0,
    style: str | None = None,
) -> CompactDeck:
    """The pydeck map: the areas (or hexagons), reference outlines, hot spots and the selected area.

    Layer ids are stable (see ``area_layer_id`` and the LAYER_* names); only the area layer is
    clickable. No basemap is requested unless ``style`` names one.
    """
    palettes = dataset.catalogue.palettes
    codes = list(model.areas["code"])
    order = feature_order(codes, selected, clicked_index)
    layers = [
        pdk.Layer(
            "GeoJsonLayer",
            data=area_features(dataset, model, order),
            id=model.layer_id,
            pickable=True,
            filled=True,
            stroked=True,
            get_fill_color="properties.fill",
            get_line_color=BORDER_ON_CHANGE if model.options.show == "change" else BORDER,
            line_width_units=PIXELS,
            get_line_width=0.5 if model.level == "lsoa" else 1,
            auto_highlight=True,
            highlight_color=[255, 255, 255, 90],
        )
    ]
    for level in model.drawn_outlines:
        layers.append(
            _outline_layer(
                LAYER_OUTLINE[level],
                outline_features(dataset, level),
                palettes[f"outline_{level}"],
                2.5 if level == "neighbourhood" else 2,
                dashed=level == "neighbourhood",
            )
        )
    points = hotspot_points(dataset, model)
    if points:
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                data=points,
                id=LAYER_HOTSPOTS,
                pickable=False,
                filled=True,
                stroked=True,
                get_radius="r",  # metres, so markers of neighbouring small areas part as the map zooms in
                radius_min_pixels=2,
                radius_max_pixels=14,
                get_position="position",
                get_fill_color=f"hot ? {hex_to_rgba(palettes['hot_spot'], 235)} : [255, 255, 255, 235]",
                get_line_color=hex_to_rgba(palettes["cold_spot"], 255),
                line_width_units=PIXELS,
                get_line_width=1.5,
            )
        )
    shapes = level_shapes(dataset, model.level, model.options.hex_view)
    if selected in shapes:
        chosen = [{"type": "Feature", "properties": {}, "geometry": shapes[selected]}]
        layers.append(_outline_layer(LAYER_SELECTED_HALO, chosen, "#ffffff", 6, dashed=False))
        layers.append(_outline_layer(LAYER_SELECTED, chosen, palettes["selected"], 3, dashed=False))
    view = pdk.View("MapView", controller={"dragRotate": False, "touchRotate": False, "doubleClickZoom": True})
    basemap = {"map_provider": None}  # no basemap: nothing is fetched from outside
    if style:
        basemap = {"map_style": style, "map_provider": "mapbox" if "mapbox" in style else "carto"}
    return CompactDeck(
        layers=layers, views=[view], initial_view_state=initial_view(dataset, resets), tooltip=TOOLTIP, **basemap
    )


def deck_bytes(deck: pdk.Deck) -> int:
    """Bytes of map data the page sends for a deck: its JSON and its tooltip template."""
    return len(deck.to_json().encode("utf-8")) + len(json.dumps(TOOLTIP).encode("utf-8"))


def selected_code(selection: dict | None) -> tuple[str | None, int | None, str | None]:
    """(area code, position in the layer, layer id) of the area clicked on the map, from the chart's state."""
    if not selection:
        return None, None, None
    chosen = selection.get("selection", selection)
    objects = chosen.get("objects", {}) or {}
    indices = chosen.get("indices", {}) or {}
    for layer_id, items in objects.items():
        if is_area_layer(layer_id) and items:
            properties = items[0].get("properties", items[0])
            position = (indices.get(layer_id) or [None])[0]
            return properties.get("code"), position, layer_id
    return None, None, None


# ----------------------------------------------------------------------------- legend, panel and table


def legend_html(legend: Legend, catalogue: Catalogue, outlines: tuple[str, ...] = ()) -> str:
    """The legend beside the map: a swatch, the class bounds with units and the number of areas."""
    rows = []
    for entry in legend.entries:
        swatch = (
            f'<span style="display:inline-block;width:1.1em;height:1.1em;margin-right:.45em;vertical-align:-.2em;'
            f'background:{entry.colour};border:1px solid #969696"></span>'
        )
        count = f'<span style="color:#636363"> ({entry.areas})</span>'
        rows.append(f"<li>{swatch}{html.escape(entry.label)}{count}</li>")
    for level in outlines:
        colour = catalogue.palettes[f"outline_{level}"]
        style = "dashed" if level == "neighbourhood" else "solid"
        line = (
            f'<span style="display:inline-block;width:1.1em;height:0;margin-right:.45em;vertical-align:.25em;'
            f'border-top:3px {style} {colour}"></span>'
        )
        name = "Priority neighbourhood" if level == "neighbourhood" else "Community committee area"
        rows.append(f"<li>{line}{name} outline</li>")
    for symbol, meaning in legend.markers:
        rows.append(f"<li>{_marker_swatch(symbol, catalogue)}{html.escape(sentence_case(meaning))}</li>")
    notes = "".join(
        f'<p style="margin:.3em 0 0;font-size:.8em;color:#525252">{html.escape(n)}</p>' for n in legend.notes
    )
    return (
        f'<div role="group" aria-label="Map legend"><p style="margin:0 0 .3em;font-weight:600">'
        f"{html.escape(legend.title)}</p>"
        f'<ul style="list-style:none;padding:0;margin:0;font-size:.9em;line-height:1.6">{"".join(rows)}</ul>{notes}'
        "<p style='margin:.3em 0 0;font-size:.8em;color:#525252'>Numbers in brackets: areas in each class.</p></div>"
    )


def _marker_swatch(symbol: str, catalogue: Catalogue) -> str:
    size = "0.95em" if symbol.startswith("Large") else "0.6em"
    fill = catalogue.palettes["hot_spot"] if "filled" in symbol else "#ffffff"
    border = catalogue.palettes["cold_spot"]
    return (
        f'<span aria-hidden="true" style="display:inline-block;width:{size};height:{size};border-radius:50%;'
        f'margin:0 .45em 0 .1em;background:{fill};border:1.5px solid {border};vertical-align:-.1em"></span>'
    )


@dataclass(frozen=True)
class AreaPanel:
    code: str
    name: str
    level_label: str
    headline: str
    facts: tuple[tuple[str, str], ...]
    modelled: bool


def area_panel(model: MapModel, code: str) -> AreaPanel | None:
    """Key figures of one area of the map, in plain English (None if the area is not on this map)."""
    rows = model.areas[model.areas["code"] == code]
    if rows.empty:
        return None
    row = rows.iloc[0]
    facts = [
        ("Status", str(row["tip_status"])),
        ("Rank", str(row["tip_rank"]) or "Not ranked"),
        ("Change on a year earlier", str(row["tip_change"])),
        ("Compared with Leeds", sentence_case(str(row["verdict"]))),
    ]
    if row.get("hotspot"):
        facts.append(("Hot spot analysis", str(row["hotspot"])))
    if np.isfinite(row["population"]):
        facts.append(("Residents (mid-2015)", f"{row['population']:,.0f}"))
    return AreaPanel(
        code=code,
        name=str(row["name"]),
        level_label=model.level_label,
        headline=f"{model.indicator.short_label}: {row['display']}",
        facts=tuple(facts),
        modelled=bool(row["modelled"]),
    )


def table_frame(model: MapModel) -> pd.DataFrame:
    """The map's numbers as a table: nothing on the map is only a colour. Hidden numbers stay hidden.

    Areas are in name order; an "ONS code" column is given where the codes are official ones.
    """
    areas = model.areas.sort_values("name", kind="stable").reset_index(drop=True)
    value = areas["value"].where(~areas["suppressed"])
    decimals, _ = value_format(model.indicator, model.measure)
    value = value.round().astype("Int64") if decimals == 0 else value.round(decimals + 1)
    change = change_values(areas).where(~areas["change_hidden"])
    frame = pd.DataFrame(
        {
            "Area": areas["name"],
            "ONS code": areas["code"],
            "Value": value,
            "Shown as": areas["display"],
            "Map class": areas["class_label"],
            "Rank (1 = highest)": areas["rank"].where(~areas["suppressed"]).astype("Int64"),
            "Change (%)" if model.indicator.unit != "percent" else "Change (points)": change.round(1),
            "Change on a year earlier": areas["tip_change"],
            "Compared with Leeds": [sentence_case(str(v)) for v in areas["verdict"]],
            "Status": areas["tip_status"],
        }
    )
    if model.level == HOTSPOT_LEVEL and "hotspot_category" in areas.columns:
        frame["Hot spot analysis"] = areas["hotspot"].replace("", "Not significant")
    if model.level not in ONS_CODE_LEVELS:
        frame = frame.drop(columns="ONS code")  # committee and neighbourhood codes are this project's own
    return frame


def table_hidden(model: MapModel) -> pd.Series:
    """Which rows of ``table_frame`` hide a small number."""
    return model.areas.sort_values("name", kind="stable")["suppressed"].reset_index(drop=True)


def table_for_download(model: MapModel) -> pd.DataFrame:
    """The table as it leaves the page: a hidden small number is written '<5', never as its value."""
    frame = table_frame(model)
    hidden = table_hidden(model)
    frame["Value"] = frame["Value"].astype(object).where(~hidden, frame["Shown as"])
    return frame


def map_description(model: MapModel) -> str:
    """What the map shows, in one sentence (its text alternative)."""
    shape = "equal hexagons, one for each of the" if model.options.hex_view else "a map of the"
    what = (
        f"the change in {model.indicator.label.lower()} on the same months a year earlier"
        if model.options.show == "change"
        else f"{model.indicator.label.lower()} ({model.legend.unit})"
    )
    classes = sum(entry.kind == "class" for entry in model.legend.entries)
    return (
        f"Leeds as {shape} {len(model.areas)} {model.level_plural.lower()}, each coloured by {what}, "
        f"{model.period.label()}, in {classes} colour classes that the legend names with their bounds; "
        "every area's numbers are in the table below the map."
    )


def can_print(model: MapModel) -> bool:
    """True when some area has a value that may be shown, so a printable map has something to colour."""
    areas = model.areas
    return bool((areas["value"].notna() & ~areas["suppressed"].astype(bool)).any())
