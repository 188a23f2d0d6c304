"""Similar-code suggestions for constant comparison: candidates for a merge.

Two signals, either one enough to suggest a pair:

* **names** — rapidfuzz ``token_set_ratio`` (0–100) of the two names, raw and lemmatised
  (the higher counts), which ignores word order and inflection ("Sleeping better" ~
  "Better sleep"; a name whose words are all in the other scores 100);
* **overlap in the text** — of the characters either code covers, coded by the same coder
  in the same document, the share both cover, relative to the smaller code (the overlap
  coefficient |A ∩ B| / min(|A|, |B|)). A code that is nearly always applied together
  with another is a merge candidate whatever its name.

A name pair where only one name is negated ("Would repeat" / "Would not repeat") is
never suggested on its name: string similarity cannot see that they are opposites.

The score shown is the larger of name/100 and overlap; pairs are sorted by it.
"""
from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from rapidfuzz import fuzz

from ..spans import intersection_length, union_length

NEGATIONS = {"not", "no", "never", "without", "non", "unable", "niet", "geen", "nooit", "zonder"}


def _negated(name: str) -> bool:
    words = name.casefold().replace("-", " ").split()
    return any(w in NEGATIONS or w.endswith("n't") for w in words)


def similar_codes(codes, codings, *, min_name: float = 80, min_overlap: float = 0.5,
                  language: str = "en", model: str = ""):
    """codes: Code objects (leaves compared); codings: Coding objects. Returns a DataFrame."""
    import pandas as pd

    from ..nlp import lemma_query

    leaves = [c for c in codes if c.kind == "code"]
    lemmas = {c.id: " ".join(lemma_query(c.name.split(), language, model)) for c in leaves}
    spans: dict = defaultdict(lambda: defaultdict(list))  # code -> (doc, coder) -> spans
    for c in codings:
        spans[c.code_id][(c.document_id, c.coder)].append((c.start, c.end))
    size = {cid: sum(union_length(v) for v in by.values()) for cid, by in spans.items()}
    rows = []
    for a, b in combinations(leaves, 2):
        name = max(fuzz.token_set_ratio(a.name.casefold(), b.name.casefold()),
                   fuzz.token_set_ratio(lemmas[a.id], lemmas[b.id]))
        if _negated(a.name) != _negated(b.name):
            name = 0.0
        overlap = 0.0
        if size.get(a.id) and size.get(b.id):
            shared = sum(intersection_length(sa, spans[b.id][key]) for key, sa in spans[a.id].items()
                         if key in spans[b.id])
            overlap = shared / min(size[a.id], size[b.id])
        if name >= min_name or overlap >= min_overlap:
            why = []
            if name >= min_name:
                why.append(f"names {name:.0f}% alike")
            if overlap >= min_overlap:
                why.append(f"{overlap:.0%} of the smaller code's text is coded with both")
            rows.append({"code_a": a.name, "code_b": b.name, "name_score": round(name, 1),
                         "overlap": round(overlap, 3), "score": round(max(name / 100, overlap), 3),
                         "why": "; ".join(why)})
    frame = pd.DataFrame(rows, columns=["code_a", "code_b", "name_score", "overlap", "score", "why"])
    return frame.sort_values("score", ascending=False, ignore_index=True)
