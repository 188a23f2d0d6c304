"""Edit the span a disagreement is settled with: move its edges by word or sentence, or
type the offsets. Returns ``(start, end)`` or None.

The edges move by the same units people think in when they argue about a boundary
("end it after 'sleep'", "take the next sentence too"): words are runs of non-space
characters, sentences are the project's own segments with their surrounding whitespace
trimmed (as the coding screen does), so a settled span never starts or ends in a space.
Offsets are code points, the project's convention; typing them is for the rare case
no key reaches.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ...nlp import trim_span
from ..widgets.agreement_reconcile import window

_OFFSETS = re.compile(r"^\s*(\d+)\s*(?:[-–—,:]|\s)\s*(\d+)\s*$")


class SpanEditor(ModalScreen[tuple[int, int] | None]):
    BINDINGS = [
        Binding("right", "move_end(1)", "End a word later"),
        Binding("left", "move_end(-1)", "End a word earlier"),
        Binding("shift+right", "move_start(1)", "Start a word later"),
        Binding("shift+left", "move_start(-1)", "Start a word earlier"),
        Binding("greater_than_sign", "move_end_sentence(1)", "End a sentence later"),
        Binding("less_than_sign", "move_end_sentence(-1)", "End a sentence earlier"),
        Binding("right_curly_bracket", "move_start_sentence(1)", "Start a sentence later"),
        Binding("left_curly_bracket", "move_start_sentence(-1)", "Start a sentence earlier"),
        Binding("a", "reset_span('a')", "Coder A's span"),
        Binding("b", "reset_span('b')", "Coder B's span"),
        Binding("plus,equals_sign", "reset_span('both')", "From the first start to the last end"),
        Binding("colon", "type_offsets", "Type the offsets"),
        Binding("enter", "accept", "Settle with this span"),
        Binding("escape", "cancel", "Cancel"),
    ]
    DEFAULT_CSS = """
    SpanEditor .span-box { max-width: 110; height: 90%; }
    SpanEditor #span-context { height: 1fr; }
    SpanEditor #span-context Static { height: auto; }
    SpanEditor #span-offsets { display: none; margin: 0; }
    SpanEditor.-typing #span-offsets { display: block; }
    """

    def __init__(self, title: str, text: str, span: tuple[int, int], *,
                 spans_a: tuple = (), spans_b: tuple = (), sentences: list[tuple[int, int]] = ()) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.text = text
        self.start, self.end = span
        self.spans = {"a": tuple(spans_a), "b": tuple(spans_b), "both": tuple(spans_a) + tuple(spans_b)}
        words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        self.word_starts = [s for s, _ in words]
        self.word_ends = [e for _, e in words]
        trimmed = [trim_span(text, s, e) for s, e in sentences]
        self.sentence_starts = sorted({s for s, e in trimmed if e > s})
        self.sentence_ends = sorted({e for s, e in trimmed if e > s})

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box span-box"):
            yield Static(Text(self.title_text, style="bold"), classes="dialog-title")
            yield Static(id="span-info")
            with VerticalScroll(id="span-context", can_focus=False):
                yield Static(id="span-text")
            box = Input(placeholder="start end, e.g. 312 402 — enter applies, esc returns", id="span-offsets")
            box.can_focus = False  # until ":" asks for it, every key moves the span
            yield box
            yield Static("→ ← end by word · shift+→ ← start by word · > < end by sentence · } { start by "
                         "sentence · a b + reset · : offsets · enter settle · esc cancel",
                         classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        box = self.query_one(Input)
        box.cursor_blink = not self.app.is_headless
        self.set_focus(None)
        self._show()

    # -- drawing ---------------------------------------------------------------------------
    def _show(self) -> None:
        s, e = self.start, self.end
        info = Text()
        info.append(f"{s:,}–{e:,}", style="bold")
        info.append(f" · {e - s:,} characters · ")
        info.append("“" + _short(" ".join(self.text[s:e].split()), 160) + "”", style="italic")
        self.query_one("#span-info", Static).update(info)
        lo, hi = window(self.text, min([s] + [x for x, _ in self.spans["both"]]),
                        max([e] + [y for _, y in self.spans["both"]]))
        body = Text(("…" if lo else "") + self.text[lo:hi] + ("…" if hi < len(self.text) else ""))
        shift = (1 if lo else 0) - lo
        for a, b in self.spans["a"]:
            body.stylize("underline", max(a, lo) + shift, min(b, hi) + shift)
        for a, b in self.spans["b"]:
            body.stylize("italic", max(a, lo) + shift, min(b, hi) + shift)
        body.stylize("reverse", max(s, lo) + shift, min(e, hi) + shift)
        legend = Text("reverse: the span · underlined: coder A · italic: coder B\n", style="dim")
        self.query_one("#span-text", Static).update(legend + body)

    # -- moving the edges ------------------------------------------------------------------
    def _set(self, start: int, end: int) -> None:
        if not 0 <= start < end <= len(self.text):
            self.app.bell()
            return
        self.start, self.end = start, end
        self._show()

    def action_move_end(self, direction: int) -> None:
        self._set(self.start, _step(self.word_ends, self.end, direction, floor=self.start))

    def action_move_start(self, direction: int) -> None:
        self._set(_step(self.word_starts, self.start, direction, ceiling=self.end), self.end)

    def action_move_end_sentence(self, direction: int) -> None:
        self._set(self.start, _step(self.sentence_ends, self.end, direction, floor=self.start))

    def action_move_start_sentence(self, direction: int) -> None:
        self._set(_step(self.sentence_starts, self.start, direction, ceiling=self.end), self.end)

    def action_reset_span(self, who: str) -> None:
        spans = self.spans[who]
        if not spans:
            self.notify(f"Coder {who.upper()} has no coding here.", severity="warning")
            return
        self._set(min(s for s, _ in spans), max(e for _, e in spans))

    # -- typing offsets --------------------------------------------------------------------
    def action_type_offsets(self) -> None:
        box = self.query_one(Input)
        box.can_focus = True
        box.value = f"{self.start} {self.end}"
        self.add_class("-typing")
        box.focus()

    def _stop_typing(self) -> None:
        box = self.query_one(Input)
        self.remove_class("-typing")
        box.can_focus = False
        self.set_focus(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        m = _OFFSETS.match(event.value)
        if not m or not 0 <= int(m[1]) < int(m[2]) <= len(self.text):
            self.notify(f"Type two offsets, start < end, between 0 and {len(self.text):,}.",
                        severity="warning")
            return
        self._stop_typing()
        self._set(int(m[1]), int(m[2]))

    def action_accept(self) -> None:
        self.dismiss((self.start, self.end))

    def action_cancel(self) -> None:
        if self.has_class("-typing"):
            self._stop_typing()
            return
        self.dismiss(None)


def _step(edges: list[int], current: int, direction: int, *, floor: int = -1,
          ceiling: int | None = None) -> int:
    """The next edge after (or before) ``current``, kept inside (floor, ceiling)."""
    if direction > 0:
        i = bisect_right(edges, current)
        new = edges[i] if i < len(edges) else current
    else:
        i = bisect_left(edges, current) - 1
        new = edges[i] if i >= 0 else current
    if new <= floor or (ceiling is not None and new >= ceiling):
        return current
    return new


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n // 2 - 1] + " … " + text[-(n // 2 - 2):]
