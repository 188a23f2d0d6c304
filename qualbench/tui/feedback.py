"""Turning the core's user errors into notifications, and events into plain words.

A :class:`~qualbench.errors.QualbenchError` is something the user can fix ("a code named
'Sleep' already exists"); the TUI shows it as a notification and carries on. Anything
else is a bug and keeps its traceback.
"""
from __future__ import annotations

import functools
from contextlib import contextmanager
from typing import Iterator

from ..api.undo_text import describe  # noqa: F401  (the screens' one name for it)
from ..errors import QualbenchError


@contextmanager
def reported(node) -> Iterator[None]:
    """Run a block; a QualbenchError becomes an error notification instead of a crash."""
    try:
        yield
    except QualbenchError as exc:
        node.app.notify(str(exc), severity="error", title="Not done")


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
