"""Importing a folder, and the project's own copy of every source file in transcripts/."""
import pytest

from qualbench.errors import QualbenchError

from ..conftest import INTERVIEW


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    (folder / "more").mkdir(parents=True)
    (folder / "P02.txt").write_text(INTERVIEW.replace("terrible", "awful"), encoding="utf-8")
    (folder / "P01.txt").write_text(INTERVIEW, encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    (folder / ".P09.txt").write_text(INTERVIEW.replace("terrible", "hidden"), encoding="utf-8")
    (folder / "~$P08.txt").write_text("lock file", encoding="utf-8")
    (folder / "more" / "P03.txt").write_text(INTERVIEW.replace("terrible", "bad"), encoding="utf-8")
    return folder


def test_a_folder_imports_its_transcripts_sorted_and_lists_the_rest(project, inbox):
    report = project.import_files([inbox])
    assert report.imported == ["P01", "P02"]
    assert report.skipped == [(str(inbox / "notes.pdf"), ("not a transcript: unsupported file type '.pdf' "
                                                         "(use .txt, .docx, .vtt or .srt)"))]


def test_recursive_takes_sub_folders_too(project, inbox):
    report = project.import_files([inbox], recursive=True)
    assert report.imported == ["P01", "P02", "P03"]


def test_a_folder_without_transcripts_is_an_error(project, tmp_path, digest):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "table.csv").write_text("a,b\n", encoding="utf-8")
    state = digest(project)
    with pytest.raises(QualbenchError, match="empty: no transcripts"):
        project.import_files([empty])
    assert digest(project) == state


def test_a_missing_path_is_named_as_such(project, tmp_path):
    with pytest.raises(QualbenchError, match="no such file or folder"):
        project.import_files([tmp_path / "no-such-folder"])


def test_source_files_are_copied_into_the_project(project, inbox):
    report = project.import_files([inbox / "P01.txt"])
    copy = project.path / "transcripts" / "P01.txt"
    assert copy.read_bytes() == (inbox / "P01.txt").read_bytes()
    assert report.copied == [(str((inbox / "P01.txt").resolve()), "transcripts/P01.txt")]


def test_a_file_already_in_the_project_is_not_copied(project):
    inside = project.path / "transcripts" / "P04.txt"
    inside.write_text(INTERVIEW, encoding="utf-8")
    report = project.import_files([inside])
    assert report.copied == [] and sorted(p.name for p in inside.parent.iterdir()) == ["P04.txt"]


def test_a_different_file_of_the_same_name_is_never_overwritten(project, inbox):
    taken = project.path / "transcripts" / "P01.txt"
    taken.write_text("someone else's P01", encoding="utf-8")
    report = project.import_files([inbox / "P01.txt"])
    assert taken.read_text(encoding="utf-8") == "someone else's P01"
    assert report.copied[0][1] == "transcripts/P01-2.txt"
    assert (project.path / "transcripts" / "P01-2.txt").read_bytes() == (inbox / "P01.txt").read_bytes()


def test_a_new_version_is_kept_beside_the_first(project, inbox):
    project.import_files([inbox / "P01.txt"])
    (inbox / "P01.txt").write_text(INTERVIEW + "\nI: One more thing.\n", encoding="utf-8")
    report = project.import_files([inbox / "P01.txt"], as_new_version=True)
    assert report.copied[0][1] == "transcripts/P01-2.txt"
    assert (project.path / "transcripts" / "P01.txt").read_text(encoding="utf-8") == INTERVIEW


def test_a_failed_import_copies_nothing(project, inbox, digest):
    (inbox / "P05.txt").write_bytes("I: caf\u00e9".encode("cp1252"))
    state = digest(project)
    with pytest.raises(QualbenchError):
        project.import_files([inbox])
    assert digest(project) == state
    assert list((project.path / "transcripts").iterdir()) == []


def test_a_copy_that_fails_rolls_the_import_back(project, inbox, digest, monkeypatch):
    import shutil

    calls, copyfile = [], shutil.copyfile

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return copyfile(src, dst)

    monkeypatch.setattr("qualbench.api.documents.shutil.copyfile", flaky)
    state = digest(project)
    with pytest.raises(QualbenchError, match="No space left on device"):
        project.import_files([inbox])
    assert digest(project) == state
    assert list((project.path / "transcripts").iterdir()) == []
