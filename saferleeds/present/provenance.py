"""Where every number comes from: the searchable indicator catalogue and what 'modelled' means."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd

from saferleeds.core.catalogue import Indicator
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import month_ranges
from saferleeds.ingest.gate import MAX_EXPANDED_BYTES, MAX_UPLOAD_BYTES, POLICE_UK_BOUNDS, TABLE_BOUNDS
from saferleeds.ingest.modelled import RECORDED_CRIME_2017, SEED
from saferleeds.ingest.store import last_updates


def unit_words(indicator: Indicator) -> str:
    """What kind of number the indicator is, in words."""
    return {
        "count": "a number of events",
        "percent": "a percentage",
        "rate": f"a rate {indicator.rates.words} of its own denominator",
    }.get(indicator.unit, indicator.unit)


POLARITY_WORDS = {
    "higher_is_worse": "higher is worse",
    "higher_is_better": "higher is better",
    "context": "neither: a rise may mean more confidence to report",
}
CATALOGUE_COLUMNS = (
    "Indicator",
    "Definition",
    "Unit",
    "Polarity",
    "Priorities",
    "Focus themes",
    "Source",
    "Geographies",
    "Periods covered",
    "Status",
    "Last updated",
)


def _coverage(dataset: Dataset, indicator_id: str) -> tuple[str, str]:
    rows = dataset.rows(indicator_id)
    if rows.empty:
        return "no data yet", "no data yet"
    periods = month_ranges(list(rows["period"].unique()))
    parts = []
    for status in dataset.catalogue.statuses.ids:
        months = rows.loc[rows["status"] == status, "period"].unique()
        if len(months):
            parts.append(f"{status}: {month_ranges(list(months))}")
    return periods, "; ".join(parts)


def catalogue_table(dataset: Dataset) -> pd.DataFrame:
    """One row per indicator with everything a person needs to trust it, in words."""

    def build() -> pd.DataFrame:
        catalogue = dataset.catalogue
        updates = last_updates(dataset.paths)
        rows = []
        for indicator in catalogue.indicators:
            periods, status = _coverage(dataset, indicator.id)
            when, what = updates.get(indicator.id, ("", ""))
            updated = (
                f"{datetime.fromisoformat(when).astimezone():%d %B %Y %H:%M} ({what})"
                if when
                else "with the embedded default dataset"
            )
            rows.append(
                {
                    "Indicator": indicator.label,
                    "Definition": indicator.definition,
                    "Unit": unit_words(indicator),
                    "Polarity": POLARITY_WORDS.get(indicator.polarity, indicator.polarity),
                    "Priorities": ", ".join(catalogue.priority(p).label for p in indicator.priorities),
                    "Focus themes": ", ".join(catalogue.theme(t).short for t in indicator.themes) or "none",
                    "Source": indicator.source,
                    "Geographies": ", ".join(catalogue.level(lv).label for lv in indicator.geographies),
                    "Periods covered": periods,
                    "Status": status,
                    "Last updated": updated,
                }
            )
        return pd.DataFrame(rows, columns=list(CATALOGUE_COLUMNS))

    return dataset.memo(("catalogue_table", _updates_stamp(dataset)), build)


def _updates_stamp(dataset: Dataset) -> float:
    path = dataset.paths.data / "updates.csv"
    return path.stat().st_mtime if path.exists() else 0.0


def search_catalogue(table: pd.DataFrame, query: str) -> pd.DataFrame:
    """Rows where every word of the query appears somewhere (any column, any case)."""
    words = [w for w in str(query).lower().split() if w]
    if not words:
        return table
    text = table.astype(str).agg(" ".join, axis=1).str.lower()
    keep = pd.Series(True, index=table.index)
    for word in words:
        keep &= text.str.contains(word, regex=False)
    return table[keep]


def _manifest(dataset: Dataset) -> dict:
    try:
        return json.loads(dataset.paths.manifest.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def modelled_explanation(dataset: Dataset) -> list[str]:
    """What 'modelled' means, for this dataset, in plain English paragraphs."""
    status = dataset.values["status"].value_counts()
    total = int(status.sum())
    modelled = int(status.get("modelled", 0))
    fully_modelled = [
        i.label
        for i in dataset.catalogue.indicators
        if not dataset.rows(i.id).empty and (dataset.rows(i.id)["status"] == "modelled").all()
    ]
    manifest = _manifest(dataset)
    paragraphs = [
        "Every number on every page is marked **recorded**, **provisional** or **modelled**. "
        "Recorded numbers are published data (such as police.uk street-level crime). Provisional numbers are "
        "published but may still be revised. Modelled numbers are estimates, made where open data does not exist; "
        "they show the shape of the tool and are never a record of what happened. Charts draw modelled months "
        "dashed, and tiles and tables say when a figure is modelled.",
    ]
    if manifest.get("real_month"):
        real = pd.Timestamp(manifest["real_month"] + "-01")
        paragraphs.append(
            f"The embedded default dataset holds one month of real police.uk data, **{real:%B %Y}**. "
            "Every earlier month of the police.uk crime types is modelled: each type's real count for that "
            "month is scaled by a city trend, a seasonal pattern and the number of days in the month, spread over "
            "small areas by their real share, and drawn at random (with a fixed seed, "
            f"{manifest.get('modelled_seed', SEED)}, so it is the same every time). The model is calibrated to known "
            f"Leeds facts: {RECORDED_CRIME_2017:,} recorded crimes in 2017, 11.7% more than in 2016. Indicators that "
            "are not open data (surveys, hate incidents, domestic abuse, re-offending) are modelled for every month "
            "from stated assumptions."
        )
    paragraphs.append(
        f"Now: {modelled:,} of the {total:,} values held ({modelled / max(total, 1):.0%}) are modelled."
        + (f" Entirely modelled: {', '.join(fully_modelled)}." if fully_modelled else "")
    )
    paragraphs.append(
        "Load real data below (police.uk downloads, the partnership's own tables) or fetch it from police.uk: "
        "the months loaded replace the modelled ones and are marked recorded."
    )
    return paragraphs


def upload_limits() -> str:
    return (
        f"Each file may be up to {MAX_UPLOAD_BYTES // 1024**2} MB; a zip archive may expand to at most "
        f"{MAX_EXPANDED_BYTES // 1024**2:,} MB, and only the file types listed are read from it; a table may have "
        f"up to {TABLE_BOUNDS.rows:,} rows, a police.uk download up to {POLICE_UK_BOUNDS.rows:,}."
    )


def next_police_uk_month(dataset: Dataset) -> str:
    """The month after the last one held for the police.uk indicators (YYYY-MM), the natural next fetch."""
    ids = [i.id for i in dataset.catalogue.police_uk_indicators()]
    latest = [dataset.rows(i)["period"].max() for i in ids if not dataset.rows(i).empty]
    if not latest:
        return ""
    return (pd.Timestamp(max(latest)) + pd.DateOffset(months=1)).strftime("%Y-%m")
