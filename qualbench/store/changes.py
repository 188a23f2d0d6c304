"""Row-level change records: what makes every write undoable and auditable.

A :class:`ChangeSet` performs inserts, updates and deletes and keeps the full before and
after image of each touched row. Stored as an event's ``ops``, that record is enough to
invert the change (undo) or replay it (redo) without any operation-specific code — a
merge that re-points 5,000 codings undoes exactly like a single coding. Replaying checks
that each row is still as the change left it, so an undo that a later change has
overtaken is refused instead of corrupting data.
"""
from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from ..errors import UndoError


class ChangeSet:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.ops: list[dict[str, Any]] = []

    def _row(self, table: str, pk: int) -> dict | None:
        rows = list(self.db.query(f"SELECT * FROM [{table}] WHERE id = ?", [pk]))
        return rows[0] if rows else None

    def insert(self, table: str, row: dict[str, Any]) -> int:
        pk = self.db[table].insert(row).last_pk
        self.ops.append({"op": "insert", "table": table, "row": self._row(table, pk)})
        return pk

    def update(self, table: str, pk: int, changes: dict[str, Any]) -> dict:
        before = self._row(table, pk)
        if before is None:
            raise KeyError(f"{table} {pk} does not exist")
        changes = {k: v for k, v in changes.items() if before.get(k) != v}
        if changes:
            self.db[table].update(pk, changes)
            self.ops.append({"op": "update", "table": table, "id": pk,
                             "before": {k: before[k] for k in changes}, "after": changes})
        return before

    def delete(self, table: str, pk: int) -> dict:
        before = self._row(table, pk)
        if before is None:
            raise KeyError(f"{table} {pk} does not exist")
        self.db.execute(f"DELETE FROM [{table}] WHERE id = ?", [pk])
        self.ops.append({"op": "delete", "table": table, "row": before})
        return before

    # -- replay -----------------------------------------------------------------------
    def apply(self, ops: list[dict], *, inverse: bool) -> None:
        """Replay ``ops`` forwards (redo) or backwards and inverted (undo)."""
        sequence = reversed(ops) if inverse else ops
        for op in sequence:
            kind, table = op["op"], op["table"]
            if inverse:
                kind = {"insert": "delete", "delete": "insert", "update": "update"}[kind]
            if kind == "insert":
                row = op["row"]
                if self._row(table, row["id"]) is not None:
                    raise UndoError(f"cannot restore {table} {row['id']}: it exists again")
                self.db[table].insert(row)
            elif kind == "delete":
                row = op["row"]
                current = self._row(table, row["id"])
                if current is None or current != row:
                    raise UndoError(
                        f"{table} {row['id']} was changed by a later action; undo that first")
                self.db.execute(f"DELETE FROM [{table}] WHERE id = ?", [row["id"]])
            else:
                expect, target = (op["after"], op["before"]) if inverse else (op["before"], op["after"])
                current = self._row(table, op["id"])
                if current is None or any(current.get(k) != v for k, v in expect.items()):
                    raise UndoError(
                        f"{table} {op['id']} was changed by a later action; undo that first")
                self.db[table].update(op["id"], target)
