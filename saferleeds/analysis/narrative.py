"""The plain-English summary of an area, written from its numbers (never typed per area).

``facts_for_area`` reads one area's figures for every indicator; ``write_summary`` turns them into
a few short points a councillor can read in thirty seconds: what is up, what is down, what is
different from the Leeds average and how the figures were made. ``biggest_changes`` lists the top increases
and decreases in words. Every item built on modelled (or estimated) figures says so in its own words,
with the status of both periods it compares. The "against Leeds" point tests many indicators at once,
so it lists only the differences that hold up after allowing for them all (Benjamini and Hochberg 1995).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from saferleeds.analysis import stats
from saferleeds.analysis.aggregate import monthly
from saferleeds.analysis.area_summary import area_row
from saferleeds.analysis.measures import format_value
from saferleeds.core.catalogue import Indicator
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period
from saferleeds.core.text import join_words, sentence_case
from saferleeds.core.vocabulary import DisclosureRule

LISTED = 3  # how many indicators a point names before saying "and N more"
MADE_POINT = "How it was made"  # the point saying which figures are recorded, estimated or modelled
CONTEXT_NOTE = "more reports can mean more people feel confident to report"
RECORDED = "recorded"  # the status that needs no mention (the catalogue's most trusted)
FALSE_DISCOVERY_RATE = 0.05


@dataclass(frozen=True)
class Fact:
    """One indicator's figures for one area over a period."""

    indicator_id: str
    name: str  # short name as it reads inside a sentence
    polarity: str  # higher_is_worse, higher_is_better or context
    available: bool
    direction: str  # up, down, none (no significant change) or unknown (not enough data)
    change: float | None  # relative change (counts) or percentage points (percentages)
    change_unit: str  # relative or points
    change_words: str  # e.g. "up 14%, a significant increase"
    comparison: str  # above, below, within or none (not compared with Leeds)
    status: str  # recorded, estimated, provisional, modelled, partly modelled (n of m months) or no data
    months: int = 0
    modelled_months: int = 0
    estimated_months: int = 0
    current_text: str = ""
    previous_text: str = ""
    relative_change: float | None = None  # the change as a share of the earlier figure, for ordering
    previous_status: str = ""  # how the earlier period's figure was made (empty: as the current one)
    comparison_p: float | None = None  # p-value of the difference from Leeds (for many indicators at once)

    def status_words(self) -> str:
        """'' when every figure is recorded; else 'modelled' or 'recorded against modelled a year earlier'."""
        previous = self.previous_status or self.status
        if self.status == previous:
            return "" if self.status in (RECORDED, "no data") else self.status
        return f"{self.status} against {previous} a year earlier"

    @property
    def significant(self) -> bool:
        return self.direction in ("up", "down")

    @property
    def fully_modelled(self) -> bool:
        return self.months > 0 and self.modelled_months == self.months

    @property
    def partly_modelled(self) -> bool:
        return 0 < self.modelled_months < self.months

    def size_words(self) -> str:
        """'up 14%' or 'down 2.1 percentage points' (empty when there is no number to give)."""
        if self.change is None or (isinstance(self.change, float) and math.isnan(self.change)):
            return ""
        word = "up" if self.change > 0 else "down"
        if self.change_unit == "points":
            return f"{word} {abs(self.change):.1f} percentage points"
        return f"{word} {abs(self.change) * 100:.0f}%"

    def judgement(self) -> str:
        """'better', 'worse' or '' (context indicators and changes that are not significant)."""
        if not self.significant or self.polarity == "context":
            return ""
        rising_is_bad = self.polarity == "higher_is_worse"
        return "worse" if (self.direction == "up") == rising_is_bad else "better"


@dataclass(frozen=True)
class Summary:
    """A headline and a few labelled points, e.g. ("Up", "shoplifting (up 23%, worse).")."""

    headline: str
    points: tuple[tuple[str, str], ...]

    def text(self) -> str:
        lines = [self.headline, *(f"{label}: {words}" for label, words in self.points)]
        return "\n".join(lines)

    def point(self, label: str) -> str:
        return next((words for name, words in self.points if name == label), "")


def fact_name(indicator: Indicator) -> str:
    """An indicator's short label as it reads inside a sentence ('Drug offences' -> 'drug offences')."""
    label = indicator.short_label
    if len(label) > 1 and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _listed(names: list[str], limit: int = LISTED) -> str:
    if len(names) <= limit:
        return join_words(names)
    return f"{', '.join(names[:limit])} and {len(names) - limit} more"


def _changed(fact: Fact) -> str:
    details = [fact.size_words(), fact.judgement()]
    if fact.polarity == "context" and fact.direction == "up":
        details.append(CONTEXT_NOTE)
    details.append(fact.status_words())
    inside = ", ".join(d for d in details if d)
    return f"{fact.name} ({inside})" if inside else fact.name


def _size(fact: Fact) -> float:
    if fact.relative_change is not None:
        return abs(fact.relative_change)
    return abs(fact.change or 0.0) / (100 if fact.change_unit == "points" else 1)


def _ordered(facts: list[Fact]) -> list[Fact]:
    """Largest change first, measured as a share of the earlier figure."""
    return sorted(facts, key=lambda f: -_size(f))


def write_summary(area_name: str, period_label: str, facts: list[Fact], compared_with_leeds: bool = True) -> Summary:
    """A few short points from the facts: up, down, no significant change, against Leeds, how they were made."""
    available = [f for f in facts if f.available and f.months > 0]
    if not available:
        return Summary(
            f"There is no data for {area_name} for {period_label}.",
            (("Data", "choose another period or area."),),
        )
    headline = f"{area_name}, {period_label}, compared with the same months a year earlier"
    headline += " and with the Leeds average." if compared_with_leeds else "."
    points: list[tuple[str, str]] = []
    rises = _ordered([f for f in available if f.direction == "up"])
    falls = _ordered([f for f in available if f.direction == "down"])
    steady = [f for f in available if f.direction == "none"]
    unknown = [f for f in available if f.direction == "unknown" and not f.change_words.startswith("not tested")]
    untested = [f for f in available if f.direction == "unknown" and f.change_words.startswith("not tested")]
    comparable = len(available) - len(unknown) - len(untested)
    if comparable == 0:
        points.append(("Change", "there is not enough data to say what has gone up or down."))
    else:
        points.append(("Up", _changes_point(rises, "rose")))
        points.append(("Down", _changes_point(falls, "fell")))
        if steady:
            points.append(("No significant change", _steady_point(steady, comparable)))
    if unknown and comparable:
        names = [f.name for f in unknown]
        points.append(("Not enough data", f"to compare {_listed(names)} with a year earlier."))
    if untested:
        names = [f.name for f in untested]
        points.append(
            ("Not tested", f"{_listed(names)} came without the number of people asked, so no change is tested.")
        )
    if compared_with_leeds:
        points.append(("Against Leeds", _leeds_point(available)))
    points.append((MADE_POINT, _made_point(available)))
    return Summary(headline, tuple(points))


def _changes_point(changed: list[Fact], verb: str) -> str:
    if not changed:
        return f"nothing {verb} significantly."
    return f"{_listed([_changed(f) for f in changed])} {verb} significantly."


def _steady_point(steady: list[Fact], comparable: int) -> str:
    if len(steady) == comparable:
        return f"in any of the {comparable} indicators." if comparable > 1 else "in the one indicator."
    if len(steady) <= LISTED:
        return f"{join_words([f.name for f in steady])}."
    return f"the other {len(steady)} indicators."


def _named(fact: Fact) -> str:
    """The indicator's name, with how its figure was made when it is not recorded: 'feel safe (modelled)'."""
    status = fact.status if fact.status not in (RECORDED, "no data") else ""
    return f"{fact.name} ({status})" if status else fact.name


def _holding_up(facts: list[Fact]) -> set[str]:
    """The indicators whose difference from Leeds still holds when every indicator compared is allowed for."""
    compared = [f for f in facts if f.comparison in ("above", "below", "within") and f.comparison_p is not None]
    if not compared:
        return set()
    _, rejected = stats.benjamini_hochberg([f.comparison_p for f in compared], FALSE_DISCOVERY_RATE)
    return {f.indicator_id for f, keep in zip(compared, rejected, strict=True) if keep}


def _leeds_point(facts: list[Fact]) -> str:
    holding = _holding_up(facts)
    uses_p = any(f.comparison_p is not None for f in facts)

    def listed(side: str) -> list[str]:
        return [_named(f) for f in facts if f.comparison == side and (f.indicator_id in holding or not uses_p)]

    above, below = listed("above"), listed("below")
    compared = [f for f in facts if f.comparison in ("above", "below", "within")]
    if not compared:
        return "not compared with the Leeds average (not enough data)."
    if not above and not below:
        return "not significantly different from the Leeds average on any indicator."
    parts = []
    if above:
        parts.append(f"significantly above the Leeds average for {_listed(above)}")
    if below:
        parts.append(f"significantly below it for {_listed(below)}")
    within = len(compared) - len(above) - len(below)
    sentence = "; ".join(parts)
    if within:
        sentence += f"; not significantly different for the other {within}"
    allowed = (
        f"; with {len(compared)} indicators compared at once, only differences that hold up for them all"
        if len(compared) > 1 and uses_p
        else ""
    )
    return sentence + f" (crimes and incidents compared per resident{allowed})."


def _made_point(facts: list[Fact]) -> str:
    """How the figures were made: which are modelled, which estimated from recorded totals, or all recorded."""
    parts = [p for p in (_modelled_part(facts), _estimated_part(facts)) if p]
    if not parts:
        return "none: every figure here is recorded data."
    return "; ".join(parts) + "."


def _modelled_part(facts: list[Fact]) -> str:
    fully = [f.name for f in facts if f.fully_modelled]
    partly = [f for f in facts if f.partly_modelled]
    if len(fully) == len(facts):
        return "every figure here is modelled, not recorded data"
    parts = []
    if fully:
        what = "is modelled" if len(fully) == 1 else "are modelled"
        parts.append(f"{_listed(fully, limit=6)} {what}, not recorded data")
    if partly:
        shares = {(f.modelled_months, f.months) for f in partly}
        if len(shares) == 1:
            modelled, months = next(iter(shares))
            whom = "the other indicators" if fully else "these figures"
            if len(partly) < len(facts) - len(fully):
                whom = _listed([f.name for f in partly])
            parts.append(f"for {whom}, {modelled} of the {months} months are modelled")
        else:
            parts.append(f"{_listed([f.name for f in partly], limit=6)} are partly modelled")
    return "; ".join(parts)


def _estimated_part(facts: list[Fact]) -> str:
    """'burglary and robbery are estimated from recorded totals' or 'for ..., 10 of the 12 months are ...'."""
    fully = [f.name for f in facts if f.months > 0 and f.estimated_months == f.months]
    partly = [f for f in facts if 0 < f.estimated_months < f.months]
    parts = []
    modelled = len([f for f in facts if f.fully_modelled])
    if fully and len(fully) == len(facts):
        parts.append("every figure here is estimated from recorded totals")
    elif fully and modelled and len(fully) + modelled == len(facts):
        parts.append("every other figure is estimated from recorded totals")
    elif fully:
        verb = "is" if len(fully) == 1 else "are"
        parts.append(f"{_listed(fully, limit=6)} {verb} estimated from recorded totals")
    if partly:
        shares = {(f.estimated_months, f.months) for f in partly}
        names = _listed([f.name for f in partly], limit=6)
        if len(shares) == 1:
            estimated, months = next(iter(shares))
            parts.append(f"for {names}, {estimated} of the {months} months are estimated from recorded totals")
        else:
            parts.append(f"{names} are partly estimated from recorded totals")
    return "; ".join(parts)


def biggest_changes(facts: list[Fact], direction: str, count: int = 3) -> list[str]:
    """The largest increases (direction 'up') or decreases ('down'), in words; significant ones first."""
    sign = 1 if direction == "up" else -1
    moved = [f for f in facts if f.available and f.change is not None and sign * f.change > 0]
    moved = sorted(moved, key=lambda f: (not f.significant, -_size(f)))
    lines = []
    for fact in moved[:count]:
        verb = "rose" if direction == "up" else "fell"
        amount = fact.size_words().split(" ", 1)[1]
        what = sentence_case(f"{fact.name} {verb} {amount}")
        if fact.previous_text and fact.current_text:
            what += f", from {fact.previous_text} to {fact.current_text}"
        verdict = (
            f"a significant {'increase' if direction == 'up' else 'decrease'}"
            if fact.significant
            else "not a significant change"
        )
        notes = [n for n in (fact.judgement(), fact.status_words()) if n]
        verdict += f" ({'; '.join(notes)})" if notes else ""
        lines.append(f"{what}: {verdict}.")
    return lines


def facts_for_area(dataset: Dataset, code: str, period: Period) -> list[Fact]:
    """The figures of every indicator available at the area's level, in catalogue order."""
    found = dataset.geography.recognise(code)
    if not found:
        return []
    level, canonical = found
    return dataset.memo(("facts", canonical, period), lambda: _facts(dataset, level, canonical, period))


def _facts(dataset: Dataset, level: str, code: str, period: Period) -> list[Fact]:
    facts = []
    rule = dataset.catalogue.disclosure
    for indicator in dataset.catalogue.indicators:
        if monthly(dataset, indicator.id, level).empty:
            continue
        row = area_row(dataset, indicator.id, code, period, "count")
        if row is None:
            continue
        facts.append(_fact(indicator, row, rule))
    return facts


def _number_text(value: float, indicator: Indicator, hidden_as: str | None) -> str:
    if hidden_as is not None:
        return hidden_as
    if value is None or pd.isna(value):
        return ""
    return format_value(value, indicator, "count")


def _fact(indicator: Indicator, row: pd.Series, rule: DisclosureRule | None) -> Fact:
    """One indicator's figures for the area; ``rule`` is the disclosure rule when it applies here."""
    change = row["change"]
    change = None if change is None or pd.isna(change) else float(change)
    if row["change_unit"] == "points":
        previous_value = row["value"] - change if change is not None else math.nan
        relative = change / previous_value if change is not None and previous_value else None
    else:
        previous_value = row["previous_count"]
        relative = change
    current_hidden = _hidden_text(str(row["disclosure"]), rule)
    previous_hidden = _hidden_text(str(row["previous_disclosure"]), rule)
    return Fact(
        indicator_id=indicator.id,
        name=fact_name(indicator),
        polarity=indicator.polarity,
        available=int(row["months"]) > 0,
        direction=str(row["change_direction"]),
        change=change,
        change_unit=str(row["change_unit"]),
        change_words=str(row["change_words"]),
        comparison=str(row["funnel_position"]),
        status=str(row["status"]),
        months=int(row["months"]),
        modelled_months=int(row["modelled_months"]),
        estimated_months=int(row.get("estimated_months", 0)),
        current_text=_number_text(row["value"], indicator, current_hidden),
        previous_text=_number_text(previous_value, indicator, previous_hidden),
        relative_change=relative,
        previous_status=str(row["previous_status"]),
        comparison_p=None if pd.isna(row["funnel_p"]) else float(row["funnel_p"]),
    )


def _hidden_text(disclosure: str, rule: DisclosureRule | None) -> str | None:
    """How a hidden or withheld count reads ('<5', 'withheld'), or None when it is shown."""
    if rule is None:
        return None
    return {"hidden": rule.shown_as, "withheld": rule.withheld_as}.get(disclosure)
