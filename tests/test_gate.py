"""The one gate: a file's kind comes from its bytes, and every kind's bounds are checked before the work they bound.

Each hostile file here is refused by the bound it breaks, with a message naming the file and the
bound, and before the work the bound is there to prevent: the tests make that work fail loudly if
it is ever started (a member decompressed, a Parquet page decoded, a sheet parsed).
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from saferleeds.core.errors import DataError
from saferleeds.ingest import gate
from saferleeds.ingest.gate import Upload
from saferleeds.ingest.table_files import read_tables
from saferleeds.ingest.validation import validate
from tests import hostile_files
from tests.conftest import FIXTURES
from tests.hostile_files import STREET, sheet_with_cells


def zipped(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def gigabyte_bomb() -> bytes:
    return hostile_files.gigabyte_bomb()


@pytest.fixture
def nothing_decompressed(monkeypatch):
    """Make any decompression of a zip member fail the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a zip member was decompressed before the bounds were checked")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)


# ---------------------------------------------------------------- bytes


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(gate, "MAX_UPLOAD_BYTES", 1000)
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 1001)
    with pytest.raises(DataError, match=r"big.csv: the file is more than 0 MB"):
        gate.read_upload(big)


def test_a_device_is_read_no_further_than_the_bound(monkeypatch):
    monkeypatch.setattr(gate, "MAX_UPLOAD_BYTES", 1 << 20)
    with pytest.raises(DataError, match="zero: the file is more than 1 MB, the most that can be loaded"):
        gate.read_upload("/dev/zero")


@pytest.mark.parametrize(("make", "words"), [(lambda p: p, "this is a folder"), (lambda p: p / "no.csv", "not found")])
def test_folders_and_missing_files_are_named(tmp_path: Path, make, words):
    with pytest.raises(DataError, match=words):
        gate.read_upload(make(tmp_path))


# ---------------------------------------------------------------- what a file is, from its bytes


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("police_uk_2025-03_street.csv", "text"),
        ("police_uk_bulk.zip", "zip"),
        ("indicator_wide.xlsx", "xlsx"),
        ("indicator_long.parquet", "parquet"),
        ("wards.gpkg", "gpkg"),
        ("committees_bng.geojson", "json"),
        ("constituencies_shp.zip", "shapefile"),
    ],
)
def test_the_kind_comes_from_the_bytes_whatever_the_name(name, found):
    data = (FIXTURES / name).read_bytes()
    assert gate.identify(Upload(name, data)) == found
    renamed = Upload("renamed.csv" if found != "text" else "renamed.parquet", data)
    assert gate.identify(renamed) == found
    warning = gate.name_warning(renamed, found)
    assert warning is not None and warning.severity == "warning" and gate.FORMAT_WORDS[found] in warning.message


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old-style Office file"),
        (b"%PDF-1.7\n", "a PDF document"),
        (b"\x1f\x8b\x08\x00" + bytes(20), "gzip-compressed"),
        (b"abc\x00def" * 10, "holds binary data"),
        (zipped({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}), "not an Excel workbook"),
    ],
)
def test_files_that_are_no_loadable_kind_are_named(data, words):
    with pytest.raises(DataError, match=words):
        gate.identify(Upload("upload.csv", data))


# ---------------------------------------------------------------- zip archives


def test_the_bomb_is_real(gigabyte_bomb):
    with zipfile.ZipFile(io.BytesIO(gigabyte_bomb)) as archive, archive.open(STREET) as member:
        assert member.read(1 << 20) == bytes(1 << 20)
        assert archive.getinfo(STREET).file_size == 1088 << 20


def test_a_zip_bomb_named_csv_goes_through_the_zip_bounds(dataset, gigabyte_bomb, nothing_decompressed):
    assert len(gigabyte_bomb) < 1_500_000
    report = validate([Upload("street.csv", gigabyte_bomb)], dataset)
    assert [str(p) for p in report.errors] == [
        "street.csv: the zip archive would expand to 1,088 MB, more than the 1,024 MB limit; "
        "split it into smaller downloads"
    ]
    assert not report.ok


def test_a_zip_named_csv_is_read_as_a_zip(dataset):
    report = validate([Upload("street.csv", (FIXTURES / "police_uk_bulk.zip").read_bytes())], dataset)
    assert report.ok, report.lines()
    assert any("the name ends .csv but the file is a zip archive" in p.message for p in report.warnings)


@pytest.mark.parametrize("kind", ["auto", "police_uk", "table", "boundaries"])
def test_the_zip_bounds_hold_whatever_kind_is_asked_for(dataset, gigabyte_bomb, nothing_decompressed, kind):
    report = validate([Upload("street.zip", gigabyte_bomb)], dataset, kind=kind)
    assert report.errors and not report.ok
    assert any("1,024 MB" in p.message or "not " in p.message for p in report.errors)


def test_a_member_that_expands_too_far_is_a_zip_bomb():
    bomb = Upload("bomb.zip", zipped({STREET: b"0" * 30_000_000}))
    assert len(bomb.data) < 100_000
    with pytest.raises(DataError, match="expands more than 200 times"):
        gate.open_zip(bomb)


def test_a_zip_that_expands_beyond_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(gate, "MAX_EXPANDED_BYTES", 10_000)
    upload = Upload("large.zip", zipped({"a.shp": os.urandom(6000), "b.dbf": os.urandom(6000)}))
    with pytest.raises(DataError, match="expand to"):
        gate.open_zip(upload)


def test_too_many_members_are_counted_from_the_end_record_before_the_table_is_read(monkeypatch):
    upload = Upload("many.zip", zipped({f"m{i}.csv": b"" for i in range(5001)}, zipfile.ZIP_STORED))

    def refuse(*args, **kwargs):
        raise AssertionError("the table of contents was parsed before the count was checked")

    monkeypatch.setattr(zipfile, "ZipFile", refuse)
    with pytest.raises(DataError, match=r"many.zip: the zip archive holds 5,001 files; at most 5,000"):
        gate.open_zip(upload)


@pytest.mark.parametrize("name", ["../escape.shp", "/etc/escape.shp", "a/../../escape.shp", "C:/escape.shp"])
def test_zip_paths_never_escape_the_working_folder(tmp_path: Path, name: str):
    upload = Upload("evil.zip", zipped({name: b"shape"}))
    with pytest.raises(DataError, match="outside the archive"):
        gate.extract_members(upload, tmp_path / "work", (".shp",))
    assert not (tmp_path / "escape.shp").exists()


def test_only_expected_file_types_are_read_from_a_zip(tmp_path: Path):
    upload = Upload(
        "shapes.zip", zipped({"x/a.shp": b"1", "x/a.dbf": b"2", "x/run.sh": b"rm -rf /", "x/notes.txt": b"3"})
    )
    written = gate.extract_members(upload, tmp_path, (".shp", ".dbf"))
    assert sorted(p.name for p in written) == ["a.dbf", "a.shp"]
    assert all(tmp_path in p.parents for p in written)


def test_a_damaged_zip_is_explained():
    with pytest.raises(DataError, match="damaged or incomplete"):
        gate.open_zip(Upload("cut.zip", zipped({"a.csv": b"x" * 1000})[:60]))


def _encrypted(data: bytes) -> bytes:
    """Set the 'encrypted' flag of the only member, in its local header and in the table of contents."""
    raw = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.find(signature)
        (flags,) = struct.unpack("<H", raw[at + offset : at + offset + 2])
        raw[at + offset : at + offset + 2] = struct.pack("<H", flags | 1)
    return bytes(raw)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (_encrypted(zipped({STREET: b"Month,Crime type\n"})), "is encrypted; it cannot be read"),
        (zipped({STREET: zipped({"inner.csv": b"x"})}), "not a CSV text file"),
    ],
)
def test_a_member_that_cannot_be_read_is_named(dataset, data, words):
    report = validate([Upload("download.zip", data)], dataset, kind="police_uk")
    assert report.errors[0].file.startswith("download.zip")
    assert words in report.errors[0].message


# ---------------------------------------------------------------- rows and cells


def test_a_parquet_of_millions_of_rows_is_refused_from_its_metadata(monkeypatch):
    rows = 5_000_000
    table = pa.table(
        {
            "indicator": pa.DictionaryArray.from_arrays(pa.array([0] * rows, pa.int32()), pa.array(["hate_incidents"])),
            "area_code": pa.DictionaryArray.from_arrays(pa.array([0] * rows, pa.int32()), pa.array(["E01011264"])),
            "period": pa.DictionaryArray.from_arrays(pa.array([0] * rows, pa.int32()), pa.array(["2025-03"])),
            "value": pa.array([1.0] * rows),
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    upload = Upload("millions.parquet", buffer.getvalue())
    assert len(upload.data) < 200_000

    def refuse(*args, **kwargs):
        raise AssertionError("the data was read before the row count was checked")

    monkeypatch.setattr(pq.ParquetFile, "read", refuse)
    with pytest.raises(DataError) as raised:
        read_tables(upload)
    assert str(raised.value) == (
        "millions.parquet: the file is too large: 5,000,000 rows were counted, and at most 1,000,000 rows can be "
        "read from one file; split it"
    )


def test_a_parquet_of_lists_is_refused():
    buffer = io.BytesIO()
    pq.write_table(pa.table({"value": pa.array([[1, 2], [3]])}), buffer)
    with pytest.raises(DataError, match="column 'value' holds lists or records"):
        read_tables(Upload("nested.parquet", buffer.getvalue()))


@pytest.mark.parametrize(
    ("cells", "words"),
    [
        # one cell far out at the sheet's corner: read naively, every row is padded out to 16,384 columns
        (
            '<row r="1"><c r="A1" t="inlineStr"><is><t>area_code</t></is></c></row>'
            + "".join(f'<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>' for r in range(2, 2000)),
            "10,000,000 cells",
        ),
        # a row number a million rows down: read naively, a million empty rows come first
        (
            '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="A1048576"><v>1</v></c></row>',
            "1,000,000 rows",
        ),
    ],
)
def test_a_workbook_is_bounded_by_what_its_sheets_would_become(cells, words):
    with pytest.raises(DataError) as raised:
        read_tables(Upload("corner.xlsx", sheet_with_cells(cells)))
    assert raised.value.problems[0].file == "corner.xlsx" and words in str(raised.value)


def test_a_workbook_with_more_cells_than_the_bound_is_refused_before_any_sheet_is_parsed(monkeypatch):
    import openpyxl

    cells = "".join(f'<row r="{r}">' + "<c><v>1</v></c>" * 10 + "</row>" for r in range(1, 1001))
    data = sheet_with_cells(cells)
    monkeypatch.setattr(gate, "TABLE_BOUNDS", gate.Bounds(rows=1_000_000, cells=5_000))

    def refuse(*args, **kwargs):
        raise AssertionError("a sheet was parsed before its cells were counted")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    with pytest.raises(
        DataError, match=r"the workbook is too large: [0-9,]+ cells were counted, and at most 5,000 cells"
    ):
        read_tables(Upload("wide.xlsx", data))


def test_a_csv_is_bounded_by_its_line_ends_before_it_is_parsed(monkeypatch):
    import pandas as pd

    def refuse(*args, **kwargs):
        raise AssertionError("the CSV was parsed before its rows were counted")

    monkeypatch.setattr(pd, "read_csv", refuse)
    with pytest.raises(
        DataError, match=r"long.csv: the file is too large: 1,100,00[0-9] rows were counted, and at most 1,000,000 rows"
    ):
        read_tables(Upload("long.csv", b"area_code,2025-01\n" + b"E05011385,1\n" * 1_100_000))


def test_a_police_uk_file_is_bounded_by_its_line_ends(dataset, monkeypatch):
    monkeypatch.setattr(gate, "POLICE_UK_BOUNDS", gate.Bounds(rows=30, cells=10_000))
    data = (FIXTURES / "police_uk_2025-03_street.csv").read_bytes()
    report = validate([Upload("street.csv", data)], dataset)
    assert "42 rows were counted, and at most 30 rows" in report.errors[0].message


def test_a_geojson_is_bounded_by_its_vertices_before_it_is_parsed(dataset, monkeypatch):
    import geopandas as gpd

    def refuse(*args, **kwargs):
        raise AssertionError("the GeoJSON was parsed before its vertices were counted")

    monkeypatch.setattr(gpd, "read_file", refuse)
    data = b'{"type": "FeatureCollection", "features": [' + b"[" * 10_000_001 + b"]}"
    report = validate([Upload("huge.geojson", data)], dataset)
    assert "10,000,00" in report.errors[0].message and "at most 10,000,000 vertices" in report.errors[0].message
