"""Decoding and normalisation: accepted encodings, and refusals with a clear reason."""
import codecs

import pytest

from qualbench.errors import InputFileError
from qualbench.textnorm import decode_bytes, normalise, read_text_file

TEXT = "Café — naïve 🙂 pain"


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-8"),
    codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
])
def test_accepted_encodings_decode_to_the_same_text(data):
    assert decode_bytes(data, "x.txt") == TEXT


def test_cp1252_is_refused_with_byte_offset_and_hint():
    data = "Pijn in de schouder, caf\u00e9 gesloten".encode("cp1252")
    with pytest.raises(InputFileError) as exc:
        decode_bytes(data, "P07.txt")
    msg = str(exc.value)
    assert msg.startswith("P07.txt: not valid UTF-8 at byte 24")
    assert "Windows-1252" in msg


def test_binary_file_is_refused():
    with pytest.raises(InputFileError, match="binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "scan.txt")


def test_empty_and_whitespace_files_are_refused(tmp_path):
    for content in (b"", b"  \n\n \t"):
        path = tmp_path / "empty.txt"
        path.write_bytes(content)
        with pytest.raises(InputFileError, match="empty file"):
            read_text_file(path)


def test_control_characters_mean_binary(tmp_path):
    path = tmp_path / "odd.txt"
    path.write_bytes(b"hello\x01\x02world")
    with pytest.raises(InputFileError, match="U\\+0001"):
        read_text_file(path)


def test_normalise_line_endings_bom_and_nfc():
    decomposed = "Cafe\u0301\r\nline\rend"
    assert normalise("\ufeff" + decomposed) == "Caf\u00e9\nline\nend"
