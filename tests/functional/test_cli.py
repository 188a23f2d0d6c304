"""The CLI as a user runs it: exit codes, one-line errors, unchanged database on failure."""

import click
import pytest
from click.testing import CliRunner

from qualbench.cli import main

from ..conftest import INTERVIEW, db_digest


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args):
    return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_init_import_participants_status(runner, tmp_path):
    proj = tmp_path / "study"
    r = run(runner, "init", proj)
    assert r.exit_code == 0
    assert {p.name for p in proj.iterdir()} >= {"qualbench.toml", "qualbench.db", "transcripts", "codebooks", "exports"}
    (tmp_path / "P01.txt").write_text(INTERVIEW, encoding="utf-8")
    (tmp_path / "P02.txt").write_text(INTERVIEW.replace("terrible", "awful"), encoding="utf-8")
    r = run(runner, "import", tmp_path / "P01.txt", tmp_path / "P02.txt", "--project", proj)
    assert r.exit_code == 0 and "Imported 2 document(s)" in r.output
    (tmp_path / "p.csv").write_text("participant,pain_baseline,pain_2y\nP01,8,4\nP02,8,6\n", encoding="utf-8")
    r = run(runner, "participants", "import", tmp_path / "p.csv", "--project", proj)
    assert r.exit_code == 0 and "2 added" in r.output
    r = run(runner, "status", "--project", proj)
    counts = dict(line.split() for line in r.output.strip().splitlines())
    assert counts["documents"] == "2" and counts["participants"] == "2" and counts["words"] == "90"


def test_bad_input_exits_non_zero_with_one_line_and_leaves_db(runner, tmp_path):
    proj = tmp_path / "study"
    run(runner, "init", proj)
    (tmp_path / "P01.txt").write_text(INTERVIEW, encoding="utf-8")
    (tmp_path / "P02.txt").write_bytes("I: caf\u00e9".encode("cp1252"))
    before = db_digest(proj / "qualbench.db")
    r = runner.invoke(main, ["import", str(tmp_path / "P01.txt"), str(tmp_path / "P02.txt"), "--project", str(proj)])
    assert r.exit_code == 1
    assert r.stderr.strip().count("\n") == 0
    assert "P02.txt: not valid UTF-8 at byte 6 (0xE9)" in r.stderr
    assert db_digest(proj / "qualbench.db") == before


def test_not_a_project(runner, tmp_path):
    r = runner.invoke(main, ["status", "--project", str(tmp_path)])
    assert r.exit_code == 1 and "is not a qualbench project" in r.stderr


def test_validation_errors_one_per_line(runner, tmp_path):
    proj = tmp_path / "study"
    run(runner, "init", proj)
    (tmp_path / "p.csv").write_text("participant,pain_baseline\nP01,12\nP01,3\n", encoding="utf-8")
    r = runner.invoke(main, ["participants", "import", str(tmp_path / "p.csv"), "--project", str(proj)])
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 2 and all(l.startswith("qualbench: error: ") for l in lines)


def all_commands(group, prefix=()):
    for name, cmd in group.commands.items():
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, prefix + (name,))


def test_every_command_has_help_text():
    missing = [" ".join(path) for path, cmd in all_commands(main) if not (cmd.help or "").strip()]
    assert missing == []
    for path, cmd in all_commands(main):
        for param in cmd.params:
            if isinstance(param, click.Option):
                assert param.help, f"{' '.join(path)} {param.opts} has no help"
