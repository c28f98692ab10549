"""The command implementations behind ``python -m saferleeds``; each returns an exit status."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from saferleeds.cli.progress import ProgressBar, StderrProgress
from saferleeds.core import dataset
from saferleeds.core.errors import DataError, Problem
from saferleeds.core.paths import PROJECT_ROOT, dataset_paths
from saferleeds.core.text import quoted
from saferleeds.ingest import gate, police_uk_api, store, validation
from saferleeds.ingest.boundary_upload import BoundaryOptions
from saferleeds.present.coverage import ledger_lines


def _add_home(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--home",
        help="dataset folder holding data/ and geo/ (default: $SAFERLEEDS_HOME or the project folder)",
    )


def add_build_default_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        default=str(PROJECT_ROOT.parent / "shared" / "data"),
        help="folder holding the open data for Leeds (default: ../shared/data)",
    )
    parser.add_argument("--out", help="folder to write data/ and geo/ into (default: the dataset folder)")


def build_default_command(arguments: argparse.Namespace) -> int:
    from saferleeds.ingest.build_default import build_default

    out = dataset_paths(arguments.out)
    out.data.mkdir(parents=True, exist_ok=True)
    project_catalogue = dataset_paths(PROJECT_ROOT).catalogue
    if not out.catalogue.exists():
        shutil.copyfile(project_catalogue, out.catalogue)
    build_default(arguments.source, out, log=lambda text: print(text, file=sys.stderr))
    print(f"Built the default dataset in {out.root}")
    return 0


def _add_upload_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        help="police.uk street CSVs or bulk zips, indicator tables (CSV, .xlsx, Parquet), boundary files "
        f"(GeoJSON, GeoPackage, zipped Shapefile); each up to {gate.MAX_UPLOAD_BYTES // 1024**2} MB",
    )
    parser.add_argument(
        "--kind",
        choices=list(validation.KINDS),
        default="auto",
        help="what the files are (default: worked out from each file)",
    )
    parser.add_argument(
        "--indicator", help="indicator id for tables without an 'indicator' column (for example feel_safe)"
    )
    parser.add_argument(
        "--layer", help="the layer to read from a GeoPackage (or a zip of several Shapefiles) that holds several"
    )
    parser.add_argument(
        "--repair-shapes",
        action="store_true",
        help="repair boundary shapes that are not valid (a bowtie, a spike) instead of refusing them",
    )
    _add_home(parser)


def add_validate_arguments(parser: argparse.ArgumentParser) -> None:
    _add_upload_arguments(parser)


def add_ingest_arguments(parser: argparse.ArgumentParser) -> None:
    _add_upload_arguments(parser)


def add_ingest_police_uk_arguments(parser: argparse.ArgumentParser) -> None:
    _add_upload_arguments(parser)
    parser.set_defaults(kind="police_uk")


def _print_report(report: validation.Report) -> None:
    """The report's lines: problems on standard error (where scripts look for them), the rest on standard output."""
    for line in report.lines():
        problem = line.startswith(("error:", "warning:"))
        print(line, file=sys.stderr if problem else sys.stdout)


def _checker(arguments: argparse.Namespace, uploads: list[gate.Upload]):
    """The check of the named files against a dataset, as the command line asked for it."""
    options = BoundaryOptions(
        layers={u.name: arguments.layer for u in uploads} if arguments.layer else {}, repair=arguments.repair_shapes
    )

    def check(loaded: dataset.Dataset) -> validation.Report:
        return validation.validate(
            uploads,
            loaded,
            kind=arguments.kind,
            default_indicator=arguments.indicator,
            progress=StderrProgress(),
            boundary_options=options,
        )

    return check


def validate_command(arguments: argparse.Namespace) -> int:
    paths = dataset_paths(arguments.home)
    store.recover(paths)
    loaded = dataset.load_dataset(paths)
    uploads = [gate.read_upload(name) for name in arguments.files]
    report = _checker(arguments, uploads)(loaded)
    _print_report(report)
    return 0 if report.ok else 1


def _applied(report: validation.Report, version: store.Version | None) -> int:
    _print_report(report)
    if version is None or report.changes is None:
        print("Nothing was applied.", file=sys.stderr)
        return 1
    print(f"Applied: {report.changes.description}.")
    print(f"The previous version is kept ({version.id}); 'python -m saferleeds restore' puts it back.")
    return 0


def ingest_command(arguments: argparse.Namespace) -> int:
    paths = dataset_paths(arguments.home)
    uploads = [gate.read_upload(name) for name in arguments.files]
    report, version = validation.check_and_apply(paths, _checker(arguments, uploads))
    return _applied(report, version)


def add_fetch_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", required=True, metavar="YYYY-MM", help="first month to fetch")
    parser.add_argument("--to", dest="end", required=True, metavar="YYYY-MM", help="last month to fetch")
    parser.add_argument(
        "--api-url",
        default=police_uk_api.api_url(),
        help=f"police.uk API address (default: ${police_uk_api.API_VARIABLE} or %(default)s)",
    )
    parser.add_argument(
        "--cache", help="folder keeping fetched areas, so a stopped fetch resumes (default: data/fetch-cache)"
    )
    parser.add_argument("--check-only", action="store_true", help="fetch and check, but do not apply")
    _add_home(parser)


def fetch_command(arguments: argparse.Namespace) -> int:
    months = police_uk_api.months_between(arguments.start, arguments.end)
    paths = dataset_paths(arguments.home)
    store.recover(paths)
    loaded = dataset.load_dataset(paths)
    client = police_uk_api.Client(base_url=arguments.api_url, log=lambda text: print(f"\n{text}", file=sys.stderr))
    cache = Path(arguments.cache) if arguments.cache else police_uk_api.default_cache(paths)
    progress = StderrProgress()
    uploads, lines = police_uk_api.fetch_police_uk(months, loaded.boundaries("city"), cache, client, progress)
    for line in lines:
        print(line)
    if not uploads:
        print("Nothing was fetched, so nothing was applied.")
        return 1
    if arguments.check_only:
        report = validation.validate(uploads, loaded, kind="police_uk", progress=progress)
        _print_report(report)
        return 0 if report.ok else 1
    report, version = validation.check_and_apply(
        paths, lambda current: validation.validate(uploads, current, kind="police_uk", progress=progress)
    )
    return _applied(report, version)


def add_restore_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--list", action="store_true", help="list the kept versions and restore nothing")
    parser.add_argument("--version", help="the id of the version to restore (default: the newest)")
    _add_home(parser)


def restore_command(arguments: argparse.Namespace) -> int:
    paths = dataset_paths(arguments.home)
    store.recover(paths)
    if arguments.list:
        versions = store.list_versions(paths)
        if not versions:
            print("No earlier versions are kept.")
        for version in versions:
            print(f"{version.id}  {version.label()}")
        return 0
    version = store.restore(paths, arguments.version)
    print(f"Restored {version.label()}.")
    print("The version it replaced is kept in turn; 'python -m saferleeds restore --list' shows them all.")
    return 0


def add_info_arguments(parser: argparse.ArgumentParser) -> None:
    _add_home(parser)


def info_command(arguments: argparse.Namespace) -> int:
    paths = dataset_paths(arguments.home)
    store.recover(paths)
    loaded = dataset.load_dataset(paths)
    print(dataset.describe(loaded))
    print("\n".join(ledger_lines(loaded)))
    return 0


def add_board_pack_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--area", default="leeds", help="area code (any vintage), slug or name; 'leeds' for the city")
    parser.add_argument("--period", help="months, first..last, e.g. 2024-03..2025-02 (default: the latest 12)")
    parser.add_argument(
        "--format", choices=("pptx", "pdf", "xlsx", "csv"), help="file type (default: from --out's extension)"
    )
    parser.add_argument("--out", required=True, help="file to write (a CSV pack is a zip of one CSV per table)")
    parser.add_argument(
        "--indicators", help="comma-separated indicator ids (default: the plan on a page's key indicators)"
    )
    parser.add_argument(
        "--priority", help="with the default indicators, only this priority's (victim, offender, location)"
    )
    parser.add_argument("--measure", choices=("count", "rate"), default="count", help="figures as numbers or rates")
    parser.add_argument("--level", default="ward", help="areas mapped in a pack for all of Leeds (default: ward)")
    _add_home(parser)


def _pack_format(arguments: argparse.Namespace) -> str:
    if arguments.format:
        return arguments.format
    suffix = Path(arguments.out).suffix.lower().lstrip(".")
    formats = {"pptx": "pptx", "pdf": "pdf", "xlsx": "xlsx", "zip": "csv", "csv": "csv"}
    if suffix not in formats:
        raise DataError(Problem("--format", "say which format to write: pptx, pdf, xlsx or csv"))
    return formats[suffix]


def board_pack_command(arguments: argparse.Namespace) -> int:
    from saferleeds.present.export import drawing

    fmt = _pack_format(arguments)
    from saferleeds.core.values import write_atomic
    from saferleeds.present.export import board_pack

    if fmt in drawing.PICTURE_FORMATS:
        # One drawing process, started once the libraries are loaded (it would slow their loading) and
        # ready by the first picture; this process works out every figure meanwhile.
        drawing.use_workers(1)
        drawing.warm()

    loaded = dataset.load_dataset(dataset_paths(arguments.home))
    levels = [lv for lv in loaded.catalogue.level_ids if lv != "city"]
    if arguments.level not in levels:
        raise DataError(
            Problem("--level", f"{quoted(arguments.level)} is not a level of areas; use one of {', '.join(levels)}")
        )
    indicators = (
        [i.strip() for i in arguments.indicators.split(",") if i.strip()]
        if arguments.indicators
        else board_pack.default_indicators(loaded, arguments.priority)
    )
    request = board_pack.PackRequest(
        area=board_pack.resolve_area(loaded, arguments.area),
        period=board_pack.parse_period(loaded, arguments.period),
        indicators=board_pack.check_indicators(loaded, indicators),
        measure=arguments.measure,
        level=arguments.level,
    )
    pack, data = board_pack.prepare(loaded, request, fmt, progress=ProgressBar())
    write_atomic(arguments.out, lambda temporary: temporary.write_bytes(data))
    print(f"Wrote {arguments.out} ({len(data) / 1024:,.0f} KB): {pack.title}, {request.period.label()}")
    return 0
