"""Similar-code suggestions for constant comparison: candidates for a merge.

Two signals, either one enough to suggest a pair:

* **names** — rapidfuzz ``token_set_ratio`` (0–100) of the two names, raw and lemmatised
  (the higher counts), which ignores word order and inflection ("Sleeping better" ~
  "Better sleep"; a name whose words are all in the other scores 100);
* **overlap in the text** — of the characters either code covers, coded by the same coder
  in the same document, the share both cover, relative to the smaller code (the overlap
  coefficient |A ∩ B| / min(|A|, |B|)). A code that is nearly always applied together
  with another is a merge candidate whatever its name.

**Tiny codes.** The overlap coefficient of a code applied once is 0 or 1: one coding that
happens to sit inside a long passage of another code scores a perfect 1.00 and would top
the list ("Surgery easier than feared ⇄ Advice to other patients"). So the overlap is
shrunk by the support of the smaller code — the number *n* of its codings —

    weighted overlap = overlap × n / (n + SUPPORT_PRIOR),   SUPPORT_PRIOR = 2

which leaves a well-used code almost unchanged (10 codings: × 0.83, 30: × 0.94) and a
new one far down (1 coding: × 0.33, so never suggested on overlap alone at the default
0.5; 2 codings that always coincide: exactly 0.5). The raw ``overlap`` and ``support``
are in the result; ``min_overlap`` applies to the weighted value.

A name pair where only one name is negated ("Would repeat" / "Would not repeat") is
never suggested on its name: string similarity cannot see that they are opposites.

The score shown is the larger of name/100 and the weighted overlap; pairs are sorted by it.
"""
from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from rapidfuzz import fuzz

from ..spans import intersection_length, union_length

SUPPORT_PRIOR = 2  # codings a code "borrows" at zero overlap before its own count (see above)
NEGATIONS = {"not", "no", "never", "without", "non", "unable", "niet", "geen", "nooit", "zonder"}


def _negated(name: str) -> bool:
    words = name.casefold().replace("-", " ").split()
    return any(w in NEGATIONS or w.endswith("n't") for w in words)


def similar_codes(codes, codings, *, min_name: float = 80, min_overlap: float = 0.5,
                  language: str = "en", model: str = ""):
    """codes: Code objects (leaves compared); codings: Coding objects. Returns a DataFrame.

    Columns: ``code_a``, ``code_b``, ``name_score`` (0–100), ``overlap`` (the raw overlap
    coefficient), ``support`` (codings of the smaller code), ``weighted_overlap``
    (overlap × support / (support + SUPPORT_PRIOR)), ``score`` and ``why``; best first.
    """
    import pandas as pd

    from ..nlp import lemma_query

    leaves = [c for c in codes if c.kind == "code"]
    lemmas = {c.id: " ".join(lemma_query(c.name.split(), language, model)) for c in leaves}
    spans: dict = defaultdict(lambda: defaultdict(list))  # code -> (doc, coder) -> spans
    count: dict = defaultdict(int)                         # code -> codings
    for c in codings:
        spans[c.code_id][(c.document_id, c.coder)].append((c.start, c.end))
        count[c.code_id] += 1
    size = {cid: sum(union_length(v) for v in by.values()) for cid, by in spans.items()}
    rows = []
    for a, b in combinations(leaves, 2):
        name = max(fuzz.token_set_ratio(a.name.casefold(), b.name.casefold()),
                   fuzz.token_set_ratio(lemmas[a.id], lemmas[b.id]))
        if _negated(a.name) != _negated(b.name):
            name = 0.0
        overlap = weighted = 0.0
        support = 0
        if size.get(a.id) and size.get(b.id):
            shared = sum(intersection_length(sa, spans[b.id][key]) for key, sa in spans[a.id].items()
                         if key in spans[b.id])
            smaller = a.id if (size[a.id], count[a.id]) <= (size[b.id], count[b.id]) else b.id
            overlap = shared / size[smaller]
            support = count[smaller]
            weighted = overlap * support / (support + SUPPORT_PRIOR)
        if name >= min_name or weighted >= min_overlap:
            why = []
            if name >= min_name:
                why.append(f"names {name:.0f}% alike")
            if weighted >= min_overlap:
                why.append(f"{overlap:.0%} of the smaller code's text ({support} coding"
                           f"{'s' if support != 1 else ''}) is coded with both")
            rows.append({"code_a": a.name, "code_b": b.name, "name_score": round(name, 1),
                         "overlap": round(overlap, 3), "support": support,
                         "weighted_overlap": round(weighted, 3),
                         "score": round(max(name / 100, weighted), 3), "why": "; ".join(why)})
    frame = pd.DataFrame(rows, columns=["code_a", "code_b", "name_score", "overlap", "support",
                                        "weighted_overlap", "score", "why"])
    return frame.sort_values("score", ascending=False, ignore_index=True)
