"""Coding files in: importing twice changes nothing, memos on codings already present,
each problem said once with a "did you mean" suggestion."""
import pytest

from qualbench.errors import ValidationError

from ..conftest import INTERVIEW

CODINGS = """format: qualbench-codings/1
coder: coder_a
documents:
  P01_interview:
    - code: Pain before
      quote: "It was terrible."
    - code: Pain before
      quote: "I walked with a stick"
    - code: Sleep
      quote: "I could not sleep"
      memo: "nights are the worst"
    - code: Sleep
      quote: "Some nights I just sat in the kitchen."
    - code: Better now
      quote: "Now it is better."
"""


@pytest.fixture
def study(project, write):
    project.import_files([write("P01_interview.txt", INTERVIEW)])
    for name in ("Pain before", "Sleep", "Better now"):
        project.create_code(name)
    return project


def spans(project):
    return sorted((c.document_id, c.coder, c.code_id, c.start, c.end, c.memo) for c in project.codings())


def test_importing_the_same_coding_file_twice_adds_nothing(study, write, digest):
    path = write("codings.yaml", CODINGS)
    first = study.import_coding_file(path)
    assert (first["codings"], first["already_present"]) == (5, 0)
    before, state = spans(study), digest(study)
    again = study.import_coding_file(path)
    assert (again["codings"], again["already_present"], again["documents"]) == (0, 5, 0)
    assert spans(study) == before and len(before) == 5
    assert digest(study) == state  # not even an event: nothing happened


def test_a_file_with_some_new_codings_adds_only_those(study, write):
    study.import_coding_file(write("codings.yaml", CODINGS))
    more = CODINGS + '    - code: Better now\n      quote: "I walk to the shop again!"\n'
    result = study.import_coding_file(write("more.yaml", more))
    assert (result["codings"], result["already_present"]) == (1, 5)
    assert len(study.codings()) == 6


def test_memo_of_a_coding_already_present(study, write):
    study.import_coding_file(write("codings.yaml", CODINGS))
    # Empty memo in the new file: the existing memo stays.
    kept = study.import_coding_file(write("empty.yaml", CODINGS.replace('      memo: "nights are the worst"\n', "")))
    assert kept["memos_updated"] == [] and kept["codings"] == 0
    assert [c.memo for c in study.codings() if c.memo] == ["nights are the worst"]
    # A different, non-empty memo replaces it and is reported (undo restores the old one).
    changed = study.import_coding_file(write("memo.yaml", CODINGS.replace("are the worst", "were long")))
    assert changed["codings"] == 0 and changed["already_present"] == 5
    assert len(changed["memos_updated"]) == 1 and "memo of 'Sleep' by coder_a" in changed["memos_updated"][0]
    assert [c.memo for c in study.codings() if c.memo] == ["nights were long"]
    study.undo("coder_a")
    assert [c.memo for c in study.codings() if c.memo] == ["nights are the worst"]


def test_a_coding_listed_twice_in_one_file_goes_in_once(study, write):
    doubled = CODINGS + '    - code: Better now\n      quote: "Now it is better."\n'
    result = study.import_coding_file(write("doubled.yaml", doubled))
    assert (result["codings"], result["duplicates"]) == (5, 1)


def test_csv_import_twice_adds_nothing(study, write, tmp_path, digest):
    study.import_coding_file(write("codings.yaml", CODINGS))
    out = tmp_path / "codings.csv"
    assert study.export_codings_csv(out) == 5
    state = digest(study)
    result = study.import_codings_csv(out)
    assert (result["codings"], result["already_present"], result["coders"]) == (0, 5, ["coder_a"])
    assert digest(study) == state
    # Another coder's copy of the same spans is new: identical means same coder too.
    other = out.read_text(encoding="utf-8").replace("coder_a", "coder_b")
    result = study.import_codings_csv(write("b.csv", other))
    assert (result["codings"], result["already_present"]) == (5, 0)
    assert len(study.codings()) == 10


def test_unknown_document_said_once_with_suggestion(study, write, digest):
    bad = CODINGS.replace("  P01_interview:", "  P01:")
    state = digest(study)
    with pytest.raises(ValidationError) as exc:
        study.import_coding_file(write("bad.yaml", bad))
    assert [p for p in exc.value.problems] == [
        "unknown document 'P01' (5 codings); did you mean 'P01_interview'?"]
    assert digest(study) == state


def test_unknown_code_suggestion_and_no_false_suggestion_for_another_participant(study, write):
    bad = CODINGS.replace("code: Sleep", "code: Slep", 1) + "  P09:\n    - code: Sleep\n      quote: x\n"
    with pytest.raises(ValidationError) as exc:
        study.import_coding_file(write("bad.yaml", bad))
    assert exc.value.problems == ["P01_interview: unknown code 'Slep'; did you mean 'Sleep'?",
                                  "unknown document 'P09'"]  # P09 is not a typo of P01


def test_document_suggested_by_participant_label(project, write):
    project.import_files([write("interview-anna.txt", INTERVIEW)], participant="P07")
    project.create_code("Sleep")
    bad = "format: qualbench-codings/1\ncoder: a\ndocuments:\n  P07:\n    - code: Sleep\n      quote: It was\n"
    with pytest.raises(ValidationError, match="did you mean 'interview-anna'"):
        project.import_coding_file(write("bad.yaml", bad))


def test_csv_problems_grouped_by_message(study, write):
    bad = write("bad.csv", "document,coder,code,start,end\n" + "P01,a,Sleep,1,2\n" * 3 + "P01_interview,a,Slep,1,2\n")
    with pytest.raises(ValidationError) as exc:
        study.import_codings_csv(bad)
    assert exc.value.problems == [
        "rows 2, 3 and 4: unknown document 'P01' (3 codings); did you mean 'P01_interview'?",
        "row 5: unknown code 'Slep'; did you mean 'Sleep'?"]


def test_a_former_code_name_finds_the_renamed_code(study, write):
    study.rename_code("Sleep", "Poor sleep")
    result = study.import_coding_file(write("codings.yaml", CODINGS))
    assert result["codings"] == 5 and result["renamed"] == [("Sleep", "Poor sleep")]
