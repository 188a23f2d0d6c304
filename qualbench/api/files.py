"""Codebook and coding files in and out of a project (YAML formats of qualbench)."""
from __future__ import annotations

from pathlib import Path

from ..errors import ValidationError
from ..exchange.anchored import find_quote, read_anchored
from ..exchange.codebook import read_codebook, write_codebook
from .base import ProjectBase, now


class FilesMixin(ProjectBase):
    def import_codebook(self, path: Path | str, *, actor: str | None = None) -> dict:
        _, nodes = read_codebook(Path(path))
        return self.import_codebook_tree(nodes, actor=actor, source=str(path))

    def code_tree(self) -> list[dict]:
        """The codebook as nested dicts (root nodes first, siblings by position)."""
        rows = self.store.query("SELECT * FROM codes ORDER BY position, id")
        children: dict = {}
        for r in rows:
            children.setdefault(r["parent_id"], []).append(dict(r))
        def build(parent):
            return [{**r, "children": build(r["id"])} for r in children.get(parent, [])]
        return build(None)

    def export_codebook(self, path: Path | str) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_codebook(path, self.code_tree(), title=self.settings.title)
        return path

    def import_coding_file(self, path: Path | str, *, actor: str | None = None) -> dict:
        """Import a quote-anchored coding file; all-or-nothing, every problem listed."""
        coder, items = read_anchored(Path(path))
        docs = {d.name.casefold(): d for d in self.documents()}
        codes = {c.name.casefold(): c for c in self.codes()}
        texts: dict[int, str] = {}
        problems, rows = [], []
        for item in items:
            doc = docs.get(item.document.casefold())
            if doc is None:
                problems.append(f"unknown document '{item.document}'")
                continue
            code = codes.get(item.code.casefold())
            if code is None:
                problems.append(f"{item.document}: unknown code '{item.code}'")
                continue
            text = texts.setdefault(doc.id, self.text(doc))
            span = find_quote(text, item.quote, item.occurrence)
            if span is None:
                short = item.quote if len(item.quote) < 60 else item.quote[:57] + "..."
                problems.append(f"{item.document}: quote not found (occurrence {item.occurrence}): \"{short}\"")
                continue
            rows.append((doc, code, span, item.memo))
        if problems:
            raise ValidationError(problems, source=path)
        coder_id = self.ensure_coder(coder)
        with self._change("codings.import", actor=actor or coder,
                          summary={"file": str(path), "coder": coder, "count": len(rows)}) as (ch, _):
            stamp = now()
            for doc, code, (start, end), memo in rows:
                ch.insert("codings", {"document_id": doc.id, "code_id": code.id, "coder_id": coder_id,
                                      "start": start, "end": end, "memo": memo, "starred": 0,
                                      "created_at": stamp})
        return {"coder": coder, "codings": len(rows), "documents": len({r[0].id for r in rows})}
