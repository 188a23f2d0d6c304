"""Transcript readers: txt, docx, vtt, srt — each into text + turns that round-trip."""
import docx
import pytest

from qualbench.errors import InputFileError
from qualbench.exchange.speakers import RoleMap
from qualbench.exchange.transcripts import read_transcript
from qualbench.settings import DEFAULT_ROLES

from ..conftest import INTERVIEW

ROLES = RoleMap(DEFAULT_ROLES)


def turn_texts(parsed):
    return [(t.speaker, parsed.text[t.start:t.end]) for t in parsed.turns]


def test_txt_utf16_with_bom(write):
    path = write("P01.txt", "\ufeff" + INTERVIEW.replace("\n", "\r\n"), encoding="utf-16")
    parsed = read_transcript(path, ROLES)
    assert parsed.source_format == "txt" and "\r" not in parsed.text
    assert [s for s, _ in turn_texts(parsed)] == ["I", "P", "I", "P"]
    assert turn_texts(parsed)[3] == ("P", "Now it is better. I walk to the shop again!")


def test_txt_cp1252_refused_naming_file(write):
    path = write("P02.txt", "I: Hoe gaat het?\n\nP: Slecht, caf\u00e9.".encode("cp1252"))
    with pytest.raises(InputFileError) as exc:
        read_transcript(path, ROLES)
    assert "P02.txt: not valid UTF-8 at byte" in str(exc.value)


def test_empty_and_binary_files(write):
    with pytest.raises(InputFileError, match="empty"):
        read_transcript(write("P03.txt", b""), ROLES)
    with pytest.raises(InputFileError, match="binary"):
        read_transcript(write("P04.txt", bytes(range(256)) * 10), ROLES)


def test_unsupported_extension(write):
    with pytest.raises(InputFileError, match="unsupported file type '.pdf'"):
        read_transcript(write("P05.pdf", b"%PDF-1.4"), ROLES)


def test_docx_paragraphs_and_speaker_table(tmp_path):
    d = docx.Document()
    d.add_paragraph("Interview P06 - transcript")
    p = d.add_paragraph()
    p.add_run("Interviewer: ").bold = True
    p.add_run("How did it start?")
    d.add_paragraph("Participant: With a stroke, in 2009.")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Interviewer", "And the operation?"
    table.cell(1, 0).text, table.cell(1, 1).text = "Participant", "I was awake, believe it or not."
    path = tmp_path / "P06.docx"
    d.save(path)
    parsed = read_transcript(path, ROLES)
    assert turn_texts(parsed) == [
        (None, "Interview P06 - transcript"),
        ("Interviewer", "How did it start?"),
        ("Participant", "With a stroke, in 2009."),
        ("Interviewer", "And the operation?"),
        ("Participant", "I was awake, believe it or not."),
    ]


def test_corrupt_docx(write):
    with pytest.raises(InputFileError, match="not a valid .docx"):
        read_transcript(write("P07.docx", b"PK\x03\x04 this is not a zip"), ROLES)


VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Interviewer>How are you today?

00:00:04.500 --> 00:00:07.250
<v P11>Tired. The nights &amp; the days.

00:00:07.500 --> 00:00:09.000
<v P11>But <i>better</i> than before.
"""


def test_vtt_voice_tags_merge_consecutive_cues(write):
    parsed = read_transcript(write("P11.vtt", VTT), ROLES)
    assert turn_texts(parsed) == [("Interviewer", "How are you today?"),
                                  ("P11", "Tired. The nights & the days. But better than before.")]
    assert (parsed.turns[1].t_start, parsed.turns[1].t_end) == (4.5, 9.0)
    assert parsed.text.startswith("[00:00:01] Interviewer: How are you today?\n\n[00:00:04] P11: ")


SRT = """1
00:00:01,000 --> 00:00:03,000
Interviewer: Shall we start?

2
00:00:03,500 --> 00:00:06,000
P17: Yes. I was a piano tuner
before all this.

3
00:00:06,100 --> 00:00:08,000
and I am again now.

4
00:00:08,500 --> 00:00:09,000
Interviewer: Wonderful.
"""


def test_srt_prefix_only_on_first_cue_of_a_turn(write):
    parsed = read_transcript(write("P17.srt", SRT), ROLES)
    assert turn_texts(parsed) == [
        ("Interviewer", "Shall we start?"),
        ("P17", "Yes. I was a piano tuner before all this. and I am again now."),
        ("Interviewer", "Wonderful."),
    ]


def test_malformed_vtt(write):
    with pytest.raises(InputFileError, match="not a valid WebVTT"):
        read_transcript(write("P12.vtt", "this is not webvtt\n\nat all"), ROLES)


def test_cp1252_error_gives_line_and_column(write):
    path = write("P02.txt", "I: Hoe gaat het?\r\n\r\nP: Slecht, caf\u00e9.".encode("cp1252"))
    with pytest.raises(InputFileError) as exc:
        read_transcript(path, ROLES)
    assert "not valid UTF-8 at byte 34 (0xE9) on line 3, column 15" in str(exc.value)
    vtt = write("P03.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nP03: caf\u00e9\n".encode("cp1252"))
    with pytest.raises(InputFileError, match="on line 4, column 9"):
        read_transcript(vtt, ROLES)


ZOOM_AFTER_VOICE = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Interviewer>How did you sleep during the operation?

00:00:04.500 --> 00:00:07.250
Jan Jansen: I was awake… the whole time.

00:00:07.500 --> 00:00:09.000
It was strange.
"""

ZOOM = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
Dr. Smith: How did you sleep?

2
00:00:04.500 --> 00:00:07.250
Jan Jansen: I was awake…

3
00:00:07.500 --> 00:00:09.000
Honestly: it was hard.
"""

TEAMS = """WEBVTT

2b1f4e0a-7d0c-4a55-9a7e-1f2a3b4c5d6e/12-0
00:00:01.000 --> 00:00:04.000
<v Dr. Smith>How did you sleep?</v>

2b1f4e0a-7d0c-4a55-9a7e-1f2a3b4c5d6e/13-0
00:00:04.500 --> 00:00:07.250
<v Jan Jansen>I was awake…</v>
"""

NAME_LINES = """WEBVTT

00:00:01.000 --> 00:00:04.000
Dr. Smith
How did you sleep?

00:00:04.500 --> 00:00:07.250
Jan Jansen
I was awake…

00:00:07.500 --> 00:00:09.000
Dr. Smith
Really?

00:00:09.500 --> 00:00:11.000
Jan Jansen
Yes, really.

00:00:11.500 --> 00:00:13.000
It was long
and it was cold.
"""


def test_zoom_name_prefix_starts_a_turn(write):
    parsed = read_transcript(write("P21.vtt", ZOOM_AFTER_VOICE), ROLES)
    assert turn_texts(parsed) == [("Interviewer", "How did you sleep during the operation?"),
                                  ("Jan Jansen", "I was awake… the whole time. It was strange.")]
    assert "[00:00:04] Jan Jansen: I was awake" in parsed.text


def test_zoom_every_cue_labelled_and_a_colon_in_speech_stays_speech(write):
    parsed = read_transcript(write("P22.vtt", ZOOM), ROLES)
    assert turn_texts(parsed) == [("Dr. Smith", "How did you sleep?"),
                                  ("Jan Jansen", "I was awake… Honestly: it was hard.")]


def test_teams_voice_tags_with_closing_tag_and_cue_ids(write):
    parsed = read_transcript(write("P23.vtt", TEAMS), ROLES)
    assert turn_texts(parsed) == [("Dr. Smith", "How did you sleep?"), ("Jan Jansen", "I was awake…")]


def test_name_on_its_own_line(write):
    parsed = read_transcript(write("P24.vtt", NAME_LINES), ROLES)
    assert turn_texts(parsed) == [("Dr. Smith", "How did you sleep?"), ("Jan Jansen", "I was awake…"),
                                  ("Dr. Smith", "Really?"),
                                  ("Jan Jansen", "Yes, really. It was long and it was cold.")]


def test_zoom_srt_too(write):
    srt = "1\n00:00:01,000 --> 00:00:03,000\nInterviewer: Ready?\n\n2\n00:00:03,500 --> 00:00:06,000\nAnna de Vries: Yes.\n"
    parsed = read_transcript(write("P25.srt", srt), ROLES)
    assert turn_texts(parsed) == [("Interviewer", "Ready?"), ("Anna de Vries", "Yes.")]


def test_a_zoom_transcript_imports_with_the_participant_inferred(project, write):
    report = project.import_files([write("P21.vtt", ZOOM_AFTER_VOICE)])
    assert [(t.speaker, t.role) for t in project.turns("P21")] == [
        ("Interviewer", "interviewer"), ("Jan Jansen", "participant")]
    assert report.warnings == [
        ("P21.vtt: speaker 'Jan Jansen' taken as the participant (the only speaker besides interviewer "
        "'Interviewer'); map it in qualbench.toml [speakers] to make this explicit")]
