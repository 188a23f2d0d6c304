"""Drawing the transcript view: its state (text, codings, cursor) turned into strips.

Split from :mod:`.transcript`, which owns that state and the keys and mouse that change
it. Only the lines on screen are ever drawn; each is cut wherever a layer starts or
stops (a coding, the selection, the cursor, a search match) and every piece gets one
composed style. Composed styles are cached by what went into them and forgotten when
the theme or the codings change, so a repaint is mostly dictionary lookups.
"""
from __future__ import annotations

from rich.segment import Segment as RichSegment
from rich.style import Style
from textual.strip import Strip

from ...nlp import trim_span
from ..colors import code_color, tint
from . import layout as lay

LANES = 4
GUTTER = 1 + LANES + 1          # cursor bar, lanes, a space
MAX_TEXT_WIDTH = 110            # longer lines are hard to read; a wide terminal gets a margin
MIN_MARGIN = 14                 # room needed to name codes in the right margin
_CONTROL = {i: " " for i in range(32)}


def clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = int(seconds)
    h, m, s = s // 3600, s // 60 % 60, s % 60
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class TranscriptDrawing:
    """Mixed into :class:`~.transcript.TranscriptView` (a ScrollView); not usable alone."""

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, key) -> Style:
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = self._make_style(key)
        return style

    @property
    def _base(self) -> Style:
        """The view's own style (cached: ``rich_style`` walks the DOM on every call)."""
        return self._style(("base",))

    def _component(self, name: str) -> Style:
        """A component's full style (drawn on the view's background), for gutter and headers."""
        return self._style(("component", name))

    def _layer(self, name: str) -> Style:
        """Only what a component sets, to lay over the text's own style."""
        return self._style(("layer", name))

    def _make_style(self, key) -> Style:
        if key[0] == "base":
            return self.rich_style
        if key[0] == "component":
            return self.get_component_rich_style(key[1])
        if key[0] == "layer":
            # The partial style says which attributes the component sets; the full one
            # has its colours blended over the background ("$text-muted" is translucent).
            own = self.get_component_rich_style(key[1], partial=True)
            full = self.get_component_rich_style(key[1])
            return Style(color=full.color if own.color else None,
                         bgcolor=full.bgcolor if own.bgcolor else None) + own.without_color
        if key[0] == "fg":
            code = self.codes.get(key[1])
            return self._base + Style(color=code_color(code).rich_color) if code else self._base
        if key[0] == "tint":
            code = self.codes.get(key[1])
            if code is None:
                return Style()
            bg = self.background_colors[1]
            return Style(bgcolor=tint(code_color(code), bg, self.app.current_theme.dark).rich_color)
        # ("text", role, code_id, overlap, segment, hit, selected, cursor)
        _, role, code_id, overlap, in_seg, hit, selected, cursor = key
        style = self._base
        if role != "participant":
            style += self._layer(f"transcript--{role}")
        if code_id is not None:
            style += self._style(("tint", code_id))
            if overlap:
                style += Style(underline=True)
            if in_seg:
                style += Style(bold=True)
        elif in_seg:
            style += self._layer("transcript--segment")
        if hit:
            style += self._layer("transcript--hit")
        if selected:
            style += self._layer("transcript--selection")
        if cursor:
            style += self._layer("transcript--cursor")
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        vy = y + self.scroll_offset.y
        base = self._base
        if vy >= len(self.wrapped) or not self.text:
            return Strip.blank(width, base)
        kind = self.wrapped.kinds[vy]
        if kind == lay.BLANK:
            return Strip.blank(width, base)
        if kind == lay.HEADER:
            return self._render_header(vy, width)
        return self._render_text(vy, width)

    def _render_header(self, vy: int, width: int) -> Strip:
        turn = self.turns[self.wrapped.turns[vy]]
        base = self._base
        segs = [RichSegment(" " * GUTTER, base)]
        label = turn.speaker or turn.role
        segs.append(RichSegment(label, self._component(f"transcript--{turn.role}") + Style(bold=True)))
        used = GUTTER + len(label)
        stamp = clock(turn.t_start)
        if stamp:
            segs.append(RichSegment("  " + stamp, self._component("transcript--time")))
            used += 2 + len(stamp)
        rule = max(0, min(width, GUTTER + self.wrapped.width) - used - 1)
        if rule:
            segs.append(RichSegment(" " + "─" * rule, self._component("transcript--rule")))
            used += rule + 1
        return Strip(segs).adjust_cell_length(width, base)

    def _render_text(self, vy: int, width: int) -> Strip:
        L = self.wrapped
        ls, le = L.starts[vy], L.ends[vy]
        role = self.turns[L.turns[vy]].role
        base = self._base
        here = self._candidates(ls, max(le, ls + 1))
        seg = self.current_segment()
        seg_s, seg_e = trim_span(self.text, *seg) if seg else (-1, -1)

        # Gutter: a bar beside the current sentence, then one lane per overlapping coding.
        line_in_seg = seg_s < max(le, ls + 1) and seg_e > ls
        segs = [RichSegment("▌" if line_in_seg else " ", self._component("transcript--bar"))]
        lanes = [" "] * LANES
        lane_style = [base] * LANES
        for c in here:
            k = min(self._lanes.get(c.id, 0), LANES - 1)
            lanes[k] = "┃" if lanes[k] == " " or k < LANES - 1 else "╋"
            lane_style[k] = self._style(("fg", c.code_id))
        segs.extend(RichSegment(ch, st) for ch, st in zip(lanes, lane_style))
        segs.append(RichSegment(" ", base))

        # Text: cut the line wherever any layer starts or stops, style each piece.
        sel = self.selection
        cuts = {ls, le}
        for c in here:
            cuts.update((c.start, c.end))
        if sel:
            cuts.update(sel)
        cuts.update((seg_s, seg_e, self.point, self.point + 1))
        for h in self.highlights:
            cuts.update(h)
        points = sorted(p for p in cuts if ls <= p <= le)
        show_cursor = self.has_focus
        for a, b in zip(points, points[1:]):
            covering = [c for c in here if c.start <= a < c.end]
            inner = min(covering, key=lambda c: (c.end - c.start, c.id)) if covering else None
            if inner is not None and self.active_id is not None:
                inner = next((c for c in covering if c.id == self.active_id), inner)
            key = ("text", role, inner.code_id if inner else None, len(covering) > 1,
                   seg_s <= a < seg_e, any(h0 <= a < h1 for h0, h1 in self.highlights),
                   bool(sel and sel[0] <= a < sel[1]), show_cursor and a == self.point and sel is None)
            segs.append(RichSegment(self.text[a:b].translate(_CONTROL), self._style(key)))
        if show_cursor and self.point == le and sel is None and self.wrapped.y_of(self.point) == vy:
            segs.append(RichSegment(" ", self._layer("transcript--cursor")))  # cursor after the text
        used = GUTTER + self.wrapped.width
        strip = Strip(segs).adjust_cell_length(used + 1, base)

        # Right margin (wide terminals): name the codes that start on this line.
        room = width - used - 1
        if room >= MIN_MARGIN:
            starting = [c for c in here if ls <= c.start < max(le, ls + 1)]
            margin: list[RichSegment] = []
            left = room
            for c in starting:
                code = self.codes.get(c.code_id)
                if code is None or left < 4:
                    continue
                name = code.name[: left - 3]
                margin += [RichSegment("■ ", self._style(("fg", c.code_id))),
                           RichSegment(name + " ", self._component("transcript--margin"))]
                left -= len(name) + 3
            strip = Strip([*strip, *margin])
        return strip.adjust_cell_length(width, base)
