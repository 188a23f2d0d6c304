"""The analysis set — which codings analyses, quotes and exports use — and quotes.

The **analysis set** is decided per interview, so it is always one coding per passage,
never two coders counted twice:

* an interview that is fully reconciled — it has ``consensus`` codings and no open
  disagreement between the coders that were reconciled — counts its consensus codings
  (when ``prefer_consensus`` is on, the default);
* every other interview counts the chosen coder's codings (``coder``, else
  ``analysis_coder`` from qualbench.toml, else the human coder with the most codings).

So a team that double-coded 10 of 28 interviews and reconciled them analyses the 10
consensus versions plus the main coder's 18 — and a half-finished reconciliation never
silently shrinks an analysis. :class:`AnalysisSet` carries a label saying exactly that.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..analysis.representative import Quote, idf_table, rank
from ..model import Coding
from .base import ProjectBase

CONSENSUS = "consensus"


@dataclass(frozen=True)
class AnalysisSet:
    coder: str                                   # the coder used where not reconciled
    codings: list[Coding] = field(default_factory=list)
    consensus_documents: frozenset[int] = frozenset()

    @property
    def label(self) -> str:
        n = len(self.consensus_documents)
        if not n:
            return self.coder
        return f"consensus for {n} reconciled interview{'s' if n != 1 else ''}, {self.coder} for the others"


class QuotesMixin(ProjectBase):
    def default_analysis_coder(self) -> str:
        """``analysis_coder`` from qualbench.toml, else the human coder with the most codings.

        Not the default coder: that is who is typing in the workbench. One stray coding by
        the default coder must not swap every analysis over to their one coding."""
        chosen = self.settings.analysis_coder
        if chosen:
            self.coder_id(chosen)  # a clear error for a name that is not a coder
            return chosen
        counts = {r["name"]: r["n"] for r in self.store.query(
            "SELECT k.name, COUNT(c.id) AS n FROM coders k LEFT JOIN codings c ON c.coder_id = k.id "
            "WHERE k.kind = 'human' GROUP BY k.id")}
        busiest = max(counts.items(), key=lambda kv: (kv[1], kv[0]), default=(None, 0))
        return busiest[0] if busiest[1] else self.settings.default_coder

    def reconciled_documents(self) -> set[int]:
        """Interviews with consensus codings and no open disagreement left."""
        with_consensus = {c.document_id for c in self._cached_codings(CONSENSUS)}
        if not with_consensus:
            return set()
        pairs = {(r["coder_a"], r["coder_b"]) for r in self.store.query(
            "SELECT DISTINCT coder_a, coder_b FROM settlements")}
        for r in self.store.query("SELECT summary FROM events WHERE action = 'consensus.start'"):
            coders = json.loads(r["summary"]).get("coders") or []
            if len(coders) == 2:
                pairs.add(tuple(coders))
        open_docs = {d.document_id for a, b in pairs
                     for d in self.disagreements(a, b, include_settled=False)}
        return with_consensus - open_docs

    def analysis_set(self, coder: str | None = None) -> AnalysisSet:
        """The codings analyses use (rule in the module docstring)."""
        if coder:
            self.coder_id(coder)  # a clear error for an unknown name
            if coder == CONSENSUS:
                latest = self._latest_document_ids()
                return AnalysisSet(CONSENSUS, [c for c in self._cached_codings(CONSENSUS) if c.document_id in latest])
        base = coder or self.default_analysis_coder()
        reconciled = self.reconciled_documents() if self.settings.prefer_consensus else set()
        # Only each interview's latest version: codings that could not be carried to a new
        # version stay on the old text and must not be quoted or counted as current.
        latest = self._latest_document_ids()
        codings = [c for c in self._cached_codings(base)
                   if c.document_id not in reconciled and c.document_id in latest]
        codings += [c for c in self._cached_codings(CONSENSUS) if c.document_id in reconciled]
        codings.sort(key=lambda c: (c.document_id, c.start, c.end, c.id))
        return AnalysisSet(base, codings, frozenset(reconciled))

    def _latest_document_ids(self) -> set[int]:
        """Ids of each interview's latest version (without reading the texts, as
        documents() does for their lengths: this runs once per quote lookup)."""
        return {r["id"] for r in self.store.query(
            "SELECT id FROM documents d WHERE version = "
            "(SELECT MAX(version) FROM documents d2 WHERE d2.name = d.name)")}

    def analysis_coder(self, coder: str | None = None) -> str:
        """The label of the analysis set (kept for callers that only show it)."""
        return self.analysis_set(coder).label

    def node_code_ids(self, ref: str | int) -> list[int]:
        """The node itself and every code below it."""
        root = self.code(ref).id
        return [root, *sorted(self.descendant_ids(root))]

    def quotes(self, ref: str | int, *, coder: str | None = None) -> list[Quote]:
        """Every quote of a node (and the codes below it) in the analysis set, in document order."""
        ids = set(self.node_code_ids(ref))
        docs = {d.id: d for d in self.documents(all_versions=True)}
        out, seen = [], set()
        for c in self.analysis_set(coder).codings:
            if c.code_id not in ids or (c.document_id, c.start, c.end) in seen:
                continue
            seen.add((c.document_id, c.start, c.end))
            text = self._cached_text(c.document_id)
            doc = docs[c.document_id]
            out.append(Quote(c.id, doc.name, doc.participant, c.coder, c.start, c.end,
                             text[c.start:c.end].strip(), c.starred))
        return out

    def representative_quotes(self, ref: str | int, n: int = 3, *, coder: str | None = None) -> list[Quote]:
        """The n most representative quotes (rule: :mod:`qualbench.analysis.representative`)."""
        return rank(self.quotes(ref, coder=coder), self._idf(), n)

    # Every write adds an event, so the newest event id says whether a cache is stale.
    def _version(self) -> int:
        return self.store.scalar("SELECT COALESCE(MAX(id), 0) FROM events")

    def _cached(self, name: str, build):
        version = self._version()
        cache = self.__dict__.setdefault("_quote_cache", {})
        if name not in cache or cache[name][0] != version:
            cache[name] = (version, build())
        return cache[name][1]

    def _cached_codings(self, coder: str | None):
        if coder is not None and not self.store.one("SELECT id FROM coders WHERE name = ?", [coder]):
            return []
        return self._cached(f"codings:{coder}", lambda: self.codings(coder=coder))

    def _cached_text(self, document_id: int) -> str:
        # Text is immutable after import, so this cache never goes stale.
        texts = self.__dict__.setdefault("_text_cache", {})
        if document_id not in texts:
            texts[document_id] = self.text(document_id)
        return texts[document_id]

    def _idf(self) -> dict[str, float]:
        return self._cached("idf", lambda: idf_table(
            [self._cached_text(c.document_id)[c.start:c.end] for c in self._cached_codings(None)]))
