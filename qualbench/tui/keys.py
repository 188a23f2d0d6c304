"""The key map, read from the bindings themselves so the help screen can never drift.

Each section lists the bindings of one class (screen, widget or dialog) plus the few
things that are not bindings (mouse gestures, typing to filter).
"""
from __future__ import annotations

from textual.binding import Binding
from textual.keys import format_key

# Footer labels are short; the help screen says a little more.
EXPLAIN = {
    "help": "every key (this screen)",
    "switch_coder": "switch the active coder (blind mode follows)",
    "open": "open the highlighted interview",
    "search": "search all interviews: words, lemmas or a fuzzy quote",
    "clear_filter": "empty the filter",
    "code": "code the selection, or the sentence at the cursor",
    "uncode": "remove your coding at the cursor",
    "memo": "memo on the coding, the interview or a code",
    "undo": "undo your last change (also after a restart)",
    "back": "clear the selection, or back to the documents",
    "next_mode": "switch between words, lemma and fuzzy",
    "cycle_active": "the one that r x m < > { } act on",
}

_NAMES = {"down": "↓", "up": "↑", "left": "←", "right": "→", "pagedown": "pgdn", "pageup": "pgup",
          "escape": "esc", "delete": "del", "enter": "enter", "tab": "tab"}


def key_label(key: str) -> str:
    """'shift+down' -> 'shift+↓', 'right_square_bracket' -> ']', 'G' -> 'G'."""
    *mods, name = key.split("+")
    shown = _NAMES.get(name) or format_key(name)
    return "+".join([*mods, shown])


def rows(bindings, skip: set[str] = frozenset()) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    merged: dict[str, list[str]] = {}
    actions: dict[str, str] = {}
    order: list[str] = []
    for b in bindings:
        if isinstance(b, tuple):
            b = Binding(*b)
        if b.action in skip or not b.description:
            continue
        if b.description not in merged:
            merged[b.description] = []
            actions[b.description] = b.action.split(".")[-1].split("(")[0]
            order.append(b.description)
        merged[b.description] += [key_label(k.strip()) for k in b.key.split(",")]
    for desc in order:
        keys = list(dict.fromkeys(merged[desc]))
        more = EXPLAIN.get(actions[desc])
        out.append((" ".join(keys) if len(keys) > 2 else " / ".join(keys),
                    f"{desc}: {more}" if more else desc))
    return out


def dialog_rows(dialog) -> list[tuple[str, str]]:
    moves = [b for b in dialog.BINDINGS if b.action.startswith("move")]
    keys = " ".join(key_label(b.key) for b in moves)
    return rows([b for b in dialog.BINDINGS if b not in moves]) + ([(keys, "Move in the list")] if moves else [])


def help_sections() -> list[tuple[str, list[tuple[str, str]]]]:
    from .app import QualbenchApp
    from .dialogs.code_picker import CodePicker
    from .dialogs.search import SearchDialog
    from .screens.coding import CodingScreen
    from .screens.documents import DocumentsScreen
    from .widgets.transcript import TranscriptView

    view = TranscriptView.BINDINGS
    moving = [b for b in view if not b.action.startswith(("extend", "select", "cycle"))]
    selecting = [b for b in view if b.action.startswith(("extend", "select", "cycle"))]
    recent = [b for b in CodingScreen.BINDINGS if b.action.startswith("recent")]
    coding = [b for b in CodingScreen.BINDINGS if not b.action.startswith("recent")]
    return [
        ("Everywhere", rows(QualbenchApp.BINDINGS) + [("ctrl+p", "Command palette (themes…)"),
                                                      ("ctrl+q", "Quit")]),
        ("Documents", rows(DocumentsScreen.BINDINGS) + [("type", "Filter the table as you type")]),
        ("Coding: moving", rows(moving) + [("wheel", "Scroll without moving the cursor")]),
        ("Coding: selecting", rows(selecting) + [
            ("drag", "Select with the mouse"), ("2×click", "Select the sentence"),
            ("3×click", "Select the turn")]),
        ("Coding: codes, memos, undo", rows(coding) + [
            ("1 … 9", recent[0].description if recent else "Apply a recent code")]),
        ("Code picker", [("type", "Filter codes by name, category or definition (typos are fine)"),
                         ("enter", "Apply (or create) the highlighted code"), *dialog_rows(CodePicker)]),
        ("Search", [("enter", "Jump to the highlighted hit"), *dialog_rows(SearchDialog)]),
        ("Memo", [("ctrl+s", "Save the memo"), ("esc", "Cancel")]),
    ]
