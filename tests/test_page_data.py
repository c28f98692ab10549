"""The Data page: catalogue, what is modelled, upload with report, apply and restore, police_uk_api."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from saferleeds.core.dataset import load_dataset
from saferleeds.ingest import police_uk_api
from tests.conftest import FIXTURES, download_keys, page_text, run_app
from tests.fake_police_api import FakePoliceApi, fake_crimes, serving

pytestmark = pytest.mark.xdist_group("private-homes")  # one worker: see tests/README.md

PAGE = "pages/data.py"


def upload(app, name: str, data: bytes | None = None):
    uploader = app.file_uploader[0]
    uploader.set_value([(name, data if data is not None else (FIXTURES / name).read_bytes(), "text/csv")])
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def button(app, key: str):
    return app.button(key=key)


def problems_shown(app) -> str:
    """The messages of the report's table of problems."""
    tables = [t.value for t in app.dataframe if "Problem" in t.value.columns]
    return "\n".join(tables[0]["Problem"]) if tables else ""


def table_with(app, column: str):
    """The first table on the page with this column (the ledger, the catalogue and reports each have their own)."""
    return next(frame.value for frame in app.dataframe if column in frame.value.columns)


def test_the_page_explains_how_each_number_is_made_and_lists_every_indicator(dataset):
    app = run_app(PAGE)
    text = page_text(app)
    assert "Recorded, estimated or modelled?" in text
    assert "**Estimated**: Derived by a stated method from recorded totals at a coarser level" in text
    assert "per small area (LSOA) for the whole street-level months (March 2024 and February 2025)" in text
    assert "Entirely modelled: People who feel safe in their local area" in text
    assert "Each file may be up to 200 MB" in text
    catalogue = table_with(app, "Definition")
    assert len(catalogue) == len(dataset.catalogue.indicators)
    assert {"Definition", "Unit", "Polarity", "Priorities", "Focus themes", "Source", "Geographies"} <= set(
        catalogue.columns
    )
    burglary = catalogue[catalogue["Indicator"] == "Burglary"].iloc[0]
    assert burglary["Status"] == (
        "recorded: August 2022 to July 2025; estimated: August 2022 to February 2024, April 2024 to January 2025, "
        "March 2025 to July 2025; modelled: April 2016 to July 2022"
    )
    assert burglary["Last updated"] == "with the embedded default dataset"
    assert "No earlier versions yet" in text
    assert {"catalogue-csv", "coverage-csv"} <= download_keys(app)  # every table downloads


def test_the_coverage_ledger_and_the_official_total_are_on_the_page():
    app = run_app(PAGE)
    ledger = table_with(app, "Area type")
    crime = ledger[ledger["Indicator"] == "Total recorded crime"].set_index("Area type")
    assert crime.loc["Small area (LSOA)", "Recorded"] == "March 2024, February 2025"
    assert crime.loc["Local area (MSOA)", "Recorded"] == "August 2022 to July 2025"
    assert crime.loc["Ward", "Estimated"].endswith("for 24 of 33 wards")
    assert set(ledger.columns) == {"Indicator", "Area type", "Recorded", "Estimated", "Modelled"}
    text = page_text(app)
    assert "police.uk total recorded crime for Leeds, July 2024 to June 2025: 101,131 (recorded)" in text
    assert "100,168" in text and "They are different counts" in text


def test_the_catalogue_search_is_kept_in_the_url():
    app = run_app(PAGE, query={"catalogue_search": "survey"})
    shown = table_with(app, "Definition")
    assert set(shown["Indicator"]) == {"People who feel safe in their local area", "Public satisfaction and confidence"}
    assert "2 of 21 indicators match 'survey'" in page_text(app)
    assert [e.label for e in app.expander][:2] == list(shown["Indicator"])  # each shown in full
    assert "Definition: Percentage of survey respondents" in page_text(app).replace("**", "")


def test_upload_report_apply_and_restore(home):
    app = run_app(PAGE)
    upload(app, "police_uk_2025-03_street.csv")
    text = page_text(app)
    assert "No problems found: the files can be applied." in text
    assert "March 2025 (now estimated and recorded): 15 indicators" in text
    apply = button(app, "apply_upload")
    assert not apply.disabled
    apply.click().run()
    assert not app.exception
    text = page_text(app)
    assert "Applied: police.uk street-level crime for March 2025" in text
    catalogue = table_with(app, "Definition")
    burglary = catalogue[catalogue["Indicator"] == "Burglary"].iloc[0]
    assert "estimated: August 2022 to February 2024, April 2024 to January 2025, April 2025" in burglary["Status"]
    assert "police.uk street-level crime for March 2025" in burglary["Last updated"]

    button(app, "restore_button").click().run()
    assert not app.exception
    assert "Restored" in page_text(app)
    rows = load_dataset(home).rows("burglary")
    assert set(rows.loc[rows["period"] == "2025-03-01", "status"]) == {"recorded", "estimated"}


def test_errors_are_listed_and_block_the_apply(home):
    before = home.values.read_bytes()
    app = run_app(PAGE)
    upload(app, "indicator_problems.csv")
    assert "7 problems must be fixed before anything can be applied." in page_text(app)
    problems = table_with(app, "Severity")
    assert list(problems.columns) == ["Severity", "File", "Row", "Column", "Problem"]
    assert problems["Row"].tolist()[:7] == [3, 4, 5, 6, 7, 8, 9]
    assert "upload-problems-csv" in download_keys(app)
    assert button(app, "apply_upload").disabled
    assert home.values.read_bytes() == before


def test_names_from_files_are_shown_as_text_never_html(home):
    book = openpyxl.Workbook()
    book.active.title = "values"
    book.active.append(["indicator", "area_code", "2025-03"])
    book.active.append(["odd_one", "E05011385", 3])
    sheet = book.create_sheet("catalogue")
    sheet.append(["id", "label", "definition", "unit", "polarity", "priorities", "source", "native_geography"])
    label = '<img src=x onerror="alert(1)"> **Bold** [link](javascript:alert(1))'
    sheet.append(["odd_one", label, "d", "count", "higher_is_worse", "location", "s", "ward"])
    buffer = io.BytesIO()
    book.save(buffer)
    app = run_app(PAGE)
    upload(app, "odd.xlsx", buffer.getvalue())
    markdown = "\n".join(str(m.value) for m in app.markdown)
    for raw in ("<img", "**Bold**", "[link](javascript"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), markdown), f"{raw} reached the page unescaped"
    assert r'\<img src=x onerror="alert\(1\)"\> \*\*Bold\*\* \[link\]\(javascript\:alert\(1\)\)' in markdown


def test_an_unknown_indicator_gets_a_catalogue_form(home):
    app = run_app(PAGE)
    upload(app, "new.csv", b"indicator,area_code,period,value\nstreet_lighting,E05011385,2025-03,4\n")
    assert "Catalogue entry for the new indicator street\\_lighting" in "\n".join(m.value for m in app.markdown)
    app.text_input(key="new_label_street_lighting").input("Street lighting faults")
    app.text_area(key="new_definition_street_lighting").input("Faults reported to the council.")
    app.multiselect(key="new_priorities_street_lighting").select("location")
    app.text_input(key="new_source_street_lighting").input("Leeds City Council")
    app.selectbox(key="new_native_street_lighting").select("ward")
    app.button[[b.label for b in app.button].index("Add to the catalogue and check again")].click().run()
    assert not app.exception
    assert "a new indicator in the catalogue: Street lighting faults (street_lighting)" in page_text(app)
    assert not button(app, "apply_upload").disabled


@pytest.fixture
def fake_api(dataset, monkeypatch):
    state = FakePoliceApi({"2025-08": fake_crimes(dataset, "2025-08", 80)})
    with serving(state) as url:
        monkeypatch.setenv(police_uk_api.API_VARIABLE, url)
        yield state


def test_the_fetch_button_fetches_checks_and_applies(home, fake_api):
    app = run_app(PAGE)
    assert app.text_input(key="fetch_from").value == "2025-08"  # the month after the last one held
    button(app, "fetch_button").click().run()
    assert not app.exception
    text = page_text(app)
    assert "2025-08: 80 crimes" in text
    assert "No problems found" in text
    assert len(fake_api.requests) >= 3  # 80 crimes > the limit of 60: the area was split
    button(app, "apply_fetch").click().run()
    assert "Applied: police.uk street-level crime for August 2025" in page_text(app)
    assert "to August 2025" in page_text(app)  # the status line names the new month: the dataset was reloaded
    assert (home.data / "fetch-cache" / "2025-08").is_dir()


def test_a_damaged_dataset_can_still_be_restored_from_the_page(home):
    from saferleeds.core.values import read_values
    from saferleeds.ingest import store
    from saferleeds.ingest.store import Changes

    values = read_values(home.values)
    store.apply_changes(home, Changes("a test change", values[values["indicator"] == "burglary"].head(10)))
    home.values.write_bytes(b"this is not a parquet file")
    app = run_app(PAGE)
    text = page_text(app)
    assert "The data could not be loaded." in text
    assert not app.exception
    button(app, "restore_button").click().run()
    assert not app.exception
    assert "Restored" in page_text(app)
    assert "Indicator catalogue" in page_text(app)
    load_dataset(home)


def test_a_geopackage_of_several_layers_asks_which_layer_to_load(home, tmp_path):
    from tests.test_hostile_inputs import _two_layer_geopackage

    package = _two_layer_geopackage(tmp_path / "layers.gpkg").read_bytes()
    app = run_app(PAGE)
    upload(app, "layers.gpkg", package)
    assert "the file holds 2 layers" in problems_shown(app)
    assert button(app, "apply_upload").disabled
    chooser = app.selectbox(key="upload_layer_0")
    assert chooser.options == ["wards_2019", "a_few_wards"] and chooser.value is None
    chooser.select("wards_2019").run()
    assert not app.exception
    assert "ward boundaries: the shapes of all 33 areas" in page_text(app)
    assert not button(app, "apply_upload").disabled


def test_invalid_shapes_are_repaired_only_when_the_box_is_ticked(home, tmp_path):
    from tests.test_hostile_inputs import _wards_with

    app = run_app(PAGE)
    upload(app, "wards.geojson", _wards_with(None, (5, 9)))
    assert "is not a valid shape" in problems_shown(app) and button(app, "apply_upload").disabled
    repair = app.checkbox(key="upload_repair")
    assert "(2 of them)" in repair.label
    repair.check().run()
    assert not app.exception
    assert "it was repaired as asked" in problems_shown(app)
    assert not button(app, "apply_upload").disabled


def test_an_apply_after_someone_else_changed_the_data_is_checked_again(home):
    from saferleeds.core.values import read_values
    from saferleeds.ingest import store
    from saferleeds.ingest.store import Changes

    app = run_app(PAGE)
    upload(app, "police_uk_2025-03_street.csv")
    assert not button(app, "apply_upload").disabled
    values = read_values(home.values)
    store.apply_changes(home, Changes("another person's change", values[values["indicator"] == "burglary"].head(5)))
    changed = home.values.read_bytes()
    button(app, "apply_upload").click().run()
    assert not app.exception
    text = page_text(app)
    assert "The data changed while these files were being checked" in text
    assert home.values.read_bytes() == changed  # the upload was not applied over the other change
    assert "No problems found: the files can be applied." in text  # checked again against the data now in use
    button(app, "apply_upload").click().run()
    assert "Applied: police.uk street-level crime for March 2025" in page_text(app)
    assert home.values.read_bytes() != changed
