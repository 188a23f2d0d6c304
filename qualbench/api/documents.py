"""Documents: importing transcripts and reading them back.

An import is all-or-nothing by default: every file is read and segmented first, outside
the transaction, and only if all are good is anything written (one transaction, one
event). With ``skip_bad=True`` the good files are imported and the bad ones reported.

A folder stands for the transcripts inside it (:func:`~qualbench.exchange.transcripts.expand_paths`).
What the researcher should know but that is no reason to refuse a file — no participant
linked, no speaker labels, speakers without a role, a ``--participant`` the participant
table does not have (with a "did you mean") — is collected as warnings on the
:class:`ImportReport`. An import that brings nothing new (every file already here, or
every file bad with ``skip_bad``) writes nothing, not even an event.

A changed file imported as a new version takes the previous version's codings (every
coder's), settlements and document memos with it: each coding's exact text is looked up
in the new text (:func:`~qualbench.exchange.anchored.reanchor`). The old version keeps
its text and whatever could not be placed, and the report names those codings, so an
analysis of the latest versions never silently loses a coded interview.

After the database is written, each source file that lies outside the project is
copied into its ``transcripts/`` folder (DESIGN: the source files as received), never
over a different file of the same name. The copies are made inside the transaction and
removed again if it fails, so a failed import leaves both database and folder as they were.
"""
from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputFileError, NotFoundError, QualbenchError
from ..exchange.anchored import first_words, reanchor
from ..exchange.speakers import RoleMap, assign_roles
from ..exchange.transcripts import ParsedTranscript, expand_paths, read_transcript
from ..model import Document, Segment, Turn
from ..nlp import segment_spans
from .base import ProjectBase, now

Progress = Callable[[int, int, str], None]


@dataclass
class CarryResult:
    """What moved from the previous version of a document to the new one."""
    document: str
    from_version: int
    to_version: int
    codings: int = 0
    memos: int = 0
    settlements: int = 0
    unplaced: list[str] = field(default_factory=list)          # "P01, coder_a, Sleep: "I could …""
    settlements_left: int = 0


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)   # (name, why)
    failed: list[tuple[str, str]] = field(default_factory=list)    # (path, error)
    words: int = 0
    segments: int = 0
    files: dict[str, str] = field(default_factory=dict)             # document name -> source file
    warnings: list[str] = field(default_factory=list)
    carried: list[CarryResult] = field(default_factory=list)
    copied: list[tuple[str, str]] = field(default_factory=list)     # (source, copy relative to project)


class DocumentsMixin(ProjectBase):
    def role_map(self) -> RoleMap:
        return RoleMap(self.settings.roles)

    def participant_for(self, name: str) -> str | None:
        m = re.search(self.settings.participant_pattern, name, re.IGNORECASE)
        return m.group(0).upper() if m else None

    def import_files(self, paths: Iterable[Path | str], *, participant: str | None = None,
                     as_new_version: bool = False, skip_bad: bool = False, recursive: bool = False,
                     copy_sources: bool = True, progress: Progress | None = None,
                     actor: str | None = None) -> ImportReport:
        given = [Path(p) for p in paths]
        report = ImportReport()
        paths: list[Path] = []
        for arg in given:
            try:
                files, passed_over = expand_paths([arg], recursive=recursive)
            except QualbenchError as exc:
                if not skip_bad:
                    raise
                report.failed.append((str(arg), str(exc)))
                continue
            report.skipped.extend(passed_over)
            paths.extend(files)
        once: dict[Path, Path] = {}
        for path in paths:  # a file named twice (and inside a folder given too) is read once
            once.setdefault(path.resolve(), path)
        paths = list(once.values())
        parsed: list[ParsedTranscript] = []
        roles = self.role_map()
        seen_names: dict[str, str] = {}
        for i, path in enumerate(paths):
            if progress:
                progress(i, len(paths) * 2, path.name)
            try:
                doc = read_transcript(path, roles)
                fresh = self._check_new(doc, as_new_version, seen_names, report)
            except QualbenchError as exc:
                if not skip_bad:
                    raise
                report.failed.append((str(path), str(exc)))
                continue
            if fresh:
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
        if not parsed:      # nothing new (all bad with --skip-bad, or all already here): write nothing
            if progress:
                progress(len(paths) * 2, len(paths) * 2, "done")
            return report
        if participant:
            report.warnings.extend(self._unknown_participant(participant))
        copies: list[Path] = []
        try:
            with self._change("documents.import", actor=actor, undoable=False,
                              summary={"files": [str(p) for p in given]}) as (ch, info):
                for di, doc in enumerate(parsed):
                    if progress:
                        progress(len(paths) + di, len(paths) * 2, doc.name)
                    previous = self._latest_id(doc.name)
                    doc_id = self._insert_document(doc, per_doc[di], participant, report)
                    if previous is not None:
                        report.carried.append(self._carry_forward(ch, previous, doc_id))
                info["imported"] = report.imported
                if report.carried:
                    info["carried"] = {c.document: {"codings": c.codings, "unplaced": len(c.unplaced)}
                                       for c in report.carried}
                if copy_sources:
                    self._copy_sources(parsed, report, copies)
                    info["copied"] = [dest for _, dest in report.copied]
        except BaseException:
            for copy in copies:
                copy.unlink(missing_ok=True)
            report.copied.clear()
            raise
        if progress:
            progress(len(paths) * 2, len(paths) * 2, "done")
        return report

    def _unknown_participant(self, label: str) -> list[str]:
        """A warning when --participant names someone the participant table does not have.

        Not an error: the interview may well come before the table. With no table yet
        there is nothing to check against.
        """
        from ..exchange.tables import label_key

        labels = [r["label"] for r in self.store.query("SELECT label FROM participants ORDER BY label")]
        if not labels or label_key(label) in {label_key(x) for x in labels}:
            return []
        from rapidfuzz import fuzz, process

        found = process.extract(label_key(label), {x: label_key(x) for x in labels}, scorer=fuzz.ratio,
                                score_cutoff=60, limit=3)
        close = [key for _, score, key in found if score >= found[0][1] - 10] if found else []
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        return [f"participant {label} is not in the participant table ({len(labels)} participants{hint}); "
                f"the document is linked to {label} anyway, as the table may get that row later"]

    def _check_new(self, doc: ParsedTranscript, as_new_version: bool, seen: dict, report: ImportReport) -> bool:
        """True if ``doc`` is to be imported; False if it is already here (noted as skipped)."""
        if doc.name.casefold() in seen:
            raise QualbenchError(f"two files in this import are both named '{doc.name}' "
                                 f"(also {seen[doc.name.casefold()]})", source=doc.source_path)
        same = self.store.one("SELECT name FROM documents WHERE sha256 = ? LIMIT 1", [doc.sha256])
        if same:
            report.skipped.append((doc.name, f"already imported as '{same['name']}' (same content)"))
            return False
        existing = self.store.one("SELECT id FROM documents WHERE name = ? COLLATE NOCASE", [doc.name])
        if existing and not as_new_version:
            raise QualbenchError(
                f"a different document named '{doc.name}' is already in the project; "
                "use --as-new-version to import it as a new version", source=doc.source_path)
        return True

    def _latest_id(self, name: str) -> int | None:
        return self.store.scalar("SELECT id FROM documents WHERE name = ? COLLATE NOCASE "
                                 "ORDER BY version DESC LIMIT 1", [name])

    def _insert_document(self, doc: ParsedTranscript, turn_segments: list, participant: str | None,
                         report: ImportReport) -> int:
        version = (self.store.scalar("SELECT MAX(version) FROM documents WHERE name = ? COLLATE NOCASE",
                                     [doc.name]) or 0) + 1
        n_words = doc.n_words
        owner = participant or self.participant_for(doc.name)
        doc_id = self.db["documents"].insert({
            "name": doc.name, "version": version, "source_path": doc.source_path,
            "source_format": doc.source_format, "sha256": doc.sha256, "text": doc.text,
            "language": self.settings.language, "participant": owner,
            "n_words": n_words, "imported_at": now()}).last_pk
        labelled = any(t.speaker for t in doc.turns)
        assignment = assign_roles((t.speaker for t in doc.turns), self.role_map(), owner)
        # Explicit ids let turns and segments go in as two executemany batches.
        turn_id = self.store.scalar("SELECT COALESCE(MAX(id), 0) FROM turns")
        turn_rows, seg_rows = [], []
        for idx, (turn, segs) in enumerate(zip(doc.turns, turn_segments)):
            turn_id += 1
            role = assignment.role(turn.speaker, labelled=labelled)
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
        report.files[doc.name] = doc.source_path
        report.words += n_words
        report.segments += len(seg_rows)
        report.warnings.extend(self._import_warnings(doc, owner, labelled, assignment))
        return doc_id

    def _import_warnings(self, doc: ParsedTranscript, owner: str | None, labelled: bool, assignment) -> list[str]:
        """What a researcher should check after importing ``doc`` (never a reason to refuse it)."""
        file = Path(doc.source_path.split("#", 1)[0]).name if doc.source_format != "refi" else doc.name
        out = []
        if owner is None:
            out.append(f"{file}: no participant (name it P07_... or use --participant)")
        if not labelled:
            out.append(f"{file}: no speaker labels found, so each paragraph became one participant turn "
                       "(label turns 'I:' and 'P:' to tell interviewer and participant apart)")
        if assignment.inferred:
            out.append(f"{file}: speaker '{assignment.inferred}' taken as the participant (the only "
                       f"speaker besides interviewer '{assignment.interviewer}'); map it in "
                       "qualbench.toml [speakers] to make this explicit")
        if assignment.unknown:
            names = ", ".join(f"'{n}'" for n in assignment.unknown)
            out.append(f"{file}: speaker{'s' if len(assignment.unknown) > 1 else ''} {names} "
                       f"{'have' if len(assignment.unknown) > 1 else 'has'} no role: map "
                       f"{'them' if len(assignment.unknown) > 1 else 'it'} in qualbench.toml [speakers] "
                       "(until then their turns count as 'other', not as interviewer or participant)")
        return out

    # -- new versions ---------------------------------------------------------------------
    def _carry_forward(self, ch, old_id: int, new_id: int) -> CarryResult:
        """Move codings, settlements and document memos from version ``old_id`` to ``new_id``."""
        old = self.store.one("SELECT name, version, text FROM documents WHERE id = ?", [old_id])
        new = self.store.one("SELECT version, text FROM documents WHERE id = ?", [new_id])
        result = CarryResult(old["name"], old["version"], new["version"])
        old_text, new_text = old["text"], new["text"]
        placed: dict[tuple[int, int], tuple[int, int] | None] = {}

        def place(start: int, end: int) -> tuple[int, int] | None:
            if (start, end) not in placed:
                placed[(start, end)] = reanchor(old_text, new_text, start, end)
            return placed[(start, end)]

        for c in self.store.query(
                'SELECT c.id, c.start, c."end", k.name AS coder, d.name AS code FROM codings c '
                "JOIN coders k ON k.id = c.coder_id JOIN codes d ON d.id = c.code_id "
                'WHERE c.document_id = ? ORDER BY c.start, c."end", c.id', [old_id]):
            span = place(c["start"], c["end"])
            if span is None:
                result.unplaced.append(f"{old['name']}, {c['coder']}, {c['code']}: "
                                       f"\"{first_words(old_text[c['start']:c['end']])}\"")
                continue
            ch.update("codings", c["id"], {"document_id": new_id, "start": span[0], "end": span[1]})
            result.codings += 1
        for s in self.store.query('SELECT id, start, "end" FROM settlements WHERE document_id = ?', [old_id]):
            span = place(s["start"], s["end"])
            if span is None:
                result.settlements_left += 1
                continue
            ch.update("settlements", s["id"], {"document_id": new_id, "start": span[0], "end": span[1]})
            result.settlements += 1
        for m in self.store.query("SELECT id FROM memos WHERE target_type = 'document' AND target_id = ?",
                                  [old_id]):
            ch.update("memos", m["id"], {"target_id": new_id})
            result.memos += 1
        return result

    # -- the project's own copy of each source file ------------------------------------------
    def _copy_sources(self, parsed: list[ParsedTranscript], report: ImportReport, created: list[Path]) -> None:
        folder = self.path / "transcripts"
        for doc in parsed:
            source = Path(doc.source_path).resolve()
            if source.is_relative_to(self.path):
                continue
            try:
                folder.mkdir(exist_ok=True)
                target = _free_name(folder, source, doc.sha256)
                if target is None:
                    continue  # an identical copy is already there
                shutil.copyfile(source, target)
            except OSError as exc:
                raise InputFileError(f"could not copy it into the project's transcripts/ folder "
                                     f"({exc.strerror or exc}); nothing was imported", source=source) from None
            created.append(target)
            report.copied.append((str(source), str(target.relative_to(self.path))))

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


def _free_name(folder: Path, source: Path, sha256: str) -> Path | None:
    """Where to copy ``source`` in ``folder``: its own name, else ``name-2``, ``name-3`` …;
    None if a file there already has exactly this content."""
    k = 1
    while True:
        target = folder / (source.name if k == 1 else f"{source.stem}-{k}{source.suffix}")
        if not target.exists():
            return target
        if target.is_file() and _sha256(target) == sha256:
            return None
        k += 1


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
