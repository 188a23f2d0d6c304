"""The codebook as a tree: themes → categories → codes, each with its counts and colour.

Shared by the codebook screen (where the analysts work) and the review screen (where a
supervisor reads). Each line is the code's colour swatch, its name, a marker for open
review comments, and right-aligned columns: codings, interviews, participants of the
node and everything below it. The counts are padded to the tree's width at render time
(:meth:`render_label`), so they stay in columns whatever the depth and the terminal size.

The tree is rebuilt from scratch on every :meth:`show` — a codebook has tens or a few
hundred nodes, and rebuilding is simpler and safer than patching nodes after a merge —
keeping the cursor on the same code and the nodes the user collapsed collapsed.
Filtering keeps the nodes whose name, definition or former names contain every typed
word, with their ancestors (so a match is always seen in its place).
"""
from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...api.review import NodeCounts
from ..colors import code_color
from ...model import Code

KIND_STYLE = {"theme": "bold", "category": "", "code": ""}
# Column widths for codings · interviews · participants; COUNTS_HEADER lines up with them.
WIDTHS = (7, 5, 5)
COUNTS_HEADER = "codings".rjust(WIDTHS[0]) + "docs".rjust(WIDTHS[1]) + "ppl".rjust(WIDTHS[2])


def counts_text(c: NodeCounts) -> str:
    return f"{c.codings:>{WIDTHS[0]}}{c.documents:>{WIDTHS[1]}}{c.participants:>{WIDTHS[2]}}"


class CodeTree(Tree[int]):
    """Node data is the code id; the root is hidden.

    Enter posts :class:`Opened` (the screens open a code's fragments, or fold a theme);
    a click only moves the cursor, as in a file manager.
    """

    BINDINGS = [Binding("enter", "open_node", "Open", show=False)]  # replaces Tree's select

    class Opened(Message):
        def __init__(self, node: TreeNode[int]) -> None:
            super().__init__()
            self.node = node

    COMPONENT_CLASSES = {"code-tree--count", "code-tree--comment", "code-tree--empty"}
    DEFAULT_CSS = """
    CodeTree { overflow-x: hidden; overflow-y: scroll; scrollbar-size-vertical: 1; }
    CodeTree > .code-tree--count { color: $text-muted; }
    CodeTree > .code-tree--comment { color: $warning; text-style: bold; }
    CodeTree > .code-tree--empty { color: $text-muted; text-style: italic; }
    """
    # show_root=False and a shallow indent: names need the room more than the guides do.
    ICON_NODE = "▸ "
    ICON_NODE_EXPANDED = "▾ "

    def __init__(self, **kwargs) -> None:
        super().__init__("codebook", **kwargs)
        self.show_root = False
        self.guide_depth = 3
        self.auto_expand = False  # enter is the screen's (compare); space toggles
        self.codes: dict[int, Code] = {}
        self.counts: dict[int, NodeCounts] = {}
        self.open_comments: dict[int, int] = {}
        self.collapsed: set[int] = set()
        self.matching: set[int] | None = None  # None: no filter
        self._rebuilding = False
        self._direct: set[int] = set()  # nodes the filter matched themselves (not ancestors)

    # -- content -----------------------------------------------------------------------
    def show(self, tree: list[dict], codes: dict[int, Code], counts: dict[int, NodeCounts],
             open_comments: dict[int, int], *, query: str = "", former: dict[int, list[str]] | None = None,
             focus: int | None = None) -> None:
        """Rebuild from :meth:`Project.code_tree`; keep the cursor on ``focus`` or where it was.

        ``focus`` is the node a change was about (a merge's target, a new code): it is shown
        whatever hid it — its folded ancestors unfold, and a filter it does not match keeps
        it, with its path, until the filter is next typed in.
        """
        keep = focus if focus is not None else self.code_id
        self.codes, self.counts, self.open_comments = codes, counts, open_comments
        self.matching = self._matching(tree, query, former or {}) if query.strip() else None
        if focus is not None:
            path = _path_to(tree, focus)
            self.collapsed -= set(path[:-1])
            if self.matching is not None and path:
                self.matching |= set(path)
        self._rebuilding = True
        self.clear()
        by_id: dict[int, TreeNode[int]] = {}

        def add(parent: TreeNode[int], items: list[dict]) -> None:
            for item in items:
                cid = item["id"]
                if self.matching is not None and cid not in self.matching:
                    continue
                kids = item["children"]
                visible = [k for k in kids if self.matching is None or k["id"] in self.matching]
                expand = self.matching is not None or cid not in self.collapsed
                node = parent.add(Text(item["name"]), data=cid, expand=expand, allow_expand=bool(visible))
                by_id[cid] = node
                add(node, kids)
        add(self.root, tree)
        self._rebuilding = False
        _ = self.last_line  # lay the lines out now, so the nodes know their line numbers
        target = by_id.get(keep) if keep is not None else None
        if self.matching is not None and keep not in self._direct and focus is None:
            # Filtering: onto the first node that matches itself, not an ancestor shown for context.
            target = next((by_id[c] for c in by_id if c in self._direct), target)
        if target is not None:
            self.move_cursor(target)
        elif by_id:
            self.cursor_line = max(0, min(self.cursor_line, self.last_line))

    def _matching(self, tree: list[dict], query: str, former: dict[int, list[str]]) -> set[int]:
        words = query.casefold().split()
        keep: set[int] = set()
        self._direct = set()

        def walk(items: list[dict], ancestors: list[int]) -> None:
            for item in items:
                hay = " ".join([item["name"], item.get("description") or "", item.get("when_to_use") or "",
                                *former.get(item["id"], [])]).casefold()
                if all(w in hay for w in words):
                    self._direct.add(item["id"])
                    keep.update(ancestors)
                    keep.add(item["id"])
                walk(item["children"], [*ancestors, item["id"]])
        walk(tree, [])
        return keep

    @property
    def code_id(self) -> int | None:
        node = self.cursor_node
        return node.data if node is not None and node is not self.root else None

    @property
    def code(self) -> Code | None:
        cid = self.code_id
        return self.codes.get(cid) if cid is not None else None

    def select_code(self, code_id: int) -> bool:
        def find(node: TreeNode[int]) -> TreeNode[int] | None:
            for child in node.children:
                if child.data == code_id:
                    return child
                hit = find(child)
                if hit is not None:
                    return hit
            return None
        node = find(self.root)
        if node is None:
            return False
        for ancestor in _ancestors(node):
            ancestor.expand()
        _ = self.last_line
        self.move_cursor(node)
        return True

    def action_open_node(self) -> None:
        if self.cursor_node is not None and self.cursor_node is not self.root:
            self.post_message(self.Opened(self.cursor_node))

    # -- remembering what the user folded ------------------------------------------------
    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed) -> None:
        if not self._rebuilding and self.matching is None and event.node.data is not None:
            self.collapsed.add(event.node.data)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded) -> None:
        if not self._rebuilding and self.matching is None and event.node.data is not None:
            self.collapsed.discard(event.node.data)

    # -- drawing -------------------------------------------------------------------------
    def render_label(self, node: TreeNode[int], base_style: Style, style: Style) -> Text:
        code = self.codes.get(node.data) if node.data is not None else None
        if code is None:
            return super().render_label(node, base_style, style)
        icon = ""
        if node.allow_expand:
            icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
        depth = len(_ancestors(node)) - 1  # the hidden root does not indent
        # Cells for this label (icon included); one spare so a scrollbar never clips it.
        avail = self.scrollable_content_region.width - depth * self.guide_depth - 1
        counts = counts_text(self.counts.get(code.id, NodeCounts()))
        comments = self.open_comments.get(code.id, 0)
        marker = f" ●{comments if comments > 1 else ''}" if comments else ""
        fixed = len(icon) + 2 + len(marker)  # 2: the swatch and its space
        name = code.name
        if avail > 0:
            name_room = avail - fixed - len(counts) - 1
            if len(name) > max(4, name_room):
                name = name[: max(3, name_room - 1)] + "…"
        label = Text(no_wrap=True, overflow="crop")
        label.append(icon, base_style)
        label.append("■ ", style + Style.parse(code_color(code).hex))
        name_style = Style.parse(KIND_STYLE[code.kind]) if KIND_STYLE.get(code.kind) else Style()
        if self.matching is not None and code.id in self._direct:
            name_style += Style(underline=True)
        label.append(name, name_style + style)
        if marker:
            label.append(marker, style + self.get_component_rich_style("code-tree--comment", partial=True))
        if avail > 0:
            label.append(" " * max(1, avail - fixed - len(name) - len(counts)), style)
            label.append(counts, self.get_component_rich_style("code-tree--count", partial=True) + style)
        return label


def _path_to(tree: list[dict], code_id: int) -> list[int]:
    """Ids from the top of ``tree`` down to ``code_id`` (empty if it is not there)."""
    for item in tree:
        if item["id"] == code_id:
            return [code_id]
        below = _path_to(item["children"], code_id)
        if below:
            return [item["id"], *below]
    return []


def _ancestors(node: TreeNode) -> list[TreeNode]:
    out = []
    while node.parent is not None:
        node = node.parent
        out.append(node)
    return out


class CountsHeader(Widget):
    """The column titles over a :class:`CodeTree`, right-aligned like its counts."""

    DEFAULT_CSS = "CountsHeader { height: 1; color: $text-muted; }"

    def render(self) -> Text:
        width = self.size.width - 2  # the tree's scrollbar and its spare cell
        left = "theme › category › code"
        return Text(left + COUNTS_HEADER.rjust(max(len(COUNTS_HEADER), width - len(left))), no_wrap=True)
