"""``qualbench refi export|import`` as a user runs it: files written where expected, never
overwritten without --force, reports printed, hostile files refused in one line with the
database untouched."""
from __future__ import annotations

import zipfile

import click
import pytest
from click.testing import CliRunner

import qualbench
from qualbench.cli import main
from qualbench.project import open_project

from ..conftest import INTERVIEW, db_digest
from ..unit.test_refi import project_xml, qdpx, text_source


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
