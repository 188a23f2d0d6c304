"""Ranking codes for the code picker: typo-tolerant, over name, category path and definition.

A coder types two or three letters of what they mean ("slep", "fear surg", "believed"),
often with a typo, and expects the right code first. The code's own name weighs most;
the category path ("Emotional wellbeing › ...") lets one type a category to see its
codes; the description and "when to use" catch the coder who remembers the idea but not
the name. Scores are rapidfuzz's 0–100.
"""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, utils

from ..model import Code

NAME_WEIGHT, PATH_WEIGHT, TEXT_WEIGHT = 1.0, 0.85, 0.7
# From this best score on, the picker highlights the best existing code rather than
# "+ Create code". Measured on the demo codebook: a typo of a code ("slep improvd",
# "fear of surgry") scores 90 or more, "pain qualty" 77 (Pain character changed); new
# names score 74 or less ("scar" 74, "waiting list" 70, "new idea" 52).
HIGHLIGHT_FROM = 75.0
# ...or from this one when the best code is far ahead of the next ("fel belivd" 74.9 for
# Feeling believed, then 54): a typo of one code, not a new idea near several ("scar":
# 74 and 71; "waiting list": 70).
HIGHLIGHT_CLEAR_LEAD, CLEAR_LEAD = 72.0, 10.0


def highlight_best(ranked: list[tuple["CodeEntry", float]]) -> bool:
    """Whether Enter should apply the best existing code rather than create a new one."""
    if not ranked:
        return False
    best = ranked[0][1]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    return best >= HIGHLIGHT_FROM or (best >= HIGHLIGHT_CLEAR_LEAD and best - runner_up >= CLEAR_LEAD)


# Words that say nothing about which code is meant (English and Dutch).
STOPWORDS = frozenset("""a an and at by for from in into is it of on or the to with about
de het een en van in op met voor naar bij aan is""".split())


@dataclass(frozen=True)
class CodeEntry:
    code: Code
    path: str                         # ancestors' names, root first, joined with " › "
    name_words: tuple[str, ...]
    path_words: tuple[str, ...]
    text_words: tuple[str, ...]       # description and "when to use", for matching on meaning

    @property
    def name(self) -> str:
        return self.code.name


def _words(text: str, *, stop: bool = True) -> tuple[str, ...]:
    """Words of two letters or more; without stopwords unless ``stop`` is False.

    Typed words drop stopwords ("of", "the" say nothing), but names keep them, so a typo
    like "wth" still finds the "with" it was meant to be.
    """
    return tuple(w for w in utils.default_process(text).split()
                 if len(w) > 1 and not (stop and w in STOPWORDS))


def build_entries(codes: list[Code]) -> list[CodeEntry]:
    """One entry per codable code (kind "code"), in codebook order."""
    by_id = {c.id: c for c in codes}
    entries = []
    for c in codes:
        if c.kind != "code":
            continue
        names, node = [], c
        while node.parent_id is not None and node.parent_id in by_id:
            node = by_id[node.parent_id]
            names.append(node.name)
        path = " › ".join(reversed(names))
        entries.append(CodeEntry(c, path, _words(c.name, stop=False), _words(path, stop=False),
                                 tuple(sorted(set(_words(f"{c.description} {c.when_to_use}"))))))
    return entries


def _cover(query_words: tuple[str, ...], words: tuple[str, ...]) -> float:
    """How well every typed word is found among ``words`` (a typo or a prefix still counts)."""
    if not query_words or not words:
        return 0.0
    total = 0.0
    for q in query_words:
        best = 0.0
        for w in words:
            best = max(best, 100.0 if w.startswith(q) and len(q) >= 3 else fuzz.ratio(q, w))
            if best == 100.0:
                break
        total += best
    return total / len(query_words)


def score(query: str, entry: CodeEntry) -> float:
    return max(scores(query, entry))


def scores(query: str, entry: CodeEntry) -> tuple[float, float, float]:
    """The weighted name, category-path and definition scores of ``entry``."""
    q = utils.default_process(query)
    qwords = _words(query) or tuple(q.split())
    if not q:
        return 0.0, 0.0, 0.0
    # Whole-string similarity catches a name typed in full; word cover catches "awake surg".
    name = 0.5 * fuzz.WRatio(q, entry.name, processor=utils.default_process) \
        + 0.5 * _cover(qwords, entry.name_words)
    path = 0.0
    if entry.path:
        path = 0.5 * fuzz.WRatio(q, entry.path, processor=utils.default_process) \
            + 0.5 * _cover(qwords, entry.path_words)
    text = _cover(qwords, entry.text_words) if len(q) >= 4 else 0.0
    return NAME_WEIGHT * name, PATH_WEIGHT * path, TEXT_WEIGHT * text


def rank(query: str, entries: list[CodeEntry], limit: int = 60) -> list[tuple[CodeEntry, float]]:
    """Entries best first; an empty query keeps codebook order.

    Ties (every code of a category the query names scores the same on the path) go to
    the code with the most evidence overall: its name and definition matching too.
    """
    if not query.strip():
        return [(e, 0.0) for e in entries[:limit]]
    scored = [(e, parts) for e in entries if max(parts := scores(query, e)) >= 45]
    scored.sort(key=lambda s: (-max(s[1]), -sum(s[1]), s[0].name.casefold()))
    return [(e, max(parts)) for e, parts in scored[:limit]]


def exact(query: str, all_codes: list[Code]) -> bool:
    """True when the typed text is already the name of some code (any kind)."""
    q = " ".join(query.split()).casefold()
    return any(c.name.casefold() == q for c in all_codes)
