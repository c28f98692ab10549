"""Reading the vocabulary sections of ``data/catalogue.toml`` into the typed objects of
``saferleeds.core.vocabulary``, and checking that the levels, statuses and disclosure rule agree."""

from __future__ import annotations

from typing import Any

from saferleeds.core.vocabulary import (
    MODELLED,
    POLARITIES,
    RECORDED,
    DisclosureRule,
    Level,
    Levels,
    Outline,
    Palettes,
    Population,
    RateBase,
    Status,
    Statuses,
    Thresholds,
)


def _outline(raw: dict[str, Any] | None) -> Outline | None:
    if not raw:
        return None
    return Outline(str(raw["colour"]), float(raw.get("width", 2.0)), bool(raw.get("dashed", False)))


def levels_from(raw: list[dict[str, Any]]) -> Levels:
    return Levels(
        tuple(
            Level(
                id=entry["id"],
                label=entry["label"],
                plural=entry["plural"],
                noun=entry["noun"],
                description=entry["description"],
                areas_file=entry.get("areas_file", ""),
                nests_in=tuple(entry.get("nests_in", ())),
                ons_codes=bool(entry.get("ons_codes", False)),
                on_map=bool(entry.get("on_map", True)),
                menu_order=int(entry.get("menu_order", 0)),
                profiles=bool(entry.get("profiles", False)),
                profile_members=entry.get("profile_members", ""),
                synonyms=tuple(s.lower() for s in entry.get("synonyms", ())),
                outline=_outline(entry.get("outline")),
            )
            for entry in raw
        )
    )


def statuses_from(raw: list[dict[str, Any]]) -> Statuses:
    return Statuses(
        tuple(
            Status(
                id=entry["id"],
                label=entry["label"],
                in_words=entry["in_words"],
                meaning=entry["meaning"],
                dash=(int(entry["dash"][0]), int(entry["dash"][1])),
                fill=entry["fill"],
            )
            for entry in raw
        )
    )


def disclosure_from(raw: dict[str, Any]) -> DisclosureRule:
    return DisclosureRule(
        int(raw["below"]),
        str(raw["shown_as"]),
        tuple(raw["levels"]),
        round_to=int(raw["round_to"]),
        period_months=int(raw["period_months"]),
        withheld_as=str(raw["withheld_as"]),
    )


def rates_from(raw: dict[str, Any], populations: list[dict[str, Any]]) -> RateBase:
    return RateBase(
        int(raw["per"]),
        tuple(
            Population(
                id=entry["id"],
                measure=entry["measure"],
                label=entry["label"],
                vintage=entry["vintage"],
                source=entry["source"],
                column=entry["column"],
                level=entry.get("level", ""),
            )
            for entry in populations
        ),
    )


def thresholds_from(raw: dict[str, Any]) -> Thresholds:
    return Thresholds(
        significance=float(raw["significance"]),
        funnel_inner=float(raw["funnel_inner"]),
        funnel_outer=float(raw["funnel_outer"]),
        spc_run_length=int(raw["spc_run_length"]),
        spc_trend_length=int(raw["spc_trend_length"]),
        default_months=int(raw["default_months"]),
        map_classes=int(raw["map_classes"]),
        hotspot_confidence=tuple(float(c) for c in raw["hotspot_confidence"]),
        funnel_overdispersion=str(raw["funnel_overdispersion"]),
        funnel_winsor=float(raw["funnel_winsor"]),
        false_discovery_rate=float(raw["false_discovery_rate"]),
        spc_min_points=int(raw["spc_min_points"]),
        spc_min_mean=float(raw["spc_min_mean"]),
    )


def palettes_from(raw: dict[str, Any], judgement: dict[str, str]) -> Palettes:
    return Palettes(
        sequential={p: tuple(raw[p]) for p in POLARITIES},
        change=tuple(raw["change"]),
        change_context=tuple(raw["change_context"]),
        areas=tuple(raw["areas"]),
        reference=raw["reference"],
        no_data=raw["no_data"],
        suppressed=raw["suppressed"],
        selected=raw["selected"],
        hot_spot=raw["hot_spot"],
        cold_spot=raw["cold_spot"],
        judgement=dict(judgement),
    )


def vocabulary_problems(raw: dict[str, Any]) -> list[str]:
    """Everything inconsistent between the levels, statuses and the disclosure rule, in words."""
    problems: list[str] = []
    ids = [entry.get("id") for entry in raw.get("levels", [])]
    for entry in raw.get("levels", []):
        for other in entry.get("nests_in", []):
            if other not in ids:
                problems.append(f"level '{entry.get('id')}' nests in unknown level '{other}'")
            elif ids.index(other) <= ids.index(entry.get("id")):
                problems.append(f"level '{entry.get('id')}' nests in '{other}', which is not coarser (finest first)")
        members = entry.get("profile_members")
        if members and members not in ids:
            problems.append(f"level '{entry.get('id')}' lists profile members of unknown level '{members}'")
    for level in raw.get("disclosure", {}).get("levels", []):
        if level not in ids:
            problems.append(f"the disclosure rule names unknown level '{level}'")
    populations = raw.get("populations", [])
    if not populations:
        problems.append("at least one [[populations]] entry is needed for rates")
    measures = [entry.get("measure") for entry in populations]
    if len(set(measures)) != len(measures) or "count" in measures:
        problems.append("every population needs a measure of its own (not 'count')")
    for entry in populations:
        if entry.get("level") and entry["level"] not in ids:
            problems.append(f"population '{entry.get('id')}' names unknown level '{entry['level']}'")
    status_ids = [entry.get("id") for entry in raw.get("statuses", [])]
    for needed in (RECORDED, MODELLED):
        if needed not in status_ids:
            problems.append(f"the statuses must include '{needed}'")
    return problems
