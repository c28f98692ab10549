"""How quickly the one gate refuses hostile files, against checking an ordinary file in the same run.

Each hostile file is over one bound; the gate must refuse it in seconds, before the work the bound
is there for (decompressing, decoding, parsing). The baseline is ``validate`` of the 40-row
police.uk fixture, the smallest real check.

* zip bomb named .csv: 1 MB that expands to 1,088 MB (the zip bounds, whatever the name);
* Parquet of 5,000,000 dictionary-encoded rows (the row bound, from its metadata);
* workbook with a cell in column XFD on every row (the cell bound, as the sheet would be padded);
* CSV of 1,100,000 rows (the row bound, from its line ends);
* /dev/zero named on the command line (the byte bound, read no further).

With ``--largest``, also the time to check the largest indicator table within the bounds (every
count indicator for every LSOA and month from April 2016: 887,672 rows, 29 MB), once.

Run: ``.venv/bin/python bench/bench_gate.py [--repeat 3] [--largest]``
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from saferleeds.core.dataset import load_dataset
from saferleeds.core.errors import DataError
from saferleeds.core.paths import PROJECT_ROOT, dataset_paths
from saferleeds.ingest import gate
from saferleeds.ingest.validation import validate
from tests.hostile_files import gigabyte_bomb, sheet_with_cells

FIXTURES = PROJECT_ROOT / "tests" / "data"


def best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def parquet_of_millions() -> bytes:
    rows = 5_000_000
    codes = pa.array([0] * rows, pa.int32())
    table = pa.table(
        {
            "indicator": pa.DictionaryArray.from_arrays(codes, pa.array(["hate_incidents"])),
            "area_code": pa.DictionaryArray.from_arrays(codes, pa.array(["E01011264"])),
            "period": pa.DictionaryArray.from_arrays(codes, pa.array(["2025-03"])),
            "value": pa.array([1.0] * rows),
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def refused(check: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            report = check()
        except DataError:
            return
        assert report.errors, "the hostile file was not refused"  # type: ignore[attr-defined]

    return run


def largest_table(dataset) -> gate.Upload:
    months = pd.date_range("2016-04-01", periods=107, freq="MS").strftime("%Y-%m")
    counts = [i.id for i in dataset.catalogue.indicators if i.is_count and "lsoa" in i.geographies]
    names = ["indicator", "area_code", "period"]
    grid = pd.MultiIndex.from_product([counts, dataset.geography.lsoa.index, months], names=names).to_frame(index=False)
    grid["value"] = np.random.default_rng(1).poisson(3, len(grid))
    return gate.Upload("largest.csv", grid.to_csv(index=False).encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--largest", action="store_true", help="also check the largest table within the bounds")
    arguments = parser.parse_args()
    repeat = arguments.repeat
    dataset = load_dataset(dataset_paths(PROJECT_ROOT))
    ordinary = gate.Upload("street.csv", (FIXTURES / "police_uk_2025-03_street.csv").read_bytes())
    corner = '<row r="1"><c r="A1" t="inlineStr"><is><t>area_code</t></is></c></row>' + "".join(
        f'<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>' for r in range(2, 2000)
    )
    hostile = {
        "zip bomb named .csv (1 MB -> 1,088 MB)": gate.Upload("street.csv", gigabyte_bomb()),
        "Parquet of 5,000,000 rows": gate.Upload("millions.parquet", parquet_of_millions()),
        "workbook padded to column XFD": gate.Upload("corner.xlsx", sheet_with_cells(corner)),
        "CSV of 1,100,000 rows": gate.Upload("long.csv", b"area_code,2025-01\n" + b"E05011385,1\n" * 1_100_000),
    }
    figures = {"baseline: validate a 40-row police.uk month": best(repeat, lambda: validate([ordinary], dataset))}
    for name, upload in hostile.items():
        figures[f"refuse {name}"] = best(repeat, refused(lambda upload=upload: validate([upload], dataset)))
    figures["refuse /dev/zero on the command line"] = best(repeat, refused(lambda: gate.read_upload("/dev/zero")))
    if arguments.largest:
        table = largest_table(dataset)
        figures["check the largest table within the bounds (887,672 rows)"] = best(
            1, lambda: validate([table], dataset)
        )
    base = next(iter(figures.values()))
    print(f"best of {repeat} runs")
    for name, seconds in figures.items():
        print(f"{name:<52} {seconds:7.3f} s   {seconds / base:6.2f}x baseline")


if __name__ == "__main__":
    main()
