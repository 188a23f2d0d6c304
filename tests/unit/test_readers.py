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
