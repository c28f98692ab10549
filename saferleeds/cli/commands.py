"""The command implementations behind ``python -m saferleeds``; each returns an exit status."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from saferleeds.cli.progress import ProgressBar, StderrProgress
from saferleeds.core import dataset
from saferleeds.core.paths import PROJECT_ROOT, dataset_paths
from saferleeds.ingest import police_uk_api, store, validation
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
        f"(GeoJSON, GeoPackage, zipped Shapefile); each up to {store.MAX_UPLOAD_BYTES // 1024**2} MB",
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


def _check(arguments: argparse.Namespace) -> tuple[object, validation.Report]:
    paths = dataset_paths(arguments.home)
    store.recover(paths)
    loaded = dataset.load_dataset(paths)
    uploads = [store.read_upload(name) for name in arguments.files]
    report = validation.validate(
        uploads, loaded, kind=arguments.kind, default_indicator=arguments.indicator, progress=StderrProgress()
    )
    return paths, report


def validate_command(arguments: argparse.Namespace) -> int:
    _, report = _check(arguments)
    _print_report(report)
    return 0 if report.ok else 1


def _apply(paths, report: validation.Report) -> int:
    _print_report(report)
    if not report.ok:
        print("Nothing was applied.", file=sys.stderr)
        return 1
    version = validation.apply_report(paths, report)
    print(f"Applied: {report.changes.description}.")
    print(f"The previous version is kept ({version.id}); 'python -m saferleeds restore' puts it back.")
    return 0


def ingest_command(arguments: argparse.Namespace) -> int:
    paths, report = _check(arguments)
    return _apply(paths, report)


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
    report = validation.validate(uploads, loaded, kind="police_uk", progress=progress)
    if arguments.check_only:
        _print_report(report)
        return 0 if report.ok else 1
    return _apply(paths, report)


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
    from saferleeds.core.errors import DataError, Problem

    if arguments.format:
        return arguments.format
    suffix = Path(arguments.out).suffix.lower().lstrip(".")
    formats = {"pptx": "pptx", "pdf": "pdf", "xlsx": "xlsx", "zip": "csv", "csv": "csv"}
    if suffix not in formats:
        raise DataError(Problem("--format", "say which format to write: pptx, pdf, xlsx or csv"))
    return formats[suffix]


def board_pack_command(arguments: argparse.Namespace) -> int:
    from saferleeds.core.values import write_atomic
    from saferleeds.present.export import board_pack

    fmt = _pack_format(arguments)
    loaded = dataset.load_dataset(dataset_paths(arguments.home))
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
    bar = ProgressBar()
    pack = board_pack.assemble(
        loaded,
        request,
        progress=lambda done, total, message: bar(done, total + 1, message),
        charts=board_pack.needs_charts(fmt),
    )
    steps = len(request.indicators) * (3 if board_pack.needs_charts(fmt) else 1) + 2
    data = board_pack.write(pack, fmt)
    write_atomic(arguments.out, lambda temporary: temporary.write_bytes(data))
    bar(steps, steps, f"wrote {board_pack.FORMATS[fmt][0]}")
    print(f"Wrote {arguments.out} ({len(data) / 1024:,.0f} KB): {pack.title}, {request.period.label()}")
    return 0
