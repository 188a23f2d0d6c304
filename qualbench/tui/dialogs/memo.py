"""Write or edit a memo (on a coding, a document or a code): a text area, ctrl+s saves.

Escape on a changed memo asks for a second escape before the text is thrown away: a
memo can hold ten minutes of thinking, and escape is pressed by reflex. Typing after
that warning re-arms it, so the next escape warns again: only an escape pressed right
after the warning throws the text away.
"""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea


class MemoDialog(ModalScreen[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, text: str = "") -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.text = text
        self._warned = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box memo-box"):
            yield Static(Text(self.title_text, style="bold"), classes="dialog-title")
            yield TextArea(self.text, soft_wrap=True, id="memo-text")
            yield Static("ctrl+s save · esc cancel", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.cursor_blink = not self.app.is_headless
        area.move_cursor(area.document.end)
        area.focus()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._warned = False

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        if self.query_one(TextArea).text != self.text and not self._warned:
            self._warned = True
            self.notify("The memo has changes: ctrl+s saves them, esc again throws them away.",
                        severity="warning")
            return
        self.dismiss(None)
