"""Reading the values table: the same frame however its text columns are stored, and a clear error for a
file that is not one."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from saferleeds.core.errors import DataError
from saferleeds.core.paths import dataset_paths
from saferleeds.core.values import COLUMNS, normalise, read_values

ROWS = {
    "indicator": ["drugs", "drugs", "asb"],
    "area_code": ["E01011264", "E01011265", "E01011264"],
    "period": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-02-01"]).date,
    "value": [3.0, 0.0, 7.0],
    "denominator": [None, None, None],
    "status": ["recorded", "recorded", "modelled"],
    "source": ["police.uk street-level crime"] * 3,
}


def plain_read(path) -> pd.DataFrame:
    return normalise(pq.read_table(path).select(list(COLUMNS)).to_pandas(date_as_object=False))


def test_the_embedded_table_reads_as_a_plain_read_does():
    path = dataset_paths(None).values
    read = read_values(path)
    pd.testing.assert_frame_equal(read, plain_read(path), check_categorical=False)
    assert all(str(read[c].dtype) == "str" for c in ("indicator", "area_code", "status"))
    assert isinstance(read["source"].dtype, pd.CategoricalDtype)  # five sources over a million rows


def schema_with(text: pa.DataType, indicator: pa.DataType | None = None) -> pa.Schema:
    numbers = {"period": pa.date32(), "value": pa.float64(), "denominator": pa.float64()}
    types = {c: numbers.get(c, text) for c in COLUMNS} | ({"indicator": indicator} if indicator else {})
    return pa.schema(list(types.items()))


@pytest.mark.parametrize(
    "schema",
    [
        schema_with(pa.string()),
        schema_with(pa.large_string()),
        schema_with(pa.string(), indicator=pa.dictionary(pa.int32(), pa.string())),
    ],
    ids=["string", "large string", "dictionary"],
)
def test_text_stored_any_way_reads_the_same(tmp_path, schema):
    path = tmp_path / "values.parquet"
    pq.write_table(pa.Table.from_pydict(ROWS, schema=schema), path)
    read = read_values(path)
    pd.testing.assert_frame_equal(read, plain_read(path), check_categorical=False)
    assert read["area_code"].tolist() == ROWS["area_code"] and read["status"].tolist() == ROWS["status"]


def test_codes_stored_as_numbers_are_read_as_text(tmp_path):
    path = tmp_path / "values.parquet"
    pq.write_table(pa.Table.from_pydict({**ROWS, "area_code": [1, 2, 3]}), path)
    assert read_values(path)["area_code"].tolist() == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"PAR1 this is not a table", "damaged"), (b"", "damaged")],
)
def test_a_file_that_is_not_a_table_is_named_in_the_error(tmp_path, content, words):
    path = tmp_path / "values.parquet"
    path.write_bytes(content)
    with pytest.raises(DataError) as raised:
        read_values(path)
    assert "values.parquet" in str(raised.value) and words in str(raised.value)


def test_a_missing_file_is_named_in_the_error(tmp_path):
    with pytest.raises(DataError) as raised:
        read_values(tmp_path / "values.parquet")
    assert "values.parquet" in str(raised.value) and "missing" in str(raised.value)
