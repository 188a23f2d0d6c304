"""``qualbench export docx|xlsx|csv`` as a user runs it: files, messages, exit codes, help.

The ``export`` group is invoked directly (cli.py registers it with ``main.add_command``);
``_open`` is pointed at a Project class with the export API so the tests run whether or
not project.py lists the mixin yet.
"""
from __future__ import annotations

import click
import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from qualbench.commands.export import export

from qualbench.project import Project

from ..unit.test_docx_report import copy_project, plain, table_text


@pytest.fixture(scope="module")
def proj(demo_project, tmp_path_factory):
    p = copy_project(demo_project, tmp_path_factory.mktemp("cli") / "proj")
    p.close()
    return p.path


@pytest.fixture
def run():
    runner = CliRunner()

    def _run(*args):
        return runner.invoke(export, [str(a) for a in args], catch_exceptions=False)
    return _run


def test_docx_quote_table(run, proj, tmp_path):
    out = tmp_path / "table2.docx"
    r = run("docx", "--what", "quotes", "--nodes", "Would repeat,Would not repeat", "--per-code", "1",
            "--max-words", "12", "--coder", "coder_a", "--output", out, "-p", proj)
    assert r.exit_code == 0, r.output
    assert f"Wrote {out}" in r.output and "codings: quotes coder_a" in r.output
    rows = table_text(Document(str(out)).tables[0])
    assert [row[2] for row in rows[1:]] == ["Would repeat", "Would not repeat"]
    assert all(len([w for w in row[3].split() if w != "[…]"]) <= 12 for row in rows[1:])
    assert all(plain(row[4]).startswith("P") for row in rows[1:])


def test_docx_refuses_to_overwrite_then_forces(run, proj, tmp_path):
    out = tmp_path / "codebook.docx"
    assert run("docx", "--what", "codebook", "-o", out, "-p", proj).exit_code == 0
    before = out.read_bytes()
    r = run("docx", "--what", "codebook", "-o", out, "-p", proj)
    assert r.exit_code == 1
    assert r.stderr.strip() == f"qualbench: error: {out}: exists; use --force to overwrite it (or give another --output)"
    assert out.read_bytes() == before
    assert run("docx", "--what", "codebook", "-o", out, "--force", "--landscape", "-p", proj).exit_code == 0
    assert Document(str(out)).sections[0].orientation == 1  # WD_ORIENT.LANDSCAPE


def test_docx_default_name_and_all(run, proj):
    r = run("docx", "--what", "codebook", "--what", "quotes", "--per-code", "1", "--coder", "coder_a", "-p", proj)
    assert r.exit_code == 0, r.output
    written = sorted((proj / "exports").glob("quotes-codebook-*.docx"))
    assert written and str(written[-1]) in r.output
    assert len(Document(str(written[-1])).tables) == 2


def test_docx_errors_are_one_line(run, proj):
    r = run("docx", "--nodes", "Nonsense", "-p", proj)
    assert r.exit_code == 1 and r.stderr.strip() == "qualbench: error: no code 'Nonsense' in the codebook"
    r = run("docx", "--what", "agreement", "--coders", "coder_a", "-p", proj)
    assert r.exit_code == 1 and "at least two coders" in r.stderr


def test_xlsx_and_csv(run, proj, tmp_path):
    out = tmp_path / "study.xlsx"
    r = run("xlsx", "--what", "codebook", "--what", "participants", "-o", out, "-p", proj)
    assert r.exit_code == 0, r.output
    assert "codebook 59 rows" in r.output and "participants 28 rows" in r.output
    assert openpyxl.load_workbook(out).sheetnames == ["codebook", "participants"]
    r = run("csv", "--what", "codebook", "--what", "quotes", "--coder", "coder_a", "-o", tmp_path / "s.csv", "-p", proj)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in tmp_path.glob("s-*.csv")) == ["s-codebook.csv", "s-quotes.csv"]
    r = run("csv", "--what", "participants", "-p", proj)
    assert r.exit_code == 0 and list((proj / "exports").glob("participants-*.csv"))


def test_exports_are_in_the_events(run, proj):
    run("csv", "--what", "participants", "-p", proj)
    p = Project(proj)
    try:
        actions = [e.action for e in p.events(actions=["export.docx", "export.xlsx", "export.csv"])]
    finally:
        p.close()
    assert actions[0] == "export.csv" and "export.docx" in actions


def test_every_command_and_option_has_help():
    commands = [export, *export.commands.values()]
    for command in commands:
        assert command.help, command.name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{command.name} {param.opts}"
