"""Quote-anchored coding files: codings that survive re-normalisation of the text.

Offsets break as soon as a transcript is re-saved with other line endings or a BOM, so
codings made outside the tool (or shipped with the demo) are anchored by *document,
code and the exact quoted text*, plus the occurrence number when the quote appears more
than once::

    format: qualbench-codings/1
    coder: coder_a
    documents:
      P01:
        - code: Hope for pain relief
          quote: "I just wanted one normal day"
          occurrence: 1        # optional, default 1
          memo: "..."          # optional

Matching is exact first; failing that, it tolerates differences in whitespace, straight
vs curly quotes and dash variants, never anything else. A quote that cannot be found is
an error naming it — the importer never guesses a place.

:func:`reanchor` applies the same idea to a new version of a document: a coding's exact
text is looked up in the new text (the occurrence nearest the coding's old relative
position), then with whitespace normalised; otherwise it is not placed at all.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import InputFileError, ValidationError
from ..textnorm import decode_bytes, normalise

FORMAT = "qualbench-codings/1"
_EQUIV = {"'": "['’‘]", "’": "['’‘]", "‘": "['’‘]", '"': '["“”]', "“": '["“”]', "”": '["“”]',
          "-": "[-–—]", "–": "[-–—]", "—": "[-–—]"}


@dataclass(frozen=True)
class AnchoredCoding:
    document: str
    code: str
    quote: str
    occurrence: int = 1
    memo: str = ""


def read_anchored(path: Path) -> tuple[str, list[AnchoredCoding]]:
    path = Path(path)
    if not path.is_file():
        raise InputFileError("no such file", source=path)
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(normalise(decode_bytes(raw, path)))
    except yaml.YAMLError as exc:
        raise InputFileError(f"not valid YAML ({exc})", source=path) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputFileError(f"not a qualbench coding file (expected 'format: {FORMAT}')", source=path)
    coder = str(data.get("coder") or "").strip()
    if not coder:
        raise InputFileError("the file names no coder ('coder: ...')", source=path)
    out, problems = [], []
    for doc, items in (data.get("documents") or {}).items():
        for i, item in enumerate(items or []):
            if not isinstance(item, dict) or not item.get("code") or not item.get("quote"):
                problems.append(f"{doc} item {i + 1}: needs a code and a quote")
                continue
            occ = item.get("occurrence", 1)
            if not isinstance(occ, int) or occ < 1:
                problems.append(f"{doc} item {i + 1}: occurrence must be a whole number ≥ 1")
                continue
            out.append(AnchoredCoding(str(doc), str(item["code"]).strip(),
                                      unicodedata.normalize("NFC", str(item["quote"])), occ,
                                      str(item.get("memo") or "")))
    if problems:
        raise ValidationError(problems, source=path)
    return coder, out


def find_quote(text: str, quote: str, occurrence: int = 1) -> tuple[int, int] | None:
    """``[start, end)`` of the n-th occurrence of quote in text, or None."""
    quote = quote.strip()
    if not quote:
        return None
    pos = -1
    for _ in range(occurrence):
        pos = text.find(quote, pos + 1)
        if pos < 0:
            break
    if pos >= 0:
        return pos, pos + len(quote)
    pattern = re.compile(r"\s+".join(
        "".join(_EQUIV.get(ch, re.escape(ch)) for ch in word) for word in quote.split()))
    for n, m in enumerate(pattern.finditer(text), start=1):
        if n == occurrence:
            return m.start(), m.end()
    return None


def reanchor(old_text: str, new_text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where ``old_text[start:end]`` is in ``new_text``, or None.

    The exact text first, taking the occurrence nearest the old relative position (a
    quote such as "yes" occurs many times); failing that, the same words with any
    whitespace between them (a re-wrapped line). Nothing looser: a coding moved to a
    merely similar passage would be a silent error in the analysis.
    """
    quote = old_text[start:end]
    if not quote.strip():
        return None
    target = start / max(len(old_text), 1) * len(new_text)
    best = None
    pos = new_text.find(quote)
    while pos >= 0:
        if best is None or abs(pos - target) < abs(best - target):
            best = pos
        elif pos > target:
            break  # every later occurrence is further away
        pos = new_text.find(quote, pos + 1)
    if best is not None:
        return best, best + len(quote)
    pattern = re.compile(r"\s+".join(re.escape(w) for w in quote.split()))
    found = None
    for m in pattern.finditer(new_text):
        if found is None or abs(m.start() - target) < abs(found[0] - target):
            found = (m.start(), m.end())
        elif m.start() > target:
            break
    return found


def first_words(text: str, n: int = 8) -> str:
    """The first ``n`` words of a quote, for a message ("I could not sleep at all …")."""
    words = text.split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


def write_anchored(path: Path, coder: str, rows: list[tuple[str, str, str, int, str]]) -> None:
    """rows: (document, code, quote, occurrence, memo)."""
    docs: dict[str, list] = {}
    for document, code, quote, occ, memo in rows:
        item = {"code": code, "quote": quote}
        if occ != 1:
            item["occurrence"] = occ
        if memo:
            item["memo"] = memo
        docs.setdefault(document, []).append(item)
    Path(path).write_text(yaml.safe_dump({"format": FORMAT, "coder": coder, "documents": docs},
                                         sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
