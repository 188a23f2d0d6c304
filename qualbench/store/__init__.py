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

from ..errors import QualbenchError
from .changes import ChangeSet
from .migrations import migrations

DB_FILE = "qualbench.db"
BUSY_TIMEOUT_MS = 30_000


def database_error(exc: sqlite3.Error, path: Path | str) -> QualbenchError:
    """What a failure of SQLite itself means for the user, in one line naming the file.

    A project's database that is not a database, a folder, read-only, locked by another
    program for longer than the busy timeout, or on a full disk is something the user can
    fix; none of them is a bug worth a traceback.
    """
    path = Path(path)
    text = str(exc).casefold()
    if path.is_dir():
        message = "is a folder, not a database file (move it away; the project cannot open)"
    elif "not a database" in text or "malformed" in text or "file is encrypted" in text:
        message = "not a SQLite database (damaged or replaced by another file; restore it from a backup)"
    elif "readonly" in text or "read-only" in text:
        message = "read-only, cannot write (check the permissions of the file and its folder)"
    elif "locked" in text or "busy" in text:
        message = ("busy: another program is writing to it (close the other qualbench, "
                   "then try again)")
    elif "disk is full" in text or "disk i/o" in text:
        message = f"cannot write ({exc}); nothing was changed"
    elif "unable to open" in text:
        message = "cannot open it (check that the file and its folder are readable and writable)"
    else:
        message = f"database error ({exc})"
    return QualbenchError(message, source=path)


def _environmental(exc: sqlite3.Error) -> bool:
    """A failure of the file or the disk, not of our SQL (which stays a bug with a traceback)."""
    text = str(exc).casefold()
    return any(k in text for k in ("readonly", "read-only", "locked", "busy", "disk is full", "disk i/o",
                                   "unable to open", "not a database"))


class Store:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(self.path) != ":memory:" and self.path.is_dir():
            raise database_error(sqlite3.OperationalError("is a directory"), self.path)
        try:
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
        except sqlite3.Error as exc:
            raise database_error(exc, self.path) from None

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
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise database_error(exc, self.path) from None
            try:
                yield ChangeSet(self.db)
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError) and _environmental(exc):
                    raise database_error(exc, self.path) from None
                raise
            else:
                try:
                    conn.execute("COMMIT")
                except sqlite3.OperationalError as exc:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise database_error(exc, self.path) from None

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
