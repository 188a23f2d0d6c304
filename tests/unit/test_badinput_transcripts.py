"""Bad transcripts: damaged or hostile Word files, broken subtitle timings, control
characters anywhere, and files too large to be a transcript — each one InputFileError
naming the file, never a traceback, never silently lost text."""
from __future__ import annotations

import io
import time
import zipfile

import docx
import pytest

from qualbench.errors import InputFileError
from qualbench.exchange import limits
from qualbench.exchange.speakers import RoleMap
from qualbench.exchange.transcripts import read_transcript
from qualbench.settings import DEFAULT_ROLES

ROLES = RoleMap(DEFAULT_ROLES)
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def good_docx(paragraphs=("I: How did the pain start?", "P: After the operation.")) -> bytes:
    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def with_part(data: bytes, name: str, content: bytes | None) -> bytes:
    """The package ``data`` with part ``name`` replaced (None: removed)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename != name:
                z.writestr(info.filename, src.read(info.filename))
        if content is not None:
            z.writestr(name, content)
    return out.getvalue()


def document_xml(body: str, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}'
            f"<w:document {W}><w:body>{body}</w:body></w:document>").encode()


def damaged_deflate(data: bytes, member: str) -> bytes:
    z = zipfile.ZipFile(io.BytesIO(data))
    info = z.getinfo(member)
    off = info.header_offset
    names, extra = (int.from_bytes(data[off + k:off + k + 2], "little") for k in (26, 28))
    start = off + 30 + names + extra
    b = bytearray(data)
    for i in range(start + 5, start + min(info.compress_size - 2, 60)):
        b[i] ^= 0xA5
    return bytes(b)


def refused(write, name: str, content: bytes, *expected: str) -> str:
    path = write(name, content)
    with pytest.raises(InputFileError) as exc:
        read_transcript(path, ROLES)
    message = str(exc.value)
    assert message.startswith(str(path) + ": ") and "\n" not in message
    for part in expected:
        assert part in message, message
    return message


LAUGHS = """<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
"""


# -- Word --------------------------------------------------------------------------------

def test_docx_still_reads_paragraphs(write):
    parsed = read_transcript(write("P01.docx", good_docx()), ROLES)
    assert parsed.text == "I: How did the pain start?\n\nP: After the operation."


@pytest.mark.parametrize("name, make, expected", [
    ("deflate", lambda d: damaged_deflate(d, "word/document.xml"), ["word/document.xml", "damaged"]),
    ("malformed", lambda d: with_part(d, "word/document.xml", b"<w:document><w:body><w:p>unclosed"),
     ["word/document.xml is not well-formed XML"]),
    ("laughs", lambda d: with_part(d, "word/document.xml",
                                   document_xml("<w:p><w:r><w:t>&lol3;</w:t></w:r></w:p>", LAUGHS)),
     ["word/document.xml", "DOCTYPE", "refused"]),
    ("html", lambda d: with_part(d, "word/document.xml", b"<html><body>hi</body></html>"),
     ["not a Word document", "<html>"]),
    ("no main part", lambda d: with_part(d, "word/document.xml", None), ["word/document.xml is missing"]),
    ("no content types", lambda d: with_part(d, "[Content_Types].xml", None), ["[Content_Types].xml"]),
    ("bad rels", lambda d: with_part(d, "_rels/.rels", b"<Relationships><oops"), ["_rels/.rels"]),
])
def test_damaged_or_hostile_docx_is_one_line(write, name, make, expected):
    refused(write, "P02.docx", make(good_docx()), *expected)


def test_docx_declaring_an_entity_is_refused_not_cut_short(write):
    # Decision: a DOCTYPE is refused (Word never writes one). Reading past it with entities
    # off would silently drop the text after "&name;", as the audit found.
    xml = document_xml("<w:p><w:r><w:t>P: before &name; after</w:t></w:r></w:p>",
                       '<!DOCTYPE w:document [<!ENTITY name "Jan">]>\n')
    refused(write, "P03.docx", with_part(good_docx(), "word/document.xml", xml), "DOCTYPE")


def test_docx_whose_xml_has_a_huge_text_node(write):
    # One 11 MB text node (libxml2's limit is 10 MB without XML_PARSE_HUGE).
    xml = document_xml("<w:p><w:r><w:t>P: " + "a " * 5_500_000 + "</w:t></w:r></w:p>")
    refused(write, "P04.docx", with_part(good_docx(), "word/document.xml", xml), "not well-formed XML")


def test_docx_zip_bomb_refused_before_decompressing(write):
    # A document.xml declared larger than the part limit; refused from the zip directory.
    out = io.BytesIO()
    base = zipfile.ZipFile(io.BytesIO(good_docx()))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in base.infolist():
            if info.filename != "word/document.xml":
                z.writestr(info.filename, base.read(info.filename))
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0"?><w:document {W}><w:body><w:p><w:r><w:t>P: '.encode())
            chunk = b" " * (1 << 20)
            for _ in range(limits.OFFICE.max_part_bytes // len(chunk) + 1):
                fh.write(chunk)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")
    t0 = time.perf_counter()
    refused(write, "P05.docx", out.getvalue(), "word/document.xml", "uncompressed", "limit")
    assert time.perf_counter() - t0 < 2


def test_docx_paragraph_bomb_stops_at_the_paragraph_limit(write, monkeypatch):
    monkeypatch.setattr(limits, "MAX_TURNS", 1_000)
    xml = document_xml("<w:p><w:r><w:t>P: ok</w:t></w:r></w:p>" * 1_500)
    refused(write, "P06.docx", with_part(good_docx(), "word/document.xml", xml), "paragraphs", "split it")


def test_xlsx_renamed_docx(write):
    import openpyxl
    wb = openpyxl.Workbook()
    buf = io.BytesIO()
    wb.save(buf)
    refused(write, "P07.docx", buf.getvalue(), "not a Word document", "xl/workbook.xml")


# -- subtitles -----------------------------------------------------------------------------

VTT = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Interviewer>Hello there.\n\n"
       "00:00:05.000 --> 00:00:09.000\n<v P30>Hi, it was hard.\n")
SRT = ("1\n00:00:01,000 --> 00:00:04,000\nInterviewer: Hello there.\n\n"
       "2\n00:00:05,000 --> 00:00:09,000\nP31: Hi, it was hard.\n")


@pytest.mark.parametrize("ext, text, expected", [
    ("vtt", VTT.replace("00:00:05.000", "00:00:xx.000"), "line 6: malformed cue timing"),
    ("vtt", VTT.replace("00:00:05.000 -->", "00:00:05 -->"), "line 6: malformed cue timing"),
    ("vtt", VTT.replace("00:00:05.000 --> 00:00:09.000", "00:00:05.000 00:00:09.000"),
     "line 6: malformed cue timing"),
    ("vtt", VTT.replace("00:00:05.000 -->", "00:61:59.000 -->"), "line 6: malformed cue timing"),
    ("vtt", VTT.replace("00:00:05.000 -->", "00:00:99.000 -->"), "minutes and seconds go up to 59"),
    ("vtt", VTT.replace("00:00:05.000 --> 00:00:09.000", "00:00:09.000 --> 00:00:05.000"),
     "line 6: the cue ends (00:00:05.000) before it starts (00:00:09.000)"),
    ("vtt", VTT.replace("\n\n00:00:05", "\n\nstray words\n\n00:00:05"), "line 6: text without a cue timing"),
    ("srt", SRT.replace("00:00:05,000 -->", "00:00:05,000 ->"), "line 6: malformed cue timing"),
    ("srt", SRT.replace("00:00:05,000 -->", "00:0x:05,000 -->"), "line 6: malformed cue timing"),
    ("srt", SRT.replace("2\n00:00:05", "00:00:05"), "line 5: cue timing without the cue number"),
    ("vtt", VTT.replace("there.\n\n00:00:05", "there.\n00:00:05"),
     "line 5: a cue timing line inside the text of a cue"),
    ("srt", "Just prose.\nNo cues.\n", "not a valid SubRip (.srt) file"),
    ("srt", SRT + "\nand then stray prose\n", None),
])
def test_broken_cue_timings_name_the_line(write, ext, text, expected):
    if expected is None:        # SubRip: a text block after a cue continues it (webvtt-py joins it)
        assert read_transcript(write(f"P30.{ext}", text), ROLES).text.endswith("and then stray prose")
        return
    refused(write, f"P30.{ext}", text.encode(), expected)


def test_srt_arrow_typo_is_never_glued_into_the_previous_utterance(write):
    with pytest.raises(InputFileError) as exc:
        read_transcript(write("P31.srt", SRT.replace("00:00:05,000 -->", "00:00:05,000 ->")), ROLES)
    assert "00:00:05,000 -> 00:00:09,000" in str(exc.value)


@pytest.mark.parametrize("ext, text, turns", [
    # WebVTT: hours are optional (mm:ss.ttt), a cue may have an identifier, and a NOTE block.
    ("vtt", "WEBVTT\n\nNOTE made by hand\n\nc1\n00:01.000 --> 00:04.000\n<v Interviewer>Hello.\n\n"
            "01:00:05.000 --> 01:00:09.000 align:start\n<v P30>Hard.\n",
     [("Interviewer", "Hello."), ("P30", "Hard.")]),
    # SubRip without the blank line between cues (the number and timing start the next cue).
    ("srt", SRT.replace("there.\n\n2", "there.\n2"),
     [("Interviewer", "Hello there."), ("P31", "Hi, it was hard.")]),
    # SubRip: a blank line inside a cue's text, and a zero-length cue.
    ("srt", "1\n00:00:01,000 --> 00:00:04,000\nInterviewer: Hello there.\n\nstill talking\n\n"
            "2\n00:00:05,000 --> 00:00:05,000\nP31: Hi.\n",
     [("Interviewer", "Hello there. still talking"), ("P31", "Hi.")]),
])
def test_legitimate_subtitle_variants_still_read(write, ext, text, turns):
    parsed = read_transcript(write(f"P32.{ext}", text), ROLES)
    assert [(t.speaker, parsed.text[t.start:t.end]) for t in parsed.turns] == turns


# -- control characters and size -------------------------------------------------------------

def test_control_characters_in_vtt_are_refused_like_in_txt(write):
    text = VTT.replace("Hello there.", "Hello \x1b[31mthere\x07.")
    refused(write, "P33.vtt", text.encode(), "control character U+001B", "line 4")
    refused(write, "P33.txt", b"I: hi\x1b[31m\n\nP: ok\n", "control character U+001B")


def test_a_nul_after_the_first_200000_characters_is_found(write):
    body = ("I: question here?\n\nP: " + "word " * 50_000 + "\n").encode() + b"\x00garbage\n"
    t0 = time.perf_counter()
    refused(write, "P34.txt", body, "control character U+0000 at character 250023", "line 4")
    assert time.perf_counter() - t0 < 2


def test_text_files_over_the_size_limit_are_refused_before_reading(write, monkeypatch):
    monkeypatch.setattr(limits, "MAX_TRANSCRIPT_BYTES", 1_000)
    refused(write, "P35.txt", ("P: " + "word " * 400).encode(), "larger than the", "limit for one transcript")


def test_text_over_the_character_limit_is_refused(write, monkeypatch):
    monkeypatch.setattr(limits, "MAX_TRANSCRIPT_CHARS", 500)
    refused(write, "P36.vtt", (VTT + "\n00:00:10.000 --> 00:00:12.000\n" + "x " * 400 + "\n").encode(),
            "characters of text", "split it")
