"""Fuzzing the gate and the readers of user files: any name, kind and bytes load, or are reported with the
library's own messages, and none takes longer than 10 s."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saferleeds.core.errors import DataError
from saferleeds.ingest.gate import Upload
from saferleeds.ingest.police_uk import Source, read_police_uk
from saferleeds.ingest.validation import KINDS, validate
from tests.conftest import FIXTURES

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context"
)
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "2025-02",
            "Feb-25",
            "E01011264",
            "E01999999",
            "XYZ",
            "-1.55",
            "53.8",
            "abc",
            "Burglary",
            "Anti-social behaviour",
            "Unknown type",
            '"quoted, comma"',
            "\ufeff",
            "1e309",
        ]
    ),
    st.text(max_size=12),
)
ROWS = st.lists(st.lists(CELLS, min_size=0, max_size=14), max_size=8)


def render(header: str, rows: list[list[str]]) -> bytes:
    return ("\n".join([header, *(",".join(row) for row in rows)]) + "\n").encode("utf-8", "surrogatepass")


def read(dataset, data: bytes):
    return read_police_uk([Source("fuzz.csv", data)], dataset.geography, dataset.catalogue, dataset.lsoa_boundaries)


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(rows=ROWS)
def test_police_uk_rows_load_or_raise_a_data_error(dataset, rows):
    try:
        data = render(HEADER, rows)
    except UnicodeEncodeError:
        return
    try:
        result = read(dataset, data)
    except DataError as error:
        assert error.problems and all(p.file == "fuzz.csv" or "fuzz.csv" in p.file for p in error.problems)
        return
    assert result.rows_read >= result.rows_counted
    assert (result.counts["value"] >= 0).all()


@FUZZ
@given(data=st.binary(max_size=400))
def test_police_uk_arbitrary_bytes_load_or_raise_a_data_error(dataset, data):
    try:
        read(dataset, data)
    except DataError as error:
        assert str(error)


@FUZZ
@given(header=st.lists(st.sampled_from([*HEADER.split(","), "lsoa_code", "crime_type", "MONTH", "", "x"]), max_size=12))
def test_police_uk_any_header_loads_or_raises_a_data_error(dataset, header):
    data = render(",".join(header), [["", "2025-02", "", "", "-1.5", "53.8", "", "E01011264", "", "Burglary", "", ""]])
    try:
        read(dataset, data)
    except DataError as error:
        assert str(error)


@pytest.mark.parametrize("data", [b"", b"\n\n", b"\xff\xfe\x00\x00", b"PK\x03\x04broken"])
def test_known_awkward_inputs(dataset, data):
    with pytest.raises(DataError):
        read(dataset, data)


# --------------------------------------------------------------------------- indicator tables

TABLE_HEADERS = [
    "indicator",
    "area_code",
    "period",
    "value",
    "denominator",
    "status",
    "area",
    "level",
    "month",
    "count",
    "2025-01",
    "Feb 2025",
    "",
    "x",
]
TABLE_CELLS = st.one_of(
    st.sampled_from(
        [
            "feel_safe",
            "hate_incidents",
            "E05011385",
            "Armley",
            "E01011264",
            "E99999999",
            "2025-02",
            "2025-13",
            "Mar-25",
            "12",
            "-3",
            "0",
            "150",
            "1e400",
            "nan",
            "recorded",
            "modelled",
            "ward",
            "=SUM(A1)",
            "",
        ]
    ),
    st.text(max_size=10),
)


def validate_bytes(dataset, name: str, data: bytes):
    return validate([Upload(name, data)], dataset)


@FUZZ
@given(
    header=st.lists(st.sampled_from(TABLE_HEADERS), min_size=1, max_size=8),
    rows=st.lists(st.lists(TABLE_CELLS, max_size=8), max_size=6),
)
def test_indicator_tables_report_problems_never_crash(dataset, header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    try:
        data = buffer.getvalue().encode("utf-8")
    except UnicodeEncodeError:
        return
    try:
        report = validate_bytes(dataset, "table.csv", data)
    except DataError as error:
        assert str(error)
        return
    for problem in report.problems:
        assert problem.message and problem.file == "table.csv"


@FUZZ
@given(data=st.binary(max_size=300), suffix=st.sampled_from(["csv", "xlsx", "parquet", "zip", "geojson", "gpkg"]))
def test_any_bytes_under_any_accepted_name_report_problems_never_crash(dataset, data, suffix):
    try:
        report = validate_bytes(dataset, f"upload.{suffix}", data)
    except DataError as error:
        assert str(error)
        return
    assert all(problem.message for problem in report.problems)


# --------------------------------------------------------------------------- the one gate, whatever comes

SEED_FILES = [
    "police_uk_2025-03_street.csv",
    "police_uk_bulk.zip",
    "indicator_long.csv",
    "indicator_wide.xlsx",
    "indicator_long.parquet",
    "committees_bng.geojson",
    "wards.gpkg",
    "constituencies_shp.zip",
]
SEEDS = [(FIXTURES / name).read_bytes() for name in SEED_FILES] + [
    b"PK\x03\x04",
    b"PK\x05\x06" + bytes(18),
    b"PAR1",
    b"SQLite format 3\x00",
    b'{"type": "FeatureCollection", "features": [',
]
SUFFIXES = ["", ".csv", ".CSV", ".zip", ".xlsx", ".parquet", ".geojson", ".json", ".gpkg", ".docx", ".shp", ".zip.csv"]


@st.composite
def damaged(draw) -> bytes:
    """A real file of each kind, cut short, with bytes changed, or with bytes put in at a random place."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    how = draw(st.sampled_from(["cut", "change", "insert", "whole"]))
    at = draw(st.integers(0, max(len(data) - 1, 0)))
    if how == "cut":
        return bytes(data[:at])
    if how == "change":
        patch = draw(st.binary(min_size=1, max_size=16))
        data[at : at + len(patch)] = patch
    elif how == "insert":
        data[at:at] = draw(st.binary(min_size=1, max_size=64))
    return bytes(data)


GATE = settings(max_examples=100, deadline=10_000, suppress_health_check=list(HealthCheck))


@GATE
@given(
    stem=st.text(max_size=20),
    suffix=st.sampled_from(SUFFIXES),
    kind=st.sampled_from(list(KINDS)),
    data=st.one_of(damaged(), st.binary(max_size=2000)),
)
def test_the_gate_raises_nothing_but_its_own_errors_for_any_name_kind_and_bytes(dataset, stem, suffix, kind, data):
    name = (stem + suffix) or "upload"
    try:
        report = validate([Upload(name, data)], dataset, kind=kind)
    except DataError as error:
        assert error.problems and all(p.message for p in error.problems)
        return
    assert all(problem.message for problem in report.problems)
    assert all(len(problem.message) < 2000 for problem in report.problems)
