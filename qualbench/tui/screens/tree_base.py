"""What the codebook screen (F3) and the review screen share: the filterable code tree.

Both show themes → categories → codes with counts and open comments, a filter box
("/") that keeps the nodes whose name, definition or former name has every word typed,
and a side panel about the highlighted node that goes under the tree in a narrow
terminal. They differ in what they count, what the panel shows and what they may
write; subclasses say that in :meth:`node_counts`, :meth:`_top_bar` and
:meth:`_detail`.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, Tree

from ...model import Code
from ..feedback import guarded
from ..messages import ProjectChanged
from ..widgets.code_tree import CodeTree, CountsHeader
from ..widgets.node_detail import NodeDetail
from .documents import FilterInput

NARROW = 100  # below this width the side panel goes under the tree


class CodeTreeScreen(Screen):
    DEFAULT_CSS = """
    CodeTreeScreen #tree-body { height: 1fr; }
    CodeTreeScreen #tree-left { width: 1fr; height: 1fr; }
    CodeTreeScreen CodeTree { height: 1fr; }
    CodeTreeScreen NodeDetail { height: 1fr; padding: 0 1; border-left: solid $panel-lighten-2; }
    CodeTreeScreen.-narrow #tree-body { layout: vertical; }
    CodeTreeScreen.-narrow NodeDetail { width: 1fr; border-left: none; border-top: solid $panel-lighten-2; }
    """

    def __init__(self, id: str) -> None:
        super().__init__(id=id)
        self.tree_data: list[dict] = []
        self.codes: dict[int, Code] = {}
        self.counts: dict = {}
        self.comments: dict[int, list[dict]] = {}
        self.focus_id: int | None = None  # where the cursor goes after the next reread

    def compose(self) -> ComposeResult:
        yield Static(id="top-bar", classes="top-bar")
        yield FilterInput(placeholder="/ filter: words from a name, a definition or a former name",
                          id="filter", select_on_focus=False)
        with Horizontal(id="tree-body"):
            with Vertical(id="tree-left"):
                yield CountsHeader()
                yield CodeTree(id=f"{self.id}-tree")
            yield NodeDetail(id=f"{self.id}-detail")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = not self.app.is_headless
        self.reload()
        self.tree.focus()

    @property
    def tree(self) -> CodeTree:
        return self.query_one(CodeTree)

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")

    # -- reading -------------------------------------------------------------------------
    def node_counts(self) -> dict:
        return self.app.project.node_counts()

    @guarded
    def reload(self) -> None:
        project = self.app.project
        self.codes = {c.id: c for c in project.codes()}
        self.counts = self.node_counts()
        self.comments = {}
        for c in project.comments(open_only=True):
            self.comments.setdefault(c["code_id"], []).append(c)
        self.tree_data = project.code_tree()
        self._show_tree()
        self._top_bar()

    def _show_tree(self) -> None:
        query = self.query_one(Input).value
        former = {cid: self.app.project.former_names(cid) for cid in self.codes} if query.strip() else None
        self.tree.show(self.tree_data, self.codes, self.counts, {k: len(v) for k, v in self.comments.items()},
                       query=query, former=former, focus=self.focus_id)
        self.focus_id = None
        self._detail()

    def _top_bar(self) -> None:
        raise NotImplementedError

    def _detail(self) -> None:
        raise NotImplementedError

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        self._detail()

    def on_project_changed(self, message: ProjectChanged) -> None:
        self.reload()

    # -- filter --------------------------------------------------------------------------
    def action_filter(self) -> None:
        # Letters typed right after "/" must reach the filter, not act as commands on the
        # tree: the binding has priority (so the app runs it before forwarding the next
        # keys) and the focus moves at once, not on the next idle as with focus().
        self.set_focus(self.query_one(Input))

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show_tree()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.set_focus(self.tree)

    def action_to_tree(self) -> None:
        self.tree.focus()
        self.tree.action_cursor_down()

    def clear_filter(self) -> bool:
        """Empty the filter box; False if it was empty already."""
        box = self.query_one(Input)
        had = bool(box.value)
        box.value = ""
        self.tree.focus()
        return had
