"""What a researcher must hear after an import, without it being an error: no
participant, no speaker labels, speakers without a role (and a role inferred)."""
from ..conftest import INTERVIEW


def roles(project, name):
    return [(t.speaker, t.role) for t in project.turns(name)]


def test_a_document_linked_to_no_participant(project, write):
    report = project.import_files([write("interview_anna.txt", INTERVIEW)])
    assert report.warnings == ["interview_anna.txt: no participant (name it P07_... or use --participant)"]
    report = project.import_files([write("interview_bob.txt", INTERVIEW + "\nI: Bye.\n")], participant="P08")
    assert report.warnings == []


def test_a_document_without_speaker_labels(project, write):
    report = project.import_files([write("P02.txt", "It was hard.\n\nNow it is better.\n")])
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith("P02.txt: no speaker labels found, so each paragraph became "
                                         "one participant turn")
    assert {t.role for t in project.turns("P02")} == {"participant"}


def test_speakers_without_a_role_are_named(project, write):
    text = "Dr. Smith: How are you?\n\nAnna: Tired.\n\nDr. Smith: And the nights?\n\nAnna: Long.\n"
    report = project.import_files([write("P03.txt", text)])
    assert report.warnings == [
        ("P03.txt: speakers 'Dr. Smith', 'Anna' have no role: map them in qualbench.toml [speakers] "
        "(until then their turns count as 'other', not as interviewer or participant)")]
    assert {r for _, r in roles(project, "P03")} == {"other"}


def test_one_unknown_name_beside_an_interviewer_is_taken_as_the_participant(project, write):
    text = "I: How are you?\n\nAnna: Tired.\n\nI: And the nights?\n\nAnna: Long.\n\nDaughter: She means it.\n"
    report = project.import_files([write("P04.txt", text)])
    assert report.warnings == [
        ("P04.txt: speaker 'Anna' taken as the participant (the only speaker besides interviewer 'I'); "
        "map it in qualbench.toml [speakers] to make this explicit")]
    assert roles(project, "P04") == [("I", "interviewer"), ("Anna", "participant"), ("I", "interviewer"),
                                     ("Anna", "participant"), ("Daughter", "other")]


def test_names_mapped_in_the_settings_need_no_warning(project, write):
    project.settings.roles["interviewer"].append("Dr. Smith")
    project.settings.roles["participant"].append("Anna")
    text = "Dr. Smith: How are you?\n\nAnna: Tired.\n\nDr. Smith: And the nights?\n\nAnna: Long.\n"
    report = project.import_files([write("P05.txt", text)])
    assert report.warnings == []
    assert roles(project, "P05")[:2] == [("Dr. Smith", "interviewer"), ("Anna", "participant")]
