"""Analyses as Project methods, so a notebook reads ``p.agreement(...)``, ``p.summary()``.

Each returns plain data (dicts, dataclasses) or a pandas DataFrame; nothing here writes.
"""
from __future__ import annotations

from ..analysis import intercoder
from ..analysis.summary import StudySummary, study_summary
from ..errors import QualbenchError
from .base import ProjectBase


class AnalysesMixin(ProjectBase):
    def summary(self) -> StudySummary:
        return study_summary(self)

    def agreement(self, coders: list[str], *, level: str = "unit", unit: str = "sentence",
                  threshold: float = 0.9, basis: str = "segment", codes: list[str] | None = None,
                  documents: list[str] | None = None) -> dict:
        """Inter-coder agreement; see :mod:`qualbench.analysis.intercoder` for the rules."""
        inp = intercoder.gather(self, coders, codes=codes, documents=documents)
        if level == "unit":
            return intercoder.unit_level(self, inp, unit)
        if level == "character":
            return intercoder.character_level(self, inp)
        if level == "segment":
            if not 0 < threshold <= 1:
                raise QualbenchError(f"--threshold must be in (0, 1], not {threshold}")
            return intercoder.segment_level(self, inp, threshold, basis)
        raise QualbenchError(f"unknown level '{level}' (use unit, character or segment)")
