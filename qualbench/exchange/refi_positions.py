"""Text positions in REFI-QDA files: how each tool counts them, mapped to ours.

The standard (§10.2) counts Unicode code points of the plain-text file, end exclusive,
the BOM not counted — exactly qualbench's own ``[start, end)`` convention, so that is
what we write. Tools that wrote the files we read count differently:

* **NVivo** counts UTF-16 code units (an emoji or other non-BMP character counts 2),
  and its CRLF line breaks as 2;
* **ATLAS.ti** writes CRLF into the ``.txt`` but counts a line break as 1;
* MAXQDA, QualCoder and qualbench follow the spec (code points, breaks as written);
  qualbench's export for NVivo (``positions="utf16"``) says so in its ``origin``.

A selection of another tool is mapped in two steps: *tool offset → code point of the
file's text* (depends on the convention) and *code point of the file → code point of
our normalised text* (NFC, ``\\n`` breaks: :func:`qualbench.textnorm.normalise`; the
same for every convention). Both are piecewise shifts: only a few spots of a text
(line breaks, non-BMP characters, decomposed accents) count differently, so a mapping
is a sorted list of those spots and a bisect — fast on long transcripts.

The ``origin`` attribute only suggests a convention. :func:`resolve` verifies it: it
converts every selection of a source under each convention that would give a different
result and scores them — spans that fit the text, selected text equal to the
selection's ``name`` where a tool writes one (QualCoder, qualbench), endpoints on word
boundaries (a human selects whole words; a shifted span lands mid-word). The suggested
convention wins ties; another one must be clearly better. Selections that fit under no
reading are returned as ``None`` so the caller reports them instead of guessing.
"""
from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

# How an export counts positions: the standard's code points, or UTF-16 code units (NVivo).
POSITIONS = ("codepoints", "utf16")

_BREAK = re.compile(r"\r\n|\r|\n")
_ASTRAL = re.compile(r"[\U00010000-\U0010FFFF]")
_SPECIAL_B = re.compile("\r\n|\u2029")
_SPACES = re.compile(r"\s+")
_LINE = re.compile("[^\r\n\u2028\u2029]+")


@dataclass(frozen=True)
class Convention:
    unit: str      # "cp": code points (the spec) | "utf16": UTF-16 code units (NVivo)
    breaks: str    # "file": as written (CRLF = 2) | "one": every break 1 | "two": every break 2

    def describe(self) -> str:
        unit = "code points" if self.unit == "cp" else "UTF-16 code units"
        breaks = {"file": "line breaks as written in the file",
                  "one": "each line break counted once",
                  "two": "each line break counted twice"}[self.breaks]
        return f"{unit}, {breaks}"


SPEC = Convention("cp", "file")


def expected(origin: str | None) -> Convention:
    """The convention the writing tool is known to use (see the module docstring)."""
    o = (origin or "").casefold()
    if "utf-16" in o or "nvivo" in o:     # our export for NVivo says "positions: UTF-16 code units"
        return Convention("utf16", "file")
    if "atlas" in o:
        return Convention("cp", "one")
    return SPEC


def utf16_offsets(text: str):
    """Code point offset → UTF-16 code unit offset in ``text`` (for an export to NVivo)."""
    astral = [m.start() for m in _ASTRAL.finditer(text)]
    if not astral:
        return lambda i: i
    return lambda i: i + bisect_left(astral, i)


class _Piecewise:
    """Offsets in one counting → another, where only some spots ("units") differ in length.

    ``units`` are ``(src_start, src_len, dst_len, snap)`` in increasing order. Between
    units one source step is one destination step. An offset strictly inside a unit is
    either refused (``snap=False``: half of a surrogate pair) or snapped outwards — a
    start to the unit's start, an end to its end (half of a CRLF, inside a decomposed
    accent).
    """

    def __init__(self, units: list[tuple[int, int, int, bool]], src_total: int) -> None:
        self.units = units
        self.starts = [u[0] for u in units]
        self.before: list[int] = []
        delta = 0
        for _, sl, dl, _snap in units:
            self.before.append(delta)
            delta += dl - sl
        self.src_total = src_total

    def map(self, p: int, side: str) -> int | None:
        if p < 0 or p > self.src_total:
            return None
        i = bisect_right(self.starts, p) - 1
        if i < 0:
            return p
        s, sl, dl, snap = self.units[i]
        base = self.before[i]
        if p == s:
            return p + base
        if p >= s + sl:
            return p + base + dl - sl
        if not snap:
            return None
        return s + base if side == "start" else s + base + dl


def _tool_to_file(raw: str, conv: Convention) -> _Piecewise:
    """Tool offsets → code points of the file's text, for one convention."""
    events: list[tuple[int, int, int, bool]] = []   # (raw index, raw len, tool len, snap)
    if conv.unit == "utf16":
        events += [(m.start(), 1, 2, False) for m in _ASTRAL.finditer(raw)]
    if conv.breaks != "file":
        tool_len = 1 if conv.breaks == "one" else 2
        for m in _BREAK.finditer(raw):
            raw_len = m.end() - m.start()
            if raw_len != tool_len:
                events.append((m.start(), raw_len, tool_len, True))
    events.sort()
    units, shift = [], 0
    for k, raw_len, tool_len, snap in events:
        units.append((k + shift, tool_len, raw_len, snap))
        shift += tool_len - raw_len
    return _Piecewise(units, len(raw) + shift)


def _nfc_clusters(raw: str) -> list[tuple[int, int, int, bool]]:
    """Units where NFC changes the length: runs that compose or reorder.

    Line breaks never compose, so only lines that are not already NFC (a fast C check)
    are walked character by character.
    """
    if unicodedata.is_normalized("NFC", raw):
        return []
    units: list[tuple[int, int, int, bool]] = []
    for line in _LINE.finditer(raw):
        if not unicodedata.is_normalized("NFC", line.group()):
            units += _line_clusters(line.group(), line.start())
    return units


def _line_clusters(text: str, offset: int) -> list[tuple[int, int, int, bool]]:
    nfc = unicodedata.normalize
    starts = [i for i, ch in enumerate(text) if unicodedata.combining(ch) == 0]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    chunks = [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]
    # Composition can join two starters (Hangul jamo, some Indic vowels): merge such
    # neighbours until every cluster normalises on its own.
    merged: list[str] = []
    for chunk in chunks:
        if merged and nfc("NFC", merged[-1] + chunk) != nfc("NFC", merged[-1]) + nfc("NFC", chunk):
            merged[-1] += chunk
        else:
            merged.append(chunk)
    units, pos = [], offset
    for cluster in merged:
        n = len(nfc("NFC", cluster))
        if n != len(cluster):
            units.append((pos, len(cluster), n, True))
        pos += len(cluster)
    return units


def _file_to_ours(raw: str) -> _Piecewise:
    """Code points of the file's text → code points of the normalised text."""
    units = [(m.start(), m.end() - m.start(), 1 if m.group() == "\r\n" else 2, True)
             for m in _SPECIAL_B.finditer(raw)]
    units += _nfc_clusters(raw)
    units.sort()
    return _Piecewise(units, len(raw))


@dataclass
class Resolution:
    convention: Convention
    spans: list[tuple[int, int] | None]   # per selection, in our normalised text; None = no fit
    note: str = ""                        # why, when the evidence overruled the origin or was weak


def _convert(sel: list[tuple[int, int]], a: _Piecewise, b: _Piecewise, length: int) -> list:
    out: list[tuple[int, int] | None] = []
    for s, e in sel:
        fs, fe = a.map(s, "start"), a.map(e, "end")
        ns = b.map(fs, "start") if fs is not None else None
        ne = b.map(fe, "end") if fe is not None else None
        out.append((ns, ne) if ns is not None and ne is not None and 0 <= ns < ne <= length else None)
    return out


def _on_boundary(text: str, p: int) -> bool:
    return p <= 0 or p >= len(text) or not (text[p - 1].isalnum() and text[p].isalnum())


def _same_text(text: str, span: tuple[int, int], name: str) -> bool | None:
    """Does the selected text read like the selection's name? None when there is no name."""
    label = _SPACES.sub(" ", name).strip().rstrip("…").rstrip(".").strip()
    if len(label) < 3:
        return None
    quote = _SPACES.sub(" ", text[span[0]:span[1]]).strip()
    return quote.startswith(label) or label.startswith(quote) if quote else False


@dataclass
class _Score:
    valid: int
    matches: int
    aligned: int

    def beats(self, other: "_Score", margin: int) -> bool:
        if self.valid != other.valid:
            return self.valid > other.valid
        if self.matches != other.matches:
            return self.matches > other.matches
        return self.aligned >= other.aligned + margin


def _score(text: str, spans: list, names: list[str]) -> _Score:
    valid = matches = aligned = 0
    for span, name in zip(spans, names):
        if span is None:
            continue
        valid += 1
        matches += bool(_same_text(text, span, name))
        aligned += _on_boundary(text, span[0]) + _on_boundary(text, span[1])
    return _Score(valid, matches, aligned)


def candidates(raw: str) -> list[Convention]:
    """Conventions that can give different offsets on this text (others are equivalent)."""
    units = ["cp", "utf16"] if _ASTRAL.search(raw) else ["cp"]
    if not _BREAK.search(raw):
        breaks = ["file"]
    elif "\r" in raw:
        breaks = ["file", "one", "two"]
    else:
        breaks = ["file", "two"]          # "one" is "file" when every break is a bare LF
    return [Convention(u, b) for u in units for b in breaks]


def _equivalent(conv: Convention, raw: str) -> Convention:
    unit = conv.unit if _ASTRAL.search(raw) else "cp"
    breaks = conv.breaks
    if not _BREAK.search(raw):
        breaks = "file"
    elif breaks == "one" and "\r" not in raw:
        breaks = "file"
    return Convention(unit, breaks)


def resolve(raw: str, norm: str, selections: list[tuple[int, int, str]],
            origin: str | None) -> Resolution:
    """Map ``(start, end, name)`` selections of the file's ``raw`` text onto ``norm``.

    ``raw`` is the source text as decoded (BOM removed, line breaks as in the file);
    ``norm`` is ``normalise(raw)``.
    """
    prior = _equivalent(expected(origin), raw)
    file_map = _file_to_ours(raw)
    pairs = [(s, e) for s, e, _ in selections]
    names = [n for _, _, n in selections]
    results = {conv: _convert(pairs, _tool_to_file(raw, conv), file_map, len(norm))
               for conv in [prior] + [c for c in candidates(raw) if c != prior]}
    if not selections or len({tuple(r) for r in results.values()}) == 1:
        return Resolution(prior, results[prior], _doubt(_score(norm, results[prior], names)))
    scores = {conv: _score(norm, spans, names) for conv, spans in results.items()}
    margin = max(1, math.ceil(0.02 * 2 * len(selections)))
    best = prior
    for conv in results:
        if conv != best and scores[conv].beats(scores[best], margin):
            best = conv
    if best == prior:     # the evidence agrees with the origin: nothing worth reporting
        return Resolution(best, results[best], _doubt(scores[best]))
    why = f"expected from origin '{origin}'" if expected(origin) != SPEC else "the standard's"
    return Resolution(best, results[best], _explain(best, prior, why, scores, len(selections)))


def _doubt(score: _Score) -> str:
    """A warning when even the chosen reading puts most selection ends mid-word."""
    ends = 2 * score.valid
    if score.valid >= 3 and score.matches == 0 and score.aligned < ends / 2:
        return (f"positions could not be verified: only {score.aligned}/{ends} selection ends fall "
                "on word boundaries; check a few quotes")
    return ""


def _explain(best: Convention, prior: Convention, why: str, scores: dict, n: int) -> str:
    s = scores[best]
    told = f"{s.valid}/{n} selections fit, {s.aligned}/{2 * n} ends on word boundaries"
    if s.matches:
        told += f", {s.matches} match their names"
    p = scores[prior]
    return (f"positions read as {best.describe()}, not {prior.describe()} ({why}): {told}; "
            f"read that way {p.valid}/{n} fit, {p.aligned}/{2 * n} on word boundaries")
