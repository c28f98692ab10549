"""The number shown for an area and how it reads: a count, a rate per 1,000 of a stated population (residents,
or the workday population where it exists), or a percentage, in words ('1,234', '12.3 per 1,000', '83.1%',
'<5', 'no data').
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from saferleeds.core.catalogue import Indicator
from saferleeds.core.geography import Geography
from saferleeds.core.text import sentence_case
from saferleeds.core.vocabulary import RateBase

COUNT = "count"
RATE = "rate"  # per 1,000 of the catalogue's default population (residents)


def display_value(indicator: Indicator, count: float, denominator: float, population: float, measure: str) -> float:
    """The number shown for an area: a count, a rate per the catalogue's population base, or a percentage.
    ``population`` is the population the measure is per (see ``rate_population``)."""
    per = indicator.rates.per
    if indicator.unit == "percent":
        return 100 * count / denominator if denominator else np.nan
    if indicator.unit == "rate":
        return per * count / denominator if denominator else np.nan
    if indicator.rates.is_rate(measure):
        return per * count / population if population and np.isfinite(population) else np.nan
    return count


def rate_population(geography: Geography, level: str, measure: str, rates: RateBase) -> pd.Series:
    """The population a measure's rates are per, by area code of ``level``: residents for a count or a rate
    per residents, the workday population for the workday rate (NaN where it does not exist)."""
    if not rates.is_rate(measure):
        return geography.population(level)
    return geography.population(level, rates.population(measure))


def measure_label(indicator: Indicator, measure: str) -> str:
    """What the numbers are, in words: 'number', 'per 1,000 residents (Census 2021)', '%'."""
    if indicator.unit == "percent":
        return "% of respondents" if "survey" in indicator.definition.lower() else "%"
    if indicator.unit == "rate":
        return indicator.rates.words
    if indicator.rates.is_rate(measure):
        return indicator.rates.with_population_of(measure)
    return "number"


def rate_title(indicator: Indicator, measure: str = RATE) -> str:
    """The heading of a column of rates: 'Rate per 1,000 residents' for counts, else the indicator's own unit."""
    if indicator.is_count:
        return f"Rate {indicator.rates.words} {indicator.rates.population(measure).label}"
    return sentence_case(measure_label(indicator, RATE))


def effective_measure(indicator: Indicator, measure: str) -> str:
    """Percent and rate indicators have one measure of their own; counts offer count or a rate."""
    return measure if indicator.unit == "count" else indicator.unit


def format_number(value: float, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "no data"
    return f"{value:,.{decimals}f}"


def format_value(value: float, indicator: Indicator, measure: str, hidden_as: str | None = None) -> str:
    """A value as people read it: '1,234', '12.3 per 1,000', '83.1%', 'no data', or ``hidden_as`` (the
    disclosure rule's '<5') when the value is hidden."""
    if hidden_as is not None:
        return hidden_as
    if value is None or np.isnan(value):
        return "no data"
    unit = effective_measure(indicator, measure)
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "rate" or indicator.rates.is_rate(unit):
        return f"{value:,.1f} {indicator.rates.words}"
    return f"{value:,.0f}"
