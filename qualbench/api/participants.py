"""Participants: typed attributes from CSV/Excel and the derived clinical outcomes.

Attributes are stored typed (number / category / date / text). Percent pain reduction
and responder class are never stored: they are derived on every read from the raw
scores and the project's scheme, so changing the scheme in ``qualbench.toml`` changes
every table at once.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analysis.outcomes import NO_OUTCOME, classify, percent_reduction, scheme_classes, to_number, yes_no
from ..exchange.tables import load_participants
from .base import ProjectBase, now


class ParticipantsMixin(ProjectBase):
    def import_participants(self, path: Path | str, *, actor: str | None = None) -> dict:
        table = load_participants(Path(path), self.settings)
        with self._change("participants.import", actor=actor, undoable=False,
                          summary={"file": str(path)}) as (ch, info):
            existing_attrs = {r["name"].casefold(): r for r in self.store.query("SELECT * FROM attributes")}
            next_pos = len(existing_attrs)
            attr_ids = {}
            for col in table.columns:
                row = existing_attrs.get(col.name.casefold())
                if row is None:
                    attr_ids[col.name] = self.db["attributes"].insert(
                        {"name": col.name, "type": col.type, "position": next_pos}).last_pk
                    next_pos += 1
                else:
                    self.db["attributes"].update(row["id"], {"type": col.type})
                    attr_ids[col.name] = row["id"]
            existing = {r["label"].casefold(): r["id"] for r in self.store.query("SELECT id, label FROM participants")}
            added = updated = 0
            values = []
            for label, row in zip(table.labels, table.rows):
                pid = existing.get(label.casefold())
                if pid is None:
                    pid = self.db["participants"].insert({"label": label, "imported_at": now()}).last_pk
                    added += 1
                else:
                    updated += 1
                for col in table.columns:
                    raw = row[col.name]
                    number = float(raw) if col.type == "number" and raw != "" else None
                    values.append({"participant_id": pid, "attribute_id": attr_ids[col.name],
                                   "value": raw if raw != "" else None, "number": number})
            self.db["participant_values"].insert_all(values, replace=True, batch_size=1000)
            info.update(added=added, updated=updated, columns=[c.name for c in table.columns])
        unmatched = [d.name for d in self.documents() if d.participant
                     and d.participant.casefold() not in {l.casefold() for l in table.labels}
                     and d.participant.casefold() not in existing]
        return {"added": added, "updated": updated,
                "columns": {c.name: c.type for c in table.columns},
                "documents_without_participant": unmatched}

    def attributes(self) -> dict[str, str]:
        return {r["name"]: r["type"] for r in self.store.query("SELECT name, type FROM attributes ORDER BY position")}

    def participants(self) -> pd.DataFrame:
        """One row per participant: every attribute (typed) plus derived outcome columns.

        Derived columns: ``pct_reduction`` (float, NaN when undefined),
        ``responder_class`` (the scheme's label, or "no outcome"), ``responder``
        ("responder" / "non-responder" / "no outcome"), ``would_repeat_answer``
        ("yes" / "no" / None) and ``deceased`` (bool).
        """
        attrs = self.store.query("SELECT id, name, type FROM attributes ORDER BY position")
        parts = self.store.query("SELECT id, label FROM participants ORDER BY label")
        vals = self.store.query("SELECT participant_id, attribute_id, value, number FROM participant_values")
        by_pid: dict[int, dict] = {p["id"]: {"participant": p["label"]} for p in parts}
        names = {a["id"]: (a["name"], a["type"]) for a in attrs}
        for v in vals:
            name, typ = names[v["attribute_id"]]
            by_pid[v["participant_id"]][name] = v["number"] if typ == "number" else v["value"]
        columns = ["participant"] + [a["name"] for a in attrs]
        df = pd.DataFrame([by_pid[p["id"]] for p in parts], columns=columns)
        return self._with_outcomes(df)

    def responder_classes(self):
        s = self.settings
        return scheme_classes(s.responder_scheme, thresholds=s.custom_thresholds,
                              labels=s.custom_labels, responder_from=s.custom_responder_from)

    def _with_outcomes(self, df: pd.DataFrame) -> pd.DataFrame:
        s = self.settings
        classes = self.responder_classes()
        raw = {r["label"]: r for r in self._raw_scores()}
        pct, cls, resp, wr, dead = [], [], [], [], []
        for label in df["participant"]:
            r = raw.get(label, {})
            p = percent_reduction(r.get("baseline"), r.get("follow_up"))
            c = classify(p, classes)
            pct.append(float(p) if p is not None else float("nan"))
            cls.append(c.label if c else NO_OUTCOME)
            resp.append(NO_OUTCOME if c is None else ("responder" if c.is_responder else "non-responder"))
            try:
                wr.append(yes_no(r.get("would_repeat")))
            except ValueError:
                wr.append(None)
            status = (r.get("status") or "").strip().casefold()
            dead.append(status in {v.casefold() for v in s.deceased_values})
        df = df.copy()
        df["pct_reduction"] = pct
        df["responder_class"] = cls
        df["responder"] = resp
        df["would_repeat_answer"] = wr
        df["deceased"] = dead
        return df

    def _raw_scores(self) -> list[dict]:
        s = self.settings
        fields = {"baseline": s.baseline, "follow_up": s.follow_up,
                  "would_repeat": s.would_repeat, "status": s.status}
        out = {}
        for key, col in fields.items():
            for r in self.store.query(
                    "SELECT p.label, v.value FROM participant_values v JOIN participants p ON p.id = v.participant_id "
                    "JOIN attributes a ON a.id = v.attribute_id WHERE a.name = ? COLLATE NOCASE", [col]):
                out.setdefault(r["label"], {"label": r["label"]})[key] = r["value"]
        return list(out.values())

    def outcome_of(self, participant: str | None) -> dict:
        """Responder label and would-repeat answer of one participant (for quote sources)."""
        if not participant:
            return {"responder": NO_OUTCOME, "responder_class": NO_OUTCOME, "would_repeat": None}
        df = self.participants()
        row = df[df["participant"].str.casefold() == participant.casefold()]
        if row.empty:
            return {"responder": NO_OUTCOME, "responder_class": NO_OUTCOME, "would_repeat": None}
        r = row.iloc[0]
        return {"responder": r["responder"], "responder_class": r["responder_class"],
                "would_repeat": r["would_repeat_answer"]}


__all__ = ["ParticipantsMixin", "to_number"]
