"""The database schema, as named migrations applied in order on every open.

A migration is never edited once it has landed on main: a change to the schema is a
new function below the others. sqlite-utils' ``Migrations`` records which ran in
``_sqlite_migrations``, each inside its own transaction.
"""
from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("qualbench")


@migrations(name="0001_initial")
def initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            source_path TEXT,
            source_format TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            text TEXT NOT NULL,
            language TEXT NOT NULL,
            participant TEXT,
            n_words INTEGER NOT NULL DEFAULT 0,
            imported_at TEXT NOT NULL,
            UNIQUE (name, version)
        );
        CREATE INDEX documents_participant ON documents (participant);
        CREATE INDEX documents_sha ON documents (sha256);

        CREATE TABLE turns (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            speaker TEXT,
            role TEXT NOT NULL CHECK (role IN ('interviewer', 'participant', 'other')),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            t_start REAL,
            t_end REAL,
            CHECK (start <= "end")
        );
        CREATE INDEX turns_document ON turns (document_id, idx);

        CREATE TABLE segments (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            turn_id INTEGER NOT NULL REFERENCES turns (id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            lemmas TEXT NOT NULL,
            CHECK (start <= "end")
        );
        CREATE INDEX segments_document ON segments (document_id, idx);

        CREATE TABLE codes (
            id INTEGER PRIMARY KEY,
            parent_id INTEGER REFERENCES codes (id),
            kind TEXT NOT NULL DEFAULT 'code' CHECK (kind IN ('theme', 'category', 'code')),
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            when_to_use TEXT NOT NULL DEFAULT '',
            when_not_to_use TEXT NOT NULL DEFAULT '',
            example TEXT NOT NULL DEFAULT '',
            color TEXT,
            position INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX codes_name ON codes (name COLLATE NOCASE);
        CREATE INDEX codes_parent ON codes (parent_id, position);

        CREATE TABLE coders (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL DEFAULT 'human' CHECK (kind IN ('human', 'consensus')),
            created_at TEXT NOT NULL
        );

        CREATE TABLE codings (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents (id),
            code_id INTEGER NOT NULL REFERENCES codes (id),
            coder_id INTEGER NOT NULL REFERENCES coders (id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            memo TEXT NOT NULL DEFAULT '',
            starred INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            CHECK (start < "end")
        );
        CREATE INDEX codings_document ON codings (document_id, coder_id, start);
        CREATE INDEX codings_code ON codings (code_id);

        CREATE TABLE memos (
            id INTEGER PRIMARY KEY,
            target_type TEXT NOT NULL CHECK (target_type IN ('project', 'document', 'code')),
            target_id INTEGER,
            coder_id INTEGER REFERENCES coders (id),
            text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX memos_target ON memos (target_type, target_id);

        CREATE TABLE participants (
            id INTEGER PRIMARY KEY,
            label TEXT NOT NULL UNIQUE,
            imported_at TEXT NOT NULL
        );

        CREATE TABLE attributes (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL CHECK (type IN ('number', 'category', 'date', 'text')),
            position INTEGER NOT NULL
        );

        CREATE TABLE participant_values (
            participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
            attribute_id INTEGER NOT NULL REFERENCES attributes (id) ON DELETE CASCADE,
            value TEXT,
            number REAL,
            PRIMARY KEY (participant_id, attribute_id)
        );

        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            summary TEXT NOT NULL DEFAULT '{}',
            reason TEXT NOT NULL DEFAULT '',
            ops TEXT,
            undoable INTEGER NOT NULL DEFAULT 0,
            undone_at TEXT
        );
        CREATE INDEX events_undo ON events (actor, undoable, undone_at);
        """
    )
    db["segments"].enable_fts(
        ["text", "lemmas"], fts_version="FTS5", create_triggers=True,
        tokenize="unicode61 remove_diacritics 2")


@migrations(name="0002_aliases_comments")
def aliases_comments(db: Database) -> None:
    db.executescript(
        """
        -- Former names of a code (after a merge or rename), so files and people that
        -- still use the old name find the code, and the history can show where it came from.
        CREATE TABLE code_aliases (
            id INTEGER PRIMARY KEY,
            code_id INTEGER NOT NULL REFERENCES codes (id),
            name TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX code_aliases_code ON code_aliases (code_id);
        CREATE INDEX code_aliases_name ON code_aliases (name COLLATE NOCASE);

        -- A supervisor's comment on a node of the hierarchy; open until resolved.
        CREATE TABLE comments (
            id INTEGER PRIMARY KEY,
            code_id INTEGER NOT NULL REFERENCES codes (id),
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            resolved_at TEXT
        );
        CREATE INDEX comments_code ON comments (code_id);
        """
    )


@migrations(name="0003_settlements")
def settlements(db: Database) -> None:
    db.executescript(
        """
        -- How each disagreement between two coders was settled into the consensus set.
        -- A disagreement is identified by document, code and the character range its
        -- codings cover; 'decision' is a, b, both, edit or none.
        CREATE TABLE settlements (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents (id),
            code_id INTEGER NOT NULL REFERENCES codes (id),
            coder_a TEXT NOT NULL,
            coder_b TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('a', 'b', 'both', 'edit', 'none')),
            settled_by TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX settlements_key ON settlements (document_id, code_id, start, "end");
        """
    )
