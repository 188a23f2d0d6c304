"""REFI-QDA in and out of a project: ``.qdpx`` projects and ``.qdc`` codebooks.

The file side lives in :mod:`qualbench.exchange.refi` (plain objects ↔ XML/ZIP); this
mixin maps those objects to the database and back.

**Export** builds a :class:`~qualbench.exchange.refi.RefiProject` from the project:
coders become Users, the code tree the CodeBook (themes and categories not codable),
the latest version of each document a TextSource whose selections group codings of the
same span by the same coder, memos and coding memos Notes, participants Cases with
their attributes as Variables — and a participant label that documents carry but the
participant table lacks a Case without variables, so the link survives. GUIDs are
``uuid5`` of a per-project namespace (seeded by the moment the project's database was
created) and the object's id, and timestamps come from the data, so exporting an
unchanged project twice gives identical bytes and another tool sees the same objects as
the same objects. Positions are code points, or UTF-16 code units on request (NVivo).

**Import** reads the whole file first (outside any transaction), then writes everything
in one transaction and one ``refi.import`` event: a broken or hostile file, or a
conflict, leaves the database exactly as it was. Importing the same file again changes
nothing. A code matches, in this order, the code its GUID became in an earlier import
(remembered in the ``refi.import`` events; our own GUIDs are recognised directly), the
code at the same path, the stable name given to a second code of the same name
(``Other (Facilitators)``), or its name or former name anywhere; documents with the same
name must have the same text (then codings attach to them), participants match by label,
attributes by name, and a coding already present is not added twice. Only users who own
an imported coding or memo become coders. An annotation (a comment on a passage that
codes nothing) becomes part of its document's memo, headed by the quoted passage and its
``[start, end)``; each such conversion is listed in the report, and so is what could not
be mapped, one line each — or, with ``strict``, the whole import is refused if anything
could not be mapped. Code names that hold a path and document groups that hold
attributes are reported, and read as structure on request. Case variables (and
attribute groups) that are the project's outcome columns obey the participant import's
rules (:func:`~qualbench.exchange.tables.outcome_problem`): an invalid score or
would-repeat answer refuses the whole import, naming the case and the variable.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import metadata
from pathlib import Path

from ..errors import QualbenchError, ValidationError
from ..exchange.refi import (LABEL_ONLY_CASE, RefiCase, RefiCode, RefiCoding, RefiNote, RefiProject,
                             RefiSelection, RefiSource, RefiUser, RefiVariable, codebook_xml,
                             has_labels, path_names, path_separator, qdpx_bytes, read_qdc, read_qdpx,
                             split_code_names, split_description, write_atomically, xsd_datetime)
from ..exchange.refi_positions import POSITIONS, utf16_offsets
from ..exchange.tables import header_key, infer_type, outcome_problem, outcome_roles
from ..exchange.transcripts import ParsedTranscript, parse_plain_text
from ..nlp import segment_spans
from .base import ProjectBase, now
from .documents import ImportReport

FALLBACK_CODER = "imported"
_INT = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_FIELDS = ("description", "when_to_use", "when_not_to_use", "example")
# ATLAS.ti users keep document attributes as document groups named "gender: male".
_ATTRIBUTE_SET = re.compile(r"\s*([^:]{1,60}?)\s*:\s*(\S.*?)\s*")


@dataclass
class RefiImportReport:
    file: str
    origin: str = ""
    documents: list[str] = field(default_factory=list)          # new documents
    documents_matched: list[str] = field(default_factory=list)  # already here, same text
    codes_new: list[str] = field(default_factory=list)
    codes_matched: list[str] = field(default_factory=list)      # already here, unchanged
    codes_updated: list[str] = field(default_factory=list)      # already here, definitions filled in
    coders: list[str] = field(default_factory=list)             # own a coding or memo imported now
    coders_new: list[str] = field(default_factory=list)
    codings: int = 0
    codings_present: int = 0                                     # already in the project
    memos_new: int = 0
    memos_extended: int = 0                                      # text added to an existing memo
    memos_unchanged: int = 0                                     # its text was already there
    participants: int = 0                                        # new participants
    participants_matched: int = 0
    attributes: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)          # per document, when evidence decided
    remarks: list[str] = field(default_factory=list)
    converted: list[str] = field(default_factory=list)          # kept in another form, one line each
    unmapped: list[str] = field(default_factory=list)           # what was not imported, and why
    idle_users: str = ""                                         # the line of unmapped about users who own nothing

    @property
    def memos(self) -> int:
        """Memos written: new ones and existing ones extended."""
        return self.memos_new + self.memos_extended

    def summary(self) -> str:
        def more(items: list[tuple[int, str]]) -> str:
            said = [f"{n} {what}" for n, what in items if n]
            return f" ({', '.join(said)})" if said else ""

        parts = [f"{len(self.documents)} document(s)"
                 + (f" (+{len(self.documents_matched)} already here)" if self.documents_matched else ""),
                 f"{len(self.codes_new)} new code(s)"
                 + more([(len(self.codes_updated), "updated"), (len(self.codes_matched), "unchanged")]),
                 f"{self.codings} coding(s)" + more([(self.codings_present, "already here")]),
                 f"{len(self.coders)} coder(s)" + more([(len(self.coders_new), "new")]),
                 f"{self.memos_new} new memo(s)"
                 + more([(self.memos_extended, "extended"), (self.memos_unchanged, "already here")]),
                 f"{self.participants} new participant(s)" + more([(self.participants_matched, "already here")])]
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
    def export_qdpx(self, path: Path | str, force: bool = False, *, actor: str | None = None,
                    positions: str = "codepoints") -> dict:
        """Write the project as a REFI-QDA ``.qdpx``; returns what was written.

        ``positions="utf16"`` counts selection offsets in UTF-16 code units, as NVivo does,
        instead of the standard's code points (see :mod:`qualbench.exchange.refi`).
        """
        if positions not in POSITIONS:
            raise QualbenchError(f"positions must be one of {', '.join(POSITIONS)}, not '{positions}'")
        path = self._refi_target(path, force)
        project, skipped = self._refi_project(positions=positions)
        data = qdpx_bytes(project)
        write_atomically(path, data)
        result = self._refi_exported(path, data, project, skipped, "qdpx", actor)
        result["positions"] = positions
        return result

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

    def _refi_project(self, codebook_only: bool = False,
                      positions: str = "codepoints") -> tuple[RefiProject, list[str]]:
        ns = self._refi_namespace()

        def gid(kind: str, key) -> str:
            return str(uuid.uuid5(ns, f"{kind}:{key}"))

        try:
            origin = f"qualbench {metadata.version('qualbench')}"
        except metadata.PackageNotFoundError:
            origin = "qualbench"
        if positions == "utf16":
            origin += " (positions: UTF-16 code units, for NVivo)"
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
        docs = self._refi_sources_out(gid, users, notes, project, skipped, positions)
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
                          skipped: list[str], positions: str = "codepoints") -> list[dict]:
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
            offset = utf16_offsets(d["text"]) if positions == "utf16" else (lambda i: i)
            for (start, end, coder_id), items in groups.items():
                user = users.get(coder_id)
                source.selections.append(RefiSelection(
                    gid("selection", f"{d['id']}:{start}:{end}:{coder_id}"), offset(start), offset(end),
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
        docs_of: dict[str, list[dict]] = defaultdict(list)
        for d in docs:
            if d["participant"]:
                docs_of[d["participant"].casefold()].append(d)
        cases = []
        for p in self.store.query("SELECT id, label FROM participants"):
            case = RefiCase(gid("participant", p["id"]), p["label"])
            for a in attrs:
                value = by_part[p["id"]].get(a["id"])
                if value is not None:
                    case.values.append((gid("attribute", a["id"]), _typed_value(types[a["id"]], value)))
            case.sources = [gid("document", d["id"]) for d in docs_of.pop(p["label"].casefold(), [])]
            cases.append(case)
        # A document may name a participant the table does not have: still a case, with no
        # variables, or the link is lost on the way out.
        for key, linked in docs_of.items():
            label = min(d["participant"] for d in linked)
            cases.append(RefiCase(gid("participant-label", key), label,
                                  sources=[gid("document", d["id"]) for d in linked],
                                  description=LABEL_ONLY_CASE))
        project.cases = sorted(cases, key=lambda c: (c.name, c.guid))

    # == import ===========================================================================
    def import_qdpx(self, path: Path | str, *, actor: str | None = None, split_names: bool = False,
                    groups_as_attributes: bool = False, strict: bool = False) -> RefiImportReport:
        """Import a REFI-QDA project (any tool) in one transaction; see the module docstring.

        ``split_names`` builds the hierarchy from code names like ``Coke::diet Coke`` or
        ``people.family``; ``groups_as_attributes`` turns document groups named like
        ``gender: male`` into participant attributes. By default what cannot be mapped
        is left out and reported (files from other tools rarely map completely);
        ``strict`` refuses the whole import instead.
        """
        return self._import_refi(read_qdpx(path), Path(path), actor, split_names=split_names,
                                 groups_as_attributes=groups_as_attributes, strict=strict)

    def import_qdc(self, path: Path | str, *, actor: str | None = None,
                   split_names: bool = False, strict: bool = False) -> RefiImportReport:
        """Import a REFI-QDA codebook: new codes added, existing ones matched (GUID, path, name)."""
        return self._import_refi(read_qdc(path), Path(path), actor, split_names=split_names, strict=strict)

    def _import_refi(self, data: RefiProject, path: Path, actor: str | None, *, split_names: bool = False,
                     groups_as_attributes: bool = False, strict: bool = False) -> RefiImportReport:
        report = RefiImportReport(str(path), data.origin, remarks=list(data.remarks),
                                  unmapped=list(data.problems))
        self._refi_shape_codes(data, split_names, report)
        groups = self._refi_sets(data, report, groups_as_attributes)
        self._refi_check_outcomes(data, groups, path)
        plan = self._refi_plan_documents(data, path, report, {g for grp in groups for g in grp[2]})
        if strict:
            _refuse_unmapped(report, path)          # before the slow segmentation, when it can
        self._refi_segment([p for p in plan if p["doc"] is not None])   # slow: before the transaction
        with self._change("refi.import", actor=actor, undoable=False,
                          summary={"file": str(path), "origin": data.origin}) as (_, info):
            coders = _Coders(self, data)
            codes = self._refi_codes_in(data, report)
            cycle = self._code_cycle()
            if cycle:   # never expected (codes are matched one to one), but a cycle would hang every tree walk
                raise QualbenchError("the file would make " + " → ".join(f"'{n}'" for n in cycle)
                                     + " a cycle in the code tree: nothing was imported", source=path)
            if report.codes_updated:
                report.remarks.append(f"definitions filled in or changed from the file for "
                                      f"{len(report.codes_updated)} code(s): {_listing(report.codes_updated)}")
            docs = self._refi_documents_in(plan, report)
            self._refi_codings_in(data, docs, codes, coders, report)
            self._refi_memos_in(data, docs, codes, coders, report)
            self._refi_cases_in(data, docs, report)
            self._refi_groups_in(groups, docs, report)
            coders.finish(report)
            if strict:
                _refuse_unmapped(report, path)      # raised inside the transaction: nothing is written
            names = {r["id"]: r["name"] for r in self.store.query("SELECT id, name FROM codes")}
            info.update(documents=len(report.documents), codes=len(report.codes_new),
                        codings=report.codings, memos=report.memos, participants=report.participants,
                        unmapped=len(report.unmapped),
                        # what each GUID of the file became here: a later import of a file
                        # with the same GUIDs finds the same codes, renamed or moved or not
                        code_guids={g: [i, names[i]] for g, i in codes.items() if i in names})
        return report

    # -- outcome values (before anything is written) -------------------------------------------
    def _refi_check_outcomes(self, data: RefiProject, groups: list[tuple[str, str, list[str], str]],
                             path: Path) -> None:
        """Case variables (and attribute groups) that are the project's outcome columns obey
        the participant import's rules: a pain score 11 on NRS 0-10 or a would-repeat
        "maybe" refuses the whole import, naming the case and the variable."""
        roles = outcome_roles(self.settings)
        if not roles:
            return
        variables = {v.guid: v for v in data.variables}
        problems = []
        for case in data.cases:
            for guid, value in case.values:
                var = variables.get(guid)
                if var is None or value == "" or header_key(var.name) not in roles:
                    continue
                problem, _ = outcome_problem(roles[header_key(var.name)], var.name, value, self.settings)
                if problem:
                    problems.append(f"case '{case.name or '(no name)'}', variable {problem}")
        for attribute, value, _, set_name in groups:
            if header_key(attribute) in roles:
                problem, _ = outcome_problem(roles[header_key(attribute)], attribute, value, self.settings)
                if problem:
                    problems.append(f"document group '{set_name}': {problem}")
        if problems:
            raise ValidationError(problems + ["nothing was imported: correct these values in the program "
                                              "that wrote the file and export it again"], source=path)

    # -- the codebook's shape and the file's groups (before anything is written) ---------------
    def _refi_shape_codes(self, data: RefiProject, split_names: bool, report: RefiImportReport) -> None:
        sep = path_separator(data.codes, data.origin)
        if sep is None:
            if split_names:
                report.remarks.append("--split-names: no code names with '::' or '.' paths to split")
            return
        if split_names:
            data.codes, moved = split_code_names(data.codes, sep)
            report.remarks.append(f"{moved} code name(s) split on '{sep}' into a hierarchy")
        else:
            names = path_names(data.codes, sep)
            report.remarks.append(f"{len(names)} code name(s) look like paths ({_listing(names, 3)}): "
                                  f"--split-names builds the hierarchy from the '{sep}' in them")

    def _refi_sets(self, data: RefiProject, report: RefiImportReport,
                   as_attributes: bool) -> list[tuple[str, str, list[str], str]]:
        """Report every Set; return the ones to import as attributes: (attribute, value,
        source GUIDs, set name)."""
        code_groups, doc_groups, others, attr_like = [], [], [], []
        for group in data.sets:
            name = group.name or "(no name)"
            if group.codes and not (group.sources or group.notes):
                code_groups.append(name)
            elif group.sources and not (group.codes or group.notes):
                m = _ATTRIBUTE_SET.fullmatch(group.name)
                if m and "::" not in group.name:
                    attr_like.append((m.group(1), m.group(2), group.sources, name))
                else:
                    doc_groups.append(name)
            else:
                others.append(name)
        if code_groups:
            report.unmapped.append(f"{len(code_groups)} code group(s) not imported ({_listing(code_groups)}): "
                                   "qualbench's codebook is one tree")
        if doc_groups:
            report.unmapped.append(f"{len(doc_groups)} document group(s) not imported ({_listing(doc_groups)})")
        if others:
            report.unmapped.append(f"{len(others)} group(s) of notes or of mixed members not imported "
                                   f"({_listing(others)})")
        if attr_like and not as_attributes:
            names = _listing([a[3] for a in attr_like])
            report.unmapped.append(f"{len(attr_like)} document group(s) look like attributes ({names}): "
                                   "not imported; --groups-as-attributes makes them participant attributes")
            return []
        return attr_like

    # -- documents ------------------------------------------------------------------------
    def _refi_plan_documents(self, data: RefiProject, path: Path, report: RefiImportReport,
                             grouped: set[str] | None = None) -> list[dict]:
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
            participant = case_of.get(source.guid) or self.participant_for(name)
            if participant is None and grouped and source.guid in grouped:
                participant = Path(name).stem.strip() or name
                report.remarks.append(f"document '{name}' has no participant: linked to '{participant}' "
                                      "(named after it) to carry the attributes of its groups")
            entry = {"source": source, "name": name, "doc_id": None, "doc": None, "participant": participant}
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

    def _refi_known_codes(self, data: RefiProject, rows: dict[int, dict],
                          aliases: dict[int, set[str]]) -> dict[str, int]:
        """File GUIDs this project has seen: in an earlier import of a file, or minted by our
        own export. A GUID counts only while its code still bears the name it had then
        (or has it among its former names): ids of deleted codes can be reused."""
        def same(code_id: int, name: str) -> bool:
            return code_id in rows and (rows[code_id]["name"].casefold() == name.casefold()
                                        or name.casefold() in aliases[code_id])

        known: dict[str, int] = {}
        for ev in self.store.query("SELECT summary FROM events WHERE action = 'refi.import' ORDER BY id"):
            try:
                seen = json.loads(ev["summary"] or "{}").get("code_guids") or {}
            except (ValueError, AttributeError):
                continue
            for guid, value in seen.items():
                if isinstance(value, list) and len(value) == 2 and same(value[0], str(value[1])):
                    known[guid] = value[0]
        ns = self._refi_namespace()
        ours = {str(uuid.uuid5(ns, f"code:{i}")): i for i in rows}
        for node in data.all_codes():
            if node.guid not in known and node.guid in ours and same(ours[node.guid], node.name):
                known[node.guid] = ours[node.guid]
        in_file = {c.guid for c in data.all_codes()}
        return {g: i for g, i in known.items() if g in in_file}

    def _refi_codes_in(self, data: RefiProject, report: RefiImportReport) -> dict[str, int]:
        """File GUID → code id. A code of the file is, in this order: the code its GUID
        became before; the code at the same path (same name, same parent); the code with
        the stable name a same-named code got before (``Other (Facilitators)``); the code
        with its name or former name anywhere (the project's tree wins); else new. A name
        taken in this import gets the parent's name, then a number, in brackets."""
        rows = {r["id"]: r for r in self.store.query("SELECT * FROM codes")}
        by_name = {r["name"].casefold(): r["id"] for r in rows.values()}
        alias_of: dict[str, int] = {}
        aliases: dict[int, set[str]] = defaultdict(set)
        for a in self.store.query("SELECT code_id, name FROM code_aliases ORDER BY id"):
            if a["code_id"] in rows:
                alias_of[a["name"].casefold()] = a["code_id"]
                aliases[a["code_id"]].add(a["name"].casefold())
        own = {str(uuid.uuid5(self._refi_namespace(), f"code:{i}")) for i in rows}
        ids = self._refi_known_codes(data, rows, aliases)
        claimed = set(ids.values())

        def lookup(name: str) -> int | None:
            key = name.casefold()
            return by_name.get(key, alias_of.get(key))

        def free(c: str) -> bool:
            return c.casefold() not in by_name and c.casefold() not in alias_of

        def candidates(name: str, parent_name: str | None):
            yield name
            if parent_name:
                yield f"{name} ({parent_name})"
            yield from (f"{name} ({k})" for k in range(2, 1000))

        def match(name: str, parent_id: int | None, parent_name: str | None) -> int | None:
            stable = f"{name} ({parent_name})" if parent_name else None
            for c in candidates(name, parent_name):           # the same path
                i = by_name.get(c.casefold())
                if i is None and c not in (name, stable):
                    break                                     # numbers are handed out in order
                if i is not None and i not in claimed and rows[i]["parent_id"] == parent_id:
                    return i
            for c in ([stable] if stable else []) + [name]:   # our stable name, then the name, anywhere
                i = lookup(c)
                if i is not None and i not in claimed:
                    return i
            return None

        def walk(nodes: list[RefiCode], parent_id: int | None, parent_name: str | None) -> None:
            for node in nodes:
                name = node.name or "unnamed code"
                code_id = ids.get(node.guid)
                here = rows[code_id]["name"] if code_id is not None else name
                if here.casefold() != name.casefold() and not here.casefold().startswith(f"{name} (".casefold()):
                    report.remarks.append(f"code '{name}' of the file is '{here}' here (the same GUID as before)")
                if code_id is None:
                    code_id = match(name, parent_id, parent_name)
                if code_id is None:
                    new_name = next((c for c in candidates(name, parent_name) if free(c)), None)
                    if new_name is None:
                        raise QualbenchError(f"cannot find a free name for code '{name}'")
                    if new_name != name:
                        report.remarks.append(f"a second code named '{name}' imported as '{new_name}'")
                    code_id = self._refi_insert_code(node, new_name, parent_id)
                    rows[code_id] = self.store.one("SELECT * FROM codes WHERE id = ?", [code_id])
                    by_name[new_name.casefold()] = code_id
                    report.codes_new.append(new_name)
                else:
                    self._refi_update_code(rows[code_id], node, report, resplit=not data.ours and node.guid in own)
                ids[node.guid] = code_id
                claimed.add(code_id)
                walk(node.children, code_id, name)

        walk(data.codes, None, None)
        return ids

    def _refi_insert_code(self, node: RefiCode, name: str, parent_id: int | None) -> int:
        position = self.store.scalar(
            "SELECT COALESCE(MAX(position) + 1, 0) FROM codes WHERE parent_id IS ?", [parent_id])
        return self.db["codes"].insert({
            "parent_id": parent_id, "kind": node.kind, "name": name, "description": node.description,
            "when_to_use": node.when_to_use, "when_not_to_use": node.when_not_to_use,
            "example": node.example, "color": node.color, "position": position,
            "created_at": now()}).last_pk

    def _refi_update_code(self, row: dict, node: RefiCode, report: RefiImportReport, resplit: bool) -> None:
        # The project's codebook wins; the file only fills in or changes definitions it gives.
        fields = {k: getattr(node, k) for k in _FIELDS}
        if resplit and has_labels(node.description):
            # Our own export, edited in another tool and exported from there: the labels are ours.
            fields = split_description(node.description)
        # Another tool trims what it shows: a difference in surrounding white space only is none.
        changes = {k: v for k, v in fields.items() if v.strip() and v.strip() != (row[k] or "").strip()}
        if changes:
            self.db["codes"].update(row["id"], changes)
            row.update(changes)
            report.codes_updated.append(row["name"])
        else:
            report.codes_matched.append(row["name"])

    # -- codings and memos ----------------------------------------------------------------
    def _refi_codings_in(self, data: RefiProject, docs: dict, codes: dict, coders: "_Coders",
                         report: RefiImportReport) -> None:
        notes = {n.guid: n for n in data.notes}
        present = set()
        for doc_id in {d for d in docs.values() if d is not None}:
            present |= {(doc_id, r["code_id"], r["coder_id"], r["start"], r["end"])
                        for r in self.store.query('SELECT code_id, coder_id, start, "end" FROM codings '
                                                  "WHERE document_id = ?", [doc_id])}
        rows, used_coders = [], set()
        for source in data.sources:
            doc_id = docs[source.guid]
            whole = RefiSelection("", 0, len(source.text), codings=source.codings)
            for sel in source.selections + ([whole] if source.codings else []):
                shared = [sel.description] + [notes[g].text for g in sel.notes]
                for coding in sel.codings:
                    user = coders.who(coding.user or sel.user)
                    coder_id = coders.existing(user)
                    key = (doc_id, codes[coding.code], coder_id, sel.start, sel.end)
                    if coder_id is not None and key in present:
                        coders.owns(user)
                        report.codings_present += 1
                        continue
                    if coder_id is None:
                        coder_id = coders.ensure(user)
                        key = (doc_id, codes[coding.code], coder_id, sel.start, sel.end)
                    if user is None:      # nobody named, and no single or creating user to fall back on
                        coders.fallback += 1
                    coders.owns(user)
                    present.add(key)
                    memo = "\n\n".join(t.strip() for t in shared + [notes[g].text for g in coding.notes]
                                        if t and t.strip())
                    rows.append((*key, memo, _stamp(coding.created or sel.created)))
                    used_coders.add(coder_id)
        self.db.conn.executemany(
            'INSERT INTO codings (document_id, code_id, coder_id, start, "end", memo, starred, created_at) '
            "VALUES (?, ?, ?, ?, ?, ?, 0, ?)", rows)
        report.codings = len(rows)
        coders.coded |= used_coders

    def _refi_memos_in(self, data: RefiProject, docs: dict, codes: dict, coders: "_Coders",
                       report: RefiImportReport) -> None:
        notes = {n.guid: n for n in data.notes}
        targets: dict[tuple, list[RefiNote]] = defaultdict(list)
        told: dict[tuple, list[str]] = defaultdict(list)     # the conversions, per memo
        referenced: set[str] = set(data.project_notes)
        targets[("project", None)] += [notes[g] for g in data.project_notes]
        if data.description:
            targets[("project", None)].append(RefiNote("", "Project description", data.description))
        for code in data.all_codes():
            targets[("code", codes[code.guid])] += [notes[g] for g in code.notes]
            referenced |= set(code.notes)
        texts = {}
        for source in data.sources:
            key = ("document", docs[source.guid])
            texts[source.guid] = source.text
            if source.description.strip():
                targets[key].append(RefiNote("", "Description", source.description.strip()))
            targets[key] += [notes[g] for g in source.notes]
            referenced |= set(source.notes)
            referenced |= {g for c in source.codings for g in c.notes}
            for sel in source.selections:
                referenced |= set(sel.notes) | {g for c in sel.codings for g in c.notes}
        doc_names = {r["id"]: r["name"] for r in self.store.query("SELECT id, name FROM documents")}
        empty = 0
        for ann in data.annotations:
            referenced |= set(ann.notes)
            parts = [ann.description] + [notes[g].text for g in ann.notes if g in notes]
            text = "\n\n".join(t.strip() for t in parts if t and t.strip())
            user = ann.user or next((notes[g].user for g in ann.notes if g in notes and notes[g].user), None)
            if not text:
                empty += 1
                continue
            doc_id = docs.get(ann.source) if ann.source is not None else None
            if doc_id is not None:
                quote = _snippet(texts[ann.source][ann.start:ann.end])
                key = ("document", doc_id)
                heading = f"Annotation on “{quote}” [{ann.start}, {ann.end})"
                targets[key].append(RefiNote("", heading, text, user))
                told[key].append(f"annotation on “{quote}” [{ann.start}, {ann.end}) in '{doc_names[doc_id]}' "
                                 f"({ann.how}) → memo of the document, headed by the passage and its position")
            else:
                key = ("project", None)
                targets[key].append(RefiNote("", f"Annotation on characters [{ann.start}, {ann.end}) of a "
                                             "source the file does not name", text, user))
                told[key].append(f"annotation on [{ann.start}, {ann.end}) ({ann.how}) → project memo, "
                                 "headed by its position as the file gives it")
        if empty:
            report.unmapped.append(f"{empty} annotation(s) without text: not imported")
        # Notes nothing points to keep their names as headings: the name may be all that
        # says what they are about.
        loose = [RefiNote("", n.name, n.text, n.user) for n in data.notes
                 if n.guid not in referenced and n.text.strip()]
        targets[("project", None)] += loose
        if loose:
            report.remarks.append(f"{len(loose)} note(s) attached to nothing: kept in the project memo, "
                                  "under their names")
        for (kind, target), items in targets.items():
            if not items:
                continue
            status = self._refi_add_memo(kind, target, items, coders)
            if status == "new":
                report.memos_new += 1
            elif status == "extended":
                report.memos_extended += 1
            elif status == "unchanged":
                report.memos_unchanged += 1
            report.converted += [line + (" (already here)" if status == "unchanged" else "")
                                 for line in told[(kind, target)]]

    def _refi_add_memo(self, kind: str, target: int | None, items: list[RefiNote], coders: "_Coders") -> str:
        """Add ``items`` to the target's memo; "new", "extended", "unchanged" or "" (no text)."""
        if len(items) == 1 and items[0].guid:
            text = items[0].text
        else:
            text = "\n\n".join(f"{n.name}\n{n.text}" if n.name else n.text for n in items)
        text = text.strip()
        if not text:
            return ""
        authors = [n.user for n in items if n.user in coders.names]
        for user in authors:
            coders.owns(user)
        row = self.store.one("SELECT id, text FROM memos WHERE target_type = ? AND target_id IS ? "
                             "ORDER BY id DESC LIMIT 1", [kind, target])
        if row and text in row["text"]:
            return "unchanged"
        if row:
            self.db["memos"].update(row["id"], {"text": f"{row['text']}\n\n{text}", "updated_at": now()})
            return "extended"
        coder = coders.ensure(authors[0]) if authors else None
        if coder is not None:
            coders.coded.add(coder)
        self.db["memos"].insert({"target_type": kind, "target_id": target, "coder_id": coder,
                                 "text": text, "created_at": now(), "updated_at": now()})
        return "new"

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
            if data.ours and case.description == LABEL_ONLY_CASE and not case.values:
                continue    # only a label on documents where it came from: the documents carry it
            pid = existing.get(case.name.casefold())
            if pid is None:
                pid = self.db["participants"].insert({"label": case.name, "imported_at": now()}).last_pk
                existing[case.name.casefold()] = pid
                report.participants += 1
            else:
                report.participants_matched += 1
            for guid, value in case.values:
                if guid not in attr_ids or value == "":
                    continue
                rows.append(self._refi_value(pid, attr_ids[guid], types[attr_ids[guid]], value,
                                             case.name, variables[guid].name, report))
        if rows:
            self.db["participant_values"].insert_all(rows, replace=True, batch_size=1000)
        if nameless:
            report.unmapped.append(f"{nameless} case(s) without a name: not imported as participants")

    def _refi_groups_in(self, groups: list[tuple[str, str, list[str], str]], docs: dict,
                        report: RefiImportReport) -> None:
        """Document groups named ``attribute: value`` as attributes of the documents' participants."""
        if not groups:
            return
        participant_of = {r["id"]: (r["name"], r["participant"])
                          for r in self.store.query("SELECT id, name, participant FROM documents")}
        found: dict[tuple[str, str], dict[str, str]] = {}     # (label, attribute) → value → group
        attr_names: dict[str, str] = {}
        lost = []
        for attribute, value, sources, set_name in groups:
            attr_names.setdefault(attribute.casefold(), attribute)
            for guid in sources:
                doc_id = docs.get(guid)
                if doc_id is None:
                    continue        # not a text source here: reported with the sources
                doc_name, label = participant_of[doc_id]
                if not label:
                    lost.append(f"document '{doc_name}' has no participant: its group '{set_name}' "
                                "not imported as an attribute")
                    continue
                found.setdefault((label, attribute.casefold()), {})[value] = set_name
        report.unmapped += lost
        chosen: dict[tuple[str, str], str] = {}
        for (label, attr), values in found.items():
            if len(values) > 1:
                report.unmapped.append(f"participant {label}: groups {_listing(list(values.values()))} give "
                                       f"'{attr_names[attr]}' {len(values)} values: none set")
            else:
                chosen[(label, attr)] = next(iter(values))
        if not chosen:
            return
        existing = {r["name"].casefold(): (r["id"], r["type"])
                    for r in self.store.query("SELECT id, name, type FROM attributes")}
        position = self.store.scalar("SELECT COALESCE(MAX(position) + 1, 0) FROM attributes")
        for attr in sorted({a for _, a in chosen}):
            if attr not in existing:
                values = [v for (_, a), v in chosen.items() if a == attr]
                kind = infer_type(values)
                existing[attr] = (self.db["attributes"].insert(
                    {"name": attr_names[attr], "type": kind, "position": position}).last_pk, kind)
                position += 1
        people = {r["label"].casefold(): r["id"] for r in self.store.query("SELECT id, label FROM participants")}
        rows, counts = [], defaultdict(int)
        for (label, attr), value in chosen.items():
            pid = people.get(label.casefold())
            if pid is None:
                pid = people[label.casefold()] = self.db["participants"].insert(
                    {"label": label, "imported_at": now()}).last_pk
                report.participants += 1
            attr_id, kind = existing[attr]
            rows.append(self._refi_value(pid, attr_id, kind, value, label, attr_names[attr], report))
            counts[attr_names[attr]] += 1
        self.db["participant_values"].insert_all(rows, replace=True, batch_size=1000)
        report.attributes += sorted(counts)
        report.remarks.append("attributes from document groups: "
                              + ", ".join(f"{a} ({n} participant(s))" for a, n in sorted(counts.items())))

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


class _Coders:
    """The file's users as coders — created only for a user who owns a coding or memo that
    is imported, so ATLAS.ti's pseudo-user "ATLAS.ti" or a colleague with nothing coded
    does not become a coder; the others are reported."""

    def __init__(self, project: RefiMixin, data: RefiProject) -> None:
        self.project = project
        self.names = {u.guid: u.name for u in data.users}
        if data.creating_user in self.names:
            self.default = data.creating_user
        elif len(set(self.names.values())) == 1:
            self.default = next(iter(self.names))
        else:
            self.default = None
        self.ids: dict[str, int] = {r["name"]: r["id"] for r in project.store.query("SELECT id, name FROM coders")}
        self.before = set(self.ids)
        self.used: set[str] = set()          # user GUIDs that own something imported or already here
        self.coded: set[int] = set()         # coder ids that own something imported now
        self.fallback = 0

    def who(self, user: str | None) -> str | None:
        """The GUID of the user something belongs to: its own, else the file's default."""
        return user if user in self.names else self.default

    def name(self, user: str | None) -> str:
        return self.names.get(user, FALLBACK_CODER)

    def existing(self, user: str | None) -> int | None:
        return self.ids.get(self.name(user))

    def ensure(self, user: str | None) -> int:
        name = self.name(user)
        if name not in self.ids:
            self.ids[name] = self.project._refi_coder(name)
        return self.ids[name]

    def owns(self, user: str | None) -> None:
        if user in self.names:
            self.used.add(user)

    def finish(self, report: RefiImportReport) -> None:
        by_id = {i: n for n, i in self.ids.items()}
        report.coders = sorted(by_id[i] for i in self.coded)
        report.coders_new = sorted(n for n in self.ids if n not in self.before)
        idle = sorted({self.names[g] for g in self.names if g not in self.used})
        if idle:
            report.idle_users = (f"{len(idle)} user(s) of the file own no coding or memo here: "
                                 f"not added as coders ({_listing(idle)})")
            report.unmapped.append(report.idle_users)
        if self.fallback:
            report.remarks.append(f"{self.fallback} coding(s) name no known author: coded by '{FALLBACK_CODER}'")


def _refuse_unmapped(report: RefiImportReport, path: Path) -> None:
    """--strict: anything left out (other than users who own nothing) refuses the import."""
    lost = [line for line in report.unmapped if line != report.idle_users]
    if lost:
        raise ValidationError([f"not imported: {line}" for line in lost]
                              + [f"--strict: nothing was imported ({len(lost)} item(s) could not be mapped; "
                                 "without --strict they are left out and reported)"], source=path)


def _listing(names: list[str], shown: int = 8) -> str:
    quoted = [f"'{n}'" for n in names[:shown]]
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(quoted) + more
