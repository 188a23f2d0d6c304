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

The file's shape and every field's type are checked, each problem naming its place
("documents → P01 → item 3: ..."); a file with no codings is an error. Matching is
exact first; failing that, it tolerates differences in whitespace, straight
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
from .yamlfile import describe as _kind

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


ITEM_KEYS = ("code", "quote", "occurrence", "memo")
TOP_KEYS = ("format", "coder", "documents")


def read_anchored(path: Path) -> tuple[str, list[AnchoredCoding]]:
    """The coder and codings of a coding file, with its shape and every field checked.

    Each problem names its place ("documents → P01 → item 3: quote must be text"), so a
    hand-edited file is easy to fix; YAML that would silently become something else (a
    list as the coder, ``true`` as an occurrence, a mapping as a memo) is refused rather
    than stored as its Python spelling. All problems are raised at once.
    """
    from .limits import MAX_QUOTE_CHARS
    from .yamlfile import read_yaml

    path = Path(path)
    data = read_yaml(path, "a coding file")
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputFileError(f"not a qualbench coding file (expected 'format: {FORMAT}')", source=path)
    problems: list[str] = []
    unknown = [str(k) for k in data if k not in TOP_KEYS]
    if unknown:
        problems.append(f"unknown key(s) {', '.join(repr(k) for k in unknown)} "
                        f"(a coding file has {', '.join(TOP_KEYS)})")
    coder = data.get("coder")
    if coder is None or (isinstance(coder, str) and not coder.strip()):
        raise InputFileError("the file names no coder ('coder: ...')", source=path)
    if not isinstance(coder, str):
        problems.append(f"coder: expected a name (text), got {_kind(coder)}")
        coder = ""
    documents = data.get("documents")
    if documents is None:
        problems.append("no 'documents' mapping (documents: {P01: [codings...]})")
        documents = {}
    elif not isinstance(documents, dict):
        problems.append("documents: expected a mapping of document names to lists of codings, "
                        f"got {_kind(documents)}")
        documents = {}
    out: list[AnchoredCoding] = []
    for doc, items in documents.items():
        if not isinstance(doc, str) or not doc.strip():
            problems.append(f"documents → {doc!r}: a document name must be text (put it in quotes)")
            continue
        here = f"documents → {doc}"
        if items is None:
            continue
        if not isinstance(items, list):
            problems.append(f"{here}: expected a list of codings, got {_kind(items)}")
            continue
        for i, item in enumerate(items, start=1):
            at = f"{here} → item {i}"
            if not isinstance(item, dict):
                problems.append(f"{at}: expected a coding (code: ..., quote: ...), got {_kind(item)}")
                continue
            bad = [str(k) for k in item if k not in ITEM_KEYS]
            if bad:
                problems.append(f"{at}: unknown key(s) {', '.join(repr(k) for k in bad)} "
                                f"(a coding has {', '.join(ITEM_KEYS)})")
                continue
            code, quote = item.get("code"), item.get("quote")
            memo, occ = item.get("memo"), item.get("occurrence", 1)
            found = []
            for key, value in (("code", code), ("quote", quote)):
                if value is None or (isinstance(value, str) and not value.strip()):
                    found.append(f"{at}: needs a {key}")
                elif not isinstance(value, str):
                    found.append(f"{at}: {key} must be text, got {_kind(value)} (put it in quotes)")
            if memo is not None and not isinstance(memo, str):
                found.append(f"{at}: memo must be text, got {_kind(memo)}")
            if isinstance(occ, bool) or not isinstance(occ, int) or occ < 1:
                found.append(f"{at}: occurrence must be a whole number ≥ 1, got {_kind(occ)}")
            if isinstance(quote, str) and len(quote) > MAX_QUOTE_CHARS:
                found.append(f"{at}: the quote is {len(quote):,} characters, more than the limit of "
                             f"{MAX_QUOTE_CHARS:,}")
            if found:
                problems.extend(found)
                continue
            out.append(AnchoredCoding(doc.strip(), code.strip(), unicodedata.normalize("NFC", quote),
                                      occ, memo or ""))
    if problems:
        raise ValidationError(problems, source=path)
    if not out:
        raise InputFileError("no codings in the file (nothing to import)", source=path)
    return coder.strip(), out


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
