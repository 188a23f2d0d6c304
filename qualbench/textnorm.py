"""Decoding and normalising text exactly once, at import.

Transcripts arrive as UTF-8, UTF-8 with a BOM (Windows Notepad, NVivo), or UTF-16 with a
BOM (Word's "Unicode text"). Anything else — typically Windows-1252 from an old Word
export — is refused with the byte offset of the first bad byte instead of being guessed:
a silently mis-decoded "é" in a patient quote is worse than an error.

After decoding, text is normalised once (Unicode NFC, ``\\n`` line endings, no BOM) and
is never changed again: every span in the project is ``[start, end)`` in code points of
that normalised text (the REFI-QDA convention).
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from .errors import InputFileError

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]


def decode_bytes(data: bytes, source: str | Path) -> str:
    """Decode file bytes to str, or raise a one-line error naming the problem."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                return body.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputFileError(
                    f"not valid {encoding.upper()} at byte {exc.start + len(bom)}",
                    source=source) from None
    if b"\x00" in data[:8192]:
        raise InputFileError(
            "looks like a binary file (NUL bytes), not text; "
            "UTF-16 text needs a byte-order mark", source=source)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.start + 1].hex().upper()
        hint = ""
        try:
            data.decode("cp1252")
            hint = " (it looks like Windows-1252/Latin-1: re-save it as UTF-8)"
        except UnicodeDecodeError:
            pass
        line, column = _line_column(data, exc.start)
        raise InputFileError(
            f"not valid UTF-8 at byte {exc.start} (0x{bad}) on line {line}, column {column}{hint}",
            source=source) from None


def _line_column(data: bytes, pos: int) -> tuple[int, int]:
    """1-based line and column (in characters) of byte ``pos`` of UTF-8 ``data``, so the
    researcher can find the bad character in an editor."""
    before = data[:pos].decode("utf-8", errors="replace").removeprefix("\ufeff")
    before = before.replace("\r\n", "\n").replace("\r", "\n")
    return before.count("\n") + 1, len(before) - before.rfind("\n")


def normalise(text: str) -> str:
    """NFC, LF line endings, no BOM — the one canonical form of stored text."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    return unicodedata.normalize("NFC", text)


def read_text_file(path: Path) -> str:
    """Read, decode and normalise a text file; refuse empty, binary and oversized files."""
    from .exchange.limits import MAX_TRANSCRIPT_BYTES, check_file_size, check_transcript_length

    check_file_size(path, MAX_TRANSCRIPT_BYTES, "one transcript")
    data = path.read_bytes()
    if not data.strip():
        raise InputFileError("empty file (no text to import)", source=path)
    text = normalise(decode_bytes(data, path))
    if not text.strip():
        raise InputFileError("empty file (no text to import)", source=path)
    refuse_control_characters(text, path)
    check_transcript_length(text, path)
    return text


# C0 controls other than tab, newline and form feed (carriage returns are gone after
# normalise): in a transcript they mean a binary or corrupted file that decoded by accident.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def refuse_control_characters(text: str, path: Path) -> None:
    """Refuse text holding control characters anywhere (one regex scan, at C speed)."""
    m = _CONTROL.search(text)
    if m:
        i = m.start()
        line = text.count("\n", 0, i) + 1
        column = i - (text.rfind("\n", 0, i) + 1) + 1
        raise InputFileError(
            f"control character U+{ord(m.group()):04X} at character {i} (line {line}, column {column}): "
            "this looks like a binary file, not a transcript", source=path)


