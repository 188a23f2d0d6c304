"""Fixtures and helpers for driving the workbench with Textual's Pilot.

``async def`` tests run on a fresh asyncio loop through the hook below, so the suite
needs no async plugin.
"""
from __future__ import annotations

import asyncio
import inspect

import pytest

from qualbench.tui.app import QualbenchApp
from qualbench.tui.widgets.transcript import GUTTER, TranscriptView

from .tuidata import build_project


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**args))
        return True
    return None


@pytest.fixture
def study(tmp_path):
    project = build_project(tmp_path / "study")
    yield project
    project.close()


def make_app(project, **kwargs) -> QualbenchApp:
    return QualbenchApp(project, **kwargs)


async def settle(pilot) -> None:
    """Let workers (document loading, search) finish and the screen repaint."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_document(pilot, name: str = "P01") -> TranscriptView:
    await pilot.press(*name.lower(), "enter")
    await settle(pilot)
    return pilot.app.screen.query_one(TranscriptView)


def cell_style(view: TranscriptView, offset: int):
    """The Rich style drawn for the character at ``offset`` (it must be on screen)."""
    x, y = view.wrapped.xy_of(offset)
    row = y - view.scroll_offset.y
    assert 0 <= row < view.scrollable_content_region.height, "offset is not on screen"
    cell = 0
    for seg in view.render_line(row):
        if cell <= GUTTER + x < cell + len(seg.text):
            return seg.style
        cell += len(seg.text)
    raise AssertionError("no cell there")


def screen_text(view: TranscriptView) -> str:
    height = view.scrollable_content_region.height
    return "\n".join(view.render_line(y).text for y in range(height))


# Codings by two coders on both interviews, for the codebook, compare and review screens.
COMPARISON_CODINGS = [
    ("P01", "It was terrible. I walked with a stick and I could not sleep.", "Pain before treatment", "coder_a"),
    ("P01", "I could not sleep.", "Poor sleep", "coder_a"),
    ("P01", "I sleep most nights now, five or six hours.", "Sleep improved", "coder_a"),
    ("P01", "Now it is better. I walk to the shop again!", "Pain reduction", "coder_a"),
    ("P01", "I walk to the shop again!", "Mobility", "coder_b"),
    ("P01", "My wife says I am nicer to live with.", "Family relationships", "coder_a"),
    ("P01", "Yes, I would do it again tomorrow.", "Would repeat", "coder_a"),
    ("P01", "It was the last thing they could try, and it worked for me.", "Last resort", "coder_a"),
    ("P02", "The pain came after the accident. Burning, all the time, in my arm.", "Pain before treatment",
     "coder_a"),
    ("P02", "The pain came after the accident. Burning, all the time, in my arm.", "Pain before treatment",
     "coder_b"),
    ("P02", "Nothing helped, not the pills, not the injections.", "Pain before treatment", "coder_b"),
    ("P02", "Honestly, not much. The pain is the same.", "Pain reduction", "coder_a"),
    ("P02", "But the team listened, and I felt believed for the first time.", "Feeling believed", "coder_a"),
    ("P02", "No. I would not do it again, it was a lot for very little.", "Would not repeat", "coder_a"),
]


@pytest.fixture
def coded_study(study):
    """The study with COMPARISON_CODINGS; blind mode off, so coder_a sees coder_b's work too."""
    from .tuidata import span_of
    for doc, quote, code, coder in COMPARISON_CODINGS:
        study.add_coding(doc, code, coder, *span_of(study, doc, quote))
    study.settings.blind_mode = "off"
    return study
