"""Assembling a board pack once and writing it as Excel and CSV; choosing areas, periods and indicators."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
from pptx import Presentation
from pypdf import PdfReader

from saferleeds.analysis.area_summary import area_row, summarise
from saferleeds.analysis.attention import what_needs_attention
from saferleeds.core.dataset import load_dataset
from saferleeds.core.errors import DataError
from saferleeds.core.periods import Period
from saferleeds.present.export import board_pack, pages, render, tables
from tests.builders import rows, with_values
from tests.packs import ARMLEY, KEY_INDICATORS, PERIOD, file_for, pack_for

pytestmark = pytest.mark.xdist_group("board-pack")  # one worker: see tests/README.md

HYPERLINK = '=HYPERLINK("http://example.com/steal","New Wortley")'


def test_default_indicators_are_the_plan_on_a_page_for_the_chosen_priority(dataset):
    assert board_pack.default_indicators(dataset) == KEY_INDICATORS
    assert board_pack.default_indicators(dataset, "offender") == ["drugs", "reoffending"]
    assert board_pack.default_indicators(dataset, None, "hate_tensions") == ["hate_incidents", "public_order"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("E05011385", ARMLEY),
        ("armley", ARMLEY),
        ("Armley", ARMLEY),
        ("burmantofts-richmond-hill", "E05011388"),
        ("Burmantofts and Richmond Hill", "E05011388"),
        ("E05011386", "E05012647"),  # Beeston & Holbeck's 2018 code
        ("E01011698", "E01011698"),
        ("leeds", None),
        ("E08000035", None),
        ("", None),
        (None, None),
    ],
)
def test_areas_are_found_by_code_slug_or_name(dataset, text, code):
    assert board_pack.resolve_area(dataset, text) == code


def test_an_unknown_area_is_a_clear_error(dataset):
    with pytest.raises(DataError, match="'Atlantis' is not a Leeds area"):
        board_pack.resolve_area(dataset, "Atlantis")


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024-03..2025-02", "2024-03-01", "2025-02-01"),
        (" 2025-02 ", "2025-02-01", "2025-02-01"),
        ("2024-01 .. 2024-06", "2024-01-01", "2024-06-01"),
        (None, "2024-08-01", "2025-07-01"),  # the default: the 12 months to the latest month
    ],
)
def test_periods_are_read_from_first_and_last_month(dataset, text, start, end):
    assert board_pack.parse_period(dataset, text) == Period(pd.Timestamp(start), pd.Timestamp(end))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("March 2024", "is not a period"),
        ("2025-02..2024-03", "ends before it starts"),
        ("2024-13", "does not exist"),
        ("2010-01..2011-01", "the data covers 2016-04 to 2025-07"),
    ],
)
def test_bad_periods_are_clear_errors(dataset, text, message):
    with pytest.raises(DataError, match=message):
        board_pack.parse_period(dataset, text)


def test_unknown_indicators_are_a_clear_error(dataset):
    with pytest.raises(DataError, match="unknown indicator"):
        board_pack.check_indicators(dataset, ["drugs", "unicorns"])


def test_modelled_months_are_said_in_words(dataset):
    # recorded for Leeds and MSOAs, small areas estimated from MSOA totals, except in the whole street month:
    # a month is as weak as its weakest figure, "in places" when only some of its figures are
    assert board_pack.modelled_words(dataset, "total_crime", PERIOD) == (
        "Estimated in places: August 2024 to January 2025, March 2025 to July 2025. Recorded: February 2025."
    )
    assert board_pack.modelled_words(dataset, "feel_safe", PERIOD) == "Every month is modelled, not recorded data."


def test_a_month_is_as_weak_as_its_weakest_figure(dataset):
    first = PERIOD.comparison().start
    window = Period(first, PERIOD.end)
    armley = rows("total_crime", ARMLEY, [10.0] * 24, first=first, status=["modelled"] * 12 + ["recorded"] * 12)
    other = ["modelled"] * 12 + ["recorded"] * 6 + ["estimated"] * 6
    built = with_values(dataset, pd.concat([armley, rows("total_crime", "E05011384", [10.0] * 24, first, other)]))
    assert board_pack.modelled_words(built, "total_crime", window) == (
        "Modelled: August 2023 to July 2024. Recorded: August 2024 to January 2025. "
        "Estimated in places: February 2025 to July 2025."
    )
    assert board_pack.modelled_words(built, "total_crime", PERIOD.comparison()) == (
        "Every month is modelled, not recorded data."
    )


def test_progress_is_reported_for_every_step(dataset):
    seen: list[tuple[int, int, str]] = []
    request = board_pack.PackRequest(ARMLEY, PERIOD, ("drugs", "asb"))
    board_pack.assemble(dataset, request, progress=lambda *step: seen.append(step), charts=False)
    assert [s[0] for s in seen] == [1, 2, 3, 4] and {s[1] for s in seen} == {4}
    assert [s[2] for s in seen[:3]] == [
        "Drug offences: figures",
        "Anti-social behaviour: figures",
        "what needs attention",
    ]
    assert seen[-1][2] == "tables"


def test_preparing_a_file_counts_every_step_once_and_reuses_the_pictures(dataset):
    seen: list[tuple[int, int, str]] = []
    request = board_pack.PackRequest(ARMLEY, PERIOD, ("drugs", "reoffending"))
    pack, deck = board_pack.prepare(dataset, request, "pptx", progress=lambda *step: seen.append(step))
    assert [s[0] for s in seen] == list(range(1, 10)) and {s[1] for s in seen} == {9}
    assert [s[2] for s in seen] == [
        "Drug offences: figures",
        "Re-offending: figures",
        "what needs attention",
        "Drug offences: trend chart",
        "Drug offences: map",
        "Re-offending: trend chart",
        "Re-offending: no map",
        "tables",
        "wrote PowerPoint",
    ]
    assert deck[:2] == b"PK" and [len(s.pictures) for s in pack.sections] == [2, 1]
    seen.clear()
    again, document = board_pack.prepare(dataset, request, "pdf", progress=lambda *step: seen.append(step), pack=pack)
    assert again is pack and seen == [(1, 1, "wrote PDF")] and document.startswith(b"%PDF")


def test_pictures_are_drawn_once_as_svg_with_their_alternative_text(dataset):
    pack = pack_for(dataset)
    section = next(s for s in pack.sections if s.indicator.id == "total_crime")
    for picture in section.pictures:
        assert picture.svg.lstrip().startswith(b"<svg") and picture.width > 300 and picture.height > 200
        assert picture.description == picture.chart["description"]
        assert render.png_size(picture.png)[0] == pytest.approx(picture.width * render.SLIDE_SCALE, abs=2)
    assert section.trend.description.startswith("Line chart of total recorded crime each month, Armley and Leeds")
    assert section.map.description.startswith("Leeds as a map of the 33 wards")


def test_the_pack_is_its_parts_and_one_more_part_is_one_entry(dataset, monkeypatch):
    pack = pack_for(dataset, indicators=("drugs",))
    assert [part.__name__ for part in pages.PARTS] == [
        "front_page",
        "attention_page",
        "plan_on_a_page",
        "indicator_pages",
        "definitions_page",
    ]

    def actions(pack):
        return [pages.Page("Actions agreed", (pages.Paragraph("Nothing is outstanding.", "lead"),))]

    parts = (*pages.PARTS[:3], actions, *pages.PARTS[3:])
    titles = [page.title for page in pages.pack_pages(pack, parts)]
    assert titles[3] == "Actions agreed" and len(titles) == 6
    monkeypatch.setattr(pages, "PARTS", parts)
    document = " ".join(PdfReader(io.BytesIO(board_pack.write(pack, "pdf"))).pages[3].extract_text().split())
    deck = Presentation(io.BytesIO(board_pack.write(pack, "pptx")))
    assert document.startswith("Actions agreed Nothing is outstanding.")
    assert deck.slides[3].shapes.title.text == "Actions agreed"


def test_the_summary_says_the_same_as_the_plan_on_a_page(dataset):
    pack = pack_for(dataset, charts=False)
    summary = pack.tables["Summary"].set_index("Indicator")
    assert list(summary.index) == [dataset.catalogue.indicator(i).label for i in KEY_INDICATORS]
    row = area_row(dataset, "total_crime", ARMLEY, PERIOD)
    crime = summary.loc["Total recorded crime"]
    assert crime["Area"] == "Armley" and crime["Figure"] == f"{row['count']:,.0f}"
    assert crime["Change"] == row["change_words"] and crime["Status"] == row["status"]
    assert crime["Compared with Leeds"] == f"{row['verdict']} the Leeds average"
    assert summary.loc["Proven re-offending", "Figure"] == "Not available for wards"
    assert summary.loc["People who feel safe in their local area", "Target"].startswith("Outcome target: 85%")


def test_the_workbook_has_a_sheet_per_table_and_its_cells_match_the_screen(dataset, tmp_path):
    path = tmp_path / "pack.xlsx"
    path.write_bytes(file_for(dataset, "xlsx"))
    book = openpyxl.load_workbook(path)
    short = [dataset.catalogue.indicator(i).short_label for i in KEY_INDICATORS]
    assert book.sheetnames == ["What needs attention", "Summary", *short, "Monthly", "Definitions"]
    findings = what_needs_attention(dataset, ARMLEY, "ward", PERIOD).findings
    attention = list(book["What needs attention"].iter_rows(min_row=2, values_only=True))
    assert [row[2] for row in attention[: len(findings)]] == [f.sentence for f in findings]
    statuses = dataset.catalogue.statuses
    assert [row[3] for row in attention[: len(findings)]] == [statuses.label(f.status) for f in findings]
    assert all(row[8].split("?")[0] in {"trends", "compare", "map"} for row in attention[: len(findings)])
    assert any("Benjamini-Hochberg" in str(row[0]) for row in attention[len(findings) :])
    sheet = book["Recorded crime"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(min_row=2)]
    screen = summarise(dataset, "total_crime", "ward", PERIOD)
    assert [r["Area"] for r in rows] == screen["name"].tolist()
    assert [r["Number"] for r in rows] == screen["count"].tolist()
    assert [r["Change in words"] for r in rows] == screen["change_words"].tolist()
    assert [r["Status"] for r in rows] == screen["status"].tolist()
    definitions = book["Definitions"]
    assert [c.value for c in definitions[1]] == [
        "Indicator",
        "Definition",
        "Unit",
        "Source",
        "Source link",
        "Status",
        "What is modelled",
    ]
    texts = [c.value for c in definitions["A"] if c.value]
    assert any("shown as '<5'" in t for t in texts) and any("Open Government Licence" in t for t in texts)
    assert book["Re-offending"].max_row == 2  # published for Leeds only, so the table is Leeds


def test_the_csv_pack_holds_the_same_tables(dataset):
    with zipfile.ZipFile(io.BytesIO(file_for(dataset, "csv"))) as archive:
        names = archive.namelist()
        assert (
            names[:2] == ["what-needs-attention.csv", "summary.csv"]
            and "monthly.csv" in names
            and "definitions.csv" in names
        )
        assert "recorded-crime.csv" in names and "README.txt" in names
        rows = list(csv.DictReader(io.StringIO(archive.read("recorded-crime.csv").decode("utf-8-sig"))))
    screen = summarise(dataset, "total_crime", "ward", PERIOD)
    assert [r["Area"] for r in rows] == screen["name"].tolist()
    assert [float(r["Number"]) for r in rows] == screen["count"].tolist()


@pytest.fixture
def hostile_dataset(home):
    """A private copy of the data with an area and an indicator named like spreadsheet formulas."""
    neighbourhoods = home.neighbourhoods.read_text(encoding="utf-8")
    home.neighbourhoods.write_text(
        neighbourhoods.replace(",New Wortley,", f',"{HYPERLINK.replace(chr(34), 2 * chr(34))}",')
    )
    catalogue = home.catalogue.read_text(encoding="utf-8")
    catalogue = catalogue.replace('label = "Hate-related incidents reported"', 'label = "@SUM(1+1) hate incidents"')
    home.catalogue.write_text(catalogue, encoding="utf-8")
    return load_dataset(home)


def test_formula_names_are_written_as_text_and_small_counts_as_less_than_five(hostile_dataset, tmp_path):
    dataset = hostile_dataset
    code = "PN-NEW-WORTLEY"
    assert dataset.geography.name(code) == HYPERLINK
    pack = board_pack.assemble(dataset, board_pack.PackRequest(code, PERIOD, ("hate_incidents", "drugs")), charts=False)
    path = tmp_path / "pack.xlsx"
    path.write_bytes(board_pack.write(pack, "xlsx"))
    book = openpyxl.load_workbook(path)
    formula_cells = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value[:1] in "=+-@"
    ]
    assert {c.value for c in formula_cells} >= {HYPERLINK, "@SUM(1+1) hate incidents"}
    assert all(c.data_type == "s" and c.quotePrefix for c in formula_cells)
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert not re.search(r"<f[ >]", xml)

    screen = summarise(dataset, "hate_incidents", "neighbourhood", PERIOD)
    assert (screen["disclosure"] == "hidden").any()
    rule = dataset.catalogue.disclosure
    sheet = book["Hate incidents"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    for _, area in screen.iterrows():
        shown = rows[area["name"]]
        if area["suppressed"]:
            assert shown["Number"] == (rule.shown_as if area["disclosure"] == "hidden" else rule.withheld_as)
            assert shown["Rate per 1,000 residents"] is None
            assert shown["Change in words"] == tables.WITHHELD
        elif pd.isna(area["count"]):
            assert shown["Number"] is None
        else:
            assert shown["Number"] == area["count"] and area["count"] % rule.round_to == 0  # rounded

    with zipfile.ZipFile(io.BytesIO(board_pack.write(pack, "csv"))) as archive:
        text = "".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist() if n.endswith(".csv"))
    assert "'" + HYPERLINK.replace('"', '""') in text and "'@SUM(1+1) hate incidents" in text
    assert not re.search(r'(^|,)"?[=@]', text, flags=re.MULTILINE)


def test_file_names_say_what_the_pack_is(dataset):
    pack = pack_for(dataset, charts=False)
    assert pack.file_name("pptx") == "safer-leeds-board-pack-armley-2024-08-to-2025-07.pptx"
    assert pack.file_name("csv").endswith(".zip")
    with pytest.raises(ValueError, match="unknown format"):
        board_pack.write(pack, "docx")


def test_the_plan_withholds_a_change_that_would_reveal_a_small_count(dataset):
    rule = dataset.catalogue.disclosure
    table = summarise(dataset, "hate_incidents", "msoa", PERIOD)
    kept_back = table["previous_disclosure"].isin(["hidden", "withheld"])
    cases = table[table["suppressed"] | kept_back]
    assert set(cases["disclosure"]) >= {"hidden", "withheld", "rounded"}  # now small, withheld, a year ago small
    for _, area in cases.iterrows():
        request = board_pack.PackRequest(area["code"], PERIOD, ("hate_incidents",))
        summary = board_pack.preview_table(dataset, request).iloc[0]
        assert summary["Change"] == tables.WITHHELD, area["name"]
        figure = {"hidden": rule.shown_as, "withheld": rule.withheld_as}.get(
            area["disclosure"], f"{area['count']:,.0f}"
        )
        assert summary["Figure"] == figure


@pytest.mark.parametrize(
    ("area", "measure", "indicator", "heading"),
    [
        (ARMLEY, "count", "drugs", "Figures are numbers in the period; charts and maps show rates {rates}."),
        (None, "count", "drugs", "Figures are numbers in the period; maps show rates {rates}."),
        (ARMLEY, "rate", "drugs", "Figures, charts and maps are rates {rates}."),
        (ARMLEY, "count", "feel_safe", "Location: Creating safer, stronger communities. Figures: % of respondents."),
    ],
)
def test_each_indicator_page_says_what_its_figures_are(dataset, area, measure, indicator, heading):
    request = board_pack.PackRequest(area, PERIOD, (indicator,), measure)
    section = board_pack.assemble(dataset, request, charts=False).sections[0]
    assert heading.format(rates=dataset.catalogue.rates.with_population) in section.heading
    assert section.status_line.startswith(f"Status: {section.status}.")
    # what estimated and modelled figures are is said wherever the status has them, and only there
    assert ("Estimated figures are shared out from recorded totals." in section.status_line) == (
        "estimated" in section.status
    )
    assert ("Modelled figures are not recorded data." in section.status_line) == ("modelled" in section.status)
    assert (section.status_line == f"Status: {section.status}.") == (section.status == "recorded")
