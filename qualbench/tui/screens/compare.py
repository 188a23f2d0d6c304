"""The compare view: every fragment of a code across participants, or two codes side by side.

The constant comparative method reads each fragment against the others: does it belong
here, or elsewhere, or is this really two codes? So each fragment shows who said it
(participant, responder class, would-repeat) and who coded it, sorted by participant,
length or coder, and the keys act on it: recode it (a codebook operation, so it asks for
a reason), star it (starred quotes lead in the Word export and the review), jump to it in
context, or write the comparison memo attached to the code.

The screen is also the split dialog: opened with ``choose=True`` it returns the coding
ids the analyst ticked (space ticks or unticks the highlighted fragment and stays on it;
↓ moves on), and the codebook screen splits them off into a new code. A new sort starts
at the top of the list: the order changed, so does what comes first.

Blind mode shows only the active coder's fragments. On a ``--review`` run nothing here
writes.
"""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static

from ...errors import NotFoundError
from ...model import Code
from ..colors import code_color
from ..dialogs.code_picker import CodePicker
from ..dialogs.form import REASON, FormDialog
from ..dialogs.memo import MemoDialog
from ..feedback import guarded, reported
from ..messages import CoderSwitched, OpenDocument, ProjectChanged
from ..widgets.fragment_list import SORTS, FragmentList
from .codebook import _what

WRITES = {"recode_fragment", "star", "code_memo", "undo", "redo"}
SORT_WORDS = {"participant": "participant", "length": "length (words)", "coder": "coder"}
CHOOSING = {"choose", "done"}
NOT_WHILE_CHOOSING = WRITES | {"contrast"}


class CompareScreen(Screen[list[int] | None]):
    BINDINGS = [
        Binding("enter", "jump", "In context"),
        # Priority, so that in choose mode enter finishes instead of reaching the list (which
        # would jump); check_action lets it through to the list otherwise.
        Binding("enter", "done", "Split off the ticked", priority=True),
        Binding("g", "jump", "In context", show=False),
        Binding("space", "choose", "Tick or untick"),
        Binding("r", "recode_fragment", "Recode"),
        Binding("asterisk", "star", "Star"),
        Binding("m", "code_memo", "Memo"),
        Binding("s", "sort", "Sort"),
        Binding("C", "contrast", "Second code"),
        Binding("u,ctrl+z", "undo", "Undo", show=False),
        Binding("ctrl+y", "redo", "Redo", show=False),
        Binding("escape", "leave", "Back"),
    ]
    DEFAULT_CSS = """
    CompareScreen #compare-body { height: 1fr; }
    CompareScreen .compare-column { width: 1fr; height: 1fr; }
    CompareScreen #compare-right { border-left: solid $panel-lighten-2; }
    CompareScreen .compare-head { height: 1; background: $boost; padding: 0 1; }
    CompareScreen .compare-column:focus-within .compare-head { background: $primary 40%; }
    CompareScreen FragmentList, CompareScreen FragmentList:focus { border: none; padding: 0; }
    """

    def __init__(self, code: Code, other: Code | None = None, *, choose: bool = False) -> None:
        super().__init__()
        self.codes: list[Code] = [code] + ([other] if other else [])
        self.choose = choose

    def compose(self) -> ComposeResult:
        yield Static(id="top-bar", classes="top-bar")
        with Horizontal(id="compare-body"):
            for side in ("left", "right"):
                with Vertical(id=f"compare-{side}", classes="compare-column"):
                    yield Static(id=f"head-{side}", classes="compare-head")
                    yield FragmentList(choose=self.choose, id=f"fragments-{side}")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.reload()
        self.lists[0].focus()

    @property
    def lists(self) -> list[FragmentList]:
        return list(self.query(FragmentList))

    @property
    def active(self) -> tuple[Code, FragmentList]:
        """The code and list with the focus (the left one if neither has it)."""
        lists = self.lists
        i = 1 if len(self.codes) > 1 and lists[1].has_focus else 0
        return self.codes[i], lists[i]

    # -- reading -------------------------------------------------------------------------
    @guarded
    def reload(self) -> None:
        app = self.app
        project = app.project
        blind = app.blind and not app.review  # a --review run reads every coder's work
        coder = app.coder if blind else None
        self.query_one("#compare-right").display = len(self.codes) > 1
        for i, fragments in enumerate(self.lists):
            if i >= len(self.codes):
                fragments.fill([])
                continue
            try:
                self.codes[i] = project.code(self.codes[i].id)
                fragments.fill(project.fragments(self.codes[i].id, coder=coder))
            except NotFoundError:  # merged away or deleted (maybe by an undo) while open
                fragments.fill([])
        self._heads()

    def _heads(self) -> None:
        app = self.app
        for side, code, fragments in zip(("left", "right"), self.codes, self.lists):
            head = Text(no_wrap=True, overflow="ellipsis")
            head.append("■ ", style=code_color(code).hex)
            head.append(code.name, style="bold")
            head.append(f" · {len(fragments.fragments)} fragment{'s' * (len(fragments.fragments) != 1)}"
                        f" · by {SORT_WORDS[fragments.sort]}", style="dim")
            if self.choose:
                head.append(f" · {len(fragments.chosen)} ticked", style="bold")
            self.query_one(f"#head-{side}", Static).update(head)
        top = Text()
        if self.choose:
            top.append(" Split ", style="reverse bold")
            top.append(" space ticks or unticks · ↓ next · enter goes on with the ticked · esc cancels")
        else:
            top.append(" Compare ", style="reverse bold")
            top.append(" " + " ⇄ ".join(c.name for c in self.codes) + " · ")
            top.append("your codings only (blind)" if app.blind and not app.review else "all coders",
                       style="italic")
            if app.review:
                top.append(" · review, read-only", style="bold")
        self.query_one("#top-bar", Static).update(top)

    def on_project_changed(self, message: ProjectChanged) -> None:
        self.reload()

    def on_coder_switched(self, message: CoderSwitched) -> None:
        self.reload()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # a click: the same as enter
        if self.choose:
            self.action_choose()
        else:
            self.action_jump()

    # -- what the keys act on ------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in CHOOSING:
            return self.choose
        if self.choose and action in NOT_WHILE_CHOOSING:
            return False
        if self.app.review and action in WRITES:
            return False
        return True

    def _fragment(self, verb: str):
        fragment = self.active[1].fragment
        if fragment is None:
            self.notify(f"No fragment to {verb}.", severity="warning")
        return fragment

    def action_sort(self) -> None:
        for fragments in self.lists:
            fragments.resort(SORTS[(SORTS.index(fragments.sort) + 1) % len(SORTS)])
        self._heads()
        self.notify(f"Sorted by {SORT_WORDS[self.lists[0].sort]}; back at the top.")

    def action_jump(self) -> None:
        if (f := self._fragment("show")) is not None:
            self.post_message(OpenDocument(f.document_id, select=(f.start, f.end)))

    def action_recode_fragment(self) -> None:
        if (f := self._fragment("recode")) is None:
            return
        codes = [c for c in self.app.project.codes() if c.id != f.code_id]
        current = next((c.name for c in self.codes if c.id == f.code_id), None) or self.app.project.code(f.code_id).name
        quote = _short(" ".join(f.text.split()), 50)
        # Says what moves, from where, to where: "Move P02's fragment “…” from “A” to:"
        picker = CodePicker(codes, title=f"Move {f.label}'s fragment “{quote}” from “{current}” to:",
                            allow_create=False)

        def picked(code) -> None:
            if not isinstance(code, Code):
                return
            self.app.push_screen(FormDialog(f"Move {f.label}'s fragment from “{current}” to “{code.name}”",
                                            [REASON], note=f"“{quote}”"),
                                 callback=lambda values: values is not None and self._recode(f, code, values[0]))
        self.app.push_screen(picker, callback=picked)

    @guarded
    def _recode(self, f, code: Code, reason: str) -> None:
        self.app.project.move_codings([f.coding_id], code.id, actor=self.app.coder, reason=reason)
        self.notify(f"Recoded {f.label}'s fragment to “{code.name}” (u undoes).")
        self.app.changed("codings.move")

    @guarded
    def action_star(self) -> None:
        if (f := self._fragment("star")) is None:
            return
        self.app.project.update_coding(f.coding_id, starred=not f.starred, actor=self.app.coder)
        self.notify(f"{'Unstarred' if f.starred else 'Starred'} {f.label}'s quote"
                    f"{'' if f.starred else ': it leads in the review and the Word export'}.")
        self.app.changed("coding.update")

    def action_code_memo(self) -> None:
        code, _ = self.active
        with reported(self):
            text = self.app.project.memo("code", code.id)
            self.app.push_screen(MemoDialog(f"Comparison memo on “{code.name}”", text),
                                 callback=lambda new: self._save_memo(code, new))

    @guarded
    def _save_memo(self, code: Code, text: str | None) -> None:
        if text is None:
            return
        self.app.project.set_memo("code", code.id, text, coder=self.app.coder)
        self.notify(f"Memo on “{code.name}” saved.")
        self.app.changed("memo")

    def action_contrast(self) -> None:
        if len(self.codes) > 1:  # the same key closes the second column
            self.codes = self.codes[:1]
            self.reload()
            self.lists[0].focus()
            return
        with reported(self):
            others = [c for c in self.app.project.codes() if c.id != self.codes[0].id]
            self.app.push_screen(CodePicker(others, title=f"Compare “{self.codes[0].name}” with",
                                            allow_create=False), callback=self._contrast)

    def _contrast(self, other) -> None:
        if isinstance(other, Code):
            self.codes = [self.codes[0], other]
            self.reload()
            self.lists[1].focus()

    # -- choosing (split) ----------------------------------------------------------------
    def action_choose(self) -> None:
        self.active[1].toggle_chosen()
        self._heads()

    def action_done(self) -> None:
        chosen = sorted(self.lists[0].chosen)
        if not chosen:
            self.notify("Tick the fragments for the new code first (space).", severity="warning")
            return
        self.dismiss(chosen)

    # -- undo, leaving -------------------------------------------------------------------
    @guarded
    def action_undo(self) -> None:
        event = self.app.project.undo(actor=self.app.coder)
        self.notify(f"Undone: {_what(event)} (ctrl+y redoes).")
        self.app.changed("undo")

    @guarded
    def action_redo(self) -> None:
        event = self.app.project.redo(actor=self.app.coder)
        self.notify(f"Redone: {_what(event)}.")
        self.app.changed("redo")

    def action_leave(self) -> None:
        if self.choose:
            self.dismiss(None)
        else:
            self.app.pop_screen()


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
