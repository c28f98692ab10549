"""``python -m saferleeds board-pack``: the same packs from the command line, with a progress bar."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import openpyxl
import pikepdf
import pytest
from pptx import Presentation

from saferleeds.cli import main
from saferleeds.cli.progress import ProgressBar
from saferleeds.core.paths import PROJECT_ROOT
from tests.packs import PERIOD, pack_for

pytestmark = pytest.mark.xdist_group("board-pack")  # one worker: see tests/README.md

PERIOD_TEXT = f"{PERIOD.start:%Y-%m}..{PERIOD.end:%Y-%m}"  # the packs' period, as typed: 2024-08..2025-07


def test_the_workbook_written_by_the_command_line_matches_the_library(dataset, tmp_path, capsys):
    out = tmp_path / "armley.xlsx"
    status = main(["board-pack", "--area", "armley", "--period", PERIOD_TEXT, "--format", "xlsx", "--out", str(out)])
    assert status == 0
    captured = capsys.readouterr()
    assert f"Wrote {out}" in captured.out and "Safer Leeds board pack: Armley" in captured.out
    assert "[##############################] 12/12 wrote Excel" in captured.err
    book = openpyxl.load_workbook(out)
    pack = pack_for(dataset, charts=False)
    assert book.sheetnames[:2] == ["What needs attention", "Summary"]
    assert book.sheetnames[-2:] == ["Monthly", "Definitions"]
    for name in ("What needs attention", "Summary", "Recorded crime", "Monthly"):
        frame = pack.tables[name]
        sheet = book[name]
        assert [c.value for c in sheet[1]] == list(frame.columns)
        notes = pack.notes.get(name, ())  # written two rows below the table
        assert sheet.max_row == len(frame) + 1 + (len(notes) + 1 if notes else 0)
    summary = [r for r in book["Summary"].iter_rows(min_row=2, values_only=True)]
    assert [list(r) for r in summary] == [
        [None if v == "" else v for v in row] for row in pack.tables["Summary"].itertuples(index=False)
    ]


def test_a_powerpoint_for_chosen_indicators_round_trips(tmp_path, capsys):
    out = tmp_path / "pack.pptx"
    status = main(["board-pack", "--area", "E05011385", "--indicators", "drugs,asb", "--out", str(out)])
    assert status == 0
    deck = Presentation(out)
    assert [s.shapes.title.text for s in deck.slides] == [
        "Safer Leeds board pack: Armley",
        "What needs attention: Armley",
        "The plan on a page: Armley beside Leeds",
        "Drug offences recorded",
        "Reported anti-social behaviour",
        "Definitions, sources and what is modelled",
    ]
    assert "9/9 wrote PowerPoint" in capsys.readouterr().err
    pictures = [shape for shape in deck.slides[3].shapes if shape.shape_type == 13]
    assert len(pictures) == 2 and all(p._element.nvPicPr.cNvPr.get("descr") for p in pictures)


def test_a_pdf_is_written_tagged(tmp_path, capsys):
    out = tmp_path / "pack.pdf"
    assert main(["board-pack", "--area", "armley", "--indicators", "asb", "--format", "pdf", "--out", str(out)]) == 0
    assert "6/6 wrote PDF" in capsys.readouterr().err
    with pikepdf.open(out) as document:
        assert "/StructTreeRoot" in document.Root and str(document.Root.Lang) == "en-GB"


def test_a_csv_pack_is_a_zip_of_tables(tmp_path):
    out = tmp_path / "leeds.zip"
    assert main(["board-pack", "--area", "leeds", "--priority", "offender", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == [
            "what-needs-attention.csv",
            "summary.csv",
            "drug-offences.csv",
            "re-offending.csv",
            "monthly.csv",
            "definitions.csv",
            "README.txt",
        ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--area", "Atlantis", "--out", "x.pdf"], "error: --area: 'Atlantis' is not a Leeds area code, slug or name"),
        (["--period", "2030-01..2030-02", "--out", "x.pdf"], "error: --period: the data covers 2016-04 to 2025-07"),
        (["--indicators", "drugs,unicorns", "--out", "x.pdf"], "error: --indicators: unknown indicator(s): unicorns"),
        (["--out", "pack.docx"], "error: --format: say which format to write"),
    ],
)
def test_bad_choices_are_clear_errors_and_write_nothing(tmp_path, monkeypatch, capsys, arguments, message):
    monkeypatch.chdir(tmp_path)
    assert main(["board-pack", *arguments]) == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_the_progress_bar_fills_as_steps_finish():
    stream = io.StringIO()
    bar = ProgressBar(stream, width=10)
    bar(1, 4, "Drug offences: figures")
    bar(4, 4, "done")
    text = stream.getvalue()
    assert "\r[##........] 1/4 Drug offences: figures" in text
    assert text.endswith("\r[##########] 4/4 done" + " " * 36 + "\n")


@pytest.mark.slow  # a new Python process
def test_the_command_is_listed_and_runs_as_a_module():
    result = subprocess.run(
        [sys.executable, "-m", "saferleeds", "board-pack", "--help"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--area" in result.stdout and "pptx" in result.stdout and "--period" in result.stdout
