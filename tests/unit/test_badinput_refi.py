"""REFI-QDA imports that would change outcomes or lose data: case variables that are the
project's outcome columns follow the participant import's rules, and --strict refuses
what the default import leaves out and reports."""
from __future__ import annotations

import io
import zipfile

import pytest
from click.testing import CliRunner

from qualbench.cli import main
from qualbench.errors import ValidationError

from ..conftest import db_digest

TEXT = "I: hi\n\nP: hello there\n"
CODEBOOK = ('<CodeBook><Codes><Code guid="11111111-1111-1111-1111-111111111111" name="RefiCode" '
            'isCodable="true"/></Codes></CodeBook>')
USERS = ('<Users><User guid="22222222-2222-2222-2222-222222222222" name="refi_user"/>'
         '<User guid="22222222-2222-2222-2222-222222222223" name="idle_user"/></Users>')


def selection(start, end) -> str:
    return (f'<PlainTextSelection guid="44444444-4444-4444-4444-444444444444" startPosition="{start}" '
            f'endPosition="{end}" creatingUser="22222222-2222-2222-2222-222222222222">'
            '<Coding guid="55555555-5555-5555-5555-555555555555" '
            'creatingUser="22222222-2222-2222-2222-222222222222">'
            '<CodeRef targetGUID="11111111-1111-1111-1111-111111111111"/></Coding></PlainTextSelection>')


def cases(baseline: str, repeat: str) -> str:
    return ('<Variables><Variable guid="66666666-6666-6666-6666-666666666661" name="pain_baseline" '
            'typeOfVariable="Integer"/><Variable guid="66666666-6666-6666-6666-666666666662" '
            'name="would_repeat" typeOfVariable="Text"/></Variables>'
            '<Cases><Case guid="77777777-7777-7777-7777-777777777777" name="P01">'
            '<VariableValue><VariableRef targetGUID="66666666-6666-6666-6666-666666666661"/>'
            f'<IntegerValue>{baseline}</IntegerValue></VariableValue>'
            '<VariableValue><VariableRef targetGUID="66666666-6666-6666-6666-666666666662"/>'
            f'<TextValue>{repeat}</TextValue></VariableValue></Case></Cases>')


def qdpx(tmp_path, *, sel=(0, 5), extra="") -> str:
    source = ('<Sources><TextSource guid="33333333-3333-3333-3333-333333333333" name="RefiDoc" '
              f'plainTextPath="internal://doc.txt">{selection(*sel)}</TextSource></Sources>')
    qde = (f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="x" '
           f'origin="test">{USERS}{CODEBOOK}{source}{extra}</Project>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", qde)
        z.writestr("sources/doc.txt", TEXT)
    path = tmp_path / "in.qdpx"
    path.write_bytes(out.getvalue())
    return path


def test_out_of_range_case_variables_refuse_the_import(project, tmp_path):
    before = db_digest(project)
    with pytest.raises(ValidationError) as exc:
        project.import_qdpx(qdpx(tmp_path, extra=cases("11", "maybe")))
    assert exc.value.problems[:2] == [
        "case 'P01', variable pain_baseline 11 is outside the NRS scale 0-10",
        "case 'P01', variable would_repeat 'maybe' is not yes/no"]
    assert db_digest(project) == before


def test_a_score_that_is_not_a_number_refuses_the_import(project, tmp_path):
    with pytest.raises(ValidationError, match="case 'P01', variable pain_baseline 'eleven' is not a number"):
        project.import_qdpx(qdpx(tmp_path, extra=cases("eleven", "yes")))


def test_valid_case_variables_import(project, tmp_path):
    report = project.import_qdpx(qdpx(tmp_path, extra=cases("7", "ja")))
    assert report.participants == 1
    row = project.participants().set_index("participant").loc["P01"]
    assert row["pain_baseline"] == 7 and row["would_repeat_answer"] == "yes"


def test_strict_refuses_what_the_default_leaves_out(project, tmp_path):
    path = qdpx(tmp_path, sel=(5, 99_999))
    before = db_digest(project)
    with pytest.raises(ValidationError) as exc:
        project.import_qdpx(path, strict=True)
    assert exc.value.problems[0].startswith("not imported: source 'RefiDoc': selection [5, 99999)")
    assert exc.value.problems[-1].startswith("--strict: nothing was imported (1 item(s) could not be mapped")
    assert db_digest(project) == before
    report = project.import_qdpx(path)                  # the documented lenient default
    assert report.documents == ["RefiDoc"] and report.codings == 0
    assert any("selection [5, 99999)" in line for line in report.unmapped)


def test_strict_accepts_a_file_that_maps_completely(project, tmp_path):
    # A user of the file who owns nothing is not data left out: not a reason to refuse.
    report = project.import_qdpx(qdpx(tmp_path), strict=True)
    assert report.codings == 1 and report.unmapped == [report.idle_users]


def test_strict_from_the_command_line(project, tmp_path):
    path = qdpx(tmp_path, sel=(9, 2))
    r = CliRunner().invoke(main, ["refi", "import", str(path), "--strict", "-p", str(project.path)])
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert lines[0].startswith(f"qualbench: error: {path}: not imported: source 'RefiDoc'")
    assert "--strict: nothing was imported" in lines[-1]
    assert "Traceback" not in r.output
