"""Where every number comes from: the searchable indicator catalogue and how each number is made (recorded,
estimated, provisional or modelled)."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd

from saferleeds.core.catalogue import Indicator
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import month_ranges
from saferleeds.core.text import join_words
from saferleeds.core.vocabulary import MODELLED
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


def status_meanings(dataset: Dataset) -> list[str]:
    """What each status means and how it is drawn, one line each."""
    statuses = dataset.catalogue.statuses
    lines = []
    for status in statuses:
        solid = status.dash[1] == 0
        dash = "a solid line" if solid else f"dashes of {status.dash[0]} and gaps of {status.dash[1]} pixels"
        lines.append(f"**{status.label}**: {status.meaning} Drawn as {dash}.")
    return lines


def _month(text: str) -> pd.Timestamp:
    return pd.Timestamp(f"{text}-01")


def _made_of_whole(dataset: Dataset, level_id: str) -> str:
    """'9 of the 33 wards, 1 of the 8 constituencies': areas made only of whole areas of ``level_id``."""
    levels = dataset.catalogue.levels
    if level_id not in levels:
        return "none"
    parts = []
    for level in levels:
        if level.id in (level_id, levels.finest, levels.city):
            continue
        built = dataset.geography.whole_parents(level_id, level.id).nunique()
        if built:
            parts.append(f"{built} of the {len(dataset.geography.level_areas(level.id))} {level.plural}")
    return join_words(parts) if parts else "none"


def _default_history(dataset: Dataset, manifest: dict) -> list[str]:
    """How this dataset's recorded, estimated and modelled values were made (from its build manifest)."""
    first, last = _month(manifest["real_months"]["first"]), _month(manifest["real_months"]["last"])
    street = [f"{_month(m):%B %Y}" for m in manifest.get("street_months", [])]
    method = manifest.get("estimated_method", {})
    whole = _made_of_whole(dataset, manifest.get("real_history_level", ""))
    seed = manifest.get("modelled_seed", SEED)
    return [
        f"**Recorded here**: police.uk crime and anti-social behaviour per local area (MSOA) from {first:%B %Y} to "
        f"{last:%B %Y}, and per small area (LSOA) for the whole street-level months ({' and '.join(street)}), "
        f"which use the street files at every level; stop and search per MSOA from {first:%B %Y}.",
        f"**Estimated here**: the small-area figures of the other police.uk months. Each MSOA's recorded count is "
        "shared among its small areas by their shares in the whole street-level months, smoothed by crime type "
        f"towards their share of all crime (weight {method.get('k_type', '')}) and of residents "
        f"(weight {method.get('k_all', '')}), in whole numbers that add up exactly to the MSOA's count. So an MSOA, "
        f"Leeds, and the areas made of whole MSOAs ({whole}) are recorded; areas that cut through an MSOA split "
        "between wards are estimated.",
        f"**Modelled here**: police.uk months before {first:%B %Y}, and every month of the indicators that are not "
        "open data (surveys, hate incidents, domestic abuse, re-offending), made by a seeded generator "
        f"(seed {seed}, the same every time) calibrated to the real months' level, mix and seasonality and to known "
        f"Leeds facts: {RECORDED_CRIME_2017:,} recorded crimes in 2017, 11.7% more than in 2016.",
    ]


def _workday_case(dataset: Dataset) -> str:
    """The area where rates per resident and per workday person differ most, in a sentence."""
    rates = dataset.catalogue.rates
    others = [p for p in rates.populations if p.level]
    if not others:
        return ""
    workday = others[0]
    people = dataset.geography.population(workday.level, workday)
    residents = dataset.geography.population(workday.level).reindex(people.index)
    ratio = (people / residents).dropna()
    if ratio.empty:
        return ""
    code = str(ratio.idxmax())
    return (
        f"Rates are per {rates.per:,} {rates.population().labelled} or, where it exists, per {rates.per:,} "
        f"{workday.labelled}: {dataset.geography.name(code)} has {residents[code]:,.0f} residents but "
        f"{people[code]:,.0f} people there on a working day, so a rate per resident makes it look "
        f"{ratio[code]:.1f} times worse than a rate per person present. Choose the population in the Measure filter."
    )


def modelled_explanation(dataset: Dataset) -> list[str]:
    """How every number is made (recorded, estimated, provisional or modelled), for this dataset, in plain
    English paragraphs."""

    def build() -> list[str]:
        status = dataset.values["status"].value_counts()
        total = int(status.sum())
        labels = dataset.catalogue.statuses
        fully_modelled = [
            i.label
            for i in dataset.catalogue.indicators
            if not dataset.rows(i.id).empty and (dataset.rows(i.id)["status"] == MODELLED).all()
        ]
        manifest = _manifest(dataset)
        paragraphs = [
            "Every number on every page says how it was made: "
            + join_words([labels.label(s).lower() for s in labels.ids])
            + ". Tiles, tooltips, tables and every export name it; charts draw it:",
            *status_meanings(dataset),
        ]
        if manifest.get("real_months"):
            paragraphs.extend(_default_history(dataset, manifest))
        workday = _workday_case(dataset)
        if workday:
            paragraphs.append(workday)
        held = ", ".join(f"{int(status.get(s, 0)):,} {labels.label(s).lower()}" for s in labels.ids if status.get(s))
        paragraphs.append(
            f"Now: of the {total:,} values held, {held}."
            + (f" Entirely modelled: {', '.join(fully_modelled)}." if fully_modelled else "")
        )
        paragraphs.append(
            "Load real data below (police.uk downloads, the partnership's own tables) or fetch it from police.uk: "
            "the months loaded replace the modelled or estimated ones and are marked recorded."
        )
        return paragraphs

    return dataset.memo(("modelled_explanation",), build)


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
