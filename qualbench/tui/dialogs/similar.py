"""Similar-code suggestions: pairs whose names or codings are close, best first.

Rows come from :meth:`Project.similar_codes` (name likeness by rapidfuzz, or overlap of
the coded text; the score is the larger). Enter or ``m`` on a pair returns it, and the
codebook screen opens the merge dialog for it: deciding whether the two really mean the
same thing stays with the analyst.
"""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class SimilarDialog(ModalScreen[tuple[str, str] | None]):
    BINDINGS = [
        Binding("m", "merge", "Merge the pair"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, pairs) -> None:
        super().__init__(classes="dialog")
        self.pairs = [(r.code_a, r.code_b, r.score, r.why) for r in pairs.itertuples(index=False)]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Text(f"Similar codes · {len(self.pairs)} candidate pair(s) for a merge", style="bold"),
                         classes="dialog-title")
            if self.pairs:
                yield OptionList(*[Option(self._prompt(p)) for p in self.pairs], id="similar-options")
            else:
                yield Static(Text("No two codes are alike by name or by the text they code.", style="italic"))
            yield Static("enter / m merge the pair · ↑↓ choose · esc close", classes="dialog-hint", markup=False)

    @staticmethod
    def _prompt(pair) -> Text:
        a, b, score, why = pair
        text = Text()
        text.append(f"{score:4.2f}  ", style="bold")
        text.append(a)
        text.append("  ⇄  ", style="dim")
        text.append(b)
        text.append(f"\n      {why}", style="dim italic")
        return text

    def on_mount(self) -> None:
        if self.pairs:
            options = self.query_one(OptionList)
            options.highlighted = 0
            options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.pairs[event.option_index][:2])

    def action_merge(self) -> None:
        if self.pairs:
            self.dismiss(self.pairs[self.query_one(OptionList).highlighted or 0][:2])

    def action_cancel(self) -> None:
        self.dismiss(None)
