"""The joint display screen (F5): themes, categories or codes against participant groups.

Keys choose what is compared — ``r`` cycles the rows (theme → category → code), ``c``
the columns (responder, would-repeat, responder × would-repeat, responder class — unless
the scheme's classes are responder and non-responder themselves — then every
categorical participant attribute), ``C`` picks a column from a list — and Enter
on a cell lists the quotes behind it; Enter on a quote opens it in its interview. ``x``
exports the table.

Whose codings count is the project's rule (:meth:`Project.counting_coder`): the
consensus set when there is one (and the project prefers it), else the active coder.
The top bar names the coder actually counted and the notes under the table repeat the
API's own caveats (exploratory tests, who was left out), so a number on screen is
never read without them.

Reading runs in thread workers (stamped with a request number; stale answers are
dropped). The export is the project's own (:meth:`Project.export_table` /
:meth:`Project.export_docx`), which names the file and logs the export.
"""
from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Footer, Static

from ...analysis.joint import ROW_KINDS
from ...errors import QualbenchError
from ..dialogs.choice import ChoiceDialog
from ..dialogs.joint_quotes import JointQuotesDialog, QuoteRef
from ..messages import OpenDocument
from ..widgets.joint_table import JointTable
from .live import LiveAnalysisScreen

BASE_COLUMNS = ("responder", "would_repeat", "responder×would_repeat", "responder_class")
ROW_NAMES = {"theme": "themes", "category": "categories", "code": "codes"}


def column_choices(project) -> list[str]:
    """The groupings offered: the outcome ones, then every categorical attribute.

    Under a two-class scheme (binary ≥40%) the responder classes *are* responder and
    non-responder, so "responder class" would repeat the "responder" columns: it is not
    offered then.
    """
    skip = {c.casefold() for c in BASE_COLUMNS} | {"would_repeat", project.settings.would_repeat.casefold()}
    attributes = [name for name, kind in project.attributes().items()
                  if kind == "category" and name.casefold() not in skip]
    base = list(BASE_COLUMNS)
    classes = {c.label.casefold() for c in project.responder_classes()}
    if classes <= {"responder", "non-responder"}:
        base.remove("responder_class")
    return base + attributes


def locate_quotes(project, quotes) -> list[QuoteRef]:
    """Where each quote is: the coding of that coder in that document whose text it is."""
    out, cache = [], {}
    for q in quotes:
        key = (q.document, q.coder)
        if key not in cache:
            doc = project.document(q.document)
            text = project.text(doc)
            cache[key] = (doc.id, [(c.start, c.end, text[c.start:c.end]) for c in
                                   sorted(project.codings(doc=doc.id, coder=q.coder), key=lambda c: (c.start, c.end))])
        doc_id, spans = cache[key]
        hit = next(((s, e) for s, e, t in spans if t == q.quote), None)
        if hit is not None:
            spans.remove(next(x for x in spans if x[:2] == hit))  # two equal quotes: two places
        out.append(QuoteRef(q.participant, q.document, doc_id if hit else None, *(hit or (0, 0)),
                            q.quote, q.coder))
    return out


class JointScreen(LiveAnalysisScreen):
    BINDINGS = [
        Binding("r", "cycle_rows", "Rows"),
        Binding("c", "cycle_columns", "Columns"),
        Binding("C", "pick_columns", "Choose the columns from a list", show=False),
        Binding("x", "export_joint", "Export"),
        Binding("escape", "leave", "Back"),
    ]
    DEFAULT_CSS = """
    JointScreen JointTable { height: 1fr; }
    JointScreen #joint-notes { height: auto; max-height: 7; padding: 0 1; color: $text-muted;
                               border-top: solid $panel-lighten-2; }
    """

    class Computed(Message):
        def __init__(self, token: int, frame, choices: list[str]) -> None:
            super().__init__()
            self.token, self.frame, self.choices = token, frame, choices

    class QuotesLoaded(Message):
        def __init__(self, title: str, quotes: list[QuoteRef]) -> None:
            super().__init__()
            self.title, self.quotes = title, quotes

    def __init__(self) -> None:
        super().__init__(id="joint")
        self.rows, self.by = "theme", "responder"
        self.choices: list[str] = list(BASE_COLUMNS)
        self.frame = None
        self._token = 0

    def compose(self) -> ComposeResult:
        yield Static(id="top-bar", classes="top-bar")
        yield JointTable(id="joint-table")
        yield Static(id="joint-notes")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one(JointTable)
        table.loading = True
        self.recompute()

    # -- reading ---------------------------------------------------------------------------
    def recompute(self) -> None:
        self._token += 1
        self._top_bar(busy=True)
        self.compute(self._token, self.rows, self.by, self.app.coder)

    @work(thread=True, exclusive=True, group="joint")
    def compute(self, token: int, rows: str, by: str, coder: str) -> None:
        project = self.app.project
        try:
            choices = column_choices(project)
            frame = project.joint(rows=rows, by=by, coder=coder)
        except QualbenchError as exc:
            self.app.call_from_thread(self._failed, token, str(exc))
            return
        self.post_message(self.Computed(token, frame, choices))

    def _failed(self, token: int, error: str) -> None:
        if token != self._token:
            return
        table = self.query_one(JointTable)
        table.loading = False
        table.clear(columns=True)
        self.frame = None
        self.query_one("#joint-notes", Static).update(Text(error, style="italic"))
        self._top_bar()

    def on_joint_screen_computed(self, message: Computed) -> None:
        if message.token != self._token:
            return
        self.frame, self.choices = message.frame, message.choices
        table = self.query_one(JointTable)
        table.loading = False
        table.show(self.frame)
        if self.focused is None:
            self.call_after_refresh(table.focus)  # a loading widget refuses focus
        self._top_bar()
        self._notes()
        self.refresh_bindings()  # the footer was drawn while the table was loading

    def _top_bar(self, busy: bool = False) -> None:
        text = Text()
        text.append(" Joint display ", style="reverse bold")
        text.append(f" {ROW_NAMES[self.rows]} × {self.by.replace('_', ' ')}")
        frame = self.frame
        if frame is not None and not busy:
            text.append(f" · codings by {frame.attrs.get('coder', '?')}")
            if len(frame):
                first = frame[frame["node_id"] == frame["node_id"].iloc[0]]
                text.append(f" · {int(first['n_group'].sum())} participants")
        if busy:
            text.append(" · computing…", style="italic")
        self.query_one("#top-bar", Static).update(text)

    def _notes(self) -> None:
        attrs = self.frame.attrs
        # The caveat first: at 24 lines the method may be cut, the caveat must not be.
        text = Text(attrs.get("note", "") + "\n", style="italic")
        text.append("Cells: participants with the node / in the group (%) · codings. ")
        # Before the method, which a short terminal cuts: a column the reader may look for.
        empty = self.query_one(JointTable).empty_groups
        if empty:
            text.append(f"No participant is in {' or '.join(f'“{g}”' for g in empty)}: "
                        f"{'that column is' if len(empty) == 1 else 'those columns are'} left out. ")
        if attrs.get("compared"):
            a, b = attrs["compared"]
            text.append(f"Tests compare {a} with {b}")
            if attrs.get("untested") and attrs["untested"] not in empty:
                text.append(f" ({attrs['untested']} not tested)")
            text.append(". " + attrs.get("method", ""))
        else:
            text.append("No test: the columns are not two groups.")
        for note in attrs.get("notes") or []:
            text.append("\n" + note)
        self.query_one("#joint-notes", Static).update(text)

    # -- what is compared ------------------------------------------------------------------
    def action_cycle_rows(self) -> None:
        self.rows = ROW_KINDS[(ROW_KINDS.index(self.rows) + 1) % len(ROW_KINDS)]
        self.recompute()

    def action_cycle_columns(self) -> None:
        i = self.choices.index(self.by) if self.by in self.choices else -1
        self.by = self.choices[(i + 1) % len(self.choices)]
        self.recompute()

    def action_pick_columns(self) -> None:
        start = self.choices.index(self.by) if self.by in self.choices else 0
        self.app.push_screen(ChoiceDialog("Columns: group the participants by",
                                          [(c.replace("_", " "), c) for c in self.choices], highlight=start),
                             callback=self._set_columns)

    def _set_columns(self, by: str | None) -> None:
        if by is not None and by != self.by:
            self.by = by
            self.recompute()

    # -- quotes ----------------------------------------------------------------------------
    def action_read_quotes(self) -> None:
        cell = self.query_one(JointTable).current_cell()
        if cell is None:
            return
        node_id, node, group = cell
        if group is None:
            self.notify("Move to a group's cell (→) and press Enter to read its quotes.", severity="warning")
            return
        self.load_quotes(node_id, node, group, self.by, self.app.coder)

    @work(thread=True, exclusive=True, group="joint-quotes")
    def load_quotes(self, node_id: int, node: str, group: str, by: str, coder: str) -> None:
        project = self.app.project
        try:
            quotes = locate_quotes(project, project.joint_quotes(node_id, group, by=by, coder=coder))
        except QualbenchError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", title="Quotes")
            return
        self.post_message(self.QuotesLoaded(f"{node} · {group}", quotes))

    def on_joint_screen_quotes_loaded(self, message: QuotesLoaded) -> None:
        if not message.quotes:
            self.notify(f"No quotes: nobody in this group has {message.title.split(' · ')[0]}.")
            return
        self.app.push_screen(JointQuotesDialog(message.title, message.quotes), callback=self._open_quote)

    def _open_quote(self, quote: QuoteRef | None) -> None:
        if quote is None:
            return
        if quote.document_id is None:
            self.notify("That passage could not be found in its interview.", severity="warning")
            return
        self.post_message(OpenDocument(quote.document_id, select=(quote.start, quote.end)))

    # -- export ----------------------------------------------------------------------------
    def action_export_joint(self) -> None:
        formats = [("CSV — the tidy table", "csv"), ("Excel workbook", "xlsx"), ("Word document", "docx")]
        self.app.push_screen(ChoiceDialog("Export the joint display as", formats),
                             callback=lambda fmt: fmt and self.export(fmt, self.rows, self.by, self.app.coder))

    @work(thread=True, group="joint-export")
    def export(self, fmt: str, rows: str, by: str, coder: str) -> None:
        project = self.app.project
        self.app.call_from_thread(self.notify, "Exporting the joint display…")
        try:
            if fmt == "docx":
                path = project.export_docx("joint", by=by, joint_rows=rows, coder=coder, actor=coder).path
            else:
                path = project.export_table(fmt, "joint", by=by, joint_rows=rows, coder=coder, actor=coder).path
        except QualbenchError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", title="Export")
            return
        shown = path.relative_to(project.path) if path.is_relative_to(project.path) else path
        self.app.call_from_thread(self.notify, f"Wrote {shown}", title="Export")
