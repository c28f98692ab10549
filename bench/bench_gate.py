"""How quickly the one gate refuses hostile files, against checking an ordinary file in the same run.

Each hostile file is over one bound; the gate must refuse it in seconds, before the work the bound
is there for (decompressing, decoding, parsing). The baseline is ``validate`` of the 40-row
police.uk fixture, the smallest real check.

* zip bomb named .csv: 1 MB that expands to 1,088 MB (the zip bounds, whatever the name);
* Parquet of 5,000,000 dictionary-encoded rows (the row bound, from its metadata);
* workbook with a cell in column XFD on every row (the cell bound, as the sheet would be padded);
* CSV of 1,100,000 rows (the row bound, from its line ends);
* /dev/zero named on the command line (the byte bound, read no further).

Run: ``.venv/bin/python bench/bench_gate.py [--repeat 3]``
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
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
    base = next(iter(figures.values()))
    print(f"best of {repeat} runs")
    for name, seconds in figures.items():
        print(f"{name:<52} {seconds:7.3f} s   {seconds / base:6.2f}x baseline")


if __name__ == "__main__":
    main()
