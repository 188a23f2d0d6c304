"""Switch the active coder (F2): pick a known coder, or explicitly create a new one.

Typing filters the list (typos are fine: "coder-b" finds coder_b). A name that is not a
coder yet is offered as the last line, "+ Create coder 'x'", and Enter creates it only
when that line is highlighted — it is highlighted by default only when no known coder
is close to what was typed, so a typo never quietly starts a new coder (whose codings
would then be missing from everybody's agreement). With nothing typed, the highlight
starts on the next coder after the current one: switching between two coders is F2,
Enter.

A coder who does not exist yet is created with their first coding; blind mode already
counts them (see :meth:`Project.blind_for`), so a second coder never sees the first
one's work, not even before their first coding.
"""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

SHOWN_FROM = 60.0      # a coder stays in the filtered list from this score on
HIGHLIGHT_FROM = 90.0  # ... and is highlighted over "+ Create" from this one


@dataclass(frozen=True)
class NewCoder:
    name: str


def _key(name: str) -> str:
    """'Coder-B ' -> 'coderb': what is left of a name once case and punctuation go."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def closeness(typed: str, coder: str) -> float:
    """0–100: how likely ``coder`` is the one meant by ``typed``."""
    t, c = typed.strip().casefold(), coder.casefold()
    if not t:
        return 0.0
    if c.startswith(t):
        return 100.0
    if t in c:
        return 95.0
    kt, kc = _key(typed), _key(coder)
    if kt and kt == kc:
        return 99.0
    return fuzz.ratio(kt, kc) if kt and kc else 0.0


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
        self.values: list[str | NewCoder] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box coder-box"):
            yield Static(Text.assemble(("Switch coder", "bold"), ("  now coding: ", "dim"),
                                       (self.current, "bold")), classes="dialog-title")
            yield Input(placeholder="type to filter, or a new coder's name", id="coder-input")
            yield OptionList(id="coder-options")
            yield Static("enter switch · ↑↓ choose · esc cancel · a new coder: the “+ Create” line",
                         classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        box = self.query_one(Input)
        box.cursor_blink = not self.app.is_headless
        self.query_one(OptionList).can_focus = False  # typing always goes to the input
        box.focus()
        self._refill("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._refill(event.value)

    def _refill(self, typed: str) -> None:
        name = " ".join(typed.split())
        values: list[str | NewCoder]
        if not name:
            values = list(self.coders)
            highlight = (self.coders.index(self.current) + 1) % len(self.coders) \
                if self.current in self.coders and len(self.coders) > 1 else 0
        else:
            ranked = sorted(((closeness(name, c), i, c) for i, c in enumerate(self.coders)),
                            key=lambda r: (-r[0], r[1]))
            values = [c for s, _, c in ranked if s >= SHOWN_FROM]
            highlight = 0
            if not any(c.casefold() == name.casefold() for c in self.coders):
                values.append(NewCoder(name))
                if not ranked or ranked[0][0] < HIGHLIGHT_FROM:
                    highlight = len(values) - 1
        self.values = values
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(self._prompt(v)) for v in values])
        if values:
            options.highlighted = highlight

    def _prompt(self, value: str | NewCoder) -> Text:
        if isinstance(value, NewCoder):
            text = Text("+ ", style="bold")
            text.append(f"Create coder “{value.name}”", style="bold")
            text.append(" …a new coder, who starts with no codings", style="dim")
            return text
        text = Text(("● " if value == self.current else "  ") + value)
        if value == self.current:
            text.append("  (now)", style="dim")
        return text

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if self.values:
            current = options.highlighted if options.highlighted is not None else 0
            options.highlighted = max(0, min(len(self.values) - 1, current + delta))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if self.values and options.highlighted is not None:
            self._choose(self.values[options.highlighted])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(self.values[event.option_index])

    def _choose(self, value: str | NewCoder) -> None:
        self.dismiss(value.name if isinstance(value, NewCoder) else value)

    def action_cancel(self) -> None:
        self.dismiss(None)
