"""``qualbench refi export|import`` as a user runs it: files written where expected, never
overwritten without --force, reports printed, hostile files refused in one line with the
database untouched."""
from __future__ import annotations

import sqlite3
import zipfile

import click
import pytest
from click.testing import CliRunner

import qualbench
from qualbench.cli import main
from qualbench.project import open_project

from ..conftest import INTERVIEW, db_digest
from ..unit.test_refi import guid, project_xml, qdpx, text_source


def group() -> click.Group:
    return main.commands["refi"]


def run(*args, ok: bool = True):
    result = CliRunner().invoke(group(), [str(a) for a in args], catch_exceptions=False)
    assert (result.exit_code == 0) == ok, result.output + result.stderr
    return result


@pytest.fixture
def study(tmp_path):
    p = qualbench.init_project(tmp_path / "study", title="CLI study")
    (tmp_path / "P01.txt").write_text(INTERVIEW, encoding="utf-8")
    p.import_files([tmp_path / "P01.txt"])
    code = p.create_code("Sleep", description="Nights.")
    start = p.text("P01").index("could not sleep")
    p.add_coding("P01", code.name, "coder_a", start, start + 15)
    p.close()
    return tmp_path / "study"


def test_export_then_import(study, tmp_path):
    out = tmp_path / "out.qdpx"
    r = run("export", "-o", out, "-p", study)
    assert "Wrote" in r.output and "1 documents, 1 codes, 1 codings, 1 coders" in r.output
    assert zipfile.ZipFile(out).namelist()[0] == "project.qde"
    r = run("export", "-o", out, "-p", study, ok=False)
    assert r.stderr.strip().endswith("out.qdpx: exists; use --force to overwrite")
    run("export", "--output", out, "-p", study, "--force")
    target = qualbench.init_project(tmp_path / "other")
    target.close()
    r = run("import", out, "-p", tmp_path / "other")
    assert r.output.startswith("Imported 1 document(s), 1 new code(s), 1 coding(s), 1 coder(s)")
    other = open_project(tmp_path / "other")
    assert other.text("P01") == INTERVIEW and [c.coder for c in other.codings()] == ["coder_a"]
    other.close()


def test_codebook_by_extension_and_default_paths(study, tmp_path):
    run("export", "-o", tmp_path / "book.qdc", "-p", study)
    assert b"urn:QDA-XML:codebook:1.0" in (tmp_path / "book.qdc").read_bytes()
    run("export", "-p", study)
    run("export", "-p", study, "--format", "qdc")
    made = sorted(p.suffix for p in (study / "exports").iterdir())
    assert made == [".qdc", ".qdpx"] and all(p.name.startswith("cli-study-") for p in (study / "exports").iterdir())
    r = run("export", "-o", tmp_path / "x.qdc", "--format", "qdpx", "-p", study, ok=False)
    assert "ends in .qdc but --format is qdpx" in r.stderr
    target = qualbench.init_project(tmp_path / "other")
    target.close()
    r = run("import", tmp_path / "book.qdc", "-p", tmp_path / "other")
    assert "1 new code(s)" in r.output


def test_unmapped_items_listed(study, tmp_path):
    spans = [(0, 4, 3)] + [(1000 + i, 1001 + i, 3) for i in range(25)]
    xml = project_xml("MAXQDA 2022", text_source("doc", "internal://a.txt", spans))
    path = qdpx(tmp_path / "m.qdpx", xml, {"sources/a.txt": b"one two three\n"})
    r = run("import", path, "-p", study)
    assert r.output.count("not imported: source 'doc': selection") == 20
    assert "… and 5 more (--all lists them)." in r.output
    r = run("import", path, "-p", study, "--all")      # already imported: codings not doubled
    assert r.output.count("not imported: source 'doc': selection") == 25
    assert "0 coding(s) (1 already here)" in r.output


def test_hostile_file_one_line_db_unchanged(study, tmp_path):
    bomb = qdpx(tmp_path / "bomb.qdpx", project_xml("x", text_source("d", "internal://a.txt", [(0, 1, 3)])),
                {"sources/a.txt": b"a" * (20 * 2 ** 20)})
    before = db_digest(study / "qualbench.db")
    r = run("import", bomb, "-p", study, ok=False)
    assert r.stderr.count("\n") == 1 and "zip bomb" in r.stderr and str(bomb) in r.stderr
    assert db_digest(study / "qualbench.db") == before


def test_every_command_and_option_has_help():
    for name, command in group().commands.items():
        assert command.help, name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{name} {param.name}"
    assert group().help


# -- exact reports, options ----------------------------------------------------------------

def test_reimport_of_own_export_reports_exact_counts(study, tmp_path):
    p = open_project(study)
    p.set_memo("code", p.code("Sleep").id, "Nights matter.", coder="coder_a")
    p.close()
    out = tmp_path / "out.qdpx"
    run("export", "-o", out, "-p", study)
    before = _content(study)
    r = run("import", out, "-p", study)
    assert r.output.splitlines()[0] == ("Imported 0 document(s) (+1 already here), 0 new code(s) (1 unchanged), "
                                        "0 coding(s) (1 already here), 0 coder(s), 0 new memo(s) (1 already here), "
                                        "0 new participant(s).")
    assert "not imported" not in r.output
    # Only the import event was added: codebook, codings, memos, coders are untouched.
    assert _content(study) == before
    after = open_project(study)
    assert [e.action for e in after.events(limit=2)] == ["refi.import", "refi.export"]
    after.close()


def _content(folder) -> dict:
    conn = sqlite3.connect(folder / "qualbench.db")
    tables = ("codes", "codings", "memos", "coders", "documents", "participants", "participant_values")
    content = {t: conn.execute(f"SELECT * FROM {t} ORDER BY id" if t != "participant_values"
                               else f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
    conn.close()
    return content


def test_annotations_listed_as_converted(study, tmp_path):
    text = "".join(f"word{i} " for i in range(30)) + "\n"
    sels = "".join(f'<PlainTextSelection guid="{guid(50, i)}" startPosition="{text.index(f"word{i} ")}" '
                   f'endPosition="{text.index(f"word{i} ") + len(f"word{i}")}"><Description>About {i}.</Description>'
                   f'</PlainTextSelection>' for i in range(25))
    xml = project_xml("MAXQDA 24", f'<TextSource guid="{guid(6)}" name="notes" plainTextPath="internal://n.txt">'
                                   f'{sels}</TextSource>')
    path = qdpx(tmp_path / "n.qdpx", xml, {"sources/n.txt": text.encode()})
    r = run("import", path, "-p", study)
    assert r.output.count("  converted: annotation on “word") == 20
    assert "… and 5 more (--all lists them)." in r.output and "1 new memo(s)" in r.output
    r = run("import", path, "-p", study, "--all")
    assert r.output.count("(already here)") == 25


def test_split_names_and_groups_as_attributes_options(study, tmp_path):
    names = ["people", "people.family", "people.family.mother"]
    codes = "".join(f'<Code guid="{guid(i)}" name="{n}" isCodable="true"/>' for i, n in enumerate(names))
    book = tmp_path / "t.qdc"
    book.write_text(f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Taguette 1.4.1"><Codes>{codes}</Codes>'
                    '</CodeBook>', encoding="utf-8")
    r = run("import", book, "-p", study)
    assert "note: 2 code name(s) look like paths ('people.family', 'people.family.mother'): --split-names" in r.output
    other = qualbench.init_project(tmp_path / "other")
    other.close()
    r = run("import", book, "-p", tmp_path / "other", "--split-names")
    assert "note: 2 code name(s) split on '.' into a hierarchy" in r.output
    p = open_project(tmp_path / "other")
    assert [c.name for c in p.code_path(p.code("mother"))] == ["people", "family", "mother"]
    p.close()
    before = db_digest(study / "qualbench.db")
    r = run("import", book, "-p", study, "--groups-as-attributes", ok=False)
    assert r.stderr.count("\n") == 1 and "--groups-as-attributes needs a .qdpx project" in r.stderr
    assert str(book) in r.stderr and db_digest(study / "qualbench.db") == before


def test_export_positions_for_nvivo(study, tmp_path):
    r = run("export", "-o", tmp_path / "nv.qdpx", "--positions", "utf16", "-p", study)
    assert "positions: counted in UTF-16 code units" in r.output
    assert b"UTF-16 code units" in zipfile.ZipFile(tmp_path / "nv.qdpx").read("project.qde")
    r = run("export", "-o", tmp_path / "c.qdc", "--positions", "utf16", "-p", study, ok=False)
    assert r.stderr.count("\n") == 1 and "a .qdc codebook has no positions" in r.stderr
    assert not (tmp_path / "c.qdc").exists()
