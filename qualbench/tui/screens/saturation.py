"""The saturation screen (F6): Guest, Namey & Chen (2020) over the coded interviews.

At the top the verdict ("saturation reached at interview 4 …"), the permutation check
(median and IQR over 1,000 random interview orders) and the three parameters, which
keys change: ``b``/``B`` the base size, ``r``/``R`` the run length, ``t``/``T`` the
new-information threshold, one step up or down (``d`` restores the defaults). Below, the
curve as a table — new and cumulative codes per interview, each assessment shown on
the row that ends its run — beside a terminal plot of the same curve (in a narrow
terminal one or the other, ``p`` switches). ``x`` writes the paper figure (PNG,
matplotlib) to ``exports/``.

The threshold is kept as whole percentage points so that stepping it never produces
0.060000000000000005; the analysis compares exactly (fractions) anyway. Every change of
a parameter recomputes in a thread worker, the permutation check included.

The verdict is :meth:`SaturationResult.headline`'s sentence, said here with one
interview in the singular ("interview 5 added…", "only 1 interview"), which the core's
sentence does not do yet (:func:`headline`).
"""
from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from ...analysis import saturation as sat
from ...errors import QualbenchError
from ..widgets.agreement_table import band_colors
from .live import LiveAnalysisScreen
from ..widgets.saturation_plot import SaturationPlot

WIDE = 110  # columns from which the table and the plot sit side by side


plural, run_text = sat.plural, sat.run_text
MAX_THRESHOLD_PCT = 50


class SaturationScreen(LiveAnalysisScreen):
    BINDINGS = [
        Binding("b", "change_base(1)", "Base"),
        Binding("B", "change_base(-1)", "Base", show=False),
        Binding("r", "change_run(1)", "Run"),
        Binding("R", "change_run(-1)", "Run", show=False),
        Binding("t", "change_threshold(1)", "Threshold"),
        Binding("T", "change_threshold(-1)", "Threshold", show=False),
        Binding("d", "defaults", "Defaults", show=False),
        Binding("p", "toggle_plot", "Plot/table"),
        Binding("x", "write_png", "Write PNG"),
        Binding("escape", "leave", "Back"),
    ]
    DEFAULT_CSS = """
    SaturationScreen #sat-info { height: auto; padding: 0 1; }
    SaturationScreen #sat-body { height: 1fr; layout: horizontal; }
    SaturationScreen #sat-left { height: 1fr; width: 1fr; }
    SaturationScreen.-wide #sat-left { width: 64; }
    SaturationScreen #sat-curve { height: 1fr; }
    SaturationScreen #sat-new { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    SaturationScreen SaturationPlot { height: 1fr; }
    /* Narrow: the table or the plot, each with the whole body (p switches). */
    SaturationScreen SaturationPlot { display: none; }
    SaturationScreen.-wide SaturationPlot, SaturationScreen.-plot SaturationPlot { display: block; }
    SaturationScreen.-plot #sat-left { display: none; }
    SaturationScreen.-wide #sat-left { display: block; }
    """

    class Computed(Message):
        def __init__(self, token: int, result) -> None:
            super().__init__()
            self.token, self.result = token, result

    def __init__(self) -> None:
        super().__init__(id="saturation")
        self.base, self.run, self.threshold_pct = sat.DEFAULT_BASE, sat.DEFAULT_RUN, round(100 * sat.DEFAULT_THRESHOLD)
        self.result = None
        self.error = ""
        self._token = 0

    def compose(self) -> ComposeResult:
        yield Static(id="top-bar", classes="top-bar")
        yield Static(id="sat-info")
        with Container(id="sat-body"):
            with Vertical(id="sat-left"):
                yield DataTable(id="sat-curve", cursor_type="row", zebra_stripes=True)
                yield Static(id="sat-new")
            yield SaturationPlot(id="sat-plot")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(DataTable).loading = True
        self.recompute()

    def on_resize(self) -> None:
        self.set_class(self.size.width >= WIDE, "-wide")

    def action_toggle_plot(self) -> None:
        if self.has_class("-wide"):
            self.notify("The plot is beside the table at this width.")
            return
        self.toggle_class("-plot")

    # -- computing -------------------------------------------------------------------------
    @property
    def threshold(self) -> float:
        return self.threshold_pct / 100

    def recompute(self) -> None:
        self._token += 1
        self._info(busy=True)
        self.compute(self._token, self.base, self.run, self.threshold, self.app.coder)

    @work(thread=True, exclusive=True, group="saturation")
    def compute(self, token: int, base: int, run: int, threshold: float, coder: str) -> None:
        try:
            result = self.app.project.saturation(base=base, run=run, threshold=threshold, coder=coder)
        except QualbenchError as exc:
            self.app.call_from_thread(self._failed, token, str(exc))
            return
        self.post_message(self.Computed(token, result))

    def _failed(self, token: int, error: str) -> None:
        if token != self._token:
            return
        self.result, self.error = None, error
        self.query_one(DataTable).loading = False
        self.query_one(DataTable).clear(columns=True)
        self.query_one(SaturationPlot).plot(None)
        self._info()

    def on_saturation_screen_computed(self, message: Computed) -> None:
        if message.token != self._token:
            return
        self.result, self.error = message.result, ""
        table = self.query_one(DataTable)
        table.loading = False
        self._fill(table)
        if self.focused is None:
            self.call_after_refresh(table.focus)  # a loading widget refuses focus
        self.query_one(SaturationPlot).plot(self.result)
        self._info()
        self.refresh_bindings()  # the footer was drawn while the table was loading

    # -- showing ---------------------------------------------------------------------------
    def _fill(self, table: DataTable) -> None:
        keep = table.cursor_row
        table.clear(columns=True)
        for label, key in (("#", "n"), ("interview", "doc"), ("codes", "codes"), ("new", "new"),
                           ("total", "total"), ("assessment", "check")):
            table.add_column(label, key=key)
        result = self.result
        checks = {int(w.run_to): w for w in result.windows.itertuples()}
        for r in result.curve.itertuples():
            name = r.document + (f" ({r.participant})" if r.participant and r.participant != r.document else "")
            check = Text("")
            w = checks.get(r.position)
            if w is not None:
                pct = "—" if w.new_info_pct != w.new_info_pct else f"{w.new_info_pct:.1f}%"
                check = Text(f"{run_text(int(w.run_from), int(w.run_to), 'run', 'run')}: +{w.new_in_run} = {pct} "
                             f"{'≤' if w.met else '>'} {self.threshold_pct}%", style="bold" if w.met else "dim")
            number = Text(str(r.position), justify="right")
            if r.position == result.point:
                number = Text(f"▶{r.position}", justify="right", style="bold")
            table.add_row(number, name, Text(str(r.codes), justify="right"),
                          Text(str(r.new_codes), justify="right"), Text(str(r.cumulative), justify="right"),
                          check, key=str(r.position))
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        self._show_new()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_new()

    def _show_new(self) -> None:
        table = self.query_one(DataTable)
        if self.result is None or not table.row_count:
            self.query_one("#sat-new", Static).update("")
            return
        row = self.result.curve.iloc[table.cursor_row]
        names = list(row["new_code_names"])
        text = Text(f"New at {row['document']}: ", style="bold")
        text.append(", ".join(names) if names else "none")
        self.query_one("#sat-new", Static).update(text)

    def _info(self, busy: bool = False) -> None:
        top = Text()
        top.append(" Saturation ", style="reverse bold")
        top.append(" Guest, Namey & Chen 2020")
        result = self.result
        if result is not None:
            top.append(f" · codings by {result.coder} · {plural(len(result.curve), 'interview')} "
                       f"by {result.order_source}")
        if busy:
            top.append(" · computing…", style="italic")
        self.query_one("#top-bar", Static).update(top)
        info = Text()
        if result is None:
            info.append(self.error or "Computing…", style="italic")
        else:
            colors = band_colors(self.app)
            info.append(result.headline(), style=f"bold {colors['reliable' if result.reached else 'tentative']}")
            if result.permutations is not None:
                info.append("\n" + result.permutations.line())
            for note in result.notes:
                info.append("\n" + note, style="dim")
        info.append("\nParameters: ", style="bold")
        info.append(f"base {self.base} (b B) · run {self.run} (r R) · new information ≤ {self.threshold_pct}% (t T)"
                    " · d defaults", style="")
        self.query_one("#sat-info", Static).update(info)

    # -- parameters ------------------------------------------------------------------------
    def action_change_base(self, step: int) -> None:
        if self.base + step < 1:
            self.notify("The base needs at least one interview.", severity="warning")
            return
        self.base += step
        self.recompute()

    def action_change_run(self, step: int) -> None:
        if self.run + step < 1:
            self.notify("A run needs at least one interview.", severity="warning")
            return
        self.run += step
        self.recompute()

    def action_change_threshold(self, step: int) -> None:
        if not 0 <= self.threshold_pct + step <= MAX_THRESHOLD_PCT:
            self.notify(f"The threshold stays between 0% and {MAX_THRESHOLD_PCT}%.", severity="warning")
            return
        self.threshold_pct += step
        self.recompute()

    def action_defaults(self) -> None:
        self.base, self.run = sat.DEFAULT_BASE, sat.DEFAULT_RUN
        self.threshold_pct = round(100 * sat.DEFAULT_THRESHOLD)
        self.recompute()

    # -- the paper figure ------------------------------------------------------------------
    def action_write_png(self) -> None:
        if self.result is None or not len(self.result.curve):
            self.notify(self.error or "Nothing to plot yet.", severity="warning")
            return
        self.write_png(self.result)

    @work(thread=True, group="saturation-png")
    def write_png(self, result) -> None:
        project = self.app.project
        try:
            path = project.export_saturation_plot(result, actor=self.app.coder).path
        except QualbenchError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", title="Saturation")
            return
        self.app.call_from_thread(self.notify, f"Wrote {path.relative_to(project.path)}", title="Saturation")
