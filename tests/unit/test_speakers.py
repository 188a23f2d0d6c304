"""Speaker-turn detection over the label styles real transcripts use."""
import pytest

from qualbench.exchange.speakers import RoleMap, match_label
from qualbench.exchange.transcripts import parse_plain_text
from qualbench.settings import DEFAULT_ROLES

ROLES = RoleMap(DEFAULT_ROLES)


@pytest.mark.parametrize("line, name, ts, rest", [
    ("I: How are you?", "I", None, "How are you?"),
    ("P: Fine.", "P", None, "Fine."),
    ("Q: And then?", "Q", None, "And then?"),
    ("A: Then nothing.", "A", None, "Then nothing."),
    ("R: Yes.", "R", None, "Yes."),
    ("Interviewer: Welcome.", "Interviewer", None, "Welcome."),
    ("Participant: Thanks.", "Participant", None, "Thanks."),
    ("P07: It hurt.", "P07", None, "It hurt."),
    ("[00:01:02] Interviewer: Next topic.", "Interviewer", 62.0, "Next topic."),
    ("[01:02] P03: Yes.", "P03", 62.0, "Yes."),
    ("Interviewer (00:10:05): So?", "Interviewer", 605.0, "So?"),
    ("P14 (1:00:00.5): Long day.", "P14", 3600.5, "Long day."),
])
def test_label_styles(line, name, ts, rest):
    m = match_label(line)
    assert m is not None and m.name == name and m.timestamp == ts
    assert line[m.end:] == rest


@pytest.mark.parametrize("speaker, role", [
    ("I", "interviewer"), ("q", "interviewer"), ("Interviewer", "interviewer"),
    ("P", "participant"), ("A", "participant"), ("R", "participant"), ("P07", "participant"),
    ("Respondent", "participant"), ("Partner", "other"), ("Daughter", "other"),
])
def test_roles(speaker, role):
    assert ROLES.role(speaker) == role


def test_a_colon_in_speech_is_not_a_speaker():
    # A single "Word:" line inside an answer is speech, not a new speaker.
    text = "I: What helped?\n\nP: Well.\nHonestly: nothing.\n\nI: Thanks."
    _, turns = parse_plain_text(text, ROLES)
    assert [t.speaker for t in turns] == ["I", "P", "I"]
    assert text[turns[1].start:turns[1].end] == "Well.\nHonestly: nothing."


def test_relatives_and_repeated_unknown_labels_are_speakers():
    text = "Interviewer: Hi.\n\nParticipant: Hello.\n\nDaughter: She means it.\n\nNurse Ann: Tea?\n\nNurse Ann: Milk?"
    _, turns = parse_plain_text(text, ROLES)
    assert [t.speaker for t in turns] == ["Interviewer", "Participant", "Daughter", "Nurse Ann", "Nurse Ann"]


def test_unlabelled_text_is_one_turn_per_paragraph():
    text = "First paragraph\ncontinues here.\n\nSecond paragraph.\n\n\nThird."
    _, turns = parse_plain_text(text, ROLES)
    assert [text[t.start:t.end] for t in turns] == [
        "First paragraph\ncontinues here.", "Second paragraph.", "Third."]
    assert all(t.speaker is None for t in turns)


def test_turn_spans_exclude_labels_and_surrounding_whitespace():
    text = "I:   Question one?  \n\nP: Answer\nspanning lines.\n\n"
    _, turns = parse_plain_text(text, ROLES)
    assert [text[t.start:t.end] for t in turns] == ["Question one?", "Answer\nspanning lines."]


@pytest.mark.parametrize("speakers, participant, roles, unknown, inferred", [
    (["I", "P", "I"], None, {"I": "interviewer", "P": "participant"}, [], None),
    (["I", "Anna"], None, {"I": "interviewer", "Anna": "participant"}, [], "Anna"),
    (["Interviewer", "Anna", "Partner"], None,
     {"Interviewer": "interviewer", "Anna": "participant", "Partner": "other"}, [], "Anna"),
    (["Dr. Smith", "Anna"], None, {"Dr. Smith": "other", "Anna": "other"}, ["Dr. Smith", "Anna"], None),
    (["I", "Anna", "Bob"], None, {"I": "interviewer", "Anna": "other", "Bob": "other"}, ["Anna", "Bob"], None),
    (["I", "P", "Anna"], None, {"I": "interviewer", "P": "participant", "Anna": "other"}, ["Anna"], None),
    (["I", "P07"], "P07", {"I": "interviewer", "P07": "participant"}, [], None),
    ([None, None], None, {}, [], None),
])
def test_assign_roles(speakers, participant, roles, unknown, inferred):
    from qualbench.exchange.speakers import assign_roles
    got = assign_roles(speakers, ROLES, participant)
    assert (got.roles, got.unknown, got.inferred) == (roles, unknown, inferred)


@pytest.mark.parametrize("label, single, expected", [
    ("Jan Jansen", False, True), ("Dr. Smith", False, True), ("Anna de Vries", False, True),
    ("Honestly", False, False), ("Anna", True, True), ("I was awake", False, False),
    ("Yes Really.", False, False),
])
def test_looks_like_name(label, single, expected):
    from qualbench.exchange.speakers import looks_like_name
    assert looks_like_name(label, min_words=1 if single else 2) is expected
