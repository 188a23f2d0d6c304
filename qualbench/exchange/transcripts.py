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
"""
from __future__ import annotations

import hashlib
import html
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputFileError
from ..textnorm import decode_bytes, normalise, read_text_file
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

def _docx_text(path: Path) -> str:
    import docx  # python-docx; imported here so plain-text imports stay light
    from docx.opc.exceptions import PackageNotFoundError

    try:
        if not zipfile.is_zipfile(path):
            raise InputFileError("not a valid .docx file (not a zip package)", source=path)
        document = docx.Document(str(path))
    except InputFileError:
        raise
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InputFileError(f"not a valid .docx file ({exc})", source=path) from None
    blocks: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append("".join(t.text or "" for t in child.iter(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")))
        elif tag == "tbl":
            blocks.extend(_docx_table_rows(child))
    text = normalise("\n\n".join(b.strip() for b in blocks if b.strip()))
    if not text.strip():
        raise InputFileError("the Word document contains no text", source=path)
    return text


def _docx_table_rows(tbl) -> list[str]:
    # Transcripts are often a table: [time |] speaker | utterance.
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
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
    try:
        captions = webvtt.from_buffer(io.StringIO(raw), format="vtt" if fmt == "vtt" else "srt")
    except (MalformedFileError, ValueError, IndexError) as exc:
        kind = "WebVTT" if fmt == "vtt" else "SubRip (.srt)"
        raise InputFileError(f"not a valid {kind} file ({exc})", source=path) from None
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
