"""The validation report: every problem found in a set of files, and what applying them would do.

The Data page and the command line show the same report, in the same words. The report carries
the changes; only a report without errors may be applied. Messages are kept short: a value a
message quotes is cut to 80 characters, and a whole message to MESSAGE_LENGTH.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from saferleeds.core.dataset import Dataset
from saferleeds.core.errors import Problem
from saferleeds.core.periods import month_ranges
from saferleeds.core.text import shortened
from saferleeds.ingest.store import Changes

MESSAGE_LENGTH = 400


@dataclass
class Report:
    """Everything found in a set of uploaded files, and what applying them would do."""

    files: list[str]
    problems: list[Problem] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    left_alone: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    previews: dict[str, pd.DataFrame] = field(default_factory=dict)
    missing_indicators: list[str] = field(default_factory=list)
    new_labels: dict[str, str] = field(default_factory=dict)
    layers: dict[str, list[str]] = field(default_factory=dict)  # file -> its layers, when one must be chosen
    invalid_shapes: dict[str, int] = field(default_factory=dict)  # file -> features whose shapes are not valid
    changes: Changes | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    @property
    def ok(self) -> bool:
        """True when the files can be applied: no errors and something to change."""
        return not self.errors and self.changes is not None and not self.changes.empty

    def headline(self) -> str:
        if self.errors:
            count = len(self.errors)
            return f"{count:,} problem{'s' if count != 1 else ''} must be fixed before anything can be applied."
        if not self.ok:
            return "There is nothing to apply."
        return "No problems found: the files can be applied."

    def problem_table(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "Severity": [p.severity for p in self.problems],
                "File": [p.file for p in self.problems],
                "Row": [p.row for p in self.problems],
                "Column": [p.column or "" for p in self.problems],
                "Problem": [shortened(p.message, MESSAGE_LENGTH) for p in self.problems],
            }
        ).astype({"Row": "Int64"})

    def lines(self) -> list[str]:
        """The report as plain text lines (the command line prints these; the page shows the same)."""
        lines = [self.headline()]
        lines += [f"error: {shortened(p, MESSAGE_LENGTH)}" for p in self.errors]
        lines += [f"warning: {shortened(p, MESSAGE_LENGTH)}" for p in self.warnings]
        for heading, items in self.outcome():
            lines.append(f"{heading}:")
            lines += [f"  - {item}" for item in items]
        return lines

    def outcome(self) -> list[tuple[str, list[str]]]:
        """What applying would do, under headings; headings with nothing under them are left out."""
        sections = (
            ("Will be added", self.added),
            ("Will be replaced", self.replaced),
            ("Left alone", self.left_alone),
            ("Notes", self.notes),
        )
        return [(heading, list(items)) for heading, items in sections if items]


def _grouped(items: dict[str, list[str]]) -> list[str]:
    """'March 2025: Burglary, Robbery' lines, one per distinct description."""
    return [
        f"{what}: {', '.join(labels)}"
        if len(labels) <= 3
        else f"{what}: {len(labels)} indicators ({', '.join(labels)})"
        for what, labels in items.items()
    ]


def plan_values(report: Report, dataset: Dataset) -> None:
    """What applying the report's values would add, replace and leave alone, in words."""
    values = report.changes.values if report.changes is not None else None
    if values is None:
        return
    labels = {i.id: i.label for i in dataset.catalogue.indicators} | report.new_labels
    added: dict[str, list[str]] = {}
    replaced: dict[str, list[str]] = {}
    kept_months: dict[str, list[str]] = {}
    for indicator, group in values.groupby("indicator"):
        months = sorted(pd.Timestamp(m) for m in group["period"].unique())
        existing = dataset.rows(str(indicator))
        held = {pd.Timestamp(m) for m in existing["period"].unique()} if not existing.empty else set()
        label = labels.get(indicator, indicator)
        new = [m for m in months if m not in held]
        old = [m for m in months if m in held]
        if new:
            added.setdefault(f"new months {month_ranges(new)}", []).append(label)
        if old:
            was = existing[existing["period"].isin(old)]["status"].value_counts()
            was_words = " and ".join(f"{status}" for status in was.index)
            replaced.setdefault(f"{month_ranges(old)} (now {was_words})", []).append(label)
        kept = sorted(held - set(months))
        if kept:
            kept_months.setdefault(f"the other months ({month_ranges(kept)})", []).append(label)
    report.added += _grouped(added)
    report.replaced += _grouped(replaced)
    report.left_alone += _grouped(kept_months)
    touched = set(values["indicator"].unique().tolist())
    others = [i.label for i in dataset.catalogue.indicators if i.id not in touched]
    if others:
        report.left_alone.append(f"every month of {len(others)} other indicators: {', '.join(others)}")
    if not any("boundaries" in item or "neighbourhoods" in item for item in report.replaced):
        report.left_alone.append("all boundaries and the priority-neighbourhood definition")
