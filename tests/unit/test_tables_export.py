"""xlsx and CSV tables: content of each table, the workbook read back with openpyxl, files and events."""
from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from qualbench.errors import QualbenchError
from qualbench.exchange.tables_export import (
    CODING_COLUMNS, build_tables, codebook_table, codings_table, csv_bytes, quotes_table, resolve_tables,
    xlsx_bytes)

from qualbench.project import Project

from .test_docx_report import copy_project


@pytest.fixture(scope="module")
def work(demo_project, tmp_path_factory):
    p = copy_project(demo_project, tmp_path_factory.mktemp("tables") / "proj")
    yield p
    p.close()


@pytest.fixture(scope="module")
def codings(demo_project):
    return codings_table(demo_project)


def test_codings_long_format(demo_project, codings):
    assert len(codings) == len(demo_project.codings())
    attributes = [c for c in demo_project.participants().columns if c != "participant"]
    assert list(codings.columns) == CODING_COLUMNS + attributes
    assert {"pct_reduction", "responder_class", "responder", "would_repeat_answer", "sex"} <= set(codings.columns)
    row = codings[(codings.document == "P07") & (codings.code == "Hope for pain relief")
                  & (codings.coder == "coder_a")].iloc[0]
    assert row.code_path == ("Influence of the iMCS procedure on the patient's life > Expectations and information"
                             " > Hope for pain relief")
    assert (row.theme, row.category) == ("Influence of the iMCS procedure on the patient's life",
                                         "Expectations and information")
    assert row.quote == demo_project.text("P07")[row.start:row.end]
    assert row.quote.startswith("Honestly? I thought if it goes from eight to four")
    assert (row.participant, row.responder, row.would_repeat_answer) == ("P07", "non-responder", "no")
    assert row.pct_reduction == pytest.approx(12.5)
    assert set(codings.coder) == {c["name"] for c in demo_project.coders() if demo_project.codings(coder=c["name"])}


def test_codings_for_one_coder_and_unknown_coder(demo_project):
    assert set(codings_table(demo_project, "coder_a").coder) == {"coder_a"}
    with pytest.raises(QualbenchError, match="no coder 'nobody'"):
        codings_table(demo_project, "nobody")


def test_quotes_and_codebook_tables(demo_project):
    quotes = quotes_table(demo_project, coder="coder_a", nodes=["Would not repeat"], per_code=2, max_words=6)
    assert len(quotes) == 2 and set(quotes.code) == {"Would not repeat"}
    first = quotes.iloc[0]
    assert first.full_text.startswith(first.quote.split(" […]")[0])
    assert first.source.startswith(first.participant + ", ")
    book = codebook_table(demo_project, "coder_a")
    assert len(book) == len(demo_project.codes())
    assert book.iloc[0].path == book.iloc[0]["name"] and book.iloc[0].depth == 0
    assert book.set_index("name").loc["Hope for pain relief", "codings"] == len(
        demo_project.codings(coder="coder_a", code="Hope for pain relief"))


def test_resolve_tables():
    assert resolve_tables(["quotes", "codings"]) == ["codings", "quotes"]
    assert resolve_tables("all")[0] == "codings"
    with pytest.raises(QualbenchError, match="unknown table"):
        resolve_tables(["pictures"])


def test_xlsx_read_back(demo_project, codings):
    codings = codings.head(400)  # widths are measured on the first 500 rows anyway
    frames = {"codings": codings, "participants": demo_project.participants()}
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frames)))
    assert wb.sheetnames == ["codings", "participants"]
    ws = wb["codings"]
    assert [c.value for c in ws[1]] == list(codings.columns)
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert ws.max_row == len(codings) + 1
    widths = {ws.cell(row=1, column=i + 1).value: ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width
              for i in range(ws.max_column)}
    assert all(8 <= w <= 60 for w in widths.values())
    assert widths["quote"] == 60 and widths["start"] < 12
    values = [c.value for c in ws[2]]
    assert values[:3] == [int(codings.iloc[0].coding_id), codings.iloc[0].document, codings.iloc[0].participant]
    people = wb["participants"]
    p07 = next(r for r in people.iter_rows(values_only=True) if r[0] == "P07")
    header = [c.value for c in people[1]]
    assert p07[header.index("pct_reduction")] == pytest.approx(12.5)
    assert p07[header.index("deceased")] is False


def test_xlsx_keeps_formula_like_text_as_text():
    frame = pd.DataFrame({"quote": ["=HYPERLINK(\"http://x\")", "plain"], "n": [1, float("nan")]})
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"quotes": frame})))["quotes"]
    assert ws["A2"].data_type == "s" and ws["A2"].value == "=HYPERLINK(\"http://x\")"
    assert ws["B3"].value is None


def test_csv_round_trip(codings):
    back = pd.read_csv(io.BytesIO(csv_bytes(codings)), keep_default_na=True)
    assert list(back.columns) == list(codings.columns) and len(back) == len(codings)
    assert back.quote.tolist() == codings.quote.tolist()
    assert not csv_bytes(codings).startswith(b"\xef\xbb\xbf")  # no BOM


def test_build_tables_all(demo_project):
    p = Project(demo_project.path)
    try:
        frames = build_tables(p, "all", coder="coder_a", per_code=1)
    finally:
        p.close()
    expected = ["codings", "quotes", "codebook", "participants"] + (["joint"] if hasattr(p, "joint") else [])
    assert list(frames) == expected


def test_export_table_files_overwrite_and_events(work):
    xlsx = work.export_table("xlsx", ["quotes", "codebook"], coder="coder_a", per_code=1)
    assert xlsx.path.parent == work.path / "exports" and xlsx.path.suffix == ".xlsx"
    assert openpyxl.load_workbook(xlsx.path).sheetnames == ["quotes", "codebook"]
    csvs = work.export_table("csv", ["codings", "participants"])
    assert [p.name.split("-")[0] for p in csvs.paths] == ["codings", "participants"]
    assert csvs.paths[0].name[len("codings"):] == csvs.paths[1].name[len("participants"):]  # one time stamp
    assert len(pd.read_csv(csvs.paths[0])) == len(work.codings())
    target = work.path / "out" / "people.csv"
    work.export_table("csv", "participants", target)
    with pytest.raises(QualbenchError, match="people.csv: exists; use --force"):
        work.export_table("csv", "participants", target)
    work.export_table("csv", "participants", target, force=True)
    several = work.export_table("csv", ["codebook", "participants"], work.path / "out" / "study.csv")
    assert [p.name for p in several.paths] == ["study-codebook.csv", "study-participants.csv"]
    events = work.events(actions=["export.csv", "export.xlsx"])
    assert len(events) == 5
    assert events[-1].summary["coding_set"] == {"quotes": "coder_a", "codebook": "coder_a"}
    assert events[-2].summary["coding_set"] == {"codings": "all coders"}
    assert events[-2].summary["rows"]["codings"] == len(work.codings())
    assert events[0].summary["files"] == ["out/study-codebook.csv", "out/study-participants.csv"]
    with pytest.raises(QualbenchError, match="unknown table format"):
        work.export_table("ods", "codings")
    with pytest.raises(QualbenchError, match="unknown export option"):
        work.export_table("csv", "codings", per_cod=1)
