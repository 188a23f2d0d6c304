"""The documents screen: every interview with its size, coding progress and outcome.

"% coded" is the active coder's own progress (blind or not, progress is personal).
Typing anywhere filters the table: each word typed must appear in the row, so
"non would no" finds the non-responders who would not repeat. Enter opens the
highlighted interview on the coding screen, from the table or from the filter box.
ctrl+z / ctrl+y undo and redo here too (``u`` would be filter text).

The top bar always names the active coder: in a narrow terminal the interview count goes
first, then the project title is shortened.
"""
from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from ...api.workbench import DocumentRow
from ..feedback import guarded
from ..messages import CoderSwitched, OpenDocument, ProjectChanged

COLUMNS = ("Interview", "Participant", "Words", "Coded", "Codings", "Responder class", "Would repeat")


class DocumentTable(DataTable):
    """The table; printable keys it does not use go to the filter instead."""

    BINDINGS = [Binding("enter", "screen.open", "Open")]  # shown in the footer, unlike DataTable's

    def on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character and event.character not in "?/":
            event.stop()
            event.prevent_default()
            self.screen.type_into_filter(event.character)


class FilterInput(Input):
    """The filter box; "?" and "/" are never filter text, so they keep their global meaning."""

    PASS = "?/"

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return not (character and character in self.PASS) and super().check_consume_key(key, character)

    async def _on_key(self, event: events.Key) -> None:
        if event.character and event.character in self.PASS:
            event.prevent_default()  # skip Input's own handler: the key's binding acts instead


class DocumentFilter(FilterInput):
    """The documents' filter: its enter opens the highlighted interview, and says so in the footer.

    (Input's own enter binding has no description, so "⏎ Open" would vanish from the footer
    while the filter has the focus — which is whenever something was typed.) Enter keeps
    going through Input's submit, so it is handled after the filter text it follows.
    """

    BINDINGS = [Binding("enter", "submit", "Open")]


class DocumentsScreen(Screen):
    BINDINGS = [
        Binding("enter", "open", "Open"),
        Binding("slash", "search", "Search", priority=True),
        Binding("ctrl+z", "undo", "Undo", priority=True),
        Binding("ctrl+y", "redo", "Redo", show=False, priority=True),
        Binding("escape", "clear_filter", "Clear"),
        Binding("down", "move(1)", show=False),  # from the filter box, move in the table
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="documents")
        self.rows: list[DocumentRow] = []
        self.shown_query = ""  # the filter the table shows

    def compose(self) -> ComposeResult:
        yield Static(id="top-bar", classes="top-bar")
        yield DocumentFilter(placeholder="type to filter: participant, class, yes/no…", id="filter",
                             select_on_focus=False)
        yield DocumentTable(id="documents-table", cursor_type="row", zebra_stripes=True)
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for name in COLUMNS:
            table.add_column(name, key=name)
        self.query_one(Input).cursor_blink = not self.app.is_headless
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def on_coder_switched(self, message: CoderSwitched) -> None:
        self.reload()

    def on_project_changed(self, message: ProjectChanged) -> None:
        if self.is_current:
            self.reload()

    @guarded
    def reload(self) -> None:
        app = self.app
        self.rows = app.project.document_overview(app.coder)
        self._top_bar()
        self._fill(self.query_one(Input).value)

    def on_resize(self) -> None:
        self._top_bar()

    def _top_bar(self) -> None:
        self.query_one("#top-bar", Static).update(top_bar(
            self.app.project.settings.title, len(self.rows), self.app.coder, blind=self.app.blind,
            review=self.app.review, width=self.size.width or self.app.size.width))

    def _fill(self, query: str) -> None:
        self.shown_query = query
        table = self.query_one(DataTable)
        keep = table.cursor_row
        words = query.casefold().split()
        table.clear()
        for r in self.rows:
            pct = f"{r.coded_pct:.1f}%" if 0 < r.coded_pct < 10 else f"{r.coded_pct:.0f}%"
            cells = (r.document.name, r.participant or "", f"{r.words:,}", pct,
                     str(r.codings), r.responder_class or "", r.would_repeat or "")
            hay = " ".join(cells).casefold()
            if all(w in hay for w in words):
                table.add_row(*[Text(c, justify="right") if i in (2, 3, 4) else c
                                for i, c in enumerate(cells)], key=str(r.document.id))
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))

    def type_into_filter(self, character: str) -> None:
        box = self.query_one(Input)
        box.focus()
        box.insert_text_at_cursor(character)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_open()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(OpenDocument(int(event.row_key.value)))

    def action_move(self, delta: int) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + delta)))

    def action_open(self) -> None:
        query = self.query_one(Input).value
        if query != self.shown_query:  # enter came right after the typing, before the refill
            self._fill(query)
        table = self.query_one(DataTable)
        if not table.row_count:
            self.notify("No interview matches the filter." if self.rows else
                        "No interviews yet: import transcripts with 'qualbench import FILES'.",
                        severity="warning")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        self.post_message(OpenDocument(int(key.value)))

    def action_clear_filter(self) -> None:
        box = self.query_one(Input)
        box.value = ""
        self.query_one(DataTable).focus()

    def action_search(self) -> None:
        self.app.action_search()

    # A change of many rows (an import) is confirmed first, by the app, before these run.
    def action_undo(self) -> None:
        self.app.undo("undo")

    def action_redo(self) -> None:
        self.app.undo("redo")


def top_bar(title: str, interviews: int, coder: str, *, blind: bool, review: bool, width: int) -> Text:
    """' qualbench  Title · 10 interviews · coder coder_a (blind)', fitted to ``width``: the
    count goes first, then the title is shortened; the coder is always shown whole."""
    who = Text("coder ")
    who.append(coder, style="bold")
    if blind:
        who.append(" (blind)")
    if review:
        who.append(" · review, read-only", style="bold")
    count = f"· {interviews} interview{'s' * (interviews != 1)} · "
    badge = " qualbench "
    room = width - len(badge) - len(who) - 3  # the spaces around the title and one to spare
    if room < len(title) + len(count):
        count = "· "
    room -= len(count)
    shown = title if len(title) <= room else (title[:max(0, room - 1)] + "…" if room > 4 else "")
    text = Text()
    text.append(badge, style="reverse bold")
    text.append(f" {shown} " if shown else " ")
    text.append(count)
    text.append_text(who)
    return text
