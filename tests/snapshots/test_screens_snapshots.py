"""Snapshots of the main screens, on a fixed study built in ``tmp_path``.

Regenerate after an intended change with ``pytest tests/snapshots --snapshot-update``
and look at the SVGs in ``__snapshots__`` before committing them.
"""
from __future__ import annotations

import pytest

from qualbench.tui.app import QualbenchApp

from ..functional.tuidata import add_overlapping_codings, build_project


@pytest.fixture
def study(tmp_path):
    project = build_project(tmp_path / "study")
    add_overlapping_codings(project, "coder_a")
    yield project
    project.close()


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _then(*keys: str):
    """A run_before that opens P01, waits for it to load, then presses ``keys``."""
    async def run(pilot) -> None:
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)
        await pilot.press(*keys)
        await _settle(pilot)
    return run


def test_documents_screen(snap_compare, study):
    assert snap_compare(QualbenchApp(study), terminal_size=(80, 24), run_before=_settle)


def test_coding_screen_with_overlapping_codes(snap_compare, study):
    # Cursor on "I walked with a stick and I could not sleep.": three codings, two overlapping.
    assert snap_compare(QualbenchApp(study), terminal_size=(120, 30), run_before=_then("j", "j", "j"))


def test_coding_screen_80x24_light_theme(snap_compare, study):
    app = QualbenchApp(study)
    app.theme = "textual-light"
    assert snap_compare(app, terminal_size=(80, 24), run_before=_then("j", "j", "j", "J"))


def test_code_picker_with_a_typo(snap_compare, study):
    assert snap_compare(QualbenchApp(study), terminal_size=(80, 24),
                        run_before=_then("j", "j", "J", "c", *"slep improvd"))


def test_help_screen(snap_compare, study):
    assert snap_compare(QualbenchApp(study), terminal_size=(80, 24), run_before=_then("question_mark"))
