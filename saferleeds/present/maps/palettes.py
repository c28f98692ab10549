"""ColorBrewer palettes chosen by an indicator's polarity, and colours as pydeck reads them."""

from __future__ import annotations

import numpy as np

from saferleeds.core.catalogue import Catalogue, Indicator

FILL_ALPHA = 235


def hex_to_rgba(colour: str, alpha: int = FILL_ALPHA) -> list[int]:
    colour = colour.lstrip("#")
    return [int(colour[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def value_palette(catalogue: Catalogue, indicator: Indicator) -> list[str]:
    """Sequential palette (light to dark) by polarity: Reds for worse, Greens for better, Purples for context."""
    return catalogue.palettes.for_values(indicator.polarity)


def change_palette(catalogue: Catalogue, indicator: Indicator) -> list[str]:
    """Diverging palette, biggest fall first, no significant change in the middle, biggest rise last.

    A rise is drawn red when higher is worse and blue when higher is better; context indicators
    (where more reporting can be good) get a palette that says neither good nor bad.
    """
    if indicator.polarity == "context":
        return list(catalogue.palettes.change_context)
    colours = list(catalogue.palettes.change)
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
