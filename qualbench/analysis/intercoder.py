"""Inter-coder agreement on a project: builds the inputs of :mod:`.agreement` from codings.

Which documents count: only those that **every** compared coder has coded at least once.
A coder who never opened a transcript has not rated its units as "absent"; counting
them would inflate agreement on absence. Excluded documents are listed in the result.

Unit level. Units are the project's sentence segments, its speaker turns, or paragraphs
(text between blank lines). For each code, a coder's decision on a unit is *present* if
any of their codings with that code overlaps the unit by at least one character,
otherwise *absent*. Statistics are computed per code, per document × code, pooled over
all code × unit decisions, and as the mean of the per-code values (undefined ones
excluded and listed).

Character level and segment matching pass the codings straight to
:func:`.agreement.character_agreement` and :func:`.agreement.segment_agreement`.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..errors import QualbenchError
from .agreement import STATISTICS, character_agreement, mean_of_codes, segment_agreement, unit_agreement

UNITS = ("sentence", "turn", "paragraph")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


@dataclass
class AgreementInput:
    coders: list[str]
    documents: list  # Document objects compared
    excluded_documents: list[str]
    codes: list  # Code objects compared (those any compared coder used, or those asked for)
    codings: dict = field(default_factory=dict)  # (doc_id, coder) -> list[Coding]
    unused_codes: list[str] = field(default_factory=list)  # codebook codes neither coder applied here


def gather(project, coders: list[str], *, codes: list[str] | None = None,
           documents: list[str] | None = None) -> AgreementInput:
    if len(coders) < 2:
        raise QualbenchError("agreement needs at least two coders (e.g. --coders coder_a,coder_b)")
    seen: set[str] = set()
    for c in coders:
        project.coder_id(c)  # raises a clear error for an unknown coder
        if c.casefold() in seen:
            raise QualbenchError(f"coder '{c}' is named twice: agreement compares different coders")
        seen.add(c.casefold())
    # A document or code named twice (or in two spellings) counts once.
    docs = _unique([project.document(d) for d in documents]) if documents else project.documents()
    by_doc: dict = {}
    for coder in coders:
        for coding in project.codings(coder=coder):
            by_doc.setdefault((coding.document_id, coder), []).append(coding)
    included = [d for d in docs if all((d.id, c) in by_doc for c in coders)]
    excluded = [d.name for d in docs if d not in included]
    if not included:
        raise QualbenchError(f"no document has been coded by all of {', '.join(coders)}")
    if codes:
        code_objs = _unique([project.code(c) for c in codes])
    else:
        used = {c.code_id for (doc_id, _), cs in by_doc.items()
                if doc_id in {d.id for d in included} for c in cs}
        code_objs = [c for c in project.codes() if c.id in used]
        # Codes nobody applied in these documents are named, not compared: their units are
        # all "absent" for everyone, which would lift pooled and mean agreement for free.
        unused = [c.name for c in project.codes() if c.kind == "code" and c.id not in used]
    rolled = _roll_up(project, code_objs, by_doc) if codes else by_doc
    return AgreementInput(coders, included, excluded, code_objs, rolled, [] if codes else unused)


def _unique(items: list) -> list:
    return list({item.id: item for item in items}.values())


def _roll_up(project, code_objs: list, by_doc: dict) -> dict:
    """A theme or category asked for (any node with nodes below it) stands for every code below it: its codings are
    theirs (re-labelled with its id), as in the joint display. Codings of plain codes
    pass unchanged, so a code and its category can be compared in one run."""
    from dataclasses import replace

    below = {node.id: project.descendant_ids(node.id) | {node.id} for node in code_objs}
    below = {node_id: ids for node_id, ids in below.items() if len(ids) > 1}
    if not below:
        return by_doc
    out = {}
    for key, codings in by_doc.items():
        extra = [replace(c, code_id=node_id) for node_id, ids in below.items()
                 for c in codings if c.code_id in ids and c.code_id != node_id]
        out[key] = codings + extra
    return out


def unit_spans(project, doc, unit: str) -> list[tuple[int, int]]:
    if unit == "sentence":
        return [(s.start, s.end) for s in project.segments(doc)]
    if unit == "turn":
        return [(t.start, t.end) for t in project.turns(doc)]
    if unit == "paragraph":
        text = project.text(doc)
        spans, pos = [], 0
        for m in _PARAGRAPH_BREAK.finditer(text):
            if text[pos:m.start()].strip():
                spans.append((pos, m.start()))
            pos = m.end()
        if text[pos:].strip():
            spans.append((pos, len(text)))
        return spans
    raise QualbenchError(f"unknown unit '{unit}' (use {', '.join(UNITS)})")


def _present(units: list[tuple[int, int]], spans: list[tuple[int, int]]) -> list[int]:
    """1 for every unit overlapped by at least one span, else 0."""
    flags = [0] * len(units)
    starts = [u[0] for u in units]
    for s, e in spans:
        i = max(bisect.bisect_right(starts, s) - 1, 0)
        while i < len(units) and units[i][0] < e:
            if units[i][1] > s:
                flags[i] = 1
            i += 1
    return flags


def unit_level(project, inp: AgreementInput, unit: str = "sentence") -> dict:
    per_code: dict = {}
    per_doc_code: dict = {}
    pooled: list[list[int]] = [[] for _ in inp.coders]
    units_of = {doc.id: unit_spans(project, doc, unit) for doc in inp.documents}
    for code in inp.codes:
        ratings: list[list[int]] = [[] for _ in inp.coders]
        for doc in inp.documents:
            units = units_of[doc.id]
            doc_ratings = []
            for k, coder in enumerate(inp.coders):
                spans = [(c.start, c.end) for c in inp.codings.get((doc.id, coder), []) if c.code_id == code.id]
                flags = _present(units, spans)
                ratings[k].extend(flags)
                doc_ratings.append(flags)
            per_doc_code.setdefault(doc.name, {})[code.name] = unit_agreement(doc_ratings, categories=[0, 1])
        per_code[code.name] = unit_agreement(ratings, categories=[0, 1])
        for k in range(len(inp.coders)):
            pooled[k].extend(ratings[k])
    return {"level": "unit", "unit": unit, "coders": inp.coders,
            "documents": [d.name for d in inp.documents], "excluded_documents": inp.excluded_documents,
            "unused_codes": inp.unused_codes,
            "per_code": per_code, "per_document_code": per_doc_code,
            "overall_pooled": unit_agreement(pooled, categories=[0, 1]),
            "overall_mean_of_codes": mean_of_codes(per_code)}


def character_level(project, inp: AgreementInput) -> dict:
    documents = []
    for doc in inp.documents:
        spans = {coder: {code.name: [[c.start, c.end] for c in inp.codings.get((doc.id, coder), [])
                                     if c.code_id == code.id] for code in inp.codes}
                 for coder in inp.coders}
        documents.append({"id": doc.name, "length": doc.n_chars, "spans": spans})
    result = character_agreement(documents, inp.coders, [c.name for c in inp.codes])
    result.update(level="character", coders=inp.coders, documents=[d.name for d in inp.documents],
                  excluded_documents=inp.excluded_documents, unused_codes=inp.unused_codes)
    return result


def segment_level(project, inp: AgreementInput, threshold: float = 0.9, basis: str = "segment") -> dict:
    if len(inp.coders) != 2:
        raise QualbenchError("segment matching compares exactly two coders")
    wanted = {c.id: c.name for c in inp.codes}
    segments = {coder: [{"doc": doc.name, "code": wanted[c.code_id], "start": c.start, "end": c.end}
                        for doc in inp.documents for c in inp.codings.get((doc.id, coder), [])
                        if c.code_id in wanted]
                for coder in inp.coders}
    result = segment_agreement(segments, threshold=threshold, basis=basis)
    order = {c.name: i for i, c in enumerate(inp.codes)}  # codebook order, as at the other levels
    result["per_code"] = dict(sorted(result["per_code"].items(), key=lambda kv: order.get(kv[0], len(order))))
    result.update(level="segment", coders=inp.coders, threshold=threshold, basis=basis,
                  documents=[d.name for d in inp.documents], excluded_documents=inp.excluded_documents,
                  unused_codes=inp.unused_codes)
    return result


def reported_statistics(result: dict) -> list[str]:
    """The statistics a table shows: Cohen's κ for two coders, Light's κ (the mean of
    the pairwise Cohen's κ) in its place for three or more — never both, as for two
    coders they are the same number."""
    many = len(result.get("coders", ())) > 2
    drop = "cohen_kappa" if many else "mean_pairwise_cohen_kappa"
    return [s for s in STATISTICS if s != drop]


def to_frame(result: dict):
    """Per-code rows plus the two overall rows, one column per statistic (tidy for pandas)."""
    import pandas as pd

    level = result["level"]
    rows = []
    if level == "segment":
        for code, r in result["per_code"].items():
            rows.append({"code": code, "agreements": r["agreements"], "disagreements": r["disagreements"],
                         "total": r["total"], "percent_agreement": r["percent_agreement"]})
        o = result["overall"]
        rows.append({"code": "OVERALL", "agreements": o["agreements"], "disagreements": o["disagreements"],
                     "total": o["total"], "percent_agreement": o["percent_agreement"], "kappa": o["kappa"]})
        return pd.DataFrame(rows)
    stats = reported_statistics(result)
    for code, r in result["per_code"].items():
        rows.append({"code": code, "n_units": r.get("n_units"), **{s: r.get(s) for s in stats}})
    pooled = result["overall_pooled"]
    rows.append({"code": "OVERALL (pooled)", "n_units": pooled.get("n_units"),
                 **{s: pooled.get(s) for s in stats}})
    mean = result["overall_mean_of_codes"]
    rows.append({"code": "OVERALL (mean of codes)", "n_units": None, **{s: mean.get(s) for s in stats}})
    frame = pd.DataFrame(rows)
    frame["n_units"] = frame["n_units"].astype("Int64")
    return frame
