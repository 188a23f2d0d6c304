"""Search the project: words, lemmas or a fuzzy quote; Enter jumps to the hit.

The query runs in a thread worker shortly after typing stops (lemma search may load the
spaCy pipeline the first time; a fuzzy search reads every sentence), so typing never
waits on it. Tab cycles the mode. The dialog returns the chosen
:class:`~qualbench.api.search.SearchHit`, or None.
"""
from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...api.search import MODES, SearchHit
from ...errors import QualbenchError

DEBOUNCE = 0.25
MODE_HELP = {
    "words": "every word, exactly (FTS5)",
    "lemma": "any form of the words: walk finds walked",
    "fuzzy": "a half-remembered quote",
}


class SearchDialog(ModalScreen[SearchHit | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("tab", "next_mode", "Mode", priority=True),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("pagedown", "move(8)", "Page down", show=False),
        Binding("pageup", "move(-8)", "Page up", show=False),
    ]

    class Results(Message):
        def __init__(self, query: str, mode: str, hits: list[SearchHit]) -> None:
            super().__init__()
            self.query, self.mode, self.hits = query, mode, hits

    def __init__(self, project, *, query: str = "", mode: str = "words") -> None:
        super().__init__(classes="dialog")
        self.project = project
        self.initial = query
        self.mode = mode if mode in MODES else "words"
        self.hits: list[SearchHit] = []
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box search-box"):
            yield Static(Text("Search the interviews", style="bold"), classes="dialog-title")
            yield Input(self.initial, placeholder="words, or a quote you half remember", id="search-input")
            yield Static(id="search-mode", classes="dialog-hint")
            yield OptionList(id="search-results")
            yield Static("enter jump · tab mode · ↑↓ choose · esc close", classes="dialog-hint",
                         markup=False)

    def on_mount(self) -> None:
        box = self.query_one(Input)
        box.cursor_blink = not self.app.is_headless
        self.query_one(OptionList).can_focus = False
        box.focus()
        self._show_mode()
        if self.initial:
            self._run()

    def _show_mode(self, count: int | None = None) -> None:
        text = Text("mode: ")
        for m in MODES:
            text.append(f" {m} ", style="reverse bold" if m == self.mode else "dim")
        text.append("  " + MODE_HELP[self.mode], style="italic")
        if count is not None:
            text.append(f"  · {count} hit{'s' if count != 1 else ''}")
        self.query_one("#search-mode", Static).update(text)

    def action_next_mode(self) -> None:
        self.mode = MODES[(MODES.index(self.mode) + 1) % len(MODES)]
        self._show_mode()
        self._run()

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self._run)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if self.hits and options.highlighted is not None:
            self.dismiss(self.hits[options.highlighted])
        else:
            self._run()

    def _run(self) -> None:
        self.search(self.query_one(Input).value, self.mode)

    @work(thread=True, exclusive=True, group="search")
    def search(self, query: str, mode: str) -> None:
        try:
            hits = self.project.search(query, mode, limit=100)
        except QualbenchError as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="error", title="Search")
            return
        self.post_message(self.Results(query, mode, hits))

    def on_search_dialog_results(self, message: Results) -> None:
        if message.query != self.query_one(Input).value or message.mode != self.mode:
            return  # a stale answer to an older query
        self.hits = message.hits
        self.app.last_search = (message.query, message.mode)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(self._prompt(h)) for h in self.hits])
        if self.hits:
            options.highlighted = 0
        self._show_mode(len(self.hits) if message.query.strip() else None)

    def _prompt(self, hit: SearchHit) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{hit.document:<6}", style="bold")
        first = hit.matches[0][0] if hit.matches else hit.context_start
        # Start the context a little before the first match so the match is on screen.
        lead = max(0, first - hit.context_start - 25)
        # One line per hit: the option list would wrap a long one over several.
        width = self.query_one(OptionList).scrollable_content_region.width or self.app.size.width - 12
        room = max(20, width - 6 - 2)
        shown = hit.context[lead:lead + room - (1 if lead else 0)]
        base = hit.context_start + lead
        body = Text(("…" if lead else "") + shown.replace("\n", " "))
        shift = 1 if lead else 0
        for s, e in hit.matches:
            a, b = s - base + shift, e - base + shift
            if b > shift:
                body.stylize("bold reverse", max(shift, a), b)
        text.append_text(body)
        return text

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if self.hits:
            current = options.highlighted if options.highlighted is not None else 0
            options.highlighted = max(0, min(len(self.hits) - 1, current + delta))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.hits[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
