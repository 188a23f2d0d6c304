"""The shipped demo study: 28 synthetic iMCS interviews built into a project of its own.

``qualbench demo`` (and ``make demo``) keeps the demo in one place, the user's cache
folder (``$XDG_CACHE_HOME/qualbench/demo``, else ``~/.cache/qualbench/demo``): the first
run builds it, later runs open it again with whatever the user did there, and
``--fresh`` rebuilds it. A new temporary folder per run would silently strand a
newcomer's first hour of coding in ``/tmp``.

The source files live in the repository (``transcripts/``, ``codebooks/``) and are
copied into the new project's own folders, then imported through the ordinary API — so
the demo exercises exactly the code paths a real study does, and its headline figures
(28 / 25 / 8 of 25 / 20 of 28 / 3) are computed, never typed.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

from .analysis.summary import study_summary
from .errors import QualbenchError
from .project import Project, init_project

REPO = Path(__file__).resolve().parent.parent
TRANSCRIPT_SUFFIXES = (".txt", ".docx", ".vtt", ".srt")


def demo_sources() -> Path:
    if not (REPO / "transcripts" / "participants.csv").exists():
        raise QualbenchError("the demo study's files are not here (install qualbench from its "
                             "repository with 'make demo')", source=REPO / "transcripts")
    return REPO


DEMO_TITLE = "iMCS patient experience (synthetic demo)"


def default_demo_folder() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "qualbench" / "demo"


def is_demo(folder: Path) -> bool:
    """A project this command built (its settings carry the demo's title)."""
    settings = Path(folder) / "qualbench.toml"
    try:
        return f'title = "{DEMO_TITLE}"' in settings.read_text(encoding="utf-8")
    except OSError:
        return False


def open_or_build_demo(target: Path | None = None, *, fresh: bool = False,
                       echo: Callable[[str], None] = lambda m: None) -> tuple[Project, bool]:
    """(the demo project, whether it was built now). An existing demo is reopened, unless
    ``fresh``: then it is deleted and built again. A folder that is not a demo is never
    touched."""
    target = Path(target) if target is not None else default_demo_folder()
    if target.exists() and is_demo(target):
        if not fresh:
            echo(f"Opening the demo study in {target} (your changes are kept; --fresh rebuilds it)")
            return Project(target), False
        shutil.rmtree(target)
    return build_demo(target, echo=echo), True


def build_demo(target: Path, *, echo: Callable[[str], None] = lambda m: None) -> Project:
    src = demo_sources()
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise QualbenchError("exists and is not empty; give an empty or new folder", source=target)
    project = init_project(target, title=DEMO_TITLE)
    echo(f"Building the demo study in {target}")
    files = sorted(p for p in (src / "transcripts").iterdir()
                   if p.suffix.lower() in TRANSCRIPT_SUFFIXES and p.stem.upper().startswith("P")
                   and p.name != "participants.csv")
    extras = ["participants.csv", "participants.xlsx", "topic-list.md"]
    for f in files + [src / "transcripts" / name for name in extras]:
        shutil.copy2(f, target / "transcripts" / f.name)
    for f in (src / "codebooks").glob("*.yaml"):
        shutil.copy2(f, target / "codebooks" / f.name)
    report = project.import_files([target / "transcripts" / f.name for f in files])
    echo(f"  {len(report.imported)} transcripts, {report.words:,} words")
    project.import_participants(target / "transcripts" / "participants.csv")
    project.import_codebook(target / "codebooks" / "imcs-codebook.yaml")
    for coding_file in sorted((target / "codebooks").glob("codings-*.yaml")):
        result = project.import_coding_file(coding_file)
        echo(f"  {result['codings']} codings by {result['coder']}")
    return project


def demo_summary_lines(project: Project) -> list[str]:
    return study_summary(project).lines()
