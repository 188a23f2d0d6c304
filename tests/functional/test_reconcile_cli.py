"""'qualbench reconcile' from the command line: counts per code, the list, and a mistake in
the coder names that leaves the database exactly as it was."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from qualbench.cli import main

from ..conftest import db_digest
from .test_agreement_screen import double_code
from .tuidata import build_project


@pytest.fixture
def study(tmp_path):
    project = build_project(tmp_path / "study")
    double_code(project)
    yield project
    project.close()


def run(study, *args):
    return CliRunner().invoke(main, ["reconcile", *args, "--project", str(study.path)])


def test_an_unknown_or_repeated_coder_writes_nothing(study):
    before = db_digest(study.path / "qualbench.db")
    r = run(study, "--coders", "coder_a,nobody", "--start")
    assert r.exit_code == 1 and "no coder 'nobody'" in r.stderr and "Copied" not in r.output
    r = run(study, "--coders", "coder_a,coder_a", "--start")
    assert r.exit_code == 1 and "two different coders" in r.stderr
    assert db_digest(study.path / "qualbench.db") == before
    assert "consensus" not in {c["name"] for c in study.coders()}


def test_counts_per_code_then_the_list(study):
    r = run(study, "--coders", "coder_a,coder_b", "--start")
    assert r.exit_code == 0, r.stderr
    items = study.disagreements("coder_a", "coder_b")
    lines = r.output.splitlines()
    assert lines[1] == f"0 of {len(items)} disagreements between coder_a and coder_b settled."
    per_code = {}
    for d in items:
        per_code[d.code] = per_code.get(d.code, 0) + 1
    for code, n in per_code.items():
        assert any(line.split()[:-4] == code.split() and line.split()[-4:] == ["0", "of", str(n), "settled"]
                   for line in lines), code
    listed = run(study, "--coders", "coder_a,coder_b", "--list").output.splitlines()[1:]
    assert len(listed) == len(items)
    assert any("only coder_a" in line or "only coder_b" in line or "boundaries" in line for line in listed)
