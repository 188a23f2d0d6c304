"""Speaker-turn detection in transcript text.

Recognised label styles at the start of a line (case-insensitive):
``I:``/``P:``, ``Q:``/``A:``, ``R:``, ``Interviewer:``, ``Participant:``, ``P07:``,
``[00:01:02] Name:`` and ``Name (00:01:02):``.

A line that merely *looks* like a label ("Honestly: it was hard") must not start a turn,
so a label is accepted only if it is a known role label, a participant code such as
``P07``, a usual relative (``Partner:``, ``Daughter:``), or is used as a label at least
twice in the same document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_NAME = r"(?:\[[^\]\n]{1,20}\]|[^\W\d_][\w.'’\-]*)(?:[ ](?:\[[^\]\n]{1,20}\]|[\w.'’\-]+)){0,2}"
_LABEL_PATTERNS = [
    # [00:01:02] Name:
    re.compile(rf"^[ \t]*[\[(](?P<ts>{_TS})[\])][ \t]*(?P<name>{_NAME})[ \t]*:[ \t]*"),
    # Name (00:01:02):   Name [00:01:02]:
    re.compile(rf"^[ \t]*(?P<name>{_NAME})[ \t]*[\[(](?P<ts>{_TS})[\])][ \t]*:[ \t]*"),
    # Name:
    re.compile(rf"^[ \t]*(?P<name>{_NAME})[ \t]*:(?:[ \t]+|$)"),
]
PARTICIPANT_CODE = re.compile(r"^P\d{1,4}$", re.IGNORECASE)
RELATIVES = {"partner", "husband", "wife", "spouse", "daughter", "son", "mother", "father",
             "carer", "caregiver", "interpreter", "[partner]", "[daughter]", "[son]",
             "nurse", "sister", "brother"}


@dataclass(frozen=True)
class LabelMatch:
    name: str
    timestamp: float | None
    end: int  # offset in the line where the utterance starts


def parse_timestamp(ts: str) -> float:
    parts = ts.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def match_label(line: str) -> LabelMatch | None:
    for pattern in _LABEL_PATTERNS:
        m = pattern.match(line)
        if m:
            name = m.group("name").strip()
            if len(name) > 30:
                return None
            ts = m.groupdict().get("ts")
            return LabelMatch(name, parse_timestamp(ts) if ts else None, m.end())
    return None


class RoleMap:
    """Maps a speaker label to interviewer / participant / other using the settings."""

    def __init__(self, roles: dict[str, list[str]]) -> None:
        self._role = {}
        for role, labels in roles.items():
            for label in labels:
                self._role[label.casefold()] = role

    def role(self, speaker: str | None, participant: str | None = None) -> str:
        if speaker is None:
            return "participant"
        key = speaker.casefold()
        if key in self._role:
            return self._role[key]
        if PARTICIPANT_CODE.match(speaker) or (participant and key == participant.casefold()):
            return "participant"
        return "other"

    def is_known(self, speaker: str) -> bool:
        key = speaker.casefold()
        return key in self._role or bool(PARTICIPANT_CODE.match(speaker)) or key in RELATIVES


def accepted_labels(lines: list[str], roles: RoleMap) -> set[str]:
    """Labels that really are speakers in this document (see module docstring)."""
    counts: dict[str, int] = {}
    for line in lines:
        m = match_label(line)
        if m:
            counts[m.name.casefold()] = counts.get(m.name.casefold(), 0) + 1
    return {name for name, n in counts.items() if n >= 2 or roles.is_known(name)}
