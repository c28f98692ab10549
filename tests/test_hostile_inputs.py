"""What a hostile or careless user tried, through the command line as they would: each is refused with one
line per problem naming the file (row and column where they apply) and exit status 1 or 2, never a
traceback, and nothing in the dataset changes unless the files were clean.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from shapely.geometry import LineString, Polygon

from saferleeds.cli import main
from saferleeds.core.dataset import load_dataset
from saferleeds.core.paths import DatasetPaths
from saferleeds.ingest import store
from tests.conftest import FIXTURES, run_cli
from tests.hostile_files import gigabyte_bomb

JANUARY = FIXTURES / "policeuk" / "street-2025-01.csv"


def run(capsys, *arguments: str) -> tuple[int, str, str]:
    status = main(list(arguments))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error:")]


def snapshot(paths: DatasetPaths) -> dict[str, str]:
    return {
        str(p.relative_to(paths.root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in store.kept_files(paths)
        if p.exists()
    }


def write(folder: Path, name: str, data: bytes | str) -> str:
    path = folder / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return str(path)


# ---------------------------------------------------------------- 1. zip limits bypassed by a name


def test_a_zip_bomb_named_csv_is_refused_by_the_zip_bounds(home, capsys, tmp_path):
    before = snapshot(home)
    bomb = write(tmp_path, "street.csv", gigabyte_bomb())
    for command in ("validate", "ingest", "ingest-police-uk"):
        status, _, err = run(capsys, command, bomb)
        assert status == 1
        assert errors(err) == [
            "error: street.csv: the zip archive would expand to 1,088 MB, more than the 1,024 MB limit; "
            "split it into smaller downloads"
        ]
    assert snapshot(home) == before


# ---------------------------------------------------------------- 2. numbers that are not finite or plausible


def test_numbers_that_are_infinite_or_implausible_are_refused_with_row_and_column(home, capsys, tmp_path):
    rows = [
        "indicator,area_code,period,value",
        "burglary,E01011264,2025-01,inf",
        "burglary,E01011265,2025-01,1e400",
        "burglary,E01011266,2025-01,1e308",
        "total_crime,E08000035,2025-01,40000",
        "hate_incidents,E01011264,2025-01,2000000",
        "burglary,E01011267,2025-01,nan",
    ]
    status, _, err = run(capsys, "ingest", write(tmp_path, "huge.csv", "\n".join(rows) + "\n"))
    assert status == 1
    found = errors(err)
    assert "error: huge.csv, row 2, column 'value': 'inf' is too large to be a number of anything" in found
    assert "error: huge.csv, row 3, column 'value': '1e400' is too large to be a number of anything" in found
    assert any(line.startswith("error: huge.csv, row 4, column 'value': count 1e+308") for line in found)
    assert any(
        "row 5, column 'value': count 40,000" in line and "plausible range 0 to 30,000" in line for line in found
    )
    assert any("row 6, column 'value': count 2e+06" in line and "outside the plausible range" in line for line in found)
    assert "error: huge.csv, row 7, column 'value': 'nan' is not a number" in found
    assert "Nothing was applied." in err


def test_every_indicator_states_a_plausible_range(dataset):
    assert all(i.plausible_range is not None for i in dataset.catalogue.indicators)
    assert dataset.catalogue.indicator("feel_safe").plausible_range == (0.0, 100.0)


# ---------------------------------------------------------------- 5. months that cannot be months of data


@pytest.mark.parametrize(
    ("month", "words"),
    [
        ("2099-12", "December 2099 has not happened yet (the latest month that can be loaded is"),
        ("1066-10", "October 1066 is before January 2010, the earliest month that can be loaded"),
    ],
)
def test_months_before_2010_or_after_this_month_are_refused(home, capsys, tmp_path, month, words):
    before = snapshot(home)
    table = write(tmp_path, "when.csv", f"indicator,area_code,period,value\nburglary,E01011264,{month},3\n")
    status, _, err = run(capsys, "ingest", table)
    assert status == 1
    assert f"error: when.csv, row 2, column 'period': {words}" in err
    street = JANUARY.read_text().replace(",2025-01,", f",{month},")
    status, _, err = run(capsys, "ingest", write(tmp_path, "street.csv", street))
    assert status == 1
    assert f"error: street.csv, row 2, column 'Month': {words}" in err
    assert snapshot(home) == before
    assert load_dataset(home).months[-1] == pd.Timestamp("2025-07-01")


def test_the_fetcher_refuses_months_that_have_not_happened(home, capsys):
    status, _, err = run(capsys, "fetch-police-uk", "--from", "2099-01", "--to", "2099-02")
    assert status == 2
    assert errors(err) == [
        "error: --from: January 2099 has not happened yet (the latest month that can be loaded is December 2026)"
    ]


# ---------------------------------------------------------------- 6. every header read exactly once


@pytest.mark.parametrize(
    ("header", "row", "words"),
    [
        ("area_code,2025-01,2025-01", "E05011385,1,2", "columns 2 ('2025-01') and 3 ('2025-01') have the same heading"),
        ("area_code,2025-01,Jan 2025", "E05011385,1,2", "columns 2 ('2025-01') and 3 ('Jan 2025') have the same"),
        ("indicator,area_code,period,value,value", "burglary,E01011264,2025-01,1,2", "columns 4 ('value') and 5"),
        ("indicator,area_code,period,value,count", "burglary,E01011264,2025-01,1,2", "'value' and 'count' both give"),
    ],
)
def test_duplicate_headers_are_refused_naming_both_columns(home, capsys, tmp_path, header, row, words):
    status, _, err = run(capsys, "validate", "--indicator", "burglary", write(tmp_path, "t.csv", f"{header}\n{row}\n"))
    assert status == 1
    assert any(line.startswith("error: t.csv, row 1") and words in line for line in errors(err)), err


def test_duplicate_headers_in_a_workbook_and_a_police_file_are_refused(home, capsys, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["area_code", pd.Timestamp("2025-01-01").to_pydatetime(), "2025-01"])
    book.active.append(["E05011385", 1, 2])
    book.save(tmp_path / "twice.xlsx")
    status, _, err = run(capsys, "validate", "--indicator", "burglary", str(tmp_path / "twice.xlsx"))
    assert status == 1 and "twice.xlsx!Sheet, row 1, column '2025-01': columns 2 ('2025-01') and 3" in err
    street = JANUARY.read_text().replace("Context", "lsoa_code", 1)
    status, _, err = run(capsys, "validate", write(tmp_path, "street.csv", street))
    assert status == 1
    assert "columns 8 ('LSOA code') and 12 ('lsoa_code') are both 'LSOA code'; keep one of them" in err


# ---------------------------------------------------------------- 7. what used to end in a traceback


def _damaged_shapefile(kind: str) -> bytes:
    data = bytearray((FIXTURES / "constituencies_shp.zip").read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith(".shp"))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    if kind == "zlib":  # the compressed bytes are garbled
        data[start : start + 64] = bytes(64)
    else:  # the member's local header is overwritten
        data[info.header_offset : info.header_offset + 4] = b"XXXX"
    return bytes(data)


@pytest.mark.parametrize("kind", ["zlib", "header"])
def test_a_damaged_shapefile_zip_is_one_line(home, capsys, tmp_path, kind):
    status, _, err = run(capsys, "validate", write(tmp_path, "shapes.zip", _damaged_shapefile(kind)))
    assert status == 1
    (line,) = errors(err)
    assert line.startswith("error: shapes.zip!") and "damaged or incomplete" in line


def test_a_control_character_in_a_catalogue_sheet_is_kept_as_text(home, capsys, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "values"
    book.active.append(["indicator", "area_code", "2025-01"])
    book.active.append(["odd_one", "E05011385", 3])
    sheet = book.create_sheet("catalogue")
    sheet.append(["id", "label", "definition", "unit", "polarity", "priorities", "source", "native_geography"])
    sheet.append(["odd_one", 'Odd\x7f "one" \\', "d", "count", "higher_is_worse", "location", "s", "ward"])
    book.save(tmp_path / "odd.xlsx")
    status, _, err = run(capsys, "ingest", str(tmp_path / "odd.xlsx"))
    assert status == 0, err
    assert load_dataset(home).catalogue.indicator("odd_one").label == 'Odd\x7f "one" \\'


@pytest.mark.parametrize(
    ("arguments", "line"),
    [
        (
            ["board-pack", "--level", "bogus", "--out", "pack.pdf"],
            "error: --level: 'bogus' is not a level of areas; use one of lsoa, msoa, neighbourhood, ward, committee, "
            "constituency",
        ),
        (["validate", "/dev/zero"], "error: zero: the file is more than 200 MB, the most that can be loaded"),
        (["validate", "/"], "error: : this is a folder, not a file"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(home, capsys, arguments, line):
    status, _, err = run(capsys, *arguments)
    assert status == 2
    assert errors(err) == [line]


def test_no_traceback_from_the_installed_command(home, tmp_path):
    finished = run_cli("board-pack", "--level", "bogus", "--out", str(tmp_path / "p.pdf"), home=home.root)
    assert finished.returncode == 2 and "Traceback" not in finished.stderr
    assert finished.stderr.strip().startswith("error: --level")


# ---------------------------------------------------------------- 10, 11. layers and shapes


def _two_layer_geopackage(path: Path) -> Path:
    wards = gpd.read_file(FIXTURES / "wards.gpkg")
    wards.to_file(path, layer="wards_2019", driver="GPKG")
    wards.head(3).to_file(path, layer="a_few_wards", driver="GPKG")
    return path


def test_a_geopackage_of_several_layers_asks_which(home, capsys, tmp_path):
    package = str(_two_layer_geopackage(tmp_path / "layers.gpkg"))
    status, _, err = run(capsys, "validate", package)
    assert status == 1
    assert errors(err) == [
        "error: layers.gpkg: the file holds 2 layers ('wards_2019', 'a_few_wards'); say which to load (choose it "
        "on the Data page, or give --layer on the command line)"
    ]
    status, out, err = run(capsys, "ingest", "--layer", "wards_2019", package)
    assert status == 0, err
    assert "ward boundaries: the shapes of all 33 areas (from layers.gpkg)" in out
    status, _, err = run(capsys, "validate", "--layer", "nope", package)
    assert status == 1 and "the file has no layer 'nope'; its layers are 'wards_2019', 'a_few_wards'" in err


def _wards_with(bowtie: int | None, spikes: tuple[int, ...]) -> bytes:
    """The wards as GeoJSON, one replaced by a bowtie and others given a spike out and back along their edge."""
    wards = gpd.read_file(FIXTURES / "wards.gpkg").to_crs(4326)
    shapes = list(wards.geometry)
    for index in spikes:
        polygon = shapes[index].geoms[0] if shapes[index].geom_type == "MultiPolygon" else shapes[index]
        ring = list(polygon.exterior.coords)
        (x, y), (cx, cy) = ring[1], polygon.representative_point().coords[0]
        far = (x + 0.2 * (cx - x), y + 0.2 * (cy - y))  # a spike into the ward, crossing none of its borders
        assert polygon.covers(LineString([(x, y), far]))
        shapes[index] = Polygon([ring[0], (x, y), far, (x, y), *ring[2:]], [i.coords for i in polygon.interiors])
    if bowtie is not None:
        x, y = shapes[bowtie].representative_point().coords[0]
        shapes[bowtie] = Polygon([(x, y), (x + 0.01, y + 0.01), (x + 0.01, y), (x, y + 0.01), (x, y)])
    return wards.set_geometry(shapes).to_json().encode()


def test_invalid_shapes_are_reported_per_feature_and_repaired_only_when_asked(home, capsys, tmp_path):
    before = snapshot(home)
    shapes = write(tmp_path, "wards.geojson", _wards_with(2, (5,)))
    frame = json.loads(Path(shapes).read_text())["features"]
    third, sixth = (frame[i]["properties"] for i in (2, 5))
    status, _, err = run(capsys, "ingest", shapes)
    assert status == 1
    found = errors(err)
    assert found[0].startswith(
        f"error: wards.geojson, row 3, column 'geometry': feature 3 ({third['WD19CD']}, {third['WD19NM']}) is not a "
        "valid shape (Self-intersection["
    )
    assert found[1].startswith(f"error: wards.geojson, row 6, column 'geometry': feature 6 ({sixth['WD19CD']}")
    assert "ask for invalid shapes to be repaired" in found[1]
    assert snapshot(home) == before
    spiked = write(tmp_path, "spiked.geojson", _wards_with(None, (5, 9)))
    status, _, err = run(capsys, "ingest", "--repair-shapes", spiked)
    assert status == 0, err
    assert "feature 6" in err and "feature 10" in err and "it was repaired as asked" in err
    assert len(load_dataset(home).boundaries("ward")) == 33


# ---------------------------------------------------------------- 12. messages stay short


def test_a_five_megabyte_value_is_quoted_in_eighty_characters(home, capsys, tmp_path):
    code = "E" + "0" * 5_000_000
    table = write(tmp_path, "long.csv", f"indicator,area_code,period,value\nburglary,{code},2025-01,1\n")
    status, _, err = run(capsys, "validate", table)
    assert status == 1
    (line,) = errors(err)
    assert len(line) < 300
    quoted = line.split("'")[3]
    assert len(quoted) == 80 and quoted.endswith("…")
    street = JANUARY.read_text().replace("E01011264", code, 1)
    status, _, err = run(capsys, "validate", write(tmp_path, "street.csv", street))
    assert status == 1 and all(len(line) < 300 for line in errors(err))
