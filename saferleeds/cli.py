"""The command implementations behind ``python -m saferleeds``; each returns an exit status."""

from __future__ import annotations

import argparse
import shutil
import sys

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
