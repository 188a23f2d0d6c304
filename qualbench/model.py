"""Plain, immutable domain objects handed out by the Project API.

They carry no database handle: the TUI and the analyses can hold them freely, and a
test can build them by hand.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    id: int
    name: str
    version: int
    participant: str | None
    source_format: str
    n_words: int
    n_chars: int
    language: str
    source_path: str | None = None


@dataclass(frozen=True)
class Turn:
    id: int
    idx: int
    speaker: str | None
    role: str
    start: int
    end: int
    t_start: float | None = None
    t_end: float | None = None


@dataclass(frozen=True)
class Segment:
    id: int
    turn_id: int
    idx: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Code:
    id: int
    name: str
    kind: str
    parent_id: int | None
    description: str = ""
    when_to_use: str = ""
    when_not_to_use: str = ""
    example: str = ""
    color: str | None = None
    position: int = 0


@dataclass(frozen=True)
class Coding:
    id: int
    document_id: int
    code_id: int
    coder: str
    start: int
    end: int
    memo: str = ""
    starred: bool = False


@dataclass(frozen=True)
class Event:
    id: int
    at: str
    actor: str
    action: str
    summary: dict
    reason: str
    undoable: bool
    undone: bool
