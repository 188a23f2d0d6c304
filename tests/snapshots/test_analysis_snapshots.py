"""Snapshots of the agreement screen (table and reconciling) and of the joint display, on
the fixed two-interview study built in ``tmp_path`` (no clock, no randomness).

Regenerate after an intended change with
``pytest tests/snapshots/test_analysis_snapshots.py --snapshot-update`` and look at the
SVGs in ``__snapshots__`` before committing them.
"""
from __future__ import annotations

import pytest

from qualbench.tui.app import QualbenchApp

from ..functional.test_agreement_screen import double_code
from ..functional.test_joint_screen import code_study
from ..functional.tuidata import build_project


@pytest.fixture
def double_coded(tmp_path):
    project = build_project(tmp_path / "study")
    double_code(project)
    yield project
    project.close()


@pytest.fixture
def coded(tmp_path):
    project = build_project(tmp_path / "study")
    code_study(project)
    yield project
    project.close()


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _then(*keys: str):
    async def run(pilot) -> None:
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)
    return run


def test_agreement_table(snap_compare, double_coded):
    # Cursor on "Poor sleep": the line under the table gives its readings.
    assert snap_compare(QualbenchApp(double_coded), terminal_size=(100, 30), run_before=_then("f4", "down"))


def test_agreement_reconciling_80x24(snap_compare, double_coded):
    # Every code's disagreements; the first is settled with A, the cursor is on the second.
    assert snap_compare(QualbenchApp(double_coded), terminal_size=(80, 24),
                        run_before=_then("f4", "end", "enter", "a"))


def test_joint_display(snap_compare, coded):
    assert snap_compare(QualbenchApp(coded), terminal_size=(100, 24), run_before=_then("f5", "r"))
