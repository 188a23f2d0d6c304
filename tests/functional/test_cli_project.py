"""Which project a command works on: --project before or after the command, or the
nearest project at or above the current folder (as git finds its repository)."""
from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from qualbench.cli import main


@pytest.fixture
def study(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path / "study"), "--title", "Where am I"]).exit_code == 0
    return tmp_path / "study"


def status(*args, cwd=None):
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [str(a) for a in args])
    finally:
        os.chdir(old)


def test_project_option_before_the_command(study, tmp_path):
    r = status("--project", study, "status", cwd=tmp_path)
    assert r.exit_code == 0, r.stderr
    assert "documents" in r.output
    r = status("-p", study, "codebook", "history", cwd=tmp_path)
    assert r.exit_code == 0, r.stderr


def test_project_option_after_the_command_wins(study, tmp_path):
    other = tmp_path / "empty"
    other.mkdir()
    r = status("--project", other, "status", "--project", study, cwd=tmp_path)
    assert r.exit_code == 0, r.stderr


def test_found_from_a_subfolder_like_git(study):
    r = status("status", cwd=study / "exports")
    assert r.exit_code == 0, r.stderr


def test_outside_any_project_says_how_to_start(tmp_path):
    r = status("status", cwd=tmp_path)
    assert r.exit_code == 1
    assert "is not inside a qualbench project" in r.stderr and "qualbench init" in r.stderr
    assert r.stderr.count("\n") == 1


def test_an_explicit_folder_is_not_searched_upwards(study):
    r = status("status", "--project", study / "exports")
    assert r.exit_code == 1 and "is not a qualbench project" in r.stderr
