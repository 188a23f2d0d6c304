"""A wrong qualbench.toml or a database that is not one: one line naming the file (and
the key) when the project opens — never a traceback later, in the middle of a command."""
from __future__ import annotations

import sqlite3

import pytest

import qualbench
from qualbench.errors import QualbenchError
from qualbench.store import DB_FILE, Store, database_error


@pytest.fixture
def folder(tmp_path):
    qualbench.init_project(tmp_path / "study").close()
    return tmp_path / "study"


def edit(folder, old: str, new: str) -> None:
    toml = folder / "qualbench.toml"
    text = toml.read_text()
    assert old in text, old
    toml.write_text(text.replace(old, new))


def opening_fails(folder) -> str:
    with pytest.raises(QualbenchError) as exc:
        qualbench.open_project(folder)
    message = str(exc.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("old, new, expected", [
    ('participant_pattern = "P\\\\d+"', 'participant_pattern = "P("',
     "import.participant_pattern 'P(' is not a valid regular expression (missing ), unterminated subpattern"),
    ("custom_responder_from = 30", 'custom_responder_from = "abc"',
     'outcomes.custom_responder_from must be a number, not "abc"'),
    ('deceased_values = ["deceased", "died", "overleden"]', "deceased_values = 5",
     'outcomes.deceased_values must be a list of text, e.g. ["a", "b"], not 5'),
    ('deceased_values = ["deceased", "died", "overleden"]', 'deceased_values = ["died", 3]',
     'outcomes.deceased_values must be a list of text, e.g. ["a", "b"]; 3 is not text'),
    ('title = "study"', "title = 5", "project.title must be text (in quotes), not 5"),
    ("custom_thresholds = [30, 50]", 'custom_thresholds = ["a", "b"]',
     'outcomes.custom_thresholds must be a list of numbers, e.g. [30, 50]; "a" is not a number'),
    ('responder_scheme = "binary40"', 'responder_scheme = "foo"',
     "outcomes.responder_scheme: unknown responder scheme 'foo'"),
    ('interviewer = ["I"', 'interviewer = "I" #', 'speakers.interviewer must be a list of text'),
    ("prefer_consensus = true", 'prefer_consensus = "yes"', 'project.prefer_consensus must be true or false'),
    ('blind_mode = "auto"', 'blind_mode = "sometimes"', 'project.blind_mode must be "auto", "on" or "off"'),
    ('language = "en"', "language = 5", "project.language must be text (in quotes), not 5"),
])
def test_wrong_settings_name_the_file_and_the_key(folder, old, new, expected):
    edit(folder, old, new)
    message = opening_fails(folder)
    assert message.startswith(f"{folder.resolve() / 'qualbench.toml'}: {expected}"), message


def test_custom_scheme_checked_when_chosen(folder):
    edit(folder, 'responder_scheme = "binary40"', 'responder_scheme = "custom"')
    edit(folder, 'custom_labels = ["below 30%", "30-49%", "50% or more"]', 'custom_labels = ["only one"]')
    assert "one more label than thresholds" in opening_fails(folder)


def test_a_section_that_is_not_a_table(folder):
    (folder / "qualbench.toml").write_text('project = "x"\n')
    assert opening_fails(folder).endswith("'project' must be a [project] section (a table of settings), not \"x\"")


def test_the_template_still_opens(folder):
    p = qualbench.open_project(folder)
    assert p.settings.participant_pattern == r"P\d+" and p.settings.custom_thresholds == [30, 50]
    p.close()


# -- the database file -----------------------------------------------------------------------

def test_a_database_that_is_not_one(folder):
    for f in folder.glob(DB_FILE + "*"):
        f.unlink()
    (folder / DB_FILE).write_bytes(b"this is not a database" * 100)
    assert opening_fails(folder) == f"{folder.resolve() / DB_FILE}: not a SQLite database (damaged or replaced " \
                                    "by another file; restore it from a backup)"


def test_a_database_that_is_a_folder(folder):
    for f in folder.glob(DB_FILE + "*"):
        f.unlink()
    (folder / DB_FILE).mkdir()
    assert opening_fails(folder).endswith(f"{DB_FILE}: is a folder, not a database file (move it away; the "
                                          "project cannot open)")


def test_read_only_and_busy_databases_are_one_line(tmp_path):
    store = Store(tmp_path / DB_FILE)
    readonly = database_error(sqlite3.OperationalError("attempt to write a readonly database"), store.path)
    assert str(readonly) == f"{store.path}: read-only, cannot write (check the permissions of the file and its folder)"
    busy = database_error(sqlite3.OperationalError("database is locked"), store.path)
    assert "busy: another program is writing to it" in str(busy)
    # A read-only failure inside a write is translated (and rolled back) ...
    with pytest.raises(QualbenchError, match="read-only, cannot write"):
        with store.write():
            raise sqlite3.OperationalError("attempt to write a readonly database")
    # ... while a mistake in our SQL stays a bug with its traceback.
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        with store.write():
            store.db.execute("SELECT * FROM no_such_table")
    store.close()
