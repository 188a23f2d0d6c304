"""One line under the transcript: who is coding, blind or not, and where the cursor is."""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusBar(Static):
    def show(self, *, coder: str, blind: bool, review: bool, where: str, here: str) -> None:
        text = Text()
        text.append(f" {coder} ", style="reverse bold")
        if review:
            text.append(" review · read-only ", style="bold")
        text.append(" blind " if blind else " all coders ", style="italic")
        text.append("│ " + where)
        if here:
            text.append(" │ " + here)
        text.truncate(max(1, self.size.width or 200), overflow="ellipsis")
        self.update(text)
