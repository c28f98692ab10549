"""Fair comparisons between areas: a ranked table that always says whether a difference is real,
and a funnel plot (each area's rate against its population, inside limits around the Leeds rate).

The limits allow for the usual variation between areas (Spiegelhalter 2005, see ``stats.funnel``) and
the verdicts allow for every area being compared at once (Benjamini and Hochberg 1995): the plot draws
the limits that decide them beside the usual 95% and 99.8% limits, and says so in words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from saferleeds.analysis import stats
from saferleeds.analysis.aggregate import monthly
from saferleeds.analysis.area_summary import Method, city_figures, comparison_method, summarise
from saferleeds.analysis.measures import format_value, rate_title
from saferleeds.core.catalogue import Indicator, Palette
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period
from saferleeds.core.text import sentence_case

VERDICT_LABELS = {
    "above": "Significantly above the Leeds average",
    "below": "Significantly below the Leeds average",
    "within": "Not significantly different from the Leeds average",
    "withheld": "Not shown (small numbers)",
    "untested": "Not compared (the number of people asked is not known)",
    "none": "Not compared (no data)",
}
CURVE_POINTS = 120
LIMIT_NAMES = {"inner": "95% limits", "outer": "99.8% limits", "decision": "Limits for all the areas at once"}


def comparison_measure(indicator: Indicator) -> str:
    """Areas are compared by rate per 1,000 residents (counts) or by their own percentage or rate."""
    return "rate"


def verdict_label(position: str) -> str:
    return VERDICT_LABELS.get(position, VERDICT_LABELS["none"])


@dataclass(frozen=True)
class Comparison:
    """Everything the Compare page shows for one indicator, level and period."""

    indicator: Indicator
    level: str
    level_plural: str
    period: Period
    available: bool
    table: pd.DataFrame  # for people: ranked, every row labelled against Leeds
    codes: list[str]  # the table's rows, in order
    points: pd.DataFrame  # funnel-plot points (areas whose counts may be shown)
    curves: pd.DataFrame  # funnel limits over a range of populations (or denominators)
    target: float  # the Leeds figure on the plot's scale
    value_title: str  # "Rate per 1,000 mid-2015 residents" or "%"
    base_title: str  # "Residents (mid-2015)" or "Survey respondents"
    leeds_text: str  # "Leeds: 30.1 per 1,000"
    hidden: int  # areas left off the plot because their count is shown as "<5" (or withheld)
    counts: dict[str, int]  # how many areas are above, below, within
    palette: Palette
    method: Method | None = None  # how the areas were compared with Leeds

    def method_words(self) -> str:
        """Which limits were used and how many areas were allowed for, in plain sentences."""
        return self.method.words(self.level_plural) if self.method is not None else ""

    def describe(self) -> str:
        """A one-sentence text alternative of the funnel plot."""
        above, below, within = (self.counts.get(k, 0) for k in ("above", "below", "within"))
        return (
            f"Funnel plot of {self.indicator.label.lower()} for each area against its size: {above} areas are "
            f"significantly above the Leeds average, {below} significantly below and {within} not significantly "
            "different."
        )

    def area_sentence(self, code: str, area_name: str) -> str:
        """One area's figure and verdict in words."""
        row = self.table[self.table["code"] == code]
        if row.empty:
            return ""
        row = row.iloc[0]
        verdict = row["Compared with the Leeds average"]
        value = row[self.value_column]
        if verdict == VERDICT_LABELS["none"]:
            return f"{area_name}: no data for this indicator in this period."
        change = row["Change"][0].lower() + row["Change"][1:]
        lowered = verdict[0].lower() + verdict[1:]
        return f"{area_name}: {value}, {lowered} ({self.leeds_text}); on a year earlier, {change}."

    @property
    def value_column(self) -> str:
        return sentence_case(self.value_title)


def compare_areas(dataset: Dataset, indicator_id: str, level: str, period: Period) -> Comparison:
    """The ranked table and funnel plot for every area of ``level`` (remembered per dataset version)."""
    key = ("comparison", indicator_id, level, period)
    return dataset.memo(key, lambda: _compare(dataset, indicator_id, level, period))


def _compare(dataset: Dataset, indicator_id: str, level: str, period: Period) -> Comparison:
    indicator = dataset.catalogue.indicator(indicator_id)
    measure = comparison_measure(indicator)
    catalogue = dataset.catalogue
    thresholds = catalogue.thresholds
    value_title = rate_title(indicator)
    available = not monthly(dataset, indicator_id, level).empty and level != catalogue.levels.city
    summary = summarise(dataset, indicator_id, level, period, measure)
    city = city_figures(dataset, indicator_id, period, measure)
    leeds_value = city["value"]
    leeds_text = f"Leeds: {format_value(leeds_value, indicator, measure)}"
    table = ranked_table(
        summary, indicator, value_title, catalogue.disclosure.shown_as, catalogue.disclosure.withheld_as
    )
    points = funnel_points(summary, indicator, measure)
    hidden = int((summary["suppressed"] & (summary["months"] > 0)).sum())
    method = comparison_method(dataset, indicator_id, level, period)
    base_title = (
        "Survey respondents" if indicator.unit == "percent" else sentence_case(catalogue.rates.population_label)
    )
    if indicator.is_ratio:
        base_title = "Denominator" if indicator.unit == "rate" else base_title
    curves = funnel_curves(summary, indicator, thresholds.funnel_inner, thresholds.funnel_outer, method=method)
    counts = summary["funnel_position"].value_counts().to_dict()
    return Comparison(
        indicator=indicator,
        level=level,
        level_plural=dataset.catalogue.level(level).plural,
        period=period,
        available=available and summary["months"].gt(0).any(),
        table=table,
        codes=list(table["code"]),
        points=points,
        curves=curves,
        target=float(summary["funnel_target"].dropna().iloc[0]) if summary["funnel_target"].notna().any() else np.nan,
        value_title=value_title,
        base_title=base_title,
        leeds_text=leeds_text,
        hidden=hidden,
        counts={str(k): int(v) for k, v in counts.items()},
        palette=catalogue.palette,
        method=method,
    )


def ranked_table(
    summary: pd.DataFrame, indicator: Indicator, value_title: str, hidden_as: str, withheld_as: str = "withheld"
) -> pd.DataFrame:
    """Areas ranked by rate (highest first), each labelled against the Leeds average.

    A rank is never shown alone: the 'Compared with the Leeds average' column says whether the
    area's difference from Leeds is statistically significant. Areas whose count is shown as '<5'
    keep their label but have no rank or rate (either would give the count away).
    """
    measure = comparison_measure(indicator)
    frame = summary.copy()
    ranked = frame["value"].where(~frame["suppressed"])
    frame["_rank"] = ranked.rank(ascending=False, method="min")
    frame = frame.sort_values(["_rank", "name"], na_position="last", kind="stable")
    hidden = hidden_as
    count_label, base_label = ("Number", "Residents") if indicator.is_count else ("Number counted", "Out of")
    base = frame["population"] if indicator.is_count else frame["denominator"]

    def rank_text(rank: float) -> str:
        return f"{int(rank)}" if pd.notna(rank) else "–"

    disclosure = frame["disclosure"] if "disclosure" in frame else pd.Series("", index=frame.index)
    hidden_texts = [withheld_as if d == "withheld" else hidden for d in disclosure]

    def count_text(count: float, suppressed: bool, hidden_text: str) -> str:
        if suppressed:
            return hidden_text
        return "no data" if pd.isna(count) else f"{count:,.0f}"

    def value_text(value: float, suppressed: bool) -> str:
        if suppressed:
            return "not shown"
        return format_value(value, indicator, measure)

    return pd.DataFrame(
        {
            "code": frame["code"].to_numpy(),
            "Rank": [rank_text(r) for r in frame["_rank"]],
            "Area": frame["name"].to_numpy(),
            sentence_case(value_title): [
                value_text(v, s) for v, s in zip(frame["value"], frame["suppressed"], strict=True)
            ],
            "Compared with the Leeds average": [verdict_label(p) for p in frame["funnel_position"]],
            count_label: [
                count_text(c, s, h) for c, s, h in zip(frame["count"], frame["suppressed"], hidden_texts, strict=True)
            ],
            base_label: [f"{b:,.0f}" if pd.notna(b) else "" for b in base],
            "Change": [sentence_case(w) for w in frame.get("change_words_fdr", frame["change_words"])],
            "Data": [sentence_case(s) for s in frame["status"]],
        }
    ).reset_index(drop=True)


def funnel_points(summary: pd.DataFrame, indicator: Indicator, measure: str) -> pd.DataFrame:
    """One point per area with a verdict and a count that may be shown: base (size) and value."""
    base = summary["denominator"] if indicator.is_ratio else summary["population"]
    usable = summary["funnel_position"].isin(["above", "below", "within"]) & ~summary["suppressed"] & (base > 0)
    frame = summary[usable.to_numpy()]
    return pd.DataFrame(
        {
            "code": frame["code"].to_numpy(),
            "name": frame["name"].to_numpy(),
            "base": base[usable.to_numpy()].to_numpy(dtype=float),
            "value": frame["value"].to_numpy(dtype=float),
            "display": [format_value(v, indicator, measure) for v in frame["value"]],
            "verdict_label": [verdict_label(p) for p in frame["funnel_position"]],
            "data": [sentence_case(s) for s in frame["status"]],
            "modelled": (frame["modelled"] | (frame["estimated_months"] > 0)).to_numpy(dtype=bool),
        }
    )


def funnel_curves(
    summary: pd.DataFrame,
    indicator: Indicator,
    inner: float = 0.95,
    outer: float = 0.998,
    points: int = CURVE_POINTS,
    method: Method | None = None,
) -> pd.DataFrame:
    """The funnel: lower and upper limits around the Leeds figure over the range of area sizes.

    Counts use exact (mid-p) Poisson limits on the expected count (Leeds rate x residents), shown per
    1,000; percentages exact binomial limits on the denominator; both widened by the overdispersion the
    ``method`` found. With a method, a third pair of limits is the one that decides the verdicts when all
    the areas are compared at once. Columns: base, value, limits, side.
    """
    columns = ["base", "value", "limits", "side"]
    target = summary["funnel_target"].dropna()
    base = summary["denominator"] if indicator.is_ratio else summary["population"]
    base = base[base > 0].dropna()
    if target.empty or base.empty:
        return pd.DataFrame(columns=columns)
    scale = 100.0 if indicator.unit == "percent" else float(indicator.rates.per)
    rate = float(target.iloc[0]) / scale
    kind = "proportion" if indicator.unit == "percent" else "rate"
    low, high = float(base.min()) * 0.8, float(base.max()) * 1.2
    sizes = np.geomspace(max(low, 1.0), max(high, 2.0), points)
    dispersion = method.dispersion if method is not None else None
    coverages = {"inner": inner, "outer": outer}
    if method is not None and method.compared > 1:
        coverages["decision"] = method.decision_coverage
    pieces = []
    for name, coverage in coverages.items():
        lower, upper = stats.funnel_limits(sizes, kind, rate, coverage, dispersion)
        for side, values in (("low", lower), ("high", upper)):
            pieces.append(
                pd.DataFrame({"base": sizes, "value": values * scale, "limits": LIMIT_NAMES[name], "side": side})
            )
    return pd.concat(pieces, ignore_index=True)[columns]
