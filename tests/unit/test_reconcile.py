"""Reconciliation: disagreements found, agreements copied, each settlement undoable."""
import pytest

from qualbench.api.reconcile import clusters
from qualbench.errors import QualbenchError

from ..conftest import INTERVIEW


def test_clusters_connect_overlapping_spans_only():
    assert clusters([(0, 10), (20, 30)], [(5, 12), (30, 40)]) == [
        (0, 12, ((0, 10),), ((5, 12),)), (20, 30, ((20, 30),), ()), (30, 40, (), ((30, 40),))]


@pytest.fixture
def pair(project, write):
    p = project
    p.import_files([write("P01.txt", INTERVIEW), write("P02.txt", INTERVIEW.replace("terrible", "awful"))])
    for name in ("Sleep", "Mobility"):
        p.create_code(name)
    p.add_coding("P01", "Sleep", "a", 0, 20)        # agreement
    p.add_coding("P01", "Sleep", "b", 0, 20)
    p.add_coding("P01", "Sleep", "a", 30, 60)       # boundary
    p.add_coding("P01", "Sleep", "b", 35, 70)
    p.add_coding("P01", "Mobility", "a", 80, 100)   # only a
    p.add_coding("P01", "Sleep", "b", 80, 100)      # only b (neighbouring code)
    p.add_coding("P02", "Sleep", "a", 0, 10)        # P02 coded by a only: not compared
    return p


def test_disagreements_and_kinds(pair):
    items = pair.disagreements("a", "b")
    assert [(d.code, d.kind, d.start, d.end) for d in items] == [
        ("Sleep", "boundary", 30, 70), ("Sleep", "only_b", 80, 100), ("Mobility", "only_a", 80, 100)]
    assert pair.reconciliation_progress("a", "b") == (0, 3)
    assert [d.code for d in pair.disagreements("a", "b", code="Mobility")] == ["Mobility"]


def test_start_copies_agreements_and_settling_writes_consensus(pair):
    p = pair
    assert p.start_consensus("a", "b", actor="a") == 1
    assert [(c.start, c.end) for c in p.codings(coder="consensus")] == [(0, 20)]
    boundary, only_b, only_a = p.disagreements("a", "b")
    p.settle(boundary, "b", coder_a="a", coder_b="b", actor="a", reason="B includes the reason")
    assert [(c.start, c.end) for c in p.codings(coder="consensus")] == [(0, 20), (35, 70)]
    p.settle(only_b, "none", coder_a="a", coder_b="b", actor="a")
    p.settle(only_a, "edit", coder_a="a", coder_b="b", span=(82, 98), actor="a")
    assert p.reconciliation_progress("a", "b") == (3, 3)
    mobility = p.code("Mobility").id
    assert [(c.code_id, c.start, c.end) for c in p.codings(coder="consensus") if c.start >= 80] == [(mobility, 82, 98)]
    for _ in range(3):
        p.undo("a")
    assert [(c.start, c.end) for c in p.codings(coder="consensus")] == [(0, 20)]
    assert p.reconciliation_progress("a", "b") == (0, 3)


def test_resettling_replaces_the_earlier_decision(pair):
    p = pair
    boundary = p.disagreements("a", "b")[0]
    p.settle(boundary, "a", coder_a="a", coder_b="b")
    p.settle(p.disagreements("a", "b")[0], "both", coder_a="a", coder_b="b")
    assert sorted((c.start, c.end) for c in p.codings(coder="consensus")) == [(30, 60), (35, 70)]
    assert p.disagreements("a", "b")[0].decision == "both"


def test_invalid_settlements(pair):
    p = pair
    only_b = p.disagreements("a", "b")[1]
    with pytest.raises(QualbenchError, match="coder A has no coding here"):
        p.settle(only_b, "a", coder_a="a", coder_b="b")
    with pytest.raises(QualbenchError, match="valid span"):
        p.settle(only_b, "edit", coder_a="a", coder_b="b", span=(5, 2))
    with pytest.raises(QualbenchError, match="unknown decision"):
        p.settle(only_b, "maybe", coder_a="a", coder_b="b")


def test_reconciled_interviews_join_the_analysis_set(pair):
    p = pair
    assert p.analysis_set("a").label == "a"
    p.start_consensus("a", "b")
    # P01 still has open disagreements: it keeps counting coder a's codings.
    assert p.analysis_set("a").consensus_documents == frozenset()
    for item in p.disagreements("a", "b"):
        p.settle(item, "both" if item.kind == "boundary" else "none", coder_a="a", coder_b="b")
    s = p.analysis_set("a")
    p01, p02 = p.document("P01").id, p.document("P02").id
    assert s.consensus_documents == {p01}
    assert s.label == "consensus for 1 reconciled interview, a for the others"
    assert {(c.document_id, c.coder) for c in s.codings} == {(p01, "consensus"), (p02, "a")}
