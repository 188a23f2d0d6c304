"""The Project: a folder holding ``qualbench.toml``, ``qualbench.db`` and the work files.

This is the public Python API (``qualbench.open_project``). The CLI and the TUI are thin
faces on it and hold no SQL; analyses read through it.
"""
from __future__ import annotations

from pathlib import Path

from . import settings as settings_mod
from .api.analyses import AnalysesMixin
from .api.codebook_ops import CodebookMixin
from .api.codes import CodesMixin
from .api.codings import CodingsMixin
from .api.documents import DocumentsMixin, ImportReport
from .api.exports import ExportsMixin
from .api.files import CodingTableMixin, FilesMixin
from .api.mixed import MixedMethodsMixin
from .api.participants import ParticipantsMixin
from .api.quotes import QuotesMixin
from .api.reconcile import ReconcileMixin
from .api.refi import RefiMixin
from .api.review import ReviewMixin
from .api.search import SearchMixin
from .api.workbench import WorkbenchMixin
from .errors import QualbenchError
from .store import DB_FILE, Store

FOLDERS = ("transcripts", "codebooks", "exports")


class Project(DocumentsMixin, ParticipantsMixin, CodesMixin, CodingsMixin, FilesMixin, SearchMixin,
              WorkbenchMixin, AnalysesMixin, CodingTableMixin, CodebookMixin,
              QuotesMixin, ReconcileMixin, MixedMethodsMixin, RefiMixin, ExportsMixin, ReviewMixin):
    def __init__(self, path: Path) -> None:
        self.path = Path(path).resolve()
        self.settings = settings_mod.load(self.path)
        self.store = Store(self.path / DB_FILE)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def exports_dir(self) -> Path:
        folder = self.path / "exports"
        folder.mkdir(exist_ok=True)
        return folder

    def status(self) -> dict:
        q = self.store.scalar
        return {
            "documents": q("SELECT COUNT(DISTINCT name) FROM documents"),
            "words": q("SELECT COALESCE(SUM(n_words), 0) FROM documents d WHERE version = "
                       "(SELECT MAX(version) FROM documents d2 WHERE d2.name = d.name)"),
            "segments": q("SELECT COUNT(*) FROM segments"),
            "participants": q("SELECT COUNT(*) FROM participants"),
            "coders": q("SELECT COUNT(*) FROM coders"),
            "themes": q("SELECT COUNT(*) FROM codes WHERE kind = 'theme'"),
            "categories": q("SELECT COUNT(*) FROM codes WHERE kind = 'category'"),
            "codes": q("SELECT COUNT(*) FROM codes WHERE kind = 'code'"),
            "codings": q("SELECT COUNT(*) FROM codings c JOIN documents d ON d.id = c.document_id "
                         "WHERE d.version = (SELECT MAX(version) FROM documents d2 WHERE d2.name = d.name)"),
            "codings_on_old_versions": q(
                "SELECT COUNT(*) FROM codings c JOIN documents d ON d.id = c.document_id "
                "WHERE d.version < (SELECT MAX(version) FROM documents d2 WHERE d2.name = d.name)"),
        }


def is_project(path: Path) -> bool:
    path = Path(path)
    return (path / settings_mod.SETTINGS_FILE).exists() or (path / DB_FILE).exists()


def init_project(path: Path | str, *, title: str | None = None, language: str = "en",
                 coder: str = "coder_a") -> Project:
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise QualbenchError("exists and is not a folder", source=path)
    if is_project(path):
        raise QualbenchError("is already a qualbench project", source=path)
    path.mkdir(parents=True, exist_ok=True)
    for folder in FOLDERS:
        (path / folder).mkdir(exist_ok=True)
    settings_mod.write_template(path, title=title or path.resolve().name, language=language, coder=coder)
    return Project(path)


def find_project(start: Path | str = ".") -> Path:
    """The nearest folder at or above ``start`` that is a project (as git finds its
    repository), so a command run in ``mystudy/exports`` works on ``mystudy``."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if is_project(folder):
            return folder
    raise QualbenchError("is not inside a qualbench project (run 'qualbench init FOLDER' to create one, "
                         "or give --project FOLDER)", source=start)


def open_project(path: Path | str = ".") -> Project:
    path = Path(path)
    if not is_project(path):
        raise QualbenchError("is not a qualbench project (run 'qualbench init' there first)",
                             source=path.resolve())
    return Project(path)


__all__ = ["Project", "ImportReport", "open_project", "init_project", "is_project", "find_project"]
