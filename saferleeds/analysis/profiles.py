"""One page about one area: a ward, community committee area, constituency or priority neighbourhood.

``build_profile`` gathers everything the profile shows: the plain-English summary, the key
indicators against Leeds, the biggest increases and decreases, the area's trend, its wards and
the other areas it is part of or overlaps, and the shapes for a locator map.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import shapely
import shapely.geometry

from saferleeds.analysis import trends
from saferleeds.analysis.aggregate import monthly
from saferleeds.analysis.area_summary import area_row, summarise
from saferleeds.analysis.compare import verdict_label
from saferleeds.analysis.measures import format_value, measure_label, rate_title
from saferleeds.analysis.narrative import Summary, biggest_changes, facts_for_area, write_summary
from saferleeds.analysis.trend_notes import notes_for
from saferleeds.analysis.trend_numbers import trend_table
from saferleeds.core.catalogue import Catalogue, Indicator, Palette
from saferleeds.core.dataset import Dataset
from saferleeds.core.geography import CITY_CODE, Geography
from saferleeds.core.periods import Period
from saferleeds.core.text import sentence_case

TREND_MONTHS = 36
KEY_TREND_MONTHS = 24
LOCATOR_TOLERANCE = 0.0003  # degrees (20 to 33 m): a locator map draws Leeds some 260 px tall, 110 m a pixel
LOCATOR_GRID = 0.00001  # degrees (about 1 m) its coordinates are rounded to (a coarser grid drops thin parts)


@dataclass(frozen=True)
class AreaLink:
    """Another area to link to, and how it relates to this one ('all of Armley', '40% of its residents')."""

    code: str
    name: str
    slug: str
    level_label: str
    relation: str


@dataclass(frozen=True)
class KeyFigure:
    """One key indicator for the area beside Leeds, as words for a narrow screen."""

    indicator: Indicator
    value_text: str  # in the chosen measure
    rate_text: str  # rate per 1,000 residents, or the percentage
    leeds_text: str
    change_words: str
    judgement: str
    verdict: str
    status: str

    def words(self) -> str:
        """'4,515 (212.5 per 1,000; Leeds 134.3 per 1,000) · no significant change · significantly above ...'."""
        if self.status == "no data":
            return "no data for this period"
        figures = [self.value_text]
        detail = "; ".join(p for p in (self.rate_text, f"Leeds {self.leeds_text}" if self.leeds_text else "") if p)
        if detail:
            figures.append(f"({detail})")
        parts = [" ".join(figures), self.change_words]
        if self.verdict:
            parts.append(self.verdict[0].lower() + self.verdict[1:])
        parts.append(self.status)
        return " · ".join(p for p in parts if p)


@dataclass(frozen=True)
class Profile:
    code: str
    name: str
    level: str
    level_label: str
    slug: str
    population: float
    period: Period
    note: str  # why a different area is shown (an LSOA shows its ward), or ""
    summary: Summary
    key_figures: list[KeyFigure]
    key_table: pd.DataFrame
    increases: list[str]
    decreases: list[str]
    trend_indicator: Indicator
    trend_note: str
    trend: pd.DataFrame  # this area and Leeds, monthly, comparable rate or percentage
    trend_unit: str
    trend_notes: pd.DataFrame
    trend_window: Period
    palette: Palette
    catalogue: Catalogue = field(compare=False, repr=False)
    key_trends: dict[str, pd.DataFrame]  # key indicator id -> this area and Leeds, monthly rates, last two years
    members: pd.DataFrame  # wards (or committee areas for Leeds), with the chosen indicator
    members_title: str
    member_links: list[AreaLink]
    related: list[AreaLink]

    @property
    def is_city(self) -> bool:
        return self.level == self.catalogue.levels.city

    def key_figure_pairs(self) -> list[list[KeyFigure]]:
        """Key figures two by two, for rows of two cards (one above the other on a phone)."""
        return [self.key_figures[i : i + 2] for i in range(0, len(self.key_figures), 2)]


# ----------------------------------------------------------------------------- finding the area


def covers_leeds(geography: Geography, level: str) -> bool:
    """True when every small area lies in an area of the level (wards do; priority neighbourhoods do not)."""
    if level in (geography.levels.finest, geography.levels.city):
        return True
    return bool(geography.lsoa[geography.code_column(level)].notna().all())


def profile_levels(geography: Geography) -> list[str]:
    """Levels with profile pages, in the catalogue's menu order."""
    chosen = [geography.levels.get(lv) for lv in geography.levels.profile_levels]
    return [lv.id for lv in sorted(chosen, key=lambda lv: lv.menu_order)]


def smallest_profiled_level(geography: Geography) -> str:
    """The finest level with profiles that covers all of Leeds: a small area's profile is this area's."""
    return next(lv for lv in geography.levels.profile_levels if covers_leeds(geography, lv))


def profile_area(geography: Geography, code: str | None) -> tuple[str, str, str] | None:
    """(level, code, note) of the area to profile. A small area (LSOA) shows the smallest profiled area it
    is in (its ward); no area shows Leeds; an unknown code gives None."""
    levels = geography.levels
    if not code:
        return levels.city, CITY_CODE, ""
    found = geography.recognise(code)
    if not found:
        return None
    level, canonical = found
    if level == levels.finest:
        parent_level = smallest_profiled_level(geography)
        parent = str(geography.lsoa.at[canonical, geography.code_column(parent_level)])
        plural, noun = levels.get(parent_level).plural, levels.get(parent_level).noun
        contained = geography.name(canonical)
        note = f"Profiles are for {plural} and larger areas; this is the {noun} that contains {contained}."
        return parent_level, parent, note
    return level, canonical, ""


def profile_options(geography: Geography) -> list[str]:
    """Every area with a profile, level by level in the catalogue's menu order."""
    return [code for level in profile_levels(geography) for code in geography.level_areas(level)["code"]]


def option_label(geography: Geography, level_labels: dict[str, str], code: str) -> str:
    """'Inner East (community committee area)'."""
    level = geography.level_of(code) or geography.levels.city
    return f"{geography.name(code)} ({level_labels.get(level, level).lower()})"


def overlap_share(geography: Geography, code: str, other: str) -> float:
    """Share of this area's residents who also live in the other area (0 to 1)."""
    mine, theirs = geography.residents_by_lsoa(code), geography.residents_by_lsoa(other)
    total = math.fsum(mine.values())
    return math.fsum(people for lsoa, people in mine.items() if lsoa in theirs) / total if total else 0.0


def _relation(geography: Geography, code: str, other: str) -> str:
    mine, theirs = overlap_share(geography, code, other), overlap_share(geography, other, code)
    name = geography.name(code)
    if mine >= 0.995:
        return f"all of {name} is in it" if theirs < 0.995 else "the same area"
    if theirs >= 0.995:
        return f"all of it is in {name}"
    return f"{mine:.0%} of {name}'s residents live in it"


def related_areas(dataset: Dataset, level: str, code: str) -> list[AreaLink]:
    """The areas of other levels this one is part of or overlaps, largest overlap first."""
    geography = dataset.geography
    links = []
    for other_level in related_levels(geography, level):
        label = dataset.catalogue.level(other_level).label
        for other in geography.touching(code, other_level):
            relation = _relation(geography, code, other)
            links.append(AreaLink(other, geography.name(other), geography.slug(other), label, relation))
    return links


def related_levels(geography: Geography, level: str) -> list[str]:
    """The other levels a profile links to: every other level with profiles but its own parts' level."""
    if level == geography.levels.city:
        return []
    members = geography.levels.get(level).profile_members
    return [lv for lv in profile_levels(geography) if lv not in (level, members)]


def member_codes(geography: Geography, level: str, code: str) -> list[str]:
    """The areas a profile lists as its parts (the catalogue's ``profile_members``): the wards of a
    committee area, the wards a constituency overlaps, the committee areas of Leeds."""
    member_level = geography.levels.get(level).profile_members
    if not member_level:
        return []
    if not geography.levels.nests(member_level, level):
        return sorted(geography.touching(code, member_level), key=geography.name)
    return geography.members(code, member_level)


# ----------------------------------------------------------------------------- the profile


def build_profile(
    dataset: Dataset, code: str | None, period: Period, measure: str, indicator_id: str
) -> Profile | None:
    """Everything the profile page shows for an area (None for a code that is not recognised)."""
    found = profile_area(dataset.geography, code)
    if found is None:
        return None
    level, canonical, note = found
    key = ("profile", canonical, period, measure, indicator_id)
    profile = dataset.memo(key, lambda: _build(dataset, level, canonical, period, measure, indicator_id))
    return dataclasses.replace(profile, note=note) if note else profile


def _build(dataset: Dataset, level: str, code: str, period: Period, measure: str, indicator_id: str) -> Profile:
    """The profile: what is the same whichever indicator is chosen is remembered apart, so choosing another
    indicator works out only its trend and the members' table."""
    key = ("profile_area", code, period, measure)
    area = dataset.memo(key, lambda: _area_part(dataset, level, code, period, measure))
    trend_indicator, trend_note = _trend_indicator(dataset, level, indicator_id)
    window = Period(max(period.end - pd.DateOffset(months=TREND_MONTHS - 1), dataset.months[0]), period.end)
    trend_measure = "rate"
    members_level = dataset.catalogue.level(level).profile_members
    members = member_codes(dataset.geography, level, code)
    return Profile(
        **area,
        trend_indicator=trend_indicator,
        trend_note=trend_note,
        trend=trends.series_for(dataset, trend_indicator.id, _with_leeds(code), trend_measure, window),
        trend_unit=measure_label(trend_indicator, trend_measure),
        trend_notes=notes_for(dataset.annotations, trend_indicator.id, window),
        trend_window=window,
        members=member_table(dataset, members_level, members, trend_indicator, period, code)
        if members
        else _no_members(),
    )


def _with_leeds(code: str) -> list[str]:
    return [code] if code == CITY_CODE else [code, CITY_CODE]


def _area_part(dataset: Dataset, level: str, code: str, period: Period, measure: str) -> dict[str, Any]:
    """The fields of the area's profile that do not depend on the chosen indicator."""
    geography = dataset.geography
    name = geography.name(code)
    facts = facts_for_area(dataset, code, period)
    key_figures = [_key_figure(dataset, i, code, period, measure) for i in _key_indicators(dataset, level)]
    is_city = level == dataset.catalogue.levels.city
    codes = _with_leeds(code)
    return {
        "code": code,
        "name": name,
        "level": level,
        "level_label": dataset.catalogue.level(level).label,
        "slug": geography.slug(code),
        "population": float(geography.population(level).get(code, float("nan"))),
        "period": period,
        "note": "",
        "summary": write_summary(name, period.label(), facts, compared_with_leeds=not is_city),
        "key_figures": key_figures,
        "key_table": key_table(key_figures, name, dataset.catalogue, is_city=is_city),
        "increases": biggest_changes(facts, "up"),
        "decreases": biggest_changes(facts, "down"),
        "palette": dataset.catalogue.palette,
        "catalogue": dataset.catalogue,
        "key_trends": {f.indicator.id: _recent(dataset, f.indicator.id, codes, period) for f in key_figures},
        "members_title": _members_title(dataset, level, name),
        "member_links": [_member_link(dataset, level, code, m) for m in member_codes(geography, level, code)],
        "related": related_areas(dataset, level, code),
    }


def _recent(dataset: Dataset, indicator_id: str, codes: list[str], period: Period) -> pd.DataFrame:
    """The last two years of monthly rates (no 12-month averages: the small charts do not draw them)."""
    window = Period(max(period.end - pd.DateOffset(months=KEY_TREND_MONTHS - 1), dataset.months[0]), period.end)
    return trends.series_for(dataset, indicator_id, codes, "rate", window, rolling=False)


def _key_indicators(dataset: Dataset, level: str) -> list[Indicator]:
    return [i for i in dataset.catalogue.key_indicators() if not monthly(dataset, i.id, level).empty]


def _trend_indicator(dataset: Dataset, level: str, indicator_id: str) -> tuple[Indicator, str]:
    """The chosen indicator, or the first key indicator published for this kind of area."""
    chosen = dataset.catalogue.indicator(indicator_id)
    if not monthly(dataset, indicator_id, level).empty:
        return chosen, ""
    fallback = _key_indicators(dataset, level)[0]
    plural = dataset.catalogue.level(level).plural
    return fallback, f"{chosen.label} is not published for {plural}, so this shows {fallback.label.lower()}."


def _key_figure(dataset: Dataset, indicator: Indicator, code: str, period: Period, measure: str) -> KeyFigure:
    row = area_row(dataset, indicator.id, code, period, measure)
    rate_row = area_row(dataset, indicator.id, code, period, "rate")
    leeds = area_row(dataset, indicator.id, CITY_CODE, period, "rate")
    if row is None or row["months"] == 0:
        return KeyFigure(indicator, "no data", "", "", "", "neutral", "", "no data")
    rate_text = ""
    if indicator.is_count:
        rate = rate_row["value"] if rate_row is not None else float("nan")
        rate_text = "not shown" if row["suppressed"] else format_value(rate, indicator, "rate")
    verdict = "" if row["verdict"] == "not compared" else verdict_label(str(row["funnel_position"]))
    return KeyFigure(
        indicator=indicator,
        value_text=str(row["display"]),
        rate_text=rate_text,
        leeds_text=format_value(leeds["value"], indicator, "rate") if leeds is not None else "",
        change_words=str(row["change_words"]),
        judgement=str(row["judgement"]),
        verdict=verdict,
        status=str(row["status"]),
    )


def key_table(figures: list[KeyFigure], area_name: str, catalogue: Catalogue, is_city: bool = False) -> pd.DataFrame:
    """The key indicators as a table for people (and CSV)."""
    columns = {
        "Indicator": [f.indicator.label for f in figures],
        area_name: [f.value_text for f in figures],
        f"Rate {catalogue.rates.words} residents": [f.rate_text for f in figures],
        "Leeds (rate or %)": [f.leeds_text for f in figures],
        "Change on a year earlier": [sentence_case(f.change_words) for f in figures],
        "Compared with the Leeds average": [f.verdict or "Not compared" for f in figures],
        "Data": [sentence_case(f.status) for f in figures],
    }
    if is_city:
        del columns["Leeds (rate or %)"], columns["Compared with the Leeds average"]
    return pd.DataFrame(columns)


def _no_members() -> pd.DataFrame:
    return pd.DataFrame(columns=["code", "slug", "Area"])


def _members_title(dataset: Dataset, level: str, name: str) -> str:
    member_level = dataset.catalogue.level(level).profile_members
    if not member_level:
        return ""
    plural = sentence_case(dataset.catalogue.level(member_level).plural)
    if not dataset.catalogue.levels.nests(member_level, level):
        return f"{plural} in or partly in {name}"
    return f"{plural} in {name}"


def _member_link(dataset: Dataset, level: str, code: str, member: str) -> AreaLink:
    geography = dataset.geography
    member_level = geography.level_of(member) or dataset.catalogue.level(level).profile_members
    relation = "" if dataset.catalogue.levels.nests(member_level, level) else _relation(geography, member, code)
    return AreaLink(
        member, geography.name(member), geography.slug(member), dataset.catalogue.level(member_level).label, relation
    )


def member_table(
    dataset: Dataset, member_level: str, members: list[str], indicator: Indicator, period: Period, parent: str
) -> pd.DataFrame:
    """The member areas with the chosen indicator's rate, verdict against Leeds and change."""
    table = summarise(dataset, indicator.id, member_level, period, "rate")
    table = table.set_index("code").loc[members].reset_index()
    geography = dataset.geography
    value_title = rate_title(indicator)
    frame = pd.DataFrame(
        {
            "code": table["code"].to_numpy(),
            "slug": [geography.slug(c) for c in table["code"]],
            "Area": table["name"].to_numpy(),
            value_title: [
                "not shown" if s else format_value(v, indicator, "rate")
                for v, s in zip(table["value"], table["suppressed"], strict=True)
            ],
            "Compared with the Leeds average": [verdict_label(p) for p in table["funnel_position"]],
            "Change on a year earlier": [sentence_case(w) for w in table["change_words"]],
            "Data": [sentence_case(s) for s in table["status"]],
        }
    )
    parent_level = geography.level_of(parent) or geography.levels.city
    if not geography.levels.nests(member_level, parent_level):
        shares = [f"{overlap_share(geography, m, parent):.0%}" for m in members]
        member_noun, parent_noun = geography.levels.get(member_level).noun, geography.levels.get(parent_level).noun
        frame.insert(3, f"Share of the {member_noun}'s residents in the {parent_noun}", shares)
    return frame


# ----------------------------------------------------------------------------- locator map shapes


def locator_shapes(dataset: Dataset, level: str, code: str) -> tuple[list[dict], list[dict] | None, tuple | None]:
    """GeoJSON features for the locator map: the background areas, the area's own outline when it
    is not one of them, and a marker (longitude, latitude) when the area is small."""
    return dataset.memo(("locator", level, code), lambda: _locator_shapes(dataset, level, code))


def locator_features(dataset: Dataset, level: str) -> list[dict]:
    """Every area of ``level`` as a GeoJSON feature (code, name, geometry) for locator maps, simplified to
    well under a pixel of one; one list per level, shared by every locator map drawn on it (a map's spec
    holds its shapes, and each copy of them took 2 MB)."""
    return dataset.memo(("locator_features", level), lambda: _features(dataset.boundaries(level)), keep=True)


def _features(frame) -> list[dict]:
    shapes = shapely.set_precision(shapely.simplify(frame.geometry.to_numpy(), LOCATOR_TOLERANCE), LOCATOR_GRID)
    return [
        {"type": "Feature", "code": code, "name": name, "geometry": shapely.geometry.mapping(shape)}
        for code, name, shape in zip(frame["code"], frame["name"], shapes, strict=True)
    ]


def locator_background(geography: Geography, level: str) -> str:
    """The level drawn behind a locator map: the area's own level when it covers Leeds, else the smallest
    profiled level that does (a priority neighbourhood is shown among wards); Leeds among its committees."""
    if level == geography.levels.city:
        return geography.levels.get(level).profile_members or smallest_profiled_level(geography)
    return level if covers_leeds(geography, level) else smallest_profiled_level(geography)


def _locator_shapes(dataset: Dataset, level: str, code: str) -> tuple[list[dict], list[dict] | None, tuple | None]:
    background_level = locator_background(dataset.geography, level)
    background = locator_features(dataset, background_level)
    if level in (background_level, dataset.catalogue.levels.city):
        return background, None, None
    own = dataset.boundaries(level)
    own = own[own["code"] == code]
    if own.empty:
        return background, None, None
    point = own.geometry.union_all().representative_point()
    return background, _features(own), (float(point.x), float(point.y))


# ----------------------------------------------------------------------------- charts


def _monthly_numbers(series: pd.DataFrame, indicator: Indicator, catalogue: Catalogue) -> pd.DataFrame:
    table = trend_table(series, indicator, "rate", catalogue)
    return table[["Area", "Month", table.columns[2], "Data"]]


def trend_numbers(profile: Profile) -> pd.DataFrame:
    """The numbers the profile's trend chart draws, month by month."""
    return _monthly_numbers(profile.trend, profile.trend_indicator, profile.catalogue)


def key_trend_numbers(profile: Profile, indicator_id: str) -> pd.DataFrame:
    """The numbers a key indicator's small chart draws, month by month."""
    figure = next(f for f in profile.key_figures if f.indicator.id == indicator_id)
    return _monthly_numbers(profile.key_trends[indicator_id], figure.indicator, profile.catalogue)


def key_trends_key(profile: Profile) -> str:
    """The words that explain the small charts' colours and dashes."""
    if profile.is_city:
        return (
            "Small charts: the last two years month by month; dashed where estimated or modelled, dots where recorded."
        )
    return (
        f"Small charts: the last two years month by month for {profile.name} (blue) and Leeds (grey); "
        f"dashed where estimated or modelled, dots where recorded. Crimes and incidents "
        f"{profile.catalogue.rates.with_population}."
    )
