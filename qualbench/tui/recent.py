"""The codes behind the number keys 1–9, per coder, the same before and after a restart.

Slots are stable: a code keeps its number while it is on a key. A newly used code takes
the first empty key; only when all nine are taken does it replace the code used longest
ago. (Re-sorting by recency on every use would move the codes under the coder's fingers
while they work.) A code that no longer exists (its creation was undone, it was merged
away) leaves its key empty rather than shifting the others down.

The keys are kept in a small JSON file in the project folder (:data:`KEYS_FILE`), one
entry per coder, so a restart shows exactly the keys the coder left — not a list
rebuilt from the database in another order. Only a coder without an entry yet starts
from the database (:meth:`Project.recent_codes`, newest on key 1). The file is a
convenience, not project data: it is not in the database, has no events and no undo,
and a missing, unreadable or unwritable file only means the keys start afresh.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

SLOTS = 9
KEYS_FILE = ".qualbench-keys.json"


class RecentCodes:
    def __init__(self, code_ids: list[int | None] | None = None, *, used: list[int] | None = None) -> None:
        """``code_ids``: the code on each key, key 1 first (None: an empty key).

        ``used``: the codes on the keys from least to most recently used; by default the
        order of ``code_ids`` read as newest first (key 1 the most recent).
        """
        slots: list[int | None] = []
        for cid in (code_ids or [])[:SLOTS]:
            slots.append(cid if cid is None or cid not in slots else None)
        self.slots: list[int | None] = slots + [None] * (SLOTS - len(slots))
        on_keys = [c for c in self.slots if c is not None]
        order = [c for c in dict.fromkeys(used or []) if c in on_keys]
        unrecorded = [c for c in on_keys if c not in order]  # count as the oldest, key 1 newest
        self.used: list[int] = list(reversed(unrecorded)) + order

    def use(self, code_id: int) -> bool:
        """Put ``code_id`` on a key (if it is not on one) and mark it used; True if a key changed."""
        changed = False
        if code_id not in self.slots:
            if None in self.slots:
                self.slots[self.slots.index(None)] = code_id
            else:
                oldest = self.used[0] if self.used else self.slots[-1]
                self.slots[self.slots.index(oldest)] = code_id
                self.used.remove(oldest)
            changed = True
        if code_id in self.used:
            changed = changed or self.used[-1] != code_id
            self.used.remove(code_id)
        self.used.append(code_id)
        return changed

    def get(self, number: int) -> int | None:
        """Code id on key ``number`` (1-based), or None."""
        return self.slots[number - 1] if 1 <= number <= SLOTS else None

    def forget_missing(self, existing: set[int]) -> bool:
        """Empty the keys of codes that no longer exist; True if any key was emptied."""
        gone = [c for c in self.slots if c is not None and c not in existing]
        for cid in gone:
            self.slots[self.slots.index(cid)] = None
            if cid in self.used:
                self.used.remove(cid)
        return bool(gone)

    def number_of(self, code_id: int) -> int | None:
        return self.slots.index(code_id) + 1 if code_id in self.slots else None

    @property
    def empty(self) -> bool:
        return all(c is None for c in self.slots)

    def to_json(self) -> dict:
        return {"keys": list(self.slots), "used": list(self.used)}

    @classmethod
    def from_json(cls, data: dict) -> RecentCodes:
        keys = [c if isinstance(c, int) else None for c in data.get("keys", [])]
        used = [c for c in data.get("used", []) if isinstance(c, int)]
        return cls(keys, used=used)


class KeyFile:
    """Every coder's number keys, in ``KEYS_FILE`` in the project folder."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / KEYS_FILE

    def load(self, coder: str) -> RecentCodes | None:
        """The coder's keys as saved, or None if none were saved (or the file is unreadable)."""
        entry = self._read().get(coder)
        return RecentCodes.from_json(entry) if isinstance(entry, dict) else None

    def save(self, coder: str, recent: RecentCodes) -> None:
        data = self._read()
        data[coder] = recent.to_json()
        try:
            temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.part")
            temp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
            os.replace(temp, self.path)
        except OSError:
            pass  # a read-only folder: the keys still work for this session

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}
