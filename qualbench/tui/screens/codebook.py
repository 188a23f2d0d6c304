"""The codebook screen (F3): the constant comparison's workbench for the code tree.

Themes → categories → codes with their counts, colour and definition; review comments
as open items (● on the node, the text in the side panel). Every change is one Project
API call — one transaction, one undoable event — and every structural one (rename,
describe, new, move, promote/demote, merge, split, delete, recode) asks for the
analyst's reason first, because the codebook history is how a supervisor or a journal
reviewer later sees how the themes were reached. Reordering siblings asks no reason:
it changes nothing in the analysis.

After a write the app posts ProjectChanged to every screen; this screen rereads the tree
and the counts, keeping the cursor on the code the change was about. Counts are every
coder's, or in blind mode only the active coder's. On a ``--review`` run the screen is
read-only and shows every coder's work (the supervisor comments from the review screen).
"""
from __future__ import annotations

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from ...api.codebook_ops import CODEBOOK_ACTIONS, describe_event
from ...errors import QualbenchError
from ...model import Code
from ..colors import PALETTE
from ..dialogs.choice import ChoiceDialog
from ..dialogs.code_picker import CodePicker
from ..dialogs.form import REASON, Field, FormDialog
from ..feedback import describe, guarded, reported
from ..messages import CoderSwitched
from ..widgets.code_tree import CodeTree
from ..widgets.node_detail import DEFINITION, NodeDetail, node_text
from .tree_base import CodeTreeScreen

KINDS = ("code", "category", "theme")
WRITES = {"rename", "describe", "recolour", "new", "move", "kind", "reorder", "merge", "split",
          "delete", "similar", "resolve", "undo", "redo"}
TOP = -1      # "top level" in the parent chooser (None there means cancelled)


class CodebookScreen(CodeTreeScreen):
    BINDINGS = [
        Binding("slash", "filter", "Filter", priority=True),  # see action_filter
        Binding("c", "compare", "Compare"),
        Binding("C", "contrast", "Compare with another code", show=False),
        Binding("m", "merge", "Merge"),
        Binding("s", "split", "Split"),
        Binding("M", "move", "Move", show=False),
        Binding("r", "rename", "Rename"),
        Binding("e", "describe", "Describe", show=False),
        Binding("n", "new('code')", "New code"),
        Binding("N", "new('category')", "New category", show=False),
        Binding("o", "recolour", "Colour", show=False),
        Binding("p", "kind(1)", "Promote (code → category → theme)", show=False),
        Binding("P", "kind(-1)", "Demote (theme → category → code)", show=False),
        Binding("ctrl+up,left_square_bracket", "reorder(-1)", "Up among its siblings", show=False),
        Binding("ctrl+down,right_square_bracket", "reorder(1)", "Down among its siblings", show=False),
        Binding("x,delete", "delete", "Delete an unused node", show=False),
        Binding("S", "similar", "Similar"),
        Binding("R", "resolve", "Resolve a comment", show=False),
        Binding("h", "history", "History"),
        Binding("u,ctrl+z", "undo", "Undo"),
        Binding("ctrl+y", "redo", "Redo", show=False),
        Binding("escape", "leave", "Back"),
        Binding("down", "to_tree", show=False),  # from the filter box, into the tree
    ]
    DEFAULT_CSS = """
    CodebookScreen NodeDetail { width: 42%; }
    CodebookScreen.-narrow NodeDetail { height: 8; }
    """

    class SimilarReady(Message):
        def __init__(self, pairs) -> None:
            super().__init__()
            self.pairs = pairs

    def __init__(self) -> None:
        super().__init__(id="codebook")

    def node_counts(self) -> dict:
        return self.app.project.node_counts(self.app.coder if self.blind else None)

    def _top_bar(self) -> None:
        app = self.app
        kinds = [c.kind for c in self.codes.values()]
        total = sum(self.counts[n["id"]].codings for n in self.tree_data if n["id"] in self.counts)
        text = Text()
        text.append(" Codebook ", style="reverse bold")
        text.append(f" {kinds.count('theme')} themes · {kinds.count('category')} categories · "
                    f"{kinds.count('code')} codes · {total:,} codings · ")
        text.append("your codings only (blind)" if self.blind else "all coders", style="italic")
        open_items = sum(len(v) for v in self.comments.values())
        if open_items:
            text.append(f" · ● {open_items} open comment{'s' * (open_items != 1)}", style="bold")
        if app.review:
            text.append(" · review, read-only", style="bold")
        self.query_one("#top-bar", Static).update(text)

    def _detail(self) -> None:
        panel = self.query_one(NodeDetail)
        code = self.tree.code
        if code is None:
            hint = "no node matches the filter" if self.codes else "the codebook is empty: n creates a code"
            panel.show(Text(hint, style="dim italic"))
            return
        project = self.app.project
        with reported(self):
            panel.show(node_text(code, path=project.code_path(code), counts=self.counts[code.id],
                                 blind=self.blind, former=project.former_names(code.id),
                                 memo=project.memo("code", code.id), comments=self.comments.get(code.id, []),
                                 comment_key="" if self.app.review else "R"))

    def on_code_tree_opened(self, event: CodeTree.Opened) -> None:
        # Enter opens a code's fragments; on a theme or category it folds and unfolds.
        if event.node.children:
            event.node.toggle()
        else:
            self.action_compare()

    def on_coder_switched(self, message: CoderSwitched) -> None:
        self.reload()

    def action_leave(self) -> None:
        if not self.clear_filter() and len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    # -- helpers -------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if self.app.review and action in WRITES:
            return False
        return True

    def _node(self, verb: str = "") -> Code | None:
        code = self.tree.code
        if code is None:
            self.notify(f"No node highlighted{' to ' + verb if verb else ''}.", severity="warning")
        return code

    def _ask(self, title: str, fields: list[Field], then, *, note: str | Text = "") -> None:
        """Open a form; ``then(*values)`` runs when it is saved.

        It runs as the form's check: a refusal from the core (a name already taken, a
        node that cannot move there) is shown in the form, which stays open with what was
        typed, instead of closing and losing the description and the reason.
        """
        def attempt(values: list[str]) -> str | None:
            try:
                then(*values)
            except QualbenchError as exc:
                return str(exc)
            return None
        self.app.push_screen(FormDialog(title, fields, note=note, validate=attempt))

    def _changed(self, action: str, message: str, *, focus: int | None = None) -> None:
        if focus is not None:
            self.focus_id = focus
        self.notify(message)
        self.app.changed(action)

    @property
    def blind(self) -> bool:
        # A --review run is a supervisor reading the whole analysis, not a blind coding pass.
        return self.app.blind and not self.app.review

    @property
    def actor(self) -> str:
        return self.app.coder

    # -- naming and defining -------------------------------------------------------------
    def action_rename(self) -> None:
        if (code := self._node("rename")) is None:
            return

        def rename(name: str, reason: str) -> None:
            if name.strip() == code.name:
                return
            new = self.app.project.rename_code(code.id, name, actor=self.actor, reason=reason)
            self._changed("code.rename", f"Renamed “{code.name}” to “{new.name}” (u undoes).", focus=code.id)
        self._ask(f"Rename the {code.kind} “{code.name}”",
                  [Field("New name", code.name, required=True), REASON], rename,
                  note="The old name stays a former name: files and searches that use it still find the code.")

    def action_describe(self) -> None:
        if (code := self._node("describe")) is None:
            return
        fields = [Field(label, getattr(code, name) or "") for name, label in DEFINITION]

        def save(*values: str) -> None:
            *definition, reason = values
            changes = {name: value.strip() for (name, _), value in zip(DEFINITION, definition)
                       if value.strip() != (getattr(code, name) or "").strip()}
            if not changes:
                self.notify("Nothing changed.")
                return
            self.app.project.update_code(code.id, actor=self.actor, reason=reason, **changes)
            self._changed("code.update", f"Definition of “{code.name}” saved.", focus=code.id)
        self._ask(f"Describe “{code.name}”", [*fields, REASON], save)

    def action_recolour(self) -> None:
        if (code := self._node("recolour")) is None:
            return
        choices: list[tuple[Text, str]] = [(Text("automatic (a palette colour fixed by the code)"), "")]
        for hex_ in PALETTE:
            label = Text("■■ ", style=hex_)
            label.append(hex_)
            choices.append((label, hex_))
        choices.append((Text("another colour: type #rrggbb…"), "other"))
        current = next((i for i, (_, v) in enumerate(choices) if v and v == (code.color or "").upper()), 0)

        def chosen(value: str | None) -> None:
            if value == "other":
                self._ask(f"Colour of “{code.name}”", [Field("Colour (#rrggbb)", code.color or "#", required=True)],
                          lambda v: self._recolour(code, v.strip()))
            elif value is not None:
                with reported(self):
                    self._recolour(code, value)
        self.app.push_screen(ChoiceDialog(f"Colour of “{code.name}”", choices, highlight=current), callback=chosen)

    def _recolour(self, code: Code, value: str) -> None:
        from textual.color import Color, ColorParseError
        if value:
            try:
                value = Color.parse(value).hex
            except ColorParseError:
                raise QualbenchError(f"“{value}” is not a colour: use #rrggbb, e.g. #4477AA.") from None
        self.app.project.update_code(code.id, color=value or None, actor=self.actor)
        self._changed("code.update", f"Colour of “{code.name}” changed.", focus=code.id)

    # -- structure -----------------------------------------------------------------------
    def action_new(self, kind: str) -> None:
        node = self.tree.code
        # "Under the highlighted node": a code has no children, so a new node goes beside it.
        parent = node if node is None or node.kind != "code" else self.codes.get(node.parent_id)
        where = f"under “{parent.name}”" if parent else "at the top level"

        def create(name: str, description: str, reason: str) -> None:
            new = self.app.project.create_code(name, parent=parent.id if parent else None, kind=kind,
                                               description=description.strip(), actor=self.actor, reason=reason)
            self._changed("code.create", f"Created the {kind} “{new.name}” {where}.", focus=new.id)
        self._ask(f"New {kind} {where}", [Field("Name", required=True), Field("Description"), REASON], create)

    def action_move(self) -> None:
        if (code := self._node("move")) is None:
            return
        inside = self._subtree(code.id)
        choices: list[tuple[Text, int]] = [(Text("(top level)", style="italic"), TOP)]
        for node, depth in self._walk():
            if node["kind"] == "code":
                continue
            label = Text("  " * depth)
            label.append(node["name"], style="bold" if node["kind"] == "theme" else "")
            if node["id"] in inside:
                label.append("  (inside it)", style="dim italic")
            choices.append((label, node["id"]))
        current = next((i for i, (_, v) in enumerate(choices) if v == (code.parent_id or TOP)), 0)

        def chosen(parent: int | None) -> None:
            if parent is None or parent == (code.parent_id or TOP):
                return
            if parent in inside:
                # Refused at once, by the API itself, before asking for a reason for nothing.
                with reported(self):
                    self.app.project.move_code(code.id, parent, actor=self.actor)
                return
            target = "the top level" if parent == TOP else f"“{self.codes[parent].name}”"
            self._ask(f"Move “{code.name}” to {target}", [REASON],
                      lambda reason: self._move(code, None if parent == TOP else parent, reason))
        self.app.push_screen(ChoiceDialog(f"Move “{code.name}” under…", choices, highlight=current),
                             callback=chosen)

    def _move(self, code: Code, parent: int | None, reason: str) -> None:
        self.app.project.move_code(code.id, parent, actor=self.actor, reason=reason)
        self._changed("code.move", f"Moved “{code.name}” (u undoes).", focus=code.id)

    def _walk(self):
        def walk(items, depth):
            for item in items:
                yield item, depth
                yield from walk(item["children"], depth + 1)
        return walk(self.tree_data, 0)

    def _subtree(self, code_id: int) -> set[int]:
        for node, _ in self._walk():
            if node["id"] == code_id:
                return {n["id"] for n, _ in _walk_from(node)}
        return {code_id}

    def _siblings(self, code: Code) -> list[int]:
        if code.parent_id is None:
            return [n["id"] for n in self.tree_data]
        for node, _ in self._walk():
            if node["id"] == code.parent_id:
                return [n["id"] for n in node["children"]]
        return []

    def action_kind(self, step: int) -> None:
        if (code := self._node("change")) is None:
            return
        i = KINDS.index(code.kind) + step
        if not 0 <= i < len(KINDS):
            self.notify(f"“{code.name}” is already a {code.kind}.", severity="warning")
            return
        kind = KINDS[i]
        verb = "Promote" if step > 0 else "Demote"

        def change(reason: str) -> None:
            self.app.project.set_kind(code.id, kind, actor=self.actor, reason=reason)
            self._changed("code.kind", f"“{code.name}” is now a {kind}.", focus=code.id)
        self._ask(f"{verb} “{code.name}” from {code.kind} to {kind}", [REASON], change)

    @guarded
    def action_reorder(self, delta: int) -> None:
        if (code := self._node("reorder")) is None:
            return
        siblings = self._siblings(code)
        position = siblings.index(code.id) + delta if code.id in siblings else -1
        if not 0 <= position < len(siblings):
            return
        self.app.project.reorder_code(code.id, position, actor=self.actor)
        self.focus_id = code.id
        self.app.changed("code.reorder")

    def action_delete(self) -> None:
        if (code := self._node("delete")) is None:
            return
        refusal = self._why_not_delete(code)
        if refusal:  # at once: no form, no reason asked for a delete that cannot happen
            self.notify(refusal, severity="warning", title="Not deleted", timeout=8)
            return

        def delete(reason: str) -> None:
            self.app.project.delete_code(code.id, actor=self.actor, reason=reason)
            self._changed("code.delete", f"Deleted “{code.name}” (u undoes).")
        self._ask(f"Delete the unused {code.kind} “{code.name}”", [REASON], delete,
                  note="Only a node without codings or children can be deleted; merge or move those first.")

    def _why_not_delete(self, code: Code) -> str:
        """Why ``code`` cannot be deleted ('' if it can): the core's rule, said before asking."""
        project = self.app.project
        children = [c for c in self.codes.values() if c.parent_id == code.id]
        codings = project.codings(code=code.id)
        own = [c for c in codings if c.code_id == code.id]
        if not children and not own:
            return ""
        what = []
        if own:
            if self.blind:
                mine = sum(1 for c in own if c.coder == self.app.coder)
                what.append(f"codings ({mine} of them yours)")
            else:
                what.append(f"{len(own)} coding{'s' * (len(own) != 1)}")
        if children:
            what.append(f"{len(children)} node{'s' * (len(children) != 1)} under it")
        fix = ("merge it into another code (m) or recode its fragments (c, then r)" if own
               else "move or merge the nodes under it first (M, m)")
        return f"“{code.name}” cannot be deleted: it has {' and '.join(what)}. To remove it, {fix}."

    # -- merge and split -----------------------------------------------------------------
    def action_merge(self) -> None:
        if (code := self._node("merge")) is None:
            return
        others = [c for c in self.codes.values() if c.id != code.id]
        picker = CodePicker(others, title=f"Merge “{code.name}” into", allow_create=False)
        self.app.push_screen(picker, callback=lambda target: isinstance(target, Code) and self.merge(code, target))

    def merge(self, source: Code, target: Code) -> None:
        """Ask for the reason, then merge ``source`` into ``target``."""
        # A merge moves every coder's codings, so say how many — but in blind mode without
        # the other coders' numbers.
        mine = self.counts[source.id].codings if source.id in self.counts else 0
        whose = (f"Every coder's codings of “{source.name}” ({mine} of them yours)" if self.blind
                 else f"The {mine} coding(s) of “{source.name}”")
        note = Text(f"{whose} go to “{target.name}”; the same span coded twice by one coder is kept once; "
                    f"“{source.name}” stays a former name of “{target.name}”. u undoes.")

        def merge(reason: str) -> None:
            result = self.app.project.merge_codes([source.id], target.id, actor=self.actor, reason=reason)
            collapsed = f", {result['collapsed']} duplicate(s) collapsed" if result["collapsed"] else ""
            self._changed("code.merge", f"Merged “{source.name}” into “{target.name}”: "
                                        f"{result['moved']} coding(s) moved{collapsed}.", focus=target.id)
        self._ask(f"Merge “{source.name}” into “{target.name}”", [REASON], merge, note=note)

    def action_split(self) -> None:
        if (code := self._node("split")) is None:
            return
        with reported(self):
            if not self.app.project.codings(code=code.id):
                self.notify(f"“{code.name}” has no codings of its own to split"
                            f"{': split one of its codes' if code.kind != 'code' else ''}.", severity="warning")
                return
        from .compare import CompareScreen

        def chosen(ids: list[int] | None) -> None:
            if not ids:
                return

            def split(name: str, description: str, reason: str) -> None:
                new = self.app.project.split_code(code.id, ids, name, description=description.strip(),
                                                  actor=self.actor, reason=reason)
                self._changed("code.split", f"Split {len(ids)} coding(s) off “{code.name}” into “{new.name}”.",
                              focus=new.id)
            self._ask(f"Split {len(ids)} coding(s) off “{code.name}”",
                      [Field("Name of the new code", required=True), Field("Description"), REASON], split)
        self.app.push_screen(CompareScreen(code, choose=True), callback=chosen)

    def action_similar(self) -> None:
        self.notify("Looking for similar codes…")
        self.find_similar()

    @work(thread=True, exclusive=True, group="similar")
    def find_similar(self) -> None:
        try:
            pairs = self.app.project.similar_codes()
        except QualbenchError as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="error", title="Similar codes")
            return
        self.post_message(self.SimilarReady(pairs))

    def on_codebook_screen_similar_ready(self, message: SimilarReady) -> None:
        from ..dialogs.similar import SimilarDialog

        def chosen(pair: tuple[str, str] | None) -> None:
            if pair is None:
                return
            with reported(self):
                a, b = (self.app.project.code(name) for name in pair)
                self.app.push_screen(ChoiceDialog("Merge which into which?", [
                    (Text(f"“{a.name}” into “{b.name}”"), (a, b)),
                    (Text(f"“{b.name}” into “{a.name}”"), (b, a))]),
                    callback=lambda order: order is not None and self.merge(*order))
        self.app.push_screen(SimilarDialog(message.pairs), callback=chosen)

    # -- comparing, comments, history, undo ----------------------------------------------
    def action_compare(self) -> None:
        if (code := self._node("compare")) is None:
            return
        from .compare import CompareScreen
        self.app.push_screen(CompareScreen(code))

    def action_contrast(self) -> None:
        if (code := self._node("compare")) is None:
            return
        from .compare import CompareScreen
        others = [c for c in self.codes.values() if c.id != code.id]
        self.app.push_screen(CodePicker(others, title=f"Compare “{code.name}” with", allow_create=False),
                             callback=lambda other: isinstance(other, Code)
                             and self.app.push_screen(CompareScreen(code, other)))

    def action_resolve(self) -> None:
        if (code := self._node()) is None:
            return
        items = self.comments.get(code.id, [])
        if not items:
            self.notify(f"No open comment on “{code.name}”.", severity="warning")
            return
        if len(items) == 1:
            self._resolve(code, items[0])
            return
        choices = [(Text(f"{c['author']}: {c['text']}", no_wrap=True, overflow="ellipsis"), c) for c in items]
        self.app.push_screen(ChoiceDialog(f"Resolve which comment on “{code.name}”?", choices),
                             callback=lambda c: c is not None and self._resolve(code, c))

    @guarded
    def _resolve(self, code: Code, comment: dict) -> None:
        self.app.project.resolve_comment(comment["id"], actor=self.actor)
        self._changed("comment.resolve", f"Resolved {comment['author']}'s comment on “{code.name}” (u undoes).",
                      focus=code.id)

    @guarded
    def action_history(self) -> None:
        from ..dialogs.history import HistoryDialog
        self.app.push_screen(HistoryDialog(self.app.project.codebook_history()))

    @guarded
    def action_undo(self) -> None:
        event = self.app.project.undo(actor=self.actor)
        self.notify(f"Undone: {_what(event)} (ctrl+y redoes).")
        self.app.changed("undo")

    @guarded
    def action_redo(self) -> None:
        event = self.app.project.redo(actor=self.actor)
        self.notify(f"Redone: {_what(event)}.")
        self.app.changed("redo")


def _walk_from(node: dict):
    yield node, 0
    for child in node["children"]:
        yield from _walk_from(child)


def _what(event) -> str:
    return describe_event(event.action, event.summary) if event.action in CODEBOOK_ACTIONS else describe(event)
