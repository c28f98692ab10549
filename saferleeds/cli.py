"""The command implementations behind ``python -m saferleeds``; each returns an exit status."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from saferleeds import dataset, policeuk
from saferleeds.paths import PROJECT_ROOT, dataset_paths


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
    from saferleeds.build_default import build_default

    out = dataset_paths(arguments.out)
    out.data.mkdir(parents=True, exist_ok=True)
    project_catalogue = dataset_paths(PROJECT_ROOT).catalogue
    if not out.catalogue.exists():
        shutil.copyfile(project_catalogue, out.catalogue)
    build_default(arguments.source, out, log=lambda text: print(text, file=sys.stderr))
    print(f"Built the default dataset in {out.root}")
    return 0


def add_ingest_police_uk_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", help="police.uk street CSVs and/or bulk download zips")
    _add_home(parser)


def _progress(label: str) -> None:
    print(f"reading {label}", file=sys.stderr)


def ingest_police_uk_command(arguments: argparse.Namespace) -> int:
    paths = dataset_paths(arguments.home)
    loaded = dataset.load_dataset(paths)
    result = policeuk.read_police_uk(
        policeuk.sources_from_paths(arguments.files),
        loaded.geography,
        loaded.catalogue,
        loaded.lsoa_boundaries,
        progress=_progress,
    )
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    dataset.apply_police_uk(paths, result)
    print(result.summary())
    print(f"Replaced {len(result.months)} month(s) of police.uk indicators in {paths.values}")
    return 0


def add_info_arguments(parser: argparse.ArgumentParser) -> None:
    _add_home(parser)


def info_command(arguments: argparse.Namespace) -> int:
    loaded = dataset.load_dataset(dataset_paths(arguments.home))
    print(dataset.describe(loaded))
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


class ProgressBar:
    """A text progress bar on standard error: [#######.......] 7/28 Drug offences: map."""

    def __init__(self, stream=None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width

    def __call__(self, done: int, total: int, message: str) -> None:
        filled = round(self.width * done / total) if total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} {message[:40]:<40}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _pack_format(arguments: argparse.Namespace) -> str:
    from saferleeds.errors import DataError, Problem

    if arguments.format:
        return arguments.format
    suffix = Path(arguments.out).suffix.lower().lstrip(".")
    formats = {"pptx": "pptx", "pdf": "pdf", "xlsx": "xlsx", "zip": "csv", "csv": "csv"}
    if suffix not in formats:
        raise DataError(Problem("--format", "say which format to write: pptx, pdf, xlsx or csv"))
    return formats[suffix]


def board_pack_command(arguments: argparse.Namespace) -> int:
    from saferleeds.export import board_pack
    from saferleeds.values import write_atomic

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
