"""What a board pack holds: the request, its pictures, one section per indicator, and the pack itself.

Plain data shared by the code that assembles a pack (``board_pack``), the pages it is laid out on
(``pages``) and the writers (``pdf``, ``powerpoint``), so none of them needs to import another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import pandas as pd

from saferleeds.analysis.overview import Figure
from saferleeds.core.catalogue import Indicator, Priority
from saferleeds.core.geography import slugify
from saferleeds.core.periods import Period
from saferleeds.present.export import render
from saferleeds.present.export.sentences import comparison_words

Progress = Callable[[int, int, str], None]
FORMATS = {
    "pptx": ("PowerPoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "pdf": ("PDF", "application/pdf"),
    "xlsx": ("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": ("CSV (zip)", "application/zip"),
}
FILE_EXTENSIONS = {"pptx": "pptx", "pdf": "pdf", "xlsx": "xlsx", "csv": "zip"}
DEFAULT_LEVEL = "ward"


@dataclass(frozen=True)
class PackRequest:
    """What to put in a pack: an area (None for all of Leeds), a period and the indicators."""

    area: str | None
    period: Period
    indicators: tuple[str, ...]
    measure: str = "count"
    level: str = DEFAULT_LEVEL  # areas mapped and tabled when the pack is for all of Leeds


@dataclass(frozen=True)
class Picture:
    """A chart or map drawn once for the pack, as SVG; the PNG (for slides and the screen) is made from it.

    ``description`` is the picture's alternative text, the same words on screen, in the PDF and on the slide.
    """

    svg: bytes = field(repr=False)
    description: str
    chart: dict = field(repr=False, compare=False)  # the Vega-Lite spec, for PNG and SVG downloads
    width: float = 0.0  # layout size in points (the SVG's own width and height)
    height: float = 0.0
    slide_png: bytes | None = field(default=None, repr=False, compare=False)  # made with the SVG, if it was

    @cached_property
    def png(self) -> bytes:
        return self.slide_png if self.slide_png is not None else render.png_from_svg(self.svg, render.SLIDE_SCALE)

    @property
    def size(self) -> tuple[float, float]:
        return self.width, self.height


@dataclass(frozen=True)
class Section:
    """One indicator's part of the pack."""

    indicator: Indicator
    priority: Priority
    unit_words: str
    area: Figure | None  # None when the pack is for all of Leeds
    leeds: Figure
    headline: str  # the sentence that matters, said first
    sentences: tuple[str, ...]  # the rest, in order
    status: str  # of the pack's area (or Leeds), in words: 'recorded', 'partly modelled (…)', 'modelled'
    trend: Picture | None
    map: Picture | None
    map_note: str  # why there is no map, when there is none
    table_level: str

    @property
    def heading(self) -> str:
        """The priority and the units, in a line under the indicator's name."""
        rates = self.indicator.rates.with_population
        if self.indicator.unit != "count":
            units = f"Figures: {self.unit_words}"
        elif self.unit_words == "number":
            drawn = "charts and maps show" if self.area is not None and self.area.available else "maps show"
            units = f"Figures are numbers in the period; {drawn} rates {rates}"
        else:
            units = f"Figures, charts and maps are rates {self.unit_words}"
        return f"{self.priority.short}: {self.priority.label}. {units}."

    @property
    def status_line(self) -> str:
        notes = [
            note
            for word, note in (
                ("estimated", " Estimated figures are shared out from recorded totals."),
                ("modelled", " Modelled figures are not recorded data."),
            )
            if word in self.status
        ]
        return f"Status: {self.status}.{''.join(notes)}"

    @property
    def pictures(self) -> tuple[Picture, ...]:
        return tuple(p for p in (self.trend, self.map) if p is not None)


@dataclass(frozen=True)
class BoardPack:
    request: PackRequest
    area_code: str
    area_name: str
    level: str
    level_noun: str  # 'ward', 'community committee area'; 'city' for Leeds
    created: date
    sections: tuple[Section, ...]
    tables: dict[str, pd.DataFrame]
    notes: dict[str, Sequence[str]]
    modelled_note: str
    sources: tuple[str, ...]  # where the numbers, boundaries and populations come from
    change_colours: dict[str, str] = field(default_factory=dict)  # worse, better, neutral

    @property
    def title(self) -> str:
        return f"Safer Leeds board pack: {self.area_name}"

    @property
    def subtitle(self) -> str:
        return f"{self.request.period.label()}, compared with {comparison_words(self.request.period)}"

    @property
    def pictures(self) -> tuple[Picture, ...]:
        return tuple(p for section in self.sections for p in section.pictures)

    def monthly_rows(self, section: Section) -> pd.DataFrame:
        """The monthly figures of one section (the numbers of its trend chart)."""
        monthly = self.tables["Monthly"]
        if monthly.empty:
            return monthly
        return monthly[monthly["Indicator"] == section.indicator.label].reset_index(drop=True)

    def area_rows(self, section: Section) -> pd.DataFrame:
        """Every area's figures for one section (the numbers of its map)."""
        return self.tables.get(section.indicator.short_label, pd.DataFrame())

    def file_name(self, fmt: str) -> str:
        period = self.request.period
        return (
            f"safer-leeds-board-pack-{slugify(self.area_name) or 'area'}-"
            f"{period.start:%Y-%m}-to-{period.end:%Y-%m}.{FILE_EXTENSIONS[fmt]}"
        )
