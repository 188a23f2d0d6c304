"""Reading qualbench's own YAML files (codebooks, coding files) safely and in one line.

These files are small trees of text written by qualbench or by hand; they never need
YAML's anchors and aliases (``&a`` / ``*a``), and those are exactly what turns a
3 KB file into millions of nodes ("billion laughs") or into a node that contains itself.
So a file is first walked as a stream of parser events — libyaml's, when PyYAML has it,
which is fast and builds nothing — and refused at the first anchor or alias, or when it
nests deeper than :data:`~qualbench.exchange.limits.MAX_YAML_DEPTH`; only then is it
loaded, with the safe loader (plain data, no Python objects). A file larger than
:data:`~qualbench.exchange.limits.MAX_YAML_BYTES` is refused before it is read.

Every problem is one line with the line and column, instead of PyYAML's multi-line
"in <unicode string>, line 3, column 10" blocks.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import InputFileError
from ..textnorm import decode_bytes, normalise
from . import limits

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, what: str) -> object:
    """The data of the YAML file ``path`` (``what``: "a codebook", "a coding file")."""
    path = Path(path)
    if path.is_dir():
        raise InputFileError("is a folder, not a file", source=path)
    if not path.is_file():
        raise InputFileError("no such file", source=path)
    limits.check_file_size(path, limits.MAX_YAML_BYTES, what)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read it ({exc.strerror or exc})", source=path) from None
    return load_yaml(normalise(decode_bytes(raw, path)), path)


def load_yaml(text: str, source: Path | str) -> object:
    """Parse YAML text: aliases and anchors refused, nesting capped, errors on one line."""
    try:
        depth = 0
        for event in yaml.parse(text, Loader=_Loader):
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor is not None:
                sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
                raise InputFileError(
                    f"{_where(event.start_mark)}YAML {'alias' if sign == '*' else 'anchor'} "
                    f"'{sign}{anchor}': anchors and aliases are not allowed in qualbench files "
                    "(write each entry out in full)", source=source)
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > limits.MAX_YAML_DEPTH:
                    raise InputFileError(f"{_where(event.start_mark)}nested more than {limits.MAX_YAML_DEPTH} levels "
                                         "deep: refused", source=source)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise InputFileError(f"not valid YAML: {yaml_problem(exc, text)}", source=source) from None


def _where(mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""


def yaml_problem(exc: yaml.YAMLError, text: str = "") -> str:
    """PyYAML's error as one line: where, then what."""
    if isinstance(exc, yaml.reader.ReaderError):
        pos = exc.position
        line = text.count("\n", 0, pos) + 1
        column = pos - (text.rfind("\n", 0, pos) + 1) + 1
        what = f" U+{exc.character:04X}" if isinstance(exc.character, int) else ""
        return f"line {line}, column {column}: {exc.reason}{what}"
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = " ".join(str(getattr(exc, "problem", None) or getattr(exc, "context", None) or exc).split())
    context = getattr(exc, "context", None)
    tag = problem.partition("constructor for the tag ")[2]
    if tag:
        short = tag.strip("'").replace("tag:yaml.org,2002:", "!!")
        problem = f"unsupported YAML tag '{short}' (qualbench files hold only text, numbers, lists and mappings)"
    elif context and context != problem:
        problem += f" ({' '.join(str(context).split())})"
    return f"{_where(mark)}{problem}" if mark is not None else problem


def describe(value) -> str:
    """How a YAML value reads to a person, for an error message ("a list", "yes/no (true)")."""
    if isinstance(value, bool):
        return f"yes/no ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"'{value[:40]}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return f"a {type(value).__name__} ({value})"
