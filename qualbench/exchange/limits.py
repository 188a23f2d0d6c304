"""Size limits for files that come from outside, and the checks that apply them early.

A transcript, a participant table or a coding file is small next to the machine that
reads it; a file that is not (a zip bomb, a runaway export, a file that is not what its
name says) is refused with one line naming it, *before* the expensive work — never after
minutes of parsing and gigabytes of memory. The limits are generous for real studies and
each one says why it has the value it has:

=========================  ===========  ===================================================
what                       limit        why
=========================  ===========  ===================================================
transcript text            25,000,000   a 3-hour interview is ~30,000 words (~170,000
                           characters   characters); a 20 MB single-file transcript is a
                                        supported (tested) case
turns or paragraphs of     100,000      a 3-hour interview has 500-2,000 turns; a Word file
one transcript                          of millions of tiny paragraphs is a bomb
.txt / .vtt / .srt file    64 MB        25 M characters of mostly ASCII text, plus markup
Office package (.docx,     10,000       a Word or Excel file has tens of parts
.xlsx) parts               members
one part, uncompressed     64 MB        a Word transcript's document.xml is 1-5 MB; a
                                        participant sheet of 1,000 rows × 100 columns ~10 MB
whole package, unpacked    256 MB       images and embedded objects included
Excel cell                 32,767       Excel's own limit for a cell (a CSV cell is held to
                           characters   Python's csv limit, 131,072 characters)
.csv table                 32 MB        hundreds of participants, or 20,000 codings ≈ 1 MB
YAML file (codebook,       16 MB        20,000 quote-anchored codings ≈ 4 MB
codings)
YAML nesting               150 levels   a codebook tree of 64 levels (REFI-QDA's limit here,
                                        so such a tree exports and re-imports) is 130 YAML
                                        levels; codebooks in practice have 3
quote in a coding file     50,000       a long answer is a few thousand characters
                           characters
=========================  ===========  ===================================================

Office packages are checked the way :mod:`~qualbench.exchange.refi_archive` checks a
``.qdpx``: the member count from the end-of-central-directory record before
:mod:`zipfile` builds its index, each member's declared size and the total before
anything is decompressed (:mod:`zipfile` never reads past a member's declared size, so a
lying header only yields a damaged member), and every XML part's prolog for a DOCTYPE —
Word and Excel never write one, and it is how entity-expansion ("billion laughs") and
external-entity attacks start.
"""
from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputFileError
from .refi_archive import MB, _declared_entries, _size, _unsafe_name

MAX_TRANSCRIPT_CHARS = 25_000_000
MAX_TRANSCRIPT_BYTES = 64 * MB
MAX_TURNS = 100_000
MAX_CELL_CHARS = 32_767
MAX_TABLE_BYTES = 32 * MB
MAX_YAML_BYTES = 16 * MB
MAX_YAML_DEPTH = 150
MAX_QUOTE_CHARS = 50_000
PROLOG_PEEK = 64 * 1024


@dataclass(frozen=True)
class PackageLimits:
    max_members: int = 10_000
    max_part_bytes: int = 64 * MB
    max_total_bytes: int = 256 * MB


OFFICE = PackageLimits()


def characters(n: int) -> str:
    return f"{n:,} characters"


def check_file_size(path: Path, limit: int, what: str) -> None:
    """Refuse a file larger than ``limit`` bytes before reading it."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        return          # the read that follows says what is wrong with the file
    if size > limit:
        raise InputFileError(f"is {_size(size)}, larger than the {_size(limit)} limit for {what}: refused",
                             source=path)


def check_transcript_length(text: str, path: Path) -> None:
    if len(text) > MAX_TRANSCRIPT_CHARS:
        raise InputFileError(f"holds {characters(len(text))} of text, more than the limit of "
                             f"{characters(MAX_TRANSCRIPT_CHARS)} for one transcript: split it", source=path)


def open_package(path: Path, kind: str, limits: PackageLimits = OFFICE) -> zipfile.ZipFile:
    """Open an Office package (``kind``: "Word .docx", "Excel .xlsx") after the checks above.

    Returns the open :class:`zipfile.ZipFile`; the caller closes it. Raises
    :class:`InputFileError` naming the file (and the part) on any refusal.
    """
    path = Path(path)

    def error(message: str) -> InputFileError:
        return InputFileError(message, source=path)

    declared = _declared_entries(path)
    if declared is not None and declared > limits.max_members:
        raise error(f"has {declared:,} parts (limit {limits.max_members:,}): not a {kind} file, refused")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise error(f"not a valid {kind} file (not a zip package)") from None
    try:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise error(f"has {len(infos):,} parts (limit {limits.max_members:,}): not a {kind} file, refused")
        total = 0
        for info in infos:
            if _unsafe_name(info.filename):
                raise error(f"part name '{info.filename}' points outside the package: refused")
            if info.flag_bits & 0x1:
                raise error(f"part '{info.filename}' is encrypted (a password-protected file? "
                            "save it without a password)")
            if info.file_size > limits.max_part_bytes:
                raise error(f"part '{info.filename}' is {_size(info.file_size)} uncompressed, more than the "
                            f"{_size(limits.max_part_bytes)} limit: refused "
                            f"(a zip bomb, or not a real {kind} file)")
            total += info.file_size
            if total > limits.max_total_bytes:
                raise error(f"unpacks to more than {_size(limits.max_total_bytes)}: refused "
                            f"(a zip bomb, or not a real {kind} file)")
        for info in infos:
            if info.filename.casefold().endswith((".xml", ".rels")):
                head = read_part(zf, info.filename, path, PROLOG_PEEK)
                why = _prolog_problem(head)
                if why:
                    raise error(f"part '{info.filename}' {why}")
    except BaseException:
        zf.close()
        raise
    return zf


def read_part(zf: zipfile.ZipFile, name: str, path: Path, limit: int | None = None) -> bytes:
    """A part's bytes (at most ``limit``); a damaged part is an error naming it."""
    try:
        with zf.open(name) as fh:
            return fh.read() if limit is None else fh.read(limit)
    except KeyError:
        raise InputFileError(f"has no part '{name}'", source=path) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise InputFileError(f"part '{name}' is damaged ({' '.join(str(exc).split())})", source=path) from None
    except NotImplementedError:
        raise InputFileError(f"part '{name}' uses a compression method Python cannot read",
                             source=path) from None


def _prolog_problem(head: bytes) -> str | None:
    """Why the start of an XML part is refused: a DOCTYPE (entity declarations), or a
    prolog longer than the part's first 64 KB; None when the root element starts cleanly."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("latin-1")
    text = text.lstrip("\ufeff\xef\xbb\xbf \t\r\n")
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if pos >= len(text):
            if len(head) < PROLOG_PEEK:
                return None         # a short part: the parser says what is wrong with it
            return "has a prolog longer than 64 KB before its root element: refused"
        if text.startswith("<?", pos):
            end = text.find("?>", pos)
            pos = end + 2 if end >= 0 else len(text)
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos)
            pos = end + 3 if end >= 0 else len(text)
        elif text.startswith("<!", pos):
            return ("declares a DOCTYPE (XML entities), which Word and Excel never write: refused "
                    "(entities can expand to gigabytes or read other files)")
        else:
            return None
