"""Codebook files in qualbench's YAML format (``qualbench_codebook: 1``).

A nested list of nodes; each node has ``name`` and ``kind`` (theme / category / code)
and optionally ``description``, ``when_to_use``, ``when_not_to_use``, ``example``,
``color`` and ``children``. See ``codebooks/imcs-codebook.yaml`` for a full example.
YAML is read with ``safe_load`` only: a codebook file never runs code.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import InputFileError, ValidationError
from ..textnorm import decode_bytes, normalise

NODE_KEYS = {"name", "kind", "description", "when_to_use", "when_not_to_use", "example", "color", "children"}
KINDS = {"theme", "category", "code"}


def read_codebook(path: Path) -> tuple[dict, list[dict]]:
    """Return (header fields, nodes) of a codebook YAML file, validated."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError("no such file", source=path)
    text = normalise(decode_bytes(path.read_bytes(), path))
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise InputFileError(f"not valid YAML{where} ({getattr(exc, 'problem', exc)})", source=path) from None
    if not isinstance(data, dict) or not isinstance(data.get("codes"), list):
        raise InputFileError("not a qualbench codebook (expected a mapping with a 'codes' list)", source=path)
    problems: list[str] = []
    names: dict[str, str] = {}

    def check(nodes: list, where: str) -> list[dict]:
        out = []
        for i, node in enumerate(nodes):
            here = f"{where}[{i}]"
            if not isinstance(node, dict) or not str(node.get("name") or "").strip():
                problems.append(f"{here}: every node needs a name")
                continue
            name = " ".join(str(node["name"]).split())
            here = f"'{name}'"
            kind = node.get("kind", "code")
            if kind not in KINDS:
                problems.append(f"{here}: kind '{kind}' is not theme, category or code")
            unknown = set(node) - NODE_KEYS
            if unknown:
                problems.append(f"{here}: unknown key(s) {', '.join(sorted(unknown))}")
            if name.casefold() in names:
                problems.append(f"{here}: the name is used twice")
            names[name.casefold()] = name
            children = node.get("children") or []
            if not isinstance(children, list):
                problems.append(f"{here}: children must be a list")
                children = []
            clean = {k: (str(v).strip() if isinstance(v, str) else v) for k, v in node.items()
                     if k in NODE_KEYS - {"children"}}
            clean.update(name=name, kind=kind, _position=i, children=check(children, here))
            out.append(clean)
        return out

    nodes = check(data["codes"], "codes")
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
    Path(path).write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=88),
                          encoding="utf-8")
