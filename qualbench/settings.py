"""Project settings: ``qualbench.toml`` beside the database.

The file is written once by ``qualbench init`` from a commented template (so a user can
read what each setting does) and read with :mod:`tomllib` on every open. Unknown keys
are kept out of the way rather than refused, so a newer project opens in an older tool.
"""
from __future__ import annotations

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
    path = folder / SETTINGS_FILE
    if not path.exists():
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise QualbenchError(f"not a valid settings file: {exc}", source=path) from None
    s = Settings()
    proj, imp, spk = raw.get("project", {}), raw.get("import", {}), raw.get("speakers", {})
    part, out = raw.get("participants", {}), raw.get("outcomes", {})
    s.title = proj.get("title", s.title)
    s.language = proj.get("language", s.language)
    s.spacy_model = proj.get("spacy_model", s.spacy_model)
    s.default_coder = proj.get("default_coder", s.default_coder)
    s.blind_mode = str(proj.get("blind_mode", s.blind_mode)).lower()
    s.prefer_consensus = bool(proj.get("prefer_consensus", s.prefer_consensus))
    s.analysis_coder = str(proj.get("analysis_coder", s.analysis_coder)).strip()
    s.participant_pattern = imp.get("participant_pattern", s.participant_pattern)
    for role in ("interviewer", "participant"):
        if role in spk:
            s.roles[role] = list(spk[role])
    s.id_column = part.get("id_column", s.id_column)
    for key in ("baseline", "follow_up", "scale", "status", "would_repeat", "responder_scheme"):
        if key in out:
            setattr(s, key, str(out[key]))
    for key in ("deceased_values", "custom_thresholds", "custom_labels"):
        if key in out:
            setattr(s, key, list(out[key]))
    if "custom_responder_from" in out:
        s.custom_responder_from = float(out["custom_responder_from"])
    if s.scale.upper() not in ("NRS", "VAS"):
        raise QualbenchError(f'outcomes.scale must be "NRS" or "VAS", not "{s.scale}"', source=path)
    if s.language not in ("en", "nl") and not s.spacy_model:
        raise QualbenchError(f'project.language must be "en" or "nl", not "{s.language}"', source=path)
    return s
