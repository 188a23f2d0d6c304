"""Participant tables: typed columns, every validation problem listed, nothing written."""
import openpyxl
import pytest

from qualbench.errors import InputFileError, ValidationError

HEADER = "participant,sex,age,pain_baseline,pain_2y,status,would_repeat,interview_date\n"
GOOD = HEADER + (
    "P01,female,54,8,4,alive,yes,2019-03-12\n"
    "P02,male,61,9,7,alive,yes,2019-03-19\n"
    "P03,male,47,9,,deceased,no,2019-03-26\n"
    "P04,female,58,0,0,alive,no,2019-04-02\n")


def test_import_types_and_derived_outcomes(project, write):
    result = project.import_participants(write("people.csv", GOOD))
    assert result["added"] == 4
    assert result["columns"] == {"sex": "category", "age": "number", "pain_baseline": "number",
                                 "pain_2y": "number", "status": "category",
                                 "would_repeat": "category", "interview_date": "date"}
    df = project.participants().set_index("participant")
    assert df.loc["P01", "pct_reduction"] == 50.0
    assert df.loc["P01", "responder"] == "responder"
    assert df.loc["P02", "responder"] == "non-responder"
    assert df.loc["P03", "responder"] == "no outcome" and bool(df.loc["P03", "deceased"])
    assert df.loc["P04", "responder"] == "no outcome"  # zero baseline: undefined, not a non-responder
    assert df.loc["P01", "age"] == 54.0


def test_every_problem_is_listed_with_row_numbers_and_nothing_written(project, write, digest):
    bad = HEADER + (
        "P01,female,54,8,4,alive,yes,2019-03-12\n"
        "P01,male,61,9,7,alive,yes,2019-03-19\n"
        "P03,male,47,11,,deceased,no,2019-03-26\n"
        "P04,female,58,eight,0,alive,maybe,2019-04-02\n"
        ",female,58,5,0,alive,no,2019-04-02\n")
    before = digest(project)
    with pytest.raises(ValidationError) as exc:
        project.import_participants(write("bad.csv", bad))
    lines = exc.value.lines()
    assert lines == [  # in row order, then column order
        "{}: row 3: duplicate participant id 'P01' (first in row 2)".format(exc.value.source),
        "{}: row 4: pain_baseline 11 is outside the NRS scale 0-10".format(exc.value.source),
        "{}: row 5: pain_baseline 'eight' is not a number".format(exc.value.source),
        "{}: row 5: would_repeat 'maybe' is not yes/no".format(exc.value.source),
        "{}: row 6: empty participant id".format(exc.value.source),
    ]
    assert digest(project) == before


def test_semicolon_csv_with_decimal_commas(project, write):
    text = "participant;pain_baseline;pain_2y\nP01;7,5;4,5\nP02;8;8\n"
    project.import_participants(write("nl.csv", text))
    df = project.participants().set_index("participant")
    assert df.loc["P01", "pain_baseline"] == 7.5
    assert df.loc["P01", "pct_reduction"] == pytest.approx(40.0)


def test_xlsx(project, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID", "pain_baseline", "pain_2y", "would_repeat"])
    ws.append(["P01", 10, 6, "yes"])
    ws.append(["P02", 10, 6.5, "no"])
    path = tmp_path / "p.xlsx"
    wb.save(path)
    project.import_participants(path)
    df = project.participants().set_index("participant")
    assert list(df["responder"]) == ["responder", "non-responder"]
    assert list(df["would_repeat_answer"]) == ["yes", "no"]


@pytest.mark.parametrize("name, content, message", [
    ("x.csv", b"", "empty file"),
    ("x.csv", "a,b\n1,2,3\n".encode(), "row 2 has 3 fields"),
    ("x.csv", "name,age\nP01,3\n".encode(), "no participant id column"),
    ("x.xlsx", b"not a zip", "not a valid Excel"),
    ("x.csv", "participant,sex\nP01,f\u00e9minin\n".encode("cp1252"), "not valid UTF-8 at byte"),
    ("x.ods", b"whatever", "unsupported table type"),
])
def test_bad_files(project, write, digest, name, content, message):
    before = digest(project)
    with pytest.raises(InputFileError, match=message):
        project.import_participants(write(name, content))
    assert digest(project) == before


def test_vas_scale_setting(project, write):
    project.settings.scale = "VAS"
    project.import_participants(write("vas.csv", "participant,pain_baseline,pain_2y\nP01,80,48\n"))
    assert project.participants()["pct_reduction"].iloc[0] == 40.0
