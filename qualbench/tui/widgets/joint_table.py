"""The joint display grid: codebook nodes down, participant groups across, one cell each.

Filled from the tidy frame of :meth:`Project.joint` (one row per node × group), so the
numbers are the API's, not recomputed here. A cell reads "n/N (%) · codings" — the
participants in the group with the node, the group's size, and how many codings that
is — and the row ends with Fisher's p, the odds ratio with its 95% CI and the
Benjamini–Hochberg p when the columns are a two-group comparison. The node column is
fixed, so a wide grid (responder × would-repeat has six groups) scrolls sideways
without losing which row is which.

Row keys are node ids and column keys ``g:<group>``, so a cell maps back to the
``(node, group)`` whose quotes Enter asks for.

A group nobody is in (an "excellent" class no participant reached, "no answer" when
everyone answered) would be a column of 0/0: it is left out, and the screen's notes say
which. The group of participants without an outcome is a column whenever it has anyone
in it, as the method requires. Node names get the width the terminal has left after the
groups' columns (at least :data:`MIN_NODE_WIDTH`), measured on every :meth:`show` and on
resize, so a switch of coder or columns never leaves a column cut.
"""
from __future__ import annotations

import math

import pandas as pd
from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from ...analysis.joint import cell_text, fmt_or, fmt_p

GROUP = "g:"
MIN_NODE_WIDTH = 20
MAX_NODE_WIDTH = 60  # before the table is laid out (its width unknown)


class JointTable(DataTable):
    BINDINGS = [Binding("enter", "screen.read_quotes", "Quotes")]

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="cell", fixed_columns=1, zebra_stripes=True, **kwargs)
        self.nodes: dict[str, str] = {}   # row key (node id) -> node name
        self.groups: list[str] = []
        self.empty_groups: list[str] = []  # groups with nobody in them, not shown
        self.frame: pd.DataFrame | None = None

    def show(self, frame: pd.DataFrame) -> None:
        keep = self.cursor_coordinate
        self.frame = frame
        self.clear(columns=True)
        every = list(dict.fromkeys(frame["group"])) if len(frame) else []
        sizes = frame.groupby("group", sort=False)["n_group"].max().to_dict() if len(frame) else {}
        self.groups = [g for g in every if sizes.get(g, 0) > 0]
        self.empty_groups = [g for g in every if sizes.get(g, 0) == 0]
        tested = len(frame) and not frame["p_fisher"].isna().all()
        # Widths are measured here, not left to DataTable: its automatic widths are
        # settled on a later idle, and a grid drawn before that is cut to its headers.
        columns = [("node", "node")] + [(group, GROUP + group) for group in self.groups]
        if tested:
            columns += [("p", "p"), ("OR [95% CI]", "or"), ("p (BH)", "p_bh")]
        rows: list[tuple[str, list[Text]]] = []
        self.nodes = {}
        for node_id, part in frame.groupby("node_id", sort=False):
            first = part.iloc[0]
            self.nodes[str(node_id)] = first["node"]
            label = Text(first["node"], no_wrap=True, overflow="ellipsis")
            cells: list[Text] = [label]
            by_group = {r.group: r for r in part.itertuples()}
            for group in self.groups:
                r = by_group.get(group)
                if r is None:
                    cells.append(Text(""))
                    continue
                cell = Text(cell_text(int(r.n_with), int(r.n_group), int(r.n_codings)), justify="right")
                if not r.n_with:
                    cell.stylize("dim")
                cells.append(cell)
            if tested:
                p, p_bh = first["p_fisher"], first["p_bh"]
                cells.append(Text(fmt_p(p), justify="right"))
                cells.append(Text(fmt_or(first["odds_ratio"], first["or_ci_low"], first["or_ci_high"]),
                                  justify="right"))
                # Bold marks what survives the correction; it is still exploratory.
                cells.append(Text(fmt_p(p_bh), justify="right",
                                  style="bold" if not math.isnan(p_bh) and p_bh < 0.05 else ""))
            rows.append((str(node_id), cells))
        widths = [max([len(label)] + [r[1][i].cell_len for r in rows]) for i, (label, _) in enumerate(columns)]
        widths[0] = self._node_width(widths[0], sum(w + 2 * self.cell_padding for w in widths[1:]))
        for key, cells in rows:
            cells[0].truncate(widths[0], overflow="ellipsis")
        for (label, key), width in zip(columns, widths):
            self.add_column(label, key=key, width=width)
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if self.row_count:
            row = min(keep.row, self.row_count - 1)
            column = keep.column if 0 < keep.column < len(self.columns) else (1 if self.groups else 0)
            self.move_cursor(row=row, column=column)

    def _node_width(self, longest: int, others: int) -> int:
        """The node column: every name in full if the terminal has the room, else what is
        left after the other columns (never below MIN_NODE_WIDTH; then it scrolls)."""
        room = self.scrollable_content_region.width
        if not room:
            return min(longest, MAX_NODE_WIDTH)
        left = room - others - 2 * self.cell_padding - 1  # one spare: a scrollbar may come
        return max(min(longest, left), min(longest, MIN_NODE_WIDTH))

    def on_resize(self) -> None:
        if self.frame is not None:
            self.show(self.frame)

    def current_cell(self) -> tuple[int, str, str | None] | None:
        """(node id, node name, group or None when the cursor is not on a group's cell)."""
        if not self.row_count:
            return None
        keys = self.coordinate_to_cell_key(self.cursor_coordinate)
        node = keys.row_key.value
        column = keys.column_key.value or ""
        group = column[len(GROUP):] if column.startswith(GROUP) else None
        return int(node), self.nodes.get(node, ""), group
