"""Plain words for a change in the events log, and how big an undo would be.

The CLI (``qualbench undo``) and the workbench (``u``) both say what they undid, in the
same words, and both stop before an undo that would remove a lot of work at once — the
import of 938 codings, a consensus start — until the user confirms. A researcher trying
out what ``u`` does must not wipe a coder's imported codings with one key.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..model import Event

BULK_ROWS = 25  # an undo touching more rows than this asks first

_WHAT = {
    "coding.add": "coding", "coding.remove": "removing a coding", "coding.update": "changing a coding",
    "coding.memo": "a coding memo", "memo.set": "a memo", "code.create": "creating a code",
    "code.rename": "renaming a code", "code.update": "editing a code", "code.move": "moving a code",
    "code.reorder": "reordering codes", "code.kind": "promoting or demoting a code",
    "code.merge": "merging codes", "code.split": "splitting a code", "code.delete": "deleting a code",
    "codings.move": "moving codings", "codebook.import": "a codebook import",
    "codings.import": "a codings import", "documents.import": "a transcript import",
    "participants.import": "a participant table import", "consensus.start": "copying agreed codings to consensus",
    "consensus.settle": "settling a disagreement", "comment.add": "a review comment",
    "comment.resolve": "resolving a review comment", "refi.import": "a REFI-QDA import",
}
_TABLE_WORDS = {"codings": ("coding", "codings"), "documents": ("document", "documents"),
                "codes": ("code", "codes"), "participants": ("participant", "participants"),
                "memos": ("memo", "memos"), "segments": ("sentence", "sentences"),
                "turns": ("turn", "turns"), "comments": ("comment", "comments")}


def what(action: str) -> str:
    return _WHAT.get(action, action.replace(".", " "))


def describe(event: Event) -> str:
    """'a codings import (codebooks/codings-coder_a.yaml)' — the change in a few words."""
    s = event.summary
    detail = s.get("code") or s.get("name") or s.get("to") or s.get("document") or ""
    if not detail and s.get("file"):
        detail = Path(str(s["file"])).name  # a file's name says enough; its folder is noise
    return f"{what(event.action)} ({detail})" if detail else what(event.action)


def table_words(table: str, n: int) -> str:
    one, many = _TABLE_WORDS.get(table, (table.rstrip("s"), table))
    return f"{n:,} {one if n == 1 else many}"


@dataclass(frozen=True)
class UndoPreview:
    """What the next undo (or redo) would change: the event and the rows per table."""
    event: Event
    rows: dict[str, int]

    @property
    def size(self) -> int:
        return sum(self.rows.values())

    @property
    def bulk(self) -> bool:
        return self.size > BULK_ROWS

    def text(self, verb: str = "undo") -> str:
        """'undo a codings import (…) by coder_a on 2026-11-21 14:56: 938 codings'."""
        main = [table_words(t, n) for t, n in sorted(self.rows.items(), key=lambda kv: -kv[1])
                if t in ("codings", "documents", "codes", "participants", "memos")]
        when = self.event.at[:16].replace("T", " ")
        return (f"{verb} {describe(self.event)} by {self.event.actor} on {when}"
                + (f": {', '.join(main)}" if main else ""))


def rows_touched(ops_json: str | None) -> dict[str, int]:
    if not ops_json:
        return {}
    return dict(Counter(op["table"] for op in json.loads(ops_json)))
