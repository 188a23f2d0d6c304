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
