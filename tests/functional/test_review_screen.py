"""The supervisor's review screen: counts, definitions, three representative quotes per
node, and comments that the analysts see as open items in their codebook tree."""
from __future__ import annotations

from textual.widgets import Static

from qualbench.tui.screens.codebook import CodebookScreen
from qualbench.tui.screens.review import ReviewScreen
from qualbench.tui.widgets.node_detail import NodeDetail

from .conftest import make_app, settle
from .test_codebook_screen import SIZE, counts_on, goto, line_of, panel_text


def quotes_shown(screen) -> str:
    return str(screen.query_one(NodeDetail).query_one("#node-quotes", Static).render())


async def test_review_shows_three_representative_quotes_per_node(coded_study):
    p = coded_study
    app = make_app(p, review=True, coder="supervisor")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert counts_on(screen.tree, "Effects on daily life") == ["11", "2", "2"]  # every coder
        # Quotes come from the analysis set (here coder_a's codings): 3 where there are enough.
        for words, name, expected in (("", "Effects on daily life", 3), ("pain and", "Pain and sleep", 3),
                                      ("poor", "Poor sleep", 1)):
            if words:
                await goto(pilot, words)
                await settle(pilot)
            assert screen.tree.code.name == name
            text = quotes_shown(screen)
            quotes = p.representative_quotes(name, 3)
            assert len(quotes) == expected
            assert [f"{i}. “" in text for i in (1, 2, 3)] == [i <= expected for i in (1, 2, 3)]
            for q in quotes:
                assert " ".join(q.text.split()) in " ".join(text.split())
            assert f"from {p.analysis_coder()}" in text
        await goto(pilot, "pain and")
        await settle(pilot)
        assert "(P01, responder, would repeat)" in quotes_shown(screen)
        assert "(P02, non-responder, would not repeat)" in quotes_shown(screen)
        await goto(pilot, "before")
        assert "Passages about pain before treatment." in panel_text(screen)


async def test_a_review_comment_is_an_open_item_in_the_codebook(coded_study):
    p = coded_study
    mobility = p.code("Mobility")
    app = make_app(p, review=True, coder="supervisor")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await goto(pilot, "mobil")
        await pilot.press("c", *"why?", "ctrl+s")
        await settle(pilot)
        (comment,) = p.comments(open_only=True)
        assert (comment["code_id"], comment["author"], comment["text"]) == (mobility.id, "supervisor", "why?")
        await pilot.press("f3")
        await settle(pilot)
        codebook = app.screen
        assert isinstance(codebook, CodebookScreen)
        assert "■ Mobility ●" in line_of(codebook.tree, "Mobility")
        await goto(pilot, "mobil")
        assert "Open comments (1)" in panel_text(codebook) and "supervisor" in panel_text(codebook)
        await pilot.press("R")  # the review run cannot resolve: that is the analysts' job
        await settle(pilot)
        assert p.comments(open_only=True)

    app = make_app(p, coder="coder_a")  # the analyst, in the ordinary workbench
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        codebook = app.screen
        assert "● 1 open comment" in str(codebook.query_one("#top-bar", Static).render())
        await goto(pilot, "mobil")
        await pilot.press("R")
        await settle(pilot)
        assert p.comments(open_only=True) == [] and p.comments()[0]["resolved_at"]
        assert "●" not in line_of(codebook.tree, "Mobility")
