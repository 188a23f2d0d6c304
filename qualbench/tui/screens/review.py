"""The review screen (``qualbench tui --review``): the codebook as a supervisor reads it.

The hierarchy with counts; for the highlighted node its definition and its three most
representative quotes (the documented rule of :mod:`qualbench.analysis.representative`),
each labelled "(P07, responder, would repeat)". The one thing a reviewer writes is a
comment on a node (``c``); the analysts see it as an open item in the codebook tree.
Enter on a code shows all its fragments, read-only.

Counts are every coder's (a supervisor reviews the analysis, not one coder's blind pass,
and the per-coder numbers are shown); quotes come from the project's analysis set —
whose codings that is, the panel says. Quotes are ranked in a thread worker — the first
ranking reads every coded text — and cached per node until the project changes.
"""
from __future__ import annotations

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from ...errors import QualbenchError
from ...model import Code
from ..dialogs.memo import MemoDialog
from ..feedback import guarded, reported
from ..messages import CoderSwitched
from ..widgets.code_tree import CodeTree
from ..widgets.node_detail import NodeDetail, node_text, quotes_text
from .tree_base import CodeTreeScreen

QUOTES = 3


class ReviewScreen(CodeTreeScreen):
    BINDINGS = [
        Binding("c", "comment", "Comment"),
        Binding("slash", "filter", "Filter", priority=True),  # see action_filter
        Binding("escape", "clear_filter", "Clear filter"),
        Binding("down", "to_tree", show=False),  # from the filter box, into the tree
    ]
    DEFAULT_CSS = """
    ReviewScreen NodeDetail { width: 50%; }
    """

    class QuotesReady(Message):
        def __init__(self, code_id: int, text: Text, generation: int) -> None:
            super().__init__()
            self.code_id, self.text, self.generation = code_id, text, generation

    def __init__(self) -> None:
        super().__init__(id="review")
        self.quotes: dict[int, Text] = {}
        self.pending: set[int] = set()  # codes being ranked right now
        self.generation = 0             # bumped on every reread, so stale rankings are dropped

    def reload(self) -> None:
        self.quotes.clear()
        self.pending.clear()
        self.generation += 1
        super().reload()

    def _top_bar(self) -> None:
        kinds = [c.kind for c in self.codes.values()]
        text = Text()
        text.append(" Review ", style="reverse bold")
        text.append(" read-only · ")
        text.append("c", style="bold")
        text.append(f" comments as {self.app.coder} · {kinds.count('theme')} themes · "
                    f"{kinds.count('category')} categories · {kinds.count('code')} codes · "
                    f"{self.app.project.settings.title}")
        self.query_one("#top-bar", Static).update(text)

    def _detail(self) -> None:
        panel = self.query_one(NodeDetail)
        code = self.tree.code
        if code is None:
            panel.show(Text("no node matches the filter" if self.codes else "the codebook is empty",
                            style="dim italic"))
            return
        project = self.app.project
        with reported(self):
            text = node_text(code, path=project.code_path(code), counts=self.counts[code.id], blind=False,
                             former=project.former_names(code.id), memo=project.memo("code", code.id),
                             comments=self.comments.get(code.id, []))
            cached = self.quotes.get(code.id)
            panel.show(text, cached if cached is not None else Text("ranking quotes…", style="dim italic"))
            if cached is None and code.id not in self.pending:
                self.pending.add(code.id)
                self.rank_quotes(code.id)

    # Not exclusive: cancelling a thread does not stop it, and a node passed on the way
    # down the tree is worth having ranked when the reviewer comes back to it.
    @work(thread=True, group="quotes")
    def rank_quotes(self, code_id: int) -> None:
        project, generation = self.app.project, self.generation
        try:
            quotes = project.representative_quotes(code_id, QUOTES)
            text = quotes_text(quotes, project.outcomes_by_participant(), project.analysis_coder())
        except QualbenchError as exc:
            text = Text(str(exc), style="italic")
        self.post_message(self.QuotesReady(code_id, text, generation))

    def on_review_screen_quotes_ready(self, message: QuotesReady) -> None:
        self.pending.discard(message.code_id)
        if message.generation != self.generation:
            return  # ranked before the project changed: maybe stale
        self.quotes[message.code_id] = message.text
        if self.tree.code_id == message.code_id:
            self.query_one(NodeDetail).show_quotes(message.text)

    def on_code_tree_opened(self, event: CodeTree.Opened) -> None:
        if event.node.children:
            event.node.toggle()
        elif (code := self.tree.code) is not None:
            from .compare import CompareScreen
            self.app.push_screen(CompareScreen(code))

    def on_coder_switched(self, message: CoderSwitched) -> None:
        self._top_bar()

    def action_clear_filter(self) -> None:
        self.clear_filter()

    # -- the one write: a comment --------------------------------------------------------
    def action_comment(self) -> None:
        code = self.tree.code
        if code is None:
            self.notify("No node highlighted to comment on.", severity="warning")
            return
        self.app.push_screen(MemoDialog(f"Comment on “{code.name}” for the analysts"),
                             callback=lambda text: self._comment(code, text))

    @guarded
    def _comment(self, code: Code, text: str | None) -> None:
        if text is None or not text.strip():
            return
        self.app.project.add_comment(code.id, text, author=self.app.coder)
        self.notify(f"Comment on “{code.name}” added: the analysts see it as an open item.")
        self.app.changed("comment.add")
