"""The import commands as a new user meets them: folders, --skip-bad, warnings, new
versions, coding files imported twice, and one clear line per problem."""
import pytest
from click.testing import CliRunner

from qualbench.cli import main

from ..conftest import INTERVIEW, db_digest

CODINGS = """format: qualbench-codings/1
coder: coder_a
documents:
  {doc}:
    - code: Pain
      quote: "It was terrible."
    - code: Pain
      quote: "I walked with a stick"
    - code: Sleep
      quote: "I could not sleep"
    - code: Sleep
      quote: "Some nights I just sat in the kitchen."
    - code: Better
      quote: "I walk to the shop again!"
"""
CODEBOOK = """format: qualbench-codebook/1
codes:
  - name: Pain
  - name: Sleep
  - name: Better
"""


@pytest.fixture
def proj(tmp_path):
    runner = CliRunner()
    folder = tmp_path / "study"
    assert runner.invoke(main, ["init", str(folder)]).exit_code == 0
    return folder


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def files(tmp_path, bad=()):
    out = []
    for i in range(1, 4):
        path = tmp_path / f"P0{i}.txt"
        if i in bad:
            path.write_bytes("I: caf\u00e9".encode("cp1252"))
        else:
            path.write_text(INTERVIEW.replace("terrible", f"terrible {i}"), encoding="utf-8")
        out.append(path)
    return out


def test_skip_bad_lists_what_went_in_and_what_not_and_succeeds(proj, tmp_path):
    r = run("import", *files(tmp_path, bad=[2]), "--skip-bad", "--project", proj)
    assert r.exit_code == 0
    assert "imported P01 (P01.txt)" in r.stdout and "imported P03 (P03.txt)" in r.stdout
    assert f"skipped {tmp_path / 'P02.txt'}: not valid UTF-8 at byte 6 (0xE9) on line 1, column 7" in r.stderr
    assert "error" not in r.stderr
    assert "1 file(s) had a problem and were skipped (listed above); the other 2 were imported." in r.stdout


def test_skip_bad_with_nothing_good_fails(proj, tmp_path):
    r = run("import", *files(tmp_path, bad=[1, 2, 3]), "--skip-bad", "--project", proj)
    assert r.exit_code == 1
    assert r.stderr.count("skipped ") == 3
    assert "nothing was imported: 3 file(s) had a problem" in r.stderr


def test_without_skip_bad_a_failed_import_says_nothing_went_in(proj, tmp_path):
    before = db_digest(proj / "qualbench.db")
    r = run("import", *files(tmp_path, bad=[2]), "--project", proj)
    assert r.exit_code == 1
    assert r.stderr.strip().count("\n") == 0
    assert "P02.txt: not valid UTF-8 at byte 6 (0xE9) on line 1, column 7" in r.stderr
    assert "nothing was imported; fix the file or use --skip-bad" in r.stderr
    assert db_digest(proj / "qualbench.db") == before


def test_a_folder_is_imported(proj, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    files(inbox)
    (inbox / "participants.csv").write_text("participant\nP01\n", encoding="utf-8")
    r = run("import", inbox, "--project", proj)
    assert r.exit_code == 0, r.output
    assert "Imported 3 document(s)" in r.stdout
    assert f"skipped {inbox / 'participants.csv'}: not a transcript: unsupported file type '.csv'" in r.stdout
    assert "Copied 3 source file(s) into the project's transcripts/ folder." in r.stdout
    assert sorted(p.name for p in (proj / "transcripts").iterdir()) == ["P01.txt", "P02.txt", "P03.txt"]


def test_warnings_are_printed(proj, tmp_path):
    (tmp_path / "interview_anna.txt").write_text("It was hard.\n\nNow it is better.\n", encoding="utf-8")
    r = run("import", tmp_path / "interview_anna.txt", "--project", proj)
    assert r.exit_code == 0
    assert "warning: interview_anna.txt: no participant (name it P07_... or use --participant)" in r.stderr
    assert "warning: interview_anna.txt: no speaker labels found" in r.stderr


def test_codings_import_twice_and_a_new_version(proj, tmp_path):
    (tmp_path / "P01.txt").write_text(INTERVIEW, encoding="utf-8")
    (tmp_path / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    (tmp_path / "codings.yaml").write_text(CODINGS.format(doc="P01"), encoding="utf-8")
    assert run("import", tmp_path / "P01.txt", "--project", proj).exit_code == 0
    assert run("codebook", "import", tmp_path / "codebook.yaml", "--project", proj).exit_code == 0
    r = run("codings", "import", tmp_path / "codings.yaml", "--project", proj)
    assert r.stdout.strip() == "Imported 5 codings by coder_a in 1 documents."
    r = run("codings", "import", tmp_path / "codings.yaml", "--project", proj)
    assert r.exit_code == 0
    assert r.stdout.strip() == "Imported 0 codings by coder_a in 0 documents; 5 already present."
    csv = tmp_path / "codings.csv"
    run("codings", "export", csv, "--project", proj)
    r = run("codings", "import", csv, "--project", proj)
    assert r.stdout.strip() == "Imported 0 codings by coder_a; 5 already present."

    (tmp_path / "P01.txt").write_text(INTERVIEW.replace("I walk to the shop again!", "I shop again."),
                                      encoding="utf-8")
    r = run("import", tmp_path / "P01.txt", "--as-new-version", "--project", proj)
    assert r.exit_code == 0
    assert ("P01: carried 4 codings to version 2; 1 could not be placed (left on version 1):\n"
            '  P01, coder_a, Better: "I walk to the shop again!"') in r.stdout
    r = run("codings", "export", csv, "--force", "--project", proj)
    assert "Wrote 4 codings" in r.stdout and "Not written: 1 coding(s) left on old document versions" in r.stdout


def test_codings_import_errors_said_once_with_suggestions(proj, tmp_path):
    (tmp_path / "P01_interview.txt").write_text(INTERVIEW, encoding="utf-8")
    (tmp_path / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    (tmp_path / "codings.yaml").write_text(CODINGS.format(doc="P01"), encoding="utf-8")
    run("import", tmp_path / "P01_interview.txt", "--project", proj)
    run("codebook", "import", tmp_path / "codebook.yaml", "--project", proj)
    before = db_digest(proj / "qualbench.db")
    r = run("codings", "import", tmp_path / "codings.yaml", "--project", proj)
    assert r.exit_code == 1
    assert r.stderr.strip().splitlines() == [
        (f"qualbench: error: {tmp_path / 'codings.yaml'}: unknown document 'P01' (5 codings); "
        "did you mean 'P01_interview'?")]
    assert db_digest(proj / "qualbench.db") == before
