"""Every key, on one scrollable screen (``?``), the keys of the screen it was called from first."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]], *, title: str = "Keys") -> None:
        super().__init__(classes="dialog")
        self.sections = sections
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box help-box"):
            yield Static(Text(self.title_text, style="bold"), classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                for title, rows in self.sections:
                    table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
                    table.add_column(style="bold", no_wrap=True, min_width=12)
                    table.add_column(ratio=1)
                    for key, what in rows:
                        table.add_row(Text(key), Text(what))
                    yield Static(Text(title, style="bold underline"), classes="help-title")
                    yield Static(table)
            yield Static("↑↓ pgup pgdn scroll · esc close", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)
