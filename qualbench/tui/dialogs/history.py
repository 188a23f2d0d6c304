"""The codebook history: every merge, split, rename and move, who did it and why.

A table of :meth:`Project.codebook_history`, newest first (the last change is the one
the analyst is usually looking for). Undone changes stay listed, marked, because the
history is an audit trail of how the themes were reached, not only of where they are.

The box takes nearly the whole terminal and the columns are fitted to it: date, coder
and operation keep their width, "what" and "reason" share the rest and wrap onto a
second line (a third and more are cut with "…"), so the reason — the point of the
history — is never off to the right. The highlighted change is also written out in full
under the table. If a terminal is too narrow even for that, ←→ scroll sideways.
"""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

COLUMNS = ("Date", "Coder", "Operation", "What", "Reason")
MAX_LINES = 2          # lines a row may take; longer texts are cut (the full one is below)
MIN_TEXT = 12          # the narrowest "what" / "reason" column


def fit_widths(fixed: list[int], free: list[int], room: int, padding: int = 2) -> list[int]:
    """Widths for the free columns (their natural widths in ``free``) in ``room`` cells.

    The fixed columns keep their width; the free ones get what is left, each at least
    :data:`MIN_TEXT`, shared in proportion to what they need (never more than that).
    """
    left = room - sum(w + padding for w in fixed) - padding * len(free)
    if sum(free) <= left:
        return list(free)
    share = [max(MIN_TEXT, int(left * need / max(1, sum(free)))) for need in free]
    return [min(s, need) if need else MIN_TEXT for s, need in zip(share, free)]


def clip(text: str, width: int, lines: int = MAX_LINES) -> str:
    """``text`` cut with "…" so that it wraps into at most ``lines`` lines of ``width``."""
    budget = width * lines - 4  # word wrapping wastes a little of each line
    return text if len(text) <= budget else text[: budget - 1].rstrip() + "…"


class HistoryDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape,h,q", "close", "Close")]
    DEFAULT_CSS = """
    HistoryDialog .history-box { height: 90%; }
    HistoryDialog #history-table { height: 1fr; }
    HistoryDialog #history-full { height: auto; max-height: 6; border-top: solid $panel-lighten-2; }
    """

    def __init__(self, history) -> None:
        super().__init__(classes="dialog")
        self.history = history  # the DataFrame from Project.codebook_history()
        self.rows = [(str(r.date or "")[:16], str(r.coder or ""), str(r.operation or "").split(".")[-1],
                      str(r.what or ""), str(r.reason or ""), bool(r.undone))
                     for r in reversed(list(history.itertuples(index=False)))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box history-box"):
            yield Static(Text(f"Codebook history · {len(self.history)} change{'s' * (len(self.history) != 1)}"
                              ", newest first", style="bold"), classes="dialog-title")
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="history-full")
            yield Static("↑↓ pgup pgdn move · ←→ scroll sideways · esc close · undone changes are struck through",
                         classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        # Inline, because the app's stylesheet caps every dialog box at 100 columns and
        # beats a widget's DEFAULT_CSS: the history needs the terminal's whole width.
        box = self.query_one(".history-box")
        box.styles.width = "96%"
        box.styles.max_width = "100%"
        self.query_one(DataTable).focus()
        self.call_after_refresh(self._fill)  # the widths need the box's laid-out size

    def on_resize(self) -> None:
        if self.is_mounted:
            self.call_after_refresh(self._fill)

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        natural = [max([len(name)] + [len(row[i]) for row in self.rows]) for i, name in enumerate(COLUMNS)]
        room = table.scrollable_content_region.width - 1  # a vertical scrollbar may come
        padding = 2 * table.cell_padding
        # Narrow: the day is enough in the table (the time is in the line below it).
        short = room - sum(natural[:3]) - 5 * padding < 3 * MIN_TEXT
        if short:
            natural[0] = 10
        what, reason = fit_widths(natural[:3], natural[3:], room, padding)
        widths = natural[:3] + [what, reason]
        for name, width in zip(COLUMNS, widths):
            table.add_column(name, key=name, width=width)
        for date, coder, operation, what_text, why, undone in self.rows:
            style = "strike dim" if undone else ""
            cells = [date[:10] if short else date, coder, operation, clip(what_text, widths[3]),
                     clip(why, widths[4])]
            # height None: the table gives the row the lines its wrapped cells need.
            table.add_row(*(Text(c, style=style) for c in cells), height=None)
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        self._show_full()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_full()

    def _show_full(self) -> None:
        """The highlighted change in full: what, and why."""
        table = self.query_one(DataTable)
        full = self.query_one("#history-full", Static)
        if not self.rows or not table.row_count:
            full.update(Text("No codebook change yet.", style="italic"))
            return
        date, coder, operation, what, why, undone = self.rows[table.cursor_row]
        text = Text()
        text.append(f"{date} · {coder} · {operation}", style="bold")
        if undone:
            text.append(" · undone", style="italic")
        text.append(f"\n{what}")
        text.append("\nwhy: ", style="bold")
        text.append(why or "no reason given", style="" if why else "dim italic")
        full.update(text)

    def action_close(self) -> None:
        self.dismiss(None)
