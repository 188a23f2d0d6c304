"""REFI-QDA in and out of a project: ``.qdpx`` projects and ``.qdc`` codebooks.

The file side lives in :mod:`qualbench.exchange.refi` (plain objects ↔ XML/ZIP); this
mixin maps those objects to the database and back.

**Export** builds a :class:`~qualbench.exchange.refi.RefiProject` from the project:
coders become Users, the code tree the CodeBook (themes and categories not codable),
the latest version of each document a TextSource whose selections group codings of the
same span by the same coder, memos and coding memos Notes, participants Cases with
their attributes as Variables. GUIDs are ``uuid5`` of a per-project namespace (seeded by
the moment the project's database was created) and the object's id, and timestamps
come from the data, so exporting an unchanged project twice gives identical bytes and
another tool sees the same objects as the same objects.

**Import** reads the whole file first (outside any transaction), then writes everything
in one transaction and one ``refi.import`` event: a broken or hostile file, or a
conflict, leaves the database exactly as it was. Matching is by name, so importing a
colleague's project into ours adds to it rather than duplicating: codes (and former
names) match existing codes, documents with the same name must have the same text
(then codings attach to them), participants match by label, attributes by name, and a
coding already present is not added twice. What could not be mapped is listed in the
report, one line each.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import metadata
from pathlib import Path

from ..errors import QualbenchError, ValidationError
from ..exchange.refi import (RefiCase, RefiCode, RefiCoding, RefiNote, RefiProject, RefiSelection,
                             RefiSource, RefiUser, RefiVariable, codebook_xml, qdpx_bytes, read_qdc,
                             read_qdpx, write_atomically, xsd_datetime)
from ..exchange.tables import infer_type
from ..exchange.transcripts import ParsedTranscript, parse_plain_text
from ..nlp import segment_spans
from .base import ProjectBase, now
from .documents import ImportReport

FALLBACK_CODER = "imported"
_INT = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass
class RefiImportReport:
    file: str
    origin: str = ""
    documents: list[str] = field(default_factory=list)          # new documents
    documents_matched: list[str] = field(default_factory=list)  # already here, same text
    codes_new: list[str] = field(default_factory=list)
    codes_matched: list[str] = field(default_factory=list)
    codes_updated: list[str] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    codings: int = 0
    codings_present: int = 0                                     # already in the project
    memos: int = 0
    participants: int = 0
    attributes: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)          # per document, when evidence decided
    remarks: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)           # what was not imported, and why

    def summary(self) -> str:
        parts = [f"{len(self.documents)} document(s)"]
        if self.documents_matched:
            parts[-1] += f" (+{len(self.documents_matched)} already here)"
        parts += [f"{len(self.codes_new)} new code(s)" + (f", {len(self.codes_matched)} matched"
                                                          if self.codes_matched else ""),
                  f"{self.codings} coding(s)" + (f" ({self.codings_present} already here)"
                                                 if self.codings_present else ""),
                  f"{len(self.coders)} coder(s)", f"{self.memos} memo(s)",
                  f"{self.participants} participant(s)"]
        return "Imported " + ", ".join(parts) + "."


def _stamp(value: str | None) -> str:
    """A file's xsd:dateTime as our timestamp form; now when absent or unreadable."""
    try:
        t = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return now()
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return t.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def _snippet(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


def _decimal(value: str) -> Decimal | None:
    try:
        d = Decimal(value.strip())
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def _variable_type(attr_type: str, values: list[str]) -> str:
    if attr_type == "number" and all(_decimal(v) is not None for v in values):
        return "Integer" if all(_INT.match(v) for v in values) else "Float"
    if attr_type == "date" and all(_valid_date(v) for v in values):
        return "Date"
    return "Text"


def _valid_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
        return True
    except ValueError:
        return False


def _typed_value(var_type: str, value: str) -> str:
    if var_type == "Float" and not _DECIMAL.match(value):
        return format(_decimal(value), "f")     # xsd:decimal has no exponent: 1e5 → 100000
    return value


def _attribute_type(var_type: str, values: list[str]) -> str:
    t = var_type.casefold()
    if t in ("integer", "float"):
        return "number"
    if t == "date":
        return "date"
    if t == "boolean":
        return "category"
    if t == "datetime":
        return "text"
    return infer_type(values)      # Text: typed as the same column from a CSV would be


class RefiMixin(ProjectBase):
    # == export ===========================================================================
    def export_qdpx(self, path: Path | str, force: bool = False, *, actor: str | None = None) -> dict:
        """Write the project as a REFI-QDA ``.qdpx``; returns what was written."""
        path = self._refi_target(path, force)
        project, skipped = self._refi_project()
        data = qdpx_bytes(project)
        write_atomically(path, data)
        return self._refi_exported(path, data, project, skipped, "qdpx", actor)

    def export_qdc(self, path: Path | str, force: bool = False, *, actor: str | None = None) -> dict:
        """Write the codebook as a REFI-QDA ``.qdc`` (hierarchy, definitions, colours)."""
        path = self._refi_target(path, force)
        project, _ = self._refi_project(codebook_only=True)
        if not project.codes:       # the schema needs at least one Code
            raise QualbenchError("the codebook is empty: nothing to export")
        data = codebook_xml(project.codes, origin=project.origin)
        write_atomically(path, data)
        return self._refi_exported(path, data, project, [], "qdc", actor)

    def _refi_target(self, path: Path | str, force: bool) -> Path:
        path = Path(path)
        if path.exists() and not force:
            raise QualbenchError("exists; use --force to overwrite", source=path)
        if path.exists() and path.is_dir():
            raise QualbenchError("is a folder; give a file name", source=path)
        return path

    def _refi_exported(self, path: Path, data: bytes, project: RefiProject, skipped: list[str],
                       fmt: str, actor: str | None) -> dict:
        result = {"path": str(path), "format": fmt, "bytes": len(data),
                  "codes": sum(1 for _ in project.all_codes()), "skipped": skipped}
        if fmt == "qdpx":
            result.update(coders=len(project.users), documents=len(project.sources),
                          codings=sum(len(s.codings) for src in project.sources for s in src.selections),
                          notes=len(project.notes), cases=len(project.cases))
        with self._change("refi.export", actor=actor, undoable=False,
                          summary={k: v for k, v in result.items() if k != "skipped"}):
            pass
        return result

    def _refi_namespace(self) -> uuid.UUID:
        # The moment the database was created is unique to this project and never changes.
        row = self.store.one("SELECT applied_at FROM _sqlite_migrations WHERE name = '0001_initial'")
        seed = row["applied_at"] if row else self.settings.title
        return uuid.uuid5(uuid.NAMESPACE_URL, f"qualbench:project:{seed}")

    def _refi_times(self) -> tuple[str | None, str | None]:
        row = self.store.one("SELECT applied_at FROM _sqlite_migrations WHERE name = '0001_initial'")
        created = xsd_datetime(row["applied_at"]) if row else None
        last = self.store.scalar("SELECT MAX(at) FROM events WHERE action NOT LIKE '%export%'")
        return created, xsd_datetime(last) or created

    def _refi_project(self, codebook_only: bool = False) -> tuple[RefiProject, list[str]]:
        ns = self._refi_namespace()

        def gid(kind: str, key) -> str:
            return str(uuid.uuid5(ns, f"{kind}:{key}"))

        try:
            origin = f"qualbench {metadata.version('qualbench')}"
        except metadata.PackageNotFoundError:
            origin = "qualbench"
        created, modified = self._refi_times()
        coders = self.coders()
        users = {c["id"]: gid("coder", c["id"]) for c in coders}
        by_name = {c["name"]: users[c["id"]] for c in coders}
        project = RefiProject(name=self.settings.title, origin=origin, created=created, modified=modified,
                              creating_user=by_name.get(self.settings.default_coder),
                              users=[RefiUser(users[c["id"]], c["name"]) for c in coders])
        skipped: list[str] = []
        notes = self._refi_memo_notes(gid, users, project, skipped)
        project.codes = self._refi_codes_out(self.code_tree(), gid, notes)
        if codebook_only:
            return project, skipped
        docs = self._refi_sources_out(gid, users, notes, project, skipped)
        self._refi_cases_out(gid, docs, project)
        project.project_notes = notes.get(("project", None), [])
        return project, skipped

    def _refi_memo_notes(self, gid, users: dict, project: RefiProject, skipped: list[str]) -> dict:
        """Memos and coding memos as Notes; returns note GUIDs by (target type, id)."""
        refs: dict[tuple, list[str]] = defaultdict(list)
        codes = {c.id: c.name for c in self.codes()}
        docs = {d.id: d.name for d in self.documents()}
        lost = 0
        for m in self.store.query("SELECT * FROM memos ORDER BY id"):
            kind, target = m["target_type"], m["target_id"]
            if not m["text"].strip():
                continue
            names = {"project": {None: "the project"}, "document": docs, "code": codes}[kind]
            if target not in names:
                lost += 1
                continue
            guid = gid("memo", m["id"])
            project.notes.append(RefiNote(guid, f"Memo on {names[target]}", m["text"],
                                          users.get(m["coder_id"]), xsd_datetime(m["created_at"]),
                                          xsd_datetime(m["updated_at"])))
            refs[(kind, target)].append(guid)
        for c in self.store.query(
                'SELECT c.id, c.document_id, c.code_id, c.coder_id, c.memo, c.created_at FROM codings c '
                "WHERE c.memo != '' ORDER BY c.id"):
            if c["document_id"] not in docs:
                continue      # counted with the codings of old versions
            guid = gid("coding-memo", c["id"])
            project.notes.append(RefiNote(guid, f"Coding memo: {codes.get(c['code_id'], '')} in "
                                          f"{docs[c['document_id']]}", c["memo"], users.get(c["coder_id"]),
                                          xsd_datetime(c["created_at"])))
            refs[("coding", c["id"])].append(guid)
        if lost:
            skipped.append(f"{lost} memo(s) on old document versions or removed codes")
        return refs

    def _refi_codes_out(self, tree: list[dict], gid, notes: dict) -> list[RefiCode]:
        return [RefiCode(gid("code", n["id"]), n["name"], n["kind"] == "code", n["kind"], n["color"],
                         n["description"], n["when_to_use"], n["when_not_to_use"], n["example"],
                         list(notes.get(("code", n["id"]), [])),
                         self._refi_codes_out(n["children"], gid, notes)) for n in tree]

    def _refi_sources_out(self, gid, users: dict, notes: dict, project: RefiProject,
                          skipped: list[str]) -> list[dict]:
        docs = self.store.query(
            "SELECT id, name, participant, text, imported_at FROM documents d WHERE version = "
            "(SELECT MAX(version) FROM documents d2 WHERE d2.name = d.name) ORDER BY name")
        codings = self.store.query(
            'SELECT id, document_id, code_id, coder_id, start, "end", created_at FROM codings '
            'ORDER BY document_id, start, "end", coder_id, id')
        by_doc: dict[int, list[dict]] = defaultdict(list)
        for c in codings:
            by_doc[c["document_id"]].append(c)
        latest = {d["id"] for d in docs}
        old = sum(len(v) for k, v in by_doc.items() if k not in latest)
        if old:
            skipped.append(f"{old} coding(s) on old document versions (only the latest version is exported)")
        for d in docs:
            source = RefiSource(gid("document", d["id"]), d["name"], d["text"],
                                notes=list(notes.get(("document", d["id"]), [])),
                                created=xsd_datetime(d["imported_at"]))
            groups: dict[tuple, list[dict]] = {}
            for c in by_doc.get(d["id"], []):
                groups.setdefault((c["start"], c["end"], c["coder_id"]), []).append(c)
            for (start, end, coder_id), items in groups.items():
                user = users.get(coder_id)
                source.selections.append(RefiSelection(
                    gid("selection", f"{d['id']}:{start}:{end}:{coder_id}"), start, end,
                    _snippet(d["text"][start:end]), "", user, xsd_datetime(min(i["created_at"] for i in items)),
                    [RefiCoding(gid("coding", i["id"]), gid("code", i["code_id"]), user,
                                xsd_datetime(i["created_at"]), list(notes.get(("coding", i["id"]), [])))
                     for i in items]))
            project.sources.append(source)
        return docs

    def _refi_cases_out(self, gid, docs: list[dict], project: RefiProject) -> None:
        attrs = self.store.query("SELECT id, name, type FROM attributes ORDER BY position, id")
        values = self.store.query("SELECT participant_id, attribute_id, value FROM participant_values "
                                  "WHERE value IS NOT NULL AND value != ''")
        by_attr: dict[int, list[str]] = defaultdict(list)
        by_part: dict[int, dict[int, str]] = defaultdict(dict)
        for v in values:
            by_attr[v["attribute_id"]].append(v["value"])
            by_part[v["participant_id"]][v["attribute_id"]] = v["value"]
        types = {a["id"]: _variable_type(a["type"], by_attr[a["id"]]) for a in attrs}
        project.variables = [RefiVariable(gid("attribute", a["id"]), a["name"], types[a["id"]]) for a in attrs]
        for p in self.store.query("SELECT id, label FROM participants ORDER BY label"):
            case = RefiCase(gid("participant", p["id"]), p["label"])
            for a in attrs:
                value = by_part[p["id"]].get(a["id"])
                if value is not None:
                    case.values.append((gid("attribute", a["id"]), _typed_value(types[a["id"]], value)))
            case.sources = [gid("document", d["id"]) for d in docs
                            if (d["participant"] or "").casefold() == p["label"].casefold()]
            project.cases.append(case)

    # == import ===========================================================================
    def import_qdpx(self, path: Path | str, *, actor: str | None = None) -> RefiImportReport:
        """Import a REFI-QDA project (any tool) in one transaction; see the module docstring."""
        return self._import_refi(read_qdpx(path), Path(path), actor)

    def import_qdc(self, path: Path | str, *, actor: str | None = None) -> RefiImportReport:
        """Import a REFI-QDA codebook: new codes added, existing ones matched by name."""
        return self._import_refi(read_qdc(path), Path(path), actor)

    def _import_refi(self, data: RefiProject, path: Path, actor: str | None) -> RefiImportReport:
        report = RefiImportReport(str(path), data.origin, remarks=list(data.remarks),
                                  unmapped=list(data.problems))
        plan = self._refi_plan_documents(data, path, report)
        self._refi_segment([p for p in plan if p["doc"] is not None])   # slow: before the transaction
        with self._change("refi.import", actor=actor, undoable=False,
                          summary={"file": str(path), "origin": data.origin}) as (_, info):
            coders = self._refi_coders(data)
            codes = self._refi_codes_in(data.codes, report)
            docs = self._refi_documents_in(plan, report)
            self._refi_codings_in(data, docs, codes, coders, report)
            self._refi_memos_in(data, docs, codes, coders, report)
            self._refi_cases_in(data, docs, report)
            info.update(documents=len(report.documents), codes=len(report.codes_new),
                        codings=report.codings, memos=report.memos, participants=report.participants,
                        unmapped=len(report.unmapped))
        return report

    # -- documents ------------------------------------------------------------------------
    def _refi_plan_documents(self, data: RefiProject, path: Path, report: RefiImportReport) -> list[dict]:
        """Decide, before writing, which sources are new documents and which are already here."""
        case_of = {}
        for case in data.cases:
            for guid in case.sources:
                case_of.setdefault(guid, case.name or None)
        existing = {d.name.casefold(): d for d in self.documents()}
        used: set[str] = set()
        plan, conflicts = [], []
        for i, source in enumerate(data.sources, start=1):
            name = " ".join(source.name.split()) or f"source {i}"
            if name.casefold() in used:
                base, k = name, 2
                while f"{base} ({k})".casefold() in used:
                    k += 1
                name = f"{base} ({k})"
                report.remarks.append(f"a second source named '{base}' imported as '{name}'")
            used.add(name.casefold())
            if source.positions:
                report.positions.append(f"{name}: {source.positions}")
            entry = {"source": source, "name": name, "doc_id": None, "doc": None,
                     "participant": case_of.get(source.guid) or self.participant_for(name)}
            same = self.store.one("SELECT id, name FROM documents WHERE length(text) = ? AND text = ? "
                                  "ORDER BY version DESC LIMIT 1", [len(source.text), source.text])
            if same:
                entry["doc_id"] = same["id"]
                report.documents_matched.append(same["name"])
                if same["name"].casefold() != name.casefold():
                    report.remarks.append(f"source '{name}' has the text of document '{same['name']}': "
                                          "its codings go there")
            elif name.casefold() in existing:
                conflicts.append(f"document '{name}' is already in the project with a different text; "
                                 "rename one of them and import again")
            else:
                _, turns = parse_plain_text(source.text, self.role_map())
                entry["doc"] = ParsedTranscript(name, f"{path}#{name}", "refi",
                                                hashlib.sha256(source.text.encode("utf-8")).hexdigest(),
                                                source.text, turns)
            plan.append(entry)
        if conflicts:
            raise ValidationError(conflicts, source=path)
        return plan

    def _refi_segment(self, plan: list[dict]) -> None:
        texts, owners = [], []
        for i, entry in enumerate(plan):
            doc = entry["doc"]
            for t in doc.turns:
                texts.append(doc.text[t.start:t.end])
                owners.append(i)
        spans = segment_spans(texts, self.settings.language, self.settings.spacy_model) if texts else []
        per_doc: list[list] = [[] for _ in plan]
        for owner, segs in zip(owners, spans):
            per_doc[owner].append(segs)
        for entry, segs in zip(plan, per_doc):
            entry["segments"] = segs

    def _refi_documents_in(self, plan: list[dict], report: RefiImportReport) -> dict[str, int]:
        ids: dict[str, int] = {}
        scratch = ImportReport()
        for entry in plan:
            if entry["doc"] is not None:
                self._insert_document(entry["doc"], entry["segments"], entry["participant"], scratch)
                entry["doc_id"] = self.store.scalar(
                    "SELECT id FROM documents WHERE name = ? ORDER BY version DESC LIMIT 1", [entry["name"]])
                report.documents.append(entry["name"])
            ids[entry["source"].guid] = entry["doc_id"]
        return ids

    # -- coders and codes -----------------------------------------------------------------
    def _refi_coder(self, name: str) -> int:
        row = self.store.one("SELECT id FROM coders WHERE name = ?", [name])
        if row:
            return row["id"]
        kind = "consensus" if name == "consensus" else "human"
        return self.db["coders"].insert({"name": name, "kind": kind, "created_at": now()}).last_pk

    def _refi_coders(self, data: RefiProject) -> dict[str | None, int]:
        """User GUID → coder id; None → who codes when a coding names nobody."""
        ids: dict[str | None, int] = {}
        for user in data.users:
            ids[user.guid] = self._refi_coder(user.name)
        if data.creating_user in ids:
            ids[None] = ids[data.creating_user]
        elif len(set(ids.values())) == 1:
            ids[None] = next(iter(ids.values()))
        return ids

    def _refi_codes_in(self, codes: list[RefiCode], report: RefiImportReport) -> dict[str, int]:
        ids: dict[str, int] = {}
        claimed: set[str] = set()

        def existing(name: str) -> dict | None:
            row = self.store.one("SELECT * FROM codes WHERE name = ? COLLATE NOCASE", [name])
            if row is None:
                row = self.store.one("SELECT c.* FROM code_aliases a JOIN codes c ON c.id = a.code_id "
                                     "WHERE a.name = ? COLLATE NOCASE ORDER BY a.id DESC LIMIT 1", [name])
            return row

        def unique(name: str, parent: str | None) -> str:
            candidates = [f"{name} ({parent})"] if parent else []
            candidates += [f"{name} ({k})" for k in range(2, 1000)]
            for c in candidates:
                if c.casefold() not in claimed and existing(c) is None:
                    return c
            raise QualbenchError(f"cannot find a free name for code '{name}'")

        def walk(nodes: list[RefiCode], parent_id: int | None, parent_name: str | None) -> None:
            for node in nodes:
                name = node.name or "unnamed code"
                row = existing(name) if name.casefold() not in claimed else None
                if row is None and name.casefold() in claimed:
                    new_name = unique(name, parent_name)
                    report.remarks.append(f"a second code named '{name}' imported as '{new_name}'")
                    name = new_name
                if row is not None:
                    ids[node.guid] = row["id"]
                    self._refi_update_code(row, node, report)
                else:
                    ids[node.guid] = self._refi_insert_code(node, name, parent_id)
                    report.codes_new.append(name)
                claimed.add(name.casefold())
                if row is not None:
                    claimed.add(row["name"].casefold())
                walk(node.children, ids[node.guid], name)

        walk(codes, None, None)
        return ids

    def _refi_insert_code(self, node: RefiCode, name: str, parent_id: int | None) -> int:
        position = self.store.scalar(
            "SELECT COALESCE(MAX(position) + 1, 0) FROM codes WHERE parent_id IS ?", [parent_id])
        return self.db["codes"].insert({
            "parent_id": parent_id, "kind": node.kind, "name": name, "description": node.description,
            "when_to_use": node.when_to_use, "when_not_to_use": node.when_not_to_use,
            "example": node.example, "color": node.color, "position": position,
            "created_at": now()}).last_pk

    def _refi_update_code(self, row: dict, node: RefiCode, report: RefiImportReport) -> None:
        # The project's codebook wins; the file only fills in or changes definitions it gives.
        changes = {k: getattr(node, k) for k in ("description", "when_to_use", "when_not_to_use", "example")
                   if getattr(node, k) and getattr(node, k) != row[k]}
        if changes:
            self.db["codes"].update(row["id"], changes)
            report.codes_updated.append(row["name"])
        else:
            report.codes_matched.append(row["name"])

    # -- codings and memos ----------------------------------------------------------------
    def _refi_codings_in(self, data: RefiProject, docs: dict, codes: dict, coders: dict,
                         report: RefiImportReport) -> None:
        notes = {n.guid: n for n in data.notes}
        present = set()
        for doc_id in {d for d in docs.values() if d is not None}:
            present |= {(doc_id, r["code_id"], r["coder_id"], r["start"], r["end"])
                        for r in self.store.query('SELECT code_id, coder_id, start, "end" FROM codings '
                                                  "WHERE document_id = ?", [doc_id])}
        rows, used_coders, fallback, fallback_id = [], set(), 0, None
        for source in data.sources:
            doc_id = docs[source.guid]
            whole = RefiSelection("", 0, len(source.text), codings=source.codings)
            for sel in source.selections + ([whole] if source.codings else []):
                shared = [sel.description] + [notes[g].text for g in sel.notes]
                for coding in sel.codings:
                    user = coding.user or sel.user
                    if user is not None or None in coders:
                        coder_id = coders[user]
                    else:   # nobody named, and no single or creating user to fall back on
                        fallback_id = fallback_id or self._refi_coder(FALLBACK_CODER)
                        coder_id, fallback = fallback_id, fallback + 1
                    key = (doc_id, codes[coding.code], coder_id, sel.start, sel.end)
                    if key in present:
                        report.codings_present += 1
                        continue
                    present.add(key)
                    memo = "\n\n".join(t.strip() for t in shared + [notes[g].text for g in coding.notes]
                                        if t and t.strip())
                    rows.append((*key, memo, _stamp(coding.created or sel.created)))
                    used_coders.add(coder_id)
        self.db.conn.executemany(
            'INSERT INTO codings (document_id, code_id, coder_id, start, "end", memo, starred, created_at) '
            "VALUES (?, ?, ?, ?, ?, ?, 0, ?)", rows)
        report.codings = len(rows)
        names = {r["id"]: r["name"] for r in self.store.query("SELECT id, name FROM coders")}
        report.coders = sorted({names[i] for i in used_coders} | {u.name for u in data.users})
        if fallback:
            report.remarks.append(f"{fallback} coding(s) name no known author: coded by '{FALLBACK_CODER}'")

    def _refi_memos_in(self, data: RefiProject, docs: dict, codes: dict, coders: dict,
                       report: RefiImportReport) -> None:
        notes = {n.guid: n for n in data.notes}
        targets: dict[tuple, list[RefiNote]] = defaultdict(list)
        referenced: set[str] = set(data.project_notes)
        targets[("project", None)] += [notes[g] for g in data.project_notes]
        if data.description:
            targets[("project", None)].append(RefiNote("", "Project description", data.description))
        for code in data.all_codes():
            targets[("code", codes[code.guid])] += [notes[g] for g in code.notes]
            referenced |= set(code.notes)
        for source in data.sources:
            key = ("document", docs[source.guid])
            if source.description.strip():
                targets[key].append(RefiNote("", "Description", source.description.strip()))
            targets[key] += [notes[g] for g in source.notes]
            referenced |= set(source.notes)
            referenced |= {g for c in source.codings for g in c.notes}
            for sel in source.selections:
                referenced |= set(sel.notes) | {g for c in sel.codings for g in c.notes}
                if not sel.codings and (sel.description or sel.notes):   # an annotation (MAXQDA)
                    text = "\n".join([sel.description] + [notes[g].text for g in sel.notes]).strip()
                    targets[key].append(RefiNote("", f"Annotation on “{_snippet(source.text[sel.start:sel.end])}”",
                                                 text))
        # Notes nothing points to keep their names as headings: the name may be all that
        # says what they are about.
        targets[("project", None)] += [RefiNote("", n.name, n.text, n.user) for n in data.notes
                                       if n.guid not in referenced]
        for (kind, target), items in targets.items():
            if items:
                self._refi_add_memo(kind, target, items, coders)
                report.memos += len(items)

    def _refi_add_memo(self, kind: str, target: int | None, items: list[RefiNote], coders: dict) -> None:
        if len(items) == 1 and items[0].guid:
            text = items[0].text
        else:
            text = "\n\n".join(f"{n.name}\n{n.text}" if n.name else n.text for n in items)
        text = text.strip()
        if not text:
            return
        row = self.store.one("SELECT id, text FROM memos WHERE target_type = ? AND target_id IS ? "
                             "ORDER BY id DESC LIMIT 1", [kind, target])
        if row and text in row["text"]:
            return
        if row:
            self.db["memos"].update(row["id"], {"text": f"{row['text']}\n\n{text}", "updated_at": now()})
        else:
            coder = next((coders.get(n.user) for n in items if n.user in coders), None)
            self.db["memos"].insert({"target_type": kind, "target_id": target, "coder_id": coder,
                                     "text": text, "created_at": now(), "updated_at": now()})

    # -- participants ---------------------------------------------------------------------
    def _refi_cases_in(self, data: RefiProject, docs: dict, report: RefiImportReport) -> None:
        if not data.cases:
            return
        variables = {v.guid: v for v in data.variables}
        values_of: dict[str, list[str]] = defaultdict(list)
        for case in data.cases:
            for guid, value in case.values:
                if guid in variables and value != "":
                    values_of[guid].append(value)
        attr_ids = self._refi_attributes(variables, values_of, report)
        existing = {r["label"].casefold(): r["id"] for r in self.store.query("SELECT id, label FROM participants")}
        types = {r["id"]: r["type"] for r in self.store.query("SELECT id, type FROM attributes")}
        rows, nameless = [], 0
        for case in data.cases:
            if not case.name:
                nameless += 1
                continue
            pid = existing.get(case.name.casefold())
            if pid is None:
                pid = self.db["participants"].insert({"label": case.name, "imported_at": now()}).last_pk
                existing[case.name.casefold()] = pid
            report.participants += 1
            for guid, value in case.values:
                if guid not in attr_ids or value == "":
                    continue
                rows.append(self._refi_value(pid, attr_ids[guid], types[attr_ids[guid]], value,
                                             case.name, variables[guid].name, report))
        if rows:
            self.db["participant_values"].insert_all(rows, replace=True, batch_size=1000)
        if nameless:
            report.unmapped.append(f"{nameless} case(s) without a name: not imported as participants")

    def _refi_attributes(self, variables: dict, values_of: dict, report: RefiImportReport) -> dict[str, int]:
        existing = {r["name"].casefold(): r["id"] for r in self.store.query("SELECT id, name FROM attributes")}
        position = self.store.scalar("SELECT COALESCE(MAX(position) + 1, 0) FROM attributes")
        ids = {}
        for guid, var in variables.items():
            if var.name.casefold() in existing:
                ids[guid] = existing[var.name.casefold()]
            else:
                ids[guid] = self.db["attributes"].insert({
                    "name": var.name, "type": _attribute_type(var.type, values_of.get(guid, [])),
                    "position": position}).last_pk
                existing[var.name.casefold()] = ids[guid]
                position += 1
            report.attributes.append(var.name)
        return ids

    def _refi_value(self, pid: int, attr_id: int, attr_type: str, value: str, label: str, name: str,
                    report: RefiImportReport) -> dict:
        number = None
        if attr_type == "number":
            try:
                number = float(value)
            except ValueError:
                report.unmapped.append(f"participant {label}: {name} '{value}' is not a number "
                                       "(kept as text, not counted)")
        elif attr_type == "date" and _ISO_DATE.match(value):
            value = value[:10]        # xsd:date may carry a time zone
        return {"participant_id": pid, "attribute_id": attr_id, "value": value, "number": number}
