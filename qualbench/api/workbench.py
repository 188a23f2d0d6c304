"""Read-side queries the coding workbench needs, kept out of the TUI (which holds no SQL).

* :meth:`document_overview` — one row per interview for the documents table: words,
  how much of it the active coder has coded, and the participant's outcome.
* :meth:`blind_for` — whether a coder must see only their own codings (the
  ``blind_mode`` setting: "on", "off" or "auto" = on once two human coders exist).
* :meth:`recent_codes` — the codes a coder used last, newest first; read from the
  codings themselves, so the list survives a restart and follows undo.
* :meth:`sentence_spans` — just the ``(start, end)`` of every segment, for the
  transcript view of a long interview (no text, no objects: a fifth of the time of
  :meth:`segments` on a 300,000-character document).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..model import Code, Document
from ..spans import union_length
from .base import ProjectBase

_ON = {"on", "true", "yes", "1", "always"}
_OFF = {"off", "false", "no", "0", "never"}


@dataclass(frozen=True)
class DocumentRow:
    document: Document
    participant: str | None
    words: int
    coded_pct: float           # share of the text inside at least one of the coder's codings
    codings: int               # the coder's codings in this document
    responder_class: str
    responder: str
    would_repeat: str | None   # "yes" / "no" / None


class WorkbenchMixin(ProjectBase):
    def human_coders(self) -> list[str]:
        return [r["name"] for r in self.store.query(
            "SELECT name FROM coders WHERE kind = 'human' ORDER BY id")]

    def blind_for(self, coder: str) -> bool:
        mode = str(self.settings.blind_mode).strip().lower()
        if mode in _ON:
            return True
        if mode in _OFF:
            return False
        humans = set(self.human_coders())
        known = {r["name"] for r in self.coders()}
        if coder and coder not in known:
            humans.add(coder)  # a coder about to start counts, or they would see the others' work
        return len(humans) >= 2

    def recent_codes(self, coder: str, limit: int = 9) -> list[Code]:
        rows = self.store.query(
            "SELECT c.code_id, MAX(c.id) AS last FROM codings c JOIN coders k ON k.id = c.coder_id "
            "WHERE k.name = ? GROUP BY c.code_id ORDER BY last DESC LIMIT ?", [coder, int(limit)])
        by_id = {c.id: c for c in self.codes()}
        return [by_id[r["code_id"]] for r in rows if r["code_id"] in by_id]

    def sentence_spans(self, doc: Document | int) -> list[tuple[int, int]]:
        doc_id = doc.id if isinstance(doc, Document) else doc
        with self.store.lock:
            return self.db.execute('SELECT start, "end" FROM segments WHERE document_id = ? '
                                   "ORDER BY idx", [doc_id]).fetchall()

    def document_overview(self, coder: str) -> list[DocumentRow]:
        docs = self.documents()
        spans: dict[int, list[tuple[int, int]]] = {}
        for r in self.store.query(
                'SELECT c.document_id, c.start, c."end" FROM codings c JOIN coders k ON k.id = c.coder_id '
                "WHERE k.name = ? ORDER BY c.document_id, c.start", [coder]):
            spans.setdefault(r["document_id"], []).append((r["start"], r["end"]))
        outcomes = {}
        df = self.participants()
        for _, p in df.iterrows():
            outcomes[str(p["participant"]).casefold()] = p
        rows = []
        for d in docs:
            covered = union_length(spans.get(d.id, []))
            p = outcomes.get((d.participant or "").casefold())
            wr = None if p is None else p["would_repeat_answer"]
            rows.append(DocumentRow(
                document=d, participant=d.participant, words=d.n_words,
                coded_pct=100.0 * covered / d.n_chars if d.n_chars else 0.0,
                codings=len(spans.get(d.id, [])),
                responder_class="" if p is None else str(p["responder_class"]),
                responder="" if p is None else str(p["responder"]),
                would_repeat=None if wr is None or (isinstance(wr, float) and math.isnan(wr)) else str(wr)))
        return rows


__all__ = ["WorkbenchMixin", "DocumentRow"]
