"""REFI-QDA: every file we write validates against the XSDs, a round trip loses nothing,
files in the styles of NVivo / ATLAS.ti / QualCoder / MAXQDA import with their positions
mapped (and verified), and hostile archives or XML are refused with the DB unchanged."""
from __future__ import annotations

import io
import sqlite3
import zipfile
import zlib
from pathlib import Path

import pandas as pd
import pytest
import xmlschema

import qualbench
from qualbench.errors import InputFileError, QualbenchError, ValidationError
from qualbench.exchange import refi_archive
from qualbench.exchange.refi import (RefiCode, compose_description, normalise_color, read_qdc,
                                     read_qdpx, split_description)
from qualbench.exchange.refi_positions import Convention, resolve
from qualbench.project import Project
from qualbench.textnorm import normalise

from ..conftest import INTERVIEW, db_digest

# Copies of shared/refi-qda/*.xsd (QDA-XML 1.0, MIT), so CI needs nothing beside the repo.
SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "refi-qda"


# -- helpers ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def project_schema():
    return xmlschema.XMLSchema(str(SCHEMAS / "Project-mrt2019.xsd"))


@pytest.fixture(scope="module")
def codebook_schema():
    return xmlschema.XMLSchema(str(SCHEMAS / "Codebook.xsd"))


def validate_qdpx(path: Path, schema) -> zipfile.ZipFile:
    zf = zipfile.ZipFile(path)
    schema.validate(zf.read("project.qde").decode("utf-8"))
    return zf


def fresh(tmp_path: Path, name: str = "new") -> Project:
    return qualbench.init_project(tmp_path / name)


def copy_project(src: Project, dst: Path) -> Project:
    """A private copy (tests must not write to the shared demo)."""
    dst.mkdir(parents=True)
    (dst / "qualbench.toml").write_bytes((src.path / "qualbench.toml").read_bytes())
    target = sqlite3.connect(dst / "qualbench.db")
    with src.store.lock:
        src.db.conn.backup(target)
    target.close()
    return Project(dst)


def snapshot(p: Project) -> dict:
    """Everything a round trip must keep, keyed by names (ids differ between projects)."""
    docs = {d.id: d.name for d in p.documents()}

    def path(code_id):
        return "/".join(c.name for c in p.code_path(code_id))

    memos = p.store.query("SELECT target_type, target_id, text FROM memos ORDER BY id")
    codes = {c.id: c for c in p.codes()}
    memo_keys = {"project": lambda i: None, "document": lambda i: docs.get(i), "code": lambda i: path(i)}
    values = p.store.query("SELECT p.label, a.name, a.type, v.value FROM participant_values v "
                           "JOIN participants p ON p.id = v.participant_id "
                           "JOIN attributes a ON a.id = v.attribute_id WHERE v.value IS NOT NULL")
    return {
        "texts": {d.name: p.text(d) for d in p.documents()},
        "doc_participants": {d.name: d.participant for d in p.documents()},
        "codes": sorted((path(c.id), c.kind, c.description, c.when_to_use, c.when_not_to_use,
                         c.example, normalise_color(c.color)) for c in codes.values()),
        "codings": sorted((docs[c.document_id], path(c.code_id), c.coder, c.start, c.end, c.memo)
                          for c in p.codings()),
        "coders": sorted((c["name"], c["kind"]) for c in p.coders()),
        "memos": sorted((m["target_type"], memo_keys[m["target_type"]](m["target_id"]), m["text"])
                        for m in memos),
        "attributes": p.attributes(),
        "values": sorted((v["label"], v["name"], v["type"], v["value"]) for v in values),
    }


TEXT = ("I: Thank you for taking part. How was the pain before? 😀\n\n"
        "P: It was terrible. I walked with a stick 🦯 and could not sleep.\n"
        "Now it is much better, café and all.\n")


@pytest.fixture
def small(tmp_path, write):
    """Two documents (one with emoji), a three-level codebook, two coders, every kind of memo,
    participants with number (integer and decimal), date, category and text attributes."""
    p = qualbench.init_project(tmp_path / "small", title="Small & <odd> \"study\"")
    p.import_files([write("P01.txt", TEXT), write("P02.txt", INTERVIEW)])
    p.import_participants(write("people.csv", "participant,age,score,visit,group,comment\n"
                                              "P01,54,7.5,2019-03-12,a,likes walking\n"
                                              "P02,61,3.25,2019-04-01,b,\n"
                                              "P03,47,8,2019-05-02,a,no interview yet\n"))
    theme = p.create_code("Living with pain", kind="theme", color="#0072B2",
                          description="How pain shapes days.")
    cat = p.create_code("Sleep and rest", parent=theme.name, kind="category", color="#abc")
    code = p.create_code("Sleep problems", parent=cat.name, description="Cannot sleep.",
                         when_to_use="Any mention of bad nights.", when_not_to_use="Daytime fatigue.",
                         example="I could not sleep.", color="#E69F00")
    walk = p.create_code("Walking aid", parent=cat.name)
    t1 = p.text("P01")
    s = t1.index("could not sleep")
    p.add_coding("P01", code.name, "coder_a", s, s + len("could not sleep"), memo="Key quote.")
    p.add_coding("P01", code.name, "coder_b", s - 4, s + len("could not sleep"))
    w = t1.index("stick 🦯")
    p.add_coding("P01", walk.name, "coder_a", w, w + len("stick 🦯"))
    p.add_coding("P01", code.name, "coder_a", w, w + len("stick 🦯"))     # same span, two codes
    c = t1.index("café")
    p.add_coding("P01", walk.name, "coder_b", c, c + 4)
    t2 = p.text("P02")
    s2 = t2.index("could not sleep")
    p.add_coding("P02", code.name, "coder_a", s2, s2 + 15)
    p.set_memo("project", None, "Study memo: recruitment ended in May.", coder="coder_a")
    p.set_memo("document", p.document("P01").id, "Interview in the garden.", coder="coder_b")
    p.set_memo("code", code.id, "Split by cause later?\nSecond line.", coder="coder_a")
    yield p
    p.close()


# -- writing: validation, determinism --------------------------------------------------------

def test_small_export_validates_and_is_deterministic(small, tmp_path, project_schema, codebook_schema):
    out = tmp_path / "out" / "small.qdpx"
    result = small.export_qdpx(out)
    assert result["documents"] == 2 and result["codings"] == 6 and result["coders"] == 2
    zf = validate_qdpx(out, project_schema)
    names = zf.namelist()
    assert names[0] == "project.qde" and all(n.startswith("sources/") and n.endswith(".txt") for n in names[1:])
    texts = {zf.read(n).decode("utf-8") for n in names[1:]}
    assert small.text("P01") in texts and all(not t.startswith("\ufeff") and "\r" not in t for t in texts)
    qde = zf.read("project.qde").decode("utf-8")
    assert qde.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0"')
    assert 'isCodable="false"' in qde and 'color="#AABBCC"' in qde
    assert "When to use: Any mention of bad nights." in qde
    assert 'typeOfVariable="Integer"' in qde and 'typeOfVariable="Float"' in qde and 'typeOfVariable="Date"' in qde
    # Unchanged project → identical bytes (stable GUIDs, data timestamps); refuses to overwrite.
    again = tmp_path / "again.qdpx"
    small.export_qdpx(again)
    assert again.read_bytes() == out.read_bytes()
    with pytest.raises(QualbenchError, match="exists; use --force"):
        small.export_qdpx(out)
    small.export_qdpx(out, force=True)
    qdc = tmp_path / "small.qdc"
    small.export_qdc(qdc)
    codebook_schema.validate(str(qdc))
    assert b"urn:QDA-XML:codebook:1.0" in qdc.read_bytes()
    assert small.events(actions=["refi.export"], limit=1)


def test_empty_project_exports_a_valid_file(tmp_path, project_schema):
    p = fresh(tmp_path)
    p.export_qdpx(tmp_path / "empty.qdpx")
    validate_qdpx(tmp_path / "empty.qdpx", project_schema)
    with pytest.raises(QualbenchError, match="the codebook is empty"):
        p.export_qdc(tmp_path / "empty.qdc")
    assert not (tmp_path / "empty.qdc").exists()
    p.close()


def test_code_points_spans_in_the_file(small, tmp_path):
    """Positions are code points of the .txt: an emoji counts one (NVivo would say two)."""
    small.export_qdpx(tmp_path / "s.qdpx")
    project = read_qdpx(tmp_path / "s.qdpx")
    p01 = next(s for s in project.sources if s.name == "P01")
    quotes = {p01.text[sel.start:sel.end] for sel in p01.selections}
    assert "stick 🦯" in quotes and "café" in quotes


def test_demo_export_validates(demo_project, tmp_path, project_schema, codebook_schema):
    demo = copy_project(demo_project, tmp_path / "demo")
    result = demo.export_qdpx(tmp_path / "demo.qdpx")
    validate_qdpx(tmp_path / "demo.qdpx", project_schema)
    status = demo.status()
    assert (result["documents"], result["codings"], result["cases"], result["coders"]) == (
        status["documents"], status["codings"], status["participants"], status["coders"])
    demo.export_qdc(tmp_path / "demo.qdc")
    codebook_schema.validate(str(tmp_path / "demo.qdc"))
    demo.close()


# -- round trips -----------------------------------------------------------------------------

def test_small_round_trip(small, tmp_path):
    small.export_qdpx(tmp_path / "s.qdpx")
    new = fresh(tmp_path)
    report = new.import_qdpx(tmp_path / "s.qdpx")
    assert report.unmapped == [] and report.codings == 6
    assert snapshot(new) == snapshot(small)
    new.close()


def test_demo_round_trip(demo_project, tmp_path):
    demo = copy_project(demo_project, tmp_path / "demo")
    demo.export_qdpx(tmp_path / "demo.qdpx")
    new = fresh(tmp_path)
    report = new.import_qdpx(tmp_path / "demo.qdpx")
    assert report.unmapped == [] and report.positions == [] and report.codings == demo.status()["codings"]
    assert snapshot(new) == snapshot(demo)
    pd.testing.assert_frame_equal(new.participants(), demo.participants())
    assert new.status() == demo.status()
    # Importing the same file again adds nothing: documents, codes and codings all match.
    again = new.import_qdpx(tmp_path / "demo.qdpx")
    assert again.documents == [] and again.codes_new == [] and again.codings == 0
    assert again.codings_present == report.codings and new.status() == demo.status()
    new.close()
    demo.close()


def test_codebook_round_trip(small, tmp_path):
    small.export_qdc(tmp_path / "c.qdc")
    new = fresh(tmp_path)
    report = new.import_qdc(tmp_path / "c.qdc")
    assert len(report.codes_new) == 4 and report.unmapped == []
    assert snapshot(new)["codes"] == snapshot(small)["codes"]
    new.close()


def test_import_is_one_transaction(small, tmp_path, monkeypatch):
    small.export_qdpx(tmp_path / "s.qdpx")
    new = fresh(tmp_path)
    before = db_digest(new)

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(type(new), "_refi_cases_in", boom)   # the last step of the import
    with pytest.raises(RuntimeError):
        new.import_qdpx(tmp_path / "s.qdpx")
    assert db_digest(new) == before
    new.close()


def test_conflicting_document_refused(small, tmp_path, write):
    small.export_qdpx(tmp_path / "s.qdpx")
    other = fresh(tmp_path, "other")
    other.import_files([write("P01.txt", "I: Something else entirely.\n")])
    before = db_digest(other)
    with pytest.raises(ValidationError, match="'P01' is already in the project with a different text"):
        other.import_qdpx(tmp_path / "s.qdpx")
    assert db_digest(other) == before
    other.close()


# -- descriptions, colours --------------------------------------------------------------------

def test_description_fields_survive_composition():
    code = RefiCode("g", "n", description="Def.\n\nSecond paragraph.", when_to_use="Use.",
                    when_not_to_use="", example="Ex: with a colon.")
    assert split_description(compose_description(code)) == {
        "description": "Def.\n\nSecond paragraph.", "when_to_use": "Use.", "when_not_to_use": "",
        "example": "Ex: with a colon."}
    assert split_description("Plain NVivo description.")["description"] == "Plain NVivo description."


@pytest.mark.parametrize("given,expected", [
    ("#abc", "#AABBCC"), ("#0072b2", "#0072B2"), ("FF0072B2", "#0072B2"), ("#0072B280", "#0072B2"),
    ("rgb(0, 114, 178)", "#0072B2"), ("rgba(0,114,178,0.5)", "#0072B2"), ("blue", None), ("", None)])
def test_colours(given, expected):
    assert normalise_color(given) == expected


# -- hand-made files in the styles of other tools -------------------------------------------

G = "{:08x}-0000-4000-8000-{:012x}"


def guid(n: int, m: int = 0) -> str:
    return G.format(n, m)


def u16(text: str, i: int) -> int:
    return len(text[:i].encode("utf-16-le")) // 2


def qdpx(path: Path, qde: str | bytes, files: dict[str, bytes], qde_name: str = "project.qde") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(qde_name, qde if isinstance(qde, bytes) else qde.encode("utf-8"))
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def project_xml(origin: str, sources: str, *, ns: str = 'xmlns="urn:QDA-XML:project:1.0"',
                codes: str | None = None, extra: str = "") -> str:
    codes = codes or (f'<Code guid="{guid(2)}" name="Feelings" isCodable="false" color="#FF0000">'
                      f'<Description>How it felt.</Description>'
                      f'<Code guid="{guid(3)}" name="Relief" isCodable="true"/>'
                      f'<Code guid="{guid(4)}" name="Worry" isCodable="true"/></Code>')
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<Project {ns} name="Other tool" origin="{origin}">'
            f'<Users><User guid="{guid(1)}" name="Ann"/></Users>'
            f'<CodeBook><Codes>{codes}</Codes></CodeBook>'
            f'<Sources>{sources}</Sources>{extra}</Project>')


def text_source(name: str, path: str, spans: list[tuple[int, int, int]], sel_name: str = "") -> str:
    """spans: (start, end, code number)."""
    sels = "".join(
        f'<PlainTextSelection guid="{guid(10, i)}" name="{sel_name}" startPosition="{s}" endPosition="{e}" '
        f'creatingUser="{guid(1)}"><Coding guid="{guid(11, i)}" creatingUser="{guid(1)}">'
        f'<CodeRef targetGUID="{guid(c)}"/></Coding></PlainTextSelection>'
        for i, (s, e, c) in enumerate(spans))
    return f'<TextSource guid="{guid(5, zlib.crc32(name.encode()))}" name="{name}" plainTextPath="{path}">{sels}</TextSource>'


NVIVO_TEXT = ("I: How are you today? 😀\r\nP: I feel great 👍 today, really great.\r\n"
              "I: And the pain? 🤔\r\nP: The pain is gone 🎉🎉 and I sleep well, thanks.\r\n")
WANTED = ["feel great", "today, really", "pain is gone", "sleep well", "thanks"]


def _nvivo(tmp_path: Path, origin: str) -> Path:
    spans = []
    for i, w in enumerate(WANTED):
        at = NVIVO_TEXT.index(w)
        spans.append((u16(NVIVO_TEXT, at), u16(NVIVO_TEXT, at + len(w)), 3 + i % 2))
    src = text_source("Interview 1", "internal://aaaa.txt", spans)
    # NVivo 12 Win: UTF-8 BOM, CRLF counted 2, UTF-16 units, upper-case Sources/.
    return qdpx(tmp_path / "nvivo.qdpx", project_xml(origin, src),
                {"Sources/aaaa.txt": b"\xef\xbb\xbf" + NVIVO_TEXT.encode("utf-8")})


def quotes(p: Project, doc: str = "Interview 1") -> list[str]:
    text = p.text(doc)
    return [text[c.start:c.end] for c in p.codings(doc=doc)]


@pytest.mark.parametrize("origin", ["NVivo 12.6.0.959", ""])
def test_nvivo_utf16_positions_crlf_bom(tmp_path, origin):
    """Announced by origin, or found by the evidence when the origin says nothing."""
    p = fresh(tmp_path)
    report = p.import_qdpx(_nvivo(tmp_path, origin))
    assert report.unmapped == []
    assert sorted(quotes(p)) == sorted(WANTED)
    assert p.text("Interview 1") == normalise(NVIVO_TEXT) and "\r" not in p.text("Interview 1")
    assert {c.coder for c in p.codings()} == {"Ann"}
    assert [c.name for c in p.codes()] == ["Feelings", "Relief", "Worry"]
    assert p.code("Feelings").kind == "theme" and p.code("Relief").kind == "code"
    assert p.code("Feelings").color == "#FF0000" and p.code("Feelings").description == "How it felt."
    if origin:
        assert report.positions == []            # the evidence agreed with NVivo's convention
    else:
        assert "UTF-16 code units" in report.positions[0]
    p.close()


ATLAS_TEXT = "I: How was it?\r\nP: Hard at first.\r\nI: And now?\r\nP: Now I walk to the shop again.\r\n"


@pytest.mark.parametrize("origin", ["ATLAS.ti 9.1", "SomeTool"])
def test_atlas_crlf_in_file_line_break_counted_once(tmp_path, origin):
    lf = ATLAS_TEXT.replace("\r\n", "\n")
    words = ["Hard at first", "Now I walk", "shop again"]
    spans = [(lf.index(w), lf.index(w) + len(w), 3) for w in words]
    src = text_source("Trial doc", "internal://bbbb.txt", spans)
    path = qdpx(tmp_path / "atlas.qdpx", project_xml(origin, src),
                {"sources/bbbb.txt": ATLAS_TEXT.encode("utf-8")}, qde_name="Trial.qde")
    p = fresh(tmp_path)
    report = p.import_qdpx(path)
    assert sorted(quotes(p, "Trial doc")) == sorted(words)
    assert any("Trial.qde" in r for r in report.remarks)
    assert (report.positions == []) == (origin.startswith("ATLAS"))
    p.close()


def test_qualcoder_bom_before_xml_and_in_sources(tmp_path):
    text = "Q: Tell me.\nA: It helped a lot.\n"
    spans = [(text.index("helped a lot"), text.index("helped a lot") + 12, 4)]
    src = text_source("qc doc", "internal://cccc.txt", spans, sel_name="helped a lot")
    xml = b"\xef\xbb\xbf" + project_xml("QualCoder 3.5", src).encode("utf-8")
    path = qdpx(tmp_path / "qc.qdpx", xml, {"sources/cccc.txt": b"\xef\xbb\xbf" + text.encode("utf-8")})
    p = fresh(tmp_path)
    p.import_qdpx(path)
    assert quotes(p, "qc doc") == ["helped a lot"] and p.text("qc doc") == text
    p.close()


def test_missing_internal_scheme_no_namespace_and_inline_text(tmp_path):
    text = "A: plain words here\n"
    src = (text_source("bare", "dddd.txt", [(3, 8, 3)])
           + f'<TextSource guid="{guid(6)}" name="inline"><PlainTextContent>{text}</PlainTextContent>'
             f'<PlainTextSelection guid="{guid(7)}" startPosition="9" endPosition="14">'
             f'<Coding guid="{guid(8)}"><CodeRef targetGUID="{guid(4)}"/></Coding></PlainTextSelection>'
             f'</TextSource>')
    path = qdpx(tmp_path / "qc.qdpx", project_xml("qc 1.3.2", src, ns=""), {"sources/dddd.txt": text.encode()})
    p = fresh(tmp_path)
    report = p.import_qdpx(path)
    assert quotes(p, "bare") == ["plain"] and quotes(p, "inline") == ["words"]
    assert any("no QDA-XML namespace" in r for r in report.remarks)
    p.close()


def test_rezipped_folder_with_macos_junk(tmp_path):
    """Unzipped and zipped again in Finder: one top folder, __MACOSX resource forks."""
    text = "A: one two three\n"
    xml = project_xml("MAXQDA 2022", text_source("d", "internal://a.txt", [(3, 6, 3)]))
    path = qdpx(tmp_path / "re.qdpx", b"", {"Study/sources/a.txt": text.encode(),
                                             "__MACOSX/Study/._project.qde": b"\x00\x05junk",
                                             "Study/project.qde": xml.encode()}, qde_name="Study/")
    p = fresh(tmp_path)
    p.import_qdpx(path)
    assert quotes(p, "d") == ["one"]
    p.close()


def test_decomposed_accents_map_to_nfc(tmp_path):
    text = "Cafe\u0301 noir, cafe\u0301 au lait.\n"        # macOS-style decomposed é
    at = text.index("au lait")
    src = text_source("nfc", "internal://eeee.txt", [(at, at + 7, 3), (0, 5, 4)])
    path = qdpx(tmp_path / "n.qdpx", project_xml("MAXQDA 2022", src), {"sources/eeee.txt": text.encode()})
    p = fresh(tmp_path)
    p.import_qdpx(path)
    assert sorted(quotes(p, "nfc")) == ["Café", "au lait"]
    p.close()


def test_unmappable_items_are_reported_not_guessed(tmp_path):
    text = "Short text, five words.\n"
    src = (text_source("doc", "internal://ffff.txt", [(0, 5, 3), (6, 400, 3), (4, 4, 3), (0, 5, 99)])
           + f'<TextSource guid="{guid(20)}" name="richonly" richTextPath="internal://x.docx"/>'
           + f'<TextSource guid="{guid(21)}" name="outside" plainTextPath="absolute:///etc/passwd"/>'
           + f'<PictureSource guid="{guid(22)}" name="photo" path="internal://p.jpg"/>')
    annotation = (f'<PlainTextSelection guid="{guid(23)}" startPosition="6" endPosition="10">'
                  f'<Description>Check this.</Description></PlainTextSelection>')
    src = src.replace("</TextSource>", annotation + "</TextSource>", 1)
    path = qdpx(tmp_path / "u.qdpx", project_xml("MAXQDA 2022", src), {"sources/ffff.txt": text.encode()})
    p = fresh(tmp_path)
    report = p.import_qdpx(path)
    assert quotes(p, "doc") == ["Short"]
    lines = "\n".join(report.unmapped)
    assert "selection [6, 400) does not fit the text" in lines
    assert "selection [4, 4) is empty" in lines
    assert "refer to codes that are not in the codebook" in lines
    assert "'richonly': only rich text" in lines
    assert "'outside': its text is outside the archive (absolute:///etc/passwd)" in lines
    assert "1 PictureSource(s) not imported" in lines
    assert "Annotation on “text”" in p.memo("document", p.document("doc").id)
    p.close()


def test_comments_notes_and_pdf_text_layer(tmp_path):
    """ATLAS.ti comments (selection Description) and NoteRefs become coding memos, a source's
    notes its document memo, unreferenced notes the project memo; a PDF's text layer imports."""
    text = "P: the first words and the last words\n"
    notes = (f'<Notes><Note guid="{guid(50)}" name="n1"><PlainTextContent>On the coding.</PlainTextContent></Note>'
             f'<Note guid="{guid(51)}" name="n2"><PlainTextContent>On the source.</PlainTextContent></Note>'
             f'<Note guid="{guid(52)}" name="Loose"><PlainTextContent>Nobody points here.</PlainTextContent></Note>'
             f'</Notes>')
    src = (f'<TextSource guid="{guid(60)}" name="atl" plainTextPath="internal://a.txt">'
           f'<PlainTextSelection guid="{guid(61)}" startPosition="7" endPosition="18">'
           f'<Description>A comment.</Description><Coding guid="{guid(62)}"><CodeRef targetGUID="{guid(3)}"/>'
           f'<NoteRef targetGUID="{guid(50)}"/></Coding></PlainTextSelection>'
           f'<NoteRef targetGUID="{guid(51)}"/></TextSource>'
           f'<PDFSource guid="{guid(70)}" name="scan" path="internal://s.pdf">'
           f'<PDFSelection guid="{guid(71)}" page="1" firstX="0" firstY="0" secondX="5" secondY="5"/>'
           f'<Representation guid="{guid(72)}" plainTextPath="internal://s.txt">'
           f'<PlainTextSelection guid="{guid(73)}" startPosition="0" endPosition="4">'
           f'<Coding guid="{guid(74)}"><CodeRef targetGUID="{guid(4)}"/></Coding></PlainTextSelection>'
           f'</Representation></PDFSource>')
    xml = project_xml("ATLAS.ti 23", src).replace("</Sources>", "</Sources>" + notes)
    path = qdpx(tmp_path / "n.qdpx", xml, {"sources/a.txt": text.encode(), "sources/s.txt": b"Scan text\n"})
    p = fresh(tmp_path)
    report = p.import_qdpx(path)
    [coding] = p.codings(doc="atl")
    assert p.text("atl")[coding.start:coding.end] == "first words" and coding.memo == "A comment.\n\nOn the coding."
    assert p.memo("document", p.document("atl").id) == "On the source."
    assert p.memo("project", None) == "Loose\nNobody points here."
    assert quotes(p, "scan") == ["Scan"]
    assert any("1 PDF area selection(s) not imported" in u for u in report.unmapped)
    p.close()


def test_nvivo_case_coding_links_document_to_participant(tmp_path):
    text = "P: hello there\n"
    src = (f'<TextSource guid="{guid(30)}" name="Int A" plainTextPath="internal://a.txt">'
           f'<Coding guid="{guid(31)}"><CodeRef targetGUID="{guid(40)}"/></Coding></TextSource>')
    cases = (f'<Variables><Variable guid="{guid(41)}" name="Age" typeOfVariable="Integer"/>'
             f'<Variable guid="{guid(42)}" name="Site" typeOfVariable="Text"/></Variables>'
             f'<Cases><Case guid="{guid(40)}" name="Anna"><VariableValue><VariableRef targetGUID="{guid(41)}"/>'
             f'<IntegerValue>44</IntegerValue></VariableValue><VariableValue><VariableRef targetGUID="{guid(42)}"/>'
             f'<TextValue>north</TextValue></VariableValue></Case></Cases>')
    xml = project_xml("NVivo 14", src).replace("</CodeBook>", "</CodeBook>" + cases)
    path = qdpx(tmp_path / "c.qdpx", xml, {"sources/a.txt": text.encode()})
    p = fresh(tmp_path)
    p.import_qdpx(path)
    assert p.document("Int A").participant == "Anna"
    row = p.participants().set_index("participant").loc["Anna"]
    assert row["Age"] == 44 and row["Site"] == "north"
    assert p.attributes() == {"Age": "number", "Site": "category"}
    p.close()


def test_duplicate_code_names_are_kept_apart(tmp_path):
    codes = (f'<Code guid="{guid(2)}" name="Before" isCodable="false"><Code guid="{guid(3)}" name="Other" isCodable="true"/></Code>'
             f'<Code guid="{guid(5)}" name="After" isCodable="false"><Code guid="{guid(4)}" name="Other" isCodable="true"/></Code>')
    text = "one two three\n"
    src = text_source("d", "internal://a.txt", [(0, 3, 3), (4, 7, 4)])
    path = qdpx(tmp_path / "d.qdpx", project_xml("NVivo", src, codes=codes), {"sources/a.txt": text.encode()})
    p = fresh(tmp_path)
    report = p.import_qdpx(path)
    assert {c.name for c in p.codes()} == {"Before", "After", "Other", "Other (After)"}
    assert {p.code(c.code_id).name for c in p.codings()} == {"Other", "Other (After)"}
    assert any("Other (After)" in r for r in report.remarks)
    p.close()


def test_qdc_variants(tmp_path):
    atlas9 = ('<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:0:4" origin="ATLAS.ti">'
              f'<Codes><Code guid="{{{guid(1).upper()}}}" name="Hope" isCodable="true" color="#0f0"/></Codes>'
              '<Sets/></CodeBook>')
    (tmp_path / "a.qdc").write_text(atlas9, encoding="utf-8")
    book = read_qdc(tmp_path / "a.qdc")
    assert [c.name for c in book.codes] == ["Hope"] and book.codes[0].guid == guid(1)
    assert book.codes[0].color == "#00FF00" and "codebook:0:4" in book.remarks[0]
    p = fresh(tmp_path)
    p.create_code("hope", description="Ours.")
    report = p.import_qdc(tmp_path / "a.qdc")
    assert report.codes_matched == ["hope"] and p.code("hope").description == "Ours."
    p.close()


# -- positions, directly ------------------------------------------------------------------

def test_resolve_prefers_origin_on_ties_and_reports_overrides():
    raw = "a 😀 b\r\nword here\r\n"
    norm = normalise(raw)
    at = raw.index("word")
    sel = [(at, at + 4, "")]                      # code points, CRLF as written
    r = resolve(raw, norm, sel, "NVivo")           # NVivo reading lands mid-word
    assert r.convention == Convention("cp", "file") and norm[slice(*r.spans[0])] == "word"
    assert "not UTF-16 code units" in r.note
    assert resolve(raw, norm, [(0, 1, "")], "NVivo").spans == [(0, 1)]


def test_weak_evidence_is_reported():
    raw = "alpha beta gamma delta epsilon\n"
    r = resolve(raw, raw, [(1, 3, ""), (7, 9, ""), (13, 15, ""), (19, 21, "")], "MAXQDA")
    assert r.spans[0] == (1, 3) and "could not be verified: only 0/8" in r.note


def test_half_a_surrogate_pair_does_not_fit():
    raw = "😀x"
    assert resolve(raw, raw, [(1, 3, "")], "NVivo").spans == [None]


# -- hostile input ------------------------------------------------------------------------

@pytest.fixture
def target(tmp_path):
    p = fresh(tmp_path, "target")
    p.create_code("Existing")
    yield p
    p.close()


def _refused(p: Project, path: Path, match: str, qdc: bool = False) -> None:
    before = db_digest(p)
    with pytest.raises(InputFileError, match=match) as info:
        (p.import_qdc if qdc else p.import_qdpx)(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    assert db_digest(p) == before


VALID = project_xml("x", text_source("d", "internal://a.txt", [(0, 3, 3)]))


@pytest.mark.parametrize("evil", ["../../evil.txt", "/etc/cron.d/evil", "sources/../../x.txt", "C:/Windows/x"])
def test_path_traversal_names_refused(target, tmp_path, evil):
    path = qdpx(tmp_path / "t.qdpx", VALID, {"sources/a.txt": b"one two\n", evil: b"pwned"})
    _refused(target, path, "path traversal")
    assert not (tmp_path / "evil.txt").exists()


def test_zip_bomb_refused(target, tmp_path):
    bomb = qdpx(tmp_path / "bomb.qdpx", VALID, {"sources/a.txt": b"a" * (20 * 2 ** 20)})
    _refused(target, bomb, r"compresses .*:1 .*zip bomb")


def test_oversized_member_refused(target, tmp_path, monkeypatch):
    monkeypatch.setattr(refi_archive, "LIMITS", refi_archive.Limits(max_member_bytes=1500))
    path = qdpx(tmp_path / "big.qdpx", VALID, {"sources/a.txt": bytes(range(256)) * 8})
    _refused(target, path, r"'sources/a.txt' is 2,048 bytes uncompressed \(limit 1,500 bytes\)")


def test_too_many_members_refused(target, tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("project.qde", VALID)
        for i in range(refi_archive.LIMITS.max_members):
            zf.writestr(f"sources/{i}.txt", b"")
    (tmp_path / "many.qdpx").write_bytes(buf.getvalue())
    _refused(target, tmp_path / "many.qdpx", "members .limit 20,000.: refused")


LAUGHS = ('<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>'
          '<Project xmlns="urn:QDA-XML:project:1.0" name="&d;"/>')
XXE = ('<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       '<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>')


@pytest.mark.parametrize("xml", [LAUGHS, XXE], ids=["billion-laughs", "external-entity"])
def test_hostile_xml_refused(target, tmp_path, xml):
    _refused(target, qdpx(tmp_path / "x.qdpx", xml, {}), "declares entities")
    (tmp_path / "x.qdc").write_text(xml.replace("Project", "CodeBook"), encoding="utf-8")
    _refused(target, tmp_path / "x.qdc", "declares entities", qdc=True)


def test_broken_files_refused(target, tmp_path):
    (tmp_path / "notzip.qdpx").write_bytes(b"\x00\x01 binary junk")
    _refused(target, tmp_path / "notzip.qdpx", "not a REFI-QDA project .neither a ZIP archive nor XML.")
    _refused(target, qdpx(tmp_path / "noqde.qdpx", b"", {}, qde_name="readme.txt"), "has no project.qde")
    _refused(target, qdpx(tmp_path / "bad.qdpx", "<Project name='x'><Users>", {}), "project.qde: not well-formed")
    _refused(target, qdpx(tmp_path / "root.qdpx", "<Codebook/>", {}), "root element is <Codebook>")
    _refused(target, tmp_path / "missing.qdpx", "no such file")
