"""The code picker: type a few letters (typos welcome), Enter applies the code.

Matching is :mod:`qualbench.tui.matching` (rapidfuzz over name, category path and
definition). With nothing typed, the codes on the number keys come first. When the
typed text is not the name of any code, the list ends with an entry to create it. The
highlight (what Enter takes) is the best existing code when it matches reasonably
(:data:`~qualbench.tui.matching.HIGHLIGHT_FROM`), so Enter on a typo ("pain qualty")
still picks the code that was meant; only when nothing matches that well is the create
entry highlighted, so Enter on a really new name creates it rather than mis-codes.

The picker returns a :class:`~qualbench.model.Code`, a :class:`NewCode` (the caller
asks for its parent and creates it), or None.
"""
from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...model import Code
from .. import matching
from ..colors import code_color


@dataclass(frozen=True)
class NewCode:
    name: str
    suggested_parent: int | None   # the parent of the closest existing code, as a default


class CodePicker(ModalScreen[Code | NewCode | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("pagedown", "move(8)", "Page down", show=False),
        Binding("pageup", "move(-8)", "Page up", show=False),
    ]

    def __init__(self, codes: list[Code], *, recent: list[int] | None = None, target: str = "",
                 title: str = "Code", allow_create: bool = True) -> None:
        super().__init__(classes="dialog")
        self.codes = codes
        self.entries = matching.build_entries(codes)
        self.recent = recent or []
        self.target = target
        self.title_text = title
        self.allow_create = allow_create
        self.values: list[Code | NewCode] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box picker-box"):
            yield Static(Text(self.title_text, style="bold"),
                         classes="dialog-title" + (" with-target" if self.target else ""))
            if self.target:
                yield Static(Text("“" + _short(self.target, 140) + "”", style="italic"),
                             classes="dialog-target")
            yield Input(placeholder="type a code, a category or words from its definition",
                        id="picker-input")
            yield OptionList(id="picker-options")
            yield Static("enter apply · ↑↓ choose · esc cancel · a new name: the last line",
                         classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        box = self.query_one(Input)
        box.cursor_blink = not self.app.is_headless
        self.query_one(OptionList).can_focus = False  # typing always goes to the input
        box.focus()
        self._fit()
        self._refill("")

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        # In 24 lines the list must leave room for the title, the passage, the input and
        # the hint inside the dialog's 90% (11 rows for the rest, borders included).
        self.query_one(OptionList).styles.max_height = max(3, min(14, int(self.app.size.height * 0.9) - 11))

    def on_input_changed(self, event: Input.Changed) -> None:
        self._refill(event.value)

    def _refill(self, query: str) -> None:
        options = self.query_one(OptionList)
        ranked = matching.rank(query, self.entries)
        if not query.strip() and self.recent:
            first = {cid: i for i, cid in enumerate(self.recent)}
            ranked.sort(key=lambda r: first.get(r[0].code.id, len(first)))
        values: list[Code | NewCode] = []
        prompts: list[Text] = []
        for entry, _ in ranked:
            values.append(entry.code)
            prompts.append(self._prompt(entry))
        name = " ".join(query.split())
        highlight = 0
        if self.allow_create and name and not matching.exact(name, self.codes):
            parent = ranked[0][0].code.parent_id if ranked else None
            create = Text("+ ", style="bold")
            create.append(f"Create code “{name}”", style="bold")
            create.append(" …then choose its category", style="dim")
            values.append(NewCode(name, parent))
            prompts.append(create)
            if not matching.highlight_best(ranked):
                highlight = len(values) - 1
        self.values = values
        options.clear_options()
        options.add_options([Option(p) for p in prompts])
        if values:
            options.highlighted = highlight

    def _prompt(self, entry: matching.CodeEntry) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        number = self.recent.index(entry.code.id) + 1 if entry.code.id in self.recent else None
        text.append(f"{number} " if number and number <= 9 else "  ", style="bold")
        text.append("■ ", style=code_color(entry.code).hex)
        text.append(entry.name)
        if entry.path:
            text.append("  " + entry.path.split(" › ")[-1], style="dim")
        return text

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if not self.values:
            return
        current = options.highlighted if options.highlighted is not None else 0
        options.highlighted = max(0, min(len(self.values) - 1, current + delta))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if self.values and options.highlighted is not None:
            self.dismiss(self.values[options.highlighted])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.values[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
