"""The indicator catalogue: complete, documented, faithful to the strategy, and strict about mistakes."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from saferleeds.core.catalogue import (
    POLARITIES,
    REQUIRED_INDICATOR_FIELDS,
    UNITS,
    Indicator,
    indicator_problems,
    load_catalogue,
)
from saferleeds.core.errors import DataError
from saferleeds.core.paths import PROJECT_ROOT
from saferleeds.core.vocabulary import DisclosureRule, Level, Palettes, Population, RateBase, Status, Thresholds

CATALOGUE = PROJECT_ROOT / "data" / "catalogue.toml"
RAW = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))

# The plan on a page (DESIGN.md): id, unit, polarity, priorities, primary priority, themes.
KEY_INDICATORS = [
    ("feel_safe", "percent", "higher_is_better", {"location"}, "location", set()),
    ("satisfaction_confidence", "percent", "higher_is_better", {"location"}, "location", set()),
    ("total_crime", "count", "higher_is_worse", {"location"}, "location", set()),
    ("asb", "count", "higher_is_worse", {"location"}, "location", {"asb_exploitation"}),
    ("hate_incidents", "count", "context", {"victim"}, "victim", {"hate_tensions"}),
    ("domestic_abuse", "count", "context", {"victim"}, "victim", {"safeguarding"}),
    ("violence_sexual", "count", "higher_is_worse", {"victim"}, "victim", {"safeguarding"}),
    ("drugs", "count", "higher_is_worse", {"offender"}, "offender", {"drugs_alcohol_mental_health"}),
    ("reoffending", "percent", "higher_is_worse", {"offender"}, "offender", set()),
]
# Tags the catalogue adds to DESIGN.md's one theme: drug supply is also serious and organised crime.
EXTRA_THEMES = {"drugs": {"serious_organised"}}
POLICE_UK_CRIME_TYPES = [
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
]
# DESIGN.md's examples for the secondary police.uk types: (id, priority, theme).
SECONDARY_TAGS = [
    ("possession_weapons", "offender", "serious_organised"),
    ("public_order", "location", "hate_tensions"),
    ("criminal_damage_arson", "location", "asb_exploitation"),
]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(CATALOGUE)


def _sets(raw: dict) -> tuple[set[str], set[str], set[str]]:
    return (
        {p["id"] for p in raw["priorities"]},
        {t["id"] for t in raw["themes"]},
        {lv["id"] for lv in raw["levels"]},
    )


@pytest.mark.parametrize("entry", RAW["indicators"], ids=lambda e: e.get("id", "?"))
def test_every_indicator_entry_is_complete_and_valid(entry: dict):
    priorities, themes, levels = _sets(RAW)
    assert indicator_problems(entry, priorities, themes, levels, entry.get("id", "?")) == []


# Each section of the catalogue, the entries its [fields.<section>] table documents, and the typed object the
# code reads them into (None where the section is free text, such as [meta]).
SECTIONS = {
    "meta": ([RAW["meta"]], None),
    "indicators": (RAW["indicators"], Indicator),
    "levels": (RAW["levels"], Level),
    "statuses": (RAW["statuses"], Status),
    "disclosure": ([RAW["disclosure"]], DisclosureRule),
    "rates": ([RAW["rates"]], RateBase),
    "populations": (RAW["populations"], Population),
    "thresholds": ([RAW["thresholds"]], Thresholds),
    "palettes": ([RAW["palettes"]], Palettes),
    "change_colours": ([RAW["change_colours"]], None),
}


def _read_fields(kind: type) -> set[str]:
    names = {f.name for f in dataclasses.fields(kind)}
    return names | (set(POLARITIES) if kind is Palettes else set())


@pytest.mark.parametrize("section", SECTIONS)
def test_every_field_is_documented_and_every_documented_field_is_read(section):
    entries, kind = SECTIONS[section]
    documented = RAW["fields"][section]
    used = {name for entry in entries for name in entry}
    assert used <= set(documented), f"[{section}] uses undocumented fields {used - set(documented)}"
    assert all(isinstance(text, str) and text.strip() for text in documented.values())
    if kind is not None:
        unread = set(documented) - _read_fields(kind)
        assert not unread, f"[fields.{section}] documents {unread}, which the code never reads"


def test_every_section_has_its_documentation():
    assert set(RAW["fields"]) == set(SECTIONS)
    assert set(REQUIRED_INDICATOR_FIELDS) <= set(RAW["fields"]["indicators"])


def test_the_strategy_priorities_and_themes(catalogue):
    assert [p.id for p in catalogue.priorities] == ["victim", "offender", "location"]
    assert [p.short for p in catalogue.priorities] == ["Victim", "Offender", "Location"]
    assert {t.id for t in catalogue.themes} == {
        "asb_exploitation",
        "drugs_alcohol_mental_health",
        "hate_tensions",
        "safeguarding",
        "serious_organised",
    }
    assert catalogue.level_ids == ("lsoa", "msoa", "neighbourhood", "ward", "committee", "constituency", "city")


@pytest.mark.parametrize(
    ("indicator_id", "unit", "polarity", "priorities", "primary", "themes"),
    KEY_INDICATORS,
    ids=[row[0] for row in KEY_INDICATORS],
)
def test_key_indicators_match_the_plan_on_a_page(catalogue, indicator_id, unit, polarity, priorities, primary, themes):
    indicator = catalogue.indicator(indicator_id)
    assert indicator.key
    assert indicator.unit == unit
    assert indicator.polarity == polarity
    assert set(indicator.priorities) == priorities
    assert indicator.primary_priority == primary
    assert set(indicator.themes) == themes | EXTRA_THEMES.get(indicator_id, set())


def test_exactly_the_nine_key_indicators(catalogue):
    assert sorted(i.id for i in catalogue.key_indicators()) == sorted(row[0] for row in KEY_INDICATORS)


def test_reporting_confidence_indicators_are_context(catalogue):
    assert {i.id for i in catalogue.indicators if i.polarity == "context"} == {
        "hate_incidents",
        "domestic_abuse",
        "stop_search",  # more searches are neither simply good nor bad
    }


def test_feel_safe_target_is_85_percent(catalogue):
    target = catalogue.indicator("feel_safe").target
    assert target is not None
    assert (target.value, target.direction) == (85, "at_least")
    assert target.is_met(85.0) and not target.is_met(84.9)
    assert [i.id for i in catalogue.indicators if i.target] == ["feel_safe"]


def test_every_police_uk_crime_type_is_mapped_once(catalogue):
    mapped = [i.police_uk_crime_type for i in catalogue.police_uk_indicators()]
    assert sorted(m for m in mapped if m != "ALL_EXCEPT_ASB") == POLICE_UK_CRIME_TYPES
    assert [i.id for i in catalogue.police_uk_indicators() if i.police_uk_crime_type == "ALL_EXCEPT_ASB"] == [
        "total_crime"
    ]


@pytest.mark.parametrize(("indicator_id", "priority", "theme"), SECONDARY_TAGS)
def test_secondary_crime_types_are_tagged_as_design_says(catalogue, indicator_id, priority, theme):
    indicator = catalogue.indicator(indicator_id)
    assert priority in indicator.priorities
    assert theme in indicator.themes


def test_sensitive_indicators_are_those_disclosure_control_names(catalogue):
    assert {i.id for i in catalogue.indicators if i.sensitive} == {
        "hate_incidents",
        "domestic_abuse",
        "violence_sexual",
    }


def test_police_uk_indicators_are_lsoa_counts(catalogue):
    for indicator in catalogue.police_uk_indicators():
        assert (indicator.unit, indicator.native_geography) == ("count", "lsoa"), indicator.id


def test_thresholds_and_palettes(catalogue):
    thresholds = catalogue.thresholds
    assert (thresholds.funnel_inner, thresholds.funnel_outer) == (0.95, 0.998)
    assert catalogue.disclosure.below == 5 and catalogue.disclosure.shown_as == "<5"
    assert set(catalogue.disclosure.levels) == {"lsoa", "msoa", "neighbourhood"}
    for polarity in POLARITIES:
        assert len(catalogue.palettes.for_values(polarity)) >= 5
    assert set(UNITS) == {"count", "percent", "rate"}


def test_levels_statuses_and_rates_come_from_the_catalogue(catalogue):
    levels = catalogue.levels
    assert levels.map_levels == ("ward", "committee", "constituency", "neighbourhood", "msoa", "lsoa")
    assert levels.from_word("MSOA") == "msoa" and not levels.nests("msoa", "ward") and levels.nests("lsoa", "msoa")
    assert levels.nests("ward", "committee") and levels.nests("lsoa", "constituency")
    assert not levels.nests("constituency", "ward") and not levels.nests("ward", "constituency")
    assert levels.from_word("Community committee area") == "committee" and levels.from_word("nowhere") is None
    assert (
        catalogue.statuses.ids[0] == "recorded" and catalogue.statuses.weakest(["recorded", "modelled"]) == "modelled"
    )
    assert catalogue.statuses.ids == ("recorded", "provisional", "estimated", "modelled")
    assert catalogue.statuses.weakest(["recorded", "estimated", "provisional"]) == "estimated"
    assert len({tuple(s.dash) for s in catalogue.statuses}) == len({s.fill for s in catalogue.statuses}) == 4
    assert catalogue.rates.measures == ("rate", "workday_rate")
    assert catalogue.rates.with_population == "per 1,000 residents (Census 2021)"
    assert catalogue.rates.population("workday_rate").level == "msoa"
    assert catalogue.rates.words == "per 1,000" and catalogue.indicator("burglary").rates is catalogue.rates


# ----------------------------------------------------------------------------- a broken catalogue


def _edit(old: str, new: str, count: int = 1):
    def change(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, count)

    return change


BROKEN = [
    ("missing field", _edit('short_label = "Feel safe"\n', ""), "missing 'short_label'"),
    ("bad polarity", _edit('polarity = "higher_is_better"', 'polarity = "sideways"'), "polarity must be one of"),
    ("bad unit", _edit('unit = "percent"', 'unit = "percentage"'), "unit must be one of"),
    ("unknown priority", _edit('priorities = ["location"]', 'priorities = ["place"]'), "priorities must be"),
    ("unknown theme", _edit('themes = ["asb_exploitation"]', 'themes = ["asb"]'), "themes must be from"),
    ("primary not a priority", _edit('primary_priority = "location"', 'primary_priority = "victim"'), "primary"),
    ("duplicate id", _edit('id = "satisfaction_confidence"', 'id = "feel_safe"'), "id is used twice"),
    ("empty label", _edit('label = "Burglary"', 'label = ""'), "'label' must be non-empty text"),
    ("bad target", _edit('direction = "at_least"', 'direction = "upwards"'), "target needs"),
    ("missing section", _edit("[thresholds]", "[thresholds_old]"), "missing section [thresholds]"),
    ("unparseable TOML", lambda text: text + "\n[[indicators]\n", "cannot be read"),
    ("not UTF-8", lambda text: text.replace("Leeds", "Leeds \udcff", 1), "cannot be read"),
]


@pytest.mark.parametrize(("name", "change", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_catalogue_raises_data_error_naming_the_file(tmp_path: Path, name, change, words):
    path = tmp_path / "catalogue.toml"
    path.write_bytes(change(CATALOGUE.read_text(encoding="utf-8")).encode("utf-8", errors="surrogateescape"))
    with pytest.raises(DataError) as caught:
        load_catalogue(path)
    assert "catalogue.toml" in str(caught.value)
    assert words in str(caught.value)


def test_a_missing_catalogue_is_reported(tmp_path: Path):
    with pytest.raises(DataError, match=r"catalogue.toml: the indicator catalogue file is missing"):
        load_catalogue(tmp_path / "catalogue.toml")
