"""The coverage ledger: for every indicator and area type, which months are recorded, estimated, provisional
or modelled (and for how many of the areas); and the police.uk totals beside the official figures.

It is read from the figures the pages show (``analysis.aggregate.monthly``), so it says what a person sees.
Indicators stored alike (the fifteen police.uk indicators) share one reading.
"""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pandas as pd

from saferleeds.analysis.aggregate import monthly
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period, month_ranges

NOTHING = "—"
DIFFERENCE_REASONS = (
    "They are different counts. police.uk street-level data holds each crime as it was first recorded and placed "
    "on the map: crimes recorded without a location are left out, records later reclassified or cancelled are "
    "not revised, and the MSOA series also counts the British Transport Police crimes placed in Leeds. The "
    "official figure counts the crimes the force still held as recorded when the year's statistics were "
    "published. Quote the official figure for the city's total; use police.uk for where and when."
)


def _signature(dataset: Dataset, indicator_id: str) -> tuple:
    """How an indicator is stored: (status, level, month) combinations; alike indicators read alike."""
    rows = dataset.rows(indicator_id)
    if rows.empty:
        return ()
    index, codes = pd.factorize(rows["area_code"])
    levels = np.array([dataset.geography.level_of(c) or "" for c in codes], dtype=object)[index]
    frame = pd.DataFrame({"status": rows["status"].to_numpy(), "level": levels, "period": rows["period"].to_numpy()})
    return tuple(map(tuple, frame.drop_duplicates().sort_values(["status", "level", "period"]).to_numpy()))


def _cell(counts: pd.DataFrame, status: str, plural: str) -> str:
    """'August 2022 to July 2025', or '... for 9 of 33 wards' where only some areas have the status.
    ``counts``: areas by month (rows) and status (columns)."""
    if status not in counts.columns:
        return NOTHING
    having, areas = counts[status], counts.sum(axis=1)
    full = list(counts.index[(having > 0) & (having == areas)])
    some = (having > 0) & (having < areas)
    parts = [month_ranges(full)] if full else []
    if some.any():
        pairs = list(zip(having[some], areas[some], strict=True))
        k, n = Counter(pairs).most_common(1)[0][0]
        share = f"{k} of {n}" if len(set(pairs)) == 1 else f"some of the {n}"
        parts.append(f"{month_ranges(list(counts.index[some]))} for {share} {plural}")
    return "; ".join(parts) or NOTHING


def _counts(dataset: Dataset, indicator_id: str, level_id: str, signature: tuple) -> pd.DataFrame:
    """Areas of the level by month and status. Stored at one level with one status, that is read from the
    geography alone (every month, for the areas made of whole stored areas); otherwise from the figures."""
    if len({(status, level) for status, level, _ in signature}) == 1:
        status, stored, _ = signature[0]
        built = dataset.geography.whole_parents(stored, level_id).nunique()
        months = sorted({period for _, _, period in signature})
        return pd.DataFrame({status: built}, index=pd.DatetimeIndex(months)) if built else pd.DataFrame()
    series = monthly(dataset, indicator_id, level_id)
    return series.groupby(["period", "status"]).size().unstack(fill_value=0)


def _rows_for(dataset: Dataset, indicator_id: str, statuses: list[str], signature: tuple) -> list[dict[str, str]]:
    catalogue = dataset.catalogue
    indicator = catalogue.indicator(indicator_id)
    rows = []
    for level_id in catalogue.levels.ids:
        if level_id not in indicator.geographies:
            continue
        counts = _counts(dataset, indicator_id, level_id, signature)
        if counts.empty:
            continue
        level = catalogue.level(level_id)
        row = {"Area type": level.label}
        for status in statuses:
            row[catalogue.statuses.label(status)] = _cell(counts, status, level.plural)
        rows.append(row)
    return rows


def coverage_ledger(dataset: Dataset) -> pd.DataFrame:
    """One row per indicator and area type; one column per status present, each cell the months (and,
    where only some areas have it, how many)."""

    def build() -> pd.DataFrame:
        catalogue = dataset.catalogue
        present = set(dataset.values["status"].unique())
        statuses = [s for s in catalogue.statuses.ids if s in present]
        read: dict[tuple, list[dict[str, str]]] = {}
        table: list[dict[str, str]] = []
        for indicator in catalogue.indicators:
            signature = _signature(dataset, indicator.id)
            if not signature:
                continue
            if signature not in read:
                read[signature] = _rows_for(dataset, indicator.id, statuses, signature)
            table.extend({"Indicator": indicator.label, **row} for row in read[signature])
        columns = ["Indicator", "Area type", *[catalogue.statuses.label(s) for s in statuses]]
        return pd.DataFrame(table, columns=columns)

    return dataset.memo(("coverage_ledger",), build)


def _manifest(dataset: Dataset) -> dict:
    try:
        return json.loads(dataset.paths.manifest.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def reference_totals(dataset: Dataset) -> list[str]:
    """The police.uk total beside each official total the dataset names, and why they differ."""
    sentences = []
    city = dataset.catalogue.levels.city
    for reference in _manifest(dataset).get("reference_totals", []):
        if not dataset.catalogue.has_indicator(reference["indicator"]):
            continue
        period = Period(pd.Timestamp(reference["first"] + "-01"), pd.Timestamp(reference["last"] + "-01"))
        series = monthly(dataset, reference["indicator"], city)
        series = series[period.contains(series["period"]).to_numpy()]
        if series["period"].nunique() < period.months:
            continue
        ours, official = float(series["value"].sum()), float(reference["value"])
        statuses = dataset.catalogue.statuses
        status = statuses.label(statuses.weakest(series["status"])).lower()
        label = dataset.catalogue.indicator(reference["indicator"]).label.lower()
        difference = ours - official
        sentences.append(
            f"police.uk {label} for Leeds, {period.label()}: {ours:,.0f} ({status}). {reference['label']}: "
            f"{official:,.0f} ({reference['source']}). police.uk is {abs(difference):,.0f} "
            f"({abs(difference) / official:.1%}) {'higher' if difference >= 0 else 'lower'}. {DIFFERENCE_REASONS}"
        )
    return sentences


def ledger_lines(dataset: Dataset) -> list[str]:
    """The ledger as plain text, indicators stored alike listed together (for ``python -m saferleeds info``)."""
    table = coverage_ledger(dataset)
    statuses = [c for c in table.columns if c not in ("Indicator", "Area type")]
    groups: dict[tuple, list[str]] = {}
    for indicator, rows in table.groupby("Indicator", sort=False):
        key = tuple(map(tuple, rows.drop(columns="Indicator").to_numpy()))
        groups.setdefault(key, []).append(str(indicator))
    lines = ["Coverage (months by how they were made, for each area type):"]
    for key, names in groups.items():
        lines.append(f"  {', '.join(names)}:")
        for row in key:
            level, cells = row[0], row[1:]
            made = "; ".join(f"{s.lower()} {c}" for s, c in zip(statuses, cells, strict=True) if c != NOTHING)
            lines.append(f"    {level}: {made}")
    return lines + [f"Reference: {sentence}" for sentence in reference_totals(dataset)]
