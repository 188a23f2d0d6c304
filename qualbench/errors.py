"""Errors a user can act on.

Every failure caused by input (a bad file, an unknown participant, an out-of-range
score) is a :class:`QualbenchError` whose ``str()`` is one line naming the file and the
problem. The CLI prints it without a traceback and exits non-zero; the TUI shows it as
a notification. Anything else is a bug and keeps its traceback.
"""
from __future__ import annotations

from pathlib import Path


class QualbenchError(Exception):
    """A problem the user can fix; the message is shown as is."""

    def __init__(self, message: str, *, source: str | Path | None = None) -> None:
        self.source = str(source) if source is not None else None
        self.message = message
        super().__init__(f"{self.source}: {message}" if self.source else message)


class InputFileError(QualbenchError):
    """A file could not be read as what it claims to be."""


class ValidationError(QualbenchError):
    """A table or file was read but its content breaks the rules; lists every problem."""

    def __init__(self, problems: list[str], *, source: str | Path | None = None) -> None:
        self.problems = list(problems)
        head = self.problems[0] if len(self.problems) == 1 else (
            f"{len(self.problems)} problems: " + "; ".join(self.problems[:3])
            + (" …" if len(self.problems) > 3 else ""))
        super().__init__(head, source=source)

    def lines(self) -> list[str]:
        prefix = f"{self.source}: " if self.source else ""
        return [prefix + p for p in self.problems]


class NotFoundError(QualbenchError):
    """A named document, code, coder or participant does not exist in the project."""


class UndoError(QualbenchError):
    """Nothing to undo/redo, or the change was overtaken by a later one."""
