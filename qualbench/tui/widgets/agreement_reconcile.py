"""Disagreements side by side: the list, coder A's and coder B's spans, and the context.

The panel only shows; the screen settles (:meth:`Project.settle`) and refills it. Each
row of the list is one :class:`~qualbench.api.reconcile.Disagreement` — a cluster of
overlapping codings of one code where the two coders differ. Under the list, the two
coders' spans sit side by side, and below them the passage around the cluster with
each coder's span tinted (A, B, both), so a boundary difference is seen, not computed.

When a coder has no coding of the code in the cluster, their pane says what they coded
there instead, if anything: "A says X, B says Y" shows up as two disagreements (one per
code) and this hint is what ties them together for the people reconciling.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from ...api.reconcile import Disagreement
from ..colors import PALETTE, tint

CONTEXT = 320  # characters shown either side of the cluster
DECISIONS = {"a": "A", "b": "B", "both": "both", "edit": "edited", "none": "none"}


@dataclass
class ReconcileData:
    """Everything the panel shows, read in a worker: no query while the user reads."""
    coders: tuple[str, str]
    items: list[Disagreement]
    texts: dict[int, str] = field(default_factory=dict)
    # (document id, "a"|"b") -> [(start, end, code name)] of every coding of that coder
    codings: dict[tuple[int, str], list[tuple[int, int, str]]] = field(default_factory=dict)


def kind_label(item: Disagreement, coders: tuple[str, str]) -> str:
    if item.kind == "boundary":
        return "boundaries"
    return f"only {coders[0] if item.kind == 'only_a' else coders[1]}"


class DisagreementList(DataTable):
    """The disagreements of one code (or all codes); the keys settle the highlighted one."""

    BINDINGS = [
        Binding("a", "screen.settle('a')", "Take A"),
        Binding("b", "screen.settle('b')", "Take B"),
        Binding("plus,equals_sign", "screen.settle('both')", "Both"),
        Binding("n", "screen.settle('none')", "None"),
        Binding("e", "screen.edit_span", "Edit"),
        Binding("o", "screen.open_in_interview", "Open in the interview", show=False),
        Binding("home", "scroll_top", "First", show=False),
        Binding("end", "scroll_bottom", "Last", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", **kwargs)


class ReconcilePanel(Vertical):
    DEFAULT_CSS = """
    ReconcilePanel { height: 1fr; }
    ReconcilePanel DisagreementList { height: auto; max-height: 8; }
    ReconcilePanel #sides { height: auto; max-height: 40%; border-top: solid $panel-lighten-2; }
    ReconcilePanel .side { width: 1fr; height: auto; max-height: 100%; padding: 0 1; }
    ReconcilePanel #side-a { border-right: solid $panel-lighten-2; }
    ReconcilePanel #context { height: 1fr; min-height: 3; padding: 0 1; border-top: solid $panel-lighten-2; }
    ReconcilePanel .side Static, ReconcilePanel #context Static { height: auto; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data: ReconcileData | None = None
        self.all_codes = False

    def compose(self) -> ComposeResult:
        yield DisagreementList(id="disagreements")
        with Horizontal(id="sides"):
            with VerticalScroll(id="side-a", classes="side", can_focus=False):
                yield Static(id="text-a")
            with VerticalScroll(id="side-b", classes="side", can_focus=False):
                yield Static(id="text-b")
        with VerticalScroll(id="context", can_focus=False):
            yield Static(id="context-text")

    @property
    def table(self) -> DisagreementList:
        return self.query_one(DisagreementList)

    # -- filling ---------------------------------------------------------------------------
    def show(self, data: ReconcileData, *, all_codes: bool, keep: str | None = None) -> None:
        """Fill the list; keep the cursor on ``keep`` (an item key) when it is still there."""
        keep = keep if keep is not None else self.current_key()
        same = (self.data is not None and self.all_codes == all_codes and self.data.coders == data.coders
                and self.data.items == data.items)
        self.data, self.all_codes = data, all_codes
        if same:  # a reread that changed nothing: no flicker, no lost scroll position
            self.show_current()
            return
        table = self.table
        table.clear(columns=True)
        rows = [self._cells(i, item) for i, item in enumerate(data.items, 1)]
        headers = [("#", "n"), ("interview", "doc")] + ([("code", "code")] if all_codes else []) + [
            ("kind", "kind"), ("where", "where"), ("settled", "decision")]
        for c, (label, key) in enumerate(headers):
            # Widths set here, not measured by the table: it measures lazily, and a refill
            # in quick succession (settle, then the reread) could leave a column cut.
            width = max([len(label)] + [len(row[c].plain) for row in rows])
            table.add_column(label, key=key, width=min(width, 28) if key == "code" else width)
        for item, cells in zip(data.items, rows):
            table.add_row(*cells, key=_key(item))
        keys = [_key(i) for i in data.items]
        if keep in keys:
            table.move_cursor(row=keys.index(keep))
        self.show_current()

    def _cells(self, n: int, item: Disagreement) -> list[Text]:
        doc = item.document + (f" ({item.participant})" if item.participant and item.participant != item.document
                               else "")
        cells = [Text(str(n), justify="right"), Text(doc)]
        if self.all_codes:
            cells.append(Text(item.code, no_wrap=True, overflow="ellipsis"))
        return cells + [Text(kind_label(item, self.data.coders)), Text(f"{item.start:,}–{item.end:,}"),
                        decision_text(item.decision)]

    def current(self) -> Disagreement | None:
        if self.data is None or not self.table.row_count:
            return None
        row = self.table.cursor_row
        return self.data.items[row] if 0 <= row < len(self.data.items) else None

    def current_key(self) -> str | None:
        item = self.current()
        return _key(item) if item else None

    def next_open(self) -> None:
        """Move to the next unsettled disagreement after the cursor (wrapping round)."""
        if self.data is None or not self.data.items:
            return
        n = len(self.data.items)
        start = self.table.cursor_row
        for step in range(1, n + 1):
            i = (start + step) % n
            if not self.data.items[i].decision:
                self.table.move_cursor(row=i)
                return

    def mark(self, item: Disagreement, decision: str | None) -> None:
        """Show a settlement at once, before the worker's reread confirms it."""
        if self.data is None:
            return
        from dataclasses import replace
        self.data.items = [replace(i, decision=decision) if i.key == item.key else i for i in self.data.items]
        self.table.update_cell(_key(item), "decision", decision_text(decision))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_current()

    # -- the two sides and the context -----------------------------------------------------
    def show_current(self) -> None:
        item = self.current()
        side_a, side_b = self.query_one("#text-a", Static), self.query_one("#text-b", Static)
        context = self.query_one("#context-text", Static)
        self.query_one("#sides").display = item is not None
        if item is None or self.data is None:
            side_a.update("")
            side_b.update("")
            context.update(Text("Nothing to settle here: the two coders agree on every coding of this code."
                                if self.data is not None else "", style="italic"))
            return
        text = self.data.texts.get(item.document_id, "")
        a, b = self.data.coders
        side_a.update(self._side(item, text, "a", a))
        side_b.update(self._side(item, text, "b", b))
        context.update(self._passage(item, text))

    def _side(self, item: Disagreement, text: str, who: str, coder: str) -> Text:
        spans = item.spans_a if who == "a" else item.spans_b
        out = Text()
        out.append(f"{'A' if who == 'a' else 'B'} · {coder}", style=f"bold {self._color(who)}")
        if not spans:
            out.append(f"\nno “{item.code}” coding here", style="italic")
            others = sorted({name for s, e, name in self.data.codings.get((item.document_id, who), [])
                             if s < item.end and e > item.start and name != item.code})
            if others:
                out.append("\ncoded here instead: ", style="dim")
                out.append(", ".join(others))
            return out
        for s, e in spans:
            out.append(f"\n{s:,}–{e:,} · {e - s:,} chars\n", style="dim")
            out.append("“" + " ".join(text[s:e].split()) + "”")
        return out

    def _passage(self, item: Disagreement, text: str) -> Text:
        lo, hi = window(text, item.start, item.end)
        out = Text()
        out.append(f"{item.document}", style="bold")
        if item.participant and item.participant != item.document:
            out.append(f" · {item.participant}")
        out.append(f" · {item.code} · ")
        a, b = self.data.coders
        out.append(f" {a} only ", style=self._tint("a"))
        out.append(" ")
        out.append(f" {b} only ", style=self._tint("b"))
        out.append(" ")
        out.append(" both ", style=self._tint("both"))
        out.append("\n")
        body = Text(("…" if lo > 0 else "") + text[lo:hi] + ("…" if hi < len(text) else ""))
        shift = (1 if lo > 0 else 0) - lo
        for s, e, who in marked_runs(item.spans_a, item.spans_b):
            s, e = max(s, lo), min(e, hi)
            if e > s:
                body.stylize(self._tint(who), s + shift, e + shift)
        out.append_text(body)
        return out

    def _color(self, who: str) -> str:
        return {"a": PALETTE[0], "b": PALETTE[1], "both": PALETTE[2]}[who]

    def _tint(self, who: str) -> str:
        app = self.app
        background = Color.parse(app.get_css_variables().get("background", "#000000"))
        return f"on {tint(Color.parse(self._color(who)), background, app.current_theme.dark).hex}"


def decision_text(decision: str | None) -> Text:
    return Text(DECISIONS.get(decision or "", "·"), style="bold" if decision else "dim")


def _key(item: Disagreement) -> str:
    return "/".join(map(str, item.key))


def window(text: str, start: int, end: int, around: int = CONTEXT) -> tuple[int, int]:
    """The context range: ``around`` characters either side, cut at whitespace."""
    lo, hi = max(0, start - around), min(len(text), end + around)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space >= 0 else hi
    return lo, hi


def marked_runs(spans_a, spans_b) -> list[tuple[int, int, str]]:
    """Split the covered text into runs covered by A only, B only or both."""
    edges = sorted({x for s, e in (*spans_a, *spans_b) for x in (s, e)})
    runs = []
    for s, e in zip(edges, edges[1:]):
        in_a = any(a <= s and e <= b for a, b in spans_a)
        in_b = any(a <= s and e <= b for a, b in spans_b)
        if in_a or in_b:
            runs.append((s, e, "both" if in_a and in_b else ("a" if in_a else "b")))
    return runs
