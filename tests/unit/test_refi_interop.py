"""REFI-QDA interoperability, the cases an audit of real tools' files turned up: importing
the same file again changes nothing, everything a file says is imported or reported
(never dropped silently), our own files come back exactly, and what other tools keep in
names (paths, "gender: male" groups) can be read on request.

The XML below is ours, written for these tests; where it copies the *shape* of another
tool's export, the comment says whose (see ``shared/refi-qda/NOTES.md``)."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualbench.errors import QualbenchError
from qualbench.exchange.refi import (RefiCode, compose_description, path_separator, read_qdc,
                                     read_qdpx, split_description)

from . import test_refi as base
from .test_refi import SCHEMAS, fresh, guid, qdpx, quotes, snapshot, u16, validate_qdpx

small, project_schema = base.small, base.project_schema      # the fixtures, shared

DUPES = SCHEMAS / "duplicate-names.qdc"


def tree(p) -> list[tuple[str, str | None]]:
    names = {c.id: c.name for c in p.codes()}
    return sorted((c.name, names.get(c.parent_id)) for c in p.codes())


def project(origin: str, body: str, *, users: str | None = None, creating: str = "") -> str:
    users = users if users is not None else f'<Users><User guid="{guid(1)}" name="Ann"/></Users>'
    creator = f' creatingUserGUID="{creating}"' if creating else ""
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" '
            f'name="Their study" origin="{origin}"{creator}>{users}{body}</Project>')


def coded(sel: int, start: int, end: int, code: int, user: int = 1, extra: str = "") -> str:
    return (f'<PlainTextSelection guid="{guid(sel)}" startPosition="{start}" endPosition="{end}" '
            f'creatingUser="{guid(user)}"><Coding guid="{guid(sel, 1)}" creatingUser="{guid(user)}">'
            f'<CodeRef targetGUID="{guid(code)}"/></Coding>{extra}</PlainTextSelection>')


# -- 1. same names under different parents: stable names, idempotent re-import -----------

EXPECTED_TREE = [("Barriers", None), ("Facilitators", None), ("Other", "Barriers"),
                 ("Other (Facilitators)", "Facilitators")]


def test_same_names_under_two_parents_reimport_without_duplicates(tmp_path):
    p = fresh(tmp_path)
    first = p.import_qdc(DUPES)
    assert tree(p) == EXPECTED_TREE
    assert first.remarks == ["a second code named 'Other' imported as 'Other (Facilitators)'"]
    for _ in range(2):
        again = p.import_qdc(DUPES)
        assert again.codes_new == [] and sorted(again.codes_matched) == sorted(n for n, _ in EXPECTED_TREE)
        assert again.remarks == [] and tree(p) == EXPECTED_TREE
    # Renamed here: its GUID was seen, so it is still the same code.
    p.rename_code("Other (Facilitators)", "Other helpers")
    assert p.import_qdc(DUPES).codes_new == [] and len(p.codes()) == 4
    p.close()


def _remint(xml: str, prefix: str, swap: bool) -> str:
    """The same codebook exported again with new GUIDs (ATLAS.ti 26 re-mints them), the two
    parents possibly in the other order."""
    xml = xml.replace("0b1e7a10", prefix)
    if swap:
        blocks = re.findall(r"    <Code guid=\"[^\"]+\" name=\"(?:Barriers|Facilitators)\".*?\n    </Code>\n", xml, re.DOTALL)
        xml = xml.replace(blocks[0] + blocks[1], blocks[1] + blocks[0])
    return xml


@pytest.mark.parametrize("swap", [False, True], ids=["same-order", "parents-swapped"])
def test_new_guids_match_by_path(tmp_path, swap):
    p = fresh(tmp_path)
    p.import_qdc(DUPES)
    other = tmp_path / "other.qdc"
    other.write_text(_remint(DUPES.read_text(), "7f000000", swap), encoding="utf-8")
    again = p.import_qdc(other)
    assert again.codes_new == [] and tree(p) == EXPECTED_TREE
    # Starting from the swapped file, the stable name follows the file's order.
    q = fresh(tmp_path, "q")
    q.import_qdc(other)
    q.import_qdc(DUPES)
    assert len(q.codes()) == 4
    q.close()
    p.close()


def test_codings_of_same_named_codes_land_once(tmp_path):
    codes = (f'<Code guid="{guid(2)}" name="Before" isCodable="false"><Code guid="{guid(3)}" name="Other" isCodable="true"/></Code>'
             f'<Code guid="{guid(5)}" name="After" isCodable="false"><Code guid="{guid(4)}" name="Other" isCodable="true"/></Code>')
    src = (f'<TextSource guid="{guid(6)}" name="d" plainTextPath="internal://a.txt">'
           f'{coded(10, 0, 3, 3)}{coded(11, 4, 7, 4)}</TextSource>')
    path = qdpx(tmp_path / "d.qdpx", project("NVivo 14", f"<CodeBook><Codes>{codes}</Codes></CodeBook>"
                                             f"<Sources>{src}</Sources>"), {"sources/a.txt": b"one two three\n"})
    p = fresh(tmp_path)
    p.import_qdpx(path)
    placed = sorted((p.code(c.code_id).name, c.start) for c in p.codings())
    again = p.import_qdpx(path)
    assert again.codes_new == [] and again.codings == 0 and again.codings_present == 2
    assert placed == [("Other", 0), ("Other (After)", 4)] == sorted((p.code(c.code_id).name, c.start)
                                                                    for c in p.codings())
    p.close()


# -- 2. a document's participant with no row in the participant table -------------------------

def test_participant_without_a_table_row_survives_the_round_trip(small, tmp_path, write, project_schema):
    small.import_files([write("P04.txt", "I: Hello.\n\nP: I am not in the participant table.\n")])
    assert small.document("P04").participant == "P04"
    small.export_qdpx(tmp_path / "s.qdpx")
    validate_qdpx(tmp_path / "s.qdpx", project_schema)
    case = next(c for c in read_qdpx(tmp_path / "s.qdpx").cases if c.name == "P04")
    assert case.values == [] and len(case.sources) == 1
    new = fresh(tmp_path)
    report = new.import_qdpx(tmp_path / "s.qdpx")
    assert report.unmapped == [] and new.document("P04").participant == "P04"
    assert snapshot(new) == snapshot(small)
    assert list(new.participants()["participant"]) == ["P01", "P02", "P03"]   # no row made up
    new.close()


# -- 3. inline text when the text file cannot be found ----------------------------------------

def test_inline_text_when_the_text_file_is_not_in_sources(tmp_path):
    # RE-QDA/requal's import test project: plainTextPath="doc1.txt" *and* the text inline,
    # zipped flat (doc1.txt at the archive root, not in sources/).
    text = "This is the content of the first document. It has words to code."
    src = (f'<TextSource guid="source-001" name="Document 1" plainTextPath="doc1.txt">'
           f'<Description>First document</Description><PlainTextContent>{text}</PlainTextContent>'
           f'{coded(10, 0, 4, 3)}</TextSource>')
    codes = f'<CodeBook><Codes><Code guid="{guid(3)}" name="Start" isCodable="true"/></Codes></CodeBook>'
    path = qdpx(tmp_path / "r.qdpx", project("RE-QDA", codes + f"<Sources>{src}</Sources>"),
                {"doc1.txt": text.encode()})
    p = fresh(tmp_path)
    report = p.import_qdpx(path)
    assert p.text("Document 1") == text and quotes(p, "Document 1") == ["This"]
    assert report.unmapped == []
    assert any("'doc1.txt' is not in the archive's sources folder; used the text inside" in r
               for r in report.remarks)
    p.close()


# -- 4. annotations keep their anchor ---------------------------------------------------------

QC_TEXT = "Q: How do you get there?\nA: Honestly the bus. It's two changes and it never comes.\n"


def test_qualcoder_annotation_notes_keep_their_passage(tmp_path):
    """QualCoder: a Note with PlainTextContent and its own PlainTextSelection; the source
    points only to the first such note (the second has no source)."""
    at = QC_TEXT.index("two changes")
    notes = (f'<Notes><Note guid="{guid(20)}" creatingUser="{guid(1)}"><PlainTextContent>Check the timetable'
             f'</PlainTextContent><PlainTextSelection guid="{guid(21)}" startPosition="{at}" '
             f'endPosition="{at + 11}"/></Note>'
             f'<Note guid="{guid(22)}" creatingUser="{guid(1)}"><PlainTextContent>Ask about exemptions'
             f'</PlainTextContent><PlainTextSelection guid="{guid(23)}" startPosition="3" endPosition="6"/></Note>'
             f'</Notes>')
    src = (f'<Sources><TextSource guid="{guid(6)}" name="Ana" plainTextPath="internal://ana.txt">'
           f'<NoteRef targetGUID="{guid(20)}"/></TextSource></Sources>')
    path = qdpx(tmp_path / "qc.qdpx", project("QualCoder 3.6", src + notes),
                {"sources/ana.txt": b"\xef\xbb\xbf" + QC_TEXT.encode()})
    p = fresh(tmp_path)
    report = p.import_qdpx(path)
    assert p.memo("document", p.document("Ana").id) == (
        f"Annotation on “two changes” [{at}, {at + 11})\nCheck the timetable")
    assert p.memo("project", None) == (
        "Annotation on characters [3, 6) of a source the file does not name\nAsk about exemptions")
    assert len(report.converted) == 2
    assert f"annotation on “two changes” [{at}, {at + 11}) in 'Ana' (a note with its own selection)" \
        in report.converted[0] + report.converted[1]
    assert [c["name"] for c in p.coders()] == ["Ann"]          # the notes' author
    again = p.import_qdpx(path)
    assert again.memos == 0 and again.memos_unchanged == 2
    assert all(line.endswith("(already here)") for line in again.converted) and len(again.converted) == 2
    p.close()


def test_nvivo_annotation_linked_to_a_passage_keeps_its_anchor(tmp_path):
    """NVivo (shape from QualCoder's refi.py import docstrings): an uncoded selection with an
    empty Description, a Note whose text is a .txt, and a Link from the note to the selection;
    CRLF text with a BOM, positions in UTF-16 code units."""
    text = "I: And the pain? 🤔\r\nP: The pain is gone 🎉 and I sleep well.\r\n"
    lf = text.replace("\r\n", "\n")
    a, b = text.index("sleep well"), text.index("pain is gone")
    src = (f'<Sources><TextSource guid="{guid(6)}" name="Int 1" plainTextPath="internal://{guid(6)}.txt">'
           f'<PlainTextSelection guid="{guid(30)}" name="" startPosition="{u16(text, a)}" '
           f'endPosition="{u16(text, a + 10)}"><Description /></PlainTextSelection>'
           f'{coded(31, u16(text, b), u16(text, b + 12), 3)}</TextSource></Sources>')
    notes = (f'<Notes><Note guid="{guid(40)}" name="Annotation" plainTextPath="internal://{guid(40)}.txt"/></Notes>'
             f'<Links><Link guid="{guid(41)}" name="" direction="Associative" originGUID="{guid(40)}" '
             f'targetGUID="{guid(30)}"/></Links>')
    codes = f'<CodeBook><Codes><Code guid="{guid(3)}" name="Relief" isCodable="true"/></Codes></CodeBook>'
    path = qdpx(tmp_path / "nv.qdpx", project("NVivo 12.6.0.959", codes + src + notes),
                {f"Sources/{guid(6)}.txt": b"\xef\xbb\xbf" + text.encode(),
                 f"Sources/{guid(40)}.txt": "\ufeffAsk about the nights".encode()})
    p = fresh(tmp_path)
    report = p.import_qdpx(path)
    at = lf.index("sleep well")
    assert p.memo("document", p.document("Int 1").id) == (
        f"Annotation on “sleep well” [{at}, {at + 10})\nAsk about the nights")
    assert report.converted == [(f"annotation on “sleep well” [{at}, {at + 10}) in 'Int 1' (a passage linked "
                                 "to a note) → memo of the document, headed by the passage and its position")]
    assert not any("link" in line for line in report.unmapped) and quotes(p, "Int 1") == ["pain is gone"]
    p.close()


def test_uncoded_selections_are_reported_each(tmp_path):
    """MAXQDA / f4 / requal: a selection with a Description or a NoteRef and no Coding."""
    text = "A: first words, second words, third words.\n"
    sels = (f'<PlainTextSelection guid="{guid(30)}" startPosition="3" endPosition="14">'
            f'<Description>A comment.</Description></PlainTextSelection>'
            f'<PlainTextSelection guid="{guid(31)}" startPosition="16" endPosition="28">'
            f'<NoteRef targetGUID="{guid(40)}"/></PlainTextSelection>'
            f'<PlainTextSelection guid="{guid(32)}" startPosition="30" endPosition="41"/>')
    body = (f'<Sources><TextSource guid="{guid(6)}" name="doc" plainTextPath="internal://a.txt">{sels}'
            f'</TextSource></Sources><Notes><Note guid="{guid(40)}"><PlainTextContent>A note.'
            f'</PlainTextContent></Note></Notes>')
    path = qdpx(tmp_path / "m.qdpx", project("MAXQDA 24", body), {"sources/a.txt": text.encode()})
    p = fresh(tmp_path)
    report = p.import_qdpx(path)
    assert p.memo("document", p.document("doc").id) == ("Annotation on “first words” [3, 14)\nA comment.\n\n"
                                                        "Annotation on “second words” [16, 28)\nA note.")
    assert len(report.converted) == 2
    assert "1 selection(s) with neither a code nor a comment: not imported" in report.unmapped
    p.close()


# -- 5. only users who own something become coders --------------------------------------------

def test_only_users_with_codings_or_memos_become_coders(tmp_path):
    # ATLAS.ti: a pseudo-user "ATLAS.ti" beside the people; the creating user codes.
    users = (f'<Users><User guid="{guid(1)}" name="ATLAS.ti"/><User guid="{guid(2)}" name="Friedrich"/>'
             f'<User guid="{guid(3)}" name="Sebastian"/><User guid="{guid(4)}" name="Maria"/></Users>')
    codes = f'<CodeBook><Codes><Code guid="{guid(9)}" name="Hope" isCodable="true"/></Codes></CodeBook>'
    src = (f'<Sources><TextSource guid="{guid(6)}" name="doc" plainTextPath="internal://a.txt">'
           f'{coded(10, 0, 4, 9, user=2)}</TextSource></Sources>')
    notes = (f'<Notes><Note guid="{guid(40)}" name="Plan" creatingUser="{guid(4)}"><PlainTextContent>Our plan.'
             f'</PlainTextContent></Note></Notes><NoteRef targetGUID="{guid(40)}"/>')
    path = qdpx(tmp_path / "a.qdpx", project("ATLAS.ti 23", codes + src + notes, users=users, creating=guid(2)),
                {"sources/a.txt": b"Hope is all.\n"})
    p = fresh(tmp_path)
    report = p.import_qdpx(path)
    assert sorted(c["name"] for c in p.coders()) == ["Friedrich", "Maria"]
    assert report.coders == ["Friedrich", "Maria"]
    assert "2 user(s) of the file own no coding or memo here: not added as coders ('ATLAS.ti', 'Sebastian')" \
        in report.unmapped
    again = p.import_qdpx(path)          # owning codings or memos already here still counts
    assert again.coders == [] and [u for u in again.unmapped if "user(s)" in u] == [
        "2 user(s) of the file own no coding or memo here: not added as coders ('ATLAS.ti', 'Sebastian')"]
    p.close()


# -- 6. our own files come back exactly; the report counts exactly ----------------------------

LABELLED = st.lists(st.sampled_from(["When to use: ", "When not to use: ", "Example: ", "\n", "\n\n", "\\",
                                     "x", " ", ":", "é"]), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(LABELLED, LABELLED, LABELLED, LABELLED)
def test_description_encoding_is_lossless(description, when, when_not, example):
    code = RefiCode("g", "n", description=description, when_to_use=when, when_not_to_use=when_not,
                    example=example)
    assert split_description(compose_description(code)) == {
        "description": description, "when_to_use": when, "when_not_to_use": when_not, "example": example}


TRICKY = {"description": "  Defined here.\n\nExample: this paragraph is part of the definition.\n",
          "when_to_use": "When to use: said twice", "when_not_to_use": "\\Example: a backslash\r\nand a CR",
          "example": "Two\n\nWhen not to use: paragraphs"}


def _fields(p, name):
    c = p.code(name)
    return {"description": c.description, "when_to_use": c.when_to_use,
            "when_not_to_use": c.when_not_to_use, "example": c.example}


def test_own_descriptions_round_trip_exactly(tmp_path, write):
    p = fresh(tmp_path, "ours")
    p.import_files([write("P01.txt", "I: Hi.\n\nP: Defined here, as said.\n")])
    p.create_code("Tricky", **TRICKY)
    p.create_code("Plain", description="Just this.")
    p.add_coding("P01", "Tricky", "ann", 12, 19)
    p.set_memo("code", p.code("Plain").id, "A memo.", coder="ann")
    p.export_qdc(tmp_path / "c.qdc")
    p.export_qdpx(tmp_path / "p.qdpx")
    for file, imp in ((tmp_path / "c.qdc", p.import_qdc), (tmp_path / "p.qdpx", p.import_qdpx)):
        again = imp(file)
        assert again.codes_new == [] and again.codes_updated == [] and sorted(again.codes_matched) == ["Plain", "Tricky"]
        assert again.memos == 0 and again.participants == 0
        assert _fields(p, "Tricky") == TRICKY
        new = fresh(tmp_path, file.suffix[1:])
        (new.import_qdc if file.suffix == ".qdc" else new.import_qdpx)(file)
        assert _fields(new, "Tricky") == TRICKY and new.code("Plain").description == "Just this."
        new.close()
    p.close()


def test_foreign_descriptions_are_not_split_but_our_guids_are_recognised(tmp_path):
    nvivo = ('<?xml version="1.0" encoding="UTF-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo 14">'
             f'<Codes><Code guid="{guid(1)}" name="Hope" isCodable="true"><Description>  Def.\n\nExample: a quote.'
             '  </Description></Code></Codes></CodeBook>')
    (tmp_path / "n.qdc").write_text(nvivo, encoding="utf-8")
    book = read_qdc(tmp_path / "n.qdc")
    assert book.codes[0].description == "Def.\n\nExample: a quote." and book.codes[0].example == ""
    # Our codebook passed through another tool, which kept the GUIDs and the Description:
    # the labelled paragraphs are still ours, so nothing changes.
    p = fresh(tmp_path)
    p.create_code("Tricky", **TRICKY)
    p.export_qdc(tmp_path / "c.qdc")
    text = (tmp_path / "c.qdc").read_text(encoding="utf-8")
    (tmp_path / "c.qdc").write_text(re.sub(r'origin="[^"]*"', 'origin="NVivo 14"', text), encoding="utf-8")
    again = p.import_qdc(tmp_path / "c.qdc")
    assert again.codes_updated == [] and again.codes_matched == ["Tricky"]
    assert _fields(p, "Tricky")["example"] == TRICKY["example"]
    p.close()


def test_updated_codes_are_counted_and_named(tmp_path):
    p = fresh(tmp_path)
    p.create_code("Hope")
    p.create_code("Fear", description="Ours.")
    qdc = ('<?xml version="1.0" encoding="UTF-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="MAXQDA 24">'
           f'<Codes><Code guid="{guid(1)}" name="Hope" isCodable="true"><Description>Looking ahead.</Description>'
           f'</Code><Code guid="{guid(2)}" name="Fear" isCodable="true"><Description>Ours.</Description></Code>'
           f'</Codes></CodeBook>')
    (tmp_path / "m.qdc").write_text(qdc, encoding="utf-8")
    report = p.import_qdc(tmp_path / "m.qdc")
    assert report.codes_updated == ["Hope"] and report.codes_matched == ["Fear"]
    assert "0 new code(s) (1 updated, 1 unchanged)" in report.summary()
    assert "definitions filled in or changed from the file for 1 code(s): 'Hope'" in report.remarks
    p.close()


# -- 7. groups and names that carry structure ------------------------------------------------

def test_code_groups_in_a_codebook_are_reported(tmp_path):
    # ATLAS.ti 23.4 (RE-QDA/requal's QDC import test): a code group as Set/MemberCode@guid.
    qdc = ('<?xml version="1.0" encoding="utf-8"?><CodeBook origin="ATLAS.ti Win 23.4.0" '
           'xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
           f'<Code guid="{guid(1).upper()}" name="code1" color="#46AA00" isCodable="true"/></Codes>'
           f'<Sets><Set name="code group 1" guid="{guid(2).upper()}"><MemberCode guid="{guid(1).upper()}" />'
           '</Set></Sets></CodeBook>')
    (tmp_path / "a.qdc").write_text(qdc, encoding="utf-8")
    p = fresh(tmp_path)
    report = p.import_qdc(tmp_path / "a.qdc")
    assert report.unmapped == ["1 code group(s) not imported ('code group 1'): qualbench's codebook is one tree"]
    p.close()


ATLAS_TEXTS = {"Mabel.txt": "Coke for breakfast, every day.\n", "Simon.docx": "Bacon and eggs, no Coke.\n",
               "Zoe.txt": "Tea, only tea.\n"}


def _atlas(tmp_path: Path) -> Path:
    """ATLAS.ti 8/9 (REFI-QDA 1.5, Annex A.2): paths in code names, document groups that hold
    attributes ("gender: male") next to plain ones, a code group, upper-case GUIDs."""
    names = list(ATLAS_TEXTS)
    codes = (f'<CodeBook><Codes><Code guid="{guid(10).upper()}" name="Coke::diet Coke" isCodable="true"/>'
             f'<Code guid="{guid(11).upper()}" name="Coke" isCodable="true"><Description>the breakfast of '
             f'champions</Description></Code><Code guid="{guid(12).upper()}" name="Coke::full-fat Coke" '
             f'isCodable="true"/><Code guid="{guid(13).upper()}" name="Tea" isCodable="true"/></Codes></CodeBook>')
    sources = "".join(f'<TextSource guid="{guid(20 + i).upper()}" name="{n}" plainTextPath="internal://{i}.txt">'
                      f'{coded(30 + i, 0, 3, 11) if i < 2 else ""}</TextSource>' for i, n in enumerate(names))
    member = '<MemberSource targetGUID="{}"/>'.format
    sets = (f'<Sets><Set guid="{guid(40).upper()}" name="gender: female">{member(guid(20).upper())}'
            f'{member(guid(22).upper())}</Set>'
            f'<Set guid="{guid(41).upper()}" name="gender: male">{member(guid(21).upper())}</Set>'
            f'<Set guid="{guid(42).upper()}" name="age: 67">{member(guid(21).upper())}</Set>'
            f'<Set guid="{guid(43).upper()}" name="Mabel">{member(guid(20).upper())}</Set>'
            f'<Set guid="{guid(44).upper()}" name="drinks"><MemberCode targetGUID="{guid(13).upper()}"/></Set></Sets>')
    xml = project("ATLAS.ti 8.4.0", codes + f"<Sources>{sources}</Sources>" + sets)
    return qdpx(tmp_path / "atlas.qdpx", xml, {f"sources/{i}.txt": t.encode()
                                               for i, t in enumerate(ATLAS_TEXTS.values())})


def test_names_and_groups_reported_without_options(tmp_path):
    p = fresh(tmp_path)
    report = p.import_qdpx(_atlas(tmp_path))
    assert "Coke::diet Coke" in {c.name for c in p.codes()}
    assert ("2 code name(s) look like paths ('Coke::diet Coke', 'Coke::full-fat Coke'): --split-names builds "
            "the hierarchy from the '::' in them") in report.remarks
    assert report.unmapped == [
        "1 code group(s) not imported ('drinks'): qualbench's codebook is one tree",
        "1 document group(s) not imported ('Mabel')",
        ("3 document group(s) look like attributes ('gender: female', 'gender: male', 'age: 67'): not imported; "
         "--groups-as-attributes makes them participant attributes")]
    assert p.attributes() == {}
    p.close()


def test_split_names_and_groups_as_attributes(tmp_path):
    p = fresh(tmp_path)
    path = _atlas(tmp_path)
    report = p.import_qdpx(path, split_names=True, groups_as_attributes=True)
    assert ("diet Coke", "Coke") in tree(p) and ("full-fat Coke", "Coke") in tree(p)
    assert p.code("Coke").description == "the breakfast of champions"
    assert "2 code name(s) split on '::' into a hierarchy" in report.remarks
    assert {d.name: d.participant for d in p.documents()} == {"Mabel.txt": "Mabel", "Simon.docx": "Simon",
                                                              "Zoe.txt": "Zoe"}
    people = p.participants().set_index("participant")
    assert people.loc["Simon", "gender"] == "male" and people.loc["Simon", "age"] == 67
    assert people.loc["Mabel", "gender"] == "female" and people.loc["Zoe", "gender"] == "female"
    assert p.attributes() == {"age": "number", "gender": "category"}
    assert "attributes from document groups: age (1 participant(s)), gender (3 participant(s))" in report.remarks
    again = p.import_qdpx(path, split_names=True, groups_as_attributes=True)
    assert again.codes_new == [] and again.documents == [] and again.participants == 0
    assert len(p.codes()) == 4
    p.close()


def test_taguette_dotted_names(tmp_path):
    # Taguette's QDC: flat tags, hierarchy only as dotted names, GUIDs uuid5 of the path.
    names = ["interesting", "people", "people.family", "people.family.mother", "barriers.transport"]
    codes = "".join(f'<Code guid="{guid(i).upper()}" name="{n}" isCodable="true"/>' for i, n in enumerate(names))
    (tmp_path / "t.qdc").write_text('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:'
                                    f'codebook:1.0" origin="Taguette 1.4.1"><Codes>{codes}</Codes><Sets/></CodeBook>',
                                    encoding="utf-8")
    p = fresh(tmp_path)
    report = p.import_qdc(tmp_path / "t.qdc", split_names=True)
    assert tree(p) == [("barriers", None), ("family", "people"), ("interesting", None), ("mother", "family"),
                       ("people", None), ("transport", "barriers")]
    assert p.code("barriers").kind == "theme" and "3 code name(s) split on '.'" in report.remarks[0]
    assert p.import_qdc(tmp_path / "t.qdc", split_names=True).codes_new == []
    p.close()


@pytest.mark.parametrize("names,sep", [
    (["Coke", "Coke::diet Coke"], "::"), (["a.b", "a.c"], "."), (["people", "people.family"], "."),
    (["Dr. Smith", "e.g.", "v.", "Mr. Jones"], None), (["Version 1.2"], None), (["a::", "::b"], None)])
def test_path_separator(names, sep):
    assert path_separator([RefiCode(str(i), n) for i, n in enumerate(names)]) == sep


# -- export for NVivo: UTF-16 positions, on request -------------------------------------------

def test_utf16_positions_option(small, tmp_path, project_schema):
    small.export_qdpx(tmp_path / "cp.qdpx")
    result = small.export_qdpx(tmp_path / "u16.qdpx", positions="utf16")
    assert result["positions"] == "utf16"
    zf = validate_qdpx(tmp_path / "u16.qdpx", project_schema)
    qde = zf.read("project.qde").decode()
    assert 'origin="qualbench' in qde and "UTF-16 code units" in qde
    text = small.text("P01")
    at = text.index("stick 🦯")
    name = "stick 🦯"
    cp = zipfile.ZipFile(tmp_path / "cp.qdpx").read("project.qde").decode()
    assert f'name="{name}" startPosition="{at}" endPosition="{at + len(name)}"' in cp
    assert f'name="{name}" startPosition="{u16(text, at)}" endPosition="{u16(text, at + len(name))}"' in qde
    assert u16(text, at) == at + 1                         # one emoji before it
    new = fresh(tmp_path)
    report = new.import_qdpx(tmp_path / "u16.qdpx")
    assert report.positions == [] and report.unmapped == [] and snapshot(new) == snapshot(small)
    with pytest.raises(QualbenchError, match="positions must be one of"):
        small.export_qdpx(tmp_path / "x.qdpx", positions="bytes")
    new.close()

