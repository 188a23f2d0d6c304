"""Switch the active coder: pick a known coder or type a new name.

A coder who does not exist yet is created with their first coding; blind mode already
counts them (see :meth:`Project.blind_for`), so a second coder never sees the first
one's work, not even before their first coding.
"""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option


class CoderDialog(ModalScreen[str | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
    ]

    def __init__(self, coders: list[str], current: str) -> None:
        super().__init__(classes="dialog")
        self.coders = coders
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box coder-box"):
            yield Static(Text("Switch coder", style="bold"), classes="dialog-title")
            yield Input(placeholder="a new coder's name, or choose below", id="coder-input")
            yield OptionList(*[Option(Text(("● " if c == self.current else "  ") + c)) for c in self.coders],
                             id="coder-options")
            yield Static("enter switch · esc cancel", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        box = self.query_one(Input)
        box.cursor_blink = not self.app.is_headless
        options = self.query_one(OptionList)
        options.can_focus = False
        if self.coders:
            options.highlighted = self.coders.index(self.current) if self.current in self.coders else 0
        box.focus()

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if self.coders:
            current = options.highlighted if options.highlighted is not None else 0
            options.highlighted = max(0, min(len(self.coders) - 1, current + delta))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = " ".join(event.value.split())
        if name:
            self.dismiss(name)
            return
        options = self.query_one(OptionList)
        if self.coders and options.highlighted is not None:
            self.dismiss(self.coders[options.highlighted])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.coders[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
