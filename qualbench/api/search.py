"""Searching the project's transcripts: words (FTS5), lemmas, and fuzzy quotes.

Three modes answer three different questions a coder asks:

* ``words``  — "where does anyone say *stick*?": FTS5 over the segments' text
  (``segments_fts``, unicode61 with diacritics removed), every word required.
* ``lemma``  — "where is *walking* talked about, in any form?": the query's words are
  lemmatised with the project's pipeline and matched against the ``lemmas`` column, so
  "walk" finds "walked" and "walks".
* ``fuzzy``  — "what was that quote, roughly?": rapidfuzz aligns a half-remembered
  phrase against every sentence and every pair of neighbouring sentences (a quote often
  runs over a sentence break) and returns the best-aligned stretch of text.

Only the newest version of each document is searched. A hit carries the span to jump
to (``start``/``end``, code points of the document text, ready to be coded) and the
spans of the matched words, so a caller can highlight them without searching again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.fuzz import partial_ratio as fuzz_partial_ratio
from rapidfuzz.fuzz import ratio as fuzz_ratio

from ..errors import QualbenchError
from ..nlp import lemma_query, pipeline, trim_span
from .base import ProjectBase

MODES = ("words", "lemma", "fuzzy")
FUZZY_CUTOFF = 70.0

_LATEST = ("d.version = (SELECT MAX(version) FROM documents d2 WHERE d2.name = d.name)")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    document_id: int
    document: str
    participant: str | None
    segment_id: int
    start: int                 # the span to jump to: [start, end) in the document text
    end: int
    context: str               # the sentence(s) around the hit, whitespace-trimmed
    context_start: int         # document offset of context[0]
    matches: tuple[tuple[int, int], ...]  # document spans of the matched words or quote
    score: float


class SearchMixin(ProjectBase):
    def search(self, query: str, mode: str = "words", limit: int = 50) -> list[SearchHit]:
        """Hits for ``query``, best first (see the module docstring for the modes)."""
        if mode not in MODES:
            raise QualbenchError(f"unknown search mode '{mode}' (use {', '.join(MODES)})")
        query = query.strip()
        if not query:
            return []
        if mode == "fuzzy":
            return self._search_fuzzy(query, limit)
        words = _WORD.findall(query)
        if not words:
            return []
        if mode == "lemma":
            terms = lemma_query(words, self.settings.language, self.settings.spacy_model)
            return self._search_fts("lemmas", terms, limit, lemmas=set(terms))
        return self._search_fts("text", [w.lower() for w in words], limit)

    # -- words and lemmas: FTS5 ------------------------------------------------------------
    def _search_fts(self, column: str, terms: list[str], limit: int,
                    lemmas: set[str] | None = None) -> list[SearchHit]:
        terms = [t for t in terms if t]
        if not terms:
            return []
        # Each term quoted: user input can never be read as FTS5 syntax (AND, NEAR, "*").
        match = f"{column} : (" + " ".join('"' + t.replace('"', '""') + '"' for t in terms) + ")"
        rows = self.store.query(
            "SELECT s.id, s.document_id, s.start, s.\"end\", s.text, d.name, d.participant, "
            "bm25(segments_fts) AS score FROM segments_fts "
            "JOIN segments s ON s.id = segments_fts.rowid JOIN documents d ON d.id = s.document_id "
            f"WHERE segments_fts MATCH ? AND {_LATEST} ORDER BY score, d.name, s.idx LIMIT ?",
            [match, int(limit)])
        hits = []
        for r in rows:
            if lemmas is not None:
                found = self._lemma_spans(r["text"], lemmas)
            else:
                found = _word_spans(r["text"], terms)
            hits.append(_hit(r, [(r["start"] + a, r["start"] + b) for a, b in found], -r["score"]))
        return hits

    def _lemma_spans(self, text: str, lemmas: set[str]) -> list[tuple[int, int]]:
        nlp = pipeline(self.settings.language, self.settings.spacy_model)
        return [(t.idx, t.idx + len(t.text)) for t in nlp(text)
                if (t.lemma_ or t.text).lower() in lemmas]

    # -- fuzzy quotes: rapidfuzz -----------------------------------------------------------
    def _search_fuzzy(self, query: str, limit: int) -> list[SearchHit]:
        from rapidfuzz import fuzz, process

        segs = self.store.query(
            "SELECT s.id, s.document_id, s.turn_id, s.start, s.\"end\", s.text, d.name, d.participant "
            f"FROM segments s JOIN documents d ON d.id = s.document_id WHERE {_LATEST} "
            "ORDER BY d.name, s.idx")
        windows: list[tuple[int, int]] = []  # (first segment index, number of segments)
        texts: list[str] = []
        for i, s in enumerate(segs):
            windows.append((i, 1))
            texts.append(s["text"])
            nxt = segs[i + 1] if i + 1 < len(segs) else None
            if nxt is not None and nxt["turn_id"] == s["turn_id"]:
                windows.append((i, 2))
                texts.append(s["text"] + nxt["text"])
        needle = _fold(query)
        found = process.extract(needle, texts, scorer=_quote_score, processor=_fold,
                                score_cutoff=FUZZY_CUTOFF, limit=max(limit * 4, 20))
        # Best score first; on a tie the single sentence beats the pair that contains it.
        found.sort(key=lambda f: (-f[1], windows[f[2]][1], f[2]))
        taken: dict[int, list[tuple[int, int]]] = {}
        hits: list[SearchHit] = []
        for _, score, k in found:
            first, n = windows[k]
            seg = segs[first]
            text = texts[k]
            base = seg["start"]
            al = fuzz.partial_ratio_alignment(needle, text, processor=_fold)
            if al is not None and len(_fold(text)) == len(text):
                start, end = _to_word_edges(text, al.dest_start, al.dest_end)
            else:
                start, end = trim_span(text, 0, len(text))
            start, end = start + base, end + base
            if end <= start:
                continue
            spans = taken.setdefault(seg["document_id"], [])
            if any(start < e and s < end for s, e in spans):
                continue
            spans.append((start, end))
            row = {**seg, "text": text, "end": base + len(text)}
            hits.append(_hit(row, [(start, end)], score, span=(start, end)))
            if len(hits) >= limit:
                break
        return hits


def _quote_score(query: str, text: str, **kwargs) -> float:
    # partial_ratio slides the shorter string along the longer one, so a two-word
    # sentence would score 100 inside a long query; a short text is compared whole.
    if len(text) < len(query):
        return fuzz_ratio(query, text, **kwargs)
    return fuzz_partial_ratio(query, text, **kwargs)


def _to_word_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen an alignment that stops inside a word ("the flo|or") to whole words."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and end > 0 and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return trim_span(text, start, end)


def _fold(text: str) -> str:
    """Lower case, punctuation to spaces: the same length as the text (offsets stay valid)."""
    low = text.lower()
    if len(low) != len(text):  # a rare letter whose lower case is longer: keep the case
        low = text
    return re.sub(r"[^\w]", " ", low)


def _word_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    wanted = set(terms)
    return [(m.start(), m.end()) for m in _WORD.finditer(text) if m.group(0).lower() in wanted]


def _hit(row: dict, matches: list[tuple[int, int]], score: float,
         span: tuple[int, int] | None = None) -> SearchHit:
    cs, ce = trim_span(row["text"], 0, len(row["text"]))
    start, end = span if span else (row["start"] + cs, row["start"] + ce)
    return SearchHit(
        document_id=row["document_id"], document=row["name"], participant=row["participant"],
        segment_id=row["id"], start=start, end=end, context=row["text"][cs:ce],
        context_start=row["start"] + cs, matches=tuple(matches), score=float(score))


__all__ = ["SearchMixin", "SearchHit", "MODES"]
