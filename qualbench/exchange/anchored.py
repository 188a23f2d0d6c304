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
    try:
        data = yaml.safe_load(normalise(decode_bytes(path.read_bytes(), path)))
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
