"""Snapshot of the supervisor's review screen on the demo study.

The demo is built once for the module (``qualbench.demo.build_demo`` into a temporary
folder: only files from the package, no clock in anything shown), and the screen is
drawn after the quote-ranking worker has finished, so the picture is the same on every
run. Regenerate after an intended change with
``pytest tests/snapshots/test_review_snapshots.py --snapshot-update`` and look at the SVG.
"""
from __future__ import annotations

import pytest

from qualbench.demo import build_demo
from qualbench.tui.app import QualbenchApp


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    project = build_demo(tmp_path_factory.mktemp("review") / "demo")
    yield project
    project.close()


async def _settled(pilot) -> None:
    for _ in range(3):  # the tree, then the quotes worker, then its message
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _then(*keys: str):
    async def run(pilot) -> None:
        await _settled(pilot)
        await pilot.press(*keys)
        await _settled(pilot)
    return run


def test_review_screen_on_the_demo(snap_compare, demo):
    # The first theme: counts over every coder, its definition and three quotes.
    app = QualbenchApp(demo, review=True, coder="supervisor")
    assert snap_compare(app, terminal_size=(120, 40), run_before=_settled)


def test_review_screen_on_a_code_at_80x24(snap_compare, demo):
    # Narrow: the panel goes under the tree; a code three levels down.
    app = QualbenchApp(demo, review=True, coder="supervisor")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_then("down", "down"))
