"""The indicator catalogue: priorities, themes, indicators and the shared vocabularies.

Everything is read from one declarative TOML file (``data/catalogue.toml``) into typed objects: the
indicators here, and the levels, statuses, disclosure rule, rate base, thresholds and palettes in
``saferleeds.core.vocabulary``. Every field is documented in the file's ``[fields]`` tables.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from saferleeds.core.errors import DataError, Problem, file_label
from saferleeds.core.vocabulary import (
    POLARITIES,
    DisclosureRule,
    Level,
    Levels,
    Palette,
    Palettes,
    RateBase,
    Statuses,
    Thresholds,
)
from saferleeds.core.vocabulary_reading import (
    disclosure_from,
    levels_from,
    palettes_from,
    rates_from,
    statuses_from,
    thresholds_from,
    vocabulary_problems,
)

UNITS = ("count", "percent", "rate")
TARGET_DIRECTIONS = ("at_least", "at_most")
REQUIRED_INDICATOR_FIELDS = (
    "id",
    "label",
    "short_label",
    "definition",
    "unit",
    "polarity",
    "priorities",
    "primary_priority",
    "themes",
    "key",
    "source",
    "source_url",
    "native_geography",
    "geographies",
    "sensitive",
)
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Priority:
    id: str
    label: str
    short: str
    description: str


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    short: str


@dataclass(frozen=True)
class Target:
    value: float
    direction: str
    label: str

    def is_met(self, value: float) -> bool:
        return value >= self.value if self.direction == "at_least" else value <= self.value


@dataclass(frozen=True)
class Breakdown:
    """Counts of an indicator split by a characteristic of the people counted (stop and search by
    self-defined ethnic group), held in a file of their own, compared group by group with residents."""

    label: str  # 'ethnic group'
    file: str  # inside the dataset folder: columns area_code, period (YYYY-MM), <column>, value
    column: str
    reference: str  # the group every other group's rate is divided by
    left_out: tuple[str, ...]  # groups with no residents to compare with ('Unknown')
    levels: tuple[str, ...]  # the levels the comparison is shown for
    population_prefix: str  # residents of a group are in geo/lsoa_lookup.csv as <prefix><group in lower case>
    caveats: str


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    short_label: str
    definition: str
    unit: str
    polarity: str
    priorities: tuple[str, ...]
    primary_priority: str
    themes: tuple[str, ...]
    key: bool
    source: str
    source_url: str
    native_geography: str
    geographies: tuple[str, ...]
    sensitive: bool
    rates: RateBase = field(compare=False, repr=False)  # the catalogue's rate base, shared by every indicator
    target: Target | None = None
    police_uk_crime_type: str | None = None
    plausible_range: tuple[float, float] | None = None  # lowest and highest figure of one area in one month
    breakdown: Breakdown | None = None

    @property
    def is_count(self) -> bool:
        return self.unit == "count"

    @property
    def is_ratio(self) -> bool:
        """True when the value is a numerator over a stored denominator (percent or rate)."""
        return self.unit in ("percent", "rate")


@dataclass(frozen=True)
class Catalogue:
    meta: dict[str, str]
    fields: dict[str, dict[str, str]]  # section -> field -> what it means
    priorities: tuple[Priority, ...]
    themes: tuple[Theme, ...]
    levels: Levels
    statuses: Statuses
    disclosure: DisclosureRule
    rates: RateBase
    thresholds: Thresholds
    palettes: Palettes
    indicators: tuple[Indicator, ...]
    source: str = field(default="", compare=False)

    @property
    def palette(self) -> Palette:
        """What charts need from the catalogue: area colours, the reference colour and status styles."""
        return Palette.from_vocabulary(self.palettes, self.statuses)

    def indicator(self, indicator_id: str) -> Indicator:
        for item in self.indicators:
            if item.id == indicator_id:
                return item
        raise KeyError(f"unknown indicator '{indicator_id}'")

    def has_indicator(self, indicator_id: str) -> bool:
        return any(item.id == indicator_id for item in self.indicators)

    def priority(self, priority_id: str) -> Priority:
        return next(p for p in self.priorities if p.id == priority_id)

    def theme(self, theme_id: str) -> Theme:
        return next(t for t in self.themes if t.id == theme_id)

    def level(self, level_id: str) -> Level:
        return self.levels.get(level_id)

    @property
    def level_ids(self) -> tuple[str, ...]:
        return self.levels.ids

    def key_indicators(self) -> list[Indicator]:
        return [i for i in self.indicators if i.key]

    def police_uk_indicators(self) -> list[Indicator]:
        return [i for i in self.indicators if i.police_uk_crime_type]

    def filter(self, priority: str | None = None, theme: str | None = None, key_only: bool = False) -> list[Indicator]:
        """Indicators tagged with the priority and theme (None means any)."""
        return [
            i
            for i in self.indicators
            if (priority is None or priority in i.priorities)
            and (theme is None or theme in i.themes)
            and (not key_only or i.key)
        ]


def _breakdown_from(raw: dict[str, Any] | None) -> Breakdown | None:
    if not raw:
        return None
    return Breakdown(
        label=raw["label"],
        file=raw["file"],
        column=raw["column"],
        reference=raw["reference"],
        left_out=tuple(raw.get("left_out", ())),
        levels=tuple(raw["levels"]),
        population_prefix=raw["population_prefix"],
        caveats=raw["caveats"],
    )


def _indicator_from(raw: dict[str, Any], rates: RateBase) -> Indicator:
    target = raw.get("target")
    return Indicator(
        id=raw["id"],
        label=raw["label"],
        short_label=raw["short_label"],
        definition=raw["definition"],
        unit=raw["unit"],
        polarity=raw["polarity"],
        priorities=tuple(raw["priorities"]),
        primary_priority=raw["primary_priority"],
        themes=tuple(raw["themes"]),
        key=bool(raw["key"]),
        source=raw["source"],
        source_url=raw["source_url"],
        native_geography=raw["native_geography"],
        geographies=tuple(raw["geographies"]),
        sensitive=bool(raw["sensitive"]),
        target=Target(float(target["value"]), target["direction"], target["label"]) if target else None,
        police_uk_crime_type=raw.get("police_uk_crime_type"),
        breakdown=_breakdown_from(raw.get("breakdown")),
        rates=rates,
        plausible_range=_plausible_range(raw.get("plausible_range")),
    )


def _plausible_range(value: Any) -> tuple[float, float] | None:
    return (float(value[0]), float(value[1])) if value is not None else None


def indicator_problems(
    raw: dict[str, Any], priorities: set[str], themes: set[str], levels: set[str], where: str
) -> list[str]:
    """Everything incomplete or inconsistent in one raw indicator entry, in words."""
    problems = [f"{where}: missing '{name}'" for name in REQUIRED_INDICATOR_FIELDS if name not in raw]
    if problems:
        return problems
    for name in ("id", "label", "short_label", "definition", "source", "source_url"):
        if not isinstance(raw[name], str) or not raw[name].strip():
            problems.append(f"{where}: '{name}' must be non-empty text")
    if isinstance(raw["id"], str) and not ID_PATTERN.match(raw["id"]):
        problems.append(f"{where}: id '{raw['id']}' must be lower case letters, digits and underscores")
    if raw["unit"] not in UNITS:
        problems.append(f"{where}: unit must be one of {', '.join(UNITS)}")
    if raw["polarity"] not in POLARITIES:
        problems.append(f"{where}: polarity must be one of {', '.join(POLARITIES)}")
    if not raw["priorities"] or not set(raw["priorities"]) <= priorities:
        problems.append(f"{where}: priorities must be one or more of {', '.join(sorted(priorities))}")
    if raw["primary_priority"] not in raw["priorities"]:
        problems.append(f"{where}: primary_priority must be one of its priorities")
    if not set(raw["themes"]) <= themes:
        problems.append(f"{where}: themes must be from {', '.join(sorted(themes))}")
    if raw["native_geography"] not in levels:
        problems.append(f"{where}: native_geography must be one of {', '.join(sorted(levels))}")
    if not raw["geographies"] or not set(raw["geographies"]) <= levels:
        problems.append(f"{where}: geographies must be levels from {', '.join(sorted(levels))}")
    elif raw["native_geography"] not in raw["geographies"]:
        problems.append(f"{where}: geographies must include the native geography")
    if not isinstance(raw["key"], bool) or not isinstance(raw["sensitive"], bool):
        problems.append(f"{where}: 'key' and 'sensitive' must be true or false")
    target = raw.get("target")
    if target is not None and (
        not isinstance(target, dict)
        or target.get("direction") not in TARGET_DIRECTIONS
        or not isinstance(target.get("value"), int | float)
        or not target.get("label")
    ):
        problems.append(f"{where}: target needs a numeric value, a direction (at_least/at_most) and a label")
    plausible = raw.get("plausible_range")
    if plausible is not None and not _is_range(plausible):
        problems.append(f"{where}: plausible_range must be two numbers, the lowest then the highest")
    breakdown = raw.get("breakdown")
    if breakdown is not None:
        needed = ("label", "file", "column", "reference", "levels", "population_prefix", "caveats")
        if not isinstance(breakdown, dict) or any(not breakdown.get(name) for name in needed):
            problems.append(f"{where}: breakdown needs {', '.join(needed)}")
        elif not set(breakdown["levels"]) <= levels:
            problems.append(f"{where}: breakdown levels must be levels from {', '.join(sorted(levels))}")
    return problems


def _is_range(value: Any) -> bool:
    if not isinstance(value, list | tuple) or len(value) != 2:
        return False
    low, high = value
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value)
    return numbers and low <= high


SECTIONS = (
    "meta",
    "fields",
    "priorities",
    "themes",
    "levels",
    "statuses",
    "disclosure",
    "rates",
    "populations",
    "thresholds",
    "palettes",
    "change_colours",
    "indicators",
)


def _section_problems(raw: dict[str, Any]) -> list[str]:
    missing = [f"missing section [{section}]" for section in SECTIONS if section not in raw]
    return missing or vocabulary_problems(raw)


def _indicator_entry_problems(raw: dict[str, Any]) -> list[str]:
    priorities = {p["id"] for p in raw["priorities"]}
    themes = {t["id"] for t in raw["themes"]}
    levels = {lv["id"] for lv in raw["levels"]}
    problems: list[str] = []
    seen: set[str] = set()
    for number, entry in enumerate(raw["indicators"], start=1):
        where = f"indicator {number} ('{entry.get('id', '?')}')"
        problems.extend(indicator_problems(entry, priorities, themes, levels, where))
        if entry.get("id") in seen:
            problems.append(f"{where}: id is used twice")
        seen.add(entry.get("id"))
    return problems


def parse_catalogue(raw: dict[str, Any], source: str = "catalogue.toml") -> Catalogue:
    """Build a Catalogue from parsed TOML, raising DataError listing every problem."""
    problems = _section_problems(raw)
    if not problems:
        problems = _indicator_entry_problems(raw)
    if problems:
        raise DataError([Problem(source, p) for p in problems])
    try:
        rates = rates_from(raw["rates"], raw["populations"])
        return Catalogue(
            meta=raw["meta"],
            fields=raw["fields"],
            priorities=tuple(Priority(**p) for p in raw["priorities"]),
            themes=tuple(Theme(**t) for t in raw["themes"]),
            levels=levels_from(raw["levels"]),
            statuses=statuses_from(raw["statuses"]),
            disclosure=disclosure_from(raw["disclosure"]),
            rates=rates,
            thresholds=thresholds_from(raw["thresholds"]),
            palettes=palettes_from(raw["palettes"], raw["change_colours"]),
            indicators=tuple(_indicator_from(entry, rates) for entry in raw["indicators"]),
            source=source,
        )
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise DataError(Problem(source, f"an entry is incomplete or of the wrong kind ({exc})")) from exc


def load_catalogue(path: str | Path) -> Catalogue:
    """Read and check the catalogue file; a broken file raises DataError naming it."""
    path = Path(path)
    label = file_label(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataError(Problem(label, "the indicator catalogue file is missing")) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError(Problem(label, f"the catalogue cannot be read: {exc}")) from exc
    return parse_catalogue(raw, label)
