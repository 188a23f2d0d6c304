"""Bad participant tables: Excel bombs and giant cells, hostile or damaged sheet XML, a
header-only file — one line naming the file, and the project left as it was; a re-import
that changes nothing writes nothing."""
from __future__ import annotations

import io
import time
import zipfile

import openpyxl
import pytest

from qualbench.errors import InputFileError, QualbenchError
from qualbench.exchange import limits
from qualbench.exchange.tables import MAX_CELL_CHARS, outcome_problem
from qualbench.settings import Settings

from ..conftest import db_digest

HEADER = ["participant", "sex", "pain_baseline", "pain_2y", "status", "would_repeat"]
ROWS = [["P01", "female", 8, 4, "alive", "yes"], ["P02", "male", 9, 7, "alive", "no"]]
SHEET = "xl/worksheets/sheet1.xml"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def xlsx(rows=None) -> bytes:
    wb = openpyxl.Workbook()
    for r in [HEADER, *(rows if rows is not None else ROWS)]:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def with_part(data: bytes, name: str, write_part) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename != name:
                z.writestr(info.filename, src.read(info.filename))
        with z.open(name, "w", force_zip64=True) as fh:
            write_part(fh)
    return out.getvalue()


def refused(project, write, name, content, *expected):
    before = db_digest(project)
    path = write(name, content)
    with pytest.raises(QualbenchError) as exc:
        project.import_participants(path)
    message = str(exc.value)
    assert message.startswith(str(path)) and "\n" not in message, message
    for part in expected:
        assert part in message, message
    assert db_digest(project) == before
    return message


def test_a_300mb_sheet_is_refused_before_openpyxl_reads_it(project, write):
    def bomb(fh):
        fh.write(f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" '
                 't="inlineStr"><is><t>participant</t></is></c></row><row r="2"><c r="A2" t="inlineStr">'
                 "<is><t>".encode())
        chunk = b"a" * (1 << 20)
        for _ in range(limits.OFFICE.max_part_bytes // len(chunk) + 1):
            fh.write(chunk)
        fh.write(b"</t></is></c></row></sheetData></worksheet>")
    t0 = time.perf_counter()
    refused(project, write, "bomb.xlsx", with_part(xlsx(), SHEET, bomb), SHEET, "uncompressed", "limit")
    assert time.perf_counter() - t0 < 2


def test_a_cell_longer_than_excel_allows_is_refused(project, write):
    # A shared string (openpyxl cuts it at Excel's limit: silently truncated otherwise) ...
    rows = [["P01", "female", 8, 4, "alive", "yes"], ["P" + "9" * (MAX_CELL_CHARS + 10), "male", 9, 7, "alive", "no"]]
    refused(project, write, "long.xlsx", xlsx(rows), "cell A3", f"Excel's limit is {MAX_CELL_CHARS:,}")

    # ... and an inline string, which openpyxl reads whole (the audit stored a 314-million-character label).
    def inline(fh):
        fh.write((f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" '
                  't="inlineStr"><is><t>participant</t></is></c></row><row r="2"><c r="A2" t="inlineStr">'
                  "<is><t>" + "a" * 1_000_000 + "</t></is></c></row></sheetData></worksheet>").encode())
    refused(project, write, "inline.xlsx", with_part(xlsx(), SHEET, inline), "cell A2", "1,000,000 characters")


def test_billion_laughs_in_a_sheet_is_refused_in_one_line(project, write):
    def laughs(fh):
        fh.write(('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;">]>'
                  f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol1;'
                  "</t></is></c></row></sheetData></worksheet>").encode())
    refused(project, write, "laughs.xlsx", with_part(xlsx(), SHEET, laughs), SHEET, "DOCTYPE")


def test_malformed_sheet_xml_is_one_line(project, write):
    broken = with_part(xlsx(), SHEET, lambda fh: fh.write(b"<worksheet><sheetData><row>"))
    message = refused(project, write, "bad.xlsx", broken, "not a valid Excel .xlsx file")
    assert "Please see the exception" not in message


def test_a_word_file_renamed_xlsx(project, write):
    import docx
    d = docx.Document()
    d.add_paragraph("hello")
    buf = io.BytesIO()
    d.save(buf)
    refused(project, write, "doc.xlsx", buf.getvalue(), "not an Excel workbook", "Word document renamed")


def test_header_only_table_is_an_error_and_writes_nothing(project, write):
    before = len(project.events())
    with pytest.raises(InputFileError, match="no participants in the file"):
        project.import_participants(write("p.csv", ",".join(HEADER) + "\n"))
    assert len(project.events()) == before


def test_a_reimport_that_changes_nothing_writes_no_event(project, write):
    path = write("p.csv", ",".join(HEADER) + "\nP01,female,8,4,alive,yes\n")
    project.import_participants(path)
    n, before = len(project.events()), db_digest(project)
    result = project.import_participants(path)
    assert result["unchanged"] == 1 and len(project.events()) == n and db_digest(project) == before


def test_csv_over_the_size_limit(project, write, monkeypatch):
    monkeypatch.setattr("qualbench.exchange.tables.MAX_TABLE_BYTES", 100)
    refused(project, write, "big.csv", (",".join(HEADER) + "\n" + "P01,female,8,4,alive,yes\n" * 10).encode(),
            "larger than the 100 bytes limit for a table")


@pytest.mark.parametrize("role, raw, expected", [
    ("baseline", "11", "pain_baseline 11 is outside the NRS scale 0-10"),
    ("baseline", "eleven", "pain_baseline 'eleven' is not a number"),
    ("baseline", "7,5", None),
    ("baseline", "", None),
    ("would_repeat", "maybe", "would_repeat 'maybe' is not yes/no"),
    ("would_repeat", "ja", None),
])
def test_the_shared_outcome_rule(role, raw, expected):
    name = "pain_baseline" if role == "baseline" else "would_repeat"
    assert outcome_problem(role, name, raw, Settings())[0] == expected
