"""Months: a period of whole months and how it reads in words, and months as people write them.

Every page, export and report says which months it shows in the same words, from here. Every reader of
uploaded files (police.uk downloads, indicator tables, the police.uk fetcher) parses months here, so
'2025-02', 'Feb-25' and a spreadsheet date all mean the same month, and every reader refuses the same
implausible months: before police.uk's first published month (December 2010, so from 2010 on) or after
the month in which the file is checked.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Period:
    """A range of whole months, both ends included."""

    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def comparison(self) -> Period:
        """The period a change is measured against: the same months a year earlier, or for
        periods longer than a year the equally long period just before."""
        shift = max(12, self.months)
        return Period(self.start - pd.DateOffset(months=shift), self.end - pd.DateOffset(months=shift))

    def label(self) -> str:
        if self.start == self.end:
            return self.end.strftime("%B %Y")
        return f"{self.start:%B %Y} to {self.end:%B %Y}"

    def short_label(self) -> str:
        if self.start == self.end:
            return self.end.strftime("%b %Y")
        return f"{self.start:%b %Y} to {self.end:%b %Y}"

    def contains(self, periods: pd.Series) -> pd.Series:
        return (periods >= self.start) & (periods <= self.end)


def month_ranges(months: list[pd.Timestamp]) -> str:
    """'April 2016 to January 2025, March 2025' for a list of month starts."""
    ordered = sorted({pd.Timestamp(m) for m in months})
    spans: list[list[pd.Timestamp]] = []
    for month in ordered:
        if spans and month == spans[-1][-1] + pd.DateOffset(months=1):
            spans[-1].append(month)
        else:
            spans.append([month])
    return ", ".join(f"{s[0]:%B %Y}" if len(s) == 1 else f"{s[0]:%B %Y} to {s[-1]:%B %Y}" for s in spans)


FIRST_PLAUSIBLE_YEAR = 2010
MONTH_FORMATS = (
    "%Y-%m",
    "%Y-%m-%d",
    "%Y/%m",
    "%b-%y",
    "%b-%Y",
    "%B-%y",
    "%B-%Y",
    "%b %Y",
    "%B %Y",
    "%b %y",
    "%m/%Y",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%Y-%m-%dT%H:%M:%S",
    "%d-%b-%y",
    "%d-%b-%Y",
)
LONGEST_MONTH_TEXT = 40  # longer text is not a month in any of the formats above


def parse_month(text: object) -> pd.Timestamp | None:
    """The month start for a month in any common spelling ('2025-02', 'Feb-25', a date), or None."""
    if isinstance(text, datetime | date | pd.Timestamp):
        stamp = pd.Timestamp(text)
        return None if pd.isna(stamp) else pd.Timestamp(stamp.year, stamp.month, 1)
    value = str(text).strip()
    if not value or len(value) > LONGEST_MONTH_TEXT:
        return None
    for fmt in MONTH_FORMATS:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return pd.Timestamp(parsed.year, parsed.month, 1)
    return None


def current_month(today: date | None = None) -> pd.Timestamp:
    today = today or date.today()
    return pd.Timestamp(today.year, today.month, 1)


def first_plausible_month() -> pd.Timestamp:
    return pd.Timestamp(FIRST_PLAUSIBLE_YEAR, 1, 1)


def implausible_month(month: pd.Timestamp, today: date | None = None) -> str | None:
    """Why a month cannot be a month of data (before 2010, or after the current month), or None."""
    if month < first_plausible_month():
        first = first_plausible_month()
        return f"{month:%B %Y} is before {first:%B %Y}, the earliest month that can be loaded"
    latest = current_month(today)
    if month > latest:
        return f"{month:%B %Y} has not happened yet (the latest month that can be loaded is {latest:%B %Y})"
    return None


def month_span(months: list[pd.Timestamp]) -> str:
    """Months in words: 'February 2025', or 'April 2016 to February 2025 (107 months)' for a run."""
    if not months:
        return "no months"
    ordered = sorted(months)
    consecutive = all((b.year - a.year) * 12 + b.month - a.month == 1 for a, b in itertools.pairwise(ordered))
    if len(ordered) > 2 and consecutive:
        return f"{ordered[0]:%B %Y} to {ordered[-1]:%B %Y} ({len(ordered)} months)"
    if len(ordered) > 6:
        return f"{len(ordered)} months from {ordered[0]:%B %Y} to {ordered[-1]:%B %Y}"
    return ", ".join(m.strftime("%B %Y") for m in ordered)
