"""Benchmark: ingesting 1,000,000 police.uk rows against merely parsing the same CSVs.

The rows are made by repeating the real February 2025 month for Leeds (``../shared/data``) across
consecutive months, one police.uk-style CSV per month (``YYYY-MM/YYYY-MM-west-yorkshire-street.csv``),
with every coordinate jittered by up to about 50 metres. One row in fifty has its LSOA code and name
blanked, so those rows are placed by point-in-polygon on their coordinates, as the ingest does for
real rows without a code.

Timed in the same process, median of 5 rounds (each round runs both, one after the other):

* baseline: ``pandas.read_csv`` on every CSV (parsing only);
* ingest: ``saferleeds.ingest.police_uk.read_police_uk`` from the files to the complete grid of monthly
  counts per LSOA and indicator, including reading the LSOA boundaries for point-in-polygon.

Run from the project root: ``python bench/bench_ingest.py`` (``--rows`` and ``--runs`` to change the
size). Targets: ingest at most 3 s, and at most 4x the baseline.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from saferleeds.core.boundaries import read_boundary
from saferleeds.core.dataset import load_dataset
from saferleeds.core.paths import PROJECT_ROOT, dataset_paths
from saferleeds.ingest import police_uk

REAL_MONTH_FILE = PROJECT_ROOT.parent / "shared" / "data" / "police_uk_leeds_2025-02_street.csv"
JITTER_DEGREES = 0.0005  # about 35 m east-west and 55 m north-south at Leeds
SHARE_WITHOUT_CODE = 0.02
SEED = 7


def make_csvs(folder: Path, rows: int, seed: int = SEED) -> list[Path]:
    """Write ``rows`` police.uk rows, one CSV per month, and return the file paths."""
    real = pd.read_csv(REAL_MONTH_FILE, dtype=str, keep_default_na=False)
    rng = np.random.default_rng(seed)
    months = -(-rows // len(real))
    last = pd.Timestamp("2025-02-01")
    paths = []
    written = 0
    for number in range(months):
        month = (last - pd.DateOffset(months=months - 1 - number)).strftime("%Y-%m")
        size = min(len(real), rows - written)
        frame = real.iloc[:size].copy()
        frame["Month"] = month
        for column in ("Longitude", "Latitude"):
            jitter = rng.uniform(-JITTER_DEGREES, JITTER_DEGREES, size)
            frame[column] = np.round(frame[column].astype(float).to_numpy() + jitter, 6).astype(str)
        blank = rng.random(size) < SHARE_WITHOUT_CODE
        frame.loc[blank, ["LSOA code", "LSOA name"]] = ""
        path = folder / month / f"{month}-west-yorkshire-street.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        paths.append(path)
        written += size
    return paths


def interleaved_medians(runs: int, *jobs) -> list[tuple[float, object]]:
    """Median time of each job over ``runs`` rounds; each round runs every job once, in turn, so
    that a busy moment on a shared machine falls on all of them alike."""
    times: list[list[float]] = [[] for _ in jobs]
    results: list[object] = [None] * len(jobs)
    for _ in range(runs):
        for i, job in enumerate(jobs):
            start = time.perf_counter()
            results[i] = job()
            times[i].append(time.perf_counter() - start)
    return [(statistics.median(t), r) for t, r in zip(times, results, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()

    dataset = load_dataset(dataset_paths(PROJECT_ROOT))
    with tempfile.TemporaryDirectory(prefix="saferleeds-bench-") as temporary:
        paths = make_csvs(Path(temporary), arguments.rows)
        size_mb = sum(p.stat().st_size for p in paths) / 1e6
        print(
            f"{arguments.rows:,} rows in {len(paths)} monthly CSVs ({size_mb:.0f} MB), "
            f"{SHARE_WITHOUT_CODE:.0%} of them without an LSOA code"
        )

        def parse() -> list[pd.DataFrame]:
            return [pd.read_csv(p) for p in paths]

        def ingest() -> police_uk.IngestResult:
            return police_uk.read_police_uk(
                police_uk.sources_from_paths(paths),
                dataset.geography,
                dataset.catalogue,
                lambda: read_boundary(dataset.paths.boundary("lsoa")),
            )

        (parse_time, frames), (ingest_time, result) = interleaved_medians(arguments.runs, parse, ingest)

    parsed_rows = sum(len(f) for f in frames)
    assert parsed_rows == arguments.rows, parsed_rows
    assert result.rows_read == arguments.rows, result.rows_read
    print(result.summary())
    print(f"{len(result.counts):,} rows in the count grid")
    print(f"parse (pandas.read_csv), median of {arguments.runs}: {parse_time:.2f} s")
    print(f"ingest (read_police_uk),  median of {arguments.runs}: {ingest_time:.2f} s")
    print(f"ratio ingest / parse: {ingest_time / parse_time:.2f}x  (targets: ingest <= 3 s, ratio <= 4x)")


if __name__ == "__main__":
    main()
