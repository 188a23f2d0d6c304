"""Which key actions write, and the project as a ``--review`` run sees it.

A supervisor's ``--review`` run may read everything and write one thing: a comment on a
code (and export files to read, which change no analysis). Two guards make that hold on
every screen, including screens that forget their own check:

* :func:`writes` tells the app which actions write, so :meth:`QualbenchApp.run_action`
  refuses them with a notification (and the footer hides them) before any dialog opens;
* :class:`ReadOnlyProject` is what the app hands the screens in review mode: every read
  works, and every write but a comment or an export raises a
  :class:`~qualbench.errors.QualbenchError` (which the screens show as a notification).
  It catches writes at the API's one door (``_change``) and undo/redo, so a write
  reached some other way — a dialog's callback, a new screen — still cannot happen.
"""
from __future__ import annotations

import inspect
import sys
from types import FunctionType

from ..errors import QualbenchError

READ_ONLY = "this is a read-only review (qualbench tui --review): only comments (c on the review screen) are written"
# Event actions a review run may write: a comment, and the log line of an export.
REVIEW_MAY = ("comment.add", "export.")

EVERYWHERE = frozenset({"undo", "redo"})
# Screens whose module has no WRITES set of its own: their writing actions, by class name.
KNOWN = {
    "AgreementScreen": frozenset({"settle", "edit_span", "copy_agreed"}),
}


def writes(namespace, action: str) -> bool:
    """True if ``action`` on ``namespace`` (a screen or widget) changes the project.

    A screen says so in a ``WRITES`` set on its class or in its module (the coding,
    codebook and compare screens do); :data:`KNOWN` covers the others.
    """
    if action in EVERYWHERE:
        return True
    names = getattr(namespace, "WRITES", None)
    if names is None:
        names = getattr(sys.modules.get(type(namespace).__module__), "WRITES", None)
    if names is not None and action in names:
        return True
    return action in KNOWN.get(type(namespace).__name__, ())


class ReadOnlyProject:
    """A view of a Project whose writes (all but comments and exports) raise.

    The API's methods run with this view as ``self``, so every write inside them comes
    through :meth:`_change` here — the same single door the API itself uses.
    """

    def __init__(self, project) -> None:
        object.__setattr__(self, "_project", project)

    def __getattr__(self, name: str):
        project = object.__getattribute__(self, "_project")
        found = inspect.getattr_static(type(project), name, None)
        if isinstance(found, (FunctionType, property)):
            return found.__get__(self, type(project))
        return getattr(project, name)

    def __setattr__(self, name: str, value) -> None:
        setattr(object.__getattribute__(self, "_project"), name, value)

    def _change(self, action: str, **kwargs):
        if not action.startswith(REVIEW_MAY):
            raise QualbenchError(READ_ONLY)
        project = object.__getattribute__(self, "_project")
        return type(project)._change(self, action, **kwargs)

    def undo(self, actor: str | None = None):
        raise QualbenchError(READ_ONLY)

    def redo(self, actor: str | None = None):
        raise QualbenchError(READ_ONLY)

    @property
    def real(self):
        """The project itself (for closing it)."""
        return object.__getattribute__(self, "_project")
