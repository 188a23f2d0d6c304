"""Where 'qualbench demo' keeps the demo: one folder in the user's cache, reopened with the
user's work on later runs, rebuilt only on --fresh, and never a folder that is not a demo."""
from __future__ import annotations

from click.testing import CliRunner

import qualbench
from qualbench.cli import main


def demo(*args):
    return CliRunner().invoke(main, ["demo", "--no-tui", *map(str, args)])


def test_built_once_in_the_cache_then_reopened_with_the_work_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "cache" / "qualbench" / "demo"
    r = demo()
    assert r.exit_code == 0, r.output + r.stderr
    assert f"Building the demo study in {folder}" in r.stderr and "8 of 25 (32%)" in r.output
    with qualbench.open_project(folder) as p:
        p.create_code("My own code", actor="coder_a")
    r = demo()
    assert r.exit_code == 0 and "Opening the demo study" in r.stderr and "--fresh" in r.stderr
    with qualbench.open_project(folder) as p:
        assert p.code("My own code")
    r = demo("--fresh")
    assert r.exit_code == 0 and "Building the demo study" in r.stderr
    with qualbench.open_project(folder) as p:
        assert "My own code" not in {c.name for c in p.codes()}


def test_fresh_never_deletes_a_folder_that_is_not_the_demo(tmp_path):
    mine = tmp_path / "mystudy"
    qualbench.init_project(mine, title="My real study").close()
    r = demo("--path", mine, "--fresh")
    assert r.exit_code == 1 and "not empty" in r.stderr
    assert (mine / "qualbench.db").exists()
