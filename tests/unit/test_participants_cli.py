"""`qualbench participants import` as a user runs it: what changed, warnings, one line per
problem naming the file, exit status, and an untouched database on failure."""
import pytest
from click.testing import CliRunner

import qualbench
from qualbench.cli import main

from ..conftest import INTERVIEW, db_digest

HEADER = "participant,pain_baseline,pain_2y,status,would_repeat\n"


@pytest.fixture
def proj(tmp_path):
    folder = tmp_path / "study"
    p = qualbench.init_project(folder)
    p.import_files([_write(tmp_path / f"P{i:02d}.txt", INTERVIEW.replace("terrible", f"terrible {i}"))
                    for i in range(1, 4)])
    p.close()
    return folder


def _write(path, text, encoding="utf-8"):
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


def run(proj, file):
    return CliRunner().invoke(main, ["participants", "import", str(file), "--project", str(proj)])


def test_reimport_lists_each_changed_value_capped_at_20(proj, tmp_path):
    rows = "".join(f"P{i:02d},8,4,alive,yes\n" for i in range(1, 26))
    r = run(proj, _write(tmp_path / "a.csv", HEADER + rows))
    assert r.exit_code == 0, r.output
    assert "25 added, 0 updated, 0 unchanged" in r.output
    assert "P04 has no interview" not in r.stderr and "22 participants have no interview" in r.stderr
    changed = "".join(f"P{i:02d},8,{3 if i <= 22 else 4},alive,yes\n" for i in range(1, 26))
    r = run(proj, _write(tmp_path / "b.csv", HEADER + changed))
    assert r.exit_code == 0, r.output
    assert "0 added, 22 updated, 3 unchanged" in r.output
    assert "Changed values (22):" in r.output
    assert "  P01 pain_2y: 4 -> 3" in r.output and "  P20 pain_2y: 4 -> 3" in r.output
    assert "P21 pain_2y" not in r.output and "  and 2 more" in r.output


def test_warnings_go_to_stderr_and_do_not_fail(proj, tmp_path):
    r = run(proj, _write(tmp_path / "p.csv", "participant,NRS baseline,pain_2y\nP01,8,4\nP2,8,4\n"))
    assert r.exit_code == 0
    lines = r.stderr.strip().splitlines()
    assert all(line.startswith(f"qualbench: warning: {tmp_path / 'p.csv'}: ") for line in lines)
    assert any("did you mean P02" in line for line in lines)
    assert any("'pain_baseline'" in line and "'NRS baseline'" in line for line in lines)


def test_list_finds_outcome_columns_whatever_their_case(proj, tmp_path):
    run(proj, _write(tmp_path / "p.csv", "participant,Pain_Baseline,PAIN_2Y\nP01,8,4\n"))
    r = CliRunner().invoke(main, ["participants", "list", "--project", str(proj)])
    assert r.exit_code == 0
    assert "pain_baseline" in r.output and "50.0" in r.output


@pytest.mark.parametrize("name, content, expected", [
    ("p.csv", HEADER + "P01,8,4,5,alive,yes\n", "malformed CSV: row 2 has 6 fields, the header has 5"),
    ("p.csv", "participant,sex,city\nP01,f,Li\u00e8ge\n".encode("cp1252"),
     "not valid UTF-8 at byte 29 (0xE8) on line 2, column 9 "
     "(it looks like Windows-1252/Latin-1: re-save it as UTF-8)"),
    ("p.csv", "name,age\nP01,3\n", "no participant id column"),
    ("p.csv", "participant,Sex,sex\nP01,f,f\n", "columns 2 (B) 'Sex' and 3 (C) 'sex' are the same name"),
    ("p.csv", HEADER + "P01,8,4-5,alive,yes\n", "row 2: pain_2y '4-5' is not a number"),
])
def test_bad_table_one_line_naming_the_file_exit_1_db_unchanged(proj, tmp_path, name, content, expected):
    before = db_digest(proj / "qualbench.db")
    path = _write(tmp_path / name, content)
    r = run(proj, path)
    assert r.exit_code == 1
    assert r.stderr.startswith(f"qualbench: error: {path}: {expected}")
    assert r.stderr.count("\n") == 1
    assert db_digest(proj / "qualbench.db") == before


def test_several_problems_one_line_each_in_row_order(proj, tmp_path):
    before = db_digest(proj / "qualbench.db")
    path = _write(tmp_path / "p.csv", HEADER + "P01,8,x,alive,yes\nP02,8,4,alive,maybe\nP01,12,4,alive,yes\n")
    r = run(proj, path)
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        f"qualbench: error: {path}: row 2: pain_2y 'x' is not a number",
        f"qualbench: error: {path}: row 3: would_repeat 'maybe' is not yes/no",
        f"qualbench: error: {path}: row 4: duplicate participant id 'P01' (first in row 2)",
        f"qualbench: error: {path}: row 4: pain_baseline 12 is outside the NRS scale 0-10",
    ]
    assert db_digest(proj / "qualbench.db") == before
