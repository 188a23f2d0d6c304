"""Settling two coders' disagreements into a ``consensus`` coding set.

For each document and code, the two coders' codings that overlap each other form a
*cluster* (connected by overlap). A cluster where both coders have exactly the same
spans is an agreement; every other cluster is a disagreement of one kind:

* ``boundary`` — both coded it, with different boundaries;
* ``only_a`` / ``only_b`` — one coder coded it, the other did not (with this code).

A neighbouring-code disagreement (A says X, B says Y on the same passage) shows up as an
``only_a`` under X and an ``only_b`` under Y, each settled on its own.

:meth:`start_consensus` copies every agreement into the consensus set. Each
disagreement is then settled by taking A's spans, B's, both, an edited span, or none;
the settlement and the consensus codings it creates are one undoable event, and
progress ("37 of 52 settled") is counted from the settlements table.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import QualbenchError
from .base import ProjectBase, now

CONSENSUS = "consensus"


@dataclass(frozen=True)
class Disagreement:
    document_id: int
    document: str
    participant: str | None
    code_id: int
    code: str
    kind: str                       # boundary | only_a | only_b
    start: int                      # range covered by the cluster
    end: int
    spans_a: tuple[tuple[int, int], ...]
    spans_b: tuple[tuple[int, int], ...]
    decision: str | None = None     # a | b | both | edit | none, once settled

    @property
    def key(self) -> tuple[int, int, int, int]:
        return (self.document_id, self.code_id, self.start, self.end)

    def kind_text(self, coder_a: str, coder_b: str) -> str:
        """'boundaries', 'only coder_a' or 'only coder_b' — how the kind reads to a person."""
        if self.kind == "boundary":
            return "boundaries"
        return f"only {coder_a if self.kind == 'only_a' else coder_b}"


def clusters(spans_a: list[tuple[int, int]], spans_b: list[tuple[int, int]]):
    """Group spans of both coders into overlap-connected clusters: [(start, end, A, B)]."""
    tagged = sorted([(s, e, "a") for s, e in spans_a] + [(s, e, "b") for s, e in spans_b])
    out: list[list] = []
    for s, e, who in tagged:
        if out and s < out[-1][1]:  # overlaps the current cluster (touching is not overlap)
            cur = out[-1]
            cur[1] = max(cur[1], e)
            cur[2 if who == "a" else 3].append((s, e))
        else:
            out.append([s, e, [(s, e)] if who == "a" else [], [(s, e)] if who == "b" else []])
    return [(s, e, tuple(a), tuple(b)) for s, e, a, b in out]


class ReconcileMixin(ProjectBase):
    def disagreements(self, coder_a: str, coder_b: str, *, code: str | int | None = None,
                      include_settled: bool = True) -> list[Disagreement]:
        self.coder_id(coder_a)
        self.coder_id(coder_b)
        code_filter = set(self.node_code_ids(code)) if code is not None else None
        by_key: dict = {}
        for who, coder in (("a", coder_a), ("b", coder_b)):
            for c in self.codings(coder=coder):
                if code_filter is None or c.code_id in code_filter:
                    by_key.setdefault((c.document_id, c.code_id), ([], []))[0 if who == "a" else 1].append((c.start, c.end))
        coded_a = {c.document_id for c in self.codings(coder=coder_a)}
        coded_b = {c.document_id for c in self.codings(coder=coder_b)}
        both_docs = coded_a & coded_b  # as in agreement: only documents both coders coded
        settled = {(r["document_id"], r["code_id"], r["start"], r["end"]): r["decision"]
                   for r in self.store.query("SELECT * FROM settlements WHERE coder_a = ? AND coder_b = ?",
                                             [coder_a, coder_b])}
        docs = {d.id: d for d in self.documents(all_versions=True)}
        names = {c.id: c.name for c in self.codes()}
        out = []
        for (doc_id, code_id), (sa, sb) in sorted(by_key.items()):
            if doc_id not in both_docs:
                continue
            for s, e, a, b in clusters(sa, sb):
                if sorted(a) == sorted(b):
                    continue
                kind = "boundary" if a and b else ("only_a" if a else "only_b")
                decision = settled.get((doc_id, code_id, s, e))
                if decision and not include_settled:
                    continue
                d = docs[doc_id]
                out.append(Disagreement(doc_id, d.name, d.participant, code_id, names[code_id], kind,
                                        s, e, tuple(sorted(a)), tuple(sorted(b)), decision))
        return out

    def check_coder_pair(self, coder_a: str, coder_b: str) -> None:
        """Both coders exist and differ — checked before anything is written."""
        for name in (coder_a, coder_b):
            self.coder_id(name)  # a clear error for an unknown coder
            if name == CONSENSUS:
                raise QualbenchError("the consensus set is what reconciling writes; compare two coders")
        if coder_a == coder_b:
            raise QualbenchError(f"reconciling needs two different coders, not {coder_a} twice")

    def reconciliation_progress(self, coder_a: str, coder_b: str, *, code: str | int | None = None) -> tuple[int, int]:
        items = self.disagreements(coder_a, coder_b, code=code)
        return sum(1 for d in items if d.decision), len(items)

    def agreed_to_copy(self, coder_a: str, coder_b: str) -> int:
        """How many codings :meth:`start_consensus` would copy now (ask before doing it)."""
        self.check_coder_pair(coder_a, coder_b)
        return len(self._agreed(coder_a, coder_b)[0])

    def _agreed(self, coder_a: str, coder_b: str):
        """(agreed keys not yet in consensus, A's codings by key): identical document,
        code and span for both coders."""
        have = {(c.document_id, c.code_id, c.start, c.end) for c in self.codings(coder=CONSENSUS)}
        a = {(c.document_id, c.code_id, c.start, c.end): c for c in self.codings(coder=coder_a)}
        b = {(c.document_id, c.code_id, c.start, c.end) for c in self.codings(coder=coder_b)}
        return [k for k in a if k in b and k not in have], a

    def start_consensus(self, coder_a: str, coder_b: str, *, actor: str | None = None) -> int:
        """Copy every agreed coding (identical span, same code, both coders) to consensus."""
        self.check_coder_pair(coder_a, coder_b)
        agreed, a = self._agreed(coder_a, coder_b)
        consensus_id = self.ensure_coder(CONSENSUS, kind="consensus")
        with self._change("consensus.start", actor=actor, skip_if_unchanged=True, summary={
                "coders": [coder_a, coder_b], "copied": len(agreed)}) as (ch, _):
            for doc_id, code_id, s, e in sorted(agreed):
                ch.insert("codings", {"document_id": doc_id, "code_id": code_id, "coder_id": consensus_id,
                                      "start": s, "end": e, "memo": a[(doc_id, code_id, s, e)].memo,
                                      "starred": 0, "created_at": now()})
        return len(agreed)

    def settle(self, item: Disagreement, decision: str, *, coder_a: str, coder_b: str,
               span: tuple[int, int] | None = None, actor: str | None = None, reason: str = "") -> None:
        """Settle one disagreement: take A's spans, B's, both, an edited span, or none."""
        if decision not in ("a", "b", "both", "edit", "none"):
            raise QualbenchError(f"unknown decision '{decision}' (use a, b, both, edit or none)")
        if decision == "edit":
            if span is None or not (0 <= span[0] < span[1] <= self.document(item.document_id).n_chars):
                raise QualbenchError("an edited settlement needs a valid span inside the document")
            spans = [tuple(span)]
        else:
            spans = {"a": list(item.spans_a), "b": list(item.spans_b),
                     "both": sorted(set(item.spans_a) | set(item.spans_b)), "none": []}[decision]
        if decision in ("a", "b") and not spans:
            raise QualbenchError(f"coder {'A' if decision == 'a' else 'B'} has no coding here; "
                                 "choose 'none' to leave it uncoded")
        consensus_id = self.ensure_coder(CONSENSUS, kind="consensus")
        previous = self.store.one('SELECT id FROM settlements WHERE document_id = ? AND code_id = ? AND start = ? '
                                  'AND "end" = ? AND coder_a = ? AND coder_b = ?',
                                  [item.document_id, item.code_id, item.start, item.end, coder_a, coder_b])
        with self._change("consensus.settle", actor=actor, reason=reason, summary={
                "document": item.document, "code": item.code, "kind": item.kind,
                "decision": decision, "range": [item.start, item.end]}) as (ch, _):
            # A re-settlement replaces the consensus codings inside the cluster's range.
            for c in self.codings(doc=item.document_id, coder=CONSENSUS):
                if c.code_id == item.code_id and c.start >= item.start and c.end <= item.end:
                    ch.delete("codings", c.id)
            if previous:
                ch.delete("settlements", previous["id"])
            for s, e in spans:
                ch.insert("codings", {"document_id": item.document_id, "code_id": item.code_id,
                                      "coder_id": consensus_id, "start": s, "end": e, "memo": reason,
                                      "starred": 0, "created_at": now()})
            ch.insert("settlements", {"document_id": item.document_id, "code_id": item.code_id,
                                      "coder_a": coder_a, "coder_b": coder_b, "start": item.start,
                                      "end": item.end, "decision": decision,
                                      "settled_by": actor or "", "created_at": now()})
