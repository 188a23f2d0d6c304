"""Turning the core's user errors into notifications, and events into plain words.

A :class:`~qualbench.errors.QualbenchError` is something the user can fix ("a code named
'Sleep' already exists"); the TUI shows it as a notification and carries on. Anything
else is a bug and keeps its traceback.
"""
from __future__ import annotations

import functools
from contextlib import contextmanager
from typing import Iterator

from ..errors import QualbenchError
from ..model import Event

_ACTIONS = {
    "coding.add": "coding", "coding.remove": "removing a coding", "coding.update": "changing a coding",
    "coding.memo": "a coding memo", "memo.set": "a memo", "code.create": "creating a code",
    "code.rename": "renaming a code", "code.update": "editing a code",
    "codebook.import": "a codebook import", "codings.import": "a codings import",
}


@contextmanager
def reported(node) -> Iterator[None]:
    """Run a block; a QualbenchError becomes an error notification instead of a crash."""
    try:
        yield
    except QualbenchError as exc:
        node.app.notify(str(exc), severity="error", title="Not done")


def describe(event: Event) -> str:
    what = _ACTIONS.get(event.action, event.action)
    s = event.summary
    detail = s.get("code") or s.get("name") or s.get("to") or s.get("document") or ""
    return f"{what} ({detail})" if detail else what


def guarded(method):
    """Decorate an action: a QualbenchError inside becomes a notification.

    Textual stops a widget's message loop on an unhandled exception, so user errors
    must never escape an action or a dialog callback.
    """
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with reported(self):
            return method(self, *args, **kwargs)
    return wrapper
