"""Transcript readers: .txt, .docx, .vtt and .srt into one normalised text with turns.

Every reader returns a :class:`ParsedTranscript`: the document's text (already in the
canonical form of :mod:`qualbench.textnorm`) and its speaker turns as ``[start, end)``
code-point spans of that text. Plain-text sources keep their text as received; Word and
subtitle sources are rendered to plain text once (one paragraph per turn, subtitle turns
prefixed ``[hh:mm:ss] Speaker:``) so the stored text reads like a transcript and exports
to REFI-QDA as is.

:func:`expand_paths` turns the paths a user gives (files and folders) into the files an
import reads. Decoding errors carry the line and column of the bad byte besides its
offset, because that is what a text editor can take one to.

Nothing is lost silently: a control character anywhere in the text refuses the file
(as a binary file decoded by accident), a subtitle cue whose timing line is malformed is
an error naming the line (a player would skip it, or glue it into the cue before), and
a file past the limits of :mod:`~qualbench.exchange.limits` is refused before the work.
"""
from __future__ import annotations

import hashlib
import html
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputFileError
from ..textnorm import decode_bytes, normalise, read_text_file, refuse_control_characters
from . import limits
from .limits import check_file_size, check_transcript_length
from .speakers import (
    RoleMap,
    accepted_labels,
    looks_like_name,
    match_label,
    parse_timestamp,
)

SUPPORTED = {".txt": "txt", ".text": "txt", ".md": "txt", ".docx": "docx",
             ".vtt": "vtt", ".srt": "srt"}
_WORD = re.compile(r"\w+(?:['’\-]\w+)*")


@dataclass
class Turn:
    speaker: str | None
    start: int
    end: int
    t_start: float | None = None
    t_end: float | None = None


@dataclass
class ParsedTranscript:
    name: str
    source_path: str
    source_format: str
    sha256: str
    text: str
    turns: list[Turn] = field(default_factory=list)

    @property
    def n_words(self) -> int:
        return sum(len(_WORD.findall(self.text, t.start, t.end)) for t in self.turns)


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def unsupported_reason(path: Path) -> str | None:
    """Why ``path`` cannot be read as a transcript, judged by its name; None if it can."""
    if path.suffix.lower() in SUPPORTED:
        return None
    if not path.suffix:
        return "has no file extension (use .txt, .docx, .vtt or .srt)"
    return f"unsupported file type '{path.suffix}' (use .txt, .docx, .vtt or .srt)"


def read_transcript(path: Path, roles: RoleMap) -> ParsedTranscript:
    """Read one transcript file; raise InputFileError naming the file on any problem."""
    path = Path(path)
    if path.is_dir():
        raise InputFileError("is a folder (import a folder's files by giving the folder)", source=path)
    if not path.exists() and not path.suffix:
        raise InputFileError("no such file or folder", source=path)
    reason = unsupported_reason(path)
    if reason:
        raise InputFileError(reason, source=path)
    if not path.is_file():
        raise InputFileError("no such file", source=path)
    fmt = SUPPORTED[path.suffix.lower()]
    if fmt == "docx":
        check_file_size(path, limits.OFFICE.max_total_bytes, "a Word document")
    else:
        check_file_size(path, limits.MAX_TRANSCRIPT_BYTES, "one transcript")
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if fmt == "txt":
        text, turns = parse_plain_text(read_text_file(path), roles)
    elif fmt == "docx":
        text, turns = parse_plain_text(_docx_text(path), roles)
    else:
        text, turns = _read_subtitles(path, data, fmt, roles)
    if not turns:
        raise InputFileError("no text found in the file", source=path)
    if len(turns) > limits.MAX_TURNS:
        raise InputFileError(f"has {len(turns):,} turns or paragraphs, more than the limit of "
                             f"{limits.MAX_TURNS:,} for one transcript: split it", source=path)
    return ParsedTranscript(path.stem, str(path), fmt, sha, text, turns)


def expand_paths(paths: Iterable[Path | str], *, recursive: bool = False
                 ) -> tuple[list[Path], list[tuple[str, str]]]:
    """The files an import of ``paths`` reads, and the folder entries it passes over.

    A file is taken as given (a wrong type is an error when it is read). A folder gives
    its supported files sorted by file name (P01, P02 … wherever they sit) — its
    sub-folders' too with ``recursive`` — and
    lists every other file as skipped, so a participant table or a PDF lying beside the
    transcripts is not a reason to refuse the whole folder. Hidden files and Office lock
    files (``~$P01.docx``) are passed over silently. A file named twice is read once.
    """
    files: list[Path] = []
    skipped: list[tuple[str, str]] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)

    for path in map(Path, paths):
        if not path.is_dir():
            add(path)
            continue
        entries = path.rglob("*") if recursive else path.iterdir()
        found = 0
        for entry in sorted(entries, key=lambda e: (e.name.casefold(), e.relative_to(path).parts)):
            rel = entry.relative_to(path).parts
            if any(part.startswith((".", "~$")) for part in rel) or not entry.is_file():
                continue
            reason = unsupported_reason(entry)
            if reason:
                skipped.append((str(entry), f"not a transcript: {reason}"))
                continue
            add(entry)
            found += 1
        if not found:
            where = "or its sub-folders " if recursive else ""
            hint = "" if recursive or not any(e.is_dir() for e in path.iterdir()) else (
                "; use --recursive to include its sub-folders")
            raise InputFileError(f"no transcripts (.txt, .docx, .vtt, .srt) in this folder {where}"
                                 f"to import{hint}", source=path)
    return files, skipped


# -- plain text -----------------------------------------------------------------------

def parse_plain_text(text: str, roles: RoleMap) -> tuple[str, list[Turn]]:
    """Find speaker turns in text; unlabelled text becomes one turn per paragraph."""
    lines = text.split("\n")
    labels = accepted_labels(lines, roles)
    turns: list[Turn] = []
    offset = 0
    current: Turn | None = None
    for line in lines:
        line_end = offset + len(line)
        m = match_label(line)
        if m and m.name.casefold() in labels:
            if current:
                turns.append(current)
            current = Turn(m.name, offset + m.end, line_end, m.timestamp)
        elif line.strip():
            if current is None or (not labels and not lines_joined(text, current.end, offset)):
                if current:
                    turns.append(current)
                current = Turn(None, offset, line_end)
            else:
                current.end = line_end
        offset = line_end + 1
    if current:
        turns.append(current)
    return text, [t for t in (_trim(text, t) for t in turns) if t is not None]


def lines_joined(text: str, prev_end: int, line_start: int) -> bool:
    """True if no blank line separates the previous content from this line."""
    return text[prev_end:line_start].count("\n") <= 1


def _trim(text: str, turn: Turn) -> Turn | None:
    start, end = turn.start, turn.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return None
    turn.start, turn.end = start, end
    return turn


# -- Word -----------------------------------------------------------------------------

_W_NAMESPACES = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                 "http://purl.oclc.org/ooxml/wordprocessingml/main")     # transitional, strict
_OFFICE_DOCUMENT = "/officeDocument"


def _docx_text(path: Path) -> str:
    """The text of a Word document: one block per body paragraph or table row.

    Read here rather than with python-docx (which writes the reports): opening a package
    with python-docx decompresses and parses every part at once, with no size limit and
    no control over its errors. This reads the package under the limits of
    :mod:`~qualbench.exchange.limits`, finds the main part through the package
    relationships, and streams it with lxml (entities never resolved, nothing fetched,
    libxml2's own size limits on), keeping one paragraph or table in memory at a time
    and stopping as soon as the text passes the transcript limit.
    """
    from .limits import open_package

    if not zipfile.is_zipfile(path):
        raise InputFileError("not a valid .docx file (not a zip package)", source=path)
    with open_package(path, "Word .docx") as zf:
        names = set(zf.namelist())
        if "[Content_Types].xml" not in names:
            raise InputFileError("not a valid .docx file (no [Content_Types].xml: the package is incomplete)",
                                 source=path)
        main = _main_part(zf, names, path)
        text = _stream_body(zf, main, path)
    if not text.strip():
        raise InputFileError("the Word document contains no text", source=path)
    return text


def _safe_parser_options() -> dict:
    return {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def _main_part(zf: zipfile.ZipFile, names: set[str], path: Path) -> str:
    """The package's main part (``word/document.xml`` for every Word version)."""
    from lxml import etree

    from .limits import read_part

    target = None
    if "_rels/.rels" in names:
        data = read_part(zf, "_rels/.rels", path, 1 * 2 ** 20)
        try:
            rels = etree.fromstring(data, etree.XMLParser(**_safe_parser_options()))
        except etree.XMLSyntaxError as exc:
            raise InputFileError(f"not a valid .docx file (_rels/.rels is not well-formed XML: {exc})",
                                 source=path) from None
        for rel in rels:
            if str(rel.get("Type", "")).endswith(_OFFICE_DOCUMENT) and rel.get("TargetMode") != "External":
                target = str(rel.get("Target", "")).lstrip("/")
                break
    target = target or "word/document.xml"
    if target not in names:
        raise InputFileError(f"not a valid .docx file (its main part {target} is missing)", source=path)
    if not target.startswith("word/"):
        kind = " (an Excel workbook renamed .docx?)" if target.startswith("xl/") else ""
        raise InputFileError(f"not a Word document: its main part is {target}{kind}", source=path)
    return target


def _stream_body(zf: zipfile.ZipFile, part: str, path: Path) -> str:
    from lxml import etree

    from .limits import characters

    blocks: list[str] = []
    size = depth = 0
    ns = ""
    in_body = False
    wrong_root = ""
    try:
        with zf.open(part) as stream:
            for event, el in etree.iterparse(stream, events=("start", "end"), remove_comments=True,
                                             remove_pis=True, **_safe_parser_options()):
                if not isinstance(el.tag, str):
                    continue
                if event == "start":
                    depth += 1
                    if depth == 1:
                        ns, _, local = el.tag[1:].partition("}") if el.tag.startswith("{") else ("", "", el.tag)
                        if local != "document" or ns not in _W_NAMESPACES:
                            wrong_root = local      # said once the part is known to be well-formed XML
                    elif depth == 2:
                        in_body = el.tag == f"{{{ns}}}body"
                    continue
                if depth == 3 and in_body and not wrong_root:
                    tag = el.tag
                    if tag == f"{{{ns}}}p":
                        found = ["".join(t.text or "" for t in el.iter(f"{{{ns}}}t"))]
                    elif tag == f"{{{ns}}}tbl":
                        found = _docx_table_rows(el, ns)
                    else:
                        found = []
                    for block in found:
                        if block.strip():
                            size += len(block) + 2
                            blocks.append(block)
                    if size > limits.MAX_TRANSCRIPT_CHARS:
                        raise InputFileError(f"holds more than {characters(limits.MAX_TRANSCRIPT_CHARS)} of "
                                             "text, the limit for one transcript: split it", source=path)
                    if len(blocks) > limits.MAX_TURNS:
                        raise InputFileError(f"has more than {limits.MAX_TURNS:,} paragraphs, the limit for one "
                                             "transcript: split it", source=path)
                    el.clear()
                    parent = el.getparent()
                    while parent is not None and el.getprevious() is not None:
                        del parent[0]
                depth -= 1
    except etree.XMLSyntaxError as exc:
        raise InputFileError(f"not a valid .docx file ({part} is not well-formed XML: "
                             f"{' '.join(str(exc).split())})", source=path) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise InputFileError(f"not a valid .docx file ({part} is damaged: {' '.join(str(exc).split())})",
                             source=path) from None
    if wrong_root:
        raise InputFileError(f"not a Word document: {part} holds <{wrong_root}>, not a Word document body",
                             source=path)
    if depth != 0 or not ns:
        raise InputFileError(f"not a valid .docx file ({part} ends too early)", source=path)
    return normalise("\n\n".join(b.strip() for b in blocks if b.strip()))


def _docx_table_rows(tbl, namespace: str = _W_NAMESPACES[0]) -> list[str]:
    # Transcripts are often a table: [time |] speaker | utterance.
    ns = f"{{{namespace}}}"
    rows = []
    for tr in tbl.iter(f"{ns}tr"):
        cells = [" ".join("".join(t.text or "" for t in p.iter(f"{ns}t"))
                          for p in tc.iter(f"{ns}p")).strip() for tc in tr.iter(f"{ns}tc")]
        cells = [c for c in cells if c]
        if len(cells) >= 2 and len(cells[-2]) <= 30:
            rows.append(f"{' '.join(cells[:-1])}: {cells[-1]}")
        elif cells:
            rows.append(" ".join(cells))
    return rows


# -- subtitles ------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")
_VOICE = re.compile(r"^<v(?:\.[\w.\-]+)?[ \t]+([^>]+)>")
# A speaker's name alone on a cue's first line: one to four words, no sentence punctuation.
_NAME_LINE = re.compile(r"^[^\W\d_][\w.'’\-]*(?: [^\W\d_][\w.'’\-]*){0,3}$")


def _read_subtitles(path: Path, data: bytes, fmt: str, roles: RoleMap) -> tuple[str, list[Turn]]:
    import io

    import webvtt
    from webvtt.errors import MalformedFileError

    raw = normalise(decode_bytes(data, path))
    if not raw.strip():
        raise InputFileError("empty file (no text to import)", source=path)
    refuse_control_characters(raw, path)
    check_transcript_length(raw, path)
    try:
        captions = webvtt.from_buffer(io.StringIO(raw), format="vtt" if fmt == "vtt" else "srt")
    except (MalformedFileError, ValueError, IndexError) as exc:
        kind = "WebVTT" if fmt == "vtt" else "SubRip (.srt)"
        raise InputFileError(f"not a valid {kind} file ({exc})", source=path) from None
    _check_cue_timings(raw, fmt, path)
    cues = _cue_speakers(captions, roles)
    if not cues:
        raise InputFileError("no cues with text found", source=path)
    # Consecutive cues of one speaker form one turn; an unlabelled cue continues the
    # previous speaker's turn (transcription services label only the first cue).
    merged: list[list] = []
    for speaker, plain, t0, t1 in cues:
        if merged and (speaker is None or speaker == merged[-1][0]) and merged[-1][0] is not None:
            merged[-1][1].append(plain)
            merged[-1][3] = t1
        else:
            merged.append([speaker, [plain], t0, t1])
    parts: list[str] = []
    turns: list[Turn] = []
    pos = 0
    for speaker, texts, t0, t1 in merged:
        prefix = f"[{_hms(t0)}] {speaker}: " if speaker else f"[{_hms(t0)}] "
        body = " ".join(texts)
        start = pos + len(prefix)
        turns.append(Turn(speaker, start, start + len(body), t0, t1))
        parts.append(prefix + body)
        pos += len(prefix) + len(body) + 2
    return normalise("\n\n".join(parts)), turns


# Cue timings as the formats define them. WebVTT: hours optional, minutes and seconds
# 00-59, milliseconds required ("mm:ss.ttt" or "hh:mm:ss.ttt"); single-digit fields and a
# one- or two-digit fraction are taken too, as webvtt-py reads them the same way. SubRip:
# hours required, a comma (or a point) before the milliseconds.
_VTT_TS = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})\.(\d{1,3})"
_SRT_TS = r"(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})"
_TIMING = {
    "vtt": re.compile(rf"[ \t]*{_VTT_TS}[ \t]*-->[ \t]*{_VTT_TS}(?:[ \t]+.*)?"),
    "srt": re.compile(rf"[ \t]*{_SRT_TS}[ \t]*-->[ \t]*{_SRT_TS}(?:[ \t]+.*)?"),
}
_EXPECTED = {"vtt": "'00:01:02.500 --> 00:01:05.000'", "srt": "'00:01:02,500 --> 00:01:05,000'"}
# What a timing line looks like to a reader, so a broken one is reported instead of being
# dropped (webvtt-py skips such a cue) or glued into the text of the cue before it.
_TIMING_LIKE = re.compile(
    r"[ \t]*\d[\w.,]*:[\w:.,]*[ \t]*(?:-+>|=+>|→|[–—]>)"   # starts with a time, then an arrow
    r"|.*-->"                                                # the WebVTT/SubRip arrow anywhere
    r"|[ \t]*\d{1,3}(?::\d{1,2}){1,2}(?:[.,]\d+)?[ \t]+\d{1,3}(?::\d{1,2}){1,2}(?:[.,]\d+)?[ \t]*$")


def _timing(line: str, fmt: str) -> tuple[float, float] | None | str:
    """(start, end) of a valid timing line; a problem (str) for a broken one; None if the
    line is not a timing line at all."""
    m = _TIMING[fmt].fullmatch(line)
    if m is None:
        return f"malformed cue timing '{line.strip()[:60]}' (expected {_EXPECTED[fmt]})" \
            if _TIMING_LIKE.match(line) else None
    h1, m1, s1, f1, h2, m2, s2, f2 = m.groups()
    times = []
    for h, mi, se, fr in ((h1, m1, s1, f1), (h2, m2, s2, f2)):
        if int(mi) > 59 or int(se) > 59:
            return f"malformed cue timing '{line.strip()[:60]}': minutes and seconds go up to 59"
        times.append(int(h or 0) * 3600 + int(mi) * 60 + int(se) + int(fr.ljust(3, "0")) / 1000)
    return times[0], times[1]


def _check_cue_timings(raw: str, fmt: str, path: Path) -> None:
    """Refuse a subtitle file whose cue structure would lose or mangle text.

    webvtt-py, like a video player, skips a cue whose timing line it cannot read and
    takes a block it does not recognise as more text of the cue before. For a transcript
    both mean a silently lost or garbled utterance, so each is an error naming the line:
    a malformed timing line, a timing line inside a cue's text, text that belongs to no
    cue, a cue that ends before it starts.
    """
    lines = raw.split("\n")
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for n, line in enumerate(lines, start=1):
        if line.strip():
            current.append((n, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    if fmt == "vtt":
        blocks = blocks[1:]          # the WEBVTT header block (webvtt-py checks it)
    else:
        blocks = _split_srt_blocks(blocks)

    def fail(n: int, problem: str) -> InputFileError:
        return InputFileError(f"line {n}: {problem}", source=path)

    seen_cue = False
    for block in blocks:
        first = block[0][1].strip()
        if fmt == "vtt" and first.split(" ", 1)[0].split("\t", 1)[0] in ("NOTE", "STYLE", "REGION"):
            continue
        timing_at = None
        for k in range(min(2, len(block))):
            n, line = block[k]
            found = _timing(line, fmt)
            if isinstance(found, str):
                raise fail(n, found)
            if found is not None:
                if found[1] < found[0]:
                    raise fail(n, f"the cue ends ({line.split('-->')[1].split()[0]}) before it starts "
                                  f"({line.split('-->')[0].strip()})")
                timing_at = k
                break
        if timing_at is None:
            if fmt == "srt" and seen_cue:
                continue             # SubRip: a blank line inside a cue's text; webvtt-py joins it on
            what = "cue timing line" if fmt == "vtt" else "cue number and timing line"
            raise fail(block[0][0], f"text without a {what} before it ('{first[:40]}'); "
                                    "is a timing line missing, or a blank line inside a cue?")
        if fmt == "srt" and timing_at == 0:
            raise fail(block[0][0], "cue timing without the cue number line before it")
        if fmt == "srt" and timing_at == 1 and not block[0][1].strip().isdigit():
            raise fail(block[0][0], f"expected a cue number before the timing line, found '{first[:40]}'")
        seen_cue = True
        for n, line in block[timing_at + 1:]:
            found = _timing(line, fmt)
            if isinstance(found, str):
                raise fail(n, found)
            if found is not None:
                raise fail(n, "a cue timing line inside the text of a cue (is the blank line before it missing?)")


def _split_srt_blocks(blocks: list[list[tuple[int, str]]]) -> list[list[tuple[int, str]]]:
    """SubRip blocks as webvtt-py reads them: a new cue also starts at a cue number followed
    by a timing line without a blank line before it, and a number alone on its block
    followed by a block that starts with the timing line is that cue's number."""
    out: list[list[tuple[int, str]]] = []
    for block in blocks:
        start = 0
        for i in range(1, len(block) - 1):
            if block[i][1].strip().isdigit() and "-->" in block[i + 1][1]:
                out.append(block[start:i])
                start = i
        out.append(block[start:])
    merged: list[list[tuple[int, str]]] = []
    for block in out:
        if (merged and len(merged[-1]) == 1 and merged[-1][0][1].strip().isdigit()
                and "-->" in block[0][1]):
            merged[-1] = merged[-1] + block
        else:
            merged.append(block)
    return merged


def _cue_speakers(captions, roles: RoleMap) -> list[tuple[str | None, str, float, float]]:
    """(speaker, text, start, end) per cue with text.

    A cue names its speaker in one of three ways: a voice tag (``<v Jan Jansen>``, WebVTT
    and Teams), a ``Name:`` prefix (Zoom, most transcription services, .srt), or the name
    alone on the cue's first line (some Teams and Otter exports). A voice tag is always a
    speaker. A ``Name:`` prefix is one if the settings know the label, it starts two or
    more cues, or it looks like a person's name ("Jan Jansen", "Dr. Smith") — a caption
    rarely starts with "First Last:" otherwise, while "Honestly: ..." stays speech. A
    first line alone is a name only if the settings know it, or it is name-like and
    starts two or more cues: a two-line caption's first line is usually just speech.
    """
    raw = []
    for cap in captions:
        body = cap.raw_text.strip()
        voice = _VOICE.match(body)
        plain = html.unescape(_TAG.sub("", body)).replace("\n", " ").strip()
        candidate = None
        if voice:
            candidate = ("voice", voice.group(1).strip(), plain)
        elif plain:
            m = match_label(plain)
            lines = [ln.strip() for ln in html.unescape(_TAG.sub("", body)).split("\n") if ln.strip()]
            if m:
                candidate = ("label", m.name, plain[m.end:].strip())
            elif len(lines) >= 2 and _NAME_LINE.match(lines[0]):
                candidate = ("line", lines[0], " ".join(lines[1:]))
        raw.append((candidate, plain, parse_timestamp(cap.start), parse_timestamp(cap.end)))
    counts: dict[tuple[str, str], int] = {}
    for candidate, *_ in raw:
        if candidate:
            key = (candidate[0], candidate[1].casefold())
            counts[key] = counts.get(key, 0) + 1

    def accepted(kind: str, name: str) -> bool:
        n = counts[(kind, name.casefold())]
        if kind == "voice":
            return True
        if kind == "label":
            return roles.is_known(name) or n >= 2 or looks_like_name(name)
        return roles.is_known(name) or (n >= 2 and looks_like_name(name, min_words=1))

    cues: list[tuple[str | None, str, float, float]] = []
    pending: str | None = None   # a cue holding only a name gives it to the next cue
    for candidate, plain, t0, t1 in raw:
        speaker = None
        if candidate and accepted(candidate[0], candidate[1]):
            speaker, plain = candidate[1], candidate[2]
        if not plain:
            pending = speaker or pending
            continue
        if speaker is None and pending:
            speaker = pending
        pending = None
        cues.append((speaker, plain, t0, t1))
    return cues


def _hms(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"
