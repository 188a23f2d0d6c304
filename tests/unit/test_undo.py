"""Undo/redo from the events log: every change, across restarts, per actor."""
import pytest

import qualbench
from qualbench.errors import UndoError

from ..conftest import INTERVIEW


@pytest.fixture
def coded(project, write):
    project.import_files([write("P01.txt", INTERVIEW)])
    project.create_code("Sleep", actor="ann")
    return project


def test_undo_redo_each_kind_of_change(coded, digest):
    p = coded
    steps = [
        lambda: p.add_coding("P01", "Sleep", "ann", 10, 20),
        lambda: p.update_coding(p.codings()[0].id, memo="why", actor="ann"),
        lambda: p.update_coding(p.codings()[0].id, start=5, end=25, actor="ann"),
        lambda: p.rename_code("Sleep", "Sleep improved", actor="ann"),
        lambda: p.create_code("Mood", actor="ann"),
        lambda: p.update_coding(p.codings()[0].id, code="Mood", actor="ann"),
        lambda: p.remove_coding(p.codings()[0].id, actor="ann"),
    ]
    states = [digest(p)]
    for step in steps:
        step()
        states.append(digest(p))
    # Undo walks back through every state; redo walks forward again. The events table
    # itself grows (undo is logged), so compare the data tables only.
    def data_state():
        return (p.codes(), p.codings())
    forward = []
    for _ in steps:
        forward.append(data_state())
        p.undo("ann")
    assert p.codings() == [] and [c.name for c in p.codes()] == ["Sleep"]
    for expected in reversed(forward):
        p.redo("ann")
        assert data_state() == expected


def test_undo_survives_restart(coded):
    path = coded.path
    coded.add_coding("P01", "Sleep", "ann", 0, 8)
    coded.close()
    reopened = qualbench.open_project(path)
    assert reopened.can_undo("ann")
    reopened.undo("ann")
    assert reopened.codings() == []
    reopened.close()


def test_new_action_clears_redo(coded):
    coded.add_coding("P01", "Sleep", "ann", 0, 8)
    coded.undo("ann")
    assert coded.can_redo("ann")
    coded.add_coding("P01", "Sleep", "ann", 10, 18)
    assert not coded.can_redo("ann")


def test_undo_is_per_actor(coded):
    coded.add_coding("P01", "Sleep", "ann", 0, 8)
    coded.add_coding("P01", "Sleep", "bob", 10, 18)
    coded.undo("ann")
    assert [(c.coder, c.start) for c in coded.codings()] == [("bob", 10)]


def test_overtaken_undo_is_refused_and_changes_nothing(coded, digest):
    c = coded.add_coding("P01", "Sleep", "ann", 0, 8)
    coded.update_coding(c.id, end=12, actor="bob")  # someone else changed it since
    before = digest(coded)
    with pytest.raises(UndoError, match="changed the same data later"):
        coded.undo("ann")
    assert digest(coded) == before


def test_nothing_to_undo(project):
    with pytest.raises(UndoError, match="nothing to undo"):
        project.undo("ann")


def test_events_are_an_audit_log(coded):
    coded.rename_code("Sleep", "Sleep better", actor="ann", reason="clearer")
    ev = coded.events(actions=["code.rename"])[0]
    assert (ev.actor, ev.reason, ev.summary["from"], ev.summary["to"]) == ("ann", "clearer", "Sleep", "Sleep better")
