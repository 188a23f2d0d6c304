"""Project plumbing shared by every part of the API: settings, store, events, undo.

``self._change(action, ...)`` is the only way the API writes: it opens one transaction,
hands out the :class:`~qualbench.store.changes.ChangeSet` that performs and records the
row changes, and on success writes one ``events`` row holding who, when, what, the
analyst's reason, and (for undoable actions) the recorded row changes.

Undo takes the actor's latest undoable event that is not undone and replays its changes
inverted; redo replays the most recently undone one, as long as the actor has done
nothing undoable since (a new action clears the redo stack, as in any editor). Because
all of this lives in the database, undo survives a restart.
"""
from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import UndoError
from ..model import Event
from ..settings import Settings
from ..store import Store
from ..store.changes import ChangeSet

SYSTEM = "system"


class _NothingChanged(Exception):
    """Raised inside :meth:`ProjectBase._change` to roll back an action that wrote nothing."""


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


class ProjectBase:
    path: Path
    settings: Settings
    store: Store

    @property
    def db(self):
        return self.store.db

    @contextmanager
    def _change(self, action: str, *, actor: str | None = None, reason: str = "",
                summary: dict | None = None, undoable: bool = True,
                skip_if_unchanged: bool = False) -> Iterator[tuple[ChangeSet, dict]]:
        """One transaction and one event. With ``skip_if_unchanged`` an action that wrote no
        row (an import that found nothing new) is rolled back and leaves no event: the
        history lists what changed the project, not every attempt."""
        info: dict = dict(summary or {})
        try:
            with self.store.write() as ch:
                before = self.db.conn.total_changes
                yield ch, info
                if skip_if_unchanged and self.db.conn.total_changes == before:
                    raise _NothingChanged
                self.db["events"].insert({
                    "at": now(), "actor": actor or SYSTEM, "action": action,
                    "summary": json.dumps(info, ensure_ascii=False, default=str),
                    "reason": reason or "",
                    "ops": json.dumps(ch.ops, ensure_ascii=False) if undoable and ch.ops else None,
                    "undoable": int(bool(undoable and ch.ops)), "undone_at": None,
                })
        except _NothingChanged:
            pass

    # -- undo / redo ------------------------------------------------------------------
    def _undo_candidate(self, actor: str | None) -> dict | None:
        where, params = ("AND actor = ?", [actor]) if actor else ("", [])
        return self.store.one(
            f"SELECT * FROM events WHERE undoable = 1 AND undone_at IS NULL {where} "
            "ORDER BY id DESC LIMIT 1", params)

    def _redo_candidate(self, actor: str | None) -> dict | None:
        where, params = ("AND actor = ?", [actor]) if actor else ("", [])
        last_done = self.store.scalar(
            f"SELECT COALESCE(MAX(id), 0) FROM events WHERE undoable = 1 AND undone_at IS NULL {where}",
            params)
        return self.store.one(
            f"SELECT * FROM events WHERE undoable = 1 AND undone_at IS NOT NULL AND id > ? {where} "
            "ORDER BY undone_at DESC, id ASC LIMIT 1", [last_done, *params])

    def next_undo(self, actor: str | None = None):
        """What :meth:`undo` would undo now (an :class:`~.undo_text.UndoPreview`), or None."""
        from .undo_text import UndoPreview, rows_touched
        row = self._undo_candidate(actor)
        return None if row is None else UndoPreview(_to_event(row), rows_touched(row["ops"]))

    def next_redo(self, actor: str | None = None):
        from .undo_text import UndoPreview, rows_touched
        row = self._redo_candidate(actor)
        return None if row is None else UndoPreview(_to_event(row), rows_touched(row["ops"]))

    def can_undo(self, actor: str | None = None) -> bool:
        return self._undo_candidate(actor) is not None

    def can_redo(self, actor: str | None = None) -> bool:
        return self._redo_candidate(actor) is not None

    def undo(self, actor: str | None = None) -> Event:
        """Undo the actor's (or anyone's, if None) latest undoable change."""
        with self.store.write() as ch:
            row = self._undo_candidate(actor)
            if row is None:
                raise UndoError("nothing to undo" + (f" by {actor}" if actor else ""))
            try:
                ch.apply(json.loads(row["ops"]), inverse=True)
            except UndoError as exc:
                raise UndoError(self._blocked_by(row, exc)) from None
            self.db["events"].update(row["id"], {"undone_at": now()})
            self._log_replay(row, "undo", actor)
        return self._event(row["id"])

    def redo(self, actor: str | None = None) -> Event:
        with self.store.write() as ch:
            row = self._redo_candidate(actor)
            if row is None:
                raise UndoError("nothing to redo" + (f" by {actor}" if actor else ""))
            try:
                ch.apply(json.loads(row["ops"]), inverse=False)
            except UndoError as exc:
                raise UndoError(self._blocked_by(row, exc)) from None
            self.db["events"].update(row["id"], {"undone_at": None})
            self._log_replay(row, "redo", actor)
        return self._event(row["id"])

    def _blocked_by(self, row: dict, exc: UndoError) -> str:
        """Why an undo cannot run, in the user's words: which later change got in the way."""
        from .undo_text import describe
        where = getattr(exc, "where", None)
        if where is not None:
            table, pk = where
            for later in self.store.query(
                    "SELECT * FROM events WHERE id > ? AND undoable = 1 AND undone_at IS NULL ORDER BY id",
                    [row["id"]]):
                if any(op["table"] == table and (op.get("id") == pk or (op.get("row") or {}).get("id") == pk)
                       for op in json.loads(later["ops"] or "[]")):
                    ev = _to_event(later)
                    return (f"cannot undo {describe(_to_event(row))}: {describe(ev)} by {ev.actor} "
                            f"({ev.at[:16].replace('T', ' ')}) changed the same data later; undo that first")
        return f"cannot undo {describe(_to_event(row))}: the same data was changed later; undo that first"

    def _log_replay(self, row: dict, what: str, actor: str | None) -> None:
        self.db["events"].insert({
            "at": now(), "actor": actor or row["actor"], "action": what,
            "summary": json.dumps({"event": row["id"], "action": row["action"]}),
            "reason": "", "ops": None, "undoable": 0, "undone_at": None})

    def _event(self, event_id: int) -> Event:
        row = self.store.one("SELECT * FROM events WHERE id = ?", [event_id])
        return _to_event(row)

    def events(self, *, actions: list[str] | None = None, limit: int | None = None) -> list[Event]:
        sql, params = "SELECT * FROM events", []
        if actions:
            sql += " WHERE action IN (%s)" % ",".join("?" * len(actions))
            params = list(actions)
        sql += " ORDER BY id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [_to_event(r) for r in self.store.query(sql, params)]


def _to_event(row: dict) -> Event:
    return Event(row["id"], row["at"], row["actor"], row["action"], json.loads(row["summary"] or "{}"),
                 row["reason"], bool(row["undoable"]), row["undone_at"] is not None)
