"""The agreement screen (F4): per-code agreement of two coders, then settling their
disagreements into the ``consensus`` coding set.

Two views in one screen. The **table** shows every code's statistics at the chosen
level (unit, character or segment matching; keys cycle the level, the unit and the
threshold) with the reconciliation progress per code. **Enter** on a code opens the
**reconcile** view: its disagreements one by one, coder A's and coder B's spans side by
side over the passage they come from, and keys that settle the highlighted one (take A,
take B, both, none, or an edited span). Escape goes back to the table.

Everything that reads is done in thread workers — the unit-level statistics of a real
study take a second or two — and answers come back as messages stamped with a request
number, so an answer to an older request (the user changed the level meanwhile) is
dropped instead of overwriting a newer one. Settling is a single quick write on the
main thread (one :meth:`Project.settle` = one transaction = one undoable event); the
list shows the decision at once and the reread in the background confirms it.

Every write is made in the active coder's name, so ``u`` undoes the last settlement (or
the copy of the agreements) exactly as the coding screen's ``u`` undoes a coding. ``g``
copies every agreed coding at once, so it asks first and says how many; on a
``--review`` run nothing here writes (:data:`WRITES`, :meth:`check_action`), the
supervisor reads the figures and the disagreements.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Footer, Static

from ...analysis.agreement import percent_text
from ...analysis.intercoder import UNITS
from ...errors import QualbenchError
from ..dialogs.agreement_span import SpanEditor
from ..dialogs.choice import ChoiceDialog
from ..feedback import describe, guarded
from ..messages import OpenDocument, ProjectChanged
from ..widgets.agreement_reconcile import Places, ReconcileData, ReconcilePanel
from ..widgets.agreement_table import AgreementTable, build_rows, legend
from ..widgets.agreement_table import describe as describe_row

# The actions that write (the app's review guard reads this set too).
WRITES = {"settle", "edit_span", "copy_agreed", "undo", "redo"}
LEVELS = ("unit", "character", "segment")
THRESHOLDS = (0.9, 0.8, 0.7, 0.6, 0.5, 1.0)
LEVEL_TEXT = {"unit": "unit level", "character": "character level", "segment": "segment matching"}


def default_coders(project) -> tuple[str, str]:
    """The two human coders with the most codings, in the order they joined the project."""
    humans = project.human_coders()
    counts = {c: len(project.codings(coder=c)) for c in humans}
    active = [c for c in humans if counts[c]]
    if len(active) < 2:
        raise QualbenchError("agreement needs two coders who have coded the same interviews; "
                             f"coders with codings so far: {', '.join(active) or 'none'}")
    top = sorted(active, key=lambda c: -counts[c])[:2]
    return tuple(c for c in humans if c in top)


def read_items(project, coders: tuple[str, str]) -> ReconcileData:
    """Every disagreement of the two coders, with the texts and codings the panel shows."""
    a, b = coders
    items = project.disagreements(a, b)
    docs = {i.document_id for i in items}
    names = {c.id: c.name for c in project.codes()}
    data = ReconcileData(coders, items, texts={d: project.text(d) for d in docs},
                         places={d: Places.read(project, d) for d in docs})
    for who, coder in (("a", a), ("b", b)):
        for c in project.codings(coder=coder):
            if c.document_id in docs:
                data.codings.setdefault((c.document_id, who), []).append((c.start, c.end, names.get(c.code_id, "?")))
    return data


class AgreementScreen(Screen):
    BINDINGS = [
        Binding("c", "pick_coders", "Coders"),
        Binding("g", "copy_agreed", "Agreed→consensus"),
        Binding("u,ctrl+z", "undo", "Undo"),
        Binding("ctrl+y", "redo", "Redo", show=False),
        Binding("escape", "leave", "Back"),
    ]
    DEFAULT_CSS = """
    AgreementScreen ContentSwitcher { height: 1fr; }
    AgreementScreen #table-view { height: 1fr; }
    AgreementScreen AgreementTable { height: 1fr; }
    AgreementScreen #agreement-detail { height: auto; max-height: 5; padding: 0 1;
                                        border-top: solid $panel-lighten-2; }
    AgreementScreen #agreement-legend { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    """

    class Computed(Message):
        def __init__(self, table_token: int, items_token: int, coders, result, data) -> None:
            super().__init__()
            self.table_token, self.items_token = table_token, items_token
            self.coders, self.result, self.data = coders, result, data

    class ItemsLoaded(Message):
        def __init__(self, token: int, data: ReconcileData) -> None:
            super().__init__()
            self.token, self.data = token, data

    class Failed(Message):
        def __init__(self, token: int, error: str) -> None:
            super().__init__()
            self.token, self.error = token, error

    def __init__(self) -> None:
        super().__init__(id="agreement")
        self.coders: tuple[str, str] | None = None
        self.level, self.unit, self.threshold, self.basis = "unit", "sentence", 0.9, "segment"
        self.result: dict | None = None
        self.data: ReconcileData | None = None
        self.code: str | None = None  # the code being reconciled; None: every code
        self.busy = False
        self.stale = False          # the statistics need recomputing when shown again
        self._items_stale = False   # only the disagreements do
        self.error = ""
        self._table_token = 0
        self._items_token = 0

    # -- building ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="top-bar", classes="top-bar")
        with ContentSwitcher(initial="table-view"):
            with Vertical(id="table-view"):
                yield AgreementTable(id="agreement-table")
                yield Static(id="agreement-detail")
                yield Static(id="agreement-legend")
            yield ReconcilePanel(id="reconcile-view")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one(AgreementTable)
        table.loading = True
        table.focus()
        self.query_one("#agreement-legend", Static).update(legend(self.app))
        self.app.theme_changed_signal.subscribe(self, lambda _: self._recolor())
        self.recompute()

    def _recolor(self) -> None:
        if self.result is not None:
            self._show_table()
        panel = self.query_one(ReconcilePanel)
        if panel.data is not None:
            panel.show_current()

    @property
    def reconciling(self) -> bool:
        return self.query_one(ContentSwitcher).current == "reconcile-view"

    # -- reading, in workers -------------------------------------------------------------
    def recompute(self) -> None:
        """Statistics and disagreements again (coders, level or the codings changed)."""
        self._table_token += 1
        self._items_token += 1
        self.busy = True
        self._top_bar()
        self.compute(self._table_token, self._items_token, self.coders, self.level, self.unit,
                     self.threshold, self.basis)

    @work(thread=True, exclusive=True, group="agreement-table")
    def compute(self, table_token, items_token, coders, level, unit, threshold, basis) -> None:
        project = self.app.project
        try:
            coders = coders or default_coders(project)
            result = project.agreement(list(coders), level=level, unit=unit, threshold=threshold, basis=basis)
            # Rows in the codebook's tree order at every level (segment matching lists its
            # codes in the order it met them in the interviews).
            tree = {c.name: i for i, c in enumerate(project.codes())}
            result = {**result, "per_code": dict(sorted(result["per_code"].items(),
                                                        key=lambda kv: tree.get(kv[0], len(tree))))}
            data = read_items(project, coders)
        except QualbenchError as exc:
            self.post_message(self.Failed(table_token, str(exc)))
            return
        self.post_message(self.Computed(table_token, items_token, coders, result, data))

    def refresh_items(self) -> None:
        """Only the disagreements (a settlement changes those, never the statistics)."""
        if self.coders is None:
            return
        self._items_token += 1
        self.read_only_items(self._items_token, self.coders)

    @work(thread=True, exclusive=True, group="agreement-items")
    def read_only_items(self, token: int, coders: tuple[str, str]) -> None:
        try:
            data = read_items(self.app.project, coders)
        except QualbenchError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", title="Agreement")
            return
        self.post_message(self.ItemsLoaded(token, data))

    def on_agreement_screen_computed(self, message: Computed) -> None:
        if message.table_token != self._table_token:
            return  # an answer to an older question
        self.busy, self.error = False, ""
        self.coders, self.result = tuple(message.coders), message.result
        table = self.query_one(AgreementTable)
        table.loading = False
        if self.focused is None and not self.reconciling:
            # A loading widget refuses focus; ask again once the indicator is gone.
            self.call_after_refresh(table.focus)
        if message.items_token == self._items_token:
            self.data = message.data
        self._show_table()
        if self.reconciling:
            self._show_panel()
        # The level decides which keys are live (check_action), and the footer was drawn
        # while the table was still loading.
        self.refresh_bindings()

    def on_agreement_screen_items_loaded(self, message: ItemsLoaded) -> None:
        if message.token != self._items_token:
            return
        self.data = message.data
        if self.result is not None and not self.reconciling:  # the table is refilled on the way back
            self._show_table()
        if self.reconciling:
            self._show_panel()
        self._top_bar()

    def on_agreement_screen_failed(self, message: Failed) -> None:
        if message.token != self._table_token:
            return
        self.busy, self.error = False, message.error
        table = self.query_one(AgreementTable)
        table.loading = False
        table.clear(columns=True)
        self.result = None
        self.query_one("#agreement-detail", Static).update(Text(message.error, style="italic"))
        self._top_bar()

    # -- showing -------------------------------------------------------------------------
    def _progress(self) -> dict[str, tuple[int, int]]:
        done, total = Counter(), Counter()
        for item in self.data.items if self.data else []:
            total[item.code] += 1
            done[item.code] += bool(item.decision)
        return {code: (done[code], total[code]) for code in total}

    def _show_table(self) -> None:
        table = self.query_one(AgreementTable)
        table.show(build_rows(self.result, self._progress()), self.result["level"],
                   many_coders=len(self.result["coders"]) > 2)
        left_out = len(self.result.get("excluded_documents") or [])
        unused = len(self.result.get("unused_codes") or [])
        self.query_one("#agreement-legend", Static).update(legend(self.app, left_out, unused, self.result["level"]))
        self._show_detail()
        self._top_bar()

    def _show_detail(self) -> None:
        row = self.query_one(AgreementTable).current_row()
        if row is not None and self.coders:
            self.query_one("#agreement-detail", Static).update(describe_row(row, list(self.coders)))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if isinstance(event.data_table, AgreementTable):
            self._show_detail()
        else:
            self._top_bar()

    def _show_panel(self, keep=None) -> None:
        if self.data is None:
            return
        items = [i for i in self.data.items if self.code is None or i.code == self.code]
        view = replace(self.data, items=items)
        self.query_one(ReconcilePanel).show(view, all_codes=self.code is None, keep=keep)
        self._top_bar()

    def _top_bar(self) -> None:
        text = Text()
        if self.reconciling:
            text.append(" Reconcile ", style="reverse bold")
            text.append(f" {self.code or 'every code'}")
            items = [i for i in (self.data.items if self.data else []) if self.code is None or i.code == self.code]
            done = sum(1 for i in items if i.decision)
            text.append(f" · {done} of {len(items)} settled", style="bold")
            if items and done == len(items):
                after = self._next_code() if self.code is not None else None
                text.append(f" · all settled{' · ] next: ' + after if after else ''}", style="bold")
        else:
            text.append(" Agreement ", style="reverse bold")
        if self.coders and self.reconciling:
            text.append(f" · {self.coders[0]} (A) vs {self.coders[1]} (B)")
        if not self.reconciling:
            if self.coders:
                text.append(f" {self.coders[0]} vs {self.coders[1]}")
            elif self.error:
                text.append(" no two coders to compare yet", style="italic")
            else:
                text.append(" finding the two coders…", style="italic")
            text.append(f" · {LEVEL_TEXT[self.level]}")
            if self.level == "unit":
                text.append(f", {self.unit}s")
            if self.level == "segment":
                text.append(f", overlap ≥ {percent_text(self.threshold)} of the {'segment' if self.basis == 'segment' else 'union'}"
                            " (t, o)")
            if self.data is not None:
                done = sum(1 for i in self.data.items if i.decision)
                text.append(f" · {done} of {len(self.data.items)} settled", style="bold")
            if self.result is not None:
                docs = len(self.result.get("documents", []))
                text.append(f" · {docs} interview{'s' if docs != 1 else ''}")
        if self.busy:
            text.append(" · computing…", style="italic")
        self.query_one("#top-bar", Static).update(text)

    # -- the table's keys ----------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # A --review run reads the figures and the disagreements; it settles nothing.
        if self.app.review and action in WRITES:
            return False
        # None: shown greyed out in the footer, so the key is still discoverable.
        if action == "next_code":
            return True if self.reconciling and self.code is not None else None
        if action == "cycle_unit":
            return True if self.level == "unit" else None
        if action in ("cycle_threshold", "toggle_basis"):
            return True if self.level == "segment" else None
        return True

    def action_cycle_level(self) -> None:
        self.level = LEVELS[(LEVELS.index(self.level) + 1) % len(LEVELS)]
        self.recompute()

    def action_cycle_unit(self) -> None:
        self.unit = UNITS[(UNITS.index(self.unit) + 1) % len(UNITS)]
        self.recompute()

    def action_cycle_threshold(self) -> None:
        i = THRESHOLDS.index(self.threshold) if self.threshold in THRESHOLDS else -1
        self.threshold = THRESHOLDS[(i + 1) % len(THRESHOLDS)]
        self.recompute()

    def action_toggle_basis(self) -> None:
        self.basis = "union" if self.basis == "segment" else "segment"
        self.recompute()

    def action_pick_coders(self) -> None:
        names = [c["name"] for c in self.app.project.coders()]
        if len(names) < 2:
            self.notify("Agreement needs two coders.", severity="warning")
            return
        current = self.coders or (names[0], names[1])

        def second(first: str | None) -> None:
            if first is None:
                return
            others = [n for n in names if n != first]
            start = others.index(current[1]) if current[1] in others else 0
            self.app.push_screen(ChoiceDialog("Coder B (compared with " + first + ")",
                                              [(n, n) for n in others], highlight=start),
                                 callback=lambda b: b is not None and self._set_coders(first, b))
        self.app.push_screen(ChoiceDialog("Coder A", [(n, n) for n in names],
                                          highlight=names.index(current[0]) if current[0] in names else 0),
                             callback=second)

    def _set_coders(self, a: str, b: str) -> None:
        self.coders = (a, b)
        self.data = None
        self.recompute()

    def action_disagreements(self) -> None:
        if self.result is None or self.data is None:
            self.notify("Still computing…" if self.busy else (self.error or "Nothing to show."),
                        severity="warning")
            return
        row = self.query_one(AgreementTable).current_row()
        if row is None:
            return
        self.code = None if row.overall else row.key
        self.query_one(ContentSwitcher).current = "reconcile-view"
        self._show_panel()
        panel = self.query_one(ReconcilePanel)
        panel.table.focus()
        if panel.current() is not None and panel.current().decision:
            panel.next_open()
        self.refresh_bindings()

    def action_leave(self) -> None:
        if self.reconciling:
            self.query_one(ContentSwitcher).current = "table-view"
            self.query_one(AgreementTable).focus()
            self._show_table()
            self.refresh_bindings()
            return
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    # -- settling ------------------------------------------------------------------------
    def _current_item(self):
        item = self.query_one(ReconcilePanel).current()
        if item is None:
            self.notify("No disagreement here.", severity="warning")
        return item

    @guarded
    def action_settle(self, decision: str, span: tuple[int, int] | None = None, item=None) -> None:
        item = item or self._current_item()
        if item is None or self.coders is None:
            return
        a, b = self.coders
        self.app.project.settle(item, decision, coder_a=a, coder_b=b, span=span, actor=self.app.coder)
        panel = self.query_one(ReconcilePanel)
        self.data.items = [i if i.key != item.key else _decided(i, decision) for i in self.data.items]
        panel.mark(item, decision)
        panel.next_open()
        self._top_bar()
        self.app.changed("consensus.settle")
        if not any(not i.decision for i in self._shown_items()):
            self._all_settled()

    def _shown_items(self) -> list:
        return [i for i in (self.data.items if self.data else []) if self.code is None or i.code == self.code]

    def _open_by_code(self) -> dict[str, int]:
        """Open disagreements per code, in the table's (codebook) order."""
        order = list((self.result or {}).get("per_code", {}))
        counts = Counter(i.code for i in (self.data.items if self.data else []) if not i.decision)
        return {code: counts[code] for code in order + sorted(set(counts) - set(order)) if counts[code]}

    def _next_code(self) -> str | None:
        """The next code (after the one shown, wrapping round) with an open disagreement."""
        codes = list(self._open_by_code())
        if not codes:
            return None
        order = list((self.result or {}).get("per_code", {}))
        if self.code in order:
            later = [c for c in codes if c in order and order.index(c) > order.index(self.code)]
            return (later or codes)[0]
        return codes[0]

    def _all_settled(self) -> None:
        n = len(self._shown_items())
        what = f"“{self.code}”" if self.code else "every code"
        following = self._next_code() if self.code else None
        if following:
            left = self._open_by_code()[following]
            self.notify(f"All {n} disagreement{'s' if n != 1 else ''} of {what} settled. ] opens the next code "
                        f"with open ones: “{following}” ({left}).", title="All settled", timeout=8)
        else:
            self.notify(f"All {n} disagreement{'s' if n != 1 else ''} of {what} settled"
                        + (", and no other code has an open one." if self.code else "."), title="All settled")
        self.refresh_bindings()

    def action_next_code(self) -> None:
        following = self._next_code()
        if following is None:
            self.notify("Every disagreement is settled.")
            return
        self.code = following
        self._show_panel()
        panel = self.query_one(ReconcilePanel)
        panel.table.move_cursor(row=0)
        if panel.current() is not None and panel.current().decision:
            panel.next_open()
        table = self.query_one(AgreementTable)
        if following in {r.key for r in table.rows_data}:
            table.move_cursor(row=table.get_row_index(following))  # back on the table, here

    def action_edit_span(self) -> None:
        item = self._current_item()
        if item is None or self.data is None:
            return
        text = self.data.texts.get(item.document_id, "")
        try:
            sentences = self.app.project.sentence_spans(item.document_id)
        except QualbenchError:
            sentences = []
        editor = SpanEditor(f"Consensus span · {item.code} · {item.document}", text, (item.start, item.end),
                            spans_a=item.spans_a, spans_b=item.spans_b, sentences=sentences)
        self.app.push_screen(editor, callback=lambda span: span is not None and self.action_settle(
            "edit", span=span, item=item))

    def action_open_in_interview(self) -> None:
        item = self._current_item()
        if item is not None:
            self.post_message(OpenDocument(item.document_id, select=(item.start, item.end),
                                           highlights=tuple(item.spans_a) + tuple(item.spans_b)))

    @guarded
    def action_copy_agreed(self) -> None:
        """Ask first (one key copying a hundred codings is too easy to hit), saying how many."""
        if self.coders is None:
            self.notify(self.error or "Still computing…", severity="warning")
            return
        from ..dialogs.confirm import ConfirmDialog
        a, b = self.coders
        n = self.app.project.agreed_to_copy(a, b)
        if not n:
            self.notify("Nothing new to copy: every agreed coding is already in the consensus set.")
            return
        question = f"Copy {n} agreed coding{'s' if n != 1 else ''} to the consensus set?"
        detail = (f"Every coding {a} and {b} made identically (same interview, code and span) and not yet "
                  "in the consensus set. One change: u undoes it.")
        self.app.push_screen(ConfirmDialog(question, detail, yes="copy", no="cancel"),
                             callback=lambda yes: self._copy_agreed() if yes else self.notify("Nothing copied."))

    @guarded
    def _copy_agreed(self) -> None:
        n = self.app.project.start_consensus(*self.coders, actor=self.app.coder)
        if n:
            self.notify(f"Copied {n} agreed coding{'s' if n != 1 else ''} to the consensus set (u undoes).")
        else:
            self.notify("Nothing new to copy: every agreed coding is already in the consensus set.")
        self.app.changed("consensus.start")

    @guarded
    def action_undo(self) -> None:
        event = self.app.project.undo(actor=self.app.coder)
        self.notify(f"Undone: {_what(event)} (ctrl+y redoes).")
        self.app.changed(f"undo:{event.action}")

    @guarded
    def action_redo(self) -> None:
        event = self.app.project.redo(actor=self.app.coder)
        self.notify(f"Redone: {_what(event)}.")
        self.app.changed(f"redo:{event.action}")

    # -- other screens' changes ----------------------------------------------------------
    def on_project_changed(self, message: ProjectChanged) -> None:
        consensus_only = "consensus." in message.action and "consensus" not in (self.coders or ())
        if not self.is_current:
            self.stale = self.stale or not consensus_only
            self._items_stale = True
            return
        if consensus_only:
            self.refresh_items()
        else:
            self.recompute()

    def on_screen_resume(self) -> None:
        if self.stale:
            self.stale = False
            self.recompute()
        elif self._items_stale:
            self.refresh_items()
        self._items_stale = False


def _decided(item, decision: str):
    from dataclasses import replace
    return replace(item, decision=decision)


def _what(event) -> str:
    s = event.summary
    if event.action == "consensus.settle":
        return f"settling {s.get('code', '?')} in {s.get('document', '?')} ({s.get('decision', '?')})"
    if event.action == "consensus.start":
        return f"copying {s.get('copied', 0)} agreed codings to consensus"
    return describe(event)
