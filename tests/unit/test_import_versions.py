"""A changed transcript imported as a new version takes its codings, settlements and
document memos along, re-anchored by their exact text; what cannot be placed stays on
the old version and is reported."""
from qualbench.exchange.anchored import reanchor

from ..conftest import INTERVIEW

# The new version: a header added, one line re-wrapped, one answer reworded.
NEW = ("Transcript checked by the second researcher.\n\n"
       + INTERVIEW.replace("could not sleep.\nSome nights", "could not sleep. Some\nnights")
                  .replace("I walk to the shop again!", "I can get my own groceries."))


def span(project, doc, quote):
    text = project.text(doc)
    start = text.index(quote)
    return start, start + len(quote)


def coded(project, doc_id):
    text = project.text(doc_id)
    return sorted((c.coder, text[c.start:c.end]) for c in project.codings() if c.document_id == doc_id)


def test_new_version_carries_every_coders_codings_and_reports_the_rest(project, write):
    path = write("P01.txt", INTERVIEW)
    project.import_files([path])
    for name in ("Pain", "Sleep", "Better"):
        project.create_code(name)
    project.add_coding("P01", "Pain", "coder_a", *span(project, "P01", "It was terrible."))
    project.add_coding("P01", "Pain", "coder_b", *span(project, "P01", "It was terrible."))
    project.add_coding("P01", "Sleep", "coder_b", *span(project, "P01", "could not sleep.\nSome nights"),
                       memo="re-wrapped in the new version")
    project.add_coding("P01", "Better", "coder_a", *span(project, "P01", "I walk to the shop again!"))
    old = project.document("P01")
    project.set_memo("document", old.id, "Interview at home; partner present.")

    path.write_text(NEW, encoding="utf-8")
    report = project.import_files([path], as_new_version=True)

    new = project.document("P01")
    assert new.version == 2
    [carry] = report.carried
    assert (carry.document, carry.from_version, carry.to_version) == ("P01", 1, 2)
    assert (carry.codings, carry.memos) == (3, 1)
    assert carry.unplaced == ['P01, coder_a, Better: "I walk to the shop again!"']
    assert coded(project, new.id) == [("coder_a", "It was terrible."), ("coder_b", "It was terrible."),
                                      ("coder_b", "could not sleep. Some\nnights")]
    assert coded(project, old.id) == [("coder_a", "I walk to the shop again!")]
    assert [c.memo for c in project.codings(doc=new) if c.memo] == ["re-wrapped in the new version"]
    assert project.memo("document", new.id) == "Interview at home; partner present."
    assert project.memo("document", old.id) == ""
    # Exports of the latest versions do not pretend the stranded coding is on version 2.
    assert project.old_version_codings() == 1
    # ...and neither do analyses: the stranded coding is not quoted, counted or compared.
    assert [q.quote for q in project.quotes("Better", coder="coder_a")] == []
    assert project.node_counts()[project.code("Better").id].codings == 0
    assert project.fragments("Better") == []
    status = project.status()
    assert (status["codings"], status["codings_on_old_versions"]) == (3, 1)


def test_the_occurrence_nearest_the_old_place_is_taken():
    old = "Yes.\n\nDid it help?\n\nYes.\n\nAnd now?\n\nYes."
    new = "Intro.\n\n" + old
    second = old.index("Yes.", 5)
    assert reanchor(old, new, second, second + 4) == (new.index("Yes.", 15), new.index("Yes.", 15) + 4)
    assert reanchor(old, "No.", 0, 4) is None
    assert reanchor("a  b", "x a\nb", 0, 4) == (2, 5)


def test_settled_disagreements_follow_the_codings(project, write):
    path = write("P01.txt", INTERVIEW)
    project.import_files([path])
    project.create_code("Pain")
    start, end = span(project, "P01", "It was terrible. I walked with a stick")
    project.add_coding("P01", "Pain", "a", start, end)
    project.add_coding("P01", "Pain", "b", start, start + len("It was terrible."))
    [item] = project.disagreements("a", "b")
    project.settle(item, "a", coder_a="a", coder_b="b", actor="a")
    assert project.reconciliation_progress("a", "b") == (1, 1)
    path.write_text(NEW, encoding="utf-8")
    report = project.import_files([path], as_new_version=True)
    assert report.carried[0].settlements == 1
    assert project.reconciliation_progress("a", "b") == (1, 1)
    assert {c.document_id for c in project.codings()} == {project.document("P01").id}


def test_a_coding_by_nobody_on_the_old_version_is_no_problem(project, write):
    path = write("P02.txt", INTERVIEW)
    project.import_files([path])
    path.write_text(NEW, encoding="utf-8")
    report = project.import_files([path], as_new_version=True)
    assert report.carried[0].codings == 0 and report.carried[0].unplaced == []
