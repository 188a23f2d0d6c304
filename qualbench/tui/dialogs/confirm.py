"""Ask before something big happens: y goes ahead, n or esc does not.

Used before an undo or redo that changes many rows at once (an import of 938 codings):
one reflexive ``u`` must not throw away a coder's imported work. Enter does not
confirm, so a key pressed out of habit never says yes.
"""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, detail: str = "", *, yes: str = "yes", no: str = "no") -> None:
        super().__init__(classes="dialog")
        self.question = question
        self.detail = detail
        self.hint = f"y {yes} · n / esc {no}"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box confirm-box"):
            yield Static(Text(self.question, style="bold"), classes="dialog-title")
            if self.detail:
                yield Static(Text(self.detail), classes="dialog-detail")
            yield Static(self.hint, classes="dialog-hint", markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
