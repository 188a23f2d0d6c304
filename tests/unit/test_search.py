"""Project.search: words (FTS5), lemmas and fuzzy quotes, with spans that point at the text."""
from __future__ import annotations

import pytest

import qualbench
from qualbench.errors import QualbenchError

P01 = """I: How was the pain before the operation?

P: It was terrible. I walked with a stick and I could not sleep. Some nights I just sat in the kitchen.

I: And now?

P: Now it is better. I walk to the shop again! My wife says I am nicer to live with.
"""

P02 = """I: Would you undergo it again?

P: No. The walking did not improve. It was the last thing they could try, and it failed.
"""


def make_study(folder):
    project = qualbench.init_project(folder)
    for name, text in (("P01", P01), ("P02", P02)):
        (folder / "transcripts" / f"{name}.txt").write_text(text, encoding="utf-8")
    project.import_files([folder / "transcripts" / "P01.txt", folder / "transcripts" / "P02.txt"])
    return project


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    project = make_study(tmp_path_factory.mktemp("search") / "proj")
    yield project
    project.close()


def matched(project, hit) -> list[str]:
    text = project.text(hit.document_id)
    return [text[s:e] for s, e in hit.matches]


@pytest.mark.parametrize("mode, query, expected", [
    ("words", "stick", [("P01", ["stick"])]),
    ("words", "STICK walked", [("P01", ["walked", "stick"])]),       # every word, any case
    ("words", "walk", [("P01", ["walk"])]),                           # words: exact forms only
    ("words", "stick AND NOT \"", [("P01", ["stick", "and", "not"])]),  # words, never FTS syntax
    ("lemma", "walking", [("P01", ["walked"]), ("P01", ["walk"]), ("P02", ["walking"])]),
    ("words", "nothinglikethis", []),
])
def test_word_and_lemma_search(study, mode, query, expected):
    hits = study.search(query, mode)
    got = sorted((h.document, matched(study, h)) for h in hits)
    assert got == sorted(expected)


def test_a_hit_is_the_trimmed_sentence_and_its_context(study):
    (hit,) = study.search("kitchen")
    text = study.text(hit.document_id)
    assert text[hit.start:hit.end] == "Some nights I just sat in the kitchen."
    assert hit.context == text[hit.context_start:hit.context_start + len(hit.context)]
    assert study.segments(hit.document_id)[[s.id for s in study.segments(hit.document_id)]
                                            .index(hit.segment_id)].text.strip() == hit.context


@pytest.mark.parametrize("query, quote, doc", [
    ("the lst thing they cold try", "the last thing they could try", "P02"),   # typos
    ("I could not slep. Some nights", "I could not sleep. Some nights", "P01"),  # over a sentence break
    ("my wife says im nicer", "My wife says I am nicer", "P01"),
])
def test_fuzzy_search_finds_half_remembered_quotes(study, query, quote, doc):
    best = study.search(query, "fuzzy")[0]
    assert best.document == doc
    assert study.text(best.document_id)[best.start:best.end] == quote
    assert matched(study, best) == [quote]


def test_fuzzy_search_ignores_short_sentences_inside_a_long_query(study):
    hits = study.search("and now it is better, I walk to the shop again", "fuzzy")
    assert hits[0].document == "P01"
    assert "Now it is better" in study.text(hits[0].document_id)[hits[0].start:hits[0].end]
    assert all(study.text(h.document_id)[h.start:h.end] != "And now?" for h in hits[:1])


def test_only_the_newest_version_is_searched(tmp_path):
    study = make_study(tmp_path / "proj")
    old_id = study.document("P02").id
    newer = tmp_path / "P02.txt"
    newer.write_text(P02.replace("last thing", "final option"), encoding="utf-8")
    study.import_files([newer], as_new_version=True)
    assert study.search("final option") and study.search("last thing") == []
    assert all(h.document_id != old_id for h in study.search("the last thing", "fuzzy"))
    assert [h.document_id for h in study.search("undergo")] == [study.document("P02").id]
    study.close()


def test_empty_queries_and_unknown_modes(study):
    assert study.search("") == [] and study.search("  ", "fuzzy") == [] and study.search("?!") == []
    with pytest.raises(QualbenchError):
        study.search("pain", "regex")
