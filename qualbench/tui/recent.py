"""The nine recently used codes behind the number keys 1–9, per coder.

Slots are stable: a code keeps its number while it stays in the list, and a newly used
code takes the slot of the one used longest ago. (Re-sorting by recency on every use
would move the codes under the coder's fingers while they work.) The first fill comes
from the database (:meth:`Project.recent_codes`), so the keys survive a restart.
"""
from __future__ import annotations

SLOTS = 9


class RecentCodes:
    def __init__(self, code_ids: list[int] | None = None) -> None:
        self.slots: list[int] = list(dict.fromkeys(code_ids or []))[:SLOTS]
        self._last_used: dict[int, int] = {cid: -i for i, cid in enumerate(self.slots)}
        self._clock = 0

    def use(self, code_id: int) -> None:
        self._clock += 1
        if code_id not in self.slots:
            if len(self.slots) < SLOTS:
                self.slots.append(code_id)
            else:
                oldest = min(self.slots, key=lambda c: self._last_used.get(c, -SLOTS))
                self.slots[self.slots.index(oldest)] = code_id
                self._last_used.pop(oldest, None)
        self._last_used[code_id] = self._clock

    def get(self, number: int) -> int | None:
        """Code id on key ``number`` (1-based), or None."""
        return self.slots[number - 1] if 1 <= number <= len(self.slots) else None

    def forget_missing(self, existing: set[int]) -> None:
        """Drop codes that no longer exist (a code creation was undone)."""
        self.slots = [c for c in self.slots if c in existing]

    def number_of(self, code_id: int) -> int | None:
        return self.slots.index(code_id) + 1 if code_id in self.slots else None
