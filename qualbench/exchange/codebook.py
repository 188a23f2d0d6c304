"""Codebook files in qualbench's YAML format (``qualbench_codebook: 1``).

A nested list of nodes; each node has ``name`` and ``kind`` (theme / category / code)
and optionally ``description``, ``when_to_use``, ``when_not_to_use``, ``example``,
``color`` and ``children``. See ``codebooks/imcs-codebook.yaml`` for a full example.
YAML is read by :mod:`~qualbench.exchange.yamlfile` (safe loader, no anchors or aliases,
limited size and depth): a codebook file never runs code and cannot expand.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import InputFileError, ValidationError
from .yamlfile import describe as _kind

NODE_KEYS = {"name", "kind", "description", "when_to_use", "when_not_to_use", "example", "color", "children"}
TEXT_KEYS = ("description", "when_to_use", "when_not_to_use", "example")
KINDS = {"theme", "category", "code"}
MARKER = "qualbench_codebook"
FORMAT = "qualbench-codebook/1"
HEADER_KEYS = {MARKER, "format", "title", "description", "codes"}
MAX_CODE_DEPTH = 64          # as for REFI-QDA codebooks: a tree imported from there exports and re-imports


def read_codebook(path: Path) -> tuple[dict, list[dict]]:
    """Return (header fields, nodes) of a codebook YAML file, validated.

    The file is what :func:`write_codebook` writes: ``qualbench_codebook: 1``, ``title``,
    ``description`` and ``codes``. ``format: qualbench-codebook/1`` (the spelling of the
    coding files) is taken as the same marker, and a hand-written file without a marker
    is accepted when it has exactly that shape (a mapping with a ``codes`` list and at most
    a title and a description): any other top-level key means it is some other YAML file.

    Every field is checked for its type — a name, kind, colour or definition that YAML
    read as a list, a mapping, a number, a date or yes/no is refused, never stored as its
    Python spelling — and every problem is raised at once.
    """
    from .refi import normalise_color
    from .yamlfile import read_yaml

    path = Path(path)
    data = read_yaml(path, "a codebook")
    if not isinstance(data, dict) or "codes" not in data:
        raise InputFileError("not a qualbench codebook (expected a mapping with a 'codes' list)", source=path)
    unknown = sorted(str(k) for k in data if k not in HEADER_KEYS)
    if unknown:
        raise InputFileError(f"not a qualbench codebook: unknown top-level key(s) {', '.join(map(repr, unknown))} "
                             f"(a codebook has {MARKER}, title, description and codes)", source=path)
    if MARKER in data and data[MARKER] != 1:
        raise InputFileError(f"{MARKER}: {data[MARKER]!r} is not a codebook format this qualbench reads "
                             "(it reads format 1)", source=path)
    if "format" in data and data["format"] != FORMAT:
        raise InputFileError(f"format: {data['format']!r} is not a codebook format this qualbench reads "
                             f"(expected '{FORMAT}')", source=path)
    if not isinstance(data["codes"], list):
        raise InputFileError(f"codes: expected a list of codes, got {_kind(data['codes'])}", source=path)
    if not data["codes"]:
        raise InputFileError("no codes in the file (codes: is an empty list)", source=path)
    problems: list[str] = []
    for key in ("title", "description"):
        if data.get(key) is not None and not isinstance(data[key], str):
            problems.append(f"{key}: expected text, got {_kind(data[key])}")
    names: dict[str, str] = {}

    def check(nodes: list, where: str, depth: int) -> list[dict]:
        out = []
        for i, node in enumerate(nodes):
            here = f"{where}[{i}]"
            if not isinstance(node, dict):
                problems.append(f"{here}: expected a code (name: ..., kind: ...), got {_kind(node)}")
                continue
            raw = node.get("name")
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                problems.append(f"{here}: every node needs a name")
                continue
            if not isinstance(raw, str):
                problems.append(f"{here}: name must be text, got {_kind(raw)} (put it in quotes)")
                continue
            name = " ".join(raw.split())
            here = f"'{name}'"
            kind = node.get("kind", "code")
            if not isinstance(kind, str) or kind not in KINDS:
                problems.append(f"{here}: kind must be theme, category or code, not {_kind(kind)}")
                kind = "code"
            unknown = set(map(str, node)) - NODE_KEYS
            if unknown:
                problems.append(f"{here}: unknown key(s) {', '.join(sorted(unknown))}")
            if name.casefold() in names:
                problems.append(f"{here}: the name is used twice")
            names[name.casefold()] = name
            clean = {"name": name, "kind": kind, "_position": i}
            for key in TEXT_KEYS:
                value = node.get(key)
                if value is not None and not isinstance(value, str):
                    problems.append(f"{here}: {key} must be text, got {_kind(value)} (put it in quotes)")
                elif value is not None:
                    clean[key] = value.strip()
            color = node.get("color")
            if color is not None:
                fixed = normalise_color(color) if isinstance(color, str) else None
                if fixed is None:
                    problems.append(f"{here}: color {_kind(color)} is not a colour "
                                    "(write it as #RRGGBB, e.g. '#0072B2')")
                else:
                    clean["color"] = fixed
            children = node.get("children")
            if children is None:
                children = []
            elif not isinstance(children, list):
                problems.append(f"{here}: children must be a list")
                children = []
            if children and depth >= MAX_CODE_DEPTH:
                problems.append(f"{here}: the code tree is deeper than {MAX_CODE_DEPTH} levels")
                children = []
            clean["children"] = check(children, here, depth + 1)
            out.append(clean)
        return out

    nodes = check(data["codes"], "codes", 1)
    if problems:
        raise ValidationError(problems, source=path)
    header = {k: v for k, v in data.items() if k != "codes"}
    return header, nodes


def write_codebook(path: Path, tree: list[dict], *, title: str = "", description: str = "") -> None:
    """Write nodes (as produced by the project's code tree) to a YAML codebook."""
    def clean(node: dict) -> dict:
        out = {"name": node["name"], "kind": node["kind"]}
        for key in ("color", "description", "when_to_use", "when_not_to_use", "example"):
            if node.get(key):
                out[key] = node[key]
        if node.get("children"):
            out["children"] = [clean(c) for c in node["children"]]
        return out

    doc = {"qualbench_codebook": 1, "title": title, "description": description,
           "codes": [clean(n) for n in tree]}
    from .refi import write_atomically
    write_atomically(Path(path), yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=88).encode("utf-8"))
