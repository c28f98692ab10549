"""The vocabularies every page shares, read from the catalogue into typed objects.

Geography levels (and what each nests in), statuses (how a number was made, and how it is drawn), the
disclosure rule, the rate base, thresholds and palettes are declared once, in ``data/catalogue.toml``.
Code asks these objects; it never spells out a level, a status style or a threshold of its own.
Reading them from the file is ``saferleeds.core.vocabulary_reading``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

POLARITIES = ("higher_is_worse", "higher_is_better", "context")
RECORDED = "recorded"  # the status of published data, and of uploaded values that name none
ESTIMATED = "estimated"  # the status of values shared out from recorded totals at a coarser level
MODELLED = "modelled"  # the status the documented generator gives its values


# ----------------------------------------------------------------------------- geography levels


@dataclass(frozen=True)
class Outline:
    """How a level is drawn when its boundaries are laid over another level's map."""

    colour: str
    width: float = 2.0
    dashed: bool = False


@dataclass(frozen=True)
class Level:
    """One kind of area. Every level except LSOA and the city is built from LSOAs: its ``areas_file``
    names each area (columns ``<id>_code`` and ``<id>_name``, other ``code_*`` columns being older codes
    of the same area) and gives each LSOA its area, either by an ``<id>_code`` column of
    ``geo/lsoa_lookup.csv`` or by an ``lsoa_code`` column of its own."""

    id: str
    label: str
    plural: str
    noun: str
    description: str
    areas_file: str = ""
    nests_in: tuple[str, ...] = ()
    ons_codes: bool = False
    on_map: bool = True
    menu_order: int = 0
    profiles: bool = False
    profile_members: str = ""
    synonyms: tuple[str, ...] = ()
    outline: Outline | None = None

    @property
    def code_column(self) -> str:
        return f"{self.id}_code"

    @property
    def name_column(self) -> str:
        return f"{self.id}_name"


@dataclass(frozen=True)
class Levels:
    """The levels, finest first (LSOA first, the city last)."""

    items: tuple[Level, ...]

    def __iter__(self) -> Iterator[Level]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, level_id: object) -> bool:
        return any(level.id == level_id for level in self.items)

    def get(self, level_id: str) -> Level:
        for level in self.items:
            if level.id == level_id:
                return level
        raise KeyError(f"unknown level '{level_id}'")

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(level.id for level in self.items)

    @property
    def finest(self) -> str:
        return self.items[0].id

    @property
    def city(self) -> str:
        return self.items[-1].id

    @property
    def area_levels(self) -> tuple[str, ...]:
        """Levels built from LSOAs with an areas file of their own (not LSOA, not the city)."""
        return tuple(level.id for level in self.items if level.areas_file)

    @property
    def map_levels(self) -> tuple[str, ...]:
        """Levels offered in the Area type filter, in the catalogue's menu order."""
        chosen = sorted((level for level in self.items if level.on_map), key=lambda level: level.menu_order)
        return tuple(level.id for level in chosen)

    @property
    def profile_levels(self) -> tuple[str, ...]:
        return tuple(level.id for level in self.items if level.profiles)

    @property
    def outline_levels(self) -> tuple[str, ...]:
        return tuple(level.id for level in self.items if level.outline is not None)

    @property
    def ons_code_levels(self) -> tuple[str, ...]:
        return tuple(level.id for level in self.items if level.ons_codes)

    def nests_in(self, level_id: str) -> tuple[str, ...]:
        """The coarser levels every area of ``level_id`` lies inside: those the catalogue declares, and the
        city; small areas (LSOAs) lie inside an area of every level, because every area is built from them."""
        if level_id == self.finest:
            return self.ids[1:]
        declared = self.get(level_id).nests_in
        city = () if level_id == self.city or self.city in declared else (self.city,)
        return (*declared, *city)

    def nests(self, finer: str, coarser: str) -> bool:
        """True when every area of ``finer`` lies wholly inside one area of ``coarser`` (or they are the same)."""
        return finer == coarser or coarser in self.nests_in(finer)

    def rank(self, level_id: str) -> int:
        return self.ids.index(level_id)

    def from_word(self, text: str) -> str | None:
        """The level a person's word names ('Ward', 'community committee area', 'msoa'), or None."""
        cleaned = " ".join(str(text).strip().lower().replace("_", " ").split())
        for level in self.items:
            words = {level.id, level.label.lower(), level.noun.lower(), level.plural.lower(), *level.synonyms}
            if cleaned in {" ".join(w.replace("_", " ").split()) for w in words}:
                return level.id
        return None

    def describe_choices(self) -> str:
        return ", ".join(self.ids)


# ----------------------------------------------------------------------------- statuses


@dataclass(frozen=True)
class Status:
    """How a number was made, and how charts, tables and exports show it."""

    id: str
    label: str  # in charts' legends and tables: 'Modelled (estimate)'
    in_words: str  # in tooltips and panels: 'Modelled, not recorded'
    meaning: str
    dash: tuple[int, int]
    fill: str


@dataclass(frozen=True)
class Statuses:
    """The statuses in order of trust: a figure built from several is as weak as its weakest part."""

    items: tuple[Status, ...]

    def __iter__(self) -> Iterator[Status]:
        return iter(self.items)

    def get(self, status_id: str) -> Status:
        for status in self.items:
            if status.id == status_id:
                return status
        raise KeyError(f"unknown status '{status_id}'")

    @cached_property
    def ids(self) -> tuple[str, ...]:
        return tuple(status.id for status in self.items)

    @cached_property
    def _ranks(self) -> dict[str, int]:
        return {status.id: number for number, status in enumerate(self.items)}

    def ranks(self, statuses: pd.Series) -> pd.Series:
        """The rank of every status in a column (0 the most trusted; unknown words rank below all)."""
        codes, uniques = pd.factorize(statuses)
        unknown = len(self.items)
        lookup = np.array([self._ranks.get(str(u), unknown) for u in uniques] + [unknown], dtype=np.int64)
        return pd.Series(lookup[codes], index=statuses.index)

    @property
    def strongest(self) -> str:
        return self.items[0].id

    def label(self, status_id: str) -> str:
        return self.get(status_id).label if status_id in self.ids else str(status_id)

    def in_words(self, status_id: str) -> str:
        return self.get(status_id).in_words if status_id in self.ids else str(status_id)

    def dash(self, status_id: str) -> list[int]:
        return list(self.get(status_id).dash)

    def rank(self, status_id: str) -> int:
        return self._ranks.get(status_id, len(self.items))

    def weakest(self, statuses: Iterable[str]) -> str:
        """The weakest status among these (the strongest when there are none)."""
        present = {str(s) for s in statuses if isinstance(s, str)}
        for status in reversed(self.items):
            if status.id in present:
                return status.id
        return self.strongest


# ----------------------------------------------------------------------------- the disclosure rule


@dataclass(frozen=True)
class DisclosureRule:
    """Small counts of sensitive indicators are hidden at small-area levels, on screen and in every export."""

    below: int
    shown_as: str
    levels: tuple[str, ...]
    round_to: int = 5
    period_months: int = 12
    withheld_as: str = "withheld"

    def applies(self, sensitive: bool, level: str) -> bool:
        return bool(sensitive) and level in self.levels

    def hides(self, values: pd.Series | np.ndarray | list[float]) -> pd.Series:
        """True for counts from 1 to ``below - 1``; zero and missing are shown."""
        numbers = pd.to_numeric(pd.Series(values), errors="coerce")
        return (numbers >= 1) & (numbers < self.below)

    @property
    def words(self) -> str:
        return f"counts from 1 to {self.below - 1} are shown as “{self.shown_as}”"


# ----------------------------------------------------------------------------- rates


@dataclass(frozen=True)
class Population:
    """A population rates can be per: residents everywhere, or the workday population where it exists."""

    id: str
    measure: str  # the Measure filter's value for rates per this population
    label: str  # 'residents'
    vintage: str  # 'Census 2021'
    source: str
    column: str
    level: str = ""  # the level whose areas file holds the figures; empty: geo/lsoa_lookup.csv

    @property
    def labelled(self) -> str:
        """'residents (Census 2021)'."""
        return f"{self.label} ({self.vintage})"


@dataclass(frozen=True)
class RateBase:
    """Rates are per ``per`` people of a stated population; the first population is the default."""

    per: int
    populations: tuple[Population, ...] = ()

    @property
    def words(self) -> str:
        """'per 1,000'."""
        return f"per {self.per:,}"

    @property
    def measures(self) -> tuple[str, ...]:
        return tuple(population.measure for population in self.populations)

    def population(self, measure: str | None = None) -> Population:
        """The population of a rate measure ('rate', 'workday_rate'); the default one for anything else."""
        for population in self.populations:
            if population.measure == measure:
                return population
        return self.populations[0]

    def is_rate(self, measure: str) -> bool:
        return measure in self.measures

    @property
    def population_label(self) -> str:
        """The default population with its vintage: 'residents (Census 2021)'."""
        return self.population().labelled

    @property
    def population_source(self) -> str:
        return self.population().source

    @property
    def with_population(self) -> str:
        """'per 1,000 residents (Census 2021)'."""
        return self.with_population_of()

    def with_population_of(self, measure: str | None = None) -> str:
        """'per 1,000 workday population (Census 2021)' for the workday measure."""
        return f"per {self.per:,} {self.population(measure).labelled}"


# ----------------------------------------------------------------------------- thresholds


@dataclass(frozen=True)
class Thresholds:
    significance: float
    funnel_inner: float
    funnel_outer: float
    spc_run_length: int
    spc_trend_length: int
    default_months: int
    map_classes: int
    hotspot_confidence: tuple[float, ...]
    funnel_overdispersion: str = "additive"
    funnel_winsor: float = 0.1
    false_discovery_rate: float = 0.05
    spc_min_points: int = 15
    spc_min_mean: float = 3.0


# ----------------------------------------------------------------------------- palettes


@dataclass(frozen=True)
class Palettes:
    """Colour-blind-safe ColorBrewer and Okabe-Ito colours that carry meaning."""

    sequential: dict[str, tuple[str, ...]]  # by polarity, light to dark
    change: tuple[str, ...]  # diverging: biggest fall first, no significant change in the middle
    change_context: tuple[str, ...]
    areas: tuple[str, ...]
    reference: str
    no_data: str
    suppressed: str
    selected: str
    hot_spot: str
    cold_spot: str
    judgement: dict[str, str] = field(default_factory=dict)  # worse, better, neutral: change words on tiles

    def for_values(self, polarity: str) -> list[str]:
        return list(self.sequential[polarity])


@dataclass(frozen=True)
class Palette:
    """What a chart needs from the catalogue: area colours, the reference (Leeds), the colours for
    below and above Leeds, and how each status is drawn."""

    areas: tuple[str, ...]
    reference: str
    below: str
    above: str
    statuses: Statuses

    @classmethod
    def from_vocabulary(cls, palettes: Palettes, statuses: Statuses) -> Palette:
        return cls(palettes.areas, palettes.reference, palettes.change[0], palettes.change[-1], statuses)
