"""The two tests every area summary carries: its change on the period before, and its verdict against Leeds.

Changes compare rates over their exposure (``stats.change``); percentages that came without the number of
people they are out of are shown untested. Verdicts come from Spiegelhalter's funnel (``stats.funnel``),
all of a level's areas judged together. Both are worked out from the counts disclosure control publishes,
and neither is given where a count is hidden or withheld.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from saferleeds.analysis import stats
from saferleeds.analysis.aggregate import level_totals
from saferleeds.analysis.exposure import exposure, residents
from saferleeds.analysis.stats.change import size_words
from saferleeds.core.catalogue import Indicator
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period

CHANGE_WITHHELD = "not shown (small numbers)"
PLACEHOLDER_BASE = 100.0  # what a percentage given without its denominator is stored over (indicator tables)
UNTESTED_FUNNEL = (
    "Not compared with Leeds: these percentages came without the number of people they are out of, so how "
    "much they could vary by chance is not known."
)


# ----------------------------------------------------------------------------- change


def percentages_untested(dataset: Dataset, indicator: Indicator, period: Period) -> bool:
    """True when the indicator's percentages came without their denominators (stored over a base of 100)."""
    if indicator.unit != "percent":
        return False
    rows = dataset.rows(indicator.id)
    inside = period.contains(rows["period"]) | period.comparison().contains(rows["period"])
    denominators = rows.loc[inside.to_numpy(), "denominator"].dropna()
    return bool(len(denominators)) and bool((denominators == PLACEHOLDER_BASE).all())


def status_note(current: str, previous: str, strongest: str) -> str:
    """'; modelled', '; recorded against modelled a year earlier', or '' when both periods are recorded:
    a change built on modelled (or estimated) numbers says so in its own words."""
    if current == previous:
        return "" if current in (strongest, "no data") else f"; {current}"
    return f"; {current} against {previous} a year earlier"


def _changes(frame: pd.DataFrame, dataset: Dataset, indicator: Indicator, level: str, period: Period, alpha: float):
    comparable = ((frame["previous_months"] == frame["months"]) & (frame["months"] > 0)).to_numpy()
    if indicator.unit == "percent":
        return stats.proportion_changes(
            frame["count"], frame["denominator"], frame["previous_count"], frame["previous_denominator"],
            alpha, comparable, tested=not percentages_untested(dataset, indicator, period),
        )  # fmt: skip
    if indicator.unit == "rate":
        exposures = frame["denominator"].to_numpy(), frame["previous_denominator"].to_numpy()
    else:
        codes = frame.index
        exposures = (
            exposure(dataset, level, period).reindex(codes).to_numpy(),
            exposure(dataset, level, period.comparison()).reindex(codes).to_numpy(),
        )
    return stats.rate_changes(frame["count"], frame["previous_count"], *exposures, alpha, comparable)


def add_change(frame: pd.DataFrame, dataset: Dataset, indicator: Indicator, level: str, period: Period) -> None:
    """Change columns: change, change_unit, p_value, change_direction, change_words, judgement, and the same
    judged over all the level's areas at once (change_q, change_direction_fdr, change_words_fdr,
    judgement_fdr)."""
    thresholds = dataset.catalogue.thresholds
    changes = _changes(frame, dataset, indicator, level, period, thresholds.significance)
    withheld = frame["change_withheld"].to_numpy()
    strongest = dataset.catalogue.statuses.strongest
    notes = [status_note(c, p, strongest) for c, p in zip(frame["status"], frame["previous_status"], strict=True)]
    frame["change"] = [np.nan if w or c.change is None else c.change for c, w in zip(changes, withheld, strict=True)]
    frame["change_unit"] = [c.unit for c in changes]
    frame["p_value"] = [np.nan if w or c.p_value is None else c.p_value for c, w in zip(changes, withheld, strict=True)]
    frame["change_direction"] = ["unknown" if w else c.direction for c, w in zip(changes, withheld, strict=True)]
    frame["change_words"] = [
        CHANGE_WITHHELD if w else c.words() + n for c, w, n in zip(changes, withheld, notes, strict=True)
    ]
    frame["judgement"] = [stats.judgement(d, indicator.polarity) for d in frame["change_direction"]]
    _add_change_fdr(frame, changes, notes, thresholds.false_discovery_rate, dataset.catalogue.level(level).plural)
    frame["judgement_fdr"] = [stats.judgement(d, indicator.polarity) for d in frame["change_direction_fdr"]]


def _add_change_fdr(frame: pd.DataFrame, changes: list, notes: list[str], rate: float, plural: str) -> None:
    """Each change judged after allowing for every area of the level tested at once (Benjamini-Hochberg)."""
    q_values, _ = stats.benjamini_hochberg(frame["p_value"].to_numpy(dtype=float), rate)
    tested = int(np.isfinite(frame["p_value"].to_numpy(dtype=float)).sum())
    frame["change_q"] = q_values
    directions, words = [], []
    for change, note, q, direction, text in zip(
        changes, notes, q_values, frame["change_direction"], frame["change_words"], strict=True
    ):
        holds = direction in ("up", "down") and q <= rate
        if direction in ("up", "down") and not holds:
            size = "up from 0" if change.from_zero else size_words(change.change or 0.0, change.unit)
            directions.append("none")
            words.append(
                f"no significant change ({size}; not significant once all {tested} {plural} are allowed for){note}"
            )
        else:
            directions.append(direction)
            words.append(text)
    frame["change_direction_fdr"] = directions
    frame["change_words_fdr"] = words


# ----------------------------------------------------------------------------- verdict against Leeds


@dataclass(frozen=True)
class FunnelInputs:
    kind: str  # "rate" or "proportion" ("" when the level is not compared)
    base: pd.Series  # residents (counts) or denominators, by area code
    target: float  # the Leeds figure as a share (count per resident, or numerator over denominator)
    untested: str = ""  # why the areas are not compared


def funnel_inputs(dataset: Dataset, indicator: Indicator, level: str, period: Period) -> FunnelInputs:
    """What the funnel compares: each area's base and the Leeds figure it is judged against."""
    city_level = dataset.catalogue.levels.city
    empty = FunnelInputs("", pd.Series(dtype=float), np.nan)
    if level == city_level:
        return empty
    city = level_totals(dataset, indicator.id, city_level, period)
    if city.empty:
        return empty
    if percentages_untested(dataset, indicator, period):
        return FunnelInputs("", pd.Series(dtype=float), np.nan, UNTESTED_FUNNEL)
    if indicator.is_ratio:
        totals = level_totals(dataset, indicator.id, level, period)
        kind = "proportion" if indicator.unit == "percent" else "rate"
        return FunnelInputs(kind, totals["denominator"], float(city["value"].iloc[0] / city["denominator"].iloc[0]))
    year = period.end.year
    city_residents = float(residents(dataset, city_level, year).iloc[0])
    return FunnelInputs("rate", residents(dataset, level, year), float(city["value"].iloc[0]) / city_residents)


@dataclass(frozen=True)
class Method:
    """How the level's areas were compared with Leeds: the dispersion allowed for and how many at once."""

    dispersion: stats.Dispersion | None
    compared: int  # areas whose verdict was decided together
    decision_coverage: float  # the coverage of the limits equivalent to the verdicts
    false_discovery_rate: float
    untested_reason: str = ""  # why no area was compared (percentages without their numbers)

    def words(self, plural: str) -> str:
        """The method in plain sentences: which limits, and how many areas were allowed for."""
        if self.untested_reason:
            return self.untested_reason
        parts = [self.dispersion.words()] if self.dispersion is not None else []
        parts.append(stats.fdr_sentence(self.compared, plural, self.false_discovery_rate))
        return " ".join(p for p in parts if p)


FUNNEL_COLUMNS = ("target", "inner_low", "inner_high", "outer_low", "outer_high")


def add_funnel(frame: pd.DataFrame, dataset: Dataset, indicator: Indicator, level: str, inputs: FunnelInputs):
    """Verdict columns (funnel_*, verdict, beyond_outer); returns how the areas were compared."""
    thresholds = dataset.catalogue.thresholds
    for column in FUNNEL_COLUMNS:
        frame[f"funnel_{column}"] = np.nan
    frame["funnel_p"], frame["funnel_q"] = np.nan, np.nan
    frame["funnel_position"] = np.where(frame["suppressed"], "withheld", "none")
    frame["verdict"] = "not compared"
    frame["beyond_outer"] = False
    rate = thresholds.false_discovery_rate
    if inputs.untested:
        frame.loc[frame["months"] > 0, "funnel_position"] = "untested"
        return Method(None, 0, 1 - rate, rate, inputs.untested)
    if not inputs.kind:
        return Method(None, 0, 1 - rate, rate)
    base = inputs.base.reindex(frame.index).astype(float)
    usable = frame["count"].notna() & (base > 0) & ~frame["suppressed"] & (frame["months"] > 0)
    if usable.sum() == 0:
        return Method(None, 0, 1 - rate, rate)
    result = stats.funnel(
        frame.loc[usable, "count"].to_numpy(),
        base[usable].to_numpy(),
        inputs.kind,
        thresholds.funnel_inner,
        thresholds.funnel_outer,
        inputs.target,
        adjustment=thresholds.funnel_overdispersion,
        winsor=thresholds.funnel_winsor,
        rate=rate,
    )
    scale = 100.0 if indicator.unit == "percent" else float(indicator.rates.per)
    for column in FUNNEL_COLUMNS:
        frame.loc[usable, f"funnel_{column}"] = result.frame[column].to_numpy() * scale
    frame.loc[usable, "funnel_p"] = result.frame["p_value"].to_numpy()
    frame.loc[usable, "funnel_q"] = result.frame["q_value"].to_numpy()
    frame.loc[usable, "funnel_position"] = result.frame["position"].to_numpy()
    frame.loc[usable, "verdict"] = result.frame["verdict"].to_numpy()
    frame.loc[usable, "beyond_outer"] = result.frame["beyond_outer"].to_numpy()
    return Method(result.dispersion, int(usable.sum()), result.decision_coverage, rate)
