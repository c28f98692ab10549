"""police.uk ingest: files as police.uk serves them, placement, replacement, reconciliation, bad input."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from saferleeds.core.dataset import Dataset
from saferleeds.core.errors import DataError
from saferleeds.core.paths import DatasetPaths
from saferleeds.core.periods import parse_month
from saferleeds.core.values import read_values
from saferleeds.ingest import police_uk, store
from saferleeds.ingest.police_uk_files import normalise_header
from tests.conftest import FIXTURES, run_cli

POLICE = FIXTURES / "policeuk"
JANUARY = POLICE / "street-2025-01.csv"
MARCH = POLICE / "street-2025-03.csv"
BULK = POLICE / "bulk"
REAL_MONTH = "police_uk_leeds_2025-02_street.csv"

# What the January fixture holds, by construction (see tests/data/README.md).
JANUARY_COUNTS = {
    ("E01011264", "violence_sexual"): 2,
    ("E01011264", "asb"): 1,
    ("E01011264", "burglary"): 1,
    ("E01011265", "shoplifting"): 3,
    ("E01011265", "asb"): 1,
    ("E01011265", "public_order"): 1,
    ("E01011368", "violence_sexual"): 1,
    ("E01011368", "drugs"): 2,
    ("E01011368", "possession_weapons"): 1,
    ("E01011368", "vehicle_crime"): 1,
    ("E01035048", "criminal_damage_arson"): 1,  # given as its 2011 code E01011490
    ("E01035048", "other_theft"): 1,
    ("E01011266", "bicycle_theft"): 1,  # no LSOA code: placed by its coordinates
    ("E01011266", "asb"): 1,
}


def ingest(dataset: Dataset, paths: list[Path]) -> police_uk.IngestResult:
    return police_uk.read_police_uk(
        police_uk.sources_from_paths(paths), dataset.geography, dataset.catalogue, dataset.lsoa_boundaries
    )


def counts_of(result: police_uk.IngestResult, month: str) -> dict[tuple[str, str], float]:
    rows = result.counts[(result.counts["period"] == pd.Timestamp(month)) & (result.counts["value"] > 0)]
    return {(a, i): v for a, i, v in zip(rows["area_code"], rows["indicator"], rows["value"], strict=True)}


def city_totals(result: police_uk.IngestResult) -> pd.Series:
    return result.counts.groupby(["period", "indicator"])["value"].sum()


def bulk_zip(folder: Path, extra: dict[str, bytes] | None = None) -> Path:
    """The fixture folders zipped as police.uk's bulk download is."""
    path = folder / "police-uk-download.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(BULK.rglob("*.csv")):
            archive.write(file, file.relative_to(BULK).as_posix())
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


# ----------------------------------------------------------------------------- reading and placing


def test_one_csv_is_placed_by_lsoa_code_with_fallback_to_coordinates(dataset):
    result = ingest(dataset, [JANUARY])
    without_total = {k: v for k, v in counts_of(result, "2025-01-01").items() if k[1] != "total_crime"}
    assert without_total == JANUARY_COUNTS
    assert result.months == [pd.Timestamp("2025-01-01")]
    assert result.rows_read == 21
    assert result.rows_placed_by_code == 16
    assert result.rows_placed_by_coordinates == 2
    assert result.rows_outside_leeds == 2  # a Bradford LSOA code, and a point in Manchester
    assert result.rows_without_location == 1
    assert result.summary() == (
        "Read 21 rows from 1 file for January 2025. 18 rows placed in Leeds (2 of them by their coordinates). "
        "2 rows lie outside Leeds; not counted. 1 row has no location; not counted."
    )


def test_total_crime_is_every_type_but_anti_social_behaviour(dataset):
    counts = counts_of(ingest(dataset, [JANUARY]), "2025-01-01")
    assert counts[("E01011264", "total_crime")] == 3
    assert counts[("E01011266", "total_crime")] == 1
    assert sum(v for (_, i), v in counts.items() if i == "total_crime") == 15


def test_the_grid_is_complete_with_zeros(dataset):
    result = ingest(dataset, [JANUARY])
    police_indicators = {i.id for i in dataset.catalogue.police_uk_indicators()}
    assert set(result.counts["indicator"]) == police_indicators
    assert len(result.counts) == len(police_indicators) * len(dataset.geography.lsoa)
    assert set(result.counts["status"]) == {"recorded"}
    assert result.counts["denominator"].isna().all()


def test_many_csvs(dataset):
    result = ingest(dataset, [JANUARY, MARCH])
    assert result.months == [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-03-01")]
    march = counts_of(result, "2025-03-01")
    assert march[("E01011264", "burglary")] == 2
    assert march[("E01011266", "asb")] == 1
    assert sum(v for (_, i), v in march.items() if i == "total_crime") == 4
    assert result.rows_read == 26


def test_bulk_zip_reads_street_files_and_ignores_the_rest(dataset, tmp_path):
    archive = bulk_zip(tmp_path, {"README.txt": b"police.uk download", "2025-01/notes.csv": b"a,b\n1,2\n"})
    from_zip = ingest(dataset, [archive])
    from_csvs = ingest(dataset, [JANUARY, MARCH])
    pd.testing.assert_frame_equal(from_zip.counts, from_csvs.counts)
    assert from_zip.files == [
        "police-uk-download.zip!2025-01/2025-01-west-yorkshire-street.csv",
        "police-uk-download.zip!2025-03/2025-03-west-yorkshire-street.csv",
    ]


def test_the_same_file_twice_is_read_once(dataset, tmp_path):
    copy = tmp_path / "copy.csv"
    copy.write_bytes(JANUARY.read_bytes())
    result = ingest(dataset, [JANUARY, copy])
    assert result.rows_read == 21
    assert any("identical to" in w.message for w in result.warnings)


def test_the_same_month_in_two_different_files_is_refused(dataset, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text(JANUARY.read_text().replace("On or near Example Street", "On or near Another Street"))
    with pytest.raises(DataError, match="January 2025 from 'West Yorkshire Police' is also in"):
        ingest(dataset, [JANUARY, other])


def test_rows_outside_leeds_only_is_an_error(dataset, tmp_path):
    path = tmp_path / "elsewhere.csv"
    lines = JANUARY.read_text().splitlines()
    path.write_text("\n".join([lines[0]] + [line for line in lines if "E01010690" in line]) + "\n")
    with pytest.raises(DataError, match="no rows lie in Leeds"):
        ingest(dataset, [path])


# ----------------------------------------------------------------------------- replacing months


def apply_counts(paths: DatasetPaths, result) -> None:
    """Apply an ingest through the store's one write path, as the Data page and the command line do."""
    store.apply_changes(paths, store.Changes("police.uk test months", values=result.counts, updated=["total_crime"]))


@pytest.mark.slow  # two ingests and two applies of a whole month
def test_reingesting_a_month_replaces_it(dataset, home: DatasetPaths):
    before = read_values(home.values)
    apply_counts(home, ingest(dataset, [JANUARY]))
    once = read_values(home.values)
    apply_counts(home, ingest(dataset, [JANUARY]))
    twice = read_values(home.values)
    pd.testing.assert_frame_equal(once, twice)
    january = twice[(twice["period"] == pd.Timestamp("2025-01-01")) & (twice["indicator"] == "total_crime")]
    assert january["value"].sum() == 15
    assert set(january["status"]) == {"recorded"}
    # Months not ingested are untouched.
    other = before[before["period"] != pd.Timestamp("2025-01-01")].reset_index(drop=True)
    kept = twice[twice["period"] != pd.Timestamp("2025-01-01")].reset_index(drop=True)
    pd.testing.assert_frame_equal(other, kept)


def test_a_corrected_month_replaces_the_first_version(dataset, home: DatasetPaths, tmp_path):
    apply_counts(home, ingest(dataset, [JANUARY]))
    fewer = tmp_path / "street-2025-01-corrected.csv"
    lines = JANUARY.read_text().splitlines()
    fewer.write_text("\n".join(lines[:5]) + "\n")  # the first four rows: all in E01011264
    apply_counts(home, ingest(dataset, [fewer]))
    values = read_values(home.values)
    police = {i.id for i in dataset.catalogue.police_uk_indicators()}
    january = values[
        (values["period"] == pd.Timestamp("2025-01-01")) & (values["value"] > 0) & values["indicator"].isin(police)
    ]
    assert set(january["area_code"]) == {"E01011264"}
    assert january.loc[january["indicator"] == "total_crime", "value"].sum() == 3


# ----------------------------------------------------------------------------- reconciliation


@pytest.fixture(scope="module")
def real_month(shared_data, dataset) -> tuple[pd.DataFrame, police_uk.IngestResult]:
    path = shared_data / REAL_MONTH
    return pd.read_csv(path, dtype=str, keep_default_na=False), ingest(dataset, [path])


def test_real_month_ward_counts_add_up_to_the_city(real_month, dataset):
    _, result = real_month
    counts = result.counts
    ward_of = dataset.geography.lsoa["ward_code"]
    wards = counts.groupby([counts["indicator"], counts["area_code"].map(ward_of)])["value"].sum()
    city = counts.groupby("indicator")["value"].sum()
    pd.testing.assert_series_equal(wards.groupby(level="indicator").sum(), city)
    assert wards.index.get_level_values(1).nunique() == 33


def test_real_month_city_count_per_crime_type_equals_the_files_rows(real_month, dataset):
    raw, result = real_month
    leeds = raw[raw["LSOA code"].isin(dataset.geography.lsoa.index)]
    city = result.counts.groupby("indicator")["value"].sum()
    for indicator in dataset.catalogue.police_uk_indicators():
        if indicator.police_uk_crime_type == police_uk.ALL_EXCEPT_ASB:
            expected = (leeds["Crime type"] != "Anti-social behaviour").sum()
        else:
            expected = (leeds["Crime type"] == indicator.police_uk_crime_type).sum()
        assert city[indicator.id] == expected, indicator.id
    assert result.rows_read == len(raw) == 8009
    assert result.rows_placed_by_code == len(leeds)


# ----------------------------------------------------------------------------- bad input


@dataclass(frozen=True)
class BadInput:
    name: str
    make: Callable[[Path], list[Path]]
    row: int | None = None  # None: the input loads, and must give the January fixture's counts
    column: str | None = None
    words: str = ""


def _rewrite(transform: Callable[[list[list[str]]], list[list[str]]], name: str = "street.csv", encoding="utf-8"):
    def make(folder: Path) -> list[Path]:
        rows = list(csv.reader(io.StringIO(JANUARY.read_text(encoding="utf-8"))))
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(transform(rows))
        path = folder / name
        path.write_bytes(buffer.getvalue().encode(encoding))
        return [path]

    return make


def _set(row_number: int, column: str, value: str):
    """Set one cell; ``row_number`` counts file rows with the header as row 1."""

    def transform(rows: list[list[str]]) -> list[list[str]]:
        rows[row_number - 1][rows[0].index(column)] = value
        return rows

    return transform


def _header(old: str, new: str | None):
    def transform(rows: list[list[str]]) -> list[list[str]]:
        index = rows[0].index(old)
        if new is None:
            return [r[:index] + r[index + 1 :] for r in rows]
        rows[0][index] = new
        return rows

    return transform


def _all_headers(change: Callable[[str], str]):
    def transform(rows):
        rows[0] = [change(h) for h in rows[0]]
        return rows

    return transform


def _only_required_columns(rows: list[list[str]]) -> list[list[str]]:
    keep = [rows[0].index(c) for c in ("Month", "Longitude", "Latitude", "LSOA code", "Crime type")]
    return [[row[i] for i in keep] for row in rows]


def _columns_reordered(rows: list[list[str]]) -> list[list[str]]:
    return [list(reversed(row)) for row in rows]


def _all_months(value: str):
    def transform(rows):
        for row in rows[1:]:
            row[1] = value
        return rows

    return transform


def _bytes(data: bytes, name: str = "street.csv"):
    def make(folder: Path) -> list[Path]:
        path = folder / name
        path.write_bytes(data)
        return [path]

    return make


def _with_bom(folder: Path) -> list[Path]:
    path = folder / "street.csv"
    path.write_bytes(b"\xef\xbb\xbf" + JANUARY.read_bytes())
    return [path]


def _zip_without_street_files(folder: Path) -> list[Path]:
    path = folder / "download.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(BULK.rglob("*.csv")):
            if not file.name.endswith("-street.csv"):
                archive.write(file, file.relative_to(BULK).as_posix())
    return [path]


def _truncated_zip(folder: Path) -> list[Path]:
    whole = bulk_zip(folder).read_bytes()
    path = folder / "download-cut-short.zip"
    path.write_bytes(whole[: len(whole) // 2])
    return [path]


def _short_row(folder: Path) -> list[Path]:
    lines = JANUARY.read_text().splitlines()
    lines[6] = ",".join(lines[6].split(",")[:5])
    path = folder / "street.csv"
    path.write_text("\n".join(lines) + "\n")
    return [path]


def _windows_1252(folder: Path) -> list[Path]:
    text = JANUARY.read_text().replace("On or near Example Street", "On or near Café £1 Shop")
    path = folder / "street.csv"
    path.write_bytes(text.encode("cp1252"))
    return [path]


def _empty_rows_at_the_end(folder: Path) -> list[Path]:
    path = folder / "street.csv"
    path.write_text(JANUARY.read_text() + ",,,,,,,,,,,\n" * 3 + " , ,,,,,,,,,,\n")
    return [path]


def _blank_lines(folder: Path) -> list[Path]:
    lines = JANUARY.read_text().splitlines()
    path = folder / "street.csv"
    path.write_text("\n".join([*lines[:4], "", "", *lines[4:], ""]) + "\n")
    return [path]


def _bad_month_after_blank_lines(folder: Path) -> list[Path]:
    lines = JANUARY.read_text().splitlines()
    lines[8] = lines[8].replace(",2025-01,", ",sometime,")
    path = folder / "street.csv"
    path.write_text("\n".join([*lines[:4], "", ",,,,,,,,,,,", *lines[4:]]) + "\n")  # the bad month is on line 11
    return [path]


def _windows_line_endings(folder: Path) -> list[Path]:
    path = folder / "street.csv"
    path.write_bytes(JANUARY.read_bytes().replace(b"\n", b"\r\n"))
    return [path]


# Rows 2-17 of the January fixture carry LSOA codes; rows 18-19 and 21 have none (row 21 no coordinates).
BAD_INPUTS = [
    BadInput("missing column", _rewrite(_header("Crime type", None)), 1, "Crime type", "missing police.uk column"),
    BadInput("renamed column", _rewrite(_header("LSOA code", "LSOA")), 1, "LSOA code", "missing police.uk column"),
    BadInput("headers with underscores", _rewrite(_all_headers(lambda h: h.replace(" ", "_")))),
    BadInput("headers in lower case", _rewrite(_all_headers(str.lower))),
    BadInput("only the columns the ingest needs", _rewrite(_only_required_columns)),
    BadInput("columns in another order", _rewrite(_columns_reordered)),
    BadInput("byte-order mark", _with_bom),
    BadInput("Windows line endings", _windows_line_endings),
    BadInput("rows of empty cells at the end", _empty_rows_at_the_end),
    BadInput("blank lines", _blank_lines),
    BadInput("bad month after blank lines", _bad_month_after_blank_lines, 11, "Month", "'sometime' is not a month"),
    BadInput("month as spreadsheets write it", _rewrite(_all_months("Jan-25"))),
    BadInput("month as a date", _rewrite(_all_months("01/01/2025"))),
    BadInput("month that is not a month", _rewrite(_set(4, "Month", "sometime")), 4, "Month", "is not a month"),
    BadInput("empty month", _rewrite(_set(9, "Month", "")), 9, "Month", "'(empty)' is not a month"),
    BadInput(
        "non-numeric longitude without an LSOA code",
        _rewrite(_set(18, "Longitude", "west")),
        18,
        "Longitude",
        "'west' is not a longitude",
    ),
    BadInput(
        "latitude out of range without an LSOA code",
        _rewrite(_set(19, "Latitude", "153.9")),
        19,
        "Latitude",
        "is not a latitude",
    ),
    BadInput("non-numeric coordinates with an LSOA code", _rewrite(_set(3, "Longitude", "n/a"))),
    BadInput(
        "empty coordinates with an LSOA code", _rewrite(lambda r: _set(3, "Latitude", "")(_set(3, "Longitude", "")(r)))
    ),
    BadInput(
        "malformed LSOA code", _rewrite(_set(7, "LSOA code", "Leeds 009A")), 7, "LSOA code", "is not an LSOA code"
    ),
    BadInput("non-UTF-8 file", _windows_1252),
    BadInput("empty file", _bytes(b""), None, None, "the file is empty"),
    BadInput("only blank lines", _bytes(b"\n\n  \n"), None, None, "the file is empty"),
    BadInput("header and no rows", _bytes(JANUARY.read_bytes().split(b"\n")[0] + b"\n"), 2, None, "no rows"),
    BadInput("row with too few fields", _short_row, 7, None, "has 5 fields but the header has 12"),
    BadInput("binary file", _bytes(b"\x00\x01PK not a csv" * 10), None, None, "binary data"),
    BadInput("zip with no street files", _zip_without_street_files, None, None, "holds no police.uk street files"),
    BadInput("truncated zip", _truncated_zip, None, None, "damaged or incomplete"),
]
ERRORS = [case for case in BAD_INPUTS if case.words]
LOADS = [case for case in BAD_INPUTS if not case.words]


@pytest.mark.parametrize("case", LOADS, ids=lambda c: c.name)
def test_unambiguous_input_loads_correctly(case: BadInput, dataset, tmp_path):
    expected = ingest(dataset, [JANUARY])
    result = ingest(dataset, case.make(tmp_path))
    pd.testing.assert_frame_equal(result.counts, expected.counts)
    assert result.rows_read == expected.rows_read


def test_a_file_that_is_not_utf8_is_read_as_windows_1252_with_a_warning(dataset, tmp_path):
    path = tmp_path / "street.csv"
    path.write_bytes(JANUARY.read_text().replace("West Yorkshire Police", "West Yorkshire Police é").encode("cp1252"))
    result = ingest(dataset, [path])
    assert result.rows_read == 21
    assert any("not UTF-8" in w.message and w.row == 2 for w in result.warnings)


@pytest.mark.parametrize("case", ERRORS, ids=lambda c: c.name)
def test_bad_input_raises_a_located_data_error(case: BadInput, dataset, tmp_path):
    paths = case.make(tmp_path)
    with pytest.raises(DataError) as caught:
        ingest(dataset, paths)
    problem = caught.value.problems[0]
    assert problem.file.startswith(paths[0].name)
    assert case.words in problem.message
    assert problem.row == case.row
    assert problem.column == case.column
    message = str(caught.value)
    assert paths[0].name in message
    if case.row is not None:
        assert f"row {case.row}" in message
    if case.column is not None:
        assert f"column '{case.column}'" in message


def snapshot(paths: DatasetPaths) -> dict[str, bytes]:
    return {
        str(p.relative_to(paths.root)): p.read_bytes()
        for folder in (paths.data, paths.geo)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
@pytest.mark.parametrize("case", ERRORS, ids=lambda c: c.name)
def test_bad_input_through_the_cli_leaves_the_dataset_untouched(case: BadInput, home: DatasetPaths, tmp_path):
    before = snapshot(home)
    paths = case.make(tmp_path)
    finished = run_cli("ingest-police-uk", *map(str, paths), "--home", str(home.root))
    assert finished.returncode != 0
    assert "Traceback" not in finished.stderr
    assert case.words in finished.stderr
    assert paths[0].name in finished.stderr
    if case.row is not None:
        assert f"row {case.row}" in finished.stderr
    assert snapshot(home) == before


def test_a_file_that_does_not_exist_is_reported(dataset, tmp_path):
    with pytest.raises(DataError, match=r"nowhere\.csv: file not found"):
        ingest(dataset, [tmp_path / "nowhere.csv"])


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2025-02", "2025-02-01"),
        ("Feb-25", "2025-02-01"),
        ("February 2025", "2025-02-01"),
        ("01/02/2025", "2025-02-01"),
        ("2025-02-01", "2025-02-01"),
        (" 2016-11 ", "2016-11-01"),
        ("02/2025", "2025-02-01"),
        ("sometime", None),
        ("", None),
    ],
)
def test_parse_month(text: str, month: str | None):
    assert parse_month(text) == (pd.Timestamp(month) if month else None)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("LSOA code", "LSOA code"),
        ("LSOA_code", "LSOA code"),
        ("lsoa code", "LSOA code"),
        ("\ufeffCrime ID", "Crime ID"),
        ("  Crime  type ", "Crime type"),
        ("Borough", "Borough"),
    ],
)
def test_normalise_header(header: str, expected: str):
    assert normalise_header(header) == expected
