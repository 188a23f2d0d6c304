"""Constant comparison operations: each one, its undo, and the history it leaves."""
import pytest

from qualbench.errors import NotFoundError, QualbenchError

from ..conftest import INTERVIEW


@pytest.fixture
def cb(project, write):
    p = project
    p.import_files([write("P01.txt", INTERVIEW), write("P02.txt", INTERVIEW.replace("terrible", "awful"))])
    p.create_code("Quality of life", kind="theme")
    p.create_code("Daily life", kind="category", parent="Quality of life")
    p.create_code("Sleep", parent="Daily life")
    p.create_code("Sleeping better", parent="Daily life")
    p.create_code("Walking", parent="Daily life")
    return p


def snapshot(p):
    return (sorted((c.id, c.name, c.kind, c.parent_id, c.position) for c in p.codes()),
            sorted((c.id, c.code_id, c.coder, c.start, c.end) for c in p.codings()),
            sorted(r["name"] for r in p.store.query("SELECT name FROM code_aliases")))


def test_merge_repoints_collapses_duplicates_and_remembers_names(cb):
    p = cb
    p.add_coding("P01", "Sleep", "ann", 10, 40)
    p.add_coding("P01", "Sleeping better", "ann", 10, 40)     # same span, same coder -> collapses
    p.add_coding("P01", "Sleeping better", "bob", 10, 40)     # other coder -> kept
    p.add_coding("P02", "Sleeping better", "ann", 50, 60)
    before = snapshot(p)
    r = p.merge_codes(["Sleeping better"], into="Sleep", actor="ann", reason="same idea")
    assert (r["moved"], r["collapsed"]) == (2, 1)
    sleep = p.code("Sleep")
    assert sorted((c.coder, c.start) for c in p.codings(code=sleep.id)) == [("ann", 10), ("ann", 50), ("bob", 10)]
    assert p.former_names("Sleep") == ["Sleeping better"]
    assert p.code("sleeping better").id == sleep.id   # the former name still finds it
    p.undo("ann")
    assert snapshot(p) == before
    p.redo("ann")
    assert [c.name for c in p.codes() if c.name.startswith("Sleep")] == ["Sleep"]


def test_merge_moves_children_and_refuses_self_and_descendants(cb):
    p = cb
    p.create_code("Night", parent="Sleeping better")
    p.merge_codes(["Sleeping better"], into="Sleep")
    assert p.code("Night").parent_id == p.code("Sleep").id
    with pytest.raises(QualbenchError, match="into itself"):
        p.merge_codes(["Sleep"], into="Sleep")
    with pytest.raises(QualbenchError, match="own descendant"):
        p.merge_codes(["Daily life"], into="Sleep")


def test_split_across_coders(cb):
    p = cb
    a1 = p.add_coding("P01", "Sleep", "ann", 0, 10)
    a2 = p.add_coding("P01", "Sleep", "ann", 20, 30)
    b1 = p.add_coding("P01", "Sleep", "bob", 0, 10)
    before = snapshot(p)
    new = p.split_code("Sleep", [a2.id, b1.id], "Sleep medication", actor="ann", reason="distinct")
    assert new.parent_id == p.code("Sleep").parent_id
    assert {c.id for c in p.codings(code=new.id)} == {a2.id, b1.id}
    assert [c.id for c in p.codings(code="Sleep")] == [a1.id]
    p.undo("ann")
    assert snapshot(p) == before
    with pytest.raises(QualbenchError, match="not coded with 'Sleep'"):
        p.split_code("Sleep", [999], "X")


def test_move_refuses_cycles_and_reorders(cb):
    p = cb
    with pytest.raises(QualbenchError, match="under itself or its own descendants"):
        p.move_code("Quality of life", "Sleep")
    with pytest.raises(QualbenchError, match="under itself"):
        p.move_code("Daily life", "Daily life")
    before = snapshot(p)
    p.move_code("Walking", "Quality of life", position=0, actor="ann", reason="broader")
    kids = sorted((c for c in p.codes() if c.parent_id == p.code("Quality of life").id), key=lambda c: c.position)
    assert [c.name for c in kids] == ["Walking", "Daily life"]
    p.undo("ann")
    assert snapshot(p) == before
    p.reorder_code("Walking", 0, actor="ann")
    kids = sorted((c for c in p.codes() if c.parent_id == p.code("Daily life").id), key=lambda c: c.position)
    assert [c.name for c in kids] == ["Walking", "Sleep", "Sleeping better"]


def test_promote_rename_recolour_and_undo(cb):
    p = cb
    before = snapshot(p)
    p.set_kind("Walking", "category", actor="ann", reason="grew")
    p.rename_code("Walking", "Mobility", actor="ann")
    p.update_code("Mobility", color="#aa0000", description="Getting around", actor="ann")
    assert (p.code("Mobility").kind, p.code("walking").name, p.code("Mobility").color) == ("category", "Mobility", "#aa0000")
    for _ in range(3):
        p.undo("ann")
    assert snapshot(p) == before


def test_move_codings_and_delete(cb):
    p = cb
    c = p.add_coding("P01", "Sleep", "ann", 0, 10)
    p.move_codings([c.id], "Walking", actor="ann", reason="misfiled")
    assert p.coding(c.id).code_id == p.code("Walking").id
    with pytest.raises(QualbenchError, match="merge or move them first"):
        p.delete_code("Walking")
    p.delete_code("Sleeping better", actor="ann")
    with pytest.raises(NotFoundError):
        p.code("Sleeping better")
    p.undo("ann")
    assert p.code("Sleeping better").name == "Sleeping better"


def test_history_lists_operations_with_reasons(cb):
    p = cb
    p.merge_codes(["Sleeping better"], into="Sleep", actor="ann", reason="near-duplicate")
    p.rename_code("Sleep", "Sleep quality", actor="bob", reason="clearer")
    h = p.codebook_history()
    last = h.iloc[-2:]
    assert list(last["operation"]) == ["code.merge", "code.rename"]
    assert list(last["coder"]) == ["ann", "bob"]
    assert list(last["reason"]) == ["near-duplicate", "clearer"]
    assert "merged Sleeping better into Sleep" in last.iloc[0]["what"]


def test_similar_codes_by_name_and_overlap(cb):
    p = cb
    for doc in ("P01", "P02"):
        p.add_coding(doc, "Walking", "ann", 0, 50)
        p.add_coding(doc, "Sleep", "ann", 10, 50)
    p.create_code("Improved sleep", parent="Daily life")
    p.create_code("Sleep not improved", parent="Daily life")
    frame = p.similar_codes()
    pairs = {frozenset((r.code_a, r.code_b)): r for r in frame.itertuples()}
    assert pairs[frozenset(("Sleep", "Improved sleep"))].name_score == 100   # names alike
    assert frozenset(("Improved sleep", "Sleep not improved")) not in pairs  # opposites
    walk_sleep = pairs[frozenset(("Sleep", "Walking"))]              # text overlap
    assert walk_sleep.overlap == 1.0 and walk_sleep.name_score < 80


def test_codebook_yaml_round_trip_and_import_report(cb, tmp_path):
    p = cb
    p.update_code("Sleep", description="Sleep changes", when_to_use="any mention of sleep")
    path = p.export_codebook(tmp_path / "cb.yaml")
    import qualbench
    other = qualbench.init_project(tmp_path / "other")
    report = other.import_codebook(path)
    assert sorted(report["new"]) == sorted(c.name for c in p.codes())
    assert other.code("Sleep").when_to_use == "any mention of sleep"
    assert other.code("Sleep").parent_id == other.code("Daily life").id
    # The analysts rename a code; an old file still matches it and reports the rename.
    other.rename_code("Sleep", "Sleep quality")
    other.create_code("Only here")
    report = other.import_codebook(path)
    assert report["new"] == [] and report["renamed"] == ["Sleep → Sleep quality"]
    assert report["missing"] == ["Only here"]
    assert other.code("Only here")  # never deleted
    other.close()


def test_comments_open_and_resolved(cb):
    p = cb
    cid = p.add_comment("Sleep", "Is this distinct from Sleeping better?", author="supervisor")
    assert [c["text"] for c in p.comments(open_only=True)] == ["Is this distinct from Sleeping better?"]
    p.resolve_comment(cid, actor="ann")
    assert p.comments(open_only=True) == []
