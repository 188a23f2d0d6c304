"""Bad input at the command line: one line naming the file and the problem, exit status 1,
the project database exactly as it was — for outputs that cannot be written, imports that
import nothing, long lists of problems, settings and databases that are not right."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

import qualbench
from qualbench.cli import MAX_PROBLEMS_SHOWN, main

from ..conftest import INTERVIEW, db_digest

PARTICIPANTS = "participant,sex,pain_baseline,pain_2y,status,would_repeat\n"


@pytest.fixture
def study(tmp_path):
    folder = tmp_path / "study"
    p = qualbench.init_project(folder)
    sources = []
    for i in (1, 2):
        path = tmp_path / f"P0{i}.txt"
        path.write_text(INTERVIEW.replace("terrible", f"terrible {i}"), encoding="utf-8")
        sources.append(path)
    p.import_files(sources)
    p.create_code("Pain")
    p.add_coding("P01", "Pain", "coder_a", 0, 10)
    p.close()
    return folder


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def fails_in_one_line(result, *expected) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    for part in expected:
        assert part in lines[0], lines[0]
    return lines[0]


# -- files a command writes ------------------------------------------------------------------

@pytest.mark.parametrize("command", [["codebook", "export"], ["codings", "export"]])
def test_export_to_a_folder_is_one_line(study, tmp_path, command):
    target = tmp_path / "out.yaml"
    target.mkdir()
    before = db_digest(study / "qualbench.db")
    fails_in_one_line(run(*command, target, "--force", "-p", study), f"{target}: is a folder; give a file name")
    assert db_digest(study / "qualbench.db") == before


def test_export_under_a_file_is_one_line(study, tmp_path):
    (tmp_path / "plain").write_text("x")
    fails_in_one_line(run("codebook", "export", tmp_path / "plain" / "cb.yaml", "-p", study),
                      "is a file, not a folder")


def test_any_export_the_system_refuses_is_one_line(study, tmp_path):
    # The last line of defence: an OSError naming a file becomes one line, not a traceback.
    (tmp_path / "plain").write_text("x")
    before = db_digest(study / "qualbench.db")
    fails_in_one_line(run("export", "xlsx", "--output", tmp_path / "plain" / "t.xlsx", "-p", study),
                      f"{tmp_path / 'plain'}: exists and is not a folder")
    assert db_digest(study / "qualbench.db") == before


def test_codings_export_for_an_unknown_coder(study, tmp_path):
    out = tmp_path / "c.csv"
    fails_in_one_line(run("codings", "export", out, "--coder", "nobody", "-p", study),
                      "no coder 'nobody' in the project (coders: coder_a)")
    assert not out.exists()


def test_codings_export_still_writes(study, tmp_path):
    r = run("codings", "export", tmp_path / "c.csv", "--coder", "coder_a", "-p", study)
    assert r.exit_code == 0 and "Wrote 1 codings" in r.output


# -- imports that import nothing write nothing ------------------------------------------------------------

def test_skip_bad_with_only_bad_files_leaves_no_event(study, tmp_path):
    bad = tmp_path / "P09.txt"
    bad.write_bytes("I: caf\u00e9".encode("cp1252"))
    before = db_digest(study / "qualbench.db")
    r = run("import", "--skip-bad", bad, "-p", study)
    assert r.exit_code == 1 and "nothing was imported" in r.stderr
    assert db_digest(study / "qualbench.db") == before


def test_reimporting_the_same_files_leaves_no_event(study, tmp_path):
    before = db_digest(study / "qualbench.db")
    r = run("import", tmp_path / "P01.txt", "-p", study)
    assert r.exit_code == 0 and "already imported" in r.output
    assert db_digest(study / "qualbench.db") == before


def test_header_only_participant_table(study, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(PARTICIPANTS)
    before = db_digest(study / "qualbench.db")
    fails_in_one_line(run("participants", "import", path, "-p", study),
                      f"{path}: no participants in the file (only a header row)")
    assert db_digest(study / "qualbench.db") == before


# -- --participant someone the table lacks ---------------------------------------------------------

def test_participant_not_in_the_table_is_a_warning_with_a_suggestion(study, tmp_path):
    table = tmp_path / "p.csv"
    table.write_text(PARTICIPANTS + "P01,female,8,4,alive,yes\nP02,male,9,7,alive,no\n")
    assert run("participants", "import", table, "-p", study).exit_code == 0
    new = tmp_path / "interview3.txt"
    new.write_text(INTERVIEW.replace("terrible", "awful"))
    r = run("import", "--participant", "P 1", new, "-p", study)     # P01 meant (or a new one)
    assert r.exit_code == 0
    assert "warning: participant P 1 is not in the participant table (2 participants; did you mean P01?)" \
        in r.stderr
    other = tmp_path / "interview4.txt"
    other.write_text(INTERVIEW.replace("terrible", "bad"))
    r = run("import", "--participant", "P02", other, "-p", study)
    assert r.exit_code == 0 and "not in the participant table" not in r.stderr


def test_no_warning_before_there_is_a_table(study, tmp_path):
    new = tmp_path / "interview3.txt"
    new.write_text(INTERVIEW.replace("terrible", "awful"))
    r = run("import", "--participant", "P99", new, "-p", study)
    assert r.exit_code == 0 and "participant table" not in r.stderr


# -- long lists of problems, libraries' multi-line messages ----------------------------------------

def test_three_thousand_bad_rows_print_twenty_lines_and_a_count(study, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(PARTICIPANTS + "".join(f"Q{i},female,11,4,alive,yes\n" for i in range(3000)))
    r = run("participants", "import", path, "-p", study)
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert len(lines) == MAX_PROBLEMS_SHOWN + 1
    assert lines[-1] == (f"qualbench: error: {path}: … and 2,980 more problems (fix these and import again "
                         "to see the rest)")


def test_yaml_syntax_error_in_a_coding_file_is_one_line(study, tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("format: qualbench-codings/1\ncoder: [unclosed\ndocuments: {\n")
    fails_in_one_line(run("codings", "import", path, "-p", study), f"{path}: not valid YAML: line 3, column 10: ")


def test_a_damaged_word_file_through_the_command(study, tmp_path):
    d = docx.Document()
    d.add_paragraph("P: hello")
    buf = io.BytesIO()
    d.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = b"<html><body>hi</body></html>"
            z.writestr(info.filename, data)
    path = tmp_path / "P05.docx"
    path.write_bytes(out.getvalue())
    before = db_digest(study / "qualbench.db")
    fails_in_one_line(run("import", path, "-p", study), f"{path}: not a Word document")
    assert db_digest(study / "qualbench.db") == before


# -- settings and database ---------------------------------------------------------------------------

def test_bad_settings_through_the_command(study):
    toml = study / "qualbench.toml"
    toml.write_text(toml.read_text().replace('participant_pattern = "P\\\\d+"', 'participant_pattern = "P("'))
    fails_in_one_line(run("status", "-p", study), "qualbench.toml: import.participant_pattern 'P('")


def test_a_garbage_database_through_the_command(study):
    for f in study.glob("qualbench.db*"):
        f.unlink()
    (study / "qualbench.db").write_bytes(b"not a database" * 200)
    fails_in_one_line(run("status", "-p", study), "qualbench.db: not a SQLite database")


def test_a_read_only_database_on_a_write(study, tmp_path):
    """Run as a separate process so the file's permissions apply (as root, with the
    capability to override them dropped, as the audit did)."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() == 0 and setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    new = tmp_path / "P07.txt"
    new.write_text(INTERVIEW.replace("terrible", "dreadful"))
    db = study / "qualbench.db"
    before = db_digest(db)
    os.chmod(db, 0o444)
    prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    script = "import sys; from qualbench.cli import main; sys.exit(main())"
    try:
        r = subprocess.run([*prefix, sys.executable, "-c", script, "import", str(new), "-p", str(study)],
                           capture_output=True, text=True, timeout=120)
    finally:
        os.chmod(db, 0o644)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[-1] == (f"qualbench: error: {Path(study).resolve() / 'qualbench.db'}: "
                                                 "read-only, cannot write (check the permissions of the file and "
                                                 "its folder)")
    assert db_digest(db) == before
    assert not (study / "transcripts" / "P07.txt").exists()
