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
        # Everyone answered: the empty "no answer" column is left out, and the notes say so.
        assert table.groups == ["yes", "no"] and table.empty_groups == ["no answer"]
        assert "no answer" not in grid(table)["Social life"]
        assert "No participant is in “no answer”: that column is left out." in \
            screen.query_one("#joint-notes", Static).content.plain
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
        # Binary scheme: the responder classes are responder / non-responder, so "responder
        # class" would repeat the "responder" columns and is not offered.
        assert [v for _, v in dialog.choices][:3] == ["responder", "would_repeat", "responder×would_repeat"]
        assert "responder_class" not in [v for _, v in dialog.choices]
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


def widths_fit(table: JointTable) -> bool:
    """Every column but the node names is as wide as its widest cell (nothing cut)."""
    for c, column in enumerate(table.ordered_columns[1:], 1):
        cells = [table.get_row_at(r)[c] for r in range(table.row_count)]
        need = max([len(str(column.label))] + [x.cell_len for x in cells])
        if column.width < need:
            return False
    return True


async def test_node_names_use_the_width_and_no_outcome_is_a_column(demo_project):
    longest = max(len(c.name) for c in demo_project.codes() if c.kind == "theme")
    app = make_app(demo_project)
    async with app.run_test(size=(180, 50)) as pilot:
        screen = await open_joint(pilot)
        table = screen.query_one(JointTable)
        assert table.ordered_columns[0].width == longest > 34  # every theme name in full
        # Three participants died before the 2-year outcome: their column is shown.
        assert "no outcome" in table.groups and table.empty_groups == []
        assert widths_fit(table)
    app = make_app(demo_project)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_joint(pilot)
        table = screen.query_one(JointTable)
        assert 20 <= table.ordered_columns[0].width < longest
        assert widths_fit(table)


async def test_columns_fit_after_switching_coder(study):
    code_study(study)
    from .tuidata import span_of
    study.add_coding("P02", "Would not repeat", "coder_b",
                     *span_of(study, "P02", "No. I would not do it again, it was a lot for very little."))
    study.settings.blind_mode = "off"
    app = make_app(study)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_joint(pilot)
        table = screen.query_one(JointTable)
        await pilot.press("c", "c")  # responder × would repeat: more, narrower columns
        await settle(pilot)
        await pilot.press("f2", *"coder_b", "enter")
        await settle(pilot)
        assert app.coder == "coder_b" and "codings by coder_b" in top_bar(screen)
        assert grid(table)["Acceptance"]["non-responder / no"] == "1/1 (100%) · 1"
        assert widths_fit(table)
        await pilot.press("c")
        await settle(pilot)
        assert widths_fit(table)


def test_responder_class_is_offered_when_it_differs_from_responder(study):
    from qualbench.tui.screens.joint import column_choices
    assert "responder_class" not in column_choices(study)  # binary40: the same two groups
    study.settings.responder_scheme = "three_level"
    assert "responder_class" in column_choices(study)
