"""Project settings: ``qualbench.toml`` beside the database.

The file is written once by ``qualbench init`` from a commented template (so a user can
read what each setting does) and read with :mod:`tomllib` on every open. Every known key
is checked then — its type, and where it matters its value (a participant pattern that
compiles, a known scale and responder scheme) — so a typo is one line naming the file
and the key when the project opens, not a crash in the middle of an import. Unknown keys
are kept out of the way rather than refused, so a newer project opens in an older tool.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import QualbenchError

SETTINGS_FILE = "qualbench.toml"

DEFAULT_ROLES = {
    "interviewer": ["I", "Q", "Int", "Interviewer", "Researcher", "Moderator", "Onderzoeker"],
    "participant": ["P", "A", "R", "Participant", "Respondent", "Interviewee", "Patient",
                    "Deelnemer", "Patiënt"],
}

TEMPLATE = '''\
# qualbench project settings. Edit freely; the tool reads this file on every start.

[project]
title = "{title}"
# Language of the transcripts: "en" or "nl" (spaCy blank pipeline + lookup lemmas).
language = "{language}"
# Optional: name of an installed trained spaCy pipeline to use instead (e.g. "en_core_web_sm").
spacy_model = ""
# Coder used when none is given (CLI --coder / TUI).
default_coder = "{coder}"
# Blind mode: a coder sees only their own codings. "auto" = on when two or more
# human coders exist.
blind_mode = "auto"
# Whose codings analyses, quotes and exports count (where an interview is not reconciled).
# Empty = the human coder with the most codings; the output always names who was counted.
analysis_coder = ""
# Reconciled interviews (consensus codings, no open disagreement) count their consensus.
prefer_consensus = true

[import]
# Which participant a transcript belongs to: the first match of this regex in the file name.
participant_pattern = "P\\\\d+"

[speakers]
# Speaker label -> role. Labels are matched case-insensitively; "P07"-style labels are
# participants. Anyone else (a partner, a daughter) gets the role "other".
interviewer = ["I", "Q", "Int", "Interviewer", "Researcher", "Moderator", "Onderzoeker"]
participant = ["P", "A", "R", "Participant", "Respondent", "Interviewee", "Patient", "Deelnemer"]

[participants]
# Column holding the participant label (P01, P02 …). Empty = detect
# (participant, id, participant_id, pid, case).
id_column = ""

[outcomes]
# Pain scores: column names in the participant table and the scale ("NRS" 0-10 or "VAS" 0-100).
baseline = "pain_baseline"
follow_up = "pain_2y"
scale = "NRS"
# Column saying whether a participant died, and the values that mean so.
status = "status"
deceased_values = ["deceased", "died", "overleden"]
# Column with the answer to "would you undergo it again?" (yes/no).
would_repeat = "would_repeat"
# Responder scheme: "binary40", "three_level", "four_class", "immpact" or "custom".
responder_scheme = "binary40"
# For "custom": ascending thresholds in percent, and one more label than thresholds.
custom_thresholds = [30, 50]
custom_labels = ["below 30%", "30-49%", "50% or more"]
# For "custom": the lowest threshold that counts as a responder.
custom_responder_from = 30
'''


@dataclass
class Settings:
    title: str = "qualbench project"
    language: str = "en"
    spacy_model: str = ""
    default_coder: str = "coder_a"
    blind_mode: str = "auto"
    prefer_consensus: bool = True
    analysis_coder: str = ""
    participant_pattern: str = r"P\d+"
    roles: dict[str, list[str]] = field(default_factory=lambda: {k: list(v) for k, v in DEFAULT_ROLES.items()})
    id_column: str = ""
    baseline: str = "pain_baseline"
    follow_up: str = "pain_2y"
    scale: str = "NRS"
    status: str = "status"
    deceased_values: list[str] = field(default_factory=lambda: ["deceased", "died", "overleden"])
    would_repeat: str = "would_repeat"
    responder_scheme: str = "binary40"
    custom_thresholds: list[float] = field(default_factory=lambda: [30, 50])
    custom_labels: list[str] = field(default_factory=lambda: ["below 30%", "30-49%", "50% or more"])
    custom_responder_from: float = 30

    @property
    def scale_max(self) -> int:
        return 100 if self.scale.upper() == "VAS" else 10


def write_template(folder: Path, *, title: str, language: str = "en", coder: str = "coder_a") -> None:
    (folder / SETTINGS_FILE).write_text(
        TEMPLATE.format(title=title.replace('"', "'"), language=language, coder=coder),
        encoding="utf-8")


def load(folder: Path) -> Settings:
    """Read ``qualbench.toml``; a wrong value is a one-line error naming the file and the key.

    Each known key is checked for its type (and, where it matters, its value: a regular
    expression that compiles, a scale and a responder scheme the tool knows) when the
    project opens, so a typo never surfaces later as a crash in the middle of an import or
    an analysis. Unknown keys are still ignored (see the module docstring).
    """
    path = folder / SETTINGS_FILE
    if not path.exists():
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise QualbenchError(f"not a valid settings file: {' '.join(str(exc).split())}", source=path) from None
    except OSError as exc:
        raise QualbenchError(f"cannot read it ({exc.strerror or exc})", source=path) from None
    r = _Checked(raw, path)
    s = Settings()
    s.title = r.text("project", "title", s.title)
    s.language = r.text("project", "language", s.language)
    s.spacy_model = r.text("project", "spacy_model", s.spacy_model)
    s.default_coder = r.text("project", "default_coder", s.default_coder)
    blind = r.value("project", "blind_mode", s.blind_mode, (str, bool), "\"auto\", \"on\" or \"off\"")
    s.blind_mode = str(blind).lower()
    if s.blind_mode not in _BLIND_VALUES:
        r.fail("project", "blind_mode", f'must be "auto", "on" or "off", not "{blind}"')
    s.prefer_consensus = r.value("project", "prefer_consensus", s.prefer_consensus, (bool,), "true or false")
    s.analysis_coder = r.text("project", "analysis_coder", s.analysis_coder).strip()
    s.participant_pattern = r.text("import", "participant_pattern", s.participant_pattern)
    try:
        re.compile(s.participant_pattern)
    except re.error as exc:
        r.fail("import", "participant_pattern",
               f"'{s.participant_pattern}' is not a valid regular expression ({exc})")
    for role in ("interviewer", "participant"):
        s.roles[role] = r.text_list("speakers", role, s.roles[role])
    s.id_column = r.text("participants", "id_column", s.id_column)
    for key in ("baseline", "follow_up", "scale", "status", "would_repeat", "responder_scheme"):
        setattr(s, key, r.text("outcomes", key, getattr(s, key)))
    s.deceased_values = r.text_list("outcomes", "deceased_values", s.deceased_values)
    s.custom_labels = r.text_list("outcomes", "custom_labels", s.custom_labels)
    s.custom_thresholds = r.number_list("outcomes", "custom_thresholds", s.custom_thresholds)
    s.custom_responder_from = r.number("outcomes", "custom_responder_from", s.custom_responder_from)
    if s.scale.upper() not in ("NRS", "VAS"):
        raise QualbenchError(f'outcomes.scale must be "NRS" or "VAS", not "{s.scale}"', source=path)
    if s.language not in ("en", "nl") and not s.spacy_model:
        raise QualbenchError(f'project.language must be "en" or "nl", not "{s.language}"', source=path)
    from .analysis.outcomes import scheme_classes   # light: fractions and re only
    try:
        scheme_classes(s.responder_scheme, thresholds=s.custom_thresholds, labels=s.custom_labels,
                       responder_from=s.custom_responder_from)
    except QualbenchError as exc:
        raise QualbenchError(f"outcomes.responder_scheme: {exc.message}", source=path) from None
    return s


_BLIND_VALUES = {"auto", "on", "off", "true", "false", "yes", "no", "1", "0", "always", "never"}


def _shown(value) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a table"
    return repr(value) if not isinstance(value, list) else "a list"


class _Checked:
    """Typed reads from the parsed TOML: a wrong type is a one-line error naming the key."""

    def __init__(self, raw: dict, path: Path) -> None:
        self.raw, self.path = raw, path

    def fail(self, section: str, key: str, problem: str):
        raise QualbenchError(f"{section}.{key} {problem}", source=self.path)

    def section(self, name: str) -> dict:
        value = self.raw.get(name, {})
        if not isinstance(value, dict):
            raise QualbenchError(f"'{name}' must be a [{name}] section (a table of settings), "
                                 f"not {_shown(value)}", source=self.path)
        return value

    def value(self, section: str, key: str, default, types: tuple, expected: str):
        table = self.section(section)
        if key not in table:
            return default
        value = table[key]
        if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
            self.fail(section, key, f"must be {expected}, not {_shown(value)}")
        return value

    def text(self, section: str, key: str, default: str) -> str:
        return self.value(section, key, default, (str,), "text (in quotes)")

    def number(self, section: str, key: str, default: float) -> float:
        return self.value(section, key, default, (int, float), "a number")

    def text_list(self, section: str, key: str, default: list[str]) -> list[str]:
        items = self.value(section, key, default, (list,), 'a list of text, e.g. ["a", "b"]')
        bad = [x for x in items if not isinstance(x, str)]
        if bad:
            self.fail(section, key, f'must be a list of text, e.g. ["a", "b"]; {_shown(bad[0])} is not text')
        return list(items)

    def number_list(self, section: str, key: str, default: list[float]) -> list[float]:
        items = self.value(section, key, default, (list,), "a list of numbers, e.g. [30, 50]")
        bad = [x for x in items if isinstance(x, bool) or not isinstance(x, (int, float))]
        if bad:
            self.fail(section, key, f"must be a list of numbers, e.g. [30, 50]; {_shown(bad[0])} is not a number")
        return list(items)
