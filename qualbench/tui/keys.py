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
    # codebook, compare and review
    "filter": "keep the nodes whose name, definition or former name has every word typed",
    "compare": "every fragment of the code, across participants",
    "contrast": "two codes' fragments side by side",
    "merge": "into a code you pick; asks the reason; the old name stays a former name",
    "split": "tick fragments (space), enter, then name the new code",
    "move": "under another theme or category (never under itself)",
    "rename": "the old name stays a former name",
    "describe": "description, when to use, when not, example",
    "new": "under the highlighted theme or category (beside a code)",
    "reorder": "only the order changes, so no reason is asked",
    "delete": "only a node without codings or children",
    "similar": "pairs alike by name or coded text, with a score; enter merges a pair",
    "resolve": "mark the reviewer's comment on the node as done",
    "history": "date, coder, operation, what and why",
    "leave": "back to the screen before",
    "jump": "open the interview with the fragment selected",
    "choose": "when splitting: tick or untick the fragment for the new code",
    "done": "when splitting: then the new code's name and the reason",
    "recode_fragment": "move the fragment to another code (asks the reason)",
    "star": "starred quotes lead in the review and the Word export",
    "code_memo": "the comparison memo, attached to the code",
    "sort": "participant → length → coder",
    "comment": "for the analysts: an open item (●) in their codebook tree",
    # agreement, reconciling, joint display, saturation
    "disagreements": "on a code: its disagreements side by side; on an overall row: every code's",
    "cycle_level": "unit → character → segment matching",
    "cycle_unit": "unit level: sentence → turn → paragraph",
    "cycle_threshold": "segment matching: overlap needed, 90% → 80% … 50% → 100%",
    "toggle_basis": "segment matching: overlap as a share of the segment or of the union",
    "sort_next": "codebook order → code → each column; numbers worst first",
    "sort_reverse": "the same column, the other way round",
    "pick_coders": "coder A, then coder B (default: the two human coders with most codings)",
    "copy_agreed": "copy every coding both coders made identically into the consensus set",
    "settle": "into the consensus set, then on to the next open one (u undoes)",
    "edit_span": "settle with a span you adjust by word or sentence, or type",
    "open_in_interview": "the coding screen, with the disagreement selected",
    "cycle_rows": "theme → category → code",
    "cycle_columns": "responder → would repeat → both → responder class → each categorical attribute",
    "pick_columns": "any grouping, from a list",
    "read_quotes": "on a group's cell: its quotes; enter on a quote opens it in its interview",
    "export_joint": "CSV, Excel or Word, into exports/ (in the background)",
    "change_base": "one interview more (b) or fewer (B) in the base",
    "change_run": "one interview more (r) or fewer (R) in each run",
    "change_threshold": "one percentage point more (t) or less (T) new information allowed",
    "defaults": "base 4, run 2, 5%",
    "write_png": "the curve and the code frequencies, for a paper, into exports/",
    "toggle_plot": "in a narrow terminal, the table or the plot",
    "type_offsets": "two numbers, start and end, in characters (code points)",
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


# The help sections of each screen, its main one first: ``?`` opens with them on top.
SCREEN_SECTIONS = {
    "DocumentsScreen": ["Documents"],
    "CodingScreen": ["Coding: codes, memos, undo", "Coding: moving", "Coding: selecting"],
    "CodebookScreen": ["Codebook (F3)", "Reason and name forms"],
    "CompareScreen": ["Compare"],
    "ReviewScreen": ["Review (qualbench tui --review)"],
    "AgreementScreen": ["Agreement (F4)", "Reconciling (enter on a code)", "Editing the consensus span (e)"],
    "JointScreen": ["Joint display (F5)", "Quotes of a cell"],
    "SaturationScreen": ["Saturation (F6)"],
}


def sections_for(screen) -> list[str]:
    """The help sections of ``screen`` (a Screen), the one for what it shows now first."""
    titles = list(SCREEN_SECTIONS.get(type(screen).__name__, []))
    if type(screen).__name__ == "AgreementScreen" and getattr(screen, "reconciling", False):
        titles.insert(0, titles.pop(1))
    return titles


def help_sections(first: list[str] | tuple[str, ...] = ()) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every section; those named in ``first`` (a screen's own) lead, in that order."""
    sections = all_sections()
    lead = [s for title in first for s in sections if s[0] == title]
    return lead + [s for s in sections if s[0] not in first]


def all_sections() -> list[tuple[str, list[tuple[str, str]]]]:
    from .app import QualbenchApp
    from .dialogs.code_picker import CodePicker
    from .dialogs.search import SearchDialog
    from .screens.codebook import CodebookScreen
    from .screens.coding import CodingScreen
    from .screens.compare import CompareScreen
    from .screens.documents import DocumentsScreen
    from .screens.review import ReviewScreen
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
        ("Memo", [("ctrl+s", "Save the memo"),
                  ("esc", "Cancel; after a change the first esc only warns, a second one throws it away")]),
        ("Switch coder (F2)", [("type", "Filter the coders (typos are fine)"),
                               ("enter", "Switch to the highlighted coder (a new one: the “+ Create coder” line)"),
                               ("↑ ↓", "Move in the list"), ("esc", "Cancel")]),
        ("Undo or redo of many changes at once", [
            ("y", "Go ahead (an import of hundreds of codings, say, is undone as one change)"),
            ("n / esc", "Keep everything as it is")]),
        ("Codebook (F3)", rows(CodebookScreen.BINDINGS) + [
            ("enter", "On a code: its fragments (compare); on a theme or category: fold"),
            ("space", "Fold or unfold"), ("shift+↑ shift+↓", "Previous / next sibling"),
            ("tab", "To the side panel and back (↑↓ scroll it)")]),
        ("Compare", rows(CompareScreen.BINDINGS) + [("tab", "The other code's column")]),
        ("Review (qualbench tui --review)", rows(ReviewScreen.BINDINGS) + [
            ("enter", "On a code: all its fragments, read-only"),
            ("tab", "To the side panel and back (↑↓ scroll the quotes)")]),
        ("Reason and name forms", [("enter", "Next field; saves on the last"), ("ctrl+s", "Save"),
                                   ("esc", "Cancel")]),
        *analysis_sections(),
    ]


def analysis_sections() -> list[tuple[str, list[tuple[str, str]]]]:
    """Agreement and reconciling (F4), joint display (F5), saturation (F6)."""
    from .dialogs.agreement_span import SpanEditor
    from .screens.agreement import AgreementScreen
    from .screens.joint import JointScreen
    from .screens.saturation import SaturationScreen
    from .widgets.agreement_reconcile import DisagreementList
    from .widgets.agreement_table import AgreementTable
    from .widgets.joint_table import JointTable

    return [
        ("Agreement (F4)", rows(AgreementTable.BINDINGS) + rows(AgreementScreen.BINDINGS) + [
            ("click", "A column header sorts by that column")]),
        ("Reconciling (enter on a code)", rows(DisagreementList.BINDINGS) + [
            ("↑ ↓", "The previous / next disagreement"), ("esc", "Back to the table")]),
        ("Editing the consensus span (e)", rows(SpanEditor.BINDINGS)),
        ("Joint display (F5)", rows(JointTable.BINDINGS) + rows(JointScreen.BINDINGS) + [
            ("← → ↑ ↓", "Move between the cells")]),
        ("Quotes of a cell", [("enter", "Open the quote in its interview"), ("esc", "Close")]),
        ("Saturation (F6)", rows(SaturationScreen.BINDINGS) + [("↑ ↓", "The codes new in that interview")]),
    ]
