"""Checking uploaded files before anything is applied, and applying a clean report.

``validate`` passes every file through the one gate (``saferleeds.ingest.gate``: what it is, from
its bytes, and whether it is within the bounds of its kind), then reads it with the reader of its
kind (police.uk street CSVs or bulk zips, indicator tables, boundary files, priority-neighbourhood
definitions), lists every problem with its file, row and column, and says what applying would
add, replace and leave alone (``saferleeds.ingest.report``). Nothing is written. The report's
changes remember the dataset version they were checked against; ``check_and_apply`` applies them
only to that version, and checks the files again when another change got in first.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from saferleeds.core.dataset import Dataset, load_dataset
from saferleeds.core.errors import DataError, Problem
from saferleeds.core.paths import NEIGHBOURHOODS_FILE, DatasetPaths
from saferleeds.core.periods import month_ranges
from saferleeds.ingest import gate, police_uk, store
from saferleeds.ingest.area_matching import AreaMatcher
from saferleeds.ingest.boundary_files import ChooseLayer, read_boundary_upload
from saferleeds.ingest.boundary_upload import BoundaryOptions, boundary_changes
from saferleeds.ingest.gate import Upload
from saferleeds.ingest.indicator_tables import long_records, table_values
from saferleeds.ingest.neighbourhood_upload import (
    describe_definition,
    is_neighbourhood_table,
    neighbourhood_csv,
    neighbourhoods_from_table,
)
from saferleeds.ingest.new_indicators import catalogue_additions, catalogue_entries, entry_from_fields
from saferleeds.ingest.report import Report, plan_values
from saferleeds.ingest.store import Changes, Version
from saferleeds.ingest.table_files import Table, find_column, read_tables

__all__ = ["ACCEPTED_SUFFIXES", "KINDS", "Report", "apply_report", "check_and_apply", "validate"]

KINDS = {
    "auto": "Work it out from the file",
    "police_uk": "police.uk street-level crime (CSV or bulk zip)",
    "table": "Indicator table (CSV, Excel, Parquet)",
    "boundaries": "Area boundaries (GeoJSON, GeoPackage, zipped Shapefile)",
    "neighbourhoods": "Priority neighbourhoods (list of LSOAs, or polygons)",
}
ACCEPTED_SUFFIXES = ("csv", "zip", "xlsx", "parquet", "geojson", "json", "gpkg")
# What each kind of file can be, by its bytes; the first route listed for a format is taken for "auto".
ROUTES = {
    "police_uk": ("text", "zip"),
    "table": ("text", "xlsx", "parquet"),
    "boundaries": ("shapefile", "gpkg", "json", "zip"),
}
POLICE_UK_HEADER = re.compile(r"crime[\s_]*type", re.IGNORECASE)
PREVIEW_ROWS = 20
APPLY_ATTEMPTS = 20
Progress = Callable[[float, str], None]


def apply_report(paths: DatasetPaths, report: Report) -> Version:
    """Apply a checked report; one with errors (or nothing to apply) is refused and nothing is written.

    Raises ``store.StaleChanges`` when the data changed after the files were checked.
    """
    if report.errors:
        raise DataError(report.errors)
    if not report.ok or report.changes is None:
        raise DataError(Problem(", ".join(report.files) or "upload", "there is nothing to apply"))
    return store.apply_changes(paths, report.changes)


def check_and_apply(paths: DatasetPaths, check: Callable[[Dataset], Report]) -> tuple[Report, Version | None]:
    """Check against the data in use and apply if clean; when another apply got in first, check again."""
    for _ in range(APPLY_ATTEMPTS):
        store.recover(paths)
        report = check(load_dataset(paths))
        if not report.ok:
            return report, None
        try:
            return report, apply_report(paths, report)
        except store.StaleChanges:
            continue
    raise DataError(Problem(str(paths.data), "the data kept changing while the files were being checked; try again"))


def _is_police_uk_csv(upload: Upload) -> bool:
    first_line = upload.data[:4096].split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    return bool(POLICE_UK_HEADER.search(first_line)) and "month" in first_line.lower()


def detect_kind(upload: Upload, found: str | None = None) -> str:
    """What a file is (police_uk, table or boundaries), from its bytes."""
    found = found or gate.identify(upload)
    if found == "text":
        return "police_uk" if _is_police_uk_csv(upload) else "table"
    return next(kind for kind, formats in ROUTES.items() if found in formats)


def _route(upload: Upload, kind: str, report: Report) -> tuple[str, str] | None:
    """(reader, format) for one file, after the gate; None (with the problem reported) if refused."""
    try:
        gate.check_upload_size(upload.name, len(upload.data))
        found = gate.identify(upload)
    except DataError as exc:
        report.problems.extend(exc.problems)
        return None
    warning = gate.name_warning(upload, found)
    if warning is not None:
        report.problems.append(warning)
    if kind == "auto":
        return detect_kind(upload, found), found
    wanted = ("table", "boundaries") if kind == "neighbourhoods" else (kind,)
    for reader in wanted:
        if found in ROUTES[reader]:
            return reader, found
    words = " or ".join(KINDS[k].lower() for k in wanted)
    report.problems.append(Problem(upload.name, f"this is {gate.FORMAT_WORDS[found]}, not {words}"))
    return None


def validate(
    uploads: list[Upload],
    dataset: Dataset,
    kind: str = "auto",
    new_entries: list[dict[str, Any]] | None = None,
    default_indicator: str | None = None,
    progress: Progress | None = None,
    boundary_options: BoundaryOptions | None = None,
) -> Report:
    """Check the uploaded files against the dataset; nothing is written."""
    report = Report(files=[u.name for u in uploads])
    groups: dict[str, list[tuple[Upload, str]]] = {"police_uk": [], "table": [], "boundaries": []}
    for upload in uploads:
        routed = _route(upload, kind, report)
        if routed is not None:
            groups[routed[0]].append((upload, routed[1]))
    changes = Changes(description="")
    step = _stepper(progress, len(uploads))
    if groups["police_uk"]:
        changes = changes.merge(_police_uk([u for u, _ in groups["police_uk"]], dataset, report, step))
    if groups["table"]:
        changes = changes.merge(_tables(groups["table"], dataset, report, new_entries or [], default_indicator, step))
    options = boundary_options or BoundaryOptions()
    for upload, found in groups["boundaries"]:
        changes = changes.merge(_boundaries(upload, found, dataset, report, kind, options, step))
    _check_cross_file_duplicates(changes, report)
    _finish(report, changes, dataset)
    if progress:
        progress(1.0, "checked")
    return report


def _finish(report: Report, changes: Changes, dataset: Dataset) -> None:
    report.problems.sort(key=lambda p: (p.severity != "error", p.file, p.row or 0))
    report.changes = None if changes.empty else changes
    if report.changes is None:
        return
    report.changes.based_on = dataset.version
    if report.changes.values is not None:
        plan_values(report, dataset)
    else:
        report.left_alone.append("every indicator's values")
    if not report.errors:
        report.changes.description = report.changes.description or "loading " + ", ".join(report.files)


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


def _read_all(uploads: list[tuple[Upload, str]], report: Report, step) -> tuple[list[Table], list[Table]]:
    data_tables: list[Table] = []
    catalogue_tables: list[Table] = []
    for upload, found in uploads:
        step(upload.name)
        try:
            data, sheets, warnings = read_tables(upload, found)
        except DataError as exc:
            report.problems.extend(exc.problems)
            continue
        report.problems.extend(warnings)
        data_tables += data
        catalogue_tables += sheets
    return data_tables, catalogue_tables


def _new_catalogue(
    catalogue_tables: list[Table], new_entries: list[dict[str, Any]], dataset: Dataset, report: Report
) -> tuple[str | None, dict]:
    levels = dataset.catalogue.levels
    entries = catalogue_entries(catalogue_tables, levels) + [
        (entry_from_fields(e, levels), "new-indicator form", None) for e in new_entries
    ]
    catalogue_text = dataset.paths.catalogue.read_text(encoding="utf-8")
    new_text, new_indicators, problems = catalogue_additions(entries, dataset.catalogue, catalogue_text)
    report.problems.extend(problems)
    for indicator in new_indicators.values():
        report.new_labels[indicator.id] = indicator.label
        report.added.append(f"a new indicator in the catalogue: {indicator.label} ({indicator.id})")
    return new_text, new_indicators


def _missing_indicators(table: Table, known: set[str], default_indicator: str | None, report: Report) -> None:
    if find_column(table, "indicator") is None and not default_indicator:
        return
    try:
        ids = set(long_records(table, default_indicator)["indicator"].unique().tolist()) - {""}
    except (KeyError, ValueError):
        ids = set()
    report.missing_indicators += sorted(ids - known - set(report.missing_indicators))


def _tables(
    uploads: list[tuple[Upload, str]],
    dataset: Dataset,
    report: Report,
    new_entries: list[dict[str, Any]],
    default_indicator: str | None,
    step,
) -> Changes:
    data_tables, catalogue_tables = _read_all(uploads, report, step)
    new_text, new_indicators = _new_catalogue(catalogue_tables, new_entries, dataset, report)
    matcher = AreaMatcher(dataset.geography)
    changes = Changes(description="", catalogue_text=new_text)
    known = {i.id for i in dataset.catalogue.indicators} | set(new_indicators)
    frames, described = [], []
    for table in data_tables:
        report.previews[table.label] = table.frame.head(PREVIEW_ROWS)
        if is_neighbourhood_table(table):
            changes = changes.merge(_neighbourhood_table(table, matcher, dataset, report))
            continue
        _missing_indicators(table, known, default_indicator, report)
        result = table_values(table, dataset.catalogue, matcher, new_indicators, default_indicator)
        report.problems.extend(result.problems)
        report.notes.extend(result.notes)
        if not result.values.empty:
            frames.append(result.values)
            described.append(table.label)
    if frames:
        values = pd.concat(frames, ignore_index=True)
        description = f"indicator tables ({', '.join(described)})"
        changes = changes.merge(Changes(description, values=values, updated=sorted(values["indicator"].unique())))
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


def _boundaries(
    upload: Upload, found: str, dataset: Dataset, report: Report, kind: str, options: BoundaryOptions, step
) -> Changes:
    step(upload.name)
    boundary_kind = {"neighbourhoods": "neighbourhoods", "boundaries": "areas"}.get(kind, "auto")
    with tempfile.TemporaryDirectory(prefix="saferleeds-upload-") as folder:
        try:
            frame, warnings = read_boundary_upload(upload, Path(folder), found, options.layers.get(upload.name))
        except ChooseLayer as exc:
            report.problems.extend(exc.problems)
            report.layers[upload.name] = exc.layers
            return Changes(description="")
        except DataError as exc:
            report.problems.extend(exc.problems)
            return Changes(description="")
        report.problems.extend(warnings)
        result = boundary_changes(
            frame, upload.name, dataset.geography, dataset.lsoa_boundaries(), boundary_kind, options.repair
        )
    report.problems.extend(result.problems)
    report.notes.extend(result.notes)
    report.replaced.extend(result.replaced)
    if result.invalid_shapes:
        report.invalid_shapes[upload.name] = result.invalid_shapes
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
