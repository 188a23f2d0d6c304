"""Saying what an undo will do before doing it: its size, its words, and who got in the way."""
import pytest
from click.testing import CliRunner

from qualbench.api.undo_text import BULK_ROWS
from qualbench.cli import main
from qualbench.errors import UndoError

from ..conftest import INTERVIEW


@pytest.fixture
def coded(project, write):
    project.import_files([write("P01.txt", INTERVIEW)])
    project.create_code("Sleep", actor="ann")
    return project


def test_preview_names_the_change_and_counts_its_rows(coded):
    p = coded
    p.add_coding("P01", "Sleep", "ann", 10, 20)
    preview = p.next_undo("ann")
    assert preview.event.action == "coding.add" and preview.rows == {"codings": 1}
    assert not preview.bulk
    assert preview.text().startswith("undo coding (Sleep) by ann on ") and preview.text().endswith(": 1 coding")
    assert p.next_undo("bob") is None and p.next_redo("ann") is None
    p.undo("ann")
    assert p.next_redo("ann").event.action == "coding.add"


def test_a_large_change_is_bulk(coded):
    p = coded
    for i in range(BULK_ROWS + 1):
        p.add_coding("P01", "Sleep", "ann", i, i + 1)
    assert not p.next_undo("ann").bulk  # one coding
    p.create_code("Rest", actor="ann")
    p.merge_codes(["Sleep"], into="Rest", actor="ann", reason="test")
    preview = p.next_undo("ann")
    assert preview.event.action == "code.merge"
    assert preview.bulk and preview.rows["codings"] == BULK_ROWS + 1


def test_an_overtaken_undo_names_the_later_change(coded):
    p = coded
    p.add_coding("P01", "Sleep", "ann", 10, 20)
    cid = p.codings()[0].id
    p.update_coding(cid, memo="bob's note", actor="bob")
    with pytest.raises(UndoError) as err:
        p.undo("ann")
    message = str(err.value)
    assert "cannot undo coding (Sleep)" in message and "by bob" in message and "undo that first" in message
    assert "codings " + str(cid) not in message  # no table name and id


def test_cli_asks_before_a_bulk_undo_and_hints_at_other_coders(coded, tmp_path):
    p = coded
    p.create_code("Rest", actor="ann")
    for i in range(BULK_ROWS + 1):
        p.add_coding("P01", "Sleep", "ann", i, i + 1)
    p.merge_codes(["Sleep"], into="Rest", actor="ann", reason="one idea")
    before = len(p.codings(code="Rest"))
    runner = CliRunner()
    r = runner.invoke(main, ["undo", "--coder", "ann", "--project", str(p.path)], input="n\n")
    assert r.exit_code == 1 and len(p.codings(code="Rest")) == before  # refused: not a terminal
    assert "add --yes" in r.stderr and "merging codes" in r.stderr
    r = runner.invoke(main, ["undo", "--coder", "ann", "--yes", "--project", str(p.path)])
    assert r.exit_code == 0 and r.output.startswith("Undid: merging codes")
    assert len(p.codings(code="Rest")) == 0
    r = runner.invoke(main, ["undo", "--coder", "zed", "--project", str(p.path)])
    assert r.exit_code == 1 and "nothing to undo by zed" in r.stderr and "use --coder ann" in r.stderr
