"""A 300,000-character interview: it opens, scrolls a page at a time and codes like a short one.

The view must draw only the lines on screen; the test checks that (lines drawn per page
≈ the screen's height) rather than wall-clock time, which depends on the machine. The
timings are printed for the record: open, one page down, and Enter in the code picker
to the coloured span on screen.
"""
from __future__ import annotations

import time

import qualbench
from qualbench.tui.widgets.transcript import TranscriptView

from .conftest import make_app, screen_text, settle

SENTENCES = [
    "The pain was there every morning when I woke up.",
    "I walked to the shop with my stick, slowly.",
    "My daughter came twice a week to help with the house.",
    "Nobody could tell me why it burned like that.",
    "After the operation the nights were a little better.",
    "I still take the tablets, but fewer of them.",
    "Some days I could not leave the chair at all.",
    "The nurses were kind, and the surgeon explained everything twice.",
    "I would say to others: ask about the battery before you start.",
    "We went to the sea last summer, which I had not done for years.",
    "It is not gone, but I can live with it now.",
]
QUESTIONS = ["How was that for you?", "And what happened then?", "Can you tell me more about it?"]


def big_interview(chars: int = 300_000) -> str:
    parts, size, i = [], 0, 0
    while size < chars:
        if i % 2 == 0:
            turn = "I: " + QUESTIONS[i % len(QUESTIONS)]
        else:
            turn = "P: " + " ".join(SENTENCES[(i * 7 + j) % len(SENTENCES)] for j in range(3 + i % 9))
        parts.append(turn)
        size += len(turn) + 2
        i += 1
    return "\n\n".join(parts) + "\n"


async def test_a_300k_character_interview_opens_scrolls_and_codes(tmp_path, monkeypatch, capsys):
    project = qualbench.init_project(tmp_path / "big")
    source = tmp_path / "big" / "transcripts" / "P50.txt"
    source.write_text(big_interview(), encoding="utf-8")
    project.import_files([source])
    project.create_code("Living with pain")
    assert project.documents()[0].n_chars >= 300_000

    drawn = {"lines": 0, "last": 0.0}
    render_line = TranscriptView.render_line

    def counting(self, y):
        drawn["lines"] += 1
        drawn["last"] = time.perf_counter()
        return render_line(self, y)
    monkeypatch.setattr(TranscriptView, "render_line", counting)

    app = make_app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        start = time.perf_counter()
        await pilot.press("enter")
        await settle(pilot)
        opened = drawn["last"] - start
        view = app.screen.query_one(TranscriptView)
        height = view.scrollable_content_region.height
        assert len(view.wrapped) > 5_000
        assert "How was that for you?" in screen_text(view)

        before_text, before_y = screen_text(view), view.scroll_offset.y
        drawn["lines"] = 0
        start = time.perf_counter()
        await pilot.press("pagedown")
        await pilot.pause()
        paged = drawn["last"] - start
        assert view.scroll_offset.y >= before_y + height - 3
        assert screen_text(view) != before_text
        assert drawn["lines"] <= 3 * height  # only what is on screen is drawn

        await pilot.press("G", "k", "J", "c", *"livng wth pain")
        await pilot.pause()
        start = time.perf_counter()
        await pilot.press("enter")
        await pilot.pause()
        coded = drawn["last"] - start
        (coding,) = project.codings()
        assert coding.start > 299_000 - 2_000
        assert [c.id for c in view.codings] == [coding.id]

    with capsys.disabled():
        print(f"\n300k-character interview ({len(view.wrapped):,} screen lines): open {opened * 1000:.0f} ms, "
              f"page down {paged * 1000:.0f} ms, picker Enter to coloured span {coded * 1000:.0f} ms")
    project.close()
