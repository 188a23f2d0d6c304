"""Codebook and coding files in and out of a project (YAML formats of qualbench, CSV).

Coding imports are all-or-nothing (every problem listed once, with "did you mean"
suggestions) and idempotent: importing the same file twice adds nothing the second time.
"""
from __future__ import annotations

import re
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
        path = _output(path)
        write_codebook(path, self.code_tree(), title=self.settings.title)
        return path

    def import_coding_file(self, path: Path | str, *, actor: str | None = None) -> dict:
        """Import a quote-anchored coding file; all-or-nothing, every problem listed.

        Idempotent: a coding already in the project (same document, coder, code and
        span) is counted as already present, not added again (see :func:`_write_codings`).
        """
        coder, items = read_anchored(Path(path))
        names = _Names(self)
        texts: dict[int, str] = {}
        problems = _Problems()
        rows = []
        for item in items:
            doc = names.document(item.document)
            if doc is None:
                problems.add(f"unknown document '{item.document}'", names.document_hint(item.document))
                continue
            code = names.code(item.code)
            if code is None:
                problems.add(f"{item.document}: unknown code '{item.code}'", names.code_hint(item.code))
                continue
            if doc.id not in texts:
                texts[doc.id] = self.text(doc)
            span = find_quote(texts[doc.id], item.quote, item.occurrence)
            if span is None:
                short = item.quote if len(item.quote) < 60 else item.quote[:57] + "..."
                problems.add(f"{item.document}: quote not found (occurrence {item.occurrence}): \"{short}\"")
                continue
            rows.append((doc, code, coder, span[0], span[1], item.memo))
        if problems:
            raise ValidationError(problems.lines(), source=path)
        result = _write_codings(self, rows, path, actor=actor or coder, coder=coder)
        return {"coder": coder, "documents": len({r[0].id for r in result.pop("new_rows")}),
                **result, "renamed": names.renamed}


CODING_COLUMNS = ["document", "coder", "code", "start", "end", "memo"]


def _output(path: Path | str) -> Path:
    """A file an export is about to write: its folder is made, a folder as the file refused."""
    from ..errors import QualbenchError

    path = Path(path)
    if path.is_dir():
        raise QualbenchError("is a folder; give a file name", source=path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise QualbenchError(f"cannot write it: {path.parent} is a file, not a folder", source=path) from None
    return path


class CodingTableMixin(ProjectBase):
    """Codings as a flat table (document, coder, code, start, end, memo) — CSV in and out."""

    def export_codings_csv(self, path: Path | str, *, coder: str | None = None) -> int:
        """Write the codings of the latest version of each document; returns how many.

        Codings left on an old version (see :meth:`old_version_codings`) are not written:
        the file names documents, not versions, so on import they would land on the
        latest text at offsets that belong to another — as REFI-QDA export does too.
        """
        import csv
        import io

        from ..exchange.refi import write_atomically

        path = _output(path)
        if coder is not None:
            self.coder_id(coder)          # "no coder 'x' in the project (coders: ...)", not an empty file
        names = {d.id: d.name for d in self.documents()}
        codes = {c.id: c.name for c in self.codes()}
        rows = [c for c in self.codings(coder=coder) if c.document_id in names]
        buffer = io.StringIO(newline="")
        w = csv.writer(buffer)
        w.writerow(CODING_COLUMNS)
        for c in rows:
            w.writerow([names[c.document_id], c.coder, codes[c.code_id], c.start, c.end, c.memo])
        write_atomically(path, buffer.getvalue().encode("utf-8"))
        return len(rows)

    def old_version_codings(self, *, coder: str | None = None) -> int:
        """How many codings are on a document version that is no longer the latest."""
        sql = ("SELECT COUNT(*) FROM codings c JOIN documents d ON d.id = c.document_id "
               "JOIN coders k ON k.id = c.coder_id WHERE d.version < "
               "(SELECT MAX(version) FROM documents d2 WHERE d2.name = d.name)")
        params: list = []
        if coder is not None:
            sql += " AND k.name = ?"
            params.append(coder)
        return self.store.scalar(sql, params)

    def import_codings_csv(self, path: Path | str, *, actor: str | None = None) -> dict:
        """All-or-nothing: every bad row is listed (row numbers as in a spreadsheet).
        Idempotent like :meth:`import_coding_file`."""
        from ..exchange.tables import read_table

        header, rows, _ = read_table(Path(path))
        lower = [h.casefold() for h in header]
        missing = [c for c in CODING_COLUMNS[:5] if c not in lower]
        if missing:
            from ..errors import InputFileError
            raise InputFileError(f"missing column(s) {', '.join(missing)} "
                                 f"(need {', '.join(CODING_COLUMNS)})", source=path)
        if not rows:
            from ..errors import InputFileError
            raise InputFileError("no codings in the file (only a header row)", source=path)
        idx = {c: lower.index(c) for c in CODING_COLUMNS if c in lower}
        names = _Names(self)
        problems = _Problems(unit="row")
        good = []
        for n, r in enumerate(rows, start=2):
            doc = names.document(r[idx["document"]])
            code = names.code(r[idx["code"]])
            coder = r[idx["coder"]].strip()
            try:
                start, end = int(r[idx["start"]]), int(r[idx["end"]])
            except ValueError:
                problems.add("start/end must be whole numbers", where=n)
                continue
            if doc is None:
                problems.add(f"unknown document '{r[idx['document']]}'",
                             names.document_hint(r[idx["document"]]), where=n)
            elif code is None:
                problems.add(f"unknown code '{r[idx['code']]}'", names.code_hint(r[idx["code"]]), where=n)
            elif not coder:
                problems.add("empty coder", where=n)
            elif not 0 <= start < end <= doc.n_chars:
                problems.add(f"span [{start}, {end}) is outside '{doc.name}' (0-{doc.n_chars})", where=n)
            else:
                memo = r[idx["memo"]] if "memo" in idx else ""
                good.append((doc, code, coder, start, end, memo))
        if problems:
            raise ValidationError(problems.lines(), source=path)
        result = _write_codings(self, good, path, actor=actor)
        result.pop("new_rows")
        return {**result, "coders": sorted({g[2] for g in good}), "renamed": names.renamed}


def _write_codings(project, rows: list[tuple], path, *, actor: str | None, coder: str | None = None) -> dict:
    """Insert (doc, code, coder, start, end, memo) rows in one transaction, skipping any
    coding the project already has — so importing a file twice changes nothing.

    The memo of a coding already present is kept, unless the file brings a
    different, non-empty one: then the file's memo replaces it (undo restores the
    old one) and the result lists it under ``memos_updated``.
    """
    existing = _existing_codings(project, {r[0].id for r in rows})
    new_rows, memo_updates, seen = [], [], set()
    present = duplicates = 0
    for doc, code, who, start, end, memo in rows:
        key = (doc.id, who, code.id, start, end)
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        if key in existing:
            present += 1
            coding_id, old_memo = existing[key]
            if memo.strip() and memo != old_memo:
                where = f"{doc.name}: memo of '{code.name}' by {who} at [{start}, {end}) replaced"
                memo_updates.append((coding_id, memo, where))
            continue
        new_rows.append((doc, code, who, start, end, memo))
    if new_rows or memo_updates:
        summary = {"file": str(path), "count": len(new_rows), "already_present": present,
                   "memos_updated": len(memo_updates)}
        if coder:
            summary["coder"] = coder
        with project._change("codings.import", actor=actor, summary=summary) as (ch, _):
            coder_ids = {who: project.ensure_coder(who) for who in sorted({r[2] for r in new_rows})}
            stamp = now()
            for doc, code, who, start, end, memo in new_rows:
                ch.insert("codings", {"document_id": doc.id, "code_id": code.id,
                                      "coder_id": coder_ids[who], "start": start, "end": end,
                                      "memo": memo, "starred": 0, "created_at": stamp})
            for coding_id, memo, _ in memo_updates:
                ch.update("codings", coding_id, {"memo": memo})
    return {"codings": len(new_rows), "already_present": present, "duplicates": duplicates,
            "memos_updated": [m for _, _, m in memo_updates], "new_rows": new_rows}


def _existing_codings(project, doc_ids: set[int]) -> dict[tuple, tuple[int, str]]:
    """(document id, coder, code id, start, end) -> (coding id, memo) for those documents."""
    out: dict[tuple, tuple[int, str]] = {}
    ids = sorted(doc_ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for r in project.store.query(
                'SELECT c.id, c.document_id, k.name AS coder, c.code_id, c.start, c."end", c.memo '
                "FROM codings c JOIN coders k ON k.id = c.coder_id "
                f"WHERE c.document_id IN ({','.join('?' * len(chunk))}) ORDER BY c.id", chunk):
            out.setdefault((r["document_id"], r["coder"], r["code_id"], r["start"], r["end"]),
                           (r["id"], r["memo"]))
    return out


class _Names:
    """Documents and codes of a coding file looked up by name, with suggestions.

    A code's former name (kept when it was renamed or merged) finds the code, as
    everywhere else; the result says which names were read so. An unknown name gets
    "did you mean …?" suggestions: documents whose participant label is that name, else
    the closest names by rapidfuzz — but never one with other numbers in it, since
    P09 is a different participant from P01, not a typo.
    """

    def __init__(self, project) -> None:
        self.docs = {d.name.casefold(): d for d in project.documents()}
        self.codes = {c.name.casefold(): c for c in project.codes()}
        by_id = {c.id: c for c in self.codes.values()}
        self.aliases = {r["name"].casefold(): by_id[r["code_id"]] for r in project.store.query(
            "SELECT name, code_id FROM code_aliases ORDER BY id") if r["code_id"] in by_id}
        self.renamed: list[tuple[str, str]] = []

    def document(self, name: str):
        return self.docs.get(name.strip().casefold())

    def code(self, name: str):
        key = name.strip().casefold()
        if key in self.codes:
            return self.codes[key]
        code = self.aliases.get(key)
        if code is not None and (name.strip(), code.name) not in self.renamed:
            self.renamed.append((name.strip(), code.name))
        return code

    def document_hint(self, name: str) -> str:
        key = name.strip().casefold()
        by_label = sorted(d.name for d in self.docs.values() if (d.participant or "").casefold() == key)
        return _did_you_mean(by_label or _closest(name, [d.name for d in self.docs.values()]))

    def code_hint(self, name: str) -> str:
        return _did_you_mean(_closest(name, [c.name for c in self.codes.values()]))


def _closest(name: str, choices: list[str], *, cutoff: float = 80.0, limit: int = 3) -> list[str]:
    from rapidfuzz import fuzz, process, utils

    numbers = set(map(int, re.findall(r"\d+", name)))
    found = process.extract(name, choices, scorer=fuzz.WRatio, processor=utils.default_process,
                            limit=limit * 3, score_cutoff=cutoff)
    out = []
    for choice, score, _ in found:
        if numbers and not numbers <= set(map(int, re.findall(r"\d+", choice))):
            continue
        if out and score < found[0][1] - 10:
            break
        out.append(choice)
    return out[:limit]


def _did_you_mean(names: list[str]) -> str:
    if not names:
        return ""
    quoted = [f"'{n}'" for n in names[:3]]
    return "did you mean " + (quoted[0] if len(quoted) == 1 else
                              ", ".join(quoted[:-1]) + " or " + quoted[-1]) + "?"


class _Problems:
    """Problems of a coding file, each said once: "unknown document 'P01' (3 codings)".

    With ``unit="row"`` the spreadsheet rows are named: "rows 3, 5 and 7: ...".
    """

    def __init__(self, unit: str | None = None) -> None:
        self.unit = unit
        self.items: dict[str, dict] = {}

    def add(self, message: str, hint: str = "", *, where: int | None = None) -> None:
        entry = self.items.setdefault(message, {"hint": hint, "where": [], "n": 0})
        entry["n"] += 1
        if where is not None:
            entry["where"].append(where)

    def __bool__(self) -> bool:
        return bool(self.items)

    def lines(self) -> list[str]:
        out = []
        for message, e in self.items.items():
            line = message + (f" ({e['n']} codings)" if e["n"] > 1 else "")
            if e["hint"]:
                line += f"; {e['hint']}"
            if self.unit and e["where"]:
                rows = e["where"]
                named = ", ".join(map(str, rows[:6])) + (f" and {len(rows) - 6} more" if len(rows) > 6 else "")
                if 1 < len(rows) <= 6:
                    named = ", ".join(map(str, rows[:-1])) + f" and {rows[-1]}"
                line = f"{self.unit}{'s' if len(rows) > 1 else ''} {named}: {line}"
            out.append(line)
        return out
