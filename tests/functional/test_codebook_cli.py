"""The codebook from the command line: counts by kind, merge candidates and the history in
words (not pandas dumps), and the status lines."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from qualbench.cli import main

from .tuidata import build_project


@pytest.fixture
def study(tmp_path):
    project = build_project(tmp_path / "study")
    yield project
    project.close()


def cli(study, *args):
    r = CliRunner().invoke(main, [*map(str, args), "--project", str(study.path)])
    assert r.exit_code == 0, r.output + r.stderr
    return r.output


def test_status_counts_themes_categories_and_codes_apart(study):
    counts = dict(line.split() for line in cli(study, "status").splitlines())
    kinds = [c.kind for c in study.codes()]
    assert counts["themes"] == str(kinds.count("theme"))
    assert counts["categories"] == str(kinds.count("category"))
    assert counts["codes"] == str(kinds.count("code"))


def test_export_names_what_it_wrote(study, tmp_path):
    out = cli(study, "codebook", "export", tmp_path / "cb.yaml")
    kinds = [c.kind for c in study.codes()]
    assert out.startswith(f"Wrote {kinds.count('theme')} themes, {kinds.count('category')} categories "
                          f"and {kinds.count('code')} codes")


def test_history_is_one_line_per_change_with_its_reason(study):
    first, second = [c.name for c in study.codes() if c.kind == "code"][:2]
    study.add_coding("P01", first, "coder_a", 0, 5)
    cli(study, "codebook", "merge", first, "--into", second, "--reason", "the same idea twice")
    lines = cli(study, "codebook", "history").splitlines()
    merge = next(i for i, line in enumerate(lines) if f"merged {first} into {second}" in line)
    assert lines[merge + 1].strip() == "why: the same idea twice"
    assert "Unnamed" not in "\n".join(lines) and "NaN" not in "\n".join(lines)


def test_similar_pairs_read_as_sentences(study):
    study.create_code("Sleep improvement", parent=study.code("Sleep improved").parent_id)
    out = cli(study, "codebook", "similar")
    assert "Sleep improved  ⇄  Sleep improvement" in out or "Sleep improvement  ⇄  Sleep improved" in out
    assert "codebook merge" in out.splitlines()[-1]
