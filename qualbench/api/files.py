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
            if doc.id not in texts:
                texts[doc.id] = self.text(doc)
            text = texts[doc.id]
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


CODING_COLUMNS = ["document", "coder", "code", "start", "end", "memo"]


class CodingTableMixin(ProjectBase):
    """Codings as a flat table (document, coder, code, start, end, memo) — CSV in and out."""

    def export_codings_csv(self, path: Path | str, *, coder: str | None = None) -> int:
        import csv

        names = {d.id: d.name for d in self.documents(all_versions=True)}
        codes = {c.id: c.name for c in self.codes()}
        rows = self.codings(coder=coder)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(CODING_COLUMNS)
            for c in rows:
                w.writerow([names[c.document_id], c.coder, codes[c.code_id], c.start, c.end, c.memo])
        return len(rows)

    def import_codings_csv(self, path: Path | str, *, actor: str | None = None) -> dict:
        """All-or-nothing: every bad row is listed (row numbers as in a spreadsheet)."""
        from ..exchange.tables import read_table

        header, rows, _ = read_table(Path(path))
        lower = [h.casefold() for h in header]
        missing = [c for c in CODING_COLUMNS[:5] if c not in lower]
        if missing:
            from ..errors import InputFileError
            raise InputFileError(f"missing column(s) {', '.join(missing)} "
                                 f"(need {', '.join(CODING_COLUMNS)})", source=path)
        idx = {c: lower.index(c) for c in CODING_COLUMNS if c in lower}
        docs = {d.name.casefold(): d for d in self.documents()}
        codes = {c.name.casefold(): c for c in self.codes()}
        problems, good = [], []
        for n, r in enumerate(rows, start=2):
            doc = docs.get(r[idx["document"]].casefold())
            code = codes.get(r[idx["code"]].casefold())
            coder = r[idx["coder"]].strip()
            try:
                start, end = int(r[idx["start"]]), int(r[idx["end"]])
            except ValueError:
                problems.append(f"row {n}: start/end must be whole numbers")
                continue
            if doc is None:
                problems.append(f"row {n}: unknown document '{r[idx['document']]}'")
            elif code is None:
                problems.append(f"row {n}: unknown code '{r[idx['code']]}'")
            elif not coder:
                problems.append(f"row {n}: empty coder")
            elif not 0 <= start < end <= doc.n_chars:
                problems.append(f"row {n}: span [{start}, {end}) is outside '{doc.name}' (0-{doc.n_chars})")
            else:
                memo = r[idx["memo"]] if "memo" in idx else ""
                good.append((doc, code, coder, start, end, memo))
        if problems:
            raise ValidationError(problems, source=path)
        coder_ids = {c: self.ensure_coder(c) for c in {g[2] for g in good}}
        with self._change("codings.import", actor=actor, summary={"file": str(path), "count": len(good)}) as (ch, _):
            stamp = now()
            for doc, code, coder, start, end, memo in good:
                ch.insert("codings", {"document_id": doc.id, "code_id": code.id, "coder_id": coder_ids[coder],
                                      "start": start, "end": end, "memo": memo, "starred": 0,
                                      "created_at": stamp})
        return {"codings": len(good), "coders": sorted(coder_ids)}
