"""Pick one of a few things: which coding, what the memo is about, a parent category."""
from __future__ import annotations

from typing import Generic, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

T = TypeVar("T")


class ChoiceDialog(ModalScreen[T | None], Generic[T]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: list[tuple[str | Text, T]], *, highlight: int = 0,
                 hint: str = "↑↓ choose · enter select · esc cancel") -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.choices = choices
        self.start = highlight
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Text(self.title_text, style="bold"), classes="dialog-title")
            yield OptionList(*[Option(label if isinstance(label, Text) else Text(label))
                               for label, _ in self.choices], id="choices")
            yield Static(self.hint, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = max(0, min(self.start, len(self.choices) - 1))
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[event.option_index][1])

    def action_cancel(self) -> None:
        self.dismiss(None)
