"""The joint display screen (F5): switching rows and columns, quotes behind a cell, export.

The test study has two participants: P01 (a responder who would repeat) and P02 (a
non-responder who would not). With the codings below every cell is known by hand.
"""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from qualbench.tui.dialogs.choice import ChoiceDialog
from qualbench.tui.dialogs.joint_quotes import JointQuotesDialog
from qualbench.tui.screens.coding import CodingScreen
from qualbench.tui.screens.joint import JointScreen
from qualbench.tui.widgets.joint_table import JointTable

from .conftest import make_app, settle
from .tuidata import span_of

SIZE = (120, 30)
CODINGS = [  # (document, code, passage), all by coder_a
    ("P01", "Pain before treatment", "It was terrible. I walked with a stick and I could not sleep."),
    ("P01", "Poor sleep", "I could not sleep."),
    ("P01", "Mobility", "I walked with a stick"),
    ("P02", "Feeling believed", "But the team listened, and I felt believed for the first time."),
    ("P02", "Would not repeat", "No. I would not do it again, it was a lot for very little."),
]


def code_study(project) -> None:
    for doc, code, quote in CODINGS:
        project.add_coding(doc, code, "coder_a", *span_of(project, doc, quote))


def grid(table: JointTable) -> dict[str, dict[str, str]]:
    """{node: {column: text}} of what the table shows."""
    out = {}
    for row in table.ordered_rows:
        cells = table.get_row(row.key)
        name = table.nodes[row.key.value]
        out[name] = {str(c.label.plain if isinstance(c.label, Text) else c.label): (v.plain if isinstance(v, Text) else str(v))
                     for c, v in zip(table.ordered_columns, cells)}
    return out


def top_bar(screen) -> str:
    return screen.query_one("#top-bar", Static).content.plain


async def open_joint(pilot) -> JointScreen:
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, JointScreen)
    return pilot.app.screen


async def test_rows_and_columns_switch_with_keys(study):
    code_study(study)
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_joint(pilot)
        table = screen.query_one(JointTable)
        assert "themes × responder" in top_bar(screen) and "codings by coder_a" in top_bar(screen)
        shown = grid(table)
        assert shown["Effects on daily life"]["responder"] == "1/1 (100%) · 3"
        assert shown["Effects on daily life"]["non-responder"] == "1/1 (100%) · 1"
        assert shown["Acceptance"]["responder"] == "0/1 (0%) · 0"
        assert shown["Acceptance"]["p"] == "1.000"  # Fisher on 0/1 vs 1/1
        assert "Exploratory" in screen.query_one("#joint-notes", Static).content.plain

        await pilot.press("r")  # categories
        await settle(pilot)
        shown = grid(table)
        expected = study.joint(rows="category", by="responder")
        assert list(shown) == list(dict.fromkeys(expected["node"]))  # the codebook's order
        assert sorted(shown) == ["Decision", "Pain and sleep", "Social life"]
        assert shown["Decision"]["non-responder"] == "1/1 (100%) · 1"
        assert shown["Pain and sleep"]["responder"] == "1/1 (100%) · 3"

        await pilot.press("c")  # would repeat
        await settle(pilot)
        assert "categories × would repeat" in top_bar(screen)
        assert table.groups == ["yes", "no", "no answer"]
        assert grid(table)["Social life"]["no"] == "1/1 (100%) · 1"

        await pilot.press("c")  # responder × would repeat: no test, every combination a column
        await settle(pilot)
        assert table.groups == ["responder / yes", "non-responder / no"]
        assert "p" not in grid(table)["Decision"]
        assert "No test" in screen.query_one("#joint-notes", Static).content.plain

        await pilot.press("C")  # the list of every grouping, categorical attributes included
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        assert [v for _, v in dialog.choices][:4] == ["responder", "would_repeat", "responder×would_repeat",
                                                      "responder_class"]
        assert "status" in [v for _, v in dialog.choices]
        await pilot.press("escape")


async def test_enter_on_a_cell_lists_its_quotes_and_opens_one(study):
    code_study(study)
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_joint(pilot)
        table = screen.query_one(JointTable)
        assert table.current_cell()[1:] == ("Effects on daily life", "responder")
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, JointQuotesDialog)
        assert [q.quote for q in dialog.quotes] == [  # P01's codings below the theme, in text order
            "It was terrible. I walked with a stick and I could not sleep.", "I walked with a stick",
            "I could not sleep."]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen) and app.screen.document.name == "P01"
        assert app.screen.view.selection == span_of(study, "P01", "I walked with a stick")
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.screen is screen

        await pilot.press("down", "right", "enter")  # Acceptance × non-responder
        await settle(pilot)
        assert [q.quote for q in app.screen.quotes] == [
            "No. I would not do it again, it was a lot for very little."]
        await pilot.press("escape", "left", "left", "enter")  # the node column: a hint, not quotes
        await settle(pilot)
        assert app.screen is screen
        assert any("Move to a group's cell" in n.message for n in app._notifications)


async def test_export_writes_a_file_in_exports(study):
    code_study(study)
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        await open_joint(pilot)
        await pilot.press("x")
        await pilot.pause()
        if isinstance(app.screen, ChoiceDialog):  # the project's exporter: CSV is the first choice
            await pilot.press("enter")
        await settle(pilot)
        written = sorted((study.path / "exports").glob("joint*.csv"))
        assert len(written) == 1
        header = written[0].read_text(encoding="utf-8-sig").splitlines()[0]
        assert header.startswith("node")
        assert any(n.message.startswith("Wrote exports/joint") for n in app._notifications)
