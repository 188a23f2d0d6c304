"""Storage: migrations, pragmas, re-open, concurrent writers waiting instead of failing."""
import sqlite3
import threading
import time

import qualbench
from qualbench.store import Store
from qualbench.store.migrations import migrations


def test_migrations_apply_on_empty_db_and_reopen_is_a_noop(tmp_path):
    store = Store(tmp_path / "q.db")
    names = [m.name for m in migrations.applied(store.db)]
    assert names and names[0] == "0001_initial"
    tables = set(store.db.table_names())
    assert {"documents", "turns", "segments", "codes", "coders", "codings", "memos",
            "participants", "attributes", "participant_values", "events", "segments_fts"} <= tables
    store.close()
    again = Store(tmp_path / "q.db")
    assert [m.name for m in migrations.applied(again.db)] == names
    assert migrations.pending(again.db) == []


def test_pragmas(tmp_path):
    store = Store(tmp_path / "q.db")
    assert store.scalar("PRAGMA journal_mode") == "wal"
    assert store.scalar("PRAGMA foreign_keys") == 1
    assert store.scalar("PRAGMA busy_timeout") >= 5000


def test_a_second_writer_waits_for_the_first(tmp_path):
    p = qualbench.init_project(tmp_path / "proj")
    other = sqlite3.connect(str(p.store.path), timeout=10, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release():
        time.sleep(0.5)
        other.execute("COMMIT")
        released.set()

    threading.Thread(target=release).start()
    p.create_code("Sleep improved")  # must wait for the lock, not raise "database is locked"
    assert released.is_set()
    assert p.code("sleep improved").name == "Sleep improved"


def test_failed_write_rolls_back_everything(project):
    before = project.status()
    try:
        with project.store.write() as ch:
            ch.insert("coders", {"name": "x", "kind": "human", "created_at": "now"})
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert project.status() == before
