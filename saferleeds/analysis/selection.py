"""What a person has chosen to look at: the shared filters, as plain data."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from saferleeds.analysis.aggregate import latest_period, monthly
from saferleeds.analysis.measures import COUNT
from saferleeds.core.catalogue import Catalogue, Indicator
from saferleeds.core.dataset import Dataset
from saferleeds.core.geography import CITY_CODE
from saferleeds.core.periods import Period
from saferleeds.core.vocabulary import ESTIMATED, MODELLED, RECORDED


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
    """The measures a count can be shown as, and their names on screen: a number, or a rate per 1,000 of
    each of the catalogue's populations (residents; the workday population where it exists)."""
    options = {COUNT: "Number"}
    for population in catalogue.rates.populations:
        options[population.measure] = f"Rate {catalogue.rates.words} {population.label}"
    return options


def measure_help(catalogue: Catalogue) -> str:
    """Which population each rate is per, which year, and where it exists."""
    parts = []
    for population in catalogue.rates.populations:
        where = ""
        if population.level:
            level = catalogue.level(population.level)
            where = f", for {level.plural} and the areas made of whole {level.plural.split(' (')[0]} (and Leeds)"
        parts.append(f"Rates per {catalogue.rates.per:,} {population.label} use {population.source}{where}.")
    return " ".join(parts) + " Survey indicators are always shown as percentages."


def default_selection(dataset: Dataset) -> Selection:
    meta = dataset.catalogue.meta
    months = dataset.catalogue.thresholds.default_months
    return Selection(
        None, None, meta["default_indicator"], meta["default_level"], None, latest_period(dataset, months), "count"
    )


def status_line(dataset: Dataset, selection: Selection) -> str:
    """One sentence saying what is shown, for when, and how it was made (recorded, estimated, modelled...),
    month by month, for the chosen area or Leeds; and, for all of Leeds, how far the chosen area type's
    figures are weaker than Leeds's own. Remembered per indicator, area (or area type, for Leeds) and period:
    the priority, theme and measure do not change it."""
    level = None if selection.area else selection.level
    key = ("status_line", selection.indicator, selection.area, level, selection.period)
    return dataset.memo(key, lambda: _status_line(dataset, selection))


def _status_line(dataset: Dataset, selection: Selection) -> str:
    indicator = dataset.catalogue.indicator(selection.indicator)
    levels = dataset.catalogue.levels
    code = selection.area or CITY_CODE
    level = dataset.geography.level_of(code) or levels.city
    where = dataset.geography.name(selection.area) if selection.area else "Leeds"
    months = _month_statuses(dataset, selection.indicator, level, selection.period, code)
    quality = _in_words(dataset, months) if len(months) else "there is no data for this period"
    sentence = f"{indicator.label} for {where}, {selection.period.label()}: {quality}"
    if selection.area is None and selection.level != levels.city and len(months):
        sentence += _level_clause(dataset, selection, months)
    return sentence + "."


def _month_statuses(dataset: Dataset, indicator: str, level: str, period: Period, code: str | None) -> pd.Series:
    """The weakest status of each month in the period, for one area (or, with ``code`` None, any area)."""
    series = monthly(dataset, indicator, level)
    series = series[period.contains(series["period"]).to_numpy()]
    if code is not None:
        series = series[series["area_code"] == code]
    ranks = dataset.catalogue.statuses.ranks(series["status"]).groupby(series["period"]).max()
    return ranks.map(lambda r: dataset.catalogue.statuses.ids[int(r)])


def _in_words(dataset: Dataset, months: pd.Series) -> str:
    statuses = dataset.catalogue.statuses
    counts = months.value_counts()
    if len(counts) == 1:
        return _all_of_it(dataset, str(counts.index[0]))
    ordered = sorted(counts.index, key=statuses.rank, reverse=True)
    weakest, others = ordered[0], ordered[1:]
    number = int(counts[weakest])
    verb = "is" if number == 1 else "are"
    first = f"{number} of its {len(months)} months {verb} {_phrase(dataset, weakest)}"
    rest = [
        f"{int(counts[s])} {'is' if int(counts[s]) == 1 else 'are'} {_phrase(dataset, s)}"
        for s in others
        if s != RECORDED
    ]
    return "; ".join([first, *rest])


def _all_of_it(dataset: Dataset, status: str) -> str:
    if status == RECORDED:
        return "all of it is recorded data"
    return f"all of it is {_phrase(dataset, status)}"


def _phrase(dataset: Dataset, status: str) -> str:
    """'modelled, not recorded', 'estimated from recorded totals', 'provisional'."""
    if status == MODELLED:
        return "modelled, not recorded"
    if status == ESTIMATED:
        return "estimated from recorded totals"
    return dataset.catalogue.statuses.label(status).lower()


def _level_clause(dataset: Dataset, selection: Selection, city_months: pd.Series) -> str:
    """'; for small areas (LSOAs), 10 of the 12 months are estimated from recorded totals' when the area
    type's figures are weaker than Leeds's."""
    statuses = dataset.catalogue.statuses
    level_months = _month_statuses(dataset, selection.indicator, selection.level, selection.period, None)
    if level_months.empty:
        return ""
    city_ranks = statuses.ranks(city_months.reindex(level_months.index).fillna(statuses.strongest))
    weaker = level_months[(statuses.ranks(level_months) > city_ranks).to_numpy()]
    if weaker.empty:
        return ""
    weakest = max(weaker, key=statuses.rank)
    number = int((weaker == weakest).sum())
    verb = "is" if number == 1 else "are"
    plural = dataset.catalogue.level(selection.level).plural
    which = f"for {plural}" if _every_area(dataset, selection, weakest) else f"for some {plural}"
    return f"; {which}, {number} of the {len(level_months)} months {verb} {_phrase(dataset, weakest)}"


def _every_area(dataset: Dataset, selection: Selection, status: str) -> bool:
    series = monthly(dataset, selection.indicator, selection.level)
    series = series[selection.period.contains(series["period"]).to_numpy()]
    return bool((series["status"] == status).groupby(series["area_code"].to_numpy()).any().all())


def month_options(dataset: Dataset) -> list[pd.Timestamp]:
    return list(dataset.months)
