"""Study summary: the headline figures a paper reports, computed from the data.

Responders are counted among participants with a defined outcome (N = those with both
scores and a non-zero baseline); would-repeat among those who answered. Nothing here is
typed in: change the scheme in ``qualbench.toml`` and the figures follow.

The sample is the interviewed participants: a participant table often lists the whole
cohort (everyone implanted), but an interview study reports on those it interviewed. Rows
with no interview are named and left out of the figures — once any interview is linked to
a participant; before that, the table is all there is.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Count:
    n: int
    of: int

    @property
    def pct(self) -> float | None:
        return 100 * self.n / self.of if self.of else None

    def __str__(self) -> str:
        return f"{self.n} of {self.of} ({self.pct:.0f}%)" if self.of else f"{self.n} of 0"


@dataclass(frozen=True)
class StudySummary:
    interviews: int
    participants: int
    with_outcome: int
    responders: Count
    non_responders: Count
    would_repeat: Count
    deceased: int
    scheme: str
    not_interviewed: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        rows = [("Interviews", self.interviews), ("Participants", self.participants)]
        if self.not_interviewed:
            rows.append(("Not interviewed (left out)", ", ".join(self.not_interviewed)))
        rows += [("With a pain outcome", self.with_outcome),
                 (f"Responders ({self.scheme})", self.responders), ("Non-responders", self.non_responders),
                 ("Would undergo it again", self.would_repeat), ("Deceased", self.deceased)]
        return [f"{label + ':':<28}{value}" for label, value in rows]


def study_summary(project) -> StudySummary:
    df, not_interviewed = project.sample()
    docs = project.documents()
    with_outcome = df[df["responder"] != "no outcome"] if not df.empty else df
    n_out = len(with_outcome)
    n_resp = int((with_outcome["responder"] == "responder").sum()) if n_out else 0
    answered = df[df["would_repeat_answer"].notna()] if not df.empty else df
    n_yes = int((answered["would_repeat_answer"] == "yes").sum()) if len(answered) else 0
    return StudySummary(
        interviews=len(docs), participants=len(df), with_outcome=n_out,
        responders=Count(n_resp, n_out), non_responders=Count(n_out - n_resp, n_out),
        would_repeat=Count(n_yes, len(answered)),
        deceased=int(df["deceased"].sum()) if not df.empty else 0,
        scheme=project.settings.responder_scheme, not_interviewed=tuple(not_interviewed))


def pct_text(value: float) -> str:
    """A percentage rounded half up, as tables in papers do (12.5 -> "13%", not "12%")."""
    if value is None or value != value:
        return "—"
    return f"{math.floor(value + 0.5 + 1e-9):d}%"


def summary_dict(summary: StudySummary) -> dict:
    """The headline figures as plain data (for JSON output and the TUI)."""
    def count(c: Count) -> dict:
        return {"n": c.n, "of": c.of, "pct": c.pct}
    return {"interviews": summary.interviews, "participants": summary.participants,
            "with_outcome": summary.with_outcome, "scheme": summary.scheme,
            "responders": count(summary.responders), "non_responders": count(summary.non_responders),
            "would_repeat": count(summary.would_repeat), "deceased": summary.deceased,
            "not_interviewed": list(summary.not_interviewed)}


# -- participant groups (columns of Table 1 and of joint displays) ------------------------
#
# A group column always keeps the participants whose value is missing as a group of its
# own ("no outcome", "no answer", "missing"): a missing outcome is never a non-responder,
# and nobody is dropped without a column that shows it.

NO_OUTCOME = "no outcome"
NO_ANSWER = "no answer"
MISSING = "missing"
COMBINE = ("×", " x ", "*", "+")


@dataclass(frozen=True)
class Groups:
    """Which group each participant is in, for one grouping of the participants.

    ``labels`` maps participant label -> group label; ``order`` is the column order (the
    missing group last); ``missing`` names the group of participants without a value;
    ``compared`` is the pair of groups a two-group test compares, or None when the
    grouping has more (or fewer) than two groups with a value.
    """
    by: str
    title: str
    labels: dict
    order: tuple
    missing: str | None
    compared: tuple | None

    def members(self, group: str) -> list[str]:
        return [p for p, g in self.labels.items() if g == group]

    def size(self, group: str) -> int:
        return sum(1 for g in self.labels.values() if g == group)


def split_by(by: str) -> list[str]:
    """``"responder×would_repeat"`` -> ``["responder", "would_repeat"]`` (also x, *, +)."""
    parts = [by]
    for sep in COMBINE:
        parts = [piece for part in parts for piece in part.split(sep)]
    return [p.strip() for p in parts if p.strip()]


def make_groups(participants, by: str, *, attribute_types: dict | None = None,
                class_labels: list[str] | None = None) -> Groups:
    """Group the rows of ``project.participants()`` by a column or two (``a×b``).

    ``by`` is "responder" (responder / non-responder / no outcome), "responder_class"
    (the scheme's classes, best first), "would_repeat" (yes / no / no answer), any
    categorical participant attribute, or two of these joined by "×" (every combination
    becomes a column; no two-group test then).
    """
    from ..errors import QualbenchError

    names = split_by(by)
    if not names or len(names) > 2:
        raise QualbenchError(f"--by takes one grouping or two joined by ×, not '{by}'")
    singles = [_single(participants, n, attribute_types or {}, class_labels) for n in names]
    if len(singles) == 1:
        return singles[0]
    a, b = singles
    labels = {p: f"{a.labels[p]} / {b.labels[p]}" for p in a.labels}
    # Empty combinations are left out: no participant is behind them.
    order = tuple(g for g in (f"{x} / {y}" for x in a.order for y in b.order) if g in labels.values())
    return Groups(by=f"{a.by}×{b.by}", title=f"{a.title} × {b.title}", labels=labels,
                  order=order, missing=None, compared=None)


def _single(df, name: str, types: dict, class_labels) -> Groups:
    from ..errors import QualbenchError

    key = name.strip().casefold().replace("-", "_").replace(" ", "_")
    people = list(df["participant"]) if len(df) else []
    if key in ("responder", "responders", "response"):
        values = list(df["responder"]) if len(df) else []
        return _groups("responder", "responder", people, values,
                       ["responder", "non-responder"], NO_OUTCOME)
    if key in ("responder_class", "class", "responder_classes"):
        values = list(df["responder_class"]) if len(df) else []
        known = list(reversed(class_labels or [])) or sorted({v for v in values if v != NO_OUTCOME})
        return _groups("responder_class", "responder class", people, values, known, NO_OUTCOME)
    if key in ("would_repeat", "would_repeat_answer", "repeat"):
        values = [v if v in ("yes", "no") else None for v in df["would_repeat_answer"]] if len(df) else []
        return _groups("would_repeat", "would repeat", people, values, ["yes", "no"], NO_ANSWER)
    column = next((c for c in df.columns if c.casefold() == name.strip().casefold()), None)
    if column is None or column == "participant":
        choices = list(dict.fromkeys(["responder", "responder_class", "would_repeat"] + [
            c for c, t in types.items() if t == "category"]))
        raise QualbenchError(f"cannot group by '{name}' (choose from: {', '.join(choices)})")
    kind = types.get(column, "derived")
    if kind in ("number", "date") or (kind == "derived" and df[column].dtype.kind in "fiu"):
        raise QualbenchError(f"'{column}' is a {'date' if kind == 'date' else 'number'}; "
                             "group by a categorical attribute (or add a banded column to the table)")
    values = [_as_label(v) for v in df[column]]
    seen = sorted({v for v in values if v is not None}, key=str.casefold)
    return _groups(column, column, people, values, seen, MISSING)


def _as_label(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "yes" if value else "no"
    text = str(value).strip()
    return text or None


def _groups(by, title, people, values, known, missing_label) -> Groups:
    labels = {}
    for person, value in zip(people, values):
        labels[person] = missing_label if value in (None, missing_label) else value
    extra = sorted({g for g in labels.values() if g not in known and g != missing_label})
    order = tuple(list(known) + extra + [missing_label])
    with_value = [g for g in order if g != missing_label]
    compared = tuple(with_value) if len(with_value) == 2 else None
    return Groups(by=by, title=title, labels=labels, order=order, missing=missing_label,
                  compared=compared)
