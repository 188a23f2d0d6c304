"""The transcript view: one interview, its speaker turns, and the codings on it.

A Line-API widget (:class:`~textual.scroll_view.ScrollView`): it draws only the lines
on screen, from the offsets index in :mod:`.layout`, so a 300,000-character interview
opens and scrolls as fast as a short one. There are no child widgets per turn or
sentence.

What a line shows, left to right:

* a gutter: a bar marking the sentence under the cursor, then one column ("lane") per
  overlapping coding, drawn in the code's colour — overlaps are visible at a glance;
* the text, with coded stretches tinted in their code's colour (the innermost coding
  wins where several overlap; overlapping text is also underlined), the selection, the
  cursor, and search matches;
* in a wide terminal, a right margin naming the codes that start on that line.

(The drawing itself lives in :mod:`.transcript_draw`; this module owns the state.)

The cursor is a document offset; the selection runs from ``anchor`` to ``cursor``.
Both are code-point offsets into the document text, the same as coding spans, so what
is selected is exactly what gets coded. The view never writes: it posts
:class:`TranscriptView.Moved` and the coding screen acts.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView

from ...model import Code, Coding, Turn
from ...nlp import trim_span
from . import layout as lay
from .transcript_draw import GUTTER, MAX_TEXT_WIDTH, TranscriptDrawing

__all__ = ["TranscriptView", "GUTTER"]


class TranscriptView(TranscriptDrawing, ScrollView, can_focus=True):
    ALLOW_SELECT = False  # the view has its own selection, in document offsets

    COMPONENT_CLASSES = {
        "transcript--interviewer", "transcript--participant", "transcript--other",
        "transcript--time", "transcript--rule", "transcript--segment", "transcript--bar",
        "transcript--cursor", "transcript--selection", "transcript--hit", "transcript--margin",
    }

    BINDINGS = [
        Binding("down,j", "segment(1)", "Next sentence", show=False),
        Binding("up,k", "segment(-1)", "Previous sentence", show=False),
        Binding("right_square_bracket,ctrl+down", "turn(1)", "Next turn", show=False),
        Binding("left_square_bracket,ctrl+up", "turn(-1)", "Previous turn", show=False),
        Binding("right,l", "char(1)", "Next character", show=False),
        Binding("left,h", "char(-1)", "Previous character", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home,g", "edge(0)", "Start of interview", show=False),
        Binding("end,G", "edge(1)", "End of interview", show=False),
        Binding("shift+right", "extend_char(1)", "Extend selection by a character", show=False),
        Binding("shift+left", "extend_char(-1)", "Extend selection back a character", show=False),
        Binding("shift+down", "extend_line(1)", "Extend selection by a line", show=False),
        Binding("shift+up", "extend_line(-1)", "Extend selection up a line", show=False),
        Binding("J", "extend_segment(1)", "Select the sentence after the cursor, or extend the selection "
                "a sentence forward", show=False),
        Binding("K", "extend_segment(-1)", "Select the sentence before the cursor, or extend the selection "
                "a sentence back", show=False),
        Binding("t", "select_turn", "Select the whole turn", show=False),
        Binding("tab", "cycle_active", "Next of the overlapping codings at the cursor", show=False),
    ]

    class Moved(Message):
        """The cursor, the selection or the codings under the cursor changed."""

        def __init__(self, view: "TranscriptView") -> None:
            super().__init__()
            self.view = view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.text = ""
        self.turns: list[Turn] = []
        self.segments: list[tuple[int, int]] = []   # sentence (start, end), tiling each turn
        self._turn_starts: list[int] = []
        self._seg_starts: list[int] = []
        self.wrapped = lay.Layout(0)
        self.cursor = 0
        self.anchor: int | None = None
        self.highlights: list[tuple[int, int]] = []
        self.codings: list[Coding] = []
        self.codes: dict[int, Code] = {}
        self.active_id: int | None = None
        self._starts: list[int] = []
        self._max_len = 0
        self._lanes: dict[int, int] = {}
        self._styles: dict = {}
        self._dragging = False
        self._pending_span: tuple[int, int] | None = None  # to scroll to once laid out

    # -- data in -----------------------------------------------------------------------
    def set_document(self, text: str, turns: list[Turn], segments: list[tuple[int, int]]) -> None:
        self.text = text
        self.turns = turns or [Turn(0, 0, None, "other", 0, len(text))]
        self.segments = segments
        self._turn_starts = [t.start for t in self.turns]
        self._seg_starts = [s for s, _ in segments]
        first = self.turns[0].start if self.turns else 0
        self.cursor, self.anchor = first, None
        self._relayout(force=True)
        self.scroll_to(y=0, animate=False)
        self._moved()

    def set_codings(self, codings: list[Coding], codes: dict[int, Code]) -> None:
        self.codings = sorted(codings, key=lambda c: (c.start, c.end, c.id))
        self.codes = codes
        self._starts = [c.start for c in self.codings]
        self._max_len = max((c.end - c.start for c in self.codings), default=0)
        self._lanes = lay.assign_lanes([(c.start, c.end, c.id) for c in self.codings])
        self._styles.clear()
        if self.active_id not in {c.id for c in self.codings}:
            self.active_id = None
        self.refresh()
        self._moved()

    def select(self, start: int, end: int, *, highlights: list[tuple[int, int]] | None = None) -> None:
        """Select ``[start, end)`` and bring it on screen (a search hit, a jump)."""
        self.anchor, self.cursor = start, end
        self.highlights = list(highlights or [])
        self._scroll_to_span(start, end)
        self.refresh()
        self._moved()

    def clear_selection(self) -> bool:
        had = self.selection is not None or bool(self.highlights)
        if self.anchor is not None and self.selection is not None:
            self.cursor = min(self.anchor, self.cursor)
        self.anchor = None
        self.highlights = []
        self.refresh()
        self._moved()
        return had

    # -- what is where -------------------------------------------------------------------
    @property
    def selection(self) -> tuple[int, int] | None:
        if self.anchor is None or self.anchor == self.cursor:
            return None
        return (min(self.anchor, self.cursor), max(self.anchor, self.cursor))

    @property
    def point(self) -> int:
        """The character the cursor is on (the last selected one when extending forward)."""
        if self.selection is not None and self.cursor > self.anchor:
            return self.cursor - 1
        return self.cursor

    def segment_index(self, offset: int) -> int:
        return max(0, bisect_right(self._seg_starts, offset) - 1)

    def turn_index(self, offset: int) -> int:
        return max(0, bisect_right(self._turn_starts, offset) - 1)

    def current_segment(self) -> tuple[int, int] | None:
        return self.segments[self.segment_index(self.point)] if self.segments else None

    def target_span(self) -> tuple[int, int] | None:
        """What a code would be applied to: the selection, else the current sentence; trimmed."""
        sel = self.selection
        if sel is None:
            sel = self.current_segment()
            if sel is None:
                return None
        start, end = trim_span(self.text, *sel)
        return (start, end) if end > start else None

    def codings_at(self, offset: int | None = None) -> list[Coding]:
        """Codings covering the offset, innermost (shortest) first."""
        o = self.point if offset is None else offset
        found = [c for c in self._candidates(o, o + 1) if c.start <= o < c.end]
        return sorted(found, key=lambda c: (c.end - c.start, c.id))

    def active_coding(self) -> Coding | None:
        here = self.codings_at()
        for c in here:
            if c.id == self.active_id:
                return c
        return here[0] if here else None

    def _candidates(self, start: int, end: int) -> list[Coding]:
        lo = bisect_left(self._starts, start - self._max_len)
        hi = bisect_left(self._starts, end)
        return [c for c in self.codings[lo:hi] if c.end > start and c.start < end]

    # -- layout and scrolling ------------------------------------------------------------
    @property
    def text_width(self) -> int:
        return max(8, min(MAX_TEXT_WIDTH, self.scrollable_content_region.width - GUTTER - 1))

    def _relayout(self, force: bool = False) -> None:
        if self.scrollable_content_region.width <= GUTTER:
            return  # not laid out yet: on_resize comes next, with the real width
        width = self.text_width
        if not force and width == self.wrapped.width:
            return
        self.wrapped = lay.build(self.text, self.turns, width)
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.wrapped))
        self.refresh()
        if self._pending_span is not None:
            span, self._pending_span = self._pending_span, None
            self._scroll_to_span(*span)

    def on_resize(self, event: events.Resize) -> None:
        if self.text:
            built = self.wrapped.width
            self._relayout()
            if self.wrapped.width != built:
                self._scroll_to_span(self.cursor, self.cursor + 1)

    def _scroll_to_span(self, start: int, end: int) -> None:
        if not self.wrapped.kinds:
            self._pending_span = (start, end)
            return
        height = max(1, self.scrollable_content_region.height)
        top = self.wrapped.y_of(start)
        bottom = self.wrapped.y_of(max(start, end - 1))
        if top > 0 and self.wrapped.kinds[top - 1] == lay.HEADER:
            top -= 1  # keep the speaker in view with the first line of a turn
        margin = 2 if height > 8 else 0
        y = self.scroll_offset.y
        if bottom - top + 1 > height - 2 * margin or top < y + margin:
            y = top - margin
        elif bottom > y + height - 1 - margin:
            y = bottom - height + 1 + margin
        self.scroll_to(y=max(0, y), animate=False, immediate=True)

    # -- moving --------------------------------------------------------------------------
    def _go(self, offset: int, *, extend: bool = False, span_end: int | None = None) -> None:
        if extend:
            if self.anchor is None:
                self.anchor = self.cursor
        else:
            self.anchor = None
        self.highlights = []
        self.cursor = max(0, min(offset, len(self.text)))
        self._scroll_to_span(self.cursor, span_end if span_end is not None else self.cursor + 1)
        self.refresh()
        self._moved()

    def _step(self, offset: int, direction: int) -> int:
        ti = self.turn_index(offset)
        if direction > 0:
            nxt = offset + 1
            if nxt > self.turns[ti].end and ti + 1 < len(self.turns):
                nxt = self.turns[ti + 1].start
            return min(nxt, self.turns[-1].end)
        prev = offset - 1
        if prev < self.turns[ti].start and ti > 0:
            prev = self.turns[ti - 1].end
        return max(prev, self.turns[0].start)

    def action_segment(self, direction: int) -> None:
        if not self.segments:
            return
        i = self.segment_index(self.point)
        if direction > 0:
            i = min(i + 1, len(self.segments) - 1)
        elif self.point <= self.segments[i][0]:
            i = max(i - 1, 0)
        start, end = self.segments[i]
        self._go(start, span_end=end)

    def action_turn(self, direction: int) -> None:
        ti = self.turn_index(self.point)
        if direction > 0:
            ti = min(ti + 1, len(self.turns) - 1)
        elif self.point <= self.turns[ti].start:
            ti = max(ti - 1, 0)
        self._go(self.turns[ti].start)

    def action_char(self, direction: int) -> None:
        self._go(self._step(self.cursor if self.selection is None else self.point, direction))

    def action_page(self, direction: int) -> None:
        height = max(1, self.scrollable_content_region.height - 2)
        x, y = self.wrapped.xy_of(self.cursor)
        target = self._text_line(y + direction * height, direction)
        self.scroll_to(y=max(0, self.scroll_offset.y + direction * height), animate=False, immediate=True)
        self._go(self.wrapped.offset_at(x, target))

    def action_edge(self, end: int) -> None:
        self._go(self.turns[-1].end if end else self.turns[0].start)

    def action_extend_char(self, direction: int) -> None:
        self._go(self._step(self.cursor, direction), extend=True)

    def action_extend_line(self, direction: int) -> None:
        x, y = self.wrapped.xy_of(self.cursor)
        target = self._text_line(y + direction, direction)
        if target == y:  # already on the first/last line: go to its edge
            offset = self.wrapped.starts[y] if direction < 0 else self.wrapped.ends[y]
        else:
            offset = self.wrapped.offset_at(x, target)
        self._go(offset, extend=True)

    def action_extend_segment(self, direction: int) -> None:
        """J and K, mirror images: with no selection, J selects the sentence the cursor is
        in (from its start), K the sentence before the cursor when the cursor is at a
        sentence's start — else the one it is in, from its end; with a selection, the
        moving end goes to the next sentence edge that way."""
        if not self.segments:
            return
        if self.selection is None:
            i = self.segment_index(self.point)
            start, end = self.segments[i]
            if direction < 0 and i > 0 and not self.text[start:self.point].strip():
                start, end = self.segments[i - 1]  # at the start of a sentence: the one before
            self.anchor, self.cursor = (start, end) if direction > 0 else (end, start)
            self._go(self.cursor, extend=True)
            return
        if direction > 0:
            self._go(self.segments[self.segment_index(self.cursor)][1], extend=True)
        else:
            self._go(self.segments[self.segment_index(max(0, self.cursor - 1))][0], extend=True)

    def action_select_turn(self) -> None:
        turn = self.turns[self.turn_index(self.point)]
        self.anchor = turn.start
        self._go(turn.end, extend=True)

    def action_cycle_active(self) -> None:
        here = self.codings_at()
        if len(here) < 2:
            return
        ids = [c.id for c in here]
        current = self.active_coding()
        self.active_id = ids[(ids.index(current.id) + 1) % len(ids)] if current else ids[0]
        self.refresh()
        self._moved()

    def _text_line(self, y: int, direction: int) -> int:
        """The nearest TEXT line at or beyond ``y`` in ``direction`` (clamped)."""
        kinds = self.wrapped.kinds
        if not kinds:
            return 0
        y = max(0, min(y, len(kinds) - 1))
        probe = y
        while 0 <= probe < len(kinds) and kinds[probe] != lay.TEXT:
            probe += 1 if direction > 0 else -1
        if not 0 <= probe < len(kinds):
            probe = y
            while 0 <= probe < len(kinds) and kinds[probe] != lay.TEXT:
                probe -= 1 if direction > 0 else -1
        return max(0, min(probe, len(kinds) - 1))

    def _moved(self) -> None:
        self.post_message(self.Moved(self))

    # -- mouse ---------------------------------------------------------------------------
    def _offset_from_mouse(self, event: events.MouseEvent) -> int:
        pos = event.get_content_offset_capture(self)
        y = self._text_line(pos.y + self.scroll_offset.y, 1)
        return self.wrapped.offset_at(pos.x - GUTTER, y)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1 or not self.text:
            return
        self.focus()
        offset = self._offset_from_mouse(event)
        self.anchor, self.cursor, self.highlights = offset, offset, []
        self._dragging = True
        self.capture_mouse()
        self.refresh()
        self._moved()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            self.cursor = self._offset_from_mouse(event)
            self.refresh()
            self._moved()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()
            if self.anchor == self.cursor:
                self.anchor = None
            self._moved()

    def on_click(self, event: events.Click) -> None:
        if event.chain == 2 and self.segments:
            self.anchor, self.cursor = trim_span(self.text, *self.segments[self.segment_index(self.point)])
        elif event.chain >= 3:
            turn = self.turns[self.turn_index(self.point)]
            self.anchor, self.cursor = turn.start, turn.end
        else:
            return
        self.refresh()
        self._moved()
