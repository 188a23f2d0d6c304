"""A small, fixed study for the TUI tests and snapshots, built through the Project API.

Everything is literal text written into ``tmp_path``: no clock, no random, no files
from the repository, so snapshots are the same on every machine.
"""
from __future__ import annotations

from pathlib import Path

import qualbench
from qualbench.project import Project

P01 = """I: Thank you for taking part. How was the pain before the operation?

P: It was terrible. I walked with a stick and I could not sleep. Some nights I just sat in the kitchen with a puzzle.

I: And after the stimulation was switched on?

P: Now it is better. I walk to the shop again! My wife says I am nicer to live with. I sleep most nights now, five or six hours.

I: Would you do it again?

P: Yes, I would do it again tomorrow. It was the last thing they could try, and it worked for me.
"""

P02 = """I: Can you tell me how it started?

P: The pain came after the accident. Burning, all the time, in my arm. Nothing helped, not the pills, not the injections.

I: What did the operation change?

P: Honestly, not much. The pain is the same. But the team listened, and I felt believed for the first time.

I: Would you undergo it again?

P: No. I would not do it again, it was a lot for very little.
"""

PARTICIPANTS = """participant,pain_baseline,pain_2y,status,would_repeat
P01,8,3,alive,yes
P02,7,7,alive,no
"""

CODEBOOK = {
    ("Effects on daily life", "theme"): {
        ("Pain and sleep", "category"): ["Pain before treatment", "Pain reduction", "Sleep improved",
                                          "Poor sleep", "Mobility"],
        ("Social life", "category"): ["Family relationships", "Feeling believed"],
    },
    ("Acceptance", "theme"): {
        ("Decision", "category"): ["Would repeat", "Would not repeat", "Last resort"],
    },
}


def build_project(path: Path) -> Project:
    folder = Path(path)
    project = qualbench.init_project(folder, title="TUI test study")
    inbox = folder / "transcripts"
    (inbox / "P01.txt").write_text(P01, encoding="utf-8")
    (inbox / "P02.txt").write_text(P02, encoding="utf-8")
    (inbox / "participants.csv").write_text(PARTICIPANTS, encoding="utf-8")
    project.import_files([inbox / "P01.txt", inbox / "P02.txt"])
    project.import_participants(inbox / "participants.csv")
    for (theme, kind), categories in CODEBOOK.items():
        project.create_code(theme, kind=kind)
        for (category, ckind), codes in categories.items():
            project.create_code(category, kind=ckind, parent=theme)
            for code in codes:
                project.create_code(code, parent=category, description=f"Passages about {code.lower()}.")
    return project


def span_of(project: Project, doc: str, quote: str) -> tuple[int, int]:
    text = project.text(project.document(doc))
    start = text.index(quote)
    return start, start + len(quote)


def add_overlapping_codings(project: Project, coder: str = "coder_a") -> None:
    """Three codings on P01's second answer, two of them overlapping."""
    s1 = span_of(project, "P01", "It was terrible. I walked with a stick and I could not sleep.")
    s2 = span_of(project, "P01", "I could not sleep.")
    s3 = span_of(project, "P01", "I walked with a stick")
    project.add_coding("P01", "Pain before treatment", coder, *s1)
    project.add_coding("P01", "Poor sleep", coder, *s2)
    project.add_coding("P01", "Mobility", coder, *s3)
