"""Codings: a coder attaches a code to a ``[start, end)`` span of a document.

Every coding belongs to a coder; independent coding, agreement and the reconciled
``consensus`` set are all just codings with different coders.
"""
from __future__ import annotations

from ..errors import NotFoundError, QualbenchError
from ..model import Code, Coding, Document
from .base import ProjectBase, now

_COLS = ('c.id, c.document_id, c.code_id, k.name AS coder, c.start, c."end", c.memo, '
         'c.starred')


class CodingsMixin(ProjectBase):
    def add_coding(self, doc: Document | str | int, code: Code | str | int, coder: str,
                   start: int, end: int, *, memo: str = "", actor: str | None = None) -> Coding:
        document = doc if isinstance(doc, Document) else self.document(doc)
        code_obj = code if isinstance(code, Code) else self.code(code)
        self._check_span(document, start, end)
        coder_id = self.ensure_coder(coder)
        with self._change("coding.add", actor=actor or coder, summary={
                "document": document.name, "code": code_obj.name, "coder": coder,
                "start": start, "end": end}) as (ch, info):
            cid = ch.insert("codings", {
                "document_id": document.id, "code_id": code_obj.id, "coder_id": coder_id,
                "start": start, "end": end, "memo": memo, "starred": 0, "created_at": now()})
            info["id"] = cid
        return self.coding(cid)

    def _check_span(self, document: Document, start: int, end: int) -> None:
        if not (0 <= start < end <= document.n_chars):
            raise QualbenchError(
                f"span [{start}, {end}) is not inside '{document.name}' (0-{document.n_chars}) or is empty")

    def coding(self, coding_id: int) -> Coding:
        row = self.store.one(f"SELECT {_COLS} FROM codings c JOIN coders k ON k.id = c.coder_id "
                             "WHERE c.id = ?", [coding_id])
        if row is None:
            raise NotFoundError(f"no coding {coding_id}")
        return Coding(**{**row, "starred": bool(row["starred"])})

    def codings(self, *, doc: Document | str | int | None = None, coder: str | None = None,
                code: str | int | None = None) -> list[Coding]:
        sql = f"SELECT {_COLS} FROM codings c JOIN coders k ON k.id = c.coder_id WHERE 1=1"
        params: list = []
        if doc is not None:
            document = doc if isinstance(doc, Document) else self.document(doc)
            sql += " AND c.document_id = ?"
            params.append(document.id)
        if coder is not None:
            sql += " AND k.name = ?"
            params.append(coder)
        if code is not None:
            sql += " AND c.code_id = ?"
            params.append(self.code(code).id)
        sql += ' ORDER BY c.document_id, c.start, c."end", c.id'
        return [Coding(**{**r, "starred": bool(r["starred"])}) for r in self.store.query(sql, params)]

    def remove_coding(self, coding_id: int, *, actor: str | None = None) -> None:
        coding = self.coding(coding_id)
        with self._change("coding.remove", actor=actor or coding.coder, summary={
                "id": coding_id, "code_id": coding.code_id, "coder": coding.coder}) as (ch, _):
            ch.delete("codings", coding_id)

    def update_coding(self, coding_id: int, *, start: int | None = None, end: int | None = None,
                      code: str | int | None = None, memo: str | None = None,
                      starred: bool | None = None, actor: str | None = None, reason: str = "") -> Coding:
        coding = self.coding(coding_id)
        changes: dict = {}
        if start is not None or end is not None:
            s = coding.start if start is None else start
            e = coding.end if end is None else end
            self._check_span(self.document(coding.document_id), s, e)
            changes.update(start=s, end=e)
        if code is not None:
            changes["code_id"] = self.code(code).id
        if memo is not None:
            changes["memo"] = memo
        if starred is not None:
            changes["starred"] = int(starred)
        action = "coding.memo" if set(changes) == {"memo"} else "coding.update"
        with self._change(action, actor=actor or coding.coder, reason=reason,
                          summary={"id": coding_id, **{k: v for k, v in changes.items() if k != "memo"}}) as (ch, _):
            ch.update("codings", coding_id, changes)
        return self.coding(coding_id)

    # -- memos on documents, codes and the project ---------------------------------------
    def memo(self, target_type: str, target_id: int | None) -> str:
        row = self.store.one("SELECT text FROM memos WHERE target_type = ? AND target_id IS ? "
                             "ORDER BY id DESC LIMIT 1", [target_type, target_id])
        return row["text"] if row else ""

    def set_memo(self, target_type: str, target_id: int | None, text: str, *, coder: str | None = None) -> None:
        if target_type not in ("project", "document", "code"):
            raise QualbenchError(f"memos attach to a project, document or code, not '{target_type}'")
        coder_id = self.ensure_coder(coder) if coder else None
        row = self.store.one("SELECT id FROM memos WHERE target_type = ? AND target_id IS ? "
                             "ORDER BY id DESC LIMIT 1", [target_type, target_id])
        with self._change("memo.set", actor=coder, summary={"target": target_type, "id": target_id}) as (ch, _):
            if row:
                ch.update("memos", row["id"], {"text": text, "updated_at": now()})
            else:
                ch.insert("memos", {"target_type": target_type, "target_id": target_id,
                                    "coder_id": coder_id, "text": text,
                                    "created_at": now(), "updated_at": now()})
