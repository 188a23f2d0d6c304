"""Read-side queries of the codebook, compare and review screens: counts, fragments, outcomes.

* :meth:`node_counts` — per node of the codebook, the codings, interviews and participants
  of the node *and everything below it* (a theme counts its categories' codes), with the
  codings per coder. One grouped query, rolled up the tree in Python: cheap enough to
  redo after every merge or move, even with tens of thousands of codings.
* :meth:`outcomes_by_participant` — responder label and would-repeat answer for every
  participant at once (:meth:`outcome_of` per fragment would rebuild the participants
  table each time).
* :meth:`fragments` — one code's codings with their text and the participant's outcome:
  the rows of the compare view.

All of this only reads; the writes the screens make are the codebook operations in
:mod:`.codebook_ops`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..analysis.outcomes import NO_OUTCOME
from .base import ProjectBase


@dataclass(frozen=True)
class NodeCounts:
    codings: int = 0
    documents: int = 0
    participants: int = 0
    by_coder: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    responder: str = NO_OUTCOME          # "responder" / "non-responder" / "no outcome"
    responder_class: str = NO_OUTCOME    # the scheme's label
    would_repeat: str | None = None      # "yes" / "no" / None

    def label(self) -> str:
        """'responder, would repeat' — how a quote's source is shown to a reader."""
        parts = [self.responder]
        if self.would_repeat == "yes":
            parts.append("would repeat")
        elif self.would_repeat == "no":
            parts.append("would not repeat")
        return ", ".join(parts)


@dataclass(frozen=True)
class Fragment:
    coding_id: int
    code_id: int
    document_id: int
    document: str
    participant: str | None
    coder: str
    start: int
    end: int
    text: str
    starred: bool
    memo: str
    outcome: Outcome

    @property
    def label(self) -> str:
        return self.participant or self.document

    @property
    def words(self) -> int:
        return len(self.text.split())


class ReviewMixin(ProjectBase):
    def node_counts(self, coder: str | None = None) -> dict[int, NodeCounts]:
        """Counts for every node (zero for unused ones); ``coder`` limits them to one coder."""
        sql = ('SELECT c.code_id, k.name AS coder, c.document_id, d.participant, COUNT(*) AS n '
               "FROM codings c JOIN coders k ON k.id = c.coder_id JOIN documents d ON d.id = c.document_id "
               "WHERE d.version = (SELECT MAX(version) FROM documents d2 WHERE d2.name = d.name)")
        params: list = []
        if coder is not None:
            sql += " AND k.name = ?"
            params.append(coder)
        rows = self.store.query(sql + " GROUP BY c.code_id, k.name, c.document_id", params)
        parent = {c.id: c.parent_id for c in self.codes()}
        codings = dict.fromkeys(parent, 0)
        docs: dict[int, set] = {cid: set() for cid in parent}
        people: dict[int, set] = {cid: set() for cid in parent}
        by_coder: dict[int, dict[str, int]] = {cid: {} for cid in parent}
        for r in rows:
            node = r["code_id"]
            while node is not None and node in parent:  # the code, then each ancestor
                codings[node] += r["n"]
                docs[node].add(r["document_id"])
                if r["participant"]:
                    people[node].add(r["participant"].casefold())
                by_coder[node][r["coder"]] = by_coder[node].get(r["coder"], 0) + r["n"]
                node = parent[node]
        return {cid: NodeCounts(codings[cid], len(docs[cid]), len(people[cid]), dict(sorted(by_coder[cid].items())))
                for cid in parent}

    def outcomes_by_participant(self) -> dict[str, Outcome]:
        """Casefolded participant label -> :class:`Outcome`."""
        out: dict[str, Outcome] = {}
        for _, r in self.participants().iterrows():
            wr = r["would_repeat_answer"]
            if wr is not None and isinstance(wr, float) and math.isnan(wr):
                wr = None
            out[str(r["participant"]).casefold()] = Outcome(str(r["responder"]), str(r["responder_class"]), wr)
        return out

    def outcome_for(self, participant: str | None, table: dict[str, Outcome] | None = None) -> Outcome:
        table = self.outcomes_by_participant() if table is None else table
        return table.get((participant or "").casefold(), Outcome())

    def fragments(self, ref: str | int, *, coder: str | None = None) -> list[Fragment]:
        """Every coding of one code (not the codes below it) on the interviews' latest
        versions, in document order."""
        code = self.code(ref)
        docs = {d.id: d for d in self.documents()}
        outcomes = self.outcomes_by_participant()
        texts: dict[int, str] = {}
        out = []
        for c in self.codings(code=code.id, coder=coder):
            if c.document_id not in docs:
                continue  # left on an old version
            if c.document_id not in texts:  # (setdefault would read the text for every coding)
                texts[c.document_id] = self.text(c.document_id)
            text = texts[c.document_id]
            doc = docs[c.document_id]
            out.append(Fragment(c.id, c.code_id, c.document_id, doc.name, doc.participant, c.coder,
                                c.start, c.end, text[c.start:c.end].strip(), c.starred, c.memo,
                                self.outcome_for(doc.participant, outcomes)))
        return out


__all__ = ["ReviewMixin", "NodeCounts", "Outcome", "Fragment"]
