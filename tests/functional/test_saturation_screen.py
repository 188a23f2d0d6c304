"""The saturation screen (F6): parameters change with keys and the verdict follows; the
paper figure is written to exports/."""
from __future__ import annotations

from textual.widgets import DataTable, Static

from qualbench.tui.screens.saturation import SaturationScreen
from qualbench.tui.widgets.saturation_plot import SaturationPlot

from .conftest import make_app, settle
from .tuidata import add_overlapping_codings


def info(screen) -> str:
    return screen.query_one("#sat-info", Static).content.plain


async def open_saturation(pilot) -> SaturationScreen:
    await pilot.press("f6")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SaturationScreen)
    return pilot.app.screen


async def test_parameters_change_the_headline(demo_project):
    app = make_app(demo_project)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_saturation(pilot)
        default = demo_project.saturation()
        assert default.headline() in info(screen) and default.permutations.line() in info(screen)
        assert screen.query_one(DataTable).row_count == len(default.curve)
        assert "saturation at" in str(screen.query_one(SaturationPlot).content)

        await pilot.press("b", "r", "T")  # base 5, run 3, threshold 4%
        await settle(pilot)
        assert (screen.base, screen.run, screen.threshold_pct) == (5, 3, 4)
        changed = demo_project.saturation(base=5, run=3, threshold=0.04)
        assert changed.headline() != default.headline()
        assert changed.headline() in info(screen) and "base 5 (b B) · run 3 (r R)" in info(screen)

        await pilot.press("B", "B", "B", "B", "B")  # the base cannot go below one interview
        await settle(pilot)
        assert screen.base == 1
        assert demo_project.saturation(base=1, run=3, threshold=0.04).headline() in info(screen)

        await pilot.press("d")
        await settle(pilot)
        assert default.headline() in info(screen)


async def test_not_reached_and_the_png(study):
    add_overlapping_codings(study, "coder_a")
    app = make_app(study)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_saturation(pilot)
        assert "Saturation not reached" in info(screen) and "fewer than base + run" in info(screen)
        await pilot.press("x")
        await settle(pilot)
        (png,) = (study.path / "exports").glob("saturation-b4-r2-t5-*.png")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert any(n.message.startswith("Wrote exports/saturation") for n in app._notifications)


def plot_lines(screen) -> list[str]:
    content = screen.query_one(SaturationPlot).content
    return (content.plain if hasattr(content, "plain") else str(content)).splitlines()


async def test_one_interview_is_said_and_drawn_as_one(study):
    from .tuidata import span_of
    study.add_coding("P01", "Mobility", "coder_a", *span_of(study, "P01", "I walked with a stick"))
    study.add_coding("P01", "Poor sleep", "coder_a", *span_of(study, "P01", "I could not sleep."))
    app = make_app(study)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_saturation(pilot)
        top = screen.query_one("#top-bar", Static).content.plain
        assert "· 1 interview by" in top and "1 interviews" not in top
        assert "only 1 interview, fewer than base + run" in info(screen)
        lines = plot_lines(screen)
        assert lines[0].startswith("saturation not reached") and "new codes" in lines[0]
        assert not any("new codes" in line or "cumulative" in line for line in lines[1:])  # no legend in the plot
        plot_width = screen.query_one(SaturationPlot).content_region.width
        longest_bar = max(len(run) for line in lines for run in line.replace("⠐", "█").split() if set(run) == {"█"})
        assert longest_bar < plot_width // 4  # a bar, not a solid block


async def test_a_run_of_one_interview_reads_in_the_singular(demo_project):
    app = make_app(demo_project)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_saturation(pilot)
        await pilot.press("R")  # run 1
        await settle(pilot)
        result = demo_project.saturation(run=1)
        assert result.reached
        w = result.windows[result.windows["met"]].iloc[0]
        assert f"interview {int(w.run_from)} added" in info(screen)
        assert f"interviews {int(w.run_from)}–{int(w.run_to)}" not in info(screen)
        table = screen.query_one(DataTable)
        check = table.get_cell(str(int(w.run_to)), "check").plain
        assert check.startswith(f"run {int(w.run_from)}: ")
        lines = plot_lines(screen)
        assert lines[0].startswith(f"saturation at {result.point}") and "│ point" in lines[0]
