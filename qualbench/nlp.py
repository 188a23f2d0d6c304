"""Sentence segmentation and lemmas with spaCy — no model downloads.

The default pipeline is ``spacy.blank(lang)`` + ``sentencizer`` + the lookup
lemmatizer whose tables come from ``spacy-lookups-data`` (English and Dutch both work
offline). If the settings name an installed trained pipeline, that is used instead.

Turns are segmented independently, so a sentence never crosses a speaker change, and
segments **tile** their turn: the first starts at the turn's start, each ends where the
next begins, the last ends at the turn's end. Inter-sentence whitespace therefore
belongs to the preceding segment; :func:`trim_span` gives the visible part for coding.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from .errors import QualbenchError

# spaCy refuses texts over nlp.max_length; very long turns (a 20 MB single-line file)
# are cut into chunks at whitespace, well under that limit.
CHUNK_CHARS = 100_000


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    lemmas: str


@lru_cache(maxsize=4)
def pipeline(language: str, model: str = ""):
    import spacy

    if model:
        try:
            return _trained(model)
        except OSError as exc:
            raise QualbenchError(f"spaCy pipeline '{model}' is not installed ({exc})") from None
    try:
        nlp = spacy.blank(language)
    except Exception as exc:  # spaCy raises ImportError/ValueError for unknown codes
        raise QualbenchError(f"language '{language}' is not supported by spaCy ({exc})") from None
    nlp.add_pipe("sentencizer")
    try:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    except Exception:  # no lookup tables for this language: sentences without lemmas
        if "lemmatizer" in nlp.pipe_names:
            nlp.remove_pipe("lemmatizer")
        nlp.initialize()
    nlp.max_length = max(nlp.max_length, CHUNK_CHARS * 2)
    return nlp


def _trained(model: str):
    import spacy

    nlp = spacy.load(model)
    if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names \
            and "sentencizer" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    return nlp


def _chunks(text: str) -> list[tuple[int, str]]:
    if len(text) <= CHUNK_CHARS:
        return [(0, text)]
    out, pos = [], 0
    while pos < len(text):
        end = min(pos + CHUNK_CHARS, len(text))
        if end < len(text):
            cut = max(text.rfind(". ", pos, end), text.rfind("\n", pos, end))
            if cut <= pos:
                cut = text.rfind(" ", pos, end)
            end = cut + 1 if cut > pos else end
        out.append((pos, text[pos:end]))
        pos = end
    return out


def segment_spans(texts: Sequence[str], language: str = "en", model: str = "",
                  batch_size: int = 64) -> list[list[Segment]]:
    """Sentence segments for each text, as offsets relative to that text; they tile it."""
    nlp = pipeline(language, model)
    jobs: list[tuple[int, int, str]] = []  # (text index, chunk offset, chunk)
    for i, text in enumerate(texts):
        for offset, chunk in _chunks(text):
            jobs.append((i, offset, chunk))
    starts: list[list[tuple[int, str]]] = [[] for _ in texts]
    from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA, ORTH

    strings = nlp.vocab.strings
    docs = nlp.pipe((chunk for _, _, chunk in jobs), batch_size=batch_size)
    for (i, offset, _), doc in zip(jobs, docs):
        # to_array avoids building a Token object per word (the slow part of a naive loop).
        arr = doc.to_array([LEMMA, ORTH, IS_PUNCT, IS_SPACE]).tolist()
        for sent in doc.sents:
            words = [strings[lemma or orth].lower() for lemma, orth, punct, space
                     in arr[sent.start:sent.end] if not (punct or space)]
            starts[i].append((offset + sent.start_char, " ".join(words)))
    result = []
    for text, sents in zip(texts, starts):
        segs = []
        sents = _keep_brackets_whole(text, [s for s in sents if s[0] < len(text)] or [(0, "")])
        for k, (start, lemmas) in enumerate(sents):
            seg_start = 0 if k == 0 else start
            seg_end = sents[k + 1][0] if k + 1 < len(sents) else len(text)
            if seg_end > seg_start:
                segs.append(Segment(seg_start, seg_end, lemmas))
        result.append(segs)
    return result


_OPENERS = {"[": "]", "(": ")"}


def _keep_brackets_whole(text: str, sents: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Move a sentence start that falls inside ``[…]`` or ``(…)`` back to the bracket.

    The sentencizer hangs punctuation after a full stop onto the sentence before, so
    "If I slept. [laughs] My husband…" came out as "If I slept. [" + "laughs] My
    husband…", and "[name] slept" as "… [" + "name] slept". Transcribers' annotations and
    pseudonymisation placeholders are one token to a reader: the bracket opens the next
    sentence instead.
    """
    out: list[tuple[int, str]] = []
    for k, (start, lemmas) in enumerate(sents):
        if k and out:
            prev = out[-1][0]
            tail = text[prev:start]
            for opener, closer in _OPENERS.items():
                i = tail.rfind(opener)
                if i > 0 and closer not in tail[i:] and closer in text[start:start + 80]:
                    start = prev + i
                    break
        if not out or start > out[-1][0]:
            out.append((start, lemmas))
    return out


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without leading/trailing whitespace (what a coder means to select)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def lemma_query(words: Iterable[str], language: str = "en", model: str = "") -> list[str]:
    """Lemmas of the words of a search query, so "walking" finds "walked"."""
    nlp = pipeline(language, model)
    doc = nlp(" ".join(words))
    return [(t.lemma_ or t.text).lower() for t in doc if not (t.is_punct or t.is_space)]
