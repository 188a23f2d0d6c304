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
            sets = ", ".join(f"[{k}] = ?" for k in changes)
            self.db.conn.execute(f"UPDATE [{table}] SET {sets} WHERE id = ?", [*changes.values(), pk])
            self.ops.append({"op": "update", "table": table, "id": pk,
                             "before": {k: before[k] for k in changes}, "after": changes})
        return before

    def update_many(self, table: str, pks: list[int], changes: dict[str, Any]) -> int:
        """The same change on many rows: one read, one executemany, one op per row."""
        if not pks or not changes:
            return 0
        cols = list(changes)
        rows: dict[int, dict] = {}
        for i in range(0, len(pks), 500):
            chunk = pks[i:i + 500]
            for r in self.db.query(f"SELECT * FROM [{table}] WHERE id IN ({','.join('?' * len(chunk))})", chunk):
                rows[r["id"]] = r
        missing = [pk for pk in pks if pk not in rows]
        if missing:
            raise KeyError(f"{table} {missing[0]} does not exist")
        todo = [pk for pk in pks if any(rows[pk][k] != v for k, v in changes.items())]
        sets = ", ".join(f"[{c}] = ?" for c in cols)
        self.db.conn.executemany(f"UPDATE [{table}] SET {sets} WHERE id = ?",
                                 [[changes[c] for c in cols] + [pk] for pk in todo])
        for pk in todo:
            self.ops.append({"op": "update", "table": table, "id": pk,
                             "before": {k: rows[pk][k] for k in cols}, "after": dict(changes)})
        return len(todo)

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
                    raise _conflict(table, row["id"])
                self.db[table].insert(row)
            elif kind == "delete":
                row = op["row"]
                current = self._row(table, row["id"])
                if current is None or current != row:
                    raise _conflict(table, row["id"])
                self.db.execute(f"DELETE FROM [{table}] WHERE id = ?", [row["id"]])
            else:
                expect, target = (op["after"], op["before"]) if inverse else (op["before"], op["after"])
                current = self._row(table, op["id"])
                if current is None or any(current.get(k) != v for k, v in expect.items()):
                    raise _conflict(table, op["id"])
                sets = ", ".join(f"[{k}] = ?" for k in target)
                self.db.conn.execute(f"UPDATE [{table}] SET {sets} WHERE id = ?", [*target.values(), op["id"]])


def _conflict(table: str, pk: int) -> UndoError:
    """A row is not as this change left it: a later change touched it. ``where`` lets the
    project name that change to the user instead of a table and an id."""
    exc = UndoError(f"{table} {pk} was changed by a later action; undo that first")
    exc.where = (table, pk)
    return exc
