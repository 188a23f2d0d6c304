"""Study summary: the headline figures a paper reports, computed from the data.

Responders are counted among participants with a defined outcome (N = those with both
scores and a non-zero baseline); would-repeat among those who answered. Nothing here is
typed in: change the scheme in ``qualbench.toml`` and the figures follow.
"""
from __future__ import annotations

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

    def lines(self) -> list[str]:
        return [
            f"Interviews:                 {self.interviews}",
            f"Participants:               {self.participants}",
            f"With a pain outcome:        {self.with_outcome}",
            f"Responders ({self.scheme}):  {self.responders}",
            f"Non-responders:             {self.non_responders}",
            f"Would undergo it again:     {self.would_repeat}",
            f"Deceased:                   {self.deceased}",
        ]


def study_summary(project) -> StudySummary:
    df = project.participants()
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
        scheme=project.settings.responder_scheme)
