"""Months: a period of whole months, how it reads in words, and runs of months in words.

Every page, export and report says which months it shows in the same words, from here.
"""

from __future__ import annotations

from dataclasses import dataclass

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
