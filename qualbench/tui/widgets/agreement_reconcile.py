"""Disagreements side by side: the list, coder A's and coder B's spans, and the context.

The panel only shows; the screen settles (:meth:`Project.settle`) and refills it. Each
row of the list is one :class:`~qualbench.api.reconcile.Disagreement` — a cluster of
overlapping codings of one code where the two coders differ. Under the list, the two
coders' spans sit side by side, and below them the passage around the cluster with
each coder's span tinted (A, B, both), so a boundary difference is seen, not computed.

When a coder has no coding of the code in the cluster, their pane says what they coded
there instead, if anything: "A says X, B says Y" shows up as two disagreements (one per
code) and this hint is what ties them together for the people reconciling.

Sized for reading, not for the widest case: the list takes up to 45% of the height (more
rows when there is room), each side's quote is shortened in the middle when it would not
fit — the two ends are what a boundary dispute is about — and the passage below is
scrolled so the disputed span is on screen, however long the answer before it. "where"
is the turn and sentence (as people find a passage), the offsets are on the sides.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from rich._wrap import divide_line
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
    # document id -> where its turns and sentences are (for "turn 14, sentence 3")
    places: dict[int, Places] = field(default_factory=dict)


@dataclass
class Places:
    """A document's turns and sentences, to say where an offset is as a reader would."""
    turns: list[tuple[int, int]]                  # (start, end), in order: turn n = index + 1
    sentences: list[tuple[int, int, int, int]]    # (start, end, turn number, number in the turn)

    @classmethod
    def read(cls, project, doc_id: int) -> Places:
        turns = project.turns(doc_id)
        number = {t.id: n for n, t in enumerate(turns, 1)}
        seen: dict[int, int] = {}
        sentences = []
        for s in project.segments(doc_id):
            t = number.get(s.turn_id, 0)
            seen[t] = seen.get(t, 0) + 1
            sentences.append((s.start, s.end, t, seen[t]))
        return cls([(t.start, t.end) for t in turns], sentences)

    def where(self, start: int, end: int, *, short: bool = False) -> str:
        """'turn 14, sentence 3', 'turn 14, sentences 3–5' or 'turns 14–15'; '' if unknown.

        ``short`` writes "s." for the sentences ('turn 14, s. 3–5'), for a narrow list.
        """
        one, many = ("s.", "s.") if short else ("sentence", "sentences")
        hit = [(t, n) for s, e, t, n in self.sentences if s < end and e > start]
        if not hit:
            i = bisect_right([s for s, _ in self.turns], start)
            return f"turn {i}" if i else ""
        (t0, n0), (t1, n1) = hit[0], hit[-1]
        if t0 != t1:
            return f"turns {t0}–{t1}"
        sentences = f"{one} {n0}" if n0 == n1 else f"{many} {n0}–{n1}"
        return f"turn {t0}, {sentences}" if t0 else sentences


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
        Binding("right_square_bracket", "screen.next_code", "Next code to settle"),
        Binding("o", "screen.open_in_interview", "Open in the interview", show=False),
        Binding("home", "scroll_top", "First", show=False),
        Binding("end", "scroll_bottom", "Last", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", **kwargs)


class ReconcilePanel(Vertical):
    DEFAULT_CSS = """
    ReconcilePanel { height: 1fr; }
    ReconcilePanel DisagreementList { height: auto; max-height: 45%; }
    ReconcilePanel #sides { height: auto; max-height: 30%; border-top: solid $panel-lighten-2; }
    ReconcilePanel .side { width: 1fr; height: auto; max-height: 100%; padding: 0 1; }
    ReconcilePanel #side-a { border-right: solid $panel-lighten-2; }
    ReconcilePanel #context { height: 1fr; min-height: 3; padding: 0 1; border-top: solid $panel-lighten-2; }
    ReconcilePanel .side Static, ReconcilePanel #context Static { height: auto; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data: ReconcileData | None = None
        self.all_codes = False
        self._built_for = 0  # the panel width the list's columns were fitted to

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
    def show(self, data: ReconcileData, *, all_codes: bool, keep: str | None = None, force: bool = False) -> None:
        """Fill the list; keep the cursor on ``keep`` (an item key) when it is still there."""
        keep = keep if keep is not None else self.current_key()
        same = (not force and self.data is not None and self.all_codes == all_codes
                and self.data.coders == data.coders and self.data.items == data.items)
        self.data, self.all_codes = data, all_codes
        if same:  # a reread that changed nothing: no flicker, no lost scroll position
            self.show_current()
            return
        table = self.table
        table.clear(columns=True)
        headers = [("#", "n"), ("interview", "doc")] + ([("code", "code")] if all_codes else []) + [
            ("kind", "kind"), ("where", "where"), ("settled", "decision")]
        # Before the first layout (the panel was hidden) the list spans the screen's width.
        room = (table.scrollable_content_region.width or self.size.width or self.app.size.width - 2) - 1
        self._built_for = self.size.width
        for short in (False, True):
            # A narrow terminal: "s." for the sentences, and the code names give way (to 12
            # cells at least), so "settled" stays in view.
            rows = [self._cells(i, item, short=short) for i, item in enumerate(data.items, 1)]
            widths = [max([len(label)] + [len(row[c].plain) for row in rows]) for c, (label, _) in enumerate(headers)]
            if all_codes:
                code = [key for _, key in headers].index("code")
                others = sum(w + 2 * table.cell_padding for c, w in enumerate(widths) if c != code)
                widths[code] = max(min(widths[code], 12), min(widths[code], 28, room - others - 2 * table.cell_padding))
            if sum(w + 2 * table.cell_padding for w in widths) <= room:
                break
        for (label, key), width in zip(headers, widths):
            # Widths set here, not measured by the table: it measures lazily, and a refill
            # in quick succession (settle, then the reread) could leave a column cut.
            table.add_column(label, key=key, width=width)
        for item, cells in zip(data.items, rows):
            table.add_row(*cells, key=_key(item))
        keys = [_key(i) for i in data.items]
        if keep in keys:
            table.move_cursor(row=keys.index(keep))
        self.show_current()

    def _cells(self, n: int, item: Disagreement, *, short: bool = False) -> list[Text]:
        doc = item.document + (f" ({item.participant})" if item.participant and item.participant != item.document
                               else "")
        cells = [Text(str(n), justify="right"), Text(doc)]
        if self.all_codes:
            cells.append(Text(item.code, no_wrap=True, overflow="ellipsis"))
        return cells + [Text(kind_label(item, self.data.coders)), Text(self.where(item, short=short)),
                        decision_text(item.decision)]

    def where(self, item: Disagreement, *, short: bool = False) -> str:
        places = self.data.places.get(item.document_id) if self.data else None
        return (places.where(item.start, item.end, short=short) if places else "") or f"{item.start:,}–{item.end:,}"

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

    def on_resize(self) -> None:
        if self.data is None:
            return
        if self.size.width != self._built_for:  # the columns were fitted to another width
            self.call_after_refresh(lambda: self.show(self.data, all_codes=self.all_codes, force=True))
        else:
            self.call_after_refresh(self.show_current)  # the quotes are fitted to the sides

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
        passage, target = self._passage(item, text)
        context.update(passage)
        self.call_after_refresh(self._scroll_to_span, passage, target)

    def _scroll_to_span(self, passage: Text, target: int) -> None:
        """Scroll the passage so the disputed span starts two lines from the top."""
        pane = self.query_one("#context", VerticalScroll)
        width = self.query_one("#context-text", Static).content_region.width
        if width <= 0:
            return
        pane.scroll_to(y=max(0, line_of(passage.plain, target, width) - 2), animate=False)

    def _room(self) -> tuple[int, int]:
        """(columns, lines) a side's quote can use, from the sides' current size."""
        side = self.query_one("#side-a", VerticalScroll)
        width = side.content_region.width or max(20, self.size.width // 2 - 3)
        height = int(self.size.height * 0.30) - 1 if self.size.height else 6  # max-height, less the border
        return width, max(2, height)

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
        width, lines = self._room()
        # Two lines are the name and the first span's "where"; the quotes share the rest.
        per_span = max(1, (lines - 1) // len(spans) - 1)
        places = self.data.places.get(item.document_id)
        for s, e in spans:
            where = places.where(s, e) if places else ""
            out.append(f"\n{where + ' · ' if where else ''}{s:,}–{e:,}" + ("" if where else f" · {e - s:,} chars")
                       + "\n", style="dim")
            out.append("“" + fit(" ".join(text[s:e].split()), width, per_span) + "”")
        return out

    def _passage(self, item: Disagreement, text: str) -> tuple[Text, int]:
        """The passage with each coder's span tinted, and where the span starts in it."""
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
        target = len(out.plain) + item.start + shift
        out.append_text(body)
        return out, target

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


def fit(quote: str, width: int, lines: int) -> str:
    """``quote`` shortened in the middle (" … ") to fit ``lines`` lines of ``width``.

    Both ends stay: in a boundary dispute they are what differs. Word wrapping wastes
    some of each line, so the budget keeps a margin of a fifth.
    """
    budget = max(24, int(width * lines * 0.8) - 3)
    if len(quote) <= budget:
        return quote
    head = quote[: budget // 2].rsplit(" ", 1)[0]
    tail = quote[-(budget - len(head)):].split(" ", 1)[-1]
    return f"{head} … {tail}"


def line_of(text: str, offset: int, width: int) -> int:
    """The line (0-based) ``offset`` of ``text`` is drawn on when wrapped to ``width``."""
    line, pos = 0, 0
    for paragraph in text.split("\n"):
        end = pos + len(paragraph)
        if offset <= end:
            breaks = divide_line(paragraph, width, fold=True)
            return line + bisect_right(breaks, offset - pos)
        line += len(divide_line(paragraph, width, fold=True)) + 1
        pos = end + 1
    return line


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
