"""REFI-QDA exchange: ``.qdpx`` projects and ``.qdc`` codebooks, written and read.

REFI-QDA (QDA-XML 1.0, www.qdasoftware.org) is the one format ATLAS.ti, MAXQDA, NVivo,
QualCoder and others all read, so it is how a qualbench study reaches people who work
in those tools, and how their coding comes back. This module turns files into plain
objects (:class:`RefiProject` and friends) and back; the Project API
(:mod:`qualbench.api.refi`) maps those objects to and from the database.

**Writing** follows the standard to the letter, because other tools are strict:
``project.qde`` in UTF-8 with the ``urn:QDA-XML:project:1.0`` namespace and every
element in the XSD's sequence order; empty containers omitted (each needs a child);
sources as ``sources/<GUID>.txt`` in UTF-8, LF, no BOM — our stored text, so positions
are our code points unchanged (§10.2: code points, end exclusive). Our code fields
(description, when to use / not to use, example) are folded into ``Description`` as
labelled paragraphs (``When to use: …``) that :func:`split_description` takes apart
again. The encoding is unambiguous: a paragraph of a field that itself starts with a
label gets one backslash in front (``\\Example: …``), and :func:`split_description`
removes it. Only files that say they are ours (``origin`` starting with ``qualbench``)
are split and kept byte-exact; another tool's description is all definition (trimmed).

**Positions for other tools.** The default is the standard's code points. NVivo was
seen to count UTF-16 code units instead (an emoji or another character outside the
Basic Multilingual Plane counts 2; ``shared/refi-qda/NOTES.md``, gotcha 1, verified on
NVivo 12 exports): where a text has such characters, NVivo would place our selections
after the first one a little early. ``positions="utf16"`` (CLI ``--positions utf16``)
writes UTF-16 offsets for NVivo and says so in ``origin``; texts without such
characters give the same file either way. Line breaks are always written as LF and
counted once, which is what the spec says; QualCoder offers to rewrite breaks as CRLF
"for MAXQDA importation", but no vendor documentation we could find states MAXQDA's
rule, so there is no such option yet.

**Reading** is lenient, as the files in the wild are (see ``shared/refi-qda/NOTES.md``):
any single ``*.qde`` at the root; ``sources/`` in any case; any
``urn:QDA-XML:{project|codebook}:*`` namespace or none; ``plainTextPath`` with or
without ``internal://`` (and the source's inline ``PlainTextContent`` when the path
leads nowhere); BOM and CRLF in sources; colours as ``#RGB``, ``#RRGGBB``,
with alpha, or ``rgb()``; NVivo's UTF-16 and ATLAS.ti's one-per-line-break positions,
detected and verified by :mod:`.refi_positions`. Paths outside the archive
(``relative:///``, ``absolute:///``) are never opened: a file from elsewhere must not
make us read the local disk. What cannot be mapped — non-text sources, selections that
fit no reading, codings of unknown codes — goes into ``problems`` one line each, for the
report, instead of being guessed.

**Annotations** — a comment on a passage that codes nothing — come in three shapes:
an uncoded selection with a ``Description`` or ``NoteRef`` (MAXQDA, f4, requal), a
``Note`` holding its own ``PlainTextSelection`` that a source points to (QualCoder), and
an uncoded selection tied to a ``Note`` by a ``Link`` (NVivo). All three become
:class:`RefiAnnotation` objects with the span in our text, so the importer can keep the
anchor. ``Sets`` are read as :class:`RefiSet` and classified by the importer (code
groups, document groups, groups that look like attributes).
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import secrets
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputFileError
from ..textnorm import decode_bytes, normalise
from . import refi_archive
from .refi_archive import Archive, parse_xml
from .refi_positions import resolve

NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
MAX_CODE_DEPTH = 64
_LABELS = (("when_to_use", "When to use"), ("when_not_to_use", "When not to use"), ("example", "Example"))
_LABEL_NAMES = "When to use|When not to use|Example"
_LABEL_RE = re.compile(rf"(?:^|\n\n)({_LABEL_NAMES}): ")
# A paragraph of a field that starts with (backslashes and) a label: one more backslash
# on the way out, one less on the way in.
_ESCAPE_RE = re.compile(rf"(^|\n\n)(\\*)(?=(?:{_LABEL_NAMES}): )")
_UNESCAPE_RE = re.compile(rf"(^|\n\n)\\(\\*)(?=(?:{_LABEL_NAMES}): )")
OWN_ORIGIN = "qualbench"
# The Description of a Case we write for a participant label that documents carry but
# that has no row in the participant table: on reading our own file it means "link the
# documents, add no participant row".
LABEL_ONLY_CASE = "Participant label of the linked documents (not in the participant table)."
_XML_BAD = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


# -- the plain objects ------------------------------------------------------------------

@dataclass
class RefiUser:
    guid: str
    name: str


@dataclass
class RefiCode:
    guid: str
    name: str
    codable: bool = True
    kind: str = "code"                 # ours: theme / category / code
    color: str | None = None
    description: str = ""
    when_to_use: str = ""
    when_not_to_use: str = ""
    example: str = ""
    notes: list[str] = field(default_factory=list)          # Note GUIDs
    children: list["RefiCode"] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class RefiCoding:
    guid: str
    code: str                          # Code GUID
    user: str | None = None            # User GUID
    created: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiSelection:
    guid: str
    start: int                         # our normalised code points once read
    end: int
    name: str = ""
    description: str = ""
    user: str | None = None
    created: str | None = None
    codings: list[RefiCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dropped: int = 0                   # codings read but not kept (unknown code, case coding)


@dataclass
class RefiSource:
    guid: str
    name: str
    text: str                          # normalised (NFC, LF, no BOM)
    selections: list[RefiSelection] = field(default_factory=list)
    codings: list[RefiCoding] = field(default_factory=list)   # whole-source codings
    notes: list[str] = field(default_factory=list)
    created: str | None = None
    description: str = ""
    positions: str = ""                # how positions were read, when the evidence decided


@dataclass
class RefiNote:
    guid: str
    name: str
    text: str
    user: str | None = None
    created: str | None = None
    modified: str | None = None
    anchors: list[tuple[int, int]] = field(default_factory=list)   # its own selections, as written


@dataclass
class RefiAnnotation:
    """A comment on a passage that codes nothing (see the module docstring)."""
    source: str | None                 # Source GUID; None when no source claims it
    start: int                         # our code points; the file's own offsets when source is None
    end: int
    how: str                           # which of the shapes it came in, for the report
    description: str = ""
    notes: list[str] = field(default_factory=list)                # Note GUIDs holding its text
    user: str | None = None
    created: str | None = None


@dataclass
class RefiSet:
    guid: str
    name: str
    description: str = ""
    codes: list[str] = field(default_factory=list)               # member GUIDs, by kind
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiVariable:
    guid: str
    name: str
    type: str                          # Text | Boolean | Integer | Float | Date | DateTime
    description: str = ""


@dataclass
class RefiCase:
    guid: str
    name: str
    values: list[tuple[str, str]] = field(default_factory=list)   # (Variable GUID, value)
    sources: list[str] = field(default_factory=list)              # Source GUIDs
    description: str = ""


@dataclass
class RefiProject:
    name: str
    origin: str = ""
    created: str | None = None
    modified: str | None = None
    creating_user: str | None = None
    description: str = ""
    users: list[RefiUser] = field(default_factory=list)
    codes: list[RefiCode] = field(default_factory=list)
    variables: list[RefiVariable] = field(default_factory=list)
    cases: list[RefiCase] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    notes: list[RefiNote] = field(default_factory=list)
    project_notes: list[str] = field(default_factory=list)      # Note GUIDs on the project
    annotations: list[RefiAnnotation] = field(default_factory=list)
    sets: list[RefiSet] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)           # read but not mappable
    remarks: list[str] = field(default_factory=list)            # decisions taken while reading

    def all_codes(self):
        for code in self.codes:
            yield from code.walk()

    @property
    def ours(self) -> bool:
        """Written by qualbench: descriptions are our structured fields, kept exactly."""
        return is_own_origin(self.origin)


# -- shared helpers ---------------------------------------------------------------------

def is_own_origin(origin: str | None) -> bool:
    return (origin or "").strip().casefold().startswith(OWN_ORIGIN)


def compose_description(code: RefiCode) -> str:
    """Our code fields as one Description: the definition, then labelled paragraphs.

    Lossless: nothing is trimmed, and a field paragraph that starts like a label is
    escaped (see the module docstring), so :func:`split_description` gives back exactly
    the fields that went in.
    """
    parts = [_ESCAPE_RE.sub(r"\1\2\\", code.description)] if code.description else []
    for attr, label in _LABELS:
        value = getattr(code, attr)
        if value:
            parts.append(f"{label}: " + _ESCAPE_RE.sub(r"\1\2\\", value))
    return "\n\n".join(parts)


def split_description(text: str) -> dict[str, str]:
    """Inverse of :func:`compose_description` (exact, nothing trimmed)."""
    text = text or ""
    fields = {"description": "", "when_to_use": "", "when_not_to_use": "", "example": ""}
    by_label = {label: attr for attr, label in _LABELS}
    matches = list(_LABEL_RE.finditer(text))
    fields["description"] = text[:matches[0].start()] if matches else text
    for m, nxt in zip(matches, matches[1:] + [None]):
        value = text[m.end():nxt.start() if nxt else len(text)]
        attr = by_label[m.group(1)]
        fields[attr] = f"{fields[attr]}\n\n{value}" if fields[attr] else value
    return {k: _UNESCAPE_RE.sub(r"\1\2", v) for k, v in fields.items()}


def has_labels(text: str) -> bool:
    """Does a description carry our labelled paragraphs?"""
    return bool(_LABEL_RE.search(text or ""))


# -- hierarchy written into names ---------------------------------------------------------
# ATLAS.ti writes a code "Coke::diet Coke" beside "Coke"; Taguette has flat tags and
# people name them "people.family.mother". Each part must be non-empty; a dotted part may
# not start or end with a space, so "Dr. Smith" or "e.g." are not paths.
_DOTTED = re.compile(r"[^.\s](?:[^.]*[^.\s])?(?:\.[^.\s](?:[^.]*[^.\s])?)+")


def _path_of(name: str, sep: str) -> list[str] | None:
    if sep == ".":
        return name.split(".") if _DOTTED.fullmatch(name) else None
    parts = [p.strip() for p in name.split(sep)]
    return parts if len(parts) > 1 and all(parts) else None


def path_separator(codes: list[RefiCode], origin: str = "") -> str | None:
    """``'::'`` or ``'.'`` when top-level code names look like paths, else None.

    ``::`` is unambiguous. A dot is taken only with more evidence: Taguette wrote the file,
    or a dotted name extends another code's name, or two dotted names share a first part.
    """
    names = [c.name for c in codes]
    if any(_path_of(n, "::") for n in names):
        return "::"
    dotted = [n for n in names if _path_of(n, ".")]
    if not dotted:
        return None
    known = {n.casefold() for n in names}
    firsts = [n.split(".", 1)[0].casefold() for n in dotted]
    if ("taguette" in (origin or "").casefold() or len(set(firsts)) < len(firsts)
            or any(n.rsplit(".", 1)[0].casefold() in known for n in dotted)):
        return "."
    return None


def path_names(codes: list[RefiCode], sep: str) -> list[str]:
    """The top-level code names that :func:`split_code_names` would split."""
    return [c.name for c in codes if _path_of(c.name, sep)]


def split_code_names(codes: list[RefiCode], sep: str) -> tuple[list[RefiCode], int]:
    """Top-level codes named like paths moved under their parents; returns the new top
    level and how many codes moved. A parent that is not itself a code of the file becomes
    a non-codable node (GUID ``path:<path>``, the same in every import)."""
    registry: dict[tuple[str, ...], RefiCode] = {}
    for code in codes:
        key = tuple(p.casefold() for p in (_path_of(code.name, sep) or [code.name]))
        registry.setdefault(key, code)
    top: list[RefiCode] = []
    made: dict[tuple[str, ...], RefiCode] = {}

    def node_for(parts: list[str]) -> RefiCode:
        key = tuple(p.casefold() for p in parts)
        if key in registry:
            return registry[key]
        if key not in made:
            node = RefiCode(f"path:{sep.join(key)}", parts[-1], codable=False)
            made[key] = node
            (node_for(parts[:-1]).children if len(parts) > 1 else top).append(node)
        return made[key]

    moved = 0
    for code in codes:
        parts = _path_of(code.name, sep)
        if parts is None:
            top.append(code)
            continue
        code.name = parts[-1]
        node_for(parts[:-1]).children.append(code)
        moved += 1

    def kinds(nodes: list[RefiCode], depth: int) -> None:
        for node in nodes:
            if not node.codable:
                node.kind = "theme" if depth == 0 else "category"
            kinds(node.children, depth + 1)
    kinds(top, 0)
    return top, moved


def normalise_color(value: str | None) -> str | None:
    """``#RRGGBB`` from #RGB, #RRGGBB, #AARRGGBB / #RRGGBBAA or rgb()/rgba(); else None."""
    if not value:
        return None
    v = value.strip()
    m = re.fullmatch(r"rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,[^)]*)?\)", v, re.I)
    if m:
        rgb = [int(x) for x in m.groups()]
        return "#" + "".join(f"{min(c, 255):02X}" for c in rgb)
    m = re.fullmatch(r"#?([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})", v)
    if not m:
        return None
    h = m.group(1).upper()
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    elif len(h) == 8:   # .NET tools write opaque ARGB as FFRRGGBB; CSS puts alpha last
        h = h[2:] if h.startswith("FF") else h[:6]
    return "#" + h


def xml_text(value: str | None) -> str:
    """Drop characters XML 1.0 cannot carry (they would make the file unreadable)."""
    return _XML_BAD.sub("", value or "")


def xsd_datetime(value: str | None) -> str | None:
    """Our ISO timestamps as the UTC ``...Z`` form REFI tools write."""
    if not value:
        return None
    try:
        t = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _norm_guid(value: str | None) -> str | None:
    return value.strip().strip("{}").lower() if value and value.strip() else None


# -- writing ----------------------------------------------------------------------------

def _el(parent: ET.Element | None, tag: str, ns: str, attrs: dict | None = None,
        text: str | None = None) -> ET.Element:
    # Plain tags with one xmlns on the root: ElementTree's default_namespace option
    # refuses the (correctly) unqualified attribute names.
    attrs = {k: xml_text(str(v)) for k, v in (attrs or {}).items() if v is not None}
    if parent is None:
        node = ET.Element(tag, {"xmlns": ns, **attrs})
    else:
        node = ET.SubElement(parent, tag, attrs)
    if text is not None:
        node.text = xml_text(text)
    return node


def _code_xml(parent: ET.Element, code: RefiCode, ns: str, with_notes: bool) -> None:
    node = _el(parent, "Code", ns, {"guid": code.guid, "name": code.name,
                                    "isCodable": "true" if code.codable else "false",
                                    "color": normalise_color(code.color)})
    description = compose_description(code)
    if description:
        _el(node, "Description", ns, text=description)
    if with_notes:
        for note in code.notes:
            _el(node, "NoteRef", ns, {"targetGUID": note})
    for child in code.children:
        _code_xml(node, child, ns, with_notes)


def _serialise(root: ET.Element, ns: str) -> bytes:
    ET.indent(root, space="  ")
    # A bare CR in element text would come back as LF (XML end-of-line handling): escape it
    # so descriptions and memos return as they left. Attributes are escaped already.
    body = ET.tostring(root, encoding="unicode").replace("\r", "&#13;")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def codebook_xml(codes: list[RefiCode], *, origin: str) -> bytes:
    root = _el(None, "CodeBook", NS_CODEBOOK, {"origin": origin})
    if codes:
        holder = _el(root, "Codes", NS_CODEBOOK)
        for code in codes:
            _code_xml(holder, code, NS_CODEBOOK, with_notes=False)
    return _serialise(root, NS_CODEBOOK)


def _value_element(var_type: str) -> str:
    return {"Text": "TextValue", "Boolean": "BooleanValue", "Integer": "IntegerValue",
            "Float": "FloatValue", "Date": "DateValue", "DateTime": "DateTimeValue"}[var_type]


def _source_file(source: RefiSource) -> str:
    return f"{source.guid}.txt"


def project_xml(project: RefiProject) -> bytes:
    """``project.qde``: children in the XSD's order, empty containers left out."""
    ns = NS_PROJECT
    root = _el(None, "Project", ns, {
        "name": project.name, "origin": project.origin, "creatingUserGUID": project.creating_user,
        "creationDateTime": project.created, "modifiedDateTime": project.modified})
    if project.users:
        users = _el(root, "Users", ns)
        for user in project.users:
            _el(users, "User", ns, {"guid": user.guid, "name": user.name})
    if project.codes:
        codes = _el(_el(root, "CodeBook", ns), "Codes", ns)
        for code in project.codes:
            _code_xml(codes, code, ns, with_notes=True)
    types = {v.guid: v.type for v in project.variables}
    if project.variables:
        variables = _el(root, "Variables", ns)
        for var in project.variables:
            node = _el(variables, "Variable", ns, {"guid": var.guid, "name": var.name,
                                                   "typeOfVariable": var.type})
            if var.description:
                _el(node, "Description", ns, text=var.description)
    if project.cases:
        cases = _el(root, "Cases", ns)
        for case in project.cases:
            node = _el(cases, "Case", ns, {"guid": case.guid, "name": case.name})
            if case.description:
                _el(node, "Description", ns, text=case.description)
            for var_guid, value in case.values:
                vv = _el(node, "VariableValue", ns)
                _el(vv, "VariableRef", ns, {"targetGUID": var_guid})
                _el(vv, _value_element(types[var_guid]), ns, text=value)
            for source in case.sources:
                _el(node, "SourceRef", ns, {"targetGUID": source})
    if project.sources:
        sources = _el(root, "Sources", ns)
        for source in project.sources:
            _source_xml(sources, source, ns)
    if project.notes:
        notes = _el(root, "Notes", ns)
        for note in project.notes:
            node = _el(notes, "Note", ns, {"guid": note.guid, "name": note.name, "creatingUser": note.user,
                                           "creationDateTime": note.created,
                                           "modifiedDateTime": note.modified})
            _el(node, "PlainTextContent", ns, text=note.text)
    if project.description:
        _el(root, "Description", ns, text=project.description)
    for note in project.project_notes:
        _el(root, "NoteRef", ns, {"targetGUID": note})
    return _serialise(root, ns)


def _coding_xml(parent: ET.Element, coding: RefiCoding, ns: str) -> None:
    node = _el(parent, "Coding", ns, {"guid": coding.guid, "creatingUser": coding.user,
                                      "creationDateTime": coding.created})
    _el(node, "CodeRef", ns, {"targetGUID": coding.code})
    for note in coding.notes:
        _el(node, "NoteRef", ns, {"targetGUID": note})


def _source_xml(parent: ET.Element, source: RefiSource, ns: str) -> None:
    node = _el(parent, "TextSource", ns, {"guid": source.guid, "name": source.name,
                                          "plainTextPath": f"internal://{_source_file(source)}",
                                          "creationDateTime": source.created})
    if source.description:
        _el(node, "Description", ns, text=source.description)
    for sel in source.selections:
        s = _el(node, "PlainTextSelection", ns, {
            "guid": sel.guid, "name": sel.name, "startPosition": sel.start, "endPosition": sel.end,
            "creatingUser": sel.user, "creationDateTime": sel.created})
        if sel.description:
            _el(s, "Description", ns, text=sel.description)
        for coding in sel.codings:
            _coding_xml(s, coding, ns)
        for note in sel.notes:
            _el(s, "NoteRef", ns, {"targetGUID": note})
    for coding in source.codings:
        _coding_xml(node, coding, ns)
    for note in source.notes:
        _el(node, "NoteRef", ns, {"targetGUID": note})


def _zip_time(stamp: str | None) -> tuple:
    # The project's own modification time, not the clock: an unchanged project exports
    # to the same bytes.
    try:
        t = dt.datetime.strptime(stamp or "", "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        t = dt.datetime(1980, 1, 1)
    return max(t, dt.datetime(1980, 1, 1)).timetuple()[:6]


def qdpx_bytes(project: RefiProject) -> bytes:
    buf = io.BytesIO()
    stamp = _zip_time(project.modified)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        members = [("project.qde", project_xml(project))]
        members += [(f"sources/{_source_file(s)}", s.text.encode("utf-8")) for s in project.sources]
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buf.getvalue()


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target and rename: a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    # os.open with 0o666 lets the umask decide the mode, as for any other file we write
    # (mkstemp would leave it private to the user).
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- reading: XML helpers ---------------------------------------------------------------

def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _kids(el: ET.Element | None, name: str) -> list[ET.Element]:
    return [c for c in el if _local(c.tag) == name] if el is not None else []


def _kid(el: ET.Element | None, name: str) -> ET.Element | None:
    found = _kids(el, name)
    return found[0] if found else None


def _text(el: ET.Element | None) -> str:
    return (el.text or "") if el is not None else ""


def _refs(el: ET.Element, name: str) -> list[str]:
    return [g for g in (_norm_guid(r.get("targetGUID")) for r in _kids(el, name)) if g]


def _check_root(root: ET.Element, expected: str, kind: str, source: Path, remarks: list[str]) -> None:
    if _local(root.tag) != expected:
        raise InputFileError(f"root element is <{_local(root.tag)}>, not <{expected}>: "
                             f"not a REFI-QDA {kind}", source=source)
    ns = _namespace(root.tag)
    if ns.casefold() == f"urn:qda-xml:{kind}:1.0":
        return
    if not ns:
        remarks.append("the file has no QDA-XML namespace; read as version 1.0")
    elif ns.casefold().startswith("urn:qda-xml:"):
        remarks.append(f"namespace {ns} read as version 1.0")
    else:
        remarks.append(f"unknown namespace {ns}; read as QDA-XML 1.0")


# -- reading: codes, users, variables, cases, notes -------------------------------------

def _read_codes(holder: ET.Element | None, problems: list[str], depth: int = 0, *,
                ours: bool = False) -> list[RefiCode]:
    """Codes, recursively. Only our own files carry our structured description."""
    codes = []
    for el in _kids(holder, "Code"):
        if depth >= MAX_CODE_DEPTH:
            raise ValueError(f"the code hierarchy is deeper than {MAX_CODE_DEPTH} levels")
        guid = _norm_guid(el.get("guid"))
        name = " ".join((el.get("name") or "").split())
        codable = (el.get("isCodable") or "true").strip().casefold() not in ("false", "0")
        if not guid:
            problems.append(f"code '{name}' has no guid: skipped with its sub-codes")
            continue
        kind = "code" if codable else ("theme" if depth == 0 else "category")
        text = _text(_kid(el, "Description"))
        fields = split_description(text) if ours else {"description": text.strip()}
        codes.append(RefiCode(guid, name, codable, kind, normalise_color(el.get("color")),
                              notes=_refs(el, "NoteRef"),
                              children=_read_codes(el, problems, depth + 1, ours=ours), **fields))
    return codes


def _read_users(root: ET.Element) -> list[RefiUser]:
    users = []
    for el in _kids(_kid(root, "Users"), "User"):
        guid = _norm_guid(el.get("guid"))
        if guid:
            name = (el.get("name") or "").strip() or (el.get("id") or "").strip() or f"user {guid[:8]}"
            users.append(RefiUser(guid, name))
    return users


def _read_variables(root: ET.Element) -> list[RefiVariable]:
    out = []
    for el in _kids(_kid(root, "Variables"), "Variable"):
        guid, name = _norm_guid(el.get("guid")), (el.get("name") or "").strip()
        if guid and name:
            out.append(RefiVariable(guid, name, (el.get("typeOfVariable") or "Text").strip(),
                                    _text(_kid(el, "Description"))))
    return out


def _value_of(vv: ET.Element) -> tuple[str | None, str | None]:
    ref = _kid(vv, "VariableRef")
    var = _norm_guid(ref.get("targetGUID")) if ref is not None else None
    values = [c for c in vv if _local(c.tag).endswith("Value")]
    return var, ((values[0].text or "").strip() if values else None)


def _read_cases(root: ET.Element, problems: list[str]) -> list[RefiCase]:
    out, skipped_refs = [], 0
    for el in _kids(_kid(root, "Cases"), "Case"):
        guid, name = _norm_guid(el.get("guid")), " ".join((el.get("name") or "").split())
        if not guid:
            continue
        values = [(v, x) for v, x in map(_value_of, _kids(el, "VariableValue")) if v and x is not None]
        skipped_refs += len(_kids(el, "CodeRef")) + len(_kids(el, "SelectionRef"))
        out.append(RefiCase(guid, name, values, _refs(el, "SourceRef"),
                            _text(_kid(el, "Description")).strip()))
    if skipped_refs:
        problems.append(f"{skipped_refs} code or selection references of cases not imported "
                        "(qualbench links participants to whole documents)")
    return out


# -- reading: sources -------------------------------------------------------------------

@dataclass
class _Reader:
    """State of one read: where files come from, and what was found along the way."""
    path: Path
    archive: Archive | None
    origin: str
    problems: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    notes: dict[str, RefiNote] = field(default_factory=dict)
    annotations: list[RefiAnnotation] = field(default_factory=list)
    placed: set[str] = field(default_factory=set)       # notes whose own selection found its source

    def locate(self, location: str | None, what: str) -> tuple[str | None, str]:
        """Text of an ``internal://`` file (or a bare name, as qc wrote), decoded, or
        None and why not."""
        loc = (location or "").strip()
        if not loc:
            return None, f"{what}: no file named"
        scheme = re.match(r"^([A-Za-z]+):/*", loc)
        if scheme and scheme.group(1).casefold() != "internal":
            return None, (f"{what}: its text is outside the archive ({loc}); "
                          "only files inside the .qdpx are read")
        name = loc[scheme.end():] if scheme else loc
        member = self.archive.source_member(name) if self.archive else None
        if member is None:
            return None, f"{what}: file '{name}' is not in the archive's sources folder"
        data = self.archive.read(member)
        try:
            return decode_bytes(data, member), ""
        except InputFileError as exc:
            return None, f"{what}: {exc}"

    def element_text(self, el: ET.Element, what: str) -> str | None:
        """The text of a source or note: its file, else its inline ``PlainTextContent``."""
        path = el.get("plainTextPath")
        content = _kid(el, "PlainTextContent")
        if path:
            text, why = self.locate(path, what)
            if text is not None:
                return text
            if content is not None:   # requal writes both; the file may be elsewhere in the zip
                self.remarks.append(f"{why}; used the text inside the project file (PlainTextContent)")
                return content.text or ""
            self.problems.append(why)
            return None
        if content is not None:
            return content.text or ""
        return None

    def source_text(self, el: ET.Element, what: str) -> str | None:
        text = self.element_text(el, what)
        if text is None and not el.get("plainTextPath"):
            if el.get("richTextPath"):
                self.problems.append(f"{what}: only rich text (.docx), no plain text: not imported")
            else:
                self.problems.append(f"{what}: no text in the file: not imported")
        return text


def _int(value: str | None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _coding(el: ET.Element) -> RefiCoding | None:
    code = _norm_guid(_kid(el, "CodeRef").get("targetGUID")) if _kid(el, "CodeRef") is not None else None
    if not code:
        return None
    return RefiCoding(_norm_guid(el.get("guid")) or "", code, _norm_guid(el.get("creatingUser")),
                      el.get("creationDateTime"), _refs(el, "NoteRef"))


def _clean_controls(text: str) -> tuple[str, int]:
    # Same-length replacements keep every position valid: a vertical tab (Word's soft
    # line break) becomes a line break, other C0 controls a space.
    count = len(_CONTROL.findall(text))
    if count:
        text = _CONTROL.sub(lambda m: "\n" if m.group() == "\x0b" else " ", text)
    return text, count


def _read_text_source(r: _Reader, el: ET.Element, name: str) -> RefiSource | None:
    guid = _norm_guid(el.get("guid"))
    what = f"source '{name}'"
    if not guid:
        r.problems.append(f"{what} has no guid: not imported")
        return None
    raw = r.source_text(el, what)
    if raw is None:
        return None
    raw = raw.lstrip("\ufeff")
    norm, controls = _clean_controls(normalise(raw))
    if controls:
        r.remarks.append(f"{what}: {controls} control character(s) replaced by spaces or line breaks")
    if not norm.strip():
        r.problems.append(f"{what}: the text is empty: not imported")
        return None
    source = RefiSource(guid, name, norm, codings=[c for c in map(_coding, _kids(el, "Coding")) if c],
                        notes=_refs(el, "NoteRef"), created=el.get("creationDateTime"),
                        description=_text(_kid(el, "Description")))
    _read_selections(r, el, raw, source)
    if _kids(el, "VariableValue"):
        r.problems.append(f"{what}: {len(_kids(el, 'VariableValue'))} variable value(s) on the source "
                          "not imported (qualbench keeps attributes on participants)")
    return source


def _read_selections(r: _Reader, el: ET.Element, raw: str, source: RefiSource) -> None:
    """The source's selections, and the notes it points to that carry their own selection
    (QualCoder's annotations), mapped onto our text with one reading of its positions."""
    elements, positions = [], []
    for sel in _kids(el, "PlainTextSelection"):
        start, end = _int(sel.get("startPosition")), _int(sel.get("endPosition"))
        if start is None or end is None:
            r.problems.append(f"source '{source.name}': selection {sel.get('guid')} has no valid "
                              "start/end: not imported")
            continue
        elements.append(sel)
        positions.append((start, end, sel.get("name") or ""))
    anchored = [(g, a) for g in dict.fromkeys(source.notes) if g in r.notes for a in r.notes[g].anchors]
    if not elements and not anchored:
        return
    resolution = resolve(raw, source.text, positions + [(s, e, "") for _, (s, e) in anchored], r.origin)
    source.positions = resolution.note

    def why(start: int, end: int) -> str:
        return "is empty" if start >= end else f"does not fit the text ({len(source.text):,} characters)"

    for sel, (start, end, _), span in zip(elements, positions, resolution.spans):
        if span is None:
            r.problems.append(f"source '{source.name}': selection [{start}, {end}) {why(start, end)}: "
                              "not imported")
            continue
        source.selections.append(RefiSelection(
            _norm_guid(sel.get("guid")) or "", span[0], span[1], sel.get("name") or "",
            _text(_kid(sel, "Description")).strip(), _norm_guid(sel.get("creatingUser")),
            sel.get("creationDateTime"), [c for c in map(_coding, _kids(sel, "Coding")) if c],
            _refs(sel, "NoteRef")))
    for (guid, (start, end)), span in zip(anchored, resolution.spans[len(elements):]):
        note = r.notes[guid]
        if span is None:
            r.problems.append(f"source '{source.name}': note '{note.name or guid}' marks [{start}, {end}), "
                              f"which {why(start, end)}: imported without that anchor")
            continue
        r.annotations.append(RefiAnnotation(source.guid, span[0], span[1], "a note with its own selection",
                                            notes=[guid], user=note.user, created=note.created))
        r.placed.add(guid)
    source.notes = [g for g in source.notes if g not in r.placed]


def _read_sources(r: _Reader, root: ET.Element) -> list[RefiSource]:
    out, others = [], {}
    for el in list(_kid(root, "Sources") if _kid(root, "Sources") is not None else []):
        kind, name = _local(el.tag), (el.get("name") or "").strip()
        if kind == "TextSource":
            source = _read_text_source(r, el, name)
        elif kind == "PDFSource" and _kid(el, "Representation") is not None:
            # The PDF's text layer is a TextSource of its own: import that.
            source = _read_text_source(r, _kid(el, "Representation"), name)
            if source is not None:
                source.codings += [c for c in map(_coding, _kids(el, "Coding")) if c]
                if _kids(el, "PDFSelection"):
                    r.problems.append(f"source '{name}': {len(_kids(el, 'PDFSelection'))} PDF area "
                                      "selection(s) not imported (only its text layer is)")
        else:
            others[kind] = others.get(kind, 0) + 1
            continue
        if source is not None:
            out.append(source)
    for kind, n in sorted(others.items()):
        r.problems.append(f"{n} {kind}(s) not imported: qualbench holds text documents only")
    return out


def _read_notes(r: _Reader, root: ET.Element) -> list[RefiNote]:
    out = []
    for el in _kids(_kid(root, "Notes"), "Note"):
        guid, name = _norm_guid(el.get("guid")), (el.get("name") or "").strip()
        if not guid:
            continue
        text = r.element_text(el, f"note '{name}'")
        if text is None:
            if el.get("plainTextPath"):
                continue      # reported by element_text
            text = ""
        spans = ((_int(x.get("startPosition")), _int(x.get("endPosition")))
                 for x in _kids(el, "PlainTextSelection"))
        anchors = [(s, e) for s, e in spans if s is not None and e is not None]
        out.append(RefiNote(guid, name, normalise(text).strip(), _norm_guid(el.get("creatingUser")),
                            el.get("creationDateTime"), el.get("modifiedDateTime"), anchors))
    return out


def _members(el: ET.Element, tag: str) -> list[str]:
    # The spec says targetGUID; ATLAS.ti 23 QDCs write guid.
    return [g for g in (_norm_guid(m.get("targetGUID") or m.get("guid")) for m in _kids(el, tag)) if g]


def _read_sets(root: ET.Element) -> list[RefiSet]:
    """Sets of a project (``Project/Sets``) or codebook (``CodeBook/Sets``)."""
    holders = [_kid(root, "Sets"), _kid(_kid(root, "CodeBook"), "Sets")]
    return [RefiSet(_norm_guid(el.get("guid")) or "", " ".join((el.get("name") or "").split()),
                    _text(_kid(el, "Description")).strip(), _members(el, "MemberCode"),
                    _members(el, "MemberSource"), _members(el, "MemberNote"))
            for holder in holders for el in _kids(holder, "Set")]


def _read_links(root: ET.Element) -> list[tuple[str | None, str | None]]:
    return [(_norm_guid(el.get("originGUID")), _norm_guid(el.get("targetGUID")))
            for el in _kids(_kid(root, "Links"), "Link")]


# -- reading: consistency ---------------------------------------------------------------

def _drop_duplicates(project: RefiProject) -> None:
    """A GUID names one object: a second code or source with the same GUID is dropped."""
    seen: set[str] = set()

    def first(items: list, what: str) -> list:
        kept = []
        for item in items:
            if item.guid in seen:
                project.problems.append(f"{what} '{item.name}' repeats the GUID {item.guid}: not imported")
            else:
                seen.add(item.guid)
                kept.append(item)
        return kept

    def prune(codes: list[RefiCode]) -> list[RefiCode]:
        kept = first(codes, "code")
        for code in kept:
            code.children = prune(code.children)
        return kept

    project.codes = prune(project.codes)
    project.sources = first(project.sources, "source")


def _resolve_references(project: RefiProject) -> None:
    """Keep only references that resolve; a coding of a case links the source to it."""
    _drop_duplicates(project)
    codes = {c.guid for c in project.all_codes()}
    cases = {c.guid: c for c in project.cases}
    notes = {n.guid for n in project.notes}
    users = {u.guid for u in project.users}
    unknown_codes = unknown_notes = case_selections = 0

    def keep(codings: list[RefiCoding], source: RefiSource, whole: bool) -> list[RefiCoding]:
        nonlocal unknown_codes, case_selections
        kept = []
        for coding in codings:
            if coding.code in codes:
                coding.user = coding.user if coding.user in users else None
                kept.append(coding)
            elif coding.code in cases and whole:   # NVivo: the whole source belongs to a case
                if source.guid not in cases[coding.code].sources:
                    cases[coding.code].sources.append(source.guid)
            elif coding.code in cases:
                case_selections += 1
            else:
                unknown_codes += 1
        return kept

    def known(refs: list[str]) -> list[str]:
        nonlocal unknown_notes
        unknown_notes += sum(1 for g in refs if g not in notes)
        return [g for g in refs if g in notes]

    for source in project.sources:
        source.codings = keep(source.codings, source, whole=True)
        source.notes = known(source.notes)
        for sel in source.selections:
            before = len(sel.codings)
            sel.codings = keep(sel.codings, source, whole=False)
            sel.dropped = before - len(sel.codings)
            sel.notes = known(sel.notes)
            sel.user = sel.user if sel.user in users else None
            for coding in sel.codings:
                coding.notes = known(coding.notes)
    for code in project.all_codes():
        code.notes = known(code.notes)
    project.project_notes = known(project.project_notes)
    if unknown_codes:
        project.problems.append(f"{unknown_codes} coding(s) refer to codes that are not in the "
                                "codebook: not imported")
    if case_selections:
        project.problems.append(f"{case_selections} selection(s) coded with a case (NVivo case "
                                "coding of part of a source): not imported")
    if unknown_notes:
        project.problems.append(f"{unknown_notes} note reference(s) to notes not in the file: ignored")


def _apply_links(project: RefiProject, links: list[tuple[str | None, str | None]]) -> set[str]:
    """A Link between a note and a passage, code or source attaches the note there (NVivo
    links its annotations this way); returns the selections that got a note so."""
    notes = {n.guid for n in project.notes}
    selections = {sel.guid: sel for src in project.sources for sel in src.selections if sel.guid}
    codes = {c.guid: c for c in project.all_codes()}
    sources = {s.guid: s for s in project.sources}
    linked, other = set(), 0
    for origin, target in links:
        for note, end in ((origin, target), (target, origin)):
            if note not in notes:
                continue
            holder = selections.get(end) or codes.get(end) or sources.get(end)
            if holder is not None:
                if note not in holder.notes:
                    holder.notes.append(note)
                if end in selections:
                    linked.add(end)
                break
        else:
            other += 1
    if other:
        project.problems.append(f"{other} link(s) not imported (qualbench keeps a note only on a passage, "
                                "a code, a document or the project)")
    return linked


def _collect_annotations(project: RefiProject, reader: _Reader, linked: set[str]) -> None:
    """Uncoded selections with a comment, and notes with a selection of their own, become
    :class:`RefiAnnotation`; a selection with neither code nor comment is reported."""
    annotations, empty = list(reader.annotations), 0
    for source in project.sources:
        kept = []
        for sel in source.selections:
            if sel.codings:
                kept.append(sel)
            elif sel.description.strip() or sel.notes:
                how = ("a passage linked to a note" if sel.guid in linked else
                       "a passage with a comment and no code")
                annotations.append(RefiAnnotation(source.guid, sel.start, sel.end, how, sel.description,
                                                  list(sel.notes), sel.user, sel.created))
            elif not sel.dropped:
                empty += 1
        source.selections = kept
    referenced = set(project.project_notes) | {g for c in project.all_codes() for g in c.notes}
    for source in project.sources:
        referenced |= set(source.notes) | {g for c in source.codings for g in c.notes}
        for sel in source.selections:
            referenced |= set(sel.notes) | {g for c in sel.codings for g in c.notes}
    referenced |= {g for a in annotations for g in a.notes}
    for note in project.notes:
        if note.anchors and note.guid not in reader.placed and note.guid not in referenced:
            for start, end in note.anchors:   # QualCoder points only to its first annotation
                annotations.append(RefiAnnotation(None, start, end, "a note with its own selection "
                                                  "that no source points to", notes=[note.guid],
                                                  user=note.user, created=note.created))
    project.annotations = annotations
    if empty:
        project.problems.append(f"{empty} selection(s) with neither a code nor a comment: not imported")


def _project_from_xml(root: ET.Element, reader: _Reader) -> RefiProject:
    _check_root(root, "Project", "project", reader.path, reader.remarks)
    project = RefiProject(name=(root.get("name") or "").strip(), origin=reader.origin,
                          created=root.get("creationDateTime"), modified=root.get("modifiedDateTime"),
                          creating_user=_norm_guid(root.get("creatingUserGUID")),
                          description=_text(_kid(root, "Description")).strip())
    project.users = _read_users(root)
    try:
        project.codes = _read_codes(_kid(_kid(root, "CodeBook"), "Codes"), reader.problems,
                                    ours=project.ours)
    except ValueError as exc:
        raise InputFileError(str(exc), source=reader.path) from None
    project.variables = _read_variables(root)
    project.cases = _read_cases(root, reader.problems)
    project.notes = _read_notes(reader, root)           # first: sources place their anchors
    reader.notes = {n.guid: n for n in project.notes}
    project.sources = _read_sources(reader, root)
    project.project_notes = _refs(root, "NoteRef")
    project.sets = _read_sets(root)
    graphs = _kid(root, "Graphs")
    if graphs is not None and len(list(graphs)):
        reader.problems.append(f"{len(list(graphs))} graph(s) not imported (qualbench has no equivalent)")
    project.problems, project.remarks = reader.problems, reader.remarks
    _resolve_references(project)
    linked = _apply_links(project, _read_links(root))
    _collect_annotations(project, reader, linked)
    return project


def _is_zip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def _read_xml_file(path: Path, kind: str) -> bytes:
    limit = refi_archive.LIMITS.max_member_bytes
    if path.stat().st_size > limit:
        raise InputFileError(f"is larger than {limit:,} bytes: refused", source=path)
    data = path.read_bytes()
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(f"is not a REFI-QDA {kind} (neither a ZIP archive nor XML)", source=path)
    return data


def read_qdpx(path: Path | str) -> RefiProject:
    """Read a ``.qdpx`` (or a bare project XML) into plain objects; nothing is written."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError("no such file", source=path)
    if not _is_zip(path):
        root = parse_xml(_read_xml_file(path, "project"), source=path)
        reader = _Reader(path, None, root.get("origin") or "")
        reader.remarks.append("a bare project XML (not a ZIP): only texts inside the XML are read")
        return _project_from_xml(root, reader)
    with Archive(path) as archive:
        member = archive.project_member()
        root = parse_xml(archive.read(member), source=path, member=member)
        reader = _Reader(path, archive, root.get("origin") or "")
        if member != "project.qde":
            reader.remarks.append(f"project file is named '{member}' (the standard says project.qde)")
        return _project_from_xml(root, reader)


def read_qdc(path: Path | str) -> RefiProject:
    """Read a codebook: a ``.qdc`` — or, leniently, the codebook of a project file."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError("no such file", source=path)
    if _is_zip(path):
        project = read_qdpx(path)
        project.sources, project.cases, project.variables, project.notes = [], [], [], []
        project.annotations, project.project_notes, project.description = [], [], ""
        project.sets = [s for s in project.sets if s.codes]
        project.problems = []
        project.remarks.append("a .qdpx project: only its codebook is read")
        return project
    root = parse_xml(_read_xml_file(path, "codebook"), source=path)
    remarks: list[str] = []
    problems: list[str] = []
    if _local(root.tag) == "Project":
        remarks.append("a project XML: only its codebook is read")
        holder = _kid(_kid(root, "CodeBook"), "Codes")
    else:
        _check_root(root, "CodeBook", "codebook", path, remarks)
        holder = _kid(root, "Codes")
    origin = root.get("origin") or ""
    try:
        codes = _read_codes(holder, problems, ours=is_own_origin(origin))
    except ValueError as exc:
        raise InputFileError(str(exc), source=path) from None
    for code in (c for top in codes for c in top.walk()):
        code.notes = []
    project = RefiProject(name=path.stem, origin=origin, codes=codes, problems=problems, remarks=remarks,
                          sets=[s for s in _read_sets(root) if s.codes])
    _drop_duplicates(project)
    return project
