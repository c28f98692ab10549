"""The map's legend (pydeck draws none): class bounds in words, swatches and markers."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np

from saferleeds.analysis.measures import effective_measure
from saferleeds.core.catalogue import Catalogue, Indicator
from saferleeds.core.text import sentence_case


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
            low_text, high_text = number_text(lower, decimals), number_text(upper, decimals)
            text = high_text if low_text == high_text else f"{low_text} to {high_text}"
            lower = upper
        labels.append(f"{text}{suffix}")
    return labels


def value_format(indicator: Indicator, measure: str) -> tuple[int, str]:
    """Decimals and label suffix for values of the indicator in the measure."""
    unit = effective_measure(indicator, measure)
    if unit == "percent":
        return 1, "%"
    if unit == "rate":
        return 1, f" {indicator.rates.words}"
    return 0, ""


def change_format(indicator: Indicator) -> tuple[int, str]:
    return (1, " percentage points") if indicator.unit == "percent" else (0, "%")


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
    for level_id in outlines:
        level = catalogue.level(level_id)
        outline = level.outline
        if outline is None:
            continue
        style = "dashed" if outline.dashed else "solid"
        line = (
            f'<span style="display:inline-block;width:1.1em;height:0;margin-right:.45em;vertical-align:.25em;'
            f'border-top:3px {style} {outline.colour}"></span>'
        )
        rows.append(f"<li>{line}{html.escape(level.label)} outline</li>")
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
    fill = catalogue.palettes.hot_spot if "filled" in symbol else "#ffffff"
    border = catalogue.palettes.cold_spot
    return (
        f'<span aria-hidden="true" style="display:inline-block;width:{size};height:{size};border-radius:50%;'
        f'margin:0 .45em 0 .1em;background:{fill};border:1.5px solid {border};vertical-align:-.1em"></span>'
    )
