"""How long checking and applying uploads takes, against the bare reader in the same run.

    python -m bench.bench_data_upload [--repeat 3]

Prints, for one month of police.uk data for Leeds (8,009 rows) and for a long indicator table
(488 LSOAs x 24 months), the best of ``--repeat`` runs of:
* baseline: the police.uk reader alone, then a bare rewrite of the values table
  (no report, no kept version, no journal);
* validate: the full validation report (what the Data page and ``python -m saferleeds validate`` do);
* apply: ``store.apply_changes`` (keeps the previous version, journal, atomic writes).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from saferleeds.core.dataset import load_dataset
from saferleeds.core.paths import PROJECT_ROOT, dataset_paths
from saferleeds.core.values import read_values, replace_rows, write_values
from saferleeds.ingest import gate, police_uk, store
from saferleeds.ingest.validation import validate

POLICE = PROJECT_ROOT.parent / "shared" / "data" / "police_uk_leeds_2025-02_street.csv"


def fresh_home(folder: Path):
    for name in ("data", "geo"):
        shutil.copytree(PROJECT_ROOT / name, folder / name, ignore=shutil.ignore_patterns("versions", "fetch-cache"))
    return dataset_paths(folder)


def best(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as folder:
            paths = fresh_home(Path(folder))
            dataset = load_dataset(paths)
            start = time.perf_counter()
            run(paths, dataset)
            times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat

    police = gate.Upload("leeds-2025-03-street.csv", POLICE.read_bytes().replace(b",2025-02,", b",2025-03,"))
    lsoas = load_dataset(dataset_paths(PROJECT_ROOT)).geography.lsoa.index
    months = pd.date_range("2023-03-01", periods=24, freq="MS").strftime("%Y-%m")
    grid = pd.MultiIndex.from_product([lsoas, months]).to_frame(index=False, name=["area_code", "period"])
    grid.insert(0, "indicator", "hate_incidents")
    grid["value"] = np.random.default_rng(1).poisson(2, len(grid))
    table = gate.Upload("hate.csv", grid.to_csv(index=False).encode())

    def baseline(paths, dataset):
        result = police_uk.read_police_uk(
            police_uk.sources_from_bytes(police.name, police.data),
            dataset.geography,
            dataset.catalogue,
            dataset.lsoa_boundaries,
        )
        updated = replace_rows(read_values(paths.values), result.counts, on=("indicator", "period"))
        write_values(updated, paths.values)

    def check(upload):
        return lambda paths, dataset: validate([upload], dataset)

    def check_and_apply(upload):
        return lambda paths, dataset: store.apply_changes(paths, validate([upload], dataset).changes)

    figures = {
        "police.uk month: baseline reader + bare write": best(repeat, baseline),
        "police.uk month: validate (report)": best(repeat, check(police)),
        "police.uk month: validate + apply (kept version)": best(repeat, check_and_apply(police)),
        f"indicator table ({len(grid):,} rows): validate": best(repeat, check(table)),
        f"indicator table ({len(grid):,} rows): validate + apply": best(repeat, check_and_apply(table)),
    }
    base = next(iter(figures.values()))
    print(f"best of {repeat} runs")
    for name, seconds in figures.items():
        print(f"{name:<58} {seconds:7.3f} s   {seconds / base:5.2f}x baseline")


if __name__ == "__main__":
    main()
