"""The codebook: a tree of themes → categories → codes, and coders.

Code names are unique in a project (case-insensitive): codebook files, coding files and
other tools match codes by name, so two codes called "Sleep" would be ambiguous.
"""
from __future__ import annotations

from ..errors import NotFoundError, QualbenchError
from ..model import Code
from .base import ProjectBase, now

KINDS = ("theme", "category", "code")
_CODE_COLS = "id, name, kind, parent_id, description, when_to_use, when_not_to_use, example, color, position"


class CodesMixin(ProjectBase):
    # -- coders -----------------------------------------------------------------------
    def coders(self) -> list[dict]:
        return self.store.query("SELECT id, name, kind FROM coders ORDER BY id")

    def ensure_coder(self, name: str, kind: str = "human") -> int:
        name = name.strip()
        if not name:
            raise QualbenchError("a coder needs a name")
        row = self.store.one("SELECT id FROM coders WHERE name = ?", [name])
        if row:
            return row["id"]
        with self._change("coder.add", actor=name, undoable=False, summary={"coder": name}) as (ch, _):
            return self.db["coders"].insert({"name": name, "kind": kind, "created_at": now()}).last_pk

    def coder_id(self, name: str) -> int:
        row = self.store.one("SELECT id FROM coders WHERE name = ?", [name])
        if row is None:
            raise NotFoundError(f"no coder '{name}' in the project "
                                f"(coders: {', '.join(c['name'] for c in self.coders()) or 'none'})")
        return row["id"]

    # -- reading ----------------------------------------------------------------------
    def codes(self) -> list[Code]:
        """Every node of the codebook in tree order (depth first, siblings by position): a
        theme, its first category, that category's codes, the next category … — the order
        in which the agreement table, the joint display and the exports list them."""
        rows = [Code(**r) for r in self.store.query(f"SELECT {_CODE_COLS} FROM codes ORDER BY position, id")]
        children: dict[int | None, list[Code]] = {}
        for c in rows:
            children.setdefault(c.parent_id, []).append(c)
        known = {c.id for c in rows}
        out: list[Code] = []
        stack = list(reversed([c for c in rows if c.parent_id is None or c.parent_id not in known]))
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(children.get(node.id, [])))
        return out

    def code(self, ref: str | int) -> Code:
        if isinstance(ref, int):
            row = self.store.one(f"SELECT {_CODE_COLS} FROM codes WHERE id = ?", [ref])
        else:
            row = self.store.one(f"SELECT {_CODE_COLS} FROM codes WHERE name = ? COLLATE NOCASE", [ref.strip()])
            if row is None:  # a former name (after a rename or merge) still finds the code
                row = self.store.one(
                    f"SELECT {', '.join('c.' + c.strip() for c in _CODE_COLS.split(','))} FROM codes c "
                    "JOIN code_aliases a ON a.code_id = c.id WHERE a.name = ? COLLATE NOCASE "
                    "ORDER BY a.id DESC LIMIT 1", [ref.strip()])
        if row is None:
            raise NotFoundError(f"no code '{ref}' in the codebook")
        return Code(**row)

    def code_path(self, code: Code | int) -> list[Code]:
        """Root-first list of the code's ancestors and the code itself."""
        by_id = {c.id: c for c in self.codes()}
        node = by_id[code.id if isinstance(code, Code) else code]
        path = [node]
        while node.parent_id is not None:
            node = by_id[node.parent_id]
            path.append(node)
        return path[::-1]

    # -- writing ----------------------------------------------------------------------
    def create_code(self, name: str, *, parent: str | int | None = None, kind: str = "code",
                    description: str = "", when_to_use: str = "", when_not_to_use: str = "",
                    example: str = "", color: str | None = None, actor: str | None = None,
                    reason: str = "") -> Code:
        with self._change("code.create", actor=actor, reason=reason, summary={"name": name}) as (ch, info):
            code_id = self._create_code(ch, name, parent=parent, kind=kind, description=description,
                                        when_to_use=when_to_use, when_not_to_use=when_not_to_use,
                                        example=example, color=color)
            info["id"] = code_id
        return self.code(code_id)

    def _create_code(self, ch, name: str, *, parent=None, kind="code", description="",
                     when_to_use="", when_not_to_use="", example="", color=None) -> int:
        name = " ".join(name.split())
        if not name:
            raise QualbenchError("a code needs a name")
        if kind not in KINDS:
            raise QualbenchError(f"unknown kind '{kind}' (use theme, category or code)")
        if self.store.one("SELECT id FROM codes WHERE name = ? COLLATE NOCASE", [name]):
            raise QualbenchError(f"a code named '{name}' already exists")
        parent_id = self.code(parent).id if parent is not None else None
        position = self.store.scalar(
            "SELECT COALESCE(MAX(position) + 1, 0) FROM codes WHERE parent_id IS ?", [parent_id])
        return ch.insert("codes", {
            "parent_id": parent_id, "kind": kind, "name": name, "description": description or "",
            "when_to_use": when_to_use or "", "when_not_to_use": when_not_to_use or "",
            "example": example or "", "color": color, "position": position, "created_at": now()})

    def rename_code(self, ref: str | int, new_name: str, *, actor: str | None = None, reason: str = "") -> Code:
        code = self.code(ref)
        new_name = " ".join(new_name.split())
        if not new_name:
            raise QualbenchError("a code needs a name")
        clash = self.store.one("SELECT id FROM codes WHERE name = ? COLLATE NOCASE AND id != ?",
                               [new_name, code.id])
        if clash:
            raise QualbenchError(f"a code named '{new_name}' already exists")
        with self._change("code.rename", actor=actor, reason=reason, skip_if_unchanged=True,
                          summary={"id": code.id, "from": code.name, "to": new_name}) as (ch, _):
            ch.update("codes", code.id, {"name": new_name})
            if new_name.casefold() != code.name.casefold():
                ch.insert("code_aliases", {"code_id": code.id, "name": code.name, "created_at": now()})
        return self.code(code.id)

    def update_code(self, ref: str | int, *, actor: str | None = None, reason: str = "", **fields) -> Code:
        allowed = {"description", "when_to_use", "when_not_to_use", "example", "color"}
        unknown = set(fields) - allowed
        if unknown:
            raise QualbenchError(f"cannot set {', '.join(sorted(unknown))} on a code")
        code = self.code(ref)
        with self._change("code.update", actor=actor, reason=reason, skip_if_unchanged=True,
                          summary={"id": code.id, "name": code.name, "fields": sorted(fields)}) as (ch, _):
            ch.update("codes", code.id, fields)
        return self.code(code.id)

    def import_codebook_tree(self, nodes: list[dict], *, actor: str | None = None,
                             source: str = "") -> dict:
        """Create or update codes from a nested list of dicts (see exchange.codebook).

        Codes are matched by name, or by a former name (after a rename or merge); existing
        ones get their definitions updated and are moved under the parent the file gives.
        Codes the project has but the file lacks are reported as missing, never deleted.

        Two entries of the file that are one code here (a name and a former name of the
        same code) are refused before anything is written: placing both would make the
        code its own parent or ancestor. The tree is checked for a cycle once more before
        the transaction commits. An import that changes nothing writes nothing.
        """
        from ..errors import ValidationError

        report = {"new": [], "updated": [], "renamed": [], "missing": []}
        seen: set[str] = set()
        target: dict[int, int | None] = {}        # id(node) -> existing code id (None: new)
        claimed: dict[int, str] = {}               # code id -> the file's name that claimed it
        problems: list[str] = []

        def resolve(items: list[dict]) -> None:
            for node in items:
                name = " ".join(str(node["name"]).split())
                row = self.store.one("SELECT id, name FROM codes WHERE name = ? COLLATE NOCASE", [name])
                former = None
                if row is None:
                    row = self.store.one(
                        "SELECT c.id, c.name FROM code_aliases a JOIN codes c ON c.id = a.code_id "
                        "WHERE a.name = ? COLLATE NOCASE ORDER BY a.id DESC LIMIT 1", [name])
                    former = row
                code_id = row["id"] if row else None
                if code_id is not None and code_id in claimed:
                    other = claimed[code_id]
                    why = (f"'{name}' is a former name of '{row['name']}'" if former else
                           f"'{other}' is a former name of '{name}'")
                    problems.append(f"'{other}' and '{name}' are the same code here ({why}): "
                                    "list it once, under one name")
                elif code_id is not None:
                    claimed[code_id] = name
                target[id(node)] = code_id
                resolve(node.get("children") or [])

        resolve(nodes)
        if problems:
            raise ValidationError(problems, source=source or None)
        with self._change("codebook.import", actor=actor, summary={"file": source},
                          skip_if_unchanged=True) as (ch, info):
            def walk(items: list[dict], parent_id: int | None) -> None:
                for node in items:
                    name = " ".join(str(node["name"]).split())
                    seen.add(name.casefold())
                    fields = {k: node.get(k) or "" for k in
                              ("description", "when_to_use", "when_not_to_use", "example")}
                    code_id = target[id(node)]
                    if code_id is not None:
                        current = self.store.one("SELECT name FROM codes WHERE id = ?", [code_id])["name"]
                        if current.casefold() != name.casefold():  # a former name: keep the project's
                            report["renamed"].append(f"{name} → {current}")
                            seen.add(current.casefold())
                    if code_id is None:
                        code_id = ch.insert("codes", {
                            "parent_id": parent_id, "kind": node.get("kind", "code"), "name": name,
                            **fields, "color": node.get("color"),
                            "position": node.get("_position", 0), "created_at": now()})
                        report["new"].append(name)
                    else:
                        changes = {**fields, "parent_id": parent_id, "kind": node.get("kind", "code"),
                                   "position": node.get("_position", 0)}
                        if node.get("color"):
                            changes["color"] = node["color"]
                        before = ch.update("codes", code_id, changes)
                        changed = any(before.get(k) != v for k, v in fields.items())
                        if changed or before.get("parent_id") != parent_id:
                            report["updated"].append(name)
                    walk(node.get("children") or [], code_id)
            walk(nodes, None)
            cycle = self._code_cycle()
            if cycle:
                raise QualbenchError("the file would make " + " → ".join(f"'{n}'" for n in cycle)
                                     + " a cycle in the code tree: nothing was imported", source=source or None)
            report["missing"] = [c.name for c in self.codes() if c.name.casefold() not in seen]
            info.update({k: len(v) for k, v in report.items()})
        return report

    def _code_cycle(self) -> list[str]:
        """Names along a cycle of parent links in the code tree (empty if it is a tree)."""
        rows = {r["id"]: r for r in self.store.query("SELECT id, parent_id, name FROM codes")}
        done: set[int] = set()
        for start in rows:
            path: list[int] = []
            on_path: set[int] = set()
            node = start
            while node is not None and node not in done:
                if node in on_path:
                    loop = path[path.index(node):] + [node]
                    return [rows[i]["name"] for i in loop]
                on_path.add(node)
                path.append(node)
                node = rows[node]["parent_id"] if node in rows else None
            done.update(path)
        return []
