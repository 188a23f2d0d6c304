"""The side panel of the codebook and review screens: everything about one node.

Name, kind and path; the counts (per coder, unless blind mode hides the others); former
names; the definition (description, when to use, when not, example); the comparison
memo; open review comments; and, on the review screen, the representative quotes.
Rich ``Text`` throughout, never markup, so a code called "[draft] sleep" shows as typed.
"""
from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...analysis.representative import Quote
from ...api.review import NodeCounts, Outcome
from ...model import Code
from ..colors import code_color

DEFINITION = (("description", "Description"), ("when_to_use", "When to use"),
              ("when_not_to_use", "When not to use"), ("example", "Example"))


def node_text(code: Code, *, path: list[Code], counts: NodeCounts, blind: bool, former: list[str],
              memo: str, comments: list[dict], comment_key: str = "") -> Text:
    text = Text()
    text.append("■ ", style=code_color(code).hex)
    text.append(code.name, style="bold")
    text.append(f"  {code.kind}", style="dim")
    if len(path) > 1:
        text.append("\n" + " › ".join(c.name for c in path[:-1]), style="dim")
    text.append(f"\n\n{counts.codings} coding{'s' * (counts.codings != 1)} · "
                f"{counts.documents} interview{'s' * (counts.documents != 1)} · "
                f"{counts.participants} participant{'s' * (counts.participants != 1)}")
    if blind:
        text.append("\nyour codings only (blind mode)", style="dim italic")
    elif len(counts.by_coder) > 1:
        text.append("\n" + " · ".join(f"{k} {n}" for k, n in counts.by_coder.items()), style="dim")
    if former:
        text.append("\nformerly: ", style="dim")
        text.append(", ".join(former), style="italic")
    for field, label in DEFINITION:
        value = (getattr(code, field) or "").strip()
        if value:
            text.append(f"\n\n{label}\n", style="bold")
            text.append(value)
    if not any((getattr(code, f) or "").strip() for f, _ in DEFINITION):
        text.append("\n\nno description yet", style="dim italic")
    if memo.strip():
        text.append("\n\nComparison memo\n", style="bold")
        text.append(memo.strip())
    if comments:
        text.append(f"\n\nOpen comments ({len(comments)})", style="bold")
        if comment_key:
            text.append(f"  {comment_key} resolves", style="dim")
        for c in comments:
            text.append("\n● ", style="bold")
            text.append(f"{c['author']}, {c['created_at'][:10]}: ", style="italic")
            text.append(c["text"])
    return text


def quotes_text(quotes: list[Quote], outcome: dict[str, Outcome], source: str | None = None) -> Text:
    """Quotes labelled "(P07, responder, would repeat)", as in the Word export.

    ``source`` says whose codings they come from (the project's analysis set).
    """
    text = Text()
    text.append("Representative quotes", style="bold")
    text.append(f"  from {source or 'every coder'}", style="dim")
    if not quotes:
        text.append("\nno codings yet", style="dim italic")
    for i, q in enumerate(quotes, 1):
        who = q.participant or q.document
        label = outcome.get((q.participant or "").casefold(), Outcome()).label()
        text.append(f"\n\n{i}. ", style="bold")
        text.append("“" + " ".join(q.text.split()) + "”")
        text.append(f" ({who}, {label})", style="italic")
        if q.starred:
            text.append(" ★", style="bold")
    return text


class NodeDetail(VerticalScroll, can_focus=True):
    """A scrollable panel (tab reaches it, so ↑↓ scroll a long definition); the screens fill it."""

    DEFAULT_CSS = "NodeDetail #node-quotes { margin-top: 1; }"

    def compose(self):
        yield Static(id="node-text")
        yield Static(id="node-quotes")

    def show(self, text: Text, quotes: Text | None = None) -> None:
        self.query_one("#node-text", Static).update(text)
        extra = self.query_one("#node-quotes", Static)
        extra.display = quotes is not None
        if quotes is not None:
            extra.update(quotes)

    def show_quotes(self, quotes: Text) -> None:
        extra = self.query_one("#node-quotes", Static)
        extra.display = True
        extra.update(quotes)
