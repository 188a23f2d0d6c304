"""Shared fixtures: a fresh project in a temporary folder, and small file builders."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

import qualbench

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path: Path):
    p = qualbench.init_project(tmp_path / "proj")
    yield p
    p.close()


@pytest.fixture
def write(tmp_path: Path):
    """write(name, text_or_bytes, encoding="utf-8") -> Path in tmp_path/in."""
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)

    def _write(name: str, content, encoding: str = "utf-8") -> Path:
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path
    return _write


def db_digest(project_or_path) -> str:
    """A digest of every table's content (project or path to qualbench.db): equal = unchanged."""
    path = getattr(getattr(project_or_path, "store", None), "path", project_or_path)
    conn = sqlite3.connect(str(path))
    h = hashlib.sha256()
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    for t in tables:
        for row in conn.execute(f"SELECT * FROM [{t}] ORDER BY 1"):
            h.update(repr((t, row)).encode())
    conn.close()
    return h.hexdigest()


@pytest.fixture
def digest():
    return db_digest


INTERVIEW = """I: Thank you for taking part. How was the pain before the operation?

P: It was terrible. I walked with a stick and I could not sleep.
Some nights I just sat in the kitchen.

I: And now?

P: Now it is better. I walk to the shop again!
"""


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory):
    """The shipped demo study, built once per test session (read-only for tests)."""
    from qualbench.demo import build_demo

    p = build_demo(tmp_path_factory.mktemp("demo") / "imcs")
    yield p
    p.close()
