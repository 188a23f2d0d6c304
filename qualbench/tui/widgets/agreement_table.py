"""The agreement screen's per-code table: one row per code, then the two overall rows.

The table is filled from the plain result of :meth:`Project.agreement` (never from SQL)
and the reconciliation progress per code. Each chance-corrected statistic is coloured by
one traffic light for every coefficient — Krippendorff's cut-offs (≥ .800 reliable,
.667–.800 tentative, below unreliable) — so the table reads at a glance; the verbal
reading of each value (Landis & Koch for the kappas) is in the line under the table,
which follows the cursor. Percent agreement is not chance-corrected and stays uncoloured.
An undefined value is "—"; its reason is in that same line, never a silent 0 or 1. At
segment matching κ exists only for all codes together (chance = 1 / number of codes), so
the code rows show "—" there too, with that reason.

The "spans settled" column is the reconciliation's progress, and reconciliation works on
the coders' *spans* (overlapping codings of one code that are not identical), whatever
the level the statistics use. So the header names what it counts, the line under the
table says why a code whose units all agree can still have a span to settle (the
boundaries differ inside a sentence), and at segment matching — whose own
"agree"/"disagr" columns count matched segments, another model — the column is left out
(the top bar still counts the settled spans).

Sorting is done here rather than with ``DataTable.sort`` so that the two overall rows
always stay at the bottom, whatever the column.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from ...analysis.agreement import reading

# (key, header) per level; "settled" is the reconciliation progress, not a statistic.
# No "units" column: at unit and character level every code rests on the same units (the
# line under the table says how many), and the narrow terminal needs the room for names.
SETTLED = ("settled", "spans settled")
SETTLED_NARROW = "settled"  # the header below WIDE_HEADERS columns; the legend says "spans"
WIDE_HEADERS = 100
STAT_COLUMNS = [("percent_agreement", "%agr"), ("cohen_kappa", "Cohen"),
                ("fleiss_kappa", "Fleiss"), ("krippendorff_alpha", "α"), ("gwet_ac1", "AC1"),
                ("brennan_prediger", "B-P"), SETTLED]
# No "settled" at segment matching: its agree/disagr count matched segments, and a span
# count beside them would read as the same thing counted twice, differently.
SEGMENT_COLUMNS = [("agreements", "agree"), ("disagreements", "disagr"), ("total", "total"),
                   ("percent_agreement", "%agr"), ("kappa", "κ")]
FILL = "\x00fill"  # an empty last column, so the header band and the cursor span the width
REASON_SEGMENT_KAPPA = ("segment matching has κ only for all codes together (chance agreement = "
                        "1 / number of codes, as MAXQDA reports it): see the pooled row")
LIGHT_COLUMN = ("mean_pairwise_cohen_kappa", "Light")  # replaces Cohen's for 3+ coders
LONG_NAMES = {"percent_agreement": "% agreement", "cohen_kappa": "Cohen's κ",
              "mean_pairwise_cohen_kappa": "Light's κ (mean pairwise Cohen)", "fleiss_kappa": "Fleiss' κ",
              "krippendorff_alpha": "Krippendorff's α", "gwet_ac1": "Gwet's AC1",
              "brennan_prediger": "Brennan–Prediger κ", "kappa": "κ (chance = 1/codes)"}
RELIABLE, TENTATIVE = 0.800, 0.667
NUMBER_WIDTH = 6  # "-0.004", "12/19", "1,234"
BANDS = ("reliable", "tentative", "unreliable")
POOLED, MEAN = "\x00pooled", "\x00mean"  # row keys no code name can take


def band(value: float | None, statistic: str) -> str | None:
    """reliable / tentative / unreliable for a chance-corrected value; None otherwise."""
    if value is None or statistic not in LONG_NAMES or statistic == "percent_agreement":
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    # A hair of tolerance so .7999999999 (a .800 on paper) is not called tentative.
    if value >= RELIABLE - 1e-9:
        return "reliable"
    return "tentative" if value >= TENTATIVE - 1e-9 else "unreliable"


def band_colors(app) -> dict[str, str]:
    """The theme's text colours for the three bands, readable on dark and light themes."""
    variables = app.get_css_variables()
    return {"reliable": variables.get("text-success", "green"),
            "tentative": variables.get("text-warning", "yellow"),
            "unreliable": variables.get("text-error", "red")}


def fmt(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return f"{value:,}"


@dataclass
class Row:
    key: str
    label: str
    values: dict
    undefined: dict = field(default_factory=dict)   # statistic -> reason
    excluded: dict = field(default_factory=dict)    # statistic -> codes left out of a mean
    settled: tuple[int, int] = (0, 0)

    @property
    def overall(self) -> bool:
        return self.key in (POOLED, MEAN)


def build_rows(result: dict, progress: dict[str, tuple[int, int]]) -> list[Row]:
    """Rows from an agreement result; ``progress`` maps code -> (settled, disagreements)."""
    total = (sum(s for s, _ in progress.values()), sum(n for _, n in progress.values()))
    rows = [Row(code, code, dict(stats), dict(stats.get("undefined") or {}), {}, progress.get(code, (0, 0)))
            for code, stats in result["per_code"].items()]
    if result["level"] == "segment":
        for row in rows:  # "—" with its reason, not a blank cell the legend does not explain
            row.values.setdefault("kappa", None)
            row.undefined.setdefault("kappa", REASON_SEGMENT_KAPPA)
        overall = result["overall"]
        rows.append(Row(POOLED, "All codes (pooled)", dict(overall), dict(overall.get("undefined") or {}),
                        {}, total))
        mean = result.get("overall_mean_of_codes") or {}
        rows.append(Row(MEAN, "Mean of codes", {"percent_agreement": mean.get("percent_agreement"), "kappa": None},
                        {"kappa": REASON_SEGMENT_KAPPA}, {"percent_agreement": list(mean.get("excluded") or [])},
                        total))
        return rows
    pooled = result["overall_pooled"]
    rows.append(Row(POOLED, "All codes (pooled)", dict(pooled), dict(pooled.get("undefined") or {}), {}, total))
    mean = result["overall_mean_of_codes"]
    # Unit level lists exclusions per statistic under "excluded"; character level under
    # "excluded_by_statistic" (with "excluded" the codes left out of any mean).
    excluded = mean.get("excluded_by_statistic")
    if excluded is None:
        excluded = mean.get("excluded") if isinstance(mean.get("excluded"), dict) else {}
    rows.append(Row(MEAN, "Mean of codes", {k: v for k, v in mean.items() if k in LONG_NAMES},
                    dict(mean.get("undefined") or {}), dict(excluded), total))
    return rows


class AgreementTable(DataTable):
    """Per-code statistics; Enter lists the disagreements of the highlighted code."""

    BINDINGS = [
        Binding("enter", "screen.disagreements", "Disagreements"),
        Binding("l", "screen.cycle_level", "Level"),
        Binding("n", "screen.cycle_unit", "Unit"),
        Binding("t", "screen.cycle_threshold", "Threshold", show=False),
        Binding("o", "screen.toggle_basis", "Overlap of segment or union", show=False),
        Binding("s", "sort_next", "Sort"),
        Binding("S", "sort_reverse", "Reverse the sort", show=False),
        # DataTable's own home/end scroll sideways; in a list of rows they mean first/last.
        Binding("home", "scroll_top", "First row", show=False),
        Binding("end", "scroll_bottom", "Last row: the overall rows", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.rows_data: list[Row] = []
        self.level = "unit"
        self.many_coders = False
        self.sort_key: str | None = None  # None: codebook order
        self.sort_reverse = False

    # -- filling ---------------------------------------------------------------------------
    @property
    def columns_spec(self) -> list[tuple[str, str]]:
        if self.level == "segment":
            return SEGMENT_COLUMNS
        narrow = self.size.width and self.size.width < WIDE_HEADERS
        out = []
        for key, head in STAT_COLUMNS:
            if key == "cohen_kappa" and self.many_coders:
                key, head = LIGHT_COLUMN
            elif key == "settled" and narrow:
                head = SETTLED_NARROW
            out.append((key, head))
        return out

    def show(self, rows: list[Row], level: str, many_coders: bool = False) -> None:
        keep = self.current_key()
        self.level = level
        self.many_coders = many_coders
        if self.sort_key not in ("code", *(k for k, _ in self.columns_spec)):
            self.sort_key = None  # the column sorted on is not at this level
        self.rows_data = rows
        self._fill(keep)

    def _fill(self, keep: str | None = None) -> None:
        keep = keep if keep is not None else self.current_key()
        self.clear(columns=True)
        colors = band_colors(self.app)
        rows = []
        for row in self._sorted():
            name = Text(row.label, no_wrap=True, overflow="ellipsis")
            if row.overall:
                name.stylize("bold italic")
            rows.append((row.key, [name] + [self._cell(row, key, colors) for key, _ in self.columns_spec]))
        arrow = " ▼" if self.sort_reverse else " ▲"
        code_width = self._code_width() or max([4] + [len(r.label) for r in self.rows_data])
        self.add_column("code" + (arrow if self.sort_key == "code" else ""), key="code", width=code_width)
        used = code_width + 2 * self.cell_padding
        for c, (key, label) in enumerate(self.columns_spec, 1):
            # Widths set here, not measured by the table: it measures lazily, and a refill in
            # quick succession could leave a column cut.
            header = label + (arrow if self.sort_key == key else "")
            width = max([len(header), NUMBER_WIDTH] + [len(cells[c].plain) for _, cells in rows])
            self.add_column(header, key=key, width=width)
            used += width + 2 * self.cell_padding
        # The rest of the width: an empty column, so the header band and the cursor bar run
        # to the edge instead of stopping after the last number.
        spare = self.scrollable_content_region.width - used - 2 * self.cell_padding
        if spare > 0:
            self.add_column("", key=FILL, width=spare)
        for key, cells in rows:
            self.add_row(*cells, *([Text("")] if spare > 0 else []), key=key)
        if keep is not None and keep in {r.key for r in self.rows_data}:
            self.move_cursor(row=self.get_row_index(keep))

    def _code_width(self) -> int | None:
        """Room left for code names once the numbers have theirs (None: not laid out yet)."""
        if not self.size.width or not self.rows_data:
            return None
        # A value is at most 6 cells ("-0.004"); a sorted column's header has 2 more (" ▲").
        numbers = sum(max(len(label) + (2 if key == self.sort_key else 0), NUMBER_WIDTH) + 2 * self.cell_padding
                      for key, label in self.columns_spec)
        longest = max(len(r.label) for r in self.rows_data)
        return max(14, min(longest, self.scrollable_content_region.width - numbers - 2 * self.cell_padding))

    def on_resize(self) -> None:
        if self.rows_data:
            self._fill()

    def _cell(self, row: Row, key: str, colors: dict) -> Text:
        if key == "settled":
            done, total = row.settled
            if not total:
                return Text("", justify="right")
            return Text(f"{done}/{total}", justify="right", style="dim" if done == total else "")
        if key not in row.values and not (key in LONG_NAMES and row.overall):
            return Text("", justify="right")
        value = row.values.get(key)
        if value is None and key in LONG_NAMES:
            return Text("—", justify="right", style="dim")
        text = Text(fmt(value), justify="right")
        b = band(value, key)
        if b:
            text.stylize(colors[b])
        return text

    def _sorted(self) -> list[Row]:
        codes = [r for r in self.rows_data if not r.overall]
        overall = [r for r in self.rows_data if r.overall]
        if self.sort_key == "code":
            codes.sort(key=lambda r: r.label.casefold(), reverse=self.sort_reverse)
        elif self.sort_key == "settled":
            # Most open disagreements first: that is where the work is.
            codes.sort(key=lambda r: (r.settled[1] - r.settled[0], r.settled[1]), reverse=not self.sort_reverse)
        elif self.sort_key is not None:
            # Worst first (the codes to discuss); undefined values after every number.
            key = self.sort_key
            defined = [r for r in codes if _number(r.values.get(key)) is not None]
            undefined = [r for r in codes if _number(r.values.get(key)) is None]
            defined.sort(key=lambda r: _number(r.values.get(key)), reverse=self.sort_reverse)
            codes = defined + undefined
        return codes + overall

    # -- cursor ----------------------------------------------------------------------------
    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def current_row(self) -> Row | None:
        key = self.current_key()
        return next((r for r in self.rows_data if r.key == key), None)

    # -- sorting ---------------------------------------------------------------------------
    def sort_by(self, key: str | None) -> None:
        self.sort_key = key
        self._fill()

    def action_sort_next(self) -> None:
        order = [None, "code"] + [k for k, _ in self.columns_spec]
        self.sort_reverse = False
        self.sort_by(order[(order.index(self.sort_key) + 1) % len(order)] if self.sort_key in order else None)

    def action_sort_reverse(self) -> None:
        if self.sort_key is None:
            self.sort_key = "code"
        self.sort_reverse = not self.sort_reverse
        self._fill()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        key = event.column_key.value
        if key == FILL:
            return
        if key == self.sort_key:
            self.sort_reverse = not self.sort_reverse
            self._fill()
        else:
            self.sort_reverse = False
            self.sort_by(key)


def _number(value) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def describe(row: Row, coders: list[str]) -> Text:
    """Two to four lines about the highlighted row: units, readings, undefined reasons."""
    text = Text()
    text.append(row.label, style="bold")
    if "n_units" in row.values and row.values["n_units"] is not None:
        text.append(f" · {row.values['n_units']:,} units")
    if "total" in row.values:
        text.append(f" · {row.values['total']:,} segments")
    done, total = row.settled
    if total:
        text.append(f" · {total} span disagreement{'s' if total != 1 else ''} between {coders[0]} and "
                    f"{coders[1]} to settle, {done} settled")
        if not row.overall and _agrees_fully(row):
            # Units (or matched segments) can all agree while the spans' edges still differ
            # inside them: settling is about the spans, so both facts are true.
            inside = ("every segment is matched at this threshold" if "disagreements" in row.values
                      else "every unit agrees")
            text.append(f" — {inside}; the spans' boundaries differ inside them", style="dim")
    elif not row.overall:
        text.append(" · no span disagreement to settle")
    readings = []
    for stat in ("cohen_kappa", "krippendorff_alpha", "gwet_ac1", "kappa"):
        if stat in row.values and row.values[stat] is not None:
            readings.append(f"{LONG_NAMES[stat]} {fmt(row.values[stat])} {_short_reading(row.values[stat], stat)}")
    if readings:
        text.append("\n" + " · ".join(readings), style="italic")
    for stat, why in row.undefined.items():
        if stat in LONG_NAMES:
            text.append(f"\n{LONG_NAMES[stat]} —: {why}", style="dim")
    for stat, codes in row.excluded.items():
        if codes and stat in LONG_NAMES:
            text.append(f"\n{LONG_NAMES[stat]}: mean leaves out {len(codes)} undefined "
                        f"({', '.join(map(str, codes[:3]))}{'…' if len(codes) > 3 else ''})", style="dim")
    return text


def _agrees_fully(row: Row) -> bool:
    pa = row.values.get("percent_agreement")
    if "disagreements" in row.values:
        return row.values.get("disagreements") == 0
    return pa is not None and not (isinstance(pa, float) and math.isnan(pa)) and pa >= 1 - 1e-12


def _short_reading(value: float, statistic: str) -> str:
    words = reading(value, "cohen_kappa" if statistic == "kappa" else statistic)
    return words.split(" (")[0] if statistic != "krippendorff_alpha" else words.split(" (")[0] + " (Krippendorff)"


def legend(app, left_out: int = 0, unused: int = 0, level: str = "unit") -> Text:
    """The colour key, then what the table leaves out and what "spans settled" counts."""
    colors = band_colors(app)
    text = Text("colour: ")
    text.append("≥ .800 reliable", style=colors["reliable"])
    text.append(" · ")
    text.append(".667–.800 tentative", style=colors["tentative"])
    text.append(" · ")
    text.append("< .667 unreliable", style=colors["unreliable"])
    text.append(" · — undefined", style="dim")
    notes = []
    if level != "segment":
        notes.append("spans settled: the coders' differing spans settled into consensus (the same at every level)")
    if left_out:
        notes.append(f"{left_out} interview{'s' if left_out != 1 else ''} not coded by both left out")
    if unused:
        notes.append(f"{unused} code{'s' if unused != 1 else ''} neither coder applied, not compared")
    if notes:
        text.append("\n" + " · ".join(notes), style="dim")
    return text
