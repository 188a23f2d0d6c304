"""One code's fragments, one under the other: who said it, their outcome, the coder, the text.

Each option is a source line — participant, responder class, would-repeat, coder, length,
★ when starred — and the fragment's text in full (wrapped by the list), so fragments can
be read against each other as the constant comparative method asks. In the compare
view's "choose" mode (used by split) every fragment has a check box.
"""
from __future__ import annotations

import re

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...api.review import Fragment

SORTS = ("participant", "length", "coder")


def _natural(label: str) -> tuple:
    # "P2" before "P10": compare the digits as numbers.
    return tuple(int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", label))


SORT_KEYS = {
    "participant": lambda f: (_natural(f.label), f.document_id, f.start, f.coding_id),
    # By words, the length the source line shows (characters would order "12 words" after "11").
    "length": lambda f: (-f.words, _natural(f.label), f.start, f.coding_id),
    "coder": lambda f: (f.coder.casefold(), _natural(f.label), f.start, f.coding_id),
}


def source_line(f: Fragment) -> Text:
    text = Text()
    text.append(f.label, style="bold")
    text.append(f" · {f.outcome.responder_class}")
    if f.outcome.would_repeat:
        text.append(f" · would repeat: {f.outcome.would_repeat}")
    text.append(f" · {f.coder} · {f.words} words", style="dim")
    if f.starred:
        text.append(" ★", style="bold")
    if f.memo:
        text.append(" ✎", style="bold")
    return text


class FragmentList(OptionList):
    # The scrollbar is always there: one appearing would change the width and make the
    # list wrap every fragment a second time (seconds, for a code with thousands).
    DEFAULT_CSS = "FragmentList { height: 1fr; overflow-y: scroll; scrollbar-size-vertical: 1; }"

    def __init__(self, *, choose: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.fragments: list[Fragment] = []
        self.sort = SORTS[0]
        self.choose = choose
        self.chosen: set[int] = set()

    def fill(self, fragments: list[Fragment], *, keep: int | None = None) -> None:
        """Show ``fragments`` sorted; keep the highlight on coding ``keep`` (or near where it was)."""
        if keep is None and self.fragment is not None:
            keep = self.fragment.coding_id
        was = self.highlighted or 0
        self.fragments = sorted(fragments, key=SORT_KEYS[self.sort])
        self.chosen &= {f.coding_id for f in self.fragments}
        options: list[Option | None] = []
        for f in self.fragments:
            options += [Option(self._prompt(f)), None]  # None: a rule between fragments
        self.set_options(options)
        if self.fragments:
            ids = [f.coding_id for f in self.fragments]
            self.highlighted = ids.index(keep) if keep in ids else min(was, len(ids) - 1)

    def resort(self, sort: str) -> None:
        """Sort again and start reading from the top: a new order is read from its first fragment."""
        self.sort = sort
        self.fill(self.fragments)
        if self.fragments:
            self.highlighted = 0
        self.scroll_home(animate=False)

    def _prompt(self, f: Fragment) -> Text:
        text = Text()
        if self.choose:
            text.append("☑ " if f.coding_id in self.chosen else "☐ ", style="bold")
        text.append_text(source_line(f))
        text.append("\n")
        text.append(" ".join(f.text.split()))
        return text

    @property
    def fragment(self) -> Fragment | None:
        i = self.highlighted
        return self.fragments[i] if i is not None and 0 <= i < len(self.fragments) else None

    def toggle_chosen(self) -> None:
        """Tick or untick the highlighted fragment; the cursor stays (↓ moves on), so a
        second space unticks what the first one ticked."""
        f = self.fragment
        if f is None:
            return
        self.chosen ^= {f.coding_id}
        self.replace_option_prompt_at_index(self.highlighted, self._prompt(f))
