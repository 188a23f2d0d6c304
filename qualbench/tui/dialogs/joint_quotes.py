"""The quotes behind one joint-display cell, in a scrollable list; Enter opens one in its
interview. Returns the chosen :class:`QuoteRef`, or None.

This is the "quote matrix" half of the joint display: a number in a cell is a pointer,
and the quotes are what a reader checks it against. Each quote keeps where it came
from (document and offsets) so the coding screen can show it in context.
"""
from __future__ import annotations

from typing import NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class QuoteRef(NamedTuple):
    participant: str | None
    document: str
    document_id: int | None   # None when the passage could not be found (text edited elsewhere)
    start: int
    end: int
    quote: str
    coder: str


class JointQuotesDialog(ModalScreen[QuoteRef | None]):
    BINDINGS = [Binding("escape", "cancel", "Close")]
    DEFAULT_CSS = """
    JointQuotesDialog .quotes-box { height: 90%; max-width: 110; }
    JointQuotesDialog .quotes-box OptionList { height: 1fr; max-height: 100%; }
    """

    def __init__(self, title: str, quotes: list[QuoteRef]) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.quotes = quotes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box quotes-box"):
            people = len({q.participant or q.document for q in self.quotes})
            title = Text(self.title_text, style="bold")
            title.append(f"  {len(self.quotes)} quote{'s' if len(self.quotes) != 1 else ''} from {people} "
                         f"participant{'s' if people != 1 else ''}", style="dim")
            yield Static(title, classes="dialog-title")
            options: list = []
            for i, q in enumerate(self.quotes):
                if i:
                    options.append(None)  # a rule between quotes
                options.append(Option(self._prompt(q)))
            yield OptionList(*options, id="quotes")
            yield Static("enter open in the interview · ↑↓ pgup pgdn choose · esc close",
                         classes="dialog-hint", markup=False)

    def _prompt(self, q: QuoteRef) -> Text:
        text = Text()
        text.append(q.participant or q.document, style="bold")
        if q.participant and q.participant != q.document:
            text.append(f" · {q.document}")
        text.append(f" · {q.coder}", style="dim")
        text.append("\n“" + " ".join(q.quote.split()) + "”")
        return text

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.quotes:
            options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        # Separators are not options, so the option index counts quotes only.
        self.dismiss(self.quotes[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
