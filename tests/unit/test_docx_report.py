"""Word reports: quote trimming, Source labels, and the structure of every part, read back.

Documents are saved to bytes and reopened with python-docx, then checked in the XML
where python-docx hides it (vMerge, gridSpan, tblHeader, page orientation). Tests that
write (starring a quote, a second coder, exports) work on a private copy of the session
demo project; the others read the session demo itself.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
from pathlib import Path

import pytest

from qualbench.project import Project
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st

from qualbench.errors import QualbenchError
from qualbench.exchange.docx_report import (
    ELLIPSIS, ReportOptions, SourceLabels, build_report, codebook_rows, split_sentences, table_text, trim_quote)

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden" / "quote_table_demo.json"


# -- shared helpers (also imported by test_tables_export and test_export_cli) ------------------

def copy_project(demo, folder: Path):
    """A private, writable copy of the demo project (database via SQLite's backup API)."""
    folder.mkdir(parents=True)
    (folder / "exports").mkdir()
    (folder / "qualbench.toml").write_bytes((demo.path / "qualbench.toml").read_bytes())
    src, dst = sqlite3.connect(str(demo.store.path)), sqlite3.connect(str(folder / "qualbench.db"))
    src.backup(dst)
    src.close()
    dst.close()
    return Project(folder)


def add_second_coder(p, name: str = "coder_t", documents=("P01", "P02", "P03")) -> None:
    """coder_a's codings of a few documents, some left out and some shortened, as another coder."""
    path = p.path / f"{name}.csv"
    lines = ["document,coder,code,start,end,memo"]
    for i, c in enumerate(c for d in documents for c in p.codings(coder="coder_a", doc=d)):
        if i % 5 == 0:
            continue
        end = max(c.start + 1, c.end - 25) if i % 7 == 0 else c.end
        lines.append(f"{p.document(c.document_id).name},{name},\"{p.code(c.code_id).name}\",{c.start},{end},")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    p.import_codings_csv(path)


def reopen(document) -> Document:
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return Document(buffer)


def plain(text: str) -> str:
    return text.replace("\u00a0", " ")


@pytest.fixture(scope="module")
def work(demo_project, tmp_path_factory):
    p = copy_project(demo_project, tmp_path_factory.mktemp("docx") / "proj")
    yield p
    p.close()


@pytest.fixture(scope="module")
def quotes_doc(demo_project):
    return reopen(build_report(demo_project, "quotes", ReportOptions(coder="coder_a")).document)


# -- trimming ---------------------------------------------------------------------------------

S1 = "I hoped it would help."                               # 5 words
S2 = "The first weeks were hard and I was often tired."     # 10
S3 = "Then slowly things got better, step by step."         # 8
S4 = "Now I would do it again."                             # 6


@pytest.mark.parametrize("text, max_words, expected", [
    ("Short and sweet.", 60, "Short and sweet."),
    ("  spaces \n and\tnewlines  ", 60, "spaces and newlines"),
    (f"{S1} {S2} {S3} {S4}", None, f"{S1} {S2} {S3} {S4}"),
    # interior cut: first and last sentence kept, as many middle ones as fit
    (f"{S1} {S2} {S3} {S4}", 21, f"{S1} {S2} {ELLIPSIS} {S4}"),
    (f"{S1} {S2} {S3} {S4}", 12, f"{S1} {ELLIPSIS} {S4}"),
    # first + last do not fit: whole sentences from the start, then the ellipsis
    (f"{S1} {S2} {S3} {S4}", 10, f"{S1} {ELLIPSIS}"),
    (f"{S1} {S2}", 12, f"{S1} {ELLIPSIS}"),
    # one long sentence: cut after a clause in the second half, comma dropped
    ("I walked to the shop, I bought bread and milk, and then I went straight home again.", 12,
     f"I walked to the shop, I bought bread and milk {ELLIPSIS}"),
    # no clause end: cut after the last whole word that fits
    ("one two three four five six seven eight nine ten", 4, f"one two three four {ELLIPSIS}"),
])
def test_trim_quote(text, max_words, expected):
    assert trim_quote(text, max_words) == expected


def test_trim_counts_words_not_the_ellipsis():
    out = trim_quote(f"{S1} {S2} {S3} {S4}", 21)
    assert len(out.replace(ELLIPSIS, "").split()) <= 21


@pytest.mark.parametrize("text, expected", [
    ("No. [pause] No, I wouldn't. But no.", ["No.", "[pause] No, I wouldn't.", "But no."]),
    ("Dr. Smith said so. I agreed!", ["Dr. Smith said so.", "I agreed!"]),
    ("He said “go.” So I went…", ["He said “go.”", "So I went…"]),
    ("it was 4.5 out of ten. really", ["it was 4.5 out of ten. really"]),
])
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


_word = st.text(alphabet="abcdefghij,;.!?—ÄÉ", min_size=1, max_size=9)


@settings(max_examples=200, deadline=None)
@given(words=st.lists(_word, min_size=1, max_size=80), max_words=st.integers(min_value=1, max_value=40))
def test_trim_never_cuts_inside_a_word(words, max_words):
    text = " ".join(words)
    out = trim_quote(text, max_words)
    kept = [w for w in out.split() if w != ELLIPSIS]
    assert len(kept) <= max_words
    source = text.split()
    for w in kept:  # every kept token is a whole word (at most its trailing comma/dash dropped)
        assert any(w == s or (s.startswith(w) and not s[len(w):].strip(",;:—–-")) for s in source)
    if len(source) > max_words:
        assert ELLIPSIS in out
    else:
        assert out == text


# -- Source labels ----------------------------------------------------------------------------

def test_source_label_defaults_from_the_demo(demo_project):
    labels = SourceLabels()
    outcomes = labels.lookup(demo_project.participants())
    assert labels.label("P07", "P07", outcomes) == "P07, non-responder, would not repeat"
    assert labels.label("P01", "P01", outcomes) == "P01, responder, would repeat"
    assert labels.label("P08", "P08", outcomes) == "P08, no outcome, would repeat"  # died before 2 years
    assert labels.label(None, "focus-group-1", outcomes) == "focus-group-1, no outcome, answer missing"


def test_source_labels_are_configurable():
    outcomes = {"p07": {"outcome": "non-responder", "would_repeat": "yes"},
                "p09": {"outcome": "responder", "would_repeat": None}}
    labels = SourceLabels(outcome_names={"non-responder": "NR"},
                          would_repeat={"yes": "would undergo iMCS again", "no": "would not"},
                          missing="not asked", separator="; ")
    assert labels.label("P07", "P07", outcomes) == "P07; NR; would undergo iMCS again"
    assert labels.label("P09", "P09", outcomes) == "P09; responder; not asked"
    assert SourceLabels(parts=("participant", "would_repeat")).label("P07", "P07", outcomes) == "P07, would repeat"
    kept = SourceLabels().label("P07", "P07", outcomes, keep_together=True)
    assert kept == "P07, non-responder, would\u00a0repeat"


# -- quote table ------------------------------------------------------------------------------

def _vmerge(tc) -> str | None:
    return tc.tcPr.vMerge_val if tc.tcPr is not None else None


def test_quote_table_structure(quotes_doc, demo_project):
    tables = quotes_doc.tables
    assert len(tables) == 1
    table = tables[0]
    header = table.rows[0]
    assert [c.text for c in header.cells] == ["Theme", "Category", "Code", "Quote", "Source"]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None          # repeated on every page
    assert all(r._tr.trPr.find(qn("w:tblHeader")) is None for r in table.rows[1:])
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows[1:])
    section = quotes_doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    assert section._sectPr.find(qn("w:pgSz")).get(qn("w:orient")) == "landscape"
    # theme column: one vertical merge per theme, starting on the first data row
    theme_cells = [r._tr.tc_lst[0] for r in table.rows[1:]]
    assert _vmerge(theme_cells[0]) == "restart"
    starts = [i for i, tc in enumerate(theme_cells) if _vmerge(tc) == "restart"]
    assert len(starts) == len([n for n in demo_project.code_tree() if n["kind"] == "theme"])
    assert all(_vmerge(tc) in ("restart", "continue") for tc in theme_cells)
    texts = table_text(table)
    assert [row[0] for row in texts[1:] if row[0]] == [n["name"] for n in demo_project.code_tree()]
    # categories: a merged run per category with quotes, in codebook order
    categories = [row[1] for row in texts[1:] if row[1]]
    assert categories[:2] == ["Expectations and information", "Surgery and hospital stay"]


def test_quote_table_rows_follow_the_representative_rule(quotes_doc, demo_project):
    texts = table_text(quotes_doc.tables[0])
    rows = texts[1:]
    code_at = {}
    current = None
    for i, row in enumerate(rows):
        current = row[2] or current
        code_at.setdefault(current, []).append(i)
    expected = demo_project.representative_quotes("Would not repeat", 2, coder="coder_a")
    got = [rows[i] for i in code_at["Would not repeat"]]
    assert [plain(r[3]) for r in got] == [f"“{trim_quote(q.text)}”" for q in expected]
    labels = SourceLabels()
    outcomes = labels.lookup(demo_project.participants())
    assert [plain(r[4]) for r in got] == [labels.label(q.participant, q.document, outcomes) for q in expected]
    # codes without any coding (the demo has one) have no rows
    assert "Effect wore off" not in code_at


def test_starred_quote_leads_its_code_with_exact_text_and_source(work):
    coding = work.codings(coder="coder_a", doc="P07", code="Hope for pain relief")[0]
    work.update_coding(coding.id, starred=True)
    doc = reopen(build_report(work, "quotes", ReportOptions(coder="coder_a", nodes=["Hope for pain relief"])).document)
    rows = table_text(doc.tables[0])[1:]
    assert len(rows) == 2
    theme, category, code, quote, source = rows[0]
    assert (theme, category, code) == ("Influence of the iMCS procedure on the patient's life",
                                       "Expectations and information", "Hope for pain relief")
    assert quote == ("“Honestly? I thought if it goes from eight to four, I'll throw a party. "
                     "That was my deal with myself. Half.”")
    assert plain(source) == "P07, non-responder, would not repeat"
    assert rows[1][:3] == ["", "", ""]  # merged into the first row's cells
    work.update_coding(coding.id, starred=False)


def test_quote_table_without_code_column_is_portrait_and_trims(demo_project):
    opt = ReportOptions(coder="coder_a", show_code=False, nodes=["Decision to repeat and advice"], max_words=8,
                        per_code=1)
    doc = reopen(build_report(demo_project, "quotes", opt).document)
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Theme", "Category", "Quote", "Source"]
    assert doc.sections[0].orientation == WD_ORIENT.PORTRAIT
    rows = table_text(table)[1:]
    assert len(rows) == 4  # one per code of the category
    assert rows[0][:2] == ["Acceptance and satisfaction", "Decision to repeat and advice"]
    for row in rows:
        words = [w for w in row[2].strip("“”").split() if w != ELLIPSIS]
        assert len(words) <= 8
    assert any(ELLIPSIS in row[2] for row in rows)
    opt.landscape = True
    assert reopen(build_report(demo_project, "quotes", opt).document).sections[0].orientation == WD_ORIENT.LANDSCAPE


def test_unknown_node_is_a_clear_error(demo_project):
    with pytest.raises(QualbenchError, match="no code 'Nonsense'"):
        build_report(demo_project, "quotes", ReportOptions(nodes=["Nonsense"]))


def test_quote_table_golden_digest(demo_project):
    """sha256 of the quote table's text (coder_a, defaults) on the demo study.

    It changes when the quote selection, trimming, labels or merging change — or the demo
    data do (the representative rule's IDF runs over every coding, so even a new coder's
    file moves it). Look at the table, and if the change is intended regenerate with:
        QUALBENCH_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/unit/test_docx_report.py -k golden
    """
    report = build_report(demo_project, "quotes", ReportOptions(coder="coder_a"))
    rows = table_text(report.document.tables[0])
    text = "\n".join("\t".join(row) for row in rows)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    fingerprint = {"documents": len(demo_project.documents()), "codes": len(demo_project.codes()),
                   "codings": {c["name"]: len(demo_project.codings(coder=c["name"])) for c in demo_project.coders()}}
    current = {"sha256": digest, "rows": len(rows) - 1, "demo": fingerprint}
    if os.environ.get("QUALBENCH_REGEN_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    stored = json.loads(GOLDEN.read_text(encoding="utf-8"))
    if stored["demo"] != fingerprint:
        pytest.fail(f"the demo data changed since the golden digest was made ({stored['demo']} -> {fingerprint}); "
                    "check the quote table and regenerate (see this test's docstring)")
    assert current == stored


# -- codebook appendix ------------------------------------------------------------------------

def test_codebook_appendix(demo_project):
    doc = reopen(build_report(demo_project, "codebook", ReportOptions(coder="coder_a")).document)
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:2] == ["Theme / category / code", "Definition and use"]
    assert len(table.rows) == 1 + len(demo_project.codes())
    spans = [tc for tr in table._tbl.tr_lst for tc in tr.tc_lst
             if tc.tcPr is not None and tc.tcPr.find(qn("w:gridSpan")) is not None]
    assert len(spans) == 3 and all(tc.tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "2" for tc in spans)
    assert doc.sections[0].orientation == WD_ORIENT.PORTRAIT
    texts = {row[0]: row for row in table_text(table)[1:]}
    row = texts["Hope for pain relief"]
    code = demo_project.code("Hope for pain relief")
    codings = demo_project.codings(coder="coder_a", code=code.id)
    assert row[2:] == [str(len({(c.document_id, c.start, c.end) for c in codings})),
                       str(len({c.document_id for c in codings})), str(len({c.document_id for c in codings}))]
    assert code.description in row[1] and "Use when: " + code.when_to_use in row[1]
    assert "Do not use when: " in row[1] and f"Example: “{code.example}”" in row[1]
    theme = texts[next(iter(texts))]
    assert theme[0].startswith("Influence of the iMCS procedure") and theme[2] == theme[2].strip()


def test_codebook_counts_add_up(demo_project):
    rows = {r["name"]: r for r in codebook_rows(demo_project, "coder_a")}
    assert rows["Effect wore off"]["codings"] == 0
    themes = [r for r in rows.values() if r["kind"] == "theme"]
    assert sum(t["codings"] for t in themes) == len({(c.code_id, c.document_id, c.start, c.end)
                                                      for c in demo_project.codings(coder="coder_a")})
    assert max(t["participants"] for t in themes) == 28


# -- agreement --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def full_report(demo_project):
    """Every part the project can make, built once (with the mixed-methods API when present)."""
    cls = Project
    p = cls(demo_project.path)
    yield build_report(p, "all", ReportOptions(coder="coder_a"))
    p.close()


def test_agreement_report(work):
    from qualbench.analysis.agreement import reading
    if "coder_t" not in [c["name"] for c in work.coders()]:
        add_second_coder(work)
    doc = reopen(build_report(work, "agreement", ReportOptions(coders=["coder_a", "coder_t"])).document)
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "Code", "Units", "Agreement (%)", "Cohen's κ", "Fleiss' κ", "Krippendorff's α", "Gwet's AC1",
        "Brennan–Prediger κ"]
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE
    rows = {r[0]: r for r in table_text(table)[1:]}
    assert list(rows)[-2:] == ["Overall (pooled)", "Overall (mean of codes)"]
    result = work.agreement(["coder_a", "coder_t"])
    kappa = result["per_code"]["Hope for pain relief"]["cohen_kappa"]
    band = reading(kappa, "cohen_kappa").split(" (")[0]
    assert rows["Hope for pain relief"][3] == f"{kappa:.2f}\n{band}"
    assert rows["Hope for pain relief"][1] == f"{result['per_code']['Hope for pain relief']['n_units']:,}"
    notes = "\n".join(p.text for p in doc.paragraphs)
    assert "Agreement between coder_a and coder_t at the unit level" in notes
    assert "Each sentence of the 3 documents" in notes and "Landis & Koch" in notes
    assert "— marks a value that is undefined" in notes
    segment = reopen(build_report(work, "agreement", ReportOptions(coders=["coder_a", "coder_t"],
                                                                   level="segment")).document)
    assert [c.text for c in segment.tables[0].rows[0].cells][:2] == ["Code", "Agreements"]
    assert "overlapping at least 90% of the coded segment" in "\n".join(p.text for p in segment.paragraphs)


def test_agreement_needs_two_coders(demo_project, full_report):
    humans = [c["name"] for c in demo_project.coders() if demo_project.codings(coder=c["name"])]
    report = full_report
    if len(humans) < 2:
        assert "agreement" in report.skipped and "agreement" not in report.parts
        with pytest.raises(QualbenchError, match="needs codings by two coders"):
            build_report(demo_project, "agreement")
    else:
        assert "agreement" in report.parts


# -- Table 1 and joint display ----------------------------------------------------------------

@pytest.fixture(scope="module")
def mixed(demo_project):
    cls = Project
    if not hasattr(cls, "table1"):
        pytest.skip("the mixed-methods API (p.table1, p.joint) is not in this version")
    p = cls(demo_project.path)
    yield p
    p.close()


def test_table1_and_joint_display(mixed):
    report = build_report(mixed, ["participants", "joint"], ReportOptions(coder="coder_a"))
    doc = reopen(report.document)
    table1, joint = doc.tables
    header = [c.text for c in table1.rows[0].cells]
    assert header[0] == "Characteristic" and header[-1] == "overall (n=28)"
    rows = table_text(table1)[1:]
    spanning = [r for r in rows if len(r) == 1]  # variable headings, one cell across the row
    assert ["Sex"] in spanning
    assert len(doc.sections) == 2
    joint_rows = table_text(joint)
    assert joint_rows[0][0] == "Theme" and len(joint_rows) == 1 + 3
    assert joint_rows[1][0] == "Influence of the iMCS procedure on the patient's life"
    notes = "\n".join(p.text for p in doc.paragraphs)
    assert "Fisher's exact test" in notes and "Joint display: themes by responder status" in notes


def test_every_part_in_one_document(full_report):
    report = full_report
    doc = reopen(report.document)
    assert len(doc.tables) == len(report.parts) == len(doc.sections)
    orientation = {name: s.orientation for name, s in zip(report.parts, doc.sections)}
    assert orientation["quotes"] == WD_ORIENT.LANDSCAPE and orientation["codebook"] == WD_ORIENT.PORTRAIT
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert [c.split(".")[0] for c in captions] == [f"Table {i}" for i in range(1, len(report.parts) + 1)]


# -- export_docx: where it goes, overwrite, events ---------------------------------------------

def test_export_docx_names_refuses_overwrite_and_logs(work):
    first = work.export_docx("quotes", coder="coder_a", per_code=1, nodes=["Complications"])
    second = work.export_docx("quotes", coder="coder_a", per_code=1, nodes=["Complications"])
    assert first.path.parent == work.path / "exports" and first.path.name.startswith("quotes-")
    assert first.path != second.path and first.path.exists() and second.path.exists()
    target = work.path / "paper" / "table2.docx"
    done = work.export_docx(["quotes", "codebook"], target, nodes=["Complications"], coder="coder_a")
    assert done.path == target.resolve() and Document(str(target)).tables
    before = target.read_bytes()
    with pytest.raises(QualbenchError) as err:
        work.export_docx("quotes", target)
    assert str(target) in str(err.value) and "--force" in str(err.value)
    assert target.read_bytes() == before
    work.export_docx("codebook", target, force=True, coder="coder_a")
    assert len(Document(str(target)).tables) == 1
    event = work.events(actions=["export.docx"], limit=1)[0]
    assert event.summary["what"] == ["codebook"] and event.summary["coding_set"] == {"codebook": "coder_a"}
    assert event.summary["files"] == ["paper/table2.docx"] and not event.undoable
    events = work.events(actions=["export.docx"])
    assert [e.summary["what"] for e in events[1:3]] == [["quotes", "codebook"], ["quotes"]]
    assert events[1].summary["options"] == {"nodes": ["Complications"], "coder": "coder_a"}
    assert not list((work.path / "paper").glob(".*part"))


def test_export_docx_bad_options(work):
    with pytest.raises(QualbenchError, match="unknown export option"):
        work.export_docx("quotes", per_cod=3)
    with pytest.raises(QualbenchError, match="unknown report part"):
        work.export_docx("pictures")
