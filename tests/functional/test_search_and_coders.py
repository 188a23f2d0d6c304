"""Searching and jumping, switching coders, blind mode and the read-only review mode."""
from __future__ import annotations

from qualbench.tui.dialogs.coder import CoderDialog
from qualbench.tui.dialogs.search import SearchDialog
from qualbench.tui.screens.codebook import CodebookScreen
from qualbench.tui.screens.coding import CodingScreen
from qualbench.tui.screens.compare import CompareScreen
from qualbench.tui.screens.review import ReviewScreen
from qualbench.tui.widgets.side_panel import SidePanel
from qualbench.tui.widgets.status_bar import StatusBar

from .conftest import make_app, open_document, settle
from .tuidata import add_overlapping_codings, span_of

SIZE = (110, 32)


async def search(pilot, *keys: str) -> SearchDialog:
    await pilot.press(*keys)
    await pilot.pause(0.35)  # the search runs once typing pauses
    await settle(pilot)
    return pilot.app.screen


async def test_search_words_and_jump_from_the_documents_screen(study):
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await search(pilot, "slash", *"stick")
        assert isinstance(dialog, SearchDialog)
        (hit,) = study.search("stick")
        assert [h.segment_id for h in dialog.hits] == [hit.segment_id]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen) and app.screen.document.name == "P01"
        view = app.screen.view
        assert view.selection == (hit.start, hit.end)
        assert view.highlights == [span_of(study, "P01", "stick")]
        # The jump selected the sentence: one key codes it.
        await pilot.press("c", *"mobility", "enter")
        await settle(pilot)
        (coding,) = study.codings()
        assert (coding.start, coding.end) == (hit.start, hit.end)


async def test_lemma_and_fuzzy_search_from_the_coding_screen(study):
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot, "P02")
        dialog = await search(pilot, "slash", "tab", *"walking")
        assert dialog.mode == "lemma"
        texts = {study.text(h.document_id)[s:e] for h in dialog.hits for s, e in h.matches}
        assert texts == {"walked", "walk"}
        await pilot.press("escape")
        # Fuzzy: a half-remembered quote with typos, in another document. The dialog
        # reopens on the last query and mode; typing replaces the query.
        dialog = await search(pilot, "slash", "tab", *"the lst thing they cold try")
        assert dialog.mode == "fuzzy"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.document.name == "P01"
        view = app.screen.view
        assert view.text[slice(*view.selection)] == "the last thing they could try"


async def test_switch_coder_and_blind_mode(study):
    add_overlapping_codings(study, "coder_a")
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_document(pilot)
        assert len(view.codings) == 3 and not app.blind  # one coder: nothing to hide
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, CoderDialog)
        await pilot.press(*"coder_b", "enter")
        await settle(pilot)
        assert app.coder == "coder_b" and app.blind
        assert view.codings == []  # blind: coder_a's work is hidden
        assert "coder_b" in str(app.screen.query_one(StatusBar).render())
        await pilot.press("j", "j", "J", "c", *"pain before", "enter")
        await settle(pilot)
        mine = study.codings(coder="coder_b")
        assert len(mine) == 1 and [c.id for c in view.codings] == [mine[0].id]
        # Back to coder_a (chosen from the list): only coder_a's three codings.
        await pilot.press("f2", "up", "enter")
        await settle(pilot)
        assert app.coder == "coder_a"
        assert sorted(c.coder for c in view.codings) == ["coder_a"] * 3
        assert len(study.codings()) == 4


async def test_without_blind_mode_other_coders_work_is_visible_but_not_editable(study):
    add_overlapping_codings(study, "coder_a")
    study.settings.blind_mode = "off"
    app = make_app(study, coder="coder_b")
    async with app.run_test(size=SIZE) as pilot:
        view = await open_document(pilot)
        assert not app.blind and len(view.codings) == 3
        start = span_of(study, "P01", "I could not sleep.")[0]
        view.select(start, start + 1)
        view.clear_selection()
        await pilot.pause()
        assert "(coder_a)" in str(app.screen.query_one(SidePanel).query_one("#here").render())
        await pilot.press("x")
        await settle(pilot)
        assert len(study.codings()) == 3  # nothing removed
        assert any("No coding of yours" in n.message for n in app._notifications)


async def test_review_mode_is_read_only(study):
    """On a --review run only comments are written: not on the review screen, not in the
    codebook (F3), the compare view or an interview reached from there."""
    add_overlapping_codings(study, "coder_a")
    before = {e.id for e in study.events()}
    app = make_app(study, review=True, coder="supervisor")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("slash", *"mobil", "enter", "escape", "m", "r", "x", "u", "n", "s", "e", "p")
        await pilot.press("c", *"ok?", "ctrl+s")  # the one write: a comment
        await settle(pilot)
        await pilot.press("enter")  # Mobility's fragments, read-only
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("r", "asterisk", "m", "u")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)  # no picker, form or memo opened
        await pilot.press("enter")  # the fragment in its interview
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("c", "x", "u", "1")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen)
        assert "read-only" in str(app.screen.query_one(StatusBar).render())
        await pilot.press("f3", "m", "M", "r", "x", "R", "u", "n")
        await settle(pilot)
        assert isinstance(app.screen, CodebookScreen)
        assert "read-only" in str(app.screen.query_one("#top-bar").render())
    written = [e.action for e in study.events() if e.id not in before]
    assert written == ["comment.add"]
    assert len(study.codings()) == 3 and not any(c.starred for c in study.codings())
