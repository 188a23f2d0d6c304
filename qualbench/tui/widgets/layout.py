"""Turning a transcript into screen lines, and screen positions back into offsets.

The transcript view renders only the lines on screen (Textual's Line API), so it needs
an index from line number to document offsets and back. Building it is a greedy word
wrap over the whole text with ``str.rfind`` on absolute offsets — no slicing, no
per-sentence objects — which keeps a 300,000-character interview at a few
milliseconds per (re)wrap.

Each speaker turn becomes a header line (speaker and timestamp, when the turn has
either), its wrapped text, and a blank line before the next turn. Text between turns
(the "P:" labels of a plain-text transcript) is not shown: the header says it better.

One cell per code point is assumed, which holds for the Latin-script languages the
project supports; a wide character (an emoji) makes its line one cell longer and is
cropped at the edge rather than breaking the offset arithmetic.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from ...model import Turn

HEADER, TEXT, BLANK = 0, 1, 2


@dataclass
class Layout:
    width: int
    kinds: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)   # document offset where the line starts
    ends: list[int] = field(default_factory=list)     # ... and ends (exclusive)
    turns: list[int] = field(default_factory=list)    # index of the turn the line belongs to
    text_ys: list[int] = field(default_factory=list)  # y of every TEXT line, in order
    text_starts: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.kinds)

    def y_of(self, offset: int) -> int:
        """The TEXT line showing ``offset`` (an offset in a hidden gap maps to the line before)."""
        if not self.text_ys:
            return 0
        i = max(0, bisect_right(self.text_starts, offset) - 1)
        return self.text_ys[i]

    def xy_of(self, offset: int) -> tuple[int, int]:
        y = self.y_of(offset)
        if not self.kinds:
            return 0, 0
        return max(0, min(offset - self.starts[y], self.ends[y] - self.starts[y])), y

    def offset_at(self, x: int, y: int) -> int:
        """The offset under cell ``x`` of line ``y`` (past the end of a line: its end)."""
        if not self.kinds:
            return 0
        y = max(0, min(y, len(self.kinds) - 1))
        if self.kinds[y] != TEXT:
            return self.starts[y]
        return self.starts[y] + max(0, min(x, self.ends[y] - self.starts[y]))


def has_header(turn: Turn) -> bool:
    return bool(turn.speaker) or turn.t_start is not None


def build(text: str, turns: list[Turn], width: int) -> Layout:
    width = max(8, width)
    out = Layout(width)
    if not turns:
        turns = [Turn(0, 0, None, "other", 0, len(text))]
    kinds, starts, ends, owner = out.kinds, out.starts, out.ends, out.turns
    text_ys, text_starts = out.text_ys, out.text_starts
    for ti, turn in enumerate(turns):
        if ti:
            kinds.append(BLANK); starts.append(turn.start); ends.append(turn.start); owner.append(ti)
        if has_header(turn):
            kinds.append(HEADER); starts.append(turn.start); ends.append(turn.start); owner.append(ti)
        pos, stop = turn.start, turn.end
        while True:
            nl = text.find("\n", pos, stop)
            para_end = stop if nl < 0 else nl
            _wrap(text, pos, para_end, width, ti, out)
            if nl < 0:
                break
            pos = nl + 1
            if pos >= stop:
                break
    for y, kind in enumerate(kinds):
        if kind == TEXT:
            text_ys.append(y)
            text_starts.append(starts[y])
    return out


def _wrap(text: str, pos: int, end: int, width: int, ti: int, out: Layout) -> None:
    if pos >= end:
        out.kinds.append(TEXT); out.starts.append(pos); out.ends.append(pos); out.turns.append(ti)
        return
    while pos < end:
        if end - pos <= width:
            cut = end
        else:
            space = text.rfind(" ", pos, pos + width)
            # Break after the last space that fits; a word longer than the line is cut.
            cut = space + 1 if space > pos else pos + width
        out.kinds.append(TEXT); out.starts.append(pos); out.ends.append(cut); out.turns.append(ti)
        pos = cut


def assign_lanes(spans: list[tuple[int, int, int]]) -> dict[int, int]:
    """Lane per coding id so overlapping codings sit side by side in the gutter.

    ``spans`` holds (start, end, id). Classic interval partitioning: longest first among
    equal starts, each into the first lane free at its start.
    """
    lanes_end: list[int] = []
    lane_of: dict[int, int] = {}
    for start, end, cid in sorted(spans, key=lambda s: (s[0], -s[1], s[2])):
        for k, lane_end in enumerate(lanes_end):
            if lane_end <= start:
                lanes_end[k] = end
                lane_of[cid] = k
                break
        else:
            lane_of[cid] = len(lanes_end)
            lanes_end.append(end)
    return lane_of
