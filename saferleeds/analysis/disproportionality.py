"""Disproportionality: how many times as often people of one group are counted as people of the reference
group, per resident of each group (stop and search by self-defined ethnic group, against Census 2021).

Method, as the Home Office publishes it ("Police powers and procedures: stop and search and arrests",
England and Wales, the disproportionality ratio): the searches of a group per 1,000 residents of that group,
divided by the searches of White people per 1,000 White residents. A ratio of 3 means three times as likely
to be searched. The 95% confidence interval treats the two search counts as Poisson and the residents as
fixed: ``exp(log(RR) ± 1.96 * sqrt(1/a + 1/b))``, the standard interval for a ratio of two rates (Rothman,
Greenland and Lash, Modern Epidemiology, 3rd edition, 2008, chapter 14). It is a statement about the counts,
not about why they differ.

An area made only of whole areas of the level the counts are held at (whole MSOAs) gets the counts as
recorded; an area cutting through one gets that area's share of its counts, shared like the indicator's
estimated small-area values, and is marked estimated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from saferleeds.core.catalogue import Breakdown, Catalogue, Indicator
from saferleeds.core.dataset import Dataset
from saferleeds.core.errors import DataError, Problem, file_label
from saferleeds.core.periods import Period
from saferleeds.core.text import sentence_case
from saferleeds.core.vocabulary import ESTIMATED, RECORDED

CONFIDENCE = 0.95
COLUMNS = ("group", "count", "residents", "rate", "ratio", "low", "high")


@dataclass(frozen=True)
class RatioTable:
    """One area's counts, rates and ratios by group, and how its counts were made."""

    code: str
    name: str
    status: str  # recorded, or estimated where the area cuts through an area the counts are held for
    table: pd.DataFrame  # group, count, residents, rate (per 1,000), ratio, low, high


def rate_ratios(
    counts: pd.Series, residents: pd.Series, reference: str, confidence: float = CONFIDENCE
) -> pd.DataFrame:
    """Rates per 1,000 residents by group, and each group's rate over the reference group's with its interval.

    ``counts`` and ``residents`` are indexed by group. A group with no counts or no residents has no ratio.
    """
    frame = pd.DataFrame({"count": counts.astype(float), "residents": residents.reindex(counts.index).astype(float)})
    frame["rate"] = np.where(frame["residents"] > 0, 1000 * frame["count"] / frame["residents"], np.nan)
    reference_count = frame.at[reference, "count"] if reference in frame.index else np.nan
    reference_rate = frame.at[reference, "rate"] if reference in frame.index else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = frame["rate"] / reference_rate
        spread = scipy_stats.norm.ppf(0.5 + confidence / 2) * np.sqrt(1 / frame["count"] + 1 / reference_count)
    usable = (frame["count"] > 0) & (reference_count > 0) & np.isfinite(ratio)
    frame["ratio"] = ratio.where(usable)
    frame["low"] = (ratio * np.exp(-spread)).where(usable)
    frame["high"] = (ratio * np.exp(spread)).where(usable)
    return frame.rename_axis("group").reset_index()


def read_breakdown(dataset: Dataset, breakdown: Breakdown) -> pd.DataFrame:
    """The breakdown's counts (area_code, period, group, value); empty when the file is absent."""

    def read() -> pd.DataFrame:
        path = dataset.paths.root / breakdown.file
        if not path.exists():
            return pd.DataFrame(columns=["area_code", "period", "group", "value"])
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        missing = [c for c in ("area_code", "period", breakdown.column, "value") if c not in raw.columns]
        if missing:
            raise DataError(Problem(file_label(path), f"missing column(s): {', '.join(missing)}", row=1))
        return pd.DataFrame(
            {
                "area_code": raw["area_code"],
                "period": pd.to_datetime(raw["period"], format="%Y-%m"),
                "group": raw[breakdown.column],
                "value": pd.to_numeric(raw["value"]),
            }
        )

    return dataset.memo(("breakdown", breakdown.file), read)


def _weights(dataset: Dataset, indicator: Indicator, held_level: str, level: str, period: Period) -> pd.DataFrame:
    """Share of each held area's counts falling in each area of ``level``: 1 for areas made of whole held
    areas; for the rest, the indicator's small-area values in the period (residents where it has none)."""
    geography = dataset.geography
    lsoa = geography.lsoa
    rows = dataset.rows(indicator.id)
    rows = rows[period.contains(rows["period"]).to_numpy() & rows["area_code"].isin(lsoa.index).to_numpy()]
    small = rows.groupby("area_code")["value"].sum().reindex(lsoa.index).fillna(0.0)
    held = lsoa[geography.code_column(held_level)]
    share = small / small.groupby(held).transform("sum")
    by_residents = lsoa["population"] / lsoa["population"].groupby(held).transform("sum")
    share = share.where(np.isfinite(share), by_residents)
    target = lsoa[geography.code_column(level)]
    weights = share.groupby([held, target]).sum().rename("weight").reset_index()
    weights.columns = ["held", "area", "weight"]
    return weights


def disproportionality(dataset: Dataset, indicator_id: str, level: str, period: Period) -> list[RatioTable]:
    """Each area of ``level`` (Leeds for the city): its counts by group over the period, rates per 1,000
    residents of each group and ratios to the reference group. Empty where the indicator has no breakdown
    for the level or the period holds none of its counts."""
    indicator = dataset.catalogue.indicator(indicator_id)
    breakdown = indicator.breakdown
    if breakdown is None or level not in breakdown.levels:
        return []
    key = ("disproportionality", indicator_id, level, period)
    return dataset.memo(key, lambda: _tables(dataset, indicator, breakdown, level, period))


def _tables(dataset: Dataset, indicator: Indicator, breakdown: Breakdown, level: str, period: Period):
    counts = read_breakdown(dataset, breakdown)
    counts = counts[period.contains(counts["period"]).to_numpy() & ~counts["group"].isin(breakdown.left_out)]
    if counts.empty:
        return []
    geography = dataset.geography
    held_level = geography.level_of(str(counts["area_code"].iloc[0]))
    if held_level is None:
        return []
    weights = _weights(dataset, indicator, held_level, level, period)
    by_held = counts.groupby(["area_code", "group"])["value"].sum().rename("value").reset_index()
    shared = weights.merge(by_held, left_on="held", right_on="area_code")
    shared["value"] = shared["value"] * shared["weight"]
    per_area = shared.groupby(["area", "group"])["value"].sum().unstack(fill_value=0.0)
    groups = sorted(set(counts["group"]))
    residents = geography.lsoa.groupby(geography.code_column(level))[
        [breakdown.population_prefix + g.lower() for g in groups]
    ].sum()
    residents.columns = groups
    whole = set(geography.whole_parents(held_level, level).unique())
    tables = []
    for code in geography.level_areas(level)["code"]:
        if code not in per_area.index:
            continue
        table = rate_ratios(per_area.loc[code].reindex(groups).fillna(0.0), residents.loc[code], breakdown.reference)
        status = RECORDED if code in whole else ESTIMATED
        tables.append(RatioTable(str(code), geography.name(code), status, table))
    return tables


def ratio_words(row: pd.Series, reference: str, compact: bool = False) -> str:
    """'2.9 times as likely as White people (95% interval 2.6 to 3.2)', or compact '2.9 (2.6 to 3.2)';
    'no ratio (too few to compare)'."""
    if row["group"] == reference:
        return "the group the others are compared with"
    if not np.isfinite(row["ratio"]):
        return "no ratio (too few to compare)"
    if compact:
        return f"{row['ratio']:.1f} ({row['low']:.1f} to {row['high']:.1f})"
    return (
        f"{row['ratio']:.1f} times as likely as {reference} people "
        f"({CONFIDENCE:.0%} interval {row['low']:.1f} to {row['high']:.1f})"
    )


def display_table(result: RatioTable, breakdown: Breakdown, catalogue: Catalogue) -> pd.DataFrame:
    """The table people read: group, count, residents, rate, ratio in words, and how it was made."""
    rates, table = catalogue.rates, result.table
    residents = rates.population()
    return pd.DataFrame(
        {
            sentence_case(breakdown.label): table["group"],
            "Count": table["count"].round(1),
            sentence_case(residents.labelled): table["residents"].astype(int),
            f"{sentence_case(rates.words)} {residents.label}": table["rate"].round(2),
            "Ratio": table["ratio"].round(2),
            f"Against {breakdown.reference}": [ratio_words(r, breakdown.reference) for _, r in table.iterrows()],
            "Status": catalogue.statuses.label(result.status),
        }
    )
