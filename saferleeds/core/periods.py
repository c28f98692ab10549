"""Months as people write them, and the months a dataset can plausibly hold.

Every reader of uploaded files (police.uk downloads, indicator tables, the police.uk fetcher)
parses months here, so '2025-02', 'Feb-25' and a spreadsheet date all mean the same month, and
every reader refuses the same implausible months: before police.uk's first published month
(December 2010, so from 2010 on) or after the month in which the file is checked.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime

import pandas as pd

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
