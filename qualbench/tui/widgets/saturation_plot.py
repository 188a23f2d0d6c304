"""The saturation curve drawn in the terminal: new codes per interview (bars), cumulative
codes (line), and the saturation point (a vertical rule).

Drawn with plotext (already a dependency; textual-plotext is not needed for a static
picture): plotext builds the plot as text with ANSI colours, which Rich turns into a
``Text``. The plot is redrawn to the widget's own size whenever the size or the result
changes. plotext keeps its figure in module state, so drawing happens only here, on
the main thread, never from a worker.

The legend is a line of our own above the plot, not plotext's, which is drawn inside the
plot area and covered the cumulative curve. The axes leave room: the y axis goes a
little above the highest value (whole numbers only) and the x axis has room for at
least five interviews, so one or two interviews are bars, not a solid block.
"""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class SaturationPlot(Static):
    DEFAULT_CSS = "SaturationPlot { height: 1fr; width: 1fr; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.result = None

    def plot(self, result) -> None:
        self.result = result
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        width, height = self.content_region.width, self.content_region.height
        if self.result is None or width < 20 or height < 7:
            self.update("")
            return
        if not len(self.result.curve):
            self.update(Text("No coded interviews to plot.", style="italic"))
            return
        plot = Text.from_ansi(render(self.result, width, height - 1), no_wrap=True)
        self.update(legend(self.result) + Text("\n") + plot)


def legend(result) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"saturation at {result.point}" if result.reached else "saturation not reached", style="bold")
    text.append("  ")
    text.append("██", style="blue")
    text.append(" new codes  ")
    text.append("⠤⠒", style="red")
    text.append(" cumulative")
    if result.point is not None:
        text.append("  ")
        text.append("│", style="dark_orange")
        text.append(" point")
    return text


def render(result, width: int, height: int) -> str:
    import math

    import plotext as plt

    curve = result.curve
    x = curve["position"].tolist()
    cumulative = curve["cumulative"].tolist()
    top = max([1, *cumulative, *curve["new_codes"].tolist()])
    ymax = top + max(1, math.ceil(top * 0.15))  # headroom: the curve never runs along the frame
    step = max(1, math.ceil(ymax / max(1, (height - 3) // 2)))
    plt.clf()
    plt.theme("pro")  # coloured, no background: readable on dark and light themes
    plt.plotsize(width, height)
    plt.bar(x, curve["new_codes"].tolist(), width=0.4, color="blue")
    plt.plot(x, cumulative, marker="braille", color="red")
    if result.point is not None:
        plt.vline(result.point, "orange")
    plt.xlim(0.5, max(len(x), 5) + 0.5)
    plt.ylim(0, ymax)
    plt.yticks(list(range(0, ymax + 1, step)))
    plt.xticks(x if len(x) <= 15 else x[::max(1, len(x) // 10)])
    plt.xlabel("interview, in order")
    text = plt.build()
    plt.clf()
    return text
