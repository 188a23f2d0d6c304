"""Which quotes represent a code best: a documented, simple, reproducible rule.

For a node (a code, or a category/theme with every code below it):

1. Candidates are the node's codings whose quote is 8–80 words long (too short says
   little, too long is not a quote); if none qualifies, all codings are candidates.
2. Each quote becomes a TF-IDF vector over lower-cased words (stop words removed); the
   IDF is computed over **all** codings in the project, so words that every quote shares
   ("pain", "stimulator") weigh less than the words specific to this code.
3. Quotes are ranked by cosine similarity to the node's centroid (the mean vector):
   the quote most like the node's fragments as a whole comes first.
4. Starred quotes (chosen by an author) always come first, in text order.
5. Diversity: at most one quote per participant until every participant has had a turn.
Ties are broken by document and position, so the result never depends on chance.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
STOP = set("""a about after again all also am an and any are as at be because been before being
but by can could did do does doing don't down during each few for from had has have having he
her here hers him his how i i'm if in into is it it's its just me more most my no nor not now of
off on once only or other our out over own same she should so some such than that the their them
then there these they this those through to too under until up very was we were what when where
which while who whom why will with would you your yeah yes well uh um oh like really know mean
just think""".split())
MIN_WORDS, MAX_WORDS = 8, 80


@dataclass(frozen=True)
class Quote:
    coding_id: int
    document: str
    participant: str | None
    coder: str
    start: int
    end: int
    text: str
    starred: bool = False
    score: float = 0.0


def words(text: str) -> list[str]:
    return [w for w in (m.group(0).lower() for m in _WORD.finditer(text)) if w not in STOP]


def idf_table(all_texts: list[str]) -> dict[str, float]:
    df = Counter()
    for t in all_texts:
        df.update(set(words(t)))
    n = len(all_texts) or 1
    return {w: math.log((1 + n) / (1 + k)) + 1 for w, k in df.items()}


def _vector(text: str, idf: dict[str, float]) -> dict[str, float]:
    tf = Counter(words(text))
    vec = {w: c * idf.get(w, 1.0) for w, c in tf.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {w: v / norm for w, v in vec.items()}


def rank(quotes: list[Quote], idf: dict[str, float], n: int = 3) -> list[Quote]:
    """The n most representative quotes by the rule in the module docstring."""
    if not quotes:
        return []
    sized = [q for q in quotes if MIN_WORDS <= len(q.text.split()) <= MAX_WORDS] or list(quotes)
    vectors = [_vector(q.text, idf) for q in sized]
    centroid: Counter = Counter()
    for v in vectors:
        centroid.update(v)
    scored = []
    for q, v in zip(sized, vectors):
        sim = sum(weight * centroid[w] for w, weight in v.items()) / len(vectors)
        scored.append(Quote(**{**q.__dict__, "score": round(sim, 6)}))
    starred = sorted((q for q in scored if q.starred), key=lambda q: (q.document, q.start))
    rest = sorted((q for q in scored if not q.starred), key=lambda q: (-q.score, q.document, q.start))
    chosen: list[Quote] = list(starred[:n])
    seen = {q.participant for q in chosen}
    for q in rest:  # first pass: one quote per participant
        if len(chosen) >= n:
            break
        if q.participant not in seen:
            chosen.append(q)
            seen.add(q.participant)
    for q in rest:  # second pass: fill up if there are fewer participants than n
        if len(chosen) >= n:
            break
        if q not in chosen:
            chosen.append(q)
    return chosen
