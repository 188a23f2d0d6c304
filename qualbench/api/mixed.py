"""Mixed-methods analyses as Project methods: Table 1, joint displays, quotes, saturation.

Each method gathers its inputs through the Project API (participants, documents,
codings, the codebook) and hands them to a pure function in :mod:`qualbench.analysis`,
so a notebook, the CLI and the TUI get the same numbers:

* ``p.table1(by="responder")`` — tidy participant-characteristics table;
* ``p.joint(rows="theme", by="responder", coder=None)`` — tidy joint display with
  Fisher / odds ratio / Benjamini–Hochberg per row for a two-group column;
* ``p.joint_quotes(node, group, by=..., coder=None)`` — the quotes behind one cell;
* ``p.crosstab("responder", "would_repeat")`` — the study's key 2×2;
* ``p.saturation(order=None, base=4, run=2, threshold=0.05, ...)`` — Guest et al. 2020.

Which codings count: the project's analysis set (see :mod:`qualbench.api.quotes`), the
rule quotes and exports follow too: consensus codings for reconciled interviews, and
for the rest the coder asked for, else the project's default coder — never two coders
pooled. When consensus codings are used, the result's notes say so.

Which interviews count: the latest version of each document that has at least one
coding by that coder. An interview nobody has coded yet would otherwise look like a
participant without any theme; uncoded interviews are listed in the notes instead.
"""
from __future__ import annotations

from collections import Counter
from typing import NamedTuple

import pandas as pd

from ..analysis import joint as joint_mod
from ..analysis import saturation as sat_mod
from ..analysis.summary import Groups, make_groups
from ..analysis.table1 import table1 as table1_frame
from ..errors import NotFoundError, QualbenchError
from .base import ProjectBase

CONSENSUS = "consensus"


class Quote(NamedTuple):
    participant: str | None
    document: str
    quote: str
    coder: str


class MixedMethodsMixin(ProjectBase):
    # -- whose codings, which interviews ---------------------------------------------------
    def _mixed_n_codings(self, coder: str) -> int:
        return self.store.scalar("SELECT COUNT(*) FROM codings c JOIN coders k ON k.id = c.coder_id "
                                 "WHERE k.name = ?", [coder])

    def counting_coder(self, coder: str | None = None) -> str:
        """The coder the mixed-methods analyses count where an interview is not reconciled.

        The codings themselves come from the project's analysis set
        (:meth:`~qualbench.api.quotes.QuotesMixin.analysis_set`): reconciled interviews
        count their consensus codings, the others this coder's. Coders are never pooled:
        two coders' codings of one interview would count a participant's themes twice.
        """
        chosen = coder or self.default_analysis_coder()
        if coder:
            self.coder_id(coder)  # a friendly error for an unknown name
        if not self.analysis_set(chosen).codings:
            with_codings = [c["name"] for c in self.coders() if self._mixed_n_codings(c["name"])]
            raise QualbenchError(
                f"{'coder' if coder else 'the analysis coder'} '{chosen}' has no codings"
                + (f"; choose one with --coder ({', '.join(with_codings)})" if with_codings
                   else " and nobody else has any yet"))
        return chosen

    def _mixed_coder_note(self, asked: str | None, used: str) -> list[str]:
        analysis = self.analysis_set(used)
        if analysis.consensus_documents:
            return [f"Codings: {analysis.label} (prefer_consensus in qualbench.toml)."]
        return []

    def _mixed_coded_documents(self, coder: str):
        """(documents in the analysis set, their codings by document id, uncoded names)."""
        docs = self.documents()
        by_doc: dict[int, list] = {}
        for c in self.analysis_set(coder).codings:
            by_doc.setdefault(c.document_id, []).append(c)
        coded = [d for d in docs if d.id in by_doc]
        uncoded = [d.name for d in docs if d.id not in by_doc]
        return coded, by_doc, uncoded

    def _mixed_groups(self, by: str, participants: pd.DataFrame | None = None) -> Groups:
        df = self.participants() if participants is None else participants
        return make_groups(df, by, attribute_types=self.attributes(),
                           class_labels=[c.label for c in self.responder_classes()])

    # -- Table 1 -------------------------------------------------------------------------
    def sample(self) -> tuple[pd.DataFrame, list[str]]:
        """(the participants an interview study reports on, the labels left out).

        Once any interview is linked to a participant, the sample is the participants with
        an interview; a table of the whole cohort adds rows nobody was interviewed for.
        Before any link exists, the table is all there is."""
        df = self.participants()
        linked = {d.participant.casefold() for d in self.documents() if d.participant}
        if not linked or df.empty:
            return df, []
        interviewed = df["participant"].astype(str).str.casefold().isin(linked)
        return df[interviewed].reset_index(drop=True), df.loc[~interviewed, "participant"].astype(str).tolist()

    def table1(self, by: str = "responder") -> pd.DataFrame:
        """Participant characteristics of the sample (:meth:`sample`) by group and overall;
        see :mod:`qualbench.analysis.table1`."""
        df, left_out = self.sample()
        frame = table1_frame(df, self._mixed_groups(by, df), self.attributes())
        frame.attrs["not_interviewed"] = left_out
        return frame

    # -- joint displays ----------------------------------------------------------------------
    def _mixed_interviewed(self, coder: str) -> tuple[pd.DataFrame, dict, list, dict, list[str]]:
        """Participants table extended with interviewed people missing from it, the
        codes applied per participant, coded documents, their codings, and notes."""
        df = self.participants()
        coded, by_doc, uncoded = self._mixed_coded_documents(coder)
        known = {p.casefold(): p for p in df["participant"]} if len(df) else {}
        applied: dict[str, Counter] = {}
        extra, notes = [], []
        for doc in coded:
            label = doc.participant or doc.name
            if label.casefold() not in known:
                known[label.casefold()] = label
                extra.append(label)
            counts = applied.setdefault(known[label.casefold()], Counter())
            counts.update(c.code_id for c in by_doc[doc.id])
        if extra:
            df = self._mixed_with_unlisted(df, extra)
            notes.append("Interviews without a row in the participant table (no outcome, no answer): "
                         + ", ".join(sorted(extra)))
        if uncoded:
            notes.append(f"Not coded by {coder}, left out: {', '.join(uncoded)}")
        interviewed = {(d.participant or d.name).casefold() for d in self.documents()}
        never = [p for p in df["participant"] if p.casefold() not in interviewed] if len(df) else []
        if never:
            notes.append("Participants without an interview, left out: " + ", ".join(never))
        return df, applied, coded, by_doc, notes

    def _mixed_with_unlisted(self, df: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
        from ..analysis.outcomes import NO_OUTCOME
        rows = pd.DataFrame({"participant": labels, "responder": NO_OUTCOME, "responder_class": NO_OUTCOME,
                             "would_repeat_answer": None, "deceased": False})
        return pd.concat([df, rows], ignore_index=True) if len(df) else rows

    def joint(self, rows: str = "theme", by: str = "responder", coder: str | None = None) -> pd.DataFrame:
        """Joint display of codebook nodes × participant groups (tidy; see
        :func:`qualbench.analysis.joint.joint_table` for the columns).

        ``rows``: "theme", "category" or "code". ``by``: "responder", "responder_class",
        "would_repeat", a categorical attribute, or two joined by "×". ``df.attrs`` holds
        the coder, the groups compared, the method and any notes.
        """
        if rows not in joint_mod.ROW_KINDS:
            raise QualbenchError(f"rows must be one of {', '.join(joint_mod.ROW_KINDS)}, not '{rows}'")
        asked, coder = coder, self.counting_coder(coder)
        df, applied, _, _, notes = self._mixed_interviewed(coder)
        notes = self._mixed_coder_note(asked, coder) + notes
        groups = self._mixed_groups(by, df)
        nodes = joint_mod.subtree_nodes(self.codes(), rows)
        frame = joint_mod.joint_table(groups, nodes, applied)
        frame.attrs.update(rows=rows, by=groups.by, title=groups.title, coder=self.analysis_set(coder).label,
                           compared=list(groups.compared) if groups.compared else None,
                           untested=groups.missing if groups.compared else None,
                           method=joint_mod.METHOD_NOTE if groups.compared else "",
                           note=joint_mod.EXPLORATORY_NOTE, notes=notes)
        return frame

    def joint_quotes(self, node: str | int, group: str, *, by: str = "responder",
                     coder: str | None = None) -> list[Quote]:
        """The coded passages behind one joint-display cell: codings of ``node`` or any code
        below it, in interviews of participants in ``group``; by participant, then position."""
        coder = self.counting_coder(coder)
        target = self.code(node)
        subtree = next(n for n in joint_mod.subtree_nodes(self.codes(), target.kind) if n.id == target.id).codes
        df, applied, coded, by_doc, _ = self._mixed_interviewed(coder)
        groups = self._mixed_groups(by, df)
        if group not in groups.order:
            raise NotFoundError(f"no group '{group}' in {groups.title} (groups: {', '.join(groups.order)})")
        members = {p.casefold() for p in groups.members(group)}
        quotes = []
        for doc in sorted(coded, key=lambda d: ((d.participant or d.name).casefold(), d.name)):
            if (doc.participant or doc.name).casefold() not in members:
                continue
            hits = [c for c in by_doc[doc.id] if c.code_id in subtree]
            if not hits:
                continue
            text = self.text(doc)
            for c in sorted(hits, key=lambda c: (c.start, c.end)):
                quotes.append(Quote(doc.participant, doc.name, text[c.start:c.end], c.coder))
        return quotes

    def crosstab(self, row: str = "responder", column: str = "would_repeat") -> pd.DataFrame:
        """Counts and percentages of two participant groupings (all participants, missing
        groups kept). ``df.attrs`` has Fisher p and the conditional-MLE odds ratio of the
        two compared groups of each side when both have exactly two."""
        df = self.participants()
        rows, cols = self._mixed_groups(row, df), self._mixed_groups(column, df)
        frame = joint_mod.crosstab_table(rows, cols)
        test = joint_mod.crosstab_test(frame, rows, cols)
        frame.attrs.update(row=rows.by, column=cols.by, row_order=list(rows.order),
                           column_order=list(cols.order))
        if test:
            frame.attrs.update(fisher_p=test.p, odds_ratio=test.odds_ratio,
                               or_ci=(test.ci_low, test.ci_high),
                               compared=(list(rows.compared), list(cols.compared)))
        return frame

    # -- saturation ----------------------------------------------------------------------
    def saturation(self, *, order: list[str] | None = None, order_by: str = "interview_date",
                   base: int = sat_mod.DEFAULT_BASE, run: int = sat_mod.DEFAULT_RUN,
                   threshold: float = sat_mod.DEFAULT_THRESHOLD,
                   permutations: int = sat_mod.DEFAULT_PERMUTATIONS, seed: int = sat_mod.DEFAULT_SEED,
                   coder: str | None = None) -> sat_mod.SaturationResult:
        """Saturation (Guest, Namey & Chen 2020) over the coded interviews.

        Order: ``order`` (participant labels or document names), else the participant
        attribute ``order_by`` (default interview_date; interviews without one go last,
        by name), else document name. Codes are counted by name, at the level coded.
        """
        sat_mod.check_parameters(base, run, threshold)
        asked, coder = coder, self.counting_coder(coder)
        coded, by_doc, uncoded = self._mixed_coded_documents(coder)
        names = {c.id: c.name for c in self.codes()}
        dates = self._mixed_attribute_values(order_by)
        interviews = {d.id: sat_mod.Interview(d.name, d.participant,
                                              dates.get((d.participant or "").casefold()),
                                              frozenset(names[c.code_id] for c in by_doc[d.id]))
                      for d in coded}
        notes = self._mixed_coder_note(asked, coder)
        if uncoded:
            notes.append(f"Not coded by {coder}, left out: {', '.join(uncoded)}")
        ordered, source = self._mixed_order(coded, interviews, order, order_by, dates, notes)
        return sat_mod.saturation(ordered, base=base, run=run, threshold=threshold,
                                  permutations=permutations, seed=seed, order_source=source,
                                  coder=coder, notes=notes)

    def _mixed_attribute_values(self, name: str) -> dict[str, str]:
        df = self.participants()
        column = next((c for c in df.columns if c.casefold() == name.casefold()), None)
        if column is None:
            return {}
        return {p.casefold(): str(v) for p, v in zip(df["participant"], df[column])
                if v is not None and str(v).strip() and str(v) != "nan"}

    def _mixed_order(self, coded, interviews, order, order_by, dates, notes):
        if order:
            by_key = {}
            for d in coded:
                by_key.setdefault(d.name.casefold(), d)
                if d.participant:
                    by_key.setdefault(d.participant.casefold(), d)
            unknown = [o for o in order if o.casefold() not in by_key]
            if unknown:
                raise NotFoundError(f"--order names no coded interview: {', '.join(unknown)}")
            chosen = [by_key[o.casefold()] for o in order]
            if len({d.id for d in chosen}) != len(chosen):
                raise QualbenchError("--order names the same interview twice")
            left = [d.name for d in coded if d.id not in {c.id for c in chosen}]
            if left:
                notes.append(f"Not in --order, left out: {', '.join(left)}")
            return [interviews[d.id] for d in chosen], "given order"
        if not dates:
            notes.append(f"No '{order_by}' attribute: interviews in document-name order.")
            return [interviews[d.id] for d in sorted(coded, key=lambda d: d.name.casefold())], "document name"
        undated = [d.name for d in coded if interviews[d.id].date is None]
        if undated:
            notes.append(f"No {order_by} for {', '.join(undated)}: placed last, by name.")
        key = lambda d: (interviews[d.id].date is None, interviews[d.id].date or "", d.name.casefold())
        return [interviews[d.id] for d in sorted(coded, key=key)], order_by
