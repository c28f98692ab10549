"""What a person has chosen to look at: the shared filters, as plain data."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from saferleeds.analysis.aggregate import data_status, latest_period
from saferleeds.core.catalogue import Catalogue, Indicator
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period
from saferleeds.core.text import join_words
from saferleeds.core.vocabulary import MODELLED, RECORDED


@dataclass(frozen=True)
class Selection:
    priority: str | None
    theme: str | None
    indicator: str
    level: str
    area: str | None  # canonical area code, or None for all of Leeds
    period: Period
    measure: str

    def area_or_city(self, city_code: str) -> str:
        return self.area or city_code


def indicator_options(catalogue: Catalogue, priority: str | None, theme: str | None) -> list[Indicator]:
    """Indicators for the chosen priority and theme: key indicators first, then the rest by name."""
    chosen = catalogue.filter(priority=priority, theme=theme)
    return sorted(chosen, key=lambda i: (not i.key, i.label))


def default_indicator(catalogue: Catalogue, options: list[Indicator]) -> Indicator | None:
    """The catalogue's default indicator when it is among the options, else the first option."""
    for indicator in options:
        if indicator.id == catalogue.meta["default_indicator"]:
            return indicator
    return options[0] if options else None


def measure_options(catalogue: Catalogue) -> dict[str, str]:
    """The measures a count can be shown as, and their names on screen."""
    return {"count": "Number", "rate": f"Rate {catalogue.rates.words} residents"}


def default_selection(dataset: Dataset) -> Selection:
    meta = dataset.catalogue.meta
    months = dataset.catalogue.thresholds.default_months
    return Selection(
        None, None, meta["default_indicator"], meta["default_level"], None, latest_period(dataset, months), "count"
    )


def status_line(dataset: Dataset, selection: Selection) -> str:
    """One sentence saying what is shown, for when, and how much of it is modelled."""
    indicator = dataset.catalogue.indicator(selection.indicator)
    where = dataset.geography.name(selection.area) if selection.area else "Leeds"
    counts = data_status(dataset, [selection.indicator], selection.period)
    total = sum(counts.values())
    if total == 0:
        quality = "there is no data for this period"
    elif counts[MODELLED] == total:
        quality = "all of it is modelled, not recorded"
    elif counts[MODELLED]:
        quality = _modelled_months(dataset, selection)
    elif weaker := [s for s in dataset.catalogue.statuses.ids if s != RECORDED and counts.get(s)]:
        quality = f"some of it is {join_words(weaker)}"
    else:
        quality = "all of it is recorded data"
    return f"{indicator.label} for {where}, {selection.period.label()}: {quality}."


def _modelled_months(dataset: Dataset, selection: Selection) -> str:
    rows = dataset.rows(selection.indicator)
    window = rows[selection.period.contains(rows["period"]).to_numpy()]
    months = window.groupby("period")["status"].agg(lambda s: (s == MODELLED).any())
    modelled = int(months.sum())
    if modelled == len(months):
        return "all of it is modelled, not recorded"
    verb = "is" if modelled == 1 else "are"
    return f"{modelled} of its {len(months)} months {verb} modelled, not recorded"


def month_options(dataset: Dataset) -> list[pd.Timestamp]:
    return list(dataset.months)
