"""Messages that cross screens; a widget's own messages live in its class.

The app handles :class:`OpenDocument` (from the documents table, a search hit on any
screen) and re-posts :class:`CoderSwitched` and :class:`ProjectChanged` to every screen
in the stack, so a screen that is not showing refreshes when it is shown again.
"""
from __future__ import annotations

from textual.message import Message


class OpenDocument(Message):
    """Open a document on the coding screen, optionally selecting a span there."""

    def __init__(self, document_id: int, select: tuple[int, int] | None = None,
                 highlights: tuple[tuple[int, int], ...] = ()) -> None:
        super().__init__()
        self.document_id = document_id
        self.select = select
        self.highlights = highlights


class CoderSwitched(Message):
    """The active coder changed (and with it, maybe, blind mode)."""

    def __init__(self, coder: str) -> None:
        super().__init__()
        self.coder = coder


class ProjectChanged(Message):
    """Something was written (a coding, a code, a memo, an undo): reread what you show."""

    def __init__(self, action: str = "") -> None:
        super().__init__()
        self.action = action
