"""Checking uploaded files before anything is applied: the validation report.

``validate`` reads every file (police.uk street CSVs or bulk zips, indicator tables, boundary
files, priority-neighbourhood definitions), lists every problem with its file, row and column,
and says what applying would add, replace and leave alone. The report carries the changes;
``saferleeds.ingest.store.apply_changes`` writes them, and only a report without errors may be applied.
The Data page and the command line show the same report, in the same words.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from saferleeds.core.dataset import Dataset
from saferleeds.core.errors import DataError, Problem
from saferleeds.core.paths import NEIGHBOURHOODS_FILE, DatasetPaths
from saferleeds.core.periods import month_ranges
from saferleeds.ingest import police_uk
from saferleeds.ingest.area_matching import AreaMatcher
from saferleeds.ingest.boundary_upload import BOUNDARY_SUFFIXES, boundary_changes, read_boundary_upload
from saferleeds.ingest.indicator_tables import (
    TABLE_SUFFIXES,
    Table,
    catalogue_additions,
    catalogue_entries,
    entry_from_fields,
    find_column,
    long_records,
    read_tables,
    table_values,
)
from saferleeds.ingest.neighbourhood_upload import (
    describe_definition,
    is_neighbourhood_table,
    neighbourhood_csv,
    neighbourhoods_from_table,
)
from saferleeds.ingest.store import Changes, Upload, Version, apply_changes, check_upload_size, open_zip

KINDS = {
    "auto": "Work it out from the file",
    "police_uk": "police.uk street-level crime (CSV or bulk zip)",
    "table": "Indicator table (CSV, Excel, Parquet)",
    "boundaries": "Area boundaries (GeoJSON, GeoPackage, zipped Shapefile)",
    "neighbourhoods": "Priority neighbourhoods (list of LSOAs, or polygons)",
}
ACCEPTED_SUFFIXES = ("csv", "zip", "xlsx", "parquet", "geojson", "json", "gpkg")
POLICE_UK_HEADER = re.compile(r"crime[\s_]*type", re.IGNORECASE)
PREVIEW_ROWS = 20
Progress = Callable[[float, str], None]


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
                "Problem": [p.message for p in self.problems],
            }
        ).astype({"Row": "Int64"})

    def lines(self) -> list[str]:
        """The report as plain text lines (the command line prints these; the page shows the same)."""
        lines = [self.headline()]
        lines += [f"error: {p}" for p in self.errors]
        lines += [f"warning: {p}" for p in self.warnings]
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


def apply_report(paths: DatasetPaths, report: Report) -> Version:
    """Apply a checked report; one with errors (or nothing to apply) is refused and nothing is written."""
    if report.errors:
        raise DataError(report.errors)
    if not report.ok:
        raise DataError(Problem(", ".join(report.files) or "upload", "there is nothing to apply"))
    return apply_changes(paths, report.changes)


def _is_police_uk_csv(upload: Upload) -> bool:
    first_line = upload.data[:4096].split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    return bool(POLICE_UK_HEADER.search(first_line)) and "month" in first_line.lower()


def detect_kind(upload: Upload) -> str:
    """What a file is, from its name and first bytes."""
    suffix = upload.suffix
    if suffix == ".zip":
        try:
            names = zipfile.ZipFile(io.BytesIO(upload.data)).namelist()
        except (zipfile.BadZipFile, EOFError, ValueError):
            return "police_uk"  # the police.uk reader explains a damaged zip
        if any(n.lower().endswith(".shp") for n in names):
            return "boundaries"
        return "police_uk"
    if suffix == ".csv":
        return "police_uk" if _is_police_uk_csv(upload) else "table"
    if suffix in (".xlsx", ".parquet"):
        return "table"
    if suffix in BOUNDARY_SUFFIXES:
        return "boundaries"
    return "unknown"


def validate(
    uploads: list[Upload],
    dataset: Dataset,
    kind: str = "auto",
    new_entries: list[dict[str, Any]] | None = None,
    default_indicator: str | None = None,
    progress: Progress | None = None,
) -> Report:
    """Check the uploaded files against the dataset; nothing is written."""
    report = Report(files=[u.name for u in uploads])
    groups: dict[str, list[Upload]] = {"police_uk": [], "table": [], "boundaries": []}
    for upload in uploads:
        try:
            check_upload_size(upload.name, len(upload.data))
            if upload.suffix == ".zip":
                open_zip(upload)
        except DataError as exc:
            report.problems.extend(exc.problems)
            continue
        chosen = detect_kind(upload) if kind == "auto" else kind
        if chosen == "neighbourhoods":
            # a list of LSOAs is read as a table and recognised by its columns; polygons as boundaries
            chosen = "table" if upload.suffix in TABLE_SUFFIXES else "boundaries"
        if chosen not in groups:
            report.problems.append(
                Problem(upload.name, f"files of this type cannot be loaded; use {', '.join(ACCEPTED_SUFFIXES)}")
            )
            continue
        groups[chosen].append(upload)
    changes = Changes(description="")
    step = _stepper(progress, len(uploads))
    if groups["police_uk"]:
        changes = changes.merge(_police_uk(groups["police_uk"], dataset, report, step))
    if groups["table"]:
        changes = changes.merge(_tables(groups["table"], dataset, report, new_entries or [], default_indicator, step))
    for upload in groups["boundaries"]:
        changes = changes.merge(_boundaries(upload, dataset, report, kind, step))
    _check_cross_file_duplicates(changes, report)
    report.problems.sort(key=lambda p: (p.severity != "error", p.file, p.row or 0))
    report.changes = None if changes.empty else changes
    if report.changes is not None and report.changes.values is not None:
        _plan_values(report, dataset)
    elif report.changes is not None:
        report.left_alone.append("every indicator's values")
    if report.changes is not None and not report.errors:
        report.changes.description = report.changes.description or "loading " + ", ".join(report.files)
    if progress:
        progress(1.0, "checked")
    return report


def _stepper(progress: Progress | None, total: int) -> Callable[[str], None]:
    done = [0]

    def step(label: str) -> None:
        if progress:
            progress(min(done[0] / max(total, 1), 0.99), f"reading {label}")
        done[0] += 1

    return step


def _police_uk(uploads: list[Upload], dataset: Dataset, report: Report, step) -> Changes:
    sources = (source for upload in uploads for source in police_uk.sources_from_bytes(upload.name, upload.data))
    try:
        result = police_uk.read_police_uk(
            sources, dataset.geography, dataset.catalogue, dataset.lsoa_boundaries, progress=step
        )
    except DataError as exc:
        report.problems.extend(exc.problems)
        return Changes(description="")
    report.problems.extend(result.warnings)
    report.notes.append(result.summary())
    counts = result.counts
    totals = counts.groupby(["indicator", "period"])["value"].sum().unstack("period")
    totals.columns = [f"{c:%b %Y}" for c in totals.columns]
    labels = {i.id: i.label for i in dataset.catalogue.indicators}
    totals.index = [labels.get(i, i) for i in totals.index]
    report.previews["Leeds totals by month (police.uk)"] = totals.reset_index(names="Indicator")
    return Changes(
        description=f"police.uk street-level crime for {month_ranges(result.months)}",
        values=counts,
        updated=sorted(counts["indicator"].unique()),
    )


def _tables(
    uploads: list[Upload],
    dataset: Dataset,
    report: Report,
    new_entries: list[dict[str, Any]],
    default_indicator: str | None,
    step,
) -> Changes:
    data_tables: list[Table] = []
    catalogue_tables: list[Table] = []
    for upload in uploads:
        step(upload.name)
        try:
            data, sheets, warnings = read_tables(upload)
        except DataError as exc:
            report.problems.extend(exc.problems)
            continue
        report.problems.extend(warnings)
        data_tables += data
        catalogue_tables += sheets
    levels = dataset.catalogue.levels
    entries = catalogue_entries(catalogue_tables, levels) + [
        (entry_from_fields(e, levels), "new-indicator form", None) for e in new_entries
    ]
    catalogue_text = dataset.paths.catalogue.read_text(encoding="utf-8")
    new_text, new_indicators, problems = catalogue_additions(entries, dataset.catalogue, catalogue_text)
    report.problems.extend(problems)
    matcher = AreaMatcher(dataset.geography)
    changes = Changes(description="", catalogue_text=new_text)
    for indicator in new_indicators.values():
        report.new_labels[indicator.id] = indicator.label
        report.added.append(f"a new indicator in the catalogue: {indicator.label} ({indicator.id})")
    frames, described = [], []
    for table in data_tables:
        report.previews[table.label] = table.frame.head(PREVIEW_ROWS)
        if is_neighbourhood_table(table):
            changes = changes.merge(_neighbourhood_table(table, matcher, dataset, report))
            continue
        known = {i.id for i in dataset.catalogue.indicators} | set(new_indicators)
        if find_column(table, "indicator") is not None or default_indicator:
            try:
                ids = set(long_records(table, default_indicator)["indicator"]) - {""}
            except (KeyError, ValueError):
                ids = set()
            report.missing_indicators += sorted(ids - known - set(report.missing_indicators))
        result = table_values(table, dataset.catalogue, matcher, new_indicators, default_indicator)
        report.problems.extend(result.problems)
        report.notes.extend(result.notes)
        if not result.values.empty:
            frames.append(result.values)
            described.append(table.label)
    if frames:
        values = pd.concat(frames, ignore_index=True)
        changes = changes.merge(
            Changes(
                description=f"indicator tables ({', '.join(described)})",
                values=values,
                updated=sorted(values["indicator"].unique()),
            )
        )
    elif new_text is not None and not changes.description:
        changes.description = "new catalogue entries"
    return changes


def _neighbourhood_table(table: Table, matcher: AreaMatcher, dataset: Dataset, report: Report) -> Changes:
    rows, problems = neighbourhoods_from_table(table, matcher)
    report.problems.extend(problems)
    if problems:
        return Changes(description="")
    content = neighbourhood_csv(rows, dataset.geography, f"listed in {table.label}")
    report.replaced.append(f"the priority neighbourhoods: now {describe_definition(rows)}")
    report.notes.append(
        "Values stored for the old priority neighbourhoods' own codes (if any) are left alone; figures built "
        "from LSOAs follow the new definition."
    )
    return Changes(
        description=f"priority neighbourhoods from {table.label}", files={f"data/{NEIGHBOURHOODS_FILE}": content}
    )


def _boundaries(upload: Upload, dataset: Dataset, report: Report, kind: str, step) -> Changes:
    step(upload.name)
    boundary_kind = {"neighbourhoods": "neighbourhoods", "boundaries": "areas"}.get(kind, "auto")
    with tempfile.TemporaryDirectory(prefix="saferleeds-upload-") as folder:
        try:
            frame, warnings = read_boundary_upload(upload, Path(folder))
        except DataError as exc:
            report.problems.extend(exc.problems)
            return Changes(description="")
        report.problems.extend(warnings)
        result = boundary_changes(frame, upload.name, dataset.geography, dataset.lsoa_boundaries(), boundary_kind)
    report.problems.extend(result.problems)
    report.notes.extend(result.notes)
    report.replaced.extend(result.replaced)
    if result.preview is not None:
        report.previews[upload.name] = result.preview.head(PREVIEW_ROWS)
    return Changes(description=result.description, files=result.files)


def _check_cross_file_duplicates(changes: Changes, report: Report) -> None:
    values = changes.values
    if values is None or values.empty:
        return
    keys = values[["indicator", "area_code", "period", "source"]]
    doubled = keys[keys.duplicated(["indicator", "area_code", "period"], keep=False)]
    for (indicator, area, period), group in list(doubled.groupby(["indicator", "area_code", "period"]))[:50]:
        sources = " and ".join(sorted(set(group["source"])))
        report.problems.append(
            Problem(
                sources,
                f"duplicate: {indicator} for {area} in {pd.Timestamp(period):%B %Y} is given more than once",
            )
        )


def _grouped(items: dict[str, list[str]]) -> list[str]:
    """'March 2025: Burglary, Robbery' lines, one per distinct description."""
    return [
        f"{what}: {', '.join(labels)}"
        if len(labels) <= 3
        else f"{what}: {len(labels)} indicators ({', '.join(labels)})"
        for what, labels in items.items()
    ]


def _plan_values(report: Report, dataset: Dataset) -> None:
    values = report.changes.values
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
    touched = set(values["indicator"])
    others = [i.label for i in dataset.catalogue.indicators if i.id not in touched]
    if others:
        report.left_alone.append(f"every month of {len(others)} other indicators: {', '.join(others)}")
    if not any("boundaries" in item or "neighbourhoods" in item for item in report.replaced):
        report.left_alone.append("all boundaries and the priority-neighbourhood definition")
