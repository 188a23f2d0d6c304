"""The compare view: one code's fragments across participants — sort, star, recode, jump,
memo — and its "choose" mode, which the codebook's split uses."""
from __future__ import annotations

from textual.widgets import Static

from qualbench.tui.dialogs.form import FormDialog
from qualbench.tui.screens.coding import CodingScreen
from qualbench.tui.screens.compare import CompareScreen

from .conftest import make_app, settle
from .test_codebook_screen import SIZE, goto, open_codebook


def order(screen: CompareScreen, side: int = 0) -> list[tuple[str, str, int]]:
    return [(f.label, f.coder, len(f.text)) for f in screen.lists[side].fragments]


def shown(screen: CompareScreen, side: int = 0) -> str:
    fragments = screen.lists[side]
    return "\n".join(fragments.render_line(y).text for y in range(fragments.size.height))


async def open_compare(pilot, words: str) -> CompareScreen:
    await open_codebook(pilot)
    await goto(pilot, words)
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CompareScreen)
    return pilot.app.screen


async def test_sort_star_recode_jump_and_memo(coded_study):
    p = coded_study
    app = make_app(p)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compare(pilot, "before")  # Pain before treatment: 4 fragments, 2 coders
        assert order(screen) == [("P01", "coder_a", 61), ("P02", "coder_a", 67), ("P02", "coder_b", 67),
                                 ("P02", "coder_b", 50)]
        assert "P01 · responder · would repeat: yes · coder_a · 13 words" in shown(screen)
        assert "P02 · non-responder · would repeat: no · coder_b" in shown(screen)
        await pilot.press("down", "down")
        await pilot.press("s")  # by length in words, the number each fragment shows
        assert [f.words for f in screen.lists[0].fragments] == [13, 13, 13, 8]
        assert [f.label for f in screen.lists[0].fragments] == ["P01", "P02", "P02", "P02"]
        assert "by length (words)" in str(screen.query_one("#head-left", Static).render())
        assert screen.lists[0].highlighted == 0 and screen.lists[0].scroll_offset.y == 0  # back at the top
        await pilot.press("down", "s")
        assert [c for _, c, _ in order(screen)] == ["coder_a", "coder_a", "coder_b", "coder_b"]
        first = screen.lists[0].fragment
        assert (first.label, first.coder) == ("P01", "coder_a")  # the top of the new order

        # Star: in the database, on the screen, and first among the representative quotes.
        await pilot.press("asterisk")
        await settle(pilot)
        assert p.coding(first.coding_id).starred
        assert "13 words ★" in shown(screen)
        assert p.representative_quotes("Pain before treatment")[0].coding_id == first.coding_id

        # Recode P02's fragment (coder_a) to another code, with a reason.
        await pilot.press("down")
        moved = screen.lists[0].fragment
        await pilot.press("r")
        await pilot.pause()
        title = str(app.screen.query_one(".dialog-title").render())
        assert title.startswith("Move P02's fragment “The pain came after the accident.")
        assert title.endswith("from “Pain before treatment” to:")
        await pilot.press(*"reduc", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        assert app.screen.title_text == "Move P02's fragment from “Pain before treatment” to “Pain reduction”"
        await pilot.press(*"no", "enter")
        await settle(pilot)
        assert p.code(p.coding(moved.coding_id).code_id).name == "Pain reduction"
        assert moved.coding_id not in [f.coding_id for f in screen.lists[0].fragments]
        assert p.codebook_history().iloc[-1].operation == "codings.move"

        # Jump to the highlighted fragment in its interview; escape twice comes back.
        target = screen.lists[0].fragment
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen) and app.screen.document.id == target.document_id
        assert app.screen.view.selection == (target.start, target.end)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.screen is screen

        # The comparison memo is attached to the code.
        await pilot.press("m", *"ok", "ctrl+s")
        await settle(pilot)
        assert p.memo("code", p.code("Pain before treatment").id) == "ok"


async def test_split_chooses_fragments_in_the_compare_view(coded_study):
    p = coded_study
    app = make_app(p)
    async with app.run_test(size=SIZE) as pilot:
        codebook = await open_codebook(pilot)
        await goto(pilot, "before")
        await pilot.press("s")
        await settle(pilot)
        chooser = app.screen
        assert isinstance(chooser, CompareScreen) and chooser.choose
        await pilot.press("enter")  # nothing ticked yet: a warning, nothing else
        assert app.screen is chooser
        await pilot.press("space", "space")  # ticks, then unticks: space stays on the fragment
        assert not chooser.lists[0].chosen and chooser.lists[0].highlighted == 0
        await pilot.press("space", "down", "space")  # ticks P01 and P02 (coder_a)
        ticked = {f.coding_id for f in chooser.lists[0].fragments[:2]}
        assert chooser.lists[0].chosen == ticked
        assert "☑ P01" in shown(chooser) and "2 ticked" in str(chooser.query_one("#head-left", Static).render())
        await pilot.press("enter", *"Onset", "enter", "enter", "enter")
        await settle(pilot)
        assert app.screen is codebook
        assert {c.id for c in p.codings(code="Onset")} == ticked
        assert len(p.codings(code="Pain before treatment")) == 2
        assert codebook.tree.code.name == "Onset"
        # Two codes side by side: C picks the second one.
        await pilot.press("c", "C", *"reduc", "enter")
        await settle(pilot)
        compare = app.screen
        assert [c.name for c in compare.codes] == ["Onset", "Pain reduction"]
        assert len(compare.lists[1].fragments) == 2 and compare.query_one("#compare-right").display
