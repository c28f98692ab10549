"""What needs the board's attention: the few findings for an area and period that pass their tests after
false-discovery control, ranked, each as one plain sentence with its status and the view that shows it.

Four kinds of finding are gathered from the analysis outputs, never recomputed here:
- ``change``: a significant change on the same months a year earlier (``summarise``: ``change_direction``,
  ``p_value``);
- ``funnel``: an area beyond the outer funnel limits around the Leeds figure (``summarise``: ``beyond_outer``);
- ``spc``: a control-chart signal in the period (``trend_spc.spc_data``);
- ``hotspot``: a small area that is a hot spot (Getis-Ord Gi*, ``hotspots``) now and was not a year earlier.

Every candidate carries a p-value (for control-chart rules, the rule's false-alarm probability on a stable
process), and the Benjamini-Hochberg procedure is applied once over every candidate listed
(``adjusted_p_values``): a finding is kept when its adjusted p-value is below the catalogue's
significance threshold. Findings are ranked by the strength of that evidence, ``-log10`` of the adjusted
p-value. Findings resting on modelled months are held back unless asked for.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from functools import partial

import numpy as np
import pandas as pd
from scipy import stats as sps

from saferleeds.analysis.aggregate import level_totals
from saferleeds.analysis.area_summary import area_values, summarise
from saferleeds.analysis.measures import measure_label
from saferleeds.analysis.overview import tile_indicators
from saferleeds.analysis.trend_spc import spc_data, spc_rules
from saferleeds.analysis.trends import area_series
from saferleeds.core.catalogue import Indicator
from saferleeds.core.dataset import Dataset
from saferleeds.core.geography import CITY_CODE
from saferleeds.core.periods import Period
from saferleeds.core.vocabulary import MODELLED

MOST_SHOWN = 8  # the few findings worth a board's time
KIND_ORDER = ("change", "funnel", "spc", "hotspot")
KIND_LABELS = {
    "change": "Significant change",
    "funnel": "Beyond the funnel limits",
    "spc": "Control-chart signal",
    "hotspot": "New hot spot",
}

# The chance that a stable process of independent, normally distributed months sets off each rule at a
# given month: beyond 3 sigma (the XmR limits), a run on one side of the mean, a run of rises or of falls.
SPC_FALSE_ALARM = {
    "outside": 2 * sps.norm.sf(3.0),
    "shift": lambda n: 2 * 0.5**n,
    "trend": lambda n: 2 / float(np.prod(np.arange(1, n + 1))),
    # two of three months beyond two sigma on one side (3p^2(1-p) + p^3), either side
    "near": 2 * (3 * sps.norm.sf(2.0) ** 2 * sps.norm.cdf(2.0) + sps.norm.sf(2.0) ** 3),
}


@dataclass(frozen=True)
class Link:
    """The view that shows a finding: a page of the registry and the shared filters to set on it (by id;
    an ``area`` of None is the whole of Leeds)."""

    page: str
    filters: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    sentence: str
    status: str  # the weakest status of the months it rests on (a status id of the catalogue)
    kind: str  # change, funnel, spc or hotspot
    score: float  # -log10 of the adjusted p-value: larger is stronger evidence
    link: Link
    indicator: str
    area_code: str
    p_value: float
    adjusted_p_value: float = float("nan")

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Attention:
    """The findings to show, and what the list was made from (for saying why it is short or empty)."""

    findings: list[Finding]
    tested: int  # candidates put through the false-discovery control
    passed: int  # candidates that passed it, modelled or not
    held_back: int  # passed, but rest on modelled data and were not asked for
    where: str
    period: Period


def adjusted_p_values(p_values: list[float] | np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (Benjamini and Hochberg 1995, "Controlling the false discovery
    rate: a practical and powerful approach to multiple testing", JRSS B 57: 289-300).

    Keeping the findings whose adjusted p-value is below q controls the expected share of false findings
    among those kept at q. Missing p-values stay missing and are not counted as tests.
    """
    values = np.asarray(p_values, dtype=float)
    adjusted = np.full(values.shape, np.nan)
    known = np.isfinite(values)
    if known.any():
        adjusted[known] = sps.false_discovery_control(np.clip(values[known], 0.0, 1.0), method="bh")
    return adjusted


def funnel_p_value(count: float, base: float, target: float, kind: str) -> float:
    """Two-sided exact p-value of an area's count against the Leeds figure: Poisson with mean target x base
    for rates, binomial with probability target for proportions (the model behind the funnel limits,
    Spiegelhalter 2005)."""
    return float(funnel_p_values(np.array([count]), np.array([base]), np.array([target]), kind)[0])


def funnel_p_values(counts: np.ndarray, bases: np.ndarray, targets: np.ndarray, kind: str) -> np.ndarray:
    """``funnel_p_value`` of many areas at once (NaN where the count, base or target is unknown)."""
    counts, bases, targets = (np.asarray(a, dtype=float) for a in (counts, bases, targets))
    known = np.isfinite(counts) & np.isfinite(bases) & (bases > 0) & np.isfinite(targets)
    count, base, target = counts[known], bases[known], targets[known]
    if kind == "proportion":
        low, high = sps.binom.cdf(count, base, target), sps.binom.sf(count - 1, base, target)
    else:
        low, high = sps.poisson.cdf(count, target * base), sps.poisson.sf(count - 1, target * base)
    p_values = np.full(counts.shape, np.nan)
    p_values[known] = np.minimum(1.0, 2 * np.minimum(low, high))
    return p_values


def spc_p_value(signal: str, run_length: int, trend_length: int) -> float:
    if signal in ("outside", "near_up", "near_down"):
        return float(SPC_FALSE_ALARM["outside" if signal == "outside" else "near"])
    rule = SPC_FALSE_ALARM["shift" if signal.startswith("shift") else "trend"]
    return float(rule(run_length if signal.startswith("shift") else trend_length))


def _weakest(dataset: Dataset, indicator_id: str, level: str, window: Period) -> dict[str, str]:
    """Area code -> the weakest status among the months of the window (remembered)."""

    def build() -> dict[str, str]:
        totals = level_totals(dataset, indicator_id, level, window)
        return {str(k): str(v) for k, v in totals["weakest"].items()} if "weakest" in totals.columns else {}

    return dataset.memo(("attention_weakest", indicator_id, level, window), build)


def _area_link(page: str, indicator: Indicator, level: str, code: str, **extra: object) -> Link:
    area = None if code == CITY_CODE else code
    filters: dict[str, object] = {"indicator": indicator.id, "area": area, **extra}
    if code != CITY_CODE:
        filters["level"] = level
    return Link(page, filters)


@dataclass(frozen=True)
class Scope:
    """Where to look: the chosen area (or Leeds) and the areas whose figures are tested."""

    focus: str  # the chosen area's code, or Leeds
    groups: tuple[tuple[str, tuple[str, ...]], ...]  # (level, area codes) tested for change and funnel
    small_areas: tuple[str, ...]  # small areas looked at for new hot spots


def scope(dataset: Dataset, area: str | None, level: str) -> Scope:
    """Leeds and every area of the chosen level; or the chosen area and its parts (the level its profile
    lists as members, as the catalogue says), with the small areas inside it."""
    geography, levels = dataset.geography, dataset.catalogue.levels
    found = geography.recognise(area) if area else None
    if not found or found[0] == levels.city:
        codes = tuple(geography.level_areas(level)["code"]) if level != levels.city else ()
        everything = tuple(geography.level_areas(levels.finest)["code"])
        return Scope(CITY_CODE, ((levels.city, (CITY_CODE,)), (level, codes)), everything)
    area_level, code = found
    groups: list[tuple[str, tuple[str, ...]]] = [(area_level, (code,))]
    members = dataset.catalogue.level(area_level).profile_members
    if members and members != area_level and levels.nests(members, area_level):
        groups.append((members, tuple(geography.members(code, members))))
    return Scope(code, tuple(groups), tuple(geography.members(code, levels.finest)))


def _names(dataset: Dataset) -> dict[str, str]:
    """Code -> name of every area of every level (small areas included), looked up once per dataset."""

    def build() -> dict[str, str]:
        geography = dataset.geography
        names = dict(zip(geography.areas["code"], geography.areas["name"], strict=True))
        names.update(zip(geography.lsoa.index, geography.lsoa["lsoa_name"], strict=True))
        return {str(code): str(name) for code, name in names.items()}

    return dataset.memo(("attention_names",), build)


def _place(dataset: Dataset, code: str) -> str:
    return _names(dataset).get(code, code)


def _judged(words: str, judgement: str) -> str:
    return {"worse": f"{words}, for the worse", "better": f"{words}, for the better"}.get(judgement, words)


def change_findings(
    dataset: Dataset, indicator: Indicator, level: str, codes: tuple[str, ...], period: Period, measure: str
) -> list[Finding]:
    """Every change test of these areas (``summarise``); only significant ones become sentences."""
    table = summarise(dataset, indicator.id, level, period, measure)
    table = table[table["code"].isin(codes) & table["p_value"].notna()]
    weakest = _weakest(dataset, indicator.id, level, Period(period.comparison().start, period.end))
    found = []
    columns = ["code", "change_direction", "change_words", "judgement", "p_value"]
    for row in table[columns].itertuples(index=False):
        listed = row.change_direction in ("up", "down")
        words = _judged(str(row.change_words), str(row.judgement))
        sentence = (
            f"{indicator.label} in {_place(dataset, row.code)}: {words}, "
            f"{period.label()} against the same months a year earlier."
        )
        found.append(
            Finding(
                sentence=sentence if listed else "",
                status=str(weakest.get(row.code, MODELLED)),
                kind="change" if listed else "",
                score=0.0,
                link=_area_link("trends", indicator, level, str(row.code)),
                indicator=indicator.id,
                area_code=str(row.code),
                p_value=float(row.p_value),
            )
        )
    return found


def funnel_findings(
    dataset: Dataset, indicator: Indicator, level: str, codes: tuple[str, ...], period: Period, measure: str
) -> list[Finding]:
    """Every funnel comparison of these areas with Leeds; those beyond the outer limits become sentences."""
    if level == dataset.catalogue.levels.city:
        return []
    table = summarise(dataset, indicator.id, level, period, measure)
    table = table[table["code"].isin(codes) & table["funnel_target"].notna() & ~table["suppressed"]]
    if table.empty:
        return []
    scale = 100.0 if indicator.unit == "percent" else float(indicator.rates.per)
    weakest = _weakest(dataset, indicator.id, level, period)
    outer = dataset.catalogue.thresholds.funnel_outer
    found = []
    unit = "%" if indicator.unit == "percent" else f" {indicator.rates.words}"
    kind = "proportion" if indicator.is_ratio else "rate"
    bases = table["denominator" if indicator.is_ratio else "population"].to_numpy(dtype=float)
    targets = table["funnel_target"].to_numpy(dtype=float) / scale
    p_values = funnel_p_values(table["count"].to_numpy(dtype=float), bases, targets, kind)
    rows = table[["code", "count", "beyond_outer", "verdict", "funnel_target"]].itertuples(index=False)
    for row, base, p_value in zip(rows, bases, p_values, strict=True):
        listed = bool(row.beyond_outer)
        sentence = ""
        if listed:
            rate = float(row.count) / base * scale
            sentence = (
                f"{indicator.label} in {_place(dataset, row.code)}, {rate:,.1f}{unit}, is {row.verdict} the "
                f"Leeds figure of {float(row.funnel_target):,.1f}{unit}, beyond the {outer:.1%} funnel limits, "
                f"{period.label()}."
            )
        found.append(
            Finding(
                sentence=sentence,
                status=str(weakest.get(row.code, MODELLED)),
                kind="funnel" if listed else "",
                score=0.0,
                link=_area_link("compare", indicator, level, str(row.code)),
                indicator=indicator.id,
                area_code=str(row.code),
                p_value=float(p_value),
            )
        )
    return found


def _span_words(first: pd.Timestamp, last: pd.Timestamp, months: int) -> str:
    return f"{first:%B %Y}" if first == last else f"the {months} months from {first:%B %Y} to {last:%B %Y}"


def spc_findings(dataset: Dataset, indicator: Indicator, code: str, period: Period, measure: str) -> list[Finding]:
    """One test per area and indicator: the control chart's strongest signal in the period (if any)."""
    thresholds = dataset.catalogue.thresholds
    run, trend = thresholds.spc_run_length, thresholds.spc_trend_length
    series = area_series(dataset, indicator.id, code, measure, rolling=False)
    series = series[series["period"] <= period.end]
    chart, _ = spc_data(series, spc_rules(thresholds), indicator.is_count)
    if chart.empty:
        return []
    level = dataset.geography.level_of(code) or dataset.catalogue.levels.city
    link = _area_link("trends", indicator, level, code)
    inside = chart[period.contains(chart["period"]).to_numpy() & (chart["signal"] != "").to_numpy()]
    if inside.empty:
        return [Finding("", MODELLED, "", 0.0, link, indicator.id, code, 1.0)]
    runs = (chart["signal"] != chart["signal"].shift()).cumsum()[inside.index]
    groups = [group for _, group in inside.groupby(runs, sort=True)]
    strongest = min(groups, key=lambda g: (spc_p_value(g["signal"].iloc[0], run, trend), -g.index[-1]))
    first, last = strongest["period"].iloc[0], strongest["period"].iloc[-1]
    words = strongest["signal_words"].iloc[0]
    sentence = (
        f"{indicator.label} in {_place(dataset, code)} ({measure_label(indicator, measure)}): "
        f"{_span_words(first, last, len(strongest))} {'was' if first == last else 'were'} {words} "
        "on the control chart."
    )
    status = dataset.catalogue.statuses.weakest(strongest["status"])
    p_value = spc_p_value(strongest["signal"].iloc[0], run, trend)
    return [Finding(sentence, status, "spc", 0.0, link, indicator.id, code, p_value)]


def hotspot_findings(
    dataset: Dataset, indicator: Indicator, small_areas: tuple[str, ...], period: Period, measure: str, level: str
) -> list[Finding]:
    """Every small area's Gi* test in the period; those hot now and not a year earlier become sentences."""
    finest = dataset.catalogue.levels.finest
    if finest not in indicator.geographies or not small_areas:
        return []
    now = _hotspots(dataset, indicator, period, measure)
    before = _hotspots(dataset, indicator, period.comparison(), measure).reindex(now.index)
    weakest = _weakest(dataset, indicator.id, finest, Period(period.comparison().start, period.end))
    top = max(dataset.catalogue.thresholds.hotspot_confidence)
    chosen = now[now.index.isin(small_areas) & np.isfinite(now["z"])]
    found = []
    earlier = before["category"].to_dict()
    p_values = 2 * sps.norm.sf(np.abs(chosen["z"].to_numpy(dtype=float)))
    for code, category, confidence, p_value in zip(
        chosen.index, chosen["category"], chosen["confidence"], p_values, strict=True
    ):
        listed = category == "hot" and earlier.get(code) != "hot" and confidence >= top
        sentence = ""
        if listed:
            sentence = (
                f"{_place(dataset, str(code))}{_parent_name(dataset, str(code), level)} is a new hot spot of "
                f"{indicator.label.lower()}: high values cluster there and around it ({confidence:.0%} "
                f"confidence), as they did not {period.comparison().label()}."
            )
        found.append(
            Finding(
                sentence=sentence,
                status=str(weakest.get(code, MODELLED)),
                kind="hotspot" if listed else "",
                score=0.0,
                link=_area_link("map", indicator, finest, str(code), map_hotspots=True),
                indicator=indicator.id,
                area_code=str(code),
                p_value=float(p_value),
            )
        )
    return found


def _hotspots(dataset: Dataset, indicator: Indicator, period: Period, measure: str) -> pd.DataFrame:
    # Imported here: the spatial weights library takes longer to load than a page's first run allows.
    from saferleeds.analysis.hotspots import hotspots

    finest = dataset.catalogue.levels.finest
    values = area_values(dataset, indicator.id, finest, period, measure)
    return hotspots(dataset, indicator.id, period, measure, values).set_index("code")


def _parent_name(dataset: Dataset, code: str, level: str) -> str:
    geography = dataset.geography
    if level in (dataset.catalogue.levels.finest, dataset.catalogue.levels.city):
        return ""
    parent = geography.lsoa[geography.code_column(level)].get(code)
    return f" (in {_place(dataset, parent)})" if isinstance(parent, str) else ""


@dataclass(frozen=True)
class Question:
    """What the attention list is asked for: the area (or Leeds when None), the area type, the period, the
    measure, and the priority or theme whose tiles are tested (every tile when both are None)."""

    area: str | None
    level: str
    period: Period
    measure: str
    priority: str | None = None
    theme: str | None = None


def candidates(dataset: Dataset, question: Question) -> list[Finding]:
    """Every test made for the question, with its Benjamini-Hochberg adjusted p-value and score
    (remembered per dataset version). Tests that cannot become a finding have an empty ``kind``."""
    return dataset.memo(("attention", question), lambda: _candidates(dataset, question))


def preparation_steps(dataset: Dataset, question: Question) -> list[Callable[[], object]]:
    """``candidates`` in small steps: each indicator's tests, then the adjusted list."""
    steps: list[Callable[[], object]] = [
        partial(_tests, dataset, indicator, question) for indicator in _tested(dataset, question)
    ]
    return [*steps, partial(candidates, dataset, question)]


def _tested(dataset: Dataset, question: Question) -> list[Indicator]:
    chosen = tile_indicators(dataset, question.priority, question.theme).values()
    return [indicator for column in chosen for indicator in column]


def _candidates(dataset: Dataset, question: Question) -> list[Finding]:
    found = [f for indicator in _tested(dataset, question) for f in _tests(dataset, indicator, question)]
    found = [f for f in found if math.isfinite(f.p_value)]
    adjusted = adjusted_p_values([f.p_value for f in found])
    return [
        replace(f, adjusted_p_value=float(q), score=round(-math.log10(max(float(q), 1e-300)), 3))
        for f, q in zip(found, adjusted, strict=True)
    ]


def _tests(dataset: Dataset, indicator: Indicator, question: Question) -> list[Finding]:
    """Every test of one indicator for the area and period, before adjusting for the others (remembered
    without the priority and theme, so choosing another tests only the indicators not tested yet)."""
    area, level, period, measure = question.area, question.level, question.period, question.measure

    def run() -> list[Finding]:
        where = scope(dataset, area, level)
        found: list[Finding] = []
        for group_level, codes in where.groups:
            if group_level in indicator.geographies:
                found += change_findings(dataset, indicator, group_level, codes, period, measure)
                found += funnel_findings(dataset, indicator, group_level, codes, period, measure)
        found += spc_findings(dataset, indicator, where.focus, period, measure)
        return found + hotspot_findings(dataset, indicator, where.small_areas, period, measure, level)

    return dataset.memo(("attention_tests", indicator.id, area, level, period, measure), run)


def what_needs_attention(
    dataset: Dataset,
    area: str | None,
    level: str,
    period: Period,
    measure: str = "count",
    priority: str | None = None,
    theme: str | None = None,
    include_modelled: bool = False,
    most: int = MOST_SHOWN,
) -> Attention:
    """The findings worth a board's time for the area (or Leeds) and period, strongest evidence first.

    A finding is listed when its test passes after Benjamini-Hochberg control at the catalogue's
    significance threshold; those resting on modelled months only when ``include_modelled``.
    """
    tested = candidates(dataset, Question(area, level, period, measure, priority, theme))
    alpha = dataset.catalogue.thresholds.significance
    passed = [f for f in tested if f.kind and f.adjusted_p_value < alpha]
    shown = passed if include_modelled else [f for f in passed if f.status != MODELLED]
    ranked = sorted(shown, key=lambda f: (-f.score, KIND_ORDER.index(f.kind), f.sentence))
    where = dataset.geography.name(area) if area else dataset.geography.name(CITY_CODE)
    return Attention(ranked[:most], len(tested), len(passed), len(passed) - len(shown), where, period)


def attention_findings(
    dataset: Dataset,
    area: str | None,
    level: str,
    period: Period,
    measure: str = "count",
    include_modelled: bool = False,
) -> list[dict]:
    """The findings as plain data: each a dict of sentence, status, kind, score, link
    (page and filters), indicator, area_code, p_value and adjusted_p_value, strongest first."""
    chosen = what_needs_attention(dataset, area, level, period, measure, include_modelled=include_modelled)
    return [finding.as_dict() for finding in chosen.findings]


def summary_words(attention: Attention) -> str:
    """What the list was made from, in a sentence (and why it is empty when it is)."""
    tests = f"{attention.tested:,} tests of {attention.where}, {attention.period.label()}"
    held_back = (
        f"; {attention.held_back} {'finding' if attention.held_back == 1 else 'findings'} on modelled data "
        f"{'is' if attention.held_back == 1 else 'are'} held back"
    )
    if attention.findings:
        listed = attention.passed - attention.held_back
        found = f"{len(attention.findings)} of {listed} findings that pass after allowing for {tests}"
        return f"{found}{held_back if attention.held_back else ''}."
    if attention.held_back:
        return f"Nothing on recorded data needs attention after allowing for {tests}{held_back}."
    return f"Nothing needs attention: no test passes after allowing for {tests}."
