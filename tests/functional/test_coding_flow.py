"""Coding with real keys: select, pick a code (with a typo), undo, redo, create, memo, resize.

Every test checks the database through the Project API *and* what the screen shows.
"""
from __future__ import annotations

import qualbench
from qualbench.tui.colors import code_color, tint
from qualbench.tui.dialogs.choice import ChoiceDialog
from qualbench.tui.dialogs.code_picker import CodePicker, NewCode
from qualbench.tui.dialogs.memo import MemoDialog
from qualbench.tui.widgets.side_panel import SidePanel
from qualbench.tui.widgets.transcript import GUTTER, TranscriptView

from .conftest import cell_style, make_app, open_document, settle
from .tuidata import span_of

SIZE = (110, 32)
STICK = "I walked with a stick and I could not sleep."


def panel_text(app, part: str) -> str:
    return str(app.screen.query_one(SidePanel).query_one(f"#{part}").render())


async def code_third_sentence(pilot, query: str = "slep improvd") -> TranscriptView:
    """Open P01, move to "I walked with a stick…", select it by sentence and code it."""
    view = await open_document(pilot)
    await pilot.press("j", "j", "j", "J")
    assert view.text[slice(*view.selection)].strip() == STICK
    await pilot.press("c")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CodePicker)
    await pilot.press(*query)
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)
    return view


async def test_code_a_sentence_via_the_picker_with_a_typo(study):
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        view = await code_third_sentence(pilot, "slep improvd")
        (coding,) = study.codings()
        assert study.code(coding.code_id).name == "Sleep improved"
        assert (coding.coder, coding.start, coding.end) == ("coder_a", *span_of(study, "P01", STICK))
        # On screen: tinted in the code's colour, listed at the cursor, on key 1.
        assert [c.id for c in view.codings] == [coding.id]
        expected = tint(code_color(study.code(coding.code_id)), view.background_colors[1],
                        app.current_theme.dark)
        assert cell_style(view, coding.start + 3).bgcolor.triplet.hex == expected.hex.lower()
        assert "Sleep improved" in panel_text(app, "here")
        assert "1 ■ Sleep improved" in panel_text(app, "recent")


async def test_character_selection_with_shift_arrows(study):
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_document(pilot)
        await pilot.press("j", "j", "j")
        await pilot.press(*["shift+right"] * 6)
        start = span_of(study, "P01", STICK)[0]
        assert view.selection == (start, start + 6)
        await pilot.press("c", *"mobilty", "enter")
        await settle(pilot)
        (coding,) = study.codings()
        assert view.text[coding.start:coding.end] == "I walk"
        assert study.code(coding.code_id).name == "Mobility"
        assert view.selection is None


async def test_undo_and_redo_survive_a_restart(study, tmp_path):
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        view = await code_third_sentence(pilot)
        assert len(study.codings()) == 1
        await pilot.press("u")
        await settle(pilot)
        assert study.codings() == [] and view.codings == []
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert len(study.codings()) == 1 and len(view.codings) == 1
    study.close()

    # A new process, the same folder: undo still knows the coding.
    reopened = qualbench.open_project(tmp_path / "study")
    app = make_app(reopened)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_document(pilot)
        assert len(view.codings) == 1
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert reopened.codings() == [] and view.codings == []
        assert "Undone" in " ".join(n.message for n in app._notifications)
    reopened.close()


async def test_create_a_new_code_with_its_category(study):
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_document(pilot)
        await pilot.press("j", "j", "j", "j", "J", "c", *"Hope for relief")
        await pilot.pause()
        picker = app.screen
        options = picker.query_one("#picker-options")
        # Nothing matches well: the create entry (always the last line) is what Enter takes.
        assert isinstance(picker.values[-1], NewCode) and options.highlighted == len(picker.values) - 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("end", "enter")  # the last category: Decision
        await settle(pilot)
        code = study.code("Hope for relief")
        assert study.code(code.parent_id).name == "Decision"
        (coding,) = study.codings()
        assert coding.code_id == code.id
        assert [c.code_id for c in view.codings] == [code.id]
        assert "Hope for relief" in panel_text(app, "here")


async def test_memos_on_a_coding_the_document_and_a_code(study):
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        await code_third_sentence(pilot)
        (coding,) = study.codings()
        # On the coding (first choice when a coding is under the cursor).
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MemoDialog)
        await pilot.press(*"before: stick", "ctrl+s")
        await settle(pilot)
        assert study.coding(coding.id).memo == "before: stick"
        assert "✎" in panel_text(app, "here")
        # On the document.
        await pilot.press("m", "down", "enter", *"calm interview", "ctrl+s")
        await settle(pilot)
        doc = study.document("P01")
        assert study.memo("document", doc.id) == "calm interview"
        assert "calm interview" in panel_text(app, "doc-memo")
        # On the code under the cursor.
        await pilot.press("m", "down", "down", "enter", *"sleep memo", "ctrl+s")
        await settle(pilot)
        assert study.memo("code", coding.code_id) == "sleep memo"
        # Each memo is one undoable change of this coder.
        await pilot.press("u")
        await settle(pilot)
        assert study.memo("code", coding.code_id) == ""


async def test_adjust_boundaries_change_and_remove(study):
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        view = await code_third_sentence(pilot)
        (coding,) = study.codings()
        stick = span_of(study, "P01", STICK)
        nights = span_of(study, "P01", "Some nights I just sat in the kitchen with a puzzle.")
        terrible = span_of(study, "P01", "It was terrible.")
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert (study.coding(coding.id).start, study.coding(coding.id).end) == (stick[0], nights[1])
        await pilot.press("less_than_sign", "left_curly_bracket")
        await settle(pilot)
        assert (study.coding(coding.id).start, study.coding(coding.id).end) == (terrible[0], stick[1])
        await pilot.press("right_curly_bracket")
        await settle(pilot)
        assert (study.coding(coding.id).start, study.coding(coding.id).end) == stick
        assert (view.codings[0].start, view.codings[0].end) == stick
        # Change the code, then remove the coding.
        await pilot.press("r", *"pain red", "enter")
        await settle(pilot)
        assert study.code(study.coding(coding.id).code_id).name == "Pain reduction"
        assert "Pain reduction" in panel_text(app, "here")
        await pilot.press("x")
        await settle(pilot)
        assert study.codings() == [] and view.codings == []


async def test_number_keys_apply_recent_codes_even_after_a_restart(study, tmp_path):
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        await code_third_sentence(pilot)
        await pilot.press("j", "1")
        await settle(pilot)
        names = [study.code(c.code_id).name for c in study.codings()]
        assert names == ["Sleep improved", "Sleep improved"]
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_document(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert len(study.codings()) == 3 and len(view.codings) == 3


async def test_mouse_drag_and_double_click_select(study):
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_document(pilot)
        start = span_of(study, "P01", STICK)[0]
        x, y = view.wrapped.xy_of(start)
        row = y - view.scroll_offset.y
        await pilot.mouse_down(TranscriptView, offset=(GUTTER + x, row))
        await pilot.hover(TranscriptView, offset=(GUTTER + x + 8, row))
        await pilot.mouse_up(TranscriptView, offset=(GUTTER + x + 8, row))
        await pilot.pause()
        assert view.selection == (start, start + 8)
        assert view.text[slice(*view.selection)] == "I walked"
        await pilot.double_click(TranscriptView, offset=(GUTTER + x + 2, row))
        await pilot.pause()
        assert view.text[slice(*view.selection)] == STICK
        await pilot.press("c", *"poor sleep", "enter")
        await settle(pilot)
        (coding,) = study.codings()
        assert (coding.start, coding.end) == span_of(study, "P01", STICK)


async def test_escape_does_not_silently_drop_a_written_memo(study):
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot)
        await pilot.press("m", "enter", *"idea", "escape")
        await pilot.pause()
        assert isinstance(app.screen, MemoDialog)  # first escape only warns
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert study.memo("document", study.document("P01").id) == "idea"
        await pilot.press("m", "enter", "x", "escape", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, MemoDialog)
        assert study.memo("document", study.document("P01").id) == "idea"
