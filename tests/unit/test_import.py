"""Importing transcripts: one transaction, re-import rules, versions, participants linked."""
import pytest

from qualbench.errors import QualbenchError

from ..conftest import INTERVIEW


def test_import_stores_text_turns_segments_and_fts(project, write):
    report = project.import_files([write("P01_interview.txt", INTERVIEW)])
    assert report.imported == ["P01_interview"]
    doc = project.document("P01_interview")
    assert doc.participant == "P01"
    text = project.text(doc)
    turns = project.turns(doc)
    assert [t.role for t in turns] == ["interviewer", "participant", "interviewer", "participant"]
    segs = project.segments(doc)
    assert [s.text.strip() for s in segs][2:4] == [
        "It was terrible.", "I walked with a stick and I could not sleep."]
    for s in segs:
        assert text[s.start:s.end] == s.text
    hits = project.store.query(
        "SELECT s.text FROM segments_fts f JOIN segments s ON s.rowid = f.rowid "
        "WHERE segments_fts MATCH ?", ["lemmas:walk"])
    assert len(hits) == 2  # "walked" and "walk" both have the lemma walk
    assert doc.n_words == 12 + 21 + 2 + 10  # words per turn, labels excluded


def test_failing_file_leaves_database_unchanged(project, write, digest):
    project.import_files([write("P00.txt", INTERVIEW)])
    files = [write(f"P{i:02d}.txt", INTERVIEW.replace("terrible", f"terrible {i}")) for i in range(1, 11)]
    files[6].write_bytes("I: caf\u00e9".encode("cp1252"))
    before = digest(project)
    with pytest.raises(QualbenchError, match="P07.txt: not valid UTF-8"):
        project.import_files(files)
    assert digest(project) == before


def test_skip_bad_imports_the_good_files(project, write):
    files = [write(f"P{i:02d}.txt", INTERVIEW.replace("terrible", f"terrible {i}")) for i in range(1, 4)]
    files[1].write_bytes(b"")
    report = project.import_files(files, skip_bad=True)
    assert report.imported == ["P01", "P03"]
    assert len(report.failed) == 1 and "P02.txt" in report.failed[0][1]


def test_reimport_same_file_is_a_noop_and_changed_file_needs_new_version(project, write):
    path = write("P01.txt", INTERVIEW)
    project.import_files([path])
    again = project.import_files([path])
    assert again.imported == [] and "same content" in again.skipped[0][1]
    path.write_text(INTERVIEW + "\nI: One more thing.\n", encoding="utf-8")
    with pytest.raises(QualbenchError, match="--as-new-version"):
        project.import_files([path])
    project.import_files([path], as_new_version=True)
    assert [d.version for d in project.documents(all_versions=True)] == [1, 2]
    assert project.document("P01").version == 2
    assert project.status()["documents"] == 1


def test_participant_option_overrides_pattern(project, write):
    project.import_files([write("interview-mrs-x.txt", INTERVIEW)], participant="P09")
    assert project.document("interview-mrs-x").participant == "P09"


def test_large_single_line_file(project, write):
    # 20 MB on one line, no speaker labels: read, chunked for spaCy, one turn.
    phrase = "the pain was there every day and the nights were long "
    line = (phrase * (20_000_000 // len(phrase) + 1))[:19_999_999] + "."
    assert len(line) == 20_000_000
    path = write("P99.txt", line)
    report = project.import_files([path])
    doc = project.document("P99")
    assert doc.n_chars == len(line)
    turns = project.turns(doc)
    assert len(turns) == 1 and turns[0].end == doc.n_chars
    segs = project.segments(doc)
    assert segs[0].start == 0 and segs[-1].end == doc.n_chars
    assert report.segments == len(segs)
