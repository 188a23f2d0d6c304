"""Quotes for a node of the codebook: the review screen's and the Word export's source.

Which coder's codings count: the ``consensus`` coder when it has codings and the
settings prefer it, else the coder asked for, else all coders (deduplicated by span).
"""
from __future__ import annotations

from ..analysis.representative import Quote, idf_table, rank
from .base import ProjectBase


class QuotesMixin(ProjectBase):
    def analysis_coder(self, coder: str | None = None) -> str | None:
        """The coder whose codings analyses and exports use (None = every coder)."""
        if self.settings.prefer_consensus and self.store.scalar(
                "SELECT COUNT(*) FROM codings c JOIN coders k ON k.id = c.coder_id WHERE k.name = 'consensus'"):
            return "consensus"
        return coder

    def node_code_ids(self, ref: str | int) -> list[int]:
        """The node itself and every code below it."""
        root = self.code(ref).id
        return [root, *sorted(self._descendants(root))]

    def quotes(self, ref: str | int, *, coder: str | None = None) -> list[Quote]:
        """Every quote of a node (and the codes below it), in document order."""
        ids = set(self.node_code_ids(ref))
        docs = {d.id: d for d in self.documents(all_versions=True)}
        out, seen = [], set()
        for c in self._cached_codings(self.analysis_coder(coder)):
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
