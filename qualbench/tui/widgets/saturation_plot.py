"""The saturation curve drawn in the terminal: new codes per interview (bars), cumulative
codes (line), and the saturation point (a vertical rule).

Drawn with plotext (already a dependency; textual-plotext is not needed for a static
picture): plotext builds the plot as text with ANSI colours, which Rich turns into a
``Text``. The plot is redrawn to the widget's own size whenever the size or the result
changes. plotext keeps its figure in module state, so drawing happens only here, on
the main thread, never from a worker.
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
        if self.result is None or width < 20 or height < 6:
            self.update("")
            return
        if not len(self.result.curve):
            self.update(Text("No coded interviews to plot.", style="italic"))
            return
        self.update(Text.from_ansi(render(self.result, width, height), no_wrap=True))


def render(result, width: int, height: int) -> str:
    import plotext as plt

    curve = result.curve
    x = curve["position"].tolist()
    plt.clf()
    plt.theme("pro")  # coloured, no background: readable on dark and light themes
    plt.plotsize(width, height)
    plt.bar(x, curve["new_codes"].tolist(), label="new codes", width=0.4, color="blue")
    plt.plot(x, curve["cumulative"].tolist(), label="cumulative", marker="braille", color="red")
    if result.point is not None:
        plt.vline(result.point, "orange")
    plt.xticks(x if len(x) <= 15 else x[::max(1, len(x) // 10)])
    plt.title("saturation at " + str(result.point) if result.reached else "saturation not reached")
    plt.xlabel("interview, in order")
    text = plt.build()
    plt.clf()
    return text
