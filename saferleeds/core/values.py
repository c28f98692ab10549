"""The values table: one row per indicator, area and month.

``indicator, area_code, period (month start), value, denominator (nullable), status, source``

* counts are stored at the finest level they exist at and summed upwards;
* percentages and rates keep their numerator in ``value`` and their base in ``denominator`` so they
  re-aggregate correctly;
* ``status`` is ``recorded``, ``provisional`` or ``modelled``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from saferleeds.core.errors import DataError, Problem, file_label

COLUMNS = ("indicator", "area_code", "period", "value", "denominator", "status", "source")
STATUSES = ("recorded", "provisional", "modelled")
TEXT_COLUMNS = ("indicator", "area_code", "status", "source")
CATEGORIES = ("source",)  # held as categories in memory (``normalise``)
SCHEMA = pa.schema(
    [
        ("indicator", pa.string()),
        ("area_code", pa.string()),
        ("period", pa.date32()),
        ("value", pa.float64()),
        ("denominator", pa.float64()),
        ("status", pa.string()),
        ("source", pa.string()),
    ]
)


def empty_values() -> pd.DataFrame:
    return normalise(pd.DataFrame({c: [] for c in COLUMNS}))


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a values frame the canonical column order and types."""
    out = frame.loc[:, list(COLUMNS)]  # copy-on-write: changing ``out`` never changes ``frame``
    for column in TEXT_COLUMNS:
        out[column] = _as_categories(out[column]) if column in CATEGORIES else out[column].astype("str")
    out["period"] = pd.to_datetime(out["period"]).astype("datetime64[ms]")
    out["value"] = pd.to_numeric(out["value"]).astype("float64")
    out["denominator"] = pd.to_numeric(out["denominator"]).astype("float64")
    return out


def _as_categories(column: pd.Series) -> pd.Series:
    """Text held as categories: a handful of distinct sources over a million rows take a hundredth of the
    memory, and are read without spelling each one out."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype) and str(dtype.categories.dtype) == "str":
        return column
    return column.astype("str").astype("category")


def sort_values(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["indicator", "period", "area_code"], kind="stable").reset_index(drop=True)


def _read_table(path: Path) -> pa.Table:
    """The file's table, its text columns read as dictionaries and then spelled out (but for those held
    as categories): a million rows of a few dozen distinct codes decode several times faster that way
    than string by string."""
    schema = pq.read_schema(path)
    text = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    table = pq.read_table(path, read_dictionary=text)
    for name in (n for n in text if n not in CATEGORIES):
        index = table.schema.get_field_index(name)
        table = table.set_column(index, name, pc.cast(table.column(index), schema.field(name).type))
    return table


def read_values(path: str | Path) -> pd.DataFrame:
    """Read the values table; a missing, truncated or foreign file raises DataError naming it."""
    path = Path(path)
    try:
        table = _read_table(path)
    except FileNotFoundError as exc:
        raise DataError(Problem(file_label(path), "the values table is missing")) from exc
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(Problem(file_label(path), f"the values table is damaged and cannot be read ({exc})")) from exc
    missing = [c for c in COLUMNS if c not in table.column_names]
    if missing:
        raise DataError(Problem(file_label(path), f"the values table lacks column(s) {', '.join(missing)}"))
    frame = table.select(list(COLUMNS)).to_pandas(date_as_object=False)  # months as datetimes, not objects
    return normalise(frame)


def write_atomic(path: str | Path, write) -> None:
    """Call ``write(temporary_path)`` and move the result into place in one step.

    A crash or kill part way leaves the previous file untouched: the rename is atomic on one
    filesystem, and the temporary file lives beside the target.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write_values(frame: pd.DataFrame, path: str | Path) -> None:
    """Write the values table atomically, sorted, so the same data gives the same bytes."""
    ordered = sort_values(normalise(frame))
    table = pa.Table.from_pandas(ordered, schema=SCHEMA, preserve_index=False)
    table = table.replace_schema_metadata(None)
    write_atomic(
        path,
        lambda tmp: pq.write_table(table, tmp, compression="zstd", compression_level=9, row_group_size=1_000_000),
    )


def replace_rows(existing: pd.DataFrame, incoming: pd.DataFrame, on: tuple[str, ...]) -> pd.DataFrame:
    """Drop every existing row whose ``on`` key appears in ``incoming``, then add ``incoming``.

    With ``on=("indicator", "period")`` a re-ingested month replaces that month entirely, so
    nothing is ever counted twice.
    """
    if existing.empty:
        return normalise(incoming)
    keys = incoming.loc[:, list(on)].drop_duplicates()
    marked = existing.merge(keys.assign(_replaced=True), on=list(on), how="left")
    kept = existing.loc[marked["_replaced"].isna().to_numpy()]
    return normalise(pd.concat([kept, normalise(incoming)], ignore_index=True))
