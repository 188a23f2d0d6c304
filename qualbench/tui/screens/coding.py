"""The coding screen: read one interview, select, code, memo, undo.

The transcript view owns the cursor and selection; this screen owns every action that
writes, each a single Project API call (one transaction, one event) followed by a
reread of the codings. The document itself (text, turns, sentences) is read once, in a
thread worker, so even a very long interview never freezes the app while it opens.

Which codings are shown: in blind mode only the active coder's; otherwise everyone's.
Changing, removing or resizing a coding only ever touches the active coder's own —
another coder's work is read, not edited.
"""
from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from ...errors import QualbenchError
from ...model import Code, Coding, Document, Turn
from ...nlp import trim_span
from ..dialogs.choice import ChoiceDialog
from ..dialogs.code_picker import CodePicker, NewCode
from ..dialogs.memo import MemoDialog
from ..feedback import guarded, reported
from ..messages import CoderSwitched, ProjectChanged
from ..widgets.side_panel import SidePanel
from ..widgets.status_bar import StatusBar
from ..widgets.transcript import TranscriptView

WRITES = {"code", "uncode", "recode", "memo", "undo", "redo", "end", "start", "recent"}
WIDE_ENOUGH_FOR_PANEL = 100
TOP = -1  # "no parent" in the category chooser (None there means cancelled)


class CodingScreen(Screen):
    BINDINGS = [
        Binding("c", "code", "Code"),
        Binding("x,delete", "uncode", "Uncode"),
        Binding("r", "recode", "Change the code of the coding at the cursor", show=False),
        Binding("m", "memo", "Memo"),
        Binding("slash", "search", "Search"),
        Binding("u,ctrl+z", "undo", "Undo"),
        Binding("ctrl+y", "redo", "Redo", show=False),
        Binding("greater_than_sign", "end(1)", "Coding ends a sentence later", show=False),
        Binding("less_than_sign", "end(-1)", "Coding ends a sentence earlier", show=False),
        Binding("left_curly_bracket", "start(-1)", "Coding starts a sentence earlier", show=False),
        Binding("right_curly_bracket", "start(1)", "Coding starts a sentence later", show=False),
        Binding("p", "toggle_panel", "Show/hide the side panel", show=False),
        Binding("escape", "back", "Back"),
        *[Binding(str(n), f"recent({n})", "Apply the recent code on that key", show=False)
          for n in range(1, 10)],
    ]

    class Loaded(Message):
        def __init__(self, text: str, turns: list[Turn], segments: list[tuple[int, int]], memo: str) -> None:
            super().__init__()
            self.text, self.turns, self.segments, self.memo = text, turns, segments, memo

    def __init__(self, document: Document, *, select: tuple[int, int] | None = None,
                 highlights: tuple[tuple[int, int], ...] = ()) -> None:
        super().__init__(id=f"coding-{document.id}")
        self.document = document
        self.pending_select = select
        self.pending_highlights = highlights
        self.codes: dict[int, Code] = {}
        self.panel_choice: bool | None = None  # None: automatic by width
        self.ready = False

    # -- building ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="top-bar", classes="top-bar")
        with Horizontal(id="coding-body"):
            yield TranscriptView(id="transcript")
            yield SidePanel(id="side-panel")
        yield StatusBar(id="status-bar")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        view = self.query_one(TranscriptView)
        view.loading = True
        view.focus()
        self._top_bar()
        self.load()

    @work(thread=True, exclusive=True, group="load")
    def load(self) -> None:
        project = self.app.project
        doc = self.document
        try:
            loaded = self.Loaded(project.text(doc), project.turns(doc), project.sentence_spans(doc),
                                 project.memo("document", doc.id))
        except QualbenchError as exc:  # e.g. the database is locked by a long import elsewhere
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.post_message(loaded)

    def _failed(self, message: str) -> None:
        self.notify(message, severity="error", title=f"Could not open {self.document.name}")
        if self.is_current:
            self.app.pop_screen()

    def on_coding_screen_loaded(self, message: Loaded) -> None:
        view = self.query_one(TranscriptView)
        view.set_document(message.text, message.turns, message.segments)
        view.loading = False
        self.query_one(SidePanel).show_memo(message.memo)
        self.ready = True
        self.reload()
        if self.pending_select:
            view.select(*self.pending_select, highlights=list(self.pending_highlights))
            self.pending_select = None

    def _top_bar(self) -> None:
        doc = self.document
        text = Text()
        text.append(f" {doc.name} ", style="reverse bold")
        with reported(self):
            outcome = self.app.project.outcome_of(doc.participant)
            if doc.participant and doc.participant != doc.name:
                text.append(f" {doc.participant} ·")
            text.append(f" {outcome['responder_class']}")
            if outcome["would_repeat"]:
                text.append(f" · would repeat: {outcome['would_repeat']}")
            text.append(f" · {doc.n_words:,} words")
        self.query_one("#top-bar", Static).update(text)

    # -- reading the codings -------------------------------------------------------------
    @guarded
    def reload(self) -> None:
        if not self.ready:
            return
        app = self.app
        project = app.project
        self.codes = {c.id: c for c in project.codes()}
        coder = app.coder if app.blind else None
        view = self.query_one(TranscriptView)
        view.set_codings(project.codings(doc=self.document, coder=coder), self.codes)
        recent = app.recent_for(app.coder)
        recent.forget_missing(set(self.codes))
        self.query_one(SidePanel).show_recent(recent.slots, self.codes)
        self.query_one(SidePanel).show_memo(project.memo("document", self.document.id))
        self._show_position()

    def on_transcript_view_moved(self, message: TranscriptView.Moved) -> None:
        self._show_position()

    def _show_position(self) -> None:
        view = self.query_one(TranscriptView)
        app = self.app
        here = view.codings_at()
        active = view.active_coding()
        self.query_one(SidePanel).show_here(here, self.codes, active_id=active.id if active else None,
                                            coder=app.coder, show_coder=not app.blind)
        where = (f"turn {view.turn_index(view.point) + 1}/{len(view.turns)} · "
                 f"sentence {view.segment_index(view.point) + 1}/{max(1, len(view.segments))}")
        sel = view.selection
        if sel:
            where += f" · selected {sel[1] - sel[0]:,} chars"
        names = ", ".join(self.codes[c.code_id].name for c in here if c.code_id in self.codes)
        self.query_one(StatusBar).show(coder=app.coder, blind=app.blind, review=app.review,
                                       where=where, here=names)

    def on_coder_switched(self, message: CoderSwitched) -> None:
        self.reload()

    def on_project_changed(self, message: ProjectChanged) -> None:
        self.reload()

    # -- layout --------------------------------------------------------------------------
    def on_resize(self) -> None:
        self._apply_panel()

    def _apply_panel(self) -> None:
        show = self.panel_choice if self.panel_choice is not None else self.size.width >= WIDE_ENOUGH_FOR_PANEL
        self.set_class(not show, "-no-panel")

    def action_toggle_panel(self) -> None:
        self.panel_choice = self.has_class("-no-panel")
        self._apply_panel()

    # -- what the keys act on ------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if self.app.review and action in WRITES:
            return False
        return True

    @property
    def view(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    def _own_here(self) -> list[Coding]:
        return [c for c in self.view.codings_at() if c.coder == self.app.coder]

    def _with_own_coding(self, then, verb: str, *, prefer_active: bool = False) -> None:
        """Call ``then(coding)`` for the coder's coding at the cursor, asking if several."""
        own = self._own_here()
        if not own:
            self.notify(f"No coding of yours at the cursor to {verb}.", severity="warning")
            return
        active = self.view.active_coding()
        if len(own) == 1 or (prefer_active and active in own):
            then(own[0] if len(own) == 1 else active)
            return
        choices = [(self._coding_label(c), c) for c in own]
        self.app.push_screen(ChoiceDialog(f"Which coding to {verb}?", choices),
                             callback=lambda c: c is not None and then(c))

    def _coding_label(self, coding: Coding) -> Text:
        code = self.codes.get(coding.code_id)
        text = Text()
        text.append(code.name if code else "?")
        snippet = " ".join(self.view.text[coding.start:coding.end].split())
        text.append(f"  “{snippet[:50]}{'…' if len(snippet) > 50 else ''}”", style="dim")
        return text

    # -- coding --------------------------------------------------------------------------
    def action_code(self) -> None:
        span = self.view.target_span()
        if span is None:
            self.notify("Nothing to code here.", severity="warning")
            return
        self._pick_code(f"Code this passage of {self.document.name} with…", self.view.text[span[0]:span[1]],
                        self._apply)

    def _pick_code(self, title: str, target: str, then) -> None:
        app = self.app
        picker = CodePicker(list(self.codes.values()), recent=app.recent_for(app.coder).slots,
                            target=target, title=title)

        def picked(choice: Code | NewCode | None) -> None:
            if isinstance(choice, NewCode):
                self._create_then(choice, then)
            elif choice is not None:
                then(choice)
        app.push_screen(picker, callback=picked)

    def _create_then(self, new: NewCode, then) -> None:
        parents = self._tree_order([c for c in self.codes.values() if c.kind != "code"])
        depth: dict[int, int] = {}
        for c in parents:
            depth[c.id] = depth[c.parent_id] + 1 if c.parent_id in depth else 0
        choices: list[tuple[Text, int]] = [(Text("(top level, no category)", style="italic"), TOP)]
        for c in parents:
            label = Text("  " * depth[c.id])
            label.append(c.name, style="bold" if c.kind == "theme" else "")
            choices.append((label, c.id))
        start = next((i for i, (_, v) in enumerate(choices) if v == new.suggested_parent), 0)

        self.app.push_screen(ChoiceDialog(f"Category for the new code “{new.name}”", choices,
                                          highlight=start),
                             callback=lambda parent: parent is not None and self._create(new, parent, then))

    @guarded
    def _create(self, new: NewCode, parent: int, then) -> None:
        code = self.app.project.create_code(new.name, parent=None if parent == TOP else parent,
                                            actor=self.app.coder)
        self.codes[code.id] = code
        self.notify(f"Created code “{code.name}”.")
        then(code)

    def _tree_order(self, nodes: list[Code]) -> list[Code]:
        children: dict[int | None, list[Code]] = {}
        ids = {n.id for n in nodes}
        for n in nodes:
            children.setdefault(n.parent_id if n.parent_id in ids else None, []).append(n)
        out: list[Code] = []

        def walk(pid):
            for n in children.get(pid, []):
                out.append(n)
                walk(n.id)
        walk(None)
        return out

    @guarded
    def _apply(self, code: Code) -> None:
        view = self.view
        span = view.target_span()
        if span is None:
            return
        app = self.app
        coding = app.project.add_coding(self.document, code, app.coder, *span, actor=app.coder)
        app.use_code(code.id)
        view.clear_selection()
        view.cursor = span[0]
        view.active_id = coding.id
        app.changed("coding.add")

    def action_recent(self, number: int) -> None:
        code_id = self.app.recent_for(self.app.coder).get(number)
        if code_id is None or code_id not in self.codes:
            self.notify(f"No code on key {number} yet: codes you apply get the keys 1–9.",
                        severity="warning")
            return
        self._apply(self.codes[code_id])

    def action_uncode(self) -> None:
        self._with_own_coding(self._remove, "remove")

    @guarded
    def _remove(self, coding: Coding) -> None:
        self.app.project.remove_coding(coding.id, actor=self.app.coder)
        name = self.codes[coding.code_id].name if coding.code_id in self.codes else "coding"
        self.notify(f"Removed “{name}” (u undoes).")
        self.app.changed("coding.remove")

    def action_recode(self) -> None:
        def change(coding: Coding) -> None:
            target = self.view.text[coding.start:coding.end]
            current = self.codes.get(coding.code_id)
            title = f"Change the code “{current.name}” of this passage to…" if current else "Change the code to…"
            self._pick_code(title, target, lambda code: self._recode(coding, code))
        self._with_own_coding(change, "change")

    @guarded
    def _recode(self, coding: Coding, code: Code) -> None:
        if code.id == coding.code_id:
            return
        self.app.project.update_coding(coding.id, code=code.id, actor=self.app.coder)
        self.app.use_code(code.id)
        old = self.codes.get(coding.code_id)
        self.notify(f"Changed “{old.name if old else '?'}” to “{code.name}” (u undoes).")
        self.app.changed("coding.update")

    # -- boundaries, by sentence ---------------------------------------------------------
    def action_end(self, direction: int) -> None:
        self._with_own_coding(lambda c: self._resize(c, "end", direction), "resize", prefer_active=True)

    def action_start(self, direction: int) -> None:
        self._with_own_coding(lambda c: self._resize(c, "start", direction), "resize", prefer_active=True)

    @guarded
    def _resize(self, coding: Coding, edge: str, direction: int) -> None:
        """Move one edge of a coding to the next sentence edge (sentences trimmed)."""
        view = self.view
        spans = [trim_span(view.text, s, e) for s, e in view.segments]
        edges = sorted({e if edge == "end" else s for s, e in spans if e > s})
        start, end = coding.start, coding.end
        current = end if edge == "end" else start
        if direction > 0:
            later = [x for x in edges if x > current]
            new = later[0] if later else None
        else:
            earlier = [x for x in edges if x < current]
            new = earlier[-1] if earlier else None
        if new is None:
            return
        start, end = (start, new) if edge == "end" else (new, end)
        if end <= start:
            self.notify("A coding cannot be empty (x removes it).", severity="warning")
            return
        self.app.project.update_coding(coding.id, start=start, end=end, actor=self.app.coder)
        view.active_id = coding.id
        view.cursor = max(start, min(view.cursor, end - 1))
        self.app.changed("coding.update")

    # -- memos ---------------------------------------------------------------------------
    def action_memo(self) -> None:
        own = [c for c in self._own_here()]
        active = self.view.active_coding()
        coding = active if active in own else (own[0] if own else None)
        choices: list[tuple[Text, tuple]] = []
        if coding is not None:
            choices.append((Text("This coding: ") + self._coding_label(coding), ("coding", coding)))
        choices.append((Text(f"This interview ({self.document.name})"), ("document", None)))
        here_code = self.codes.get(active.code_id) if active else None
        if here_code is not None:
            choices.append((Text(f"The code “{here_code.name}”"), ("code", here_code)))
        choices.append((Text("Another code…"), ("pick", None)))
        self.app.push_screen(ChoiceDialog("Memo on…", choices), callback=self._memo_on)

    def _memo_on(self, choice: tuple | None) -> None:
        if choice is None:
            return
        kind, obj = choice
        project = self.app.project
        if kind == "coding":
            code = self.codes.get(obj.code_id)
            title = f"Memo on the coding “{code.name if code else '?'}”"
            self.app.push_screen(MemoDialog(title, obj.memo),
                                 callback=lambda text: self._save_memo("coding", obj.id, text))
        elif kind == "document":
            self.app.push_screen(MemoDialog(f"Memo on {self.document.name}",
                                            project.memo("document", self.document.id)),
                                 callback=lambda text: self._save_memo("document", self.document.id, text))
        elif kind == "code":
            self._code_memo(obj)
        else:
            picker = CodePicker(list(self.codes.values()), title="Memo on the code",
                                recent=self.app.recent_for(self.app.coder).slots, allow_create=False)
            self.app.push_screen(picker, callback=lambda c: isinstance(c, Code) and self._code_memo(c))

    def _code_memo(self, code: Code) -> None:
        self.app.push_screen(MemoDialog(f"Memo on the code “{code.name}”",
                                        self.app.project.memo("code", code.id)),
                             callback=lambda text: self._save_memo("code", code.id, text))

    @guarded
    def _save_memo(self, kind: str, target: int, text: str | None) -> None:
        if text is None:
            return
        project, coder = self.app.project, self.app.coder
        if kind == "coding":
            project.update_coding(target, memo=text, actor=coder)
        else:
            project.set_memo(kind, target, text, coder=coder)
        self.notify("Memo saved.")
        self.app.changed("memo")

    # -- undo, search, leaving -----------------------------------------------------------
    # A change of many rows (an import) is confirmed first, by the app, before these run.
    def action_undo(self) -> None:
        self.app.undo("undo")

    def action_redo(self) -> None:
        self.app.undo("redo")

    def action_search(self) -> None:
        self.app.action_search()

    def jump(self, select: tuple[int, int] | None, highlights: tuple[tuple[int, int], ...] = ()) -> None:
        if select is None:
            return
        if not self.ready:
            self.pending_select, self.pending_highlights = select, highlights
            return
        self.view.select(*select, highlights=list(highlights))

    def action_back(self) -> None:
        if self.view.clear_selection():
            return
        self.app.pop_screen()
