"""Speaker-turn detection in transcript text.

Recognised label styles at the start of a line (case-insensitive):
``I:``/``P:``, ``Q:``/``A:``, ``R:``, ``Interviewer:``, ``Participant:``, ``P07:``,
``[00:01:02] Name:`` and ``Name (00:01:02):``.

A line that merely *looks* like a label ("Honestly: it was hard") must not start a turn,
so a label is accepted only if it is a known role label, a participant code such as
``P07``, a usual relative (``Partner:``, ``Daughter:``), or is used as a label at least
twice in the same document.

Roles come from the ``[speakers]`` settings (:class:`RoleMap`). A name the settings do
not know (a real name, as video-call transcripts carry) has no role; :func:`assign_roles`
says which, and in the one unambiguous case — an interviewer label and a single unknown
name — takes that name as the participant, saying so.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

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
# Lower-case words that belong inside a person's name ("Anna de Vries", "Jan van der Berg").
_NAME_PARTICLES = {"van", "de", "der", "den", "het", "ten", "ter", "te", "von", "zu", "la", "le",
                   "du", "da", "di", "del", "della", "dos", "das", "bin", "ibn", "'t"}


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


def looks_like_name(label: str, *, min_words: int = 2) -> bool:
    """True for "Jan Jansen", "Dr. Smith", "Anna de Vries": capitalised words (name
    particles allowed inside), at most four, nothing that ends a sentence. Used where one
    appearance has to be enough to take a label as a speaker (a subtitle cue)."""
    words = label.split()
    if not min_words <= len(words) <= 4 or len(label) > 30:
        return False
    if label[-1] in ".,;:!?…":
        return False
    if not (words[0][:1].isupper() and words[-1][:1].isupper()):
        return False
    return all(w[:1].isupper() or w.casefold() in _NAME_PARTICLES for w in words)


@dataclass
class RoleAssignment:
    """The role of each speaker of one document, and what the researcher should know."""
    roles: dict[str, str] = field(default_factory=dict)   # speaker -> role
    unknown: list[str] = field(default_factory=list)      # speakers the settings do not map
    inferred: str | None = None                           # unknown name taken as participant
    interviewer: str | None = None                        # the label that made that safe

    def role(self, speaker: str | None, *, labelled: bool) -> str:
        if speaker is None:
            # In a labelled transcript, unlabelled text (a header, a note) is nobody's turn.
            return "other" if labelled else "participant"
        return self.roles[speaker]


def assign_roles(speakers: Iterable[str | None], roles: RoleMap,
                 participant: str | None = None) -> RoleAssignment:
    """Roles for the speakers of one document (order of first appearance kept).

    A speaker is *unknown* when the settings give it no role and it is not a usual
    relative (those are "other" on purpose). If the document has an interviewer label,
    no participant label and exactly one unknown speaker, that speaker can only be the
    participant: it gets that role, and ``inferred`` names it so the caller can say so.
    """
    out = RoleAssignment()
    for name in dict.fromkeys(s for s in speakers if s):
        out.roles[name] = roles.role(name, participant)
        if out.roles[name] == "other" and name.casefold() not in RELATIVES:
            out.unknown.append(name)
    interviewers = [n for n, r in out.roles.items() if r == "interviewer"]
    if len(out.unknown) == 1 and interviewers and "participant" not in out.roles.values():
        out.inferred, out.interviewer = out.unknown.pop(), interviewers[0]
        out.roles[out.inferred] = "participant"
    return out
