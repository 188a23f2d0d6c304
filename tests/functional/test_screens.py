"""The documents table, the help screen, small terminals and errors as notifications."""
from __future__ import annotations

import io

from textual.widgets import DataTable, Static

from qualbench.tui.dialogs.help import HelpDialog
from qualbench.tui.screens.coding import CodingScreen
from qualbench.tui.screens.documents import DocumentsScreen
from qualbench.tui.widgets.side_panel import SidePanel
from qualbench.tui.widgets.transcript import TranscriptView

from rich.console import Console

from .conftest import make_app, open_document, screen_text, settle
from .tuidata import add_overlapping_codings


async def test_documents_table_filters_as_you_type_and_opens(study):
    add_overlapping_codings(study, "coder_a")
    app = make_app(study)
    async with app.run_test(size=(100, 24)) as pilot:
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        first = [str(c) for c in table.get_row_at(0)]
        assert first[:2] == ["P01", "P01"] and first[5:] == ["responder", "yes"]
        coded = study.document_overview("coder_a")[0].coded_pct
        assert first[3].strip() == f"{coded:.0f}%" and coded > 10
        await pilot.press(*"non")  # typed on the table: goes to the filter
        assert table.row_count == 1 and str(table.get_row_at(0)[0]) == "P02"
        await pilot.press("escape")
        assert table.row_count == 2
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen) and app.screen.document.name == "P02"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)


def _plain(renderable) -> str:
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def test_help_lists_every_key_of_the_coding_screen(study):
    app = make_app(study)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_document(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpDialog)
        shown = " ".join(_plain(s.content) for s in app.screen.query(Static))
        for binding in [*CodingScreen.BINDINGS, *TranscriptView.BINDINGS]:
            if binding.description and not binding.action.startswith("recent"):
                assert binding.description in shown, binding.description
        await pilot.press("escape")
        assert isinstance(app.screen, CodingScreen)


async def test_works_in_80_by_24(study):
    add_overlapping_codings(study, "coder_a")
    app = make_app(study)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_document(pilot)
        panel = app.screen.query_one(SidePanel)
        assert not panel.display  # too narrow: the status line says what is at the cursor
        assert view.size.width >= 78
        assert "It was terrible." in screen_text(view)
        await pilot.press("p")
        await pilot.pause()
        assert panel.display
        await pilot.press(*"j" * 12, "pagedown", "G")
        await pilot.pause()
        assert "I would not do it again" not in screen_text(view)  # that is P02
        assert "it worked for me." in screen_text(view)


async def test_errors_are_notifications_not_tracebacks(study):
    app = make_app(study)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_document(pilot)
        await pilot.press("u", "ctrl+y", "x", "greater_than_sign", "3")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("nothing to undo" in m for m in messages)
        assert any("nothing to redo" in m for m in messages)
        assert any("No coding of yours" in m for m in messages)
        assert app.is_running and app._exception is None
        # An existing name typed in full (any case) applies that code: no duplicate offered.
        await pilot.press("J", "c", *"mobility ", "enter")
        await settle(pilot)
        assert [study.code(c.code_id).name for c in study.codings()] == ["Mobility"]
        assert len(study.codes()) == 15 and app._exception is None
