"""Documents: importing transcripts and reading them back.

An import is all-or-nothing by default: every file is read and segmented first, outside
the transaction, and only if all are good is anything written (one transaction, one
event). With ``skip_bad=True`` the good files are imported and the bad ones reported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..errors import NotFoundError, QualbenchError
from ..exchange.speakers import RoleMap
from ..exchange.transcripts import ParsedTranscript, read_transcript
from ..model import Document, Segment, Turn
from ..nlp import segment_spans
from .base import ProjectBase, now

Progress = Callable[[int, int, str], None]


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)   # (name, why)
    failed: list[tuple[str, str]] = field(default_factory=list)    # (path, error)
    words: int = 0
    segments: int = 0


class DocumentsMixin(ProjectBase):
    def role_map(self) -> RoleMap:
        return RoleMap(self.settings.roles)

    def participant_for(self, name: str) -> str | None:
        m = re.search(self.settings.participant_pattern, name, re.IGNORECASE)
        return m.group(0).upper() if m else None

    def import_files(self, paths: Iterable[Path | str], *, participant: str | None = None,
                     as_new_version: bool = False, skip_bad: bool = False,
                     progress: Progress | None = None, actor: str | None = None) -> ImportReport:
        paths = [Path(p) for p in paths]
        report = ImportReport()
        parsed: list[ParsedTranscript] = []
        roles = self.role_map()
        seen_names: dict[str, str] = {}
        for i, path in enumerate(paths):
            if progress:
                progress(i, len(paths) * 2, path.name)
            try:
                doc = read_transcript(path, roles)
                self._check_new(doc, as_new_version, seen_names, report)
            except QualbenchError as exc:
                if not skip_bad:
                    raise
                report.failed.append((str(path), str(exc)))
                continue
            if doc is not None and doc.name not in {n for n, _ in report.skipped}:
                parsed.append(doc)
                seen_names[doc.name.casefold()] = str(path)
        texts, owners = [], []
        for di, doc in enumerate(parsed):
            for t in doc.turns:
                texts.append(doc.text[t.start:t.end])
                owners.append(di)
        if progress:
            progress(len(paths), len(paths) * 2, "segmenting")
        spans = segment_spans(texts, self.settings.language, self.settings.spacy_model) if texts else []
        per_doc: list[list] = [[] for _ in parsed]
        for owner, segs in zip(owners, spans):
            per_doc[owner].append(segs)
        with self._change("documents.import", actor=actor, undoable=False,
                          summary={"files": [str(p) for p in paths]}) as (ch, info):
            for di, doc in enumerate(parsed):
                if progress:
                    progress(len(paths) + di, len(paths) * 2, doc.name)
                self._insert_document(doc, per_doc[di], participant, report)
            info["imported"] = report.imported
        if progress:
            progress(len(paths) * 2, len(paths) * 2, "done")
        return report

    def _check_new(self, doc: ParsedTranscript, as_new_version: bool, seen: dict, report: ImportReport) -> None:
        if doc.name.casefold() in seen:
            raise QualbenchError(f"two files in this import are both named '{doc.name}' "
                                 f"(also {seen[doc.name.casefold()]})", source=doc.source_path)
        same = self.store.one("SELECT name FROM documents WHERE sha256 = ? LIMIT 1", [doc.sha256])
        if same:
            report.skipped.append((doc.name, f"already imported as '{same['name']}' (same content)"))
            return
        existing = self.store.one("SELECT id FROM documents WHERE name = ? COLLATE NOCASE", [doc.name])
        if existing and not as_new_version:
            raise QualbenchError(
                f"a different document named '{doc.name}' is already in the project; "
                "use --as-new-version to import it as a new version", source=doc.source_path)

    def _insert_document(self, doc: ParsedTranscript, turn_segments: list, participant: str | None,
                         report: ImportReport) -> None:
        version = (self.store.scalar("SELECT MAX(version) FROM documents WHERE name = ? COLLATE NOCASE",
                                     [doc.name]) or 0) + 1
        n_words = doc.n_words
        doc_id = self.db["documents"].insert({
            "name": doc.name, "version": version, "source_path": doc.source_path,
            "source_format": doc.source_format, "sha256": doc.sha256, "text": doc.text,
            "language": self.settings.language,
            "participant": participant or self.participant_for(doc.name),
            "n_words": n_words, "imported_at": now()}).last_pk
        roles = self.role_map()
        labelled = any(t.speaker for t in doc.turns)
        owner = participant or self.participant_for(doc.name)
        # Explicit ids let turns and segments go in as two executemany batches.
        turn_id = self.store.scalar("SELECT COALESCE(MAX(id), 0) FROM turns")
        turn_rows, seg_rows = [], []
        for idx, (turn, segs) in enumerate(zip(doc.turns, turn_segments)):
            turn_id += 1
            # In a labelled transcript, unlabelled text (a header, a note) is nobody's turn.
            role = "other" if labelled and not turn.speaker else roles.role(turn.speaker, owner)
            turn_rows.append((turn_id, doc_id, idx, turn.speaker, role, turn.start, turn.end,
                              turn.t_start, turn.t_end))
            for seg in segs:
                s, e = turn.start + seg.start, turn.start + seg.end
                seg_rows.append((doc_id, turn_id, len(seg_rows), s, e, doc.text[s:e], seg.lemmas))
        conn = self.db.conn
        conn.executemany('INSERT INTO turns (id, document_id, idx, speaker, role, start, "end", '
                         "t_start, t_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", turn_rows)
        conn.executemany('INSERT INTO segments (document_id, turn_id, idx, start, "end", text, lemmas) '
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", seg_rows)
        report.imported.append(doc.name)
        report.words += n_words
        report.segments += len(seg_rows)

    # -- reading ------------------------------------------------------------------------
    def documents(self, *, all_versions: bool = False) -> list[Document]:
        sql = ("SELECT id, name, version, participant, source_format, n_words, length(text) AS n_chars, "
               "language, source_path FROM documents d")
        if not all_versions:
            sql += " WHERE version = (SELECT MAX(version) FROM documents d2 WHERE d2.name = d.name)"
        return [Document(**r) for r in self.store.query(sql + " ORDER BY name, version")]

    def document(self, ref: str | int) -> Document:
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit() and not self._by_name(ref)):
            row = self.store.one(
                "SELECT id, name, version, participant, source_format, n_words, length(text) AS n_chars, "
                "language, source_path FROM documents WHERE id = ?", [int(ref)])
        else:
            row = self._by_name(ref)
        if row is None:
            raise NotFoundError(f"no document '{ref}' in the project")
        return Document(**row)

    def _by_name(self, name: str) -> dict | None:
        return self.store.one(
            "SELECT id, name, version, participant, source_format, n_words, length(text) AS n_chars, "
            "language, source_path FROM documents WHERE name = ? COLLATE NOCASE "
            "ORDER BY version DESC LIMIT 1", [name])

    def _doc_id(self, doc: Document | str | int) -> int:
        return doc.id if isinstance(doc, Document) else self.document(doc).id

    def text(self, doc: Document | str | int) -> str:
        doc_id = self._doc_id(doc)
        return self.store.scalar("SELECT text FROM documents WHERE id = ?", [doc_id])

    def turns(self, doc: Document | str | int) -> list[Turn]:
        doc_id = self._doc_id(doc)
        return [Turn(**r) for r in self.store.query(
            'SELECT id, idx, speaker, role, start, "end", t_start, t_end FROM turns '
            "WHERE document_id = ? ORDER BY idx", [doc_id])]

    def segments(self, doc: Document | str | int) -> list[Segment]:
        doc_id = self._doc_id(doc)
        return [Segment(**r) for r in self.store.query(
            'SELECT id, turn_id, idx, start, "end", text FROM segments '
            "WHERE document_id = ? ORDER BY idx", [doc_id])]
