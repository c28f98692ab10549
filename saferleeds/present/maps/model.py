"""The map model: one indicator's areas classified, coloured and described for one level and period."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from saferleeds.analysis.area_summary import summarise
from saferleeds.analysis.disclosure import WITHHELD
from saferleeds.analysis.measures import effective_measure, measure_label
from saferleeds.core.catalogue import Catalogue, Indicator
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period
from saferleeds.core.text import sentence_case
from saferleeds.core.vocabulary import DisclosureRule, Statuses
from saferleeds.present.maps.classes import (
    CLASSIFICATIONS,
    DEFAULT_CLASSIFICATION,
    NO_CHANGE,
    NO_DATA,
    SUPPRESSED,
    classify,
)
from saferleeds.present.maps.legend import Legend, LegendEntry, change_format, class_labels, value_format
from saferleeds.present.maps.palettes import change_palette, spread, value_palette

SHOW_OPTIONS = {"value": "The value", "change": "Change on the year before"}


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
    ons_codes: bool = False  # the level's codes are official ONS codes (shown in the table)

    @property
    def layer_id(self) -> str:
        return area_layer_id(self.level, self.options.hex_view)

    @property
    def drawn_outlines(self) -> tuple[str, ...]:
        """Reference outlines drawn: none on the hex map, and never a level's own boundaries."""
        if self.options.hex_view:
            return ()
        return tuple(level for level in self.options.outlines if level != self.level)


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


def status_text(status: str, statuses: Statuses) -> str:
    """How the figure was made, said so plainly on every tooltip, panel and table row ('Modelled, not
    recorded'; 'Partly modelled (3 of 12 months)')."""
    return statuses.in_words(status) if status in statuses.ids else sentence_case(status)


def change_suppressed(frame: pd.DataFrame, indicator: Indicator, level: str, rule: DisclosureRule) -> pd.Series:
    """Areas whose change would reveal a hidden small number (either period's count is hidden or withheld)."""
    return frame["change_withheld"].astype(bool).set_axis(frame.index)


def map_model(
    dataset: Dataset, indicator_id: str, level: str, period: Period, measure: str, options: MapOptions
) -> MapModel:
    """The classified, coloured and described areas of one map (remembered per dataset version)."""
    key = ("map_model", indicator_id, level, period, measure, options.show, options.classification)
    model = dataset.memo(
        key, lambda: _map_model(dataset, indicator_id, level, period, measure, options.show, options.classification)
    )
    if options.hotspots and level == dataset.catalogue.levels.finest and model.available:
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
    k = thresholds.map_classes
    if show == "change":
        frame, entries = _change_classes(frame, catalogue, indicator, level, classification, k)
        unit = "change in percentage points" if indicator.unit == "percent" else "% change"
        title = f"{indicator.short_label}: change on the same months a year earlier"
        tested = int(frame["p_value"].notna().sum())
        notes: tuple[str, ...] = (
            "Only significant changes are coloured by size; 'no significant change' means the data cannot tell "
            "the change from chance, not that nothing changed.",
            f"With {tested} {level_info.plural} tested at once, a change is significant only when it holds up "
            f"after allowing for them all (false discovery rate {thresholds.false_discovery_rate:.0%}, "
            f"Benjamini–Hochberg). Sizes are grouped by {CLASSIFICATIONS[classification].lower()}.",
        )
    else:
        frame, entries = _value_classes(frame, catalogue, indicator, level, measure, classification, k)
        unit = measure_label(indicator, measure)
        title = f"{indicator.short_label}, {unit}"
        notes = (f"Classes: {CLASSIFICATIONS[classification].lower()}.",)
    _add_tooltip_lines(frame, indicator, level_info.label, level_info.plural, catalogue.statuses)
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
        ons_codes=level_info.ons_codes,
    )


def _add_tooltip_lines(
    frame: pd.DataFrame, indicator: Indicator, level_label: str, plural: str, statuses: Statuses
) -> None:
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
            frame["change_words_fdr"], frame["judgement_fdr"], frame["change_hidden"], strict=True
        )
    ]
    frame["tip_status"] = [status_text(s, statuses) for s in frame["status"]]
    frame["tip_hotspot"] = ""
    frame["hotspot"] = ""


def _grey_entries(frame: pd.DataFrame, catalogue: Catalogue, hidden_label: str) -> list[LegendEntry]:
    """Legend entries for the greys: hidden small numbers, withheld counts and no data."""
    entries = []
    grey = (frame["class"] == SUPPRESSED).to_numpy()
    withheld = grey & _withheld(frame)
    for label, count in (
        (hidden_label, int((grey & ~withheld).sum())),
        (_withheld_label(catalogue), int(withheld.sum())),
    ):
        if count:
            entries.append(LegendEntry(label, catalogue.palettes.suppressed, count, "suppressed"))
    missing = int((frame["class"] == NO_DATA).sum())
    if missing:
        entries.append(LegendEntry("No data", catalogue.palettes.no_data, missing, "no_data"))
    return entries


def _withheld(frame: pd.DataFrame) -> np.ndarray:
    if "disclosure" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return (frame["disclosure"] == WITHHELD).to_numpy()


def _withheld_label(catalogue: Catalogue) -> str:
    rule = catalogue.disclosure
    return (
        f"{sentence_case(rule.withheld_as)}: not shown, so that small numbers cannot be worked out "
        f"(at this level counts are shown for {rule.period_months} months at a time)"
    )


def _hidden_label(catalogue: Catalogue) -> str:
    rule = catalogue.disclosure
    return f"{rule.shown_as}: fewer than {rule.below}, not shown to protect people"


def _value_classes(
    frame: pd.DataFrame, catalogue: Catalogue, indicator: Indicator, level: str, measure: str, method: str, k: int
) -> tuple[pd.DataFrame, list[LegendEntry]]:
    shown = frame["value"].where(~frame["suppressed"])
    classes = classify(shown.to_numpy(), method, k)
    colours = spread(value_palette(catalogue, indicator), len(classes.bins), first=1)
    frame["shown"] = shown
    frame["class"] = np.where(frame["suppressed"], SUPPRESSED, classes.index)
    frame["change_hidden"] = change_suppressed(frame, indicator, level, catalogue.disclosure)
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
    frame.loc[(frame["class"] == SUPPRESSED).to_numpy() & _withheld(frame), "class_label"] = _withheld_label(catalogue)
    return frame, entries + _grey_entries(frame, catalogue, _hidden_label(catalogue))


def _colour_of(cls: int, colours: list[str], catalogue: Catalogue) -> str:
    if cls == SUPPRESSED:
        return catalogue.palettes.suppressed
    if cls == NO_DATA:
        return catalogue.palettes.no_data
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
    hidden = change_suppressed(frame, indicator, level, catalogue.disclosure)
    frame["change_hidden"] = hidden
    change = change_values(frame).where(~hidden)
    direction = frame["change_direction_fdr"]  # every area of the map is tested at once
    known = change.notna() & direction.isin(["up", "down", "none"])
    rising = known & (direction == "up")
    falling = known & (direction == "down")
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

    colour = pd.Series(catalogue.palettes.no_data, index=frame.index)
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
    colour[hidden], label[hidden], cls[hidden] = catalogue.palettes.suppressed, _hidden_label(catalogue), SUPPRESSED
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


def hotspot_words(category: str, confidence: float) -> str:
    if not category:
        return ""
    kind = "Hot spot: high values cluster here" if category == "hot" else "Cold spot: low values cluster here"
    return f"{kind} ({confidence:.0%} confidence)"


def _with_hotspots(dataset: Dataset, model: MapModel, options: MapOptions) -> MapModel:
    # Imported here: the spatial-weights libraries take a second to load, and only hot spots need them.
    from saferleeds.analysis.hotspots import hotspots

    values = model.areas.set_index("code")["value"]
    found = hotspots(dataset, model.indicator.id, model.period, model.measure, values).set_index("code")
    frame = model.areas.copy()
    category = frame["code"].map(found["category"]).fillna("")
    confidence = frame["code"].map(found["confidence"]).fillna(0.0)
    frame["hotspot"] = [hotspot_words(c, p) for c, p in zip(category, confidence, strict=True)]
    frame["tip_hotspot"] = frame["hotspot"]
    frame["hotspot_category"] = category
    frame["hotspot_confidence"] = confidence
    levels = " and ".join(f"{c:.0%}" for c in sorted(dataset.catalogue.thresholds.hotspot_confidence))
    what = "rates" if effective_measure(model.indicator, model.measure) == "rate" else "numbers"
    note = (
        f"Hot and cold spots: Getis-Ord Gi* on {what} of {model.indicator.short_label.lower()} in "
        f"{model.period.short_label()}, each small area with the areas that touch it, at {levels} confidence "
        "after allowing for every small area being tested at once (false discovery rate, Benjamini–Hochberg)."
    )
    markers = (
        ("Large filled dot", f"hot spot, {max(dataset.catalogue.thresholds.hotspot_confidence):.0%} confidence"),
        ("Small filled dot", f"hot spot, {min(dataset.catalogue.thresholds.hotspot_confidence):.0%} confidence"),
        ("Large ring", f"cold spot, {max(dataset.catalogue.thresholds.hotspot_confidence):.0%} confidence"),
        ("Small ring", f"cold spot, {min(dataset.catalogue.thresholds.hotspot_confidence):.0%} confidence"),
    )
    legend = Legend(
        model.legend.title, model.legend.unit, model.legend.entries, model.legend.notes, model.legend.markers + markers
    )
    return replace(model, areas=frame, legend=legend, hotspot_note=note)
