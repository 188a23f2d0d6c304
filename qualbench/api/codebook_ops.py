"""Constant comparison on the codebook: move, promote, reorder, merge, split, recode.

Each operation is one transaction and one undoable event carrying the analyst's reason,
so the codebook history shows how the themes were reached and any step can be undone.

Merge A, B → C re-points every coding of A and B to C, collapses codings that thereby
become identical (same document, coder, span and code), moves A's and B's children under
C and records A and B as former names (aliases) of C. Split moves chosen codings of A to
a new sibling code A′. A node can never be moved under itself or its own descendants.
"""
from __future__ import annotations

from ..errors import QualbenchError
from ..model import Code
from .base import ProjectBase, now

CODEBOOK_ACTIONS = ("code.create", "code.rename", "code.update", "code.move", "code.kind",
                    "code.reorder", "code.merge", "code.split", "code.delete", "codings.move",
                    "codebook.import", "comment.add", "comment.resolve")


class CodebookMixin(ProjectBase):
    def descendant_ids(self, code_id: int) -> set[int]:
        """Ids of every node below ``code_id`` (not the node itself)."""
        rows = self.store.query("SELECT id, parent_id FROM codes")
        children: dict = {}
        for r in rows:
            children.setdefault(r["parent_id"], []).append(r["id"])
        out, stack = set(), [code_id]
        while stack:
            for child in children.get(stack.pop(), []):
                if child not in out:
                    out.add(child)
                    stack.append(child)
        return out

    def move_code(self, ref: str | int, parent: str | int | None, *, position: int | None = None,
                  actor: str | None = None, reason: str = "") -> Code:
        """Put a node under another (None = top level), at ``position`` among its new siblings."""
        code = self.code(ref)
        parent_obj = self.code(parent) if parent is not None else None
        if parent_obj is not None and (parent_obj.id == code.id or parent_obj.id in self.descendant_ids(code.id)):
            raise QualbenchError(f"cannot move '{code.name}' under '{parent_obj.name}': "
                                 "a node cannot go under itself or its own descendants")
        parent_id = parent_obj.id if parent_obj else None
        with self._change("code.move", actor=actor, reason=reason, skip_if_unchanged=True, summary={
                "code": code.name, "from": self._name_of(code.parent_id),
                "to": parent_obj.name if parent_obj else None}) as (ch, _):
            siblings = [c for c in self.codes() if c.parent_id == parent_id and c.id != code.id]
            pos = len(siblings) if position is None else max(0, min(position, len(siblings)))
            siblings.insert(pos, code)
            ch.update("codes", code.id, {"parent_id": parent_id})
            for i, sib in enumerate(siblings):
                ch.update("codes", sib.id, {"position": i})
        return self.code(code.id)

    def _name_of(self, code_id: int | None) -> str | None:
        return self.code(code_id).name if code_id is not None else None

    def reorder_code(self, ref: str | int, position: int, *, actor: str | None = None, reason: str = "") -> Code:
        code = self.code(ref)
        with self._change("code.reorder", actor=actor, reason=reason, skip_if_unchanged=True,
                          summary={"code": code.name, "position": position}) as (ch, _):
            siblings = [c for c in self.codes() if c.parent_id == code.parent_id and c.id != code.id]
            siblings.insert(max(0, min(position, len(siblings))), code)
            for i, sib in enumerate(siblings):
                ch.update("codes", sib.id, {"position": i})
        return self.code(code.id)

    def set_kind(self, ref: str | int, kind: str, *, actor: str | None = None, reason: str = "") -> Code:
        """Promote a code to a category (or a category to a theme), or demote."""
        if kind not in ("theme", "category", "code"):
            raise QualbenchError(f"unknown kind '{kind}' (use theme, category or code)")
        code = self.code(ref)
        with self._change("code.kind", actor=actor, reason=reason, skip_if_unchanged=True,
                          summary={"code": code.name, "from": code.kind, "to": kind}) as (ch, _):
            ch.update("codes", code.id, {"kind": kind})
        return self.code(code.id)

    def merge_codes(self, sources: list[str | int], into: str | int, *, actor: str | None = None,
                    reason: str = "") -> dict:
        """Merge ``sources`` into the existing code ``into``; returns what happened."""
        target = self.code(into)
        srcs = [self.code(s) for s in sources]
        if not srcs:
            raise QualbenchError("nothing to merge: name at least one code to merge into another")
        if any(s.id == target.id for s in srcs):
            raise QualbenchError(f"cannot merge '{target.name}' into itself")
        blocked = [s.name for s in srcs if target.id in self.descendant_ids(s.id)]
        if blocked:
            raise QualbenchError(f"cannot merge '{blocked[0]}' into its own descendant '{target.name}'")
        moved = collapsed = 0
        with self._change("code.merge", actor=actor, reason=reason, summary={
                "sources": [s.name for s in srcs], "into": target.name}) as (ch, info):
            existing = {(r["document_id"], r["coder_id"], r["start"], r["end"])
                        for r in self.store.query('SELECT document_id, coder_id, start, "end" FROM codings '
                                                  "WHERE code_id = ?", [target.id])}
            src_ids = [s.id for s in srcs]
            rows = self.store.query(
                'SELECT id, document_id, coder_id, start, "end" FROM codings WHERE code_id IN (%s) '
                "ORDER BY id" % ",".join("?" * len(src_ids)), src_ids)
            repoint = []
            for r in rows:
                key = (r["document_id"], r["coder_id"], r["start"], r["end"])
                if key in existing:
                    ch.delete("codings", r["id"])
                    collapsed += 1
                else:
                    repoint.append(r["id"])
                    existing.add(key)
            moved = len(repoint)
            ch.update_many("codings", repoint, {"code_id": target.id})
            position = self.store.scalar("SELECT COALESCE(MAX(position) + 1, 0) FROM codes WHERE parent_id = ?",
                                         [target.id])
            for s in srcs:
                for child in [c for c in self.codes() if c.parent_id == s.id]:
                    ch.update("codes", child.id, {"parent_id": target.id, "position": position})
                    position += 1
                for alias in self.store.query("SELECT id FROM code_aliases WHERE code_id = ?", [s.id]):
                    ch.update("code_aliases", alias["id"], {"code_id": target.id})
                for comment in self.store.query("SELECT id FROM comments WHERE code_id = ?", [s.id]):
                    ch.update("comments", comment["id"], {"code_id": target.id})
                for memo in self.store.query("SELECT id FROM memos WHERE target_type = 'code' AND target_id = ?",
                                             [s.id]):
                    ch.update("memos", memo["id"], {"target_id": target.id})
                ch.insert("code_aliases", {"code_id": target.id, "name": s.name, "created_at": now()})
                ch.delete("codes", s.id)
            info.update(moved=moved, collapsed=collapsed)
        return {"into": target.name, "moved": moved, "collapsed": collapsed}

    def split_code(self, ref: str | int, coding_ids: list[int], new_name: str, *,
                   description: str = "", actor: str | None = None, reason: str = "") -> Code:
        """Move the chosen codings of a code to a new sibling code."""
        code = self.code(ref)
        ids = sorted(set(coding_ids))
        if not ids:
            raise QualbenchError("choose at least one coding to split off")
        owned = {r["id"] for r in self.store.query("SELECT id FROM codings WHERE code_id = ?", [code.id])}
        foreign = [i for i in ids if i not in owned]
        if foreign:
            raise QualbenchError(f"coding(s) {', '.join(map(str, foreign))} are not coded with '{code.name}'")
        with self._change("code.split", actor=actor, reason=reason, summary={
                "code": code.name, "new": new_name, "codings": len(ids)}) as (ch, info):
            new_id = self._create_code(ch, new_name, parent=code.parent_id, kind=code.kind,
                                       description=description)
            ch.update_many("codings", ids, {"code_id": new_id})
            info["new_id"] = new_id
        return self.code(new_id)

    def move_codings(self, coding_ids: list[int], to: str | int, *, actor: str | None = None,
                     reason: str = "") -> int:
        target = self.code(to)
        with self._change("codings.move", actor=actor, reason=reason,
                          summary={"to": target.name, "codings": len(coding_ids)}) as (ch, _):
            for i in coding_ids:
                self.coding(i)  # clear error for an unknown id
                ch.update("codings", i, {"code_id": target.id})
        return len(coding_ids)

    def delete_code(self, ref: str | int, *, actor: str | None = None, reason: str = "") -> None:
        """Delete an unused leaf. Codes with codings or children must be merged or moved first."""
        code = self.code(ref)
        used = self.store.scalar("SELECT COUNT(*) FROM codings WHERE code_id = ?", [code.id])
        kids = self.store.scalar("SELECT COUNT(*) FROM codes WHERE parent_id = ?", [code.id])
        if used or kids:
            raise QualbenchError(f"'{code.name}' has {used} coding(s) and {kids} child node(s); "
                                 "merge or move them first (nothing is deleted silently)")
        with self._change("code.delete", actor=actor, reason=reason, summary={"code": code.name}) as (ch, _):
            for alias in self.store.query("SELECT id FROM code_aliases WHERE code_id = ?", [code.id]):
                ch.delete("code_aliases", alias["id"])
            for comment in self.store.query("SELECT id FROM comments WHERE code_id = ?", [code.id]):
                ch.delete("comments", comment["id"])
            ch.delete("codes", code.id)

    def former_names(self, ref: str | int) -> list[str]:
        code = self.code(ref)
        return [r["name"] for r in self.store.query(
            "SELECT name FROM code_aliases WHERE code_id = ? ORDER BY id", [code.id])]

    def similar_codes(self, *, min_name: float = 80, min_overlap: float = 0.5):
        """Merge candidates (see :mod:`qualbench.analysis.similar`), best first."""
        from ..analysis.similar import similar_codes
        return similar_codes(self.codes(), self.codings(), min_name=min_name, min_overlap=min_overlap,
                             language=self.settings.language, model=self.settings.spacy_model)

    # -- review comments ----------------------------------------------------------------
    def add_comment(self, ref: str | int, text: str, *, author: str) -> int:
        code = self.code(ref)
        if not text.strip():
            raise QualbenchError("a comment needs some text")
        with self._change("comment.add", actor=author, summary={"code": code.name}) as (ch, _):
            return ch.insert("comments", {"code_id": code.id, "author": author, "text": text.strip(),
                                          "created_at": now(), "resolved_at": None})

    def resolve_comment(self, comment_id: int, *, actor: str | None = None) -> None:
        with self._change("comment.resolve", actor=actor, summary={"comment": comment_id}) as (ch, _):
            ch.update("comments", comment_id, {"resolved_at": now()})

    def comments(self, ref: str | int | None = None, *, open_only: bool = False) -> list[dict]:
        sql = ("SELECT m.id, m.code_id, c.name AS code, m.author, m.text, m.created_at, m.resolved_at "
               "FROM comments m JOIN codes c ON c.id = m.code_id WHERE 1=1")
        params: list = []
        if ref is not None:
            sql += " AND m.code_id = ?"
            params.append(self.code(ref).id)
        if open_only:
            sql += " AND m.resolved_at IS NULL"
        return self.store.query(sql + " ORDER BY m.id", params)

    # -- history -----------------------------------------------------------------------
    def codebook_history(self):
        """The codebook's history: date, coder, operation, what, reason (newest last)."""
        import pandas as pd

        rows = []
        for ev in reversed(self.events(actions=list(CODEBOOK_ACTIONS))):
            rows.append({"date": ev.at[:19].replace("T", " "), "coder": ev.actor, "operation": ev.action,
                         "what": describe_event(ev.action, ev.summary), "reason": ev.reason,
                         "undone": ev.undone})
        return pd.DataFrame(rows, columns=["date", "coder", "operation", "what", "reason", "undone"])


def describe_event(action: str, s: dict) -> str:
    """One readable line per codebook event, for the history view."""
    if action == "code.merge":
        return f"merged {', '.join(s.get('sources', []))} into {s.get('into')} " \
               f"({s.get('moved', 0)} codings moved, {s.get('collapsed', 0)} duplicates collapsed)"
    if action == "code.split":
        return f"split {s.get('codings')} coding(s) of {s.get('code')} into new code {s.get('new')}"
    if action == "code.rename":
        return f"renamed {s.get('from')} to {s.get('to')}"
    if action == "code.move":
        return f"moved {s.get('code')} from {s.get('from') or 'top level'} to {s.get('to') or 'top level'}"
    if action == "code.kind":
        return f"{s.get('code')}: {s.get('from')} → {s.get('to')}"
    if action == "codings.move":
        return f"moved {s.get('codings')} coding(s) to {s.get('to')}"
    if action == "code.create":
        return f"created {s.get('name')}"
    if action == "codebook.import":
        return f"imported {s.get('file')}: {s.get('new', 0)} new, {s.get('updated', 0)} updated"
    if action == "code.reorder":
        return f"moved {s.get('code')} to position {s.get('position')}"
    if action == "code.update":
        return f"edited {', '.join(s.get('fields', []))} of {s.get('name')}"
    if action == "code.delete":
        return f"deleted unused code {s.get('code')}"
    if action.startswith("comment."):
        return f"comment on {s.get('code', s.get('comment'))}"
    return ", ".join(f"{k}={v}" for k, v in s.items())
