"""Storage: one SQLite file per project, opened with the pragmas a shared project needs.

The :class:`Store` owns the connection. Writes go through :meth:`Store.write`, which
opens ``BEGIN IMMEDIATE`` (so a second process waits on the busy timeout instead of
failing half-way) and yields a :class:`~qualbench.store.changes.ChangeSet` that records
each row it touches; the Project turns that record into one event, which is what undo
and redo replay. Nested writes become savepoints of the outer one.
"""
from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlite_utils import Database

from .changes import ChangeSet
from .migrations import migrations

DB_FILE = "qualbench.db"
BUSY_TIMEOUT_MS = 30_000


class Store:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000,
                               check_same_thread=False)
        self.db = Database(conn)
        self.lock = threading.RLock()
        with self.db.ensure_autocommit_on():
            if str(self.path) != ":memory:":
                self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA synchronous=NORMAL")
        migrations.apply(self.db)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def write(self) -> Iterator[ChangeSet]:
        """One transaction; nested calls are savepoints of the outermost one."""
        with self.lock:
            conn = self.db.conn
            if conn.in_transaction:
                with self.db.atomic():
                    yield ChangeSet(self.db)
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield ChangeSet(self.db)
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")

    def query(self, sql: str, params: tuple | list | dict = ()) -> list[dict]:
        with self.lock:
            return list(self.db.query(sql, params))

    def one(self, sql: str, params: tuple | list | dict = ()) -> dict | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: tuple | list | dict = ()):
        with self.lock:
            row = self.db.execute(sql, params).fetchone()
        return row[0] if row else None
