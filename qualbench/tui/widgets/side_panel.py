"""The coding screen's side panel: codes at the cursor, the number keys, the memo.

Plain :class:`Static` blocks updated with Rich ``Text`` (never markup, so a code called
"[draft] sleep" is shown as typed). It is rebuilt on every cursor move, which costs a
few small text objects — cheaper than keeping per-row widgets in sync.
"""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...model import Code, Coding
from ..colors import code_color


def swatch(code: Code) -> Text:
    return Text("■ ", style=code_color(code).hex)


class SidePanel(VerticalScroll, can_focus=False):
    def compose(self) -> ComposeResult:
        yield Static("At the cursor", classes="panel-title")
        yield Static(id="here")
        yield Static("Number keys", classes="panel-title")
        yield Static(id="recent")
        yield Static("Document memo", classes="panel-title")
        yield Static(id="doc-memo")

    def show_here(self, codings: list[Coding], codes: dict[int, Code], *, active_id: int | None,
                  coder: str, show_coder: bool) -> None:
        text = Text()
        if not codings:
            text.append("no codes here", style="dim")
        for c in codings:
            code = codes.get(c.code_id)
            if code is None:
                continue
            text.append("▶ " if c.id == active_id and len(codings) > 1 else "  ")
            text.append_text(swatch(code))
            text.append(code.name)
            if show_coder and c.coder != coder:
                text.append(f" ({c.coder})", style="dim")
            if c.memo:
                text.append(" ✎", style="bold")
            text.append("\n")
        self.query_one("#here", Static).update(text.rstrip() or text)

    def show_recent(self, slots: list[int | None], codes: dict[int, Code]) -> None:
        """The codes on the number keys; an empty key in between is shown, so numbers line up."""
        text = Text()
        last = max((i for i, cid in enumerate(slots, 1) if cid in codes), default=0)
        for i, cid in enumerate(slots[:last], 1):
            code = codes.get(cid)
            text.append(f"{i} ", style="bold")
            if code is None:
                text.append("(free)\n", style="dim")
                continue
            text.append_text(swatch(code))
            text.append(code.name + "\n")
        if not last:
            text.append("codes you use get keys 1–9", style="dim")
        text.rstrip()
        self.query_one("#recent", Static).update(text)

    def show_memo(self, memo: str) -> None:
        self.query_one("#doc-memo", Static).update(
            Text(memo) if memo.strip() else Text("none yet (m)", style="dim"))
