"""The codebook history: every merge, split, rename and move, who did it and why.

A table of :meth:`Project.codebook_history`, newest first (the last change is the one
the analyst is usually looking for). Undone changes stay listed, marked, because the
history is an audit trail of how the themes were reached, not only of where they are.
"""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

COLUMNS = ("Date", "Coder", "Operation", "What", "Reason")


class HistoryDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape,h,q", "close", "Close")]

    def __init__(self, history) -> None:
        super().__init__(classes="dialog")
        self.history = history  # the DataFrame from Project.codebook_history()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box history-box"):
            yield Static(Text(f"Codebook history · {len(self.history)} changes", style="bold"),
                         classes="dialog-title")
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Static("↑↓ scroll · esc close · undone changes are struck through",
                         classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for name in COLUMNS:
            table.add_column(name, key=name)
        for row in reversed(list(self.history.itertuples(index=False))):
            style = "strike dim" if row.undone else ""
            table.add_row(*(Text(str(v or ""), style=style) for v in
                            (row.date, row.coder, row.operation.split(".")[-1], row.what, row.reason)))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
