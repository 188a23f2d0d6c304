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
from ..exchange.tables import Existing, header_key, label_key, load_participants, same_value, stored
from .base import ProjectBase, now


class ParticipantsMixin(ProjectBase):
    def import_participants(self, path: Path | str, *, actor: str | None = None) -> dict:
        """Add or update participants from a CSV/Excel table, all or nothing.

        Returns counts (``added``, ``updated`` = with a changed value, ``unchanged``), the
        column types, every changed value (``changes``: participant, column, old, new),
        ``warnings`` (problems that did not stop the import: participants without an
        interview, stray text in a numeric column, configured outcome columns not found,
        near-miss category spellings), ``notes`` (what was read how: the sheet, label
        and header matches, unified spellings), ``without_document`` (labels) and
        ``documents_without_participant`` (document names)."""
        path = Path(path)
        attrs = self.store.query("SELECT id, name, type, position FROM attributes ORDER BY position, id")
        parts = self.store.query("SELECT id, label FROM participants ORDER BY id")
        label_of = {p["id"]: p["label"] for p in parts}
        name_of = {a["id"]: a["name"] for a in attrs}
        old = {(v["participant_id"], v["attribute_id"]): v["value"] for v in
               self.store.query("SELECT participant_id, attribute_id, value FROM participant_values")}
        by_attr: dict[str, dict[str, str | None]] = {}
        for (pid, aid), value in old.items():
            by_attr.setdefault(name_of[aid], {})[label_key(label_of[pid])] = value
        table = load_participants(path, self.settings, Existing({a["name"]: a["type"] for a in attrs}, by_attr))
        result = {"added": 0, "updated": 0, "unchanged": 0,
                  "columns": {c.name: c.type for c in table.columns}, "changes": [],
                  "warnings": list(table.warnings), "notes": list(table.notes)}

        docs = self.documents()
        doc_labels: dict[str, str] = {}
        for d in docs:
            if d.participant:
                doc_labels.setdefault(label_key(d.participant), d.participant)
        known: dict[str, dict] = {}
        for p in parts:
            k = label_key(p["label"])
            if k not in known or p["label"] == doc_labels.get(k):
                known[k] = p
        labels = []
        for label, n in zip(table.labels, table.row_numbers):
            k = label_key(label)
            canonical = doc_labels.get(k) or (known[k]["label"] if k in known else label)
            if canonical != label:
                result["notes"].append(f"row {n}: '{label}' is {canonical} (labels match ignoring case and spaces)")
            labels.append(canonical)
        result["without_document"] = self._warn_without_document(labels, table.row_numbers, doc_labels, known,
                                                                 result["warnings"], result["notes"])
        with self._change("participants.import", actor=actor, undoable=False, skip_if_unchanged=True,
                          summary={"file": str(path)}) as (ch, info):
            self._write_participants(table, labels, attrs, known, old, label_of, result)
            info.update({k: result[k] for k in ("added", "updated", "unchanged")},
                        columns=list(result["columns"]),
                        changes=[[c["participant"], c["column"], c["old"], c["new"]] for c in result["changes"]])
        table_keys = {label_key(x) for x in labels}
        result["documents_without_participant"] = [
            d.name for d in docs if d.participant
            and label_key(d.participant) not in table_keys and label_key(d.participant) not in known]
        return result

    def _write_participants(self, table, labels: list[str], attrs: list[dict], known: dict, old: dict,
                            label_of: dict, result: dict) -> None:
        """Attributes, participants and values of one import (inside its transaction);
        fills the counts and the list of changed values in ``result``."""
        notes, changes = result["notes"], result["changes"]
        attr_by_key = {}
        for a in attrs:
            attr_by_key.setdefault(header_key(a["name"]), a)
        next_pos = max((a["position"] for a in attrs), default=-1) + 1
        attr_ids, retyped = {}, {}
        for col in table.columns:
            row = attr_by_key.get(header_key(col.name))
            if row is None:
                attr_ids[col.name] = self.db["attributes"].insert(
                    {"name": col.name, "type": col.type, "position": next_pos}).last_pk
                next_pos += 1
                continue
            attr_ids[col.name] = row["id"]
            if row["type"] != col.type:
                self.db["attributes"].update(row["id"], {"type": col.type})
                notes.append(f"column '{col.name}' is now {col.type} (was {row['type']})")
                retyped[row["id"]] = col
        values, file_pids = [], set()
        for label, row in zip(labels, table.rows):
            p = known.get(label_key(label))
            if p is None:
                pid = self.db["participants"].insert({"label": label, "imported_at": now()}).last_pk
                result["added"] += 1
            else:
                pid = p["id"]
                if p["label"] != label:
                    self.db["participants"].update(pid, {"label": label})
                    notes.append(f"participant {p['label']} is now {label}, as its interview is labelled")
            file_pids.add(pid)
            changed = False
            for col in table.columns:
                aid = attr_ids[col.name]
                value, number = stored(col.type, row[col.name])
                if p is not None:
                    before = old.get((pid, aid))
                    if same_value(col.type, before, value):
                        continue
                    changes.append({"participant": label, "column": col.name, "old": before, "new": value})
                    changed = True
                values.append({"participant_id": pid, "attribute_id": aid, "value": value, "number": number})
            if p is not None:
                result["updated" if changed else "unchanged"] += 1
        values += self._retype_others(table, retyped, old, file_pids)
        values += self._respell_others(table, attr_ids, old, label_of, file_pids, changes)
        self.db["participant_values"].insert_all(values, replace=True, batch_size=1000)

    def _warn_without_document(self, labels: list[str], rows: list[int], doc_labels: dict[str, str],
                               known: dict, warnings: list[str], notes: list[str]) -> list[str]:
        """Participants of the table with no interview: a typo gets a "did you mean"."""
        from rapidfuzz import fuzz, process

        if not doc_labels:
            notes.append("no interviews imported yet: transcripts link to participants by label "
                         "(P01, P02, ...) when they are imported")
            return []
        keys = {label_key(x) for x in labels} | set(known)
        free = {k: label for k, label in doc_labels.items() if k not in keys}
        missing, plain = [], []
        for label, n in zip(labels, rows):
            if label_key(label) in doc_labels:
                continue
            missing.append(label)
            found = process.extract(label_key(label), list(free), scorer=fuzz.ratio, score_cutoff=75, limit=3)
            best = [free[k] for k, score, _ in found if score == found[0][1]] if found else []
            if best:
                warnings.append(f"row {n}: participant {label} has no interview document - did you mean "
                                + " or ".join(best) + " (an interview with no row in the table)?")
            else:
                plain.append(f"{label} (row {n})")
        if plain:
            many = len(plain) > 1
            none_linked = len(missing) == len(labels)
            examples = ", ".join(sorted(doc_labels.values())[:3])
            warnings.append(f"{len(plain)} participant{'s have' if many else ' has'} no interview document "
                            f"(kept, and counted in participant tables): {', '.join(plain[:20])}"
                            + (f" and {len(plain) - 20} more" if len(plain) > 20 else "")
                            + (f" - no row matches an interview; interviews are labelled like {examples}"
                               if none_linked else ""))
        return missing

    def _retype_others(self, table, retyped: dict, old: dict, file_pids: set) -> list[dict]:
        """A column whose type changed: the typed number of participants not in this file
        follows (a score column once mistyped as categories becomes numbers again)."""
        out = []
        for (pid, aid), value in old.items():
            col = retyped.get(aid)
            if col is None or pid in file_pids or value is None:
                continue
            text = value.replace(",", ".") if col.name in table.scores else value
            out.append({"participant_id": pid, "attribute_id": aid, "value": value,
                        "number": stored(col.type, text)[1]})
        return out

    def _respell_others(self, table, attr_ids: dict, old: dict, label_of: dict, file_pids: set,
                        changes: list[dict]) -> list[dict]:
        """Unified category spellings apply to participants not in this file as well."""
        out = []
        for name, mapping in table.spellings.items():
            aid = attr_ids[name]
            for (pid, a), value in old.items():
                if a == aid and pid not in file_pids and value in mapping:
                    changes.append({"participant": label_of[pid], "column": name, "old": value,
                                    "new": mapping[value]})
                    out.append({"participant_id": pid, "attribute_id": aid, "value": mapping[value],
                                "number": None})
        return out

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
            try:
                p = percent_reduction(r.get("baseline"), r.get("follow_up"))
            except (ValueError, ZeroDivisionError):
                p = None   # a score stored before scores were validated: no outcome, never a guess
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
        wanted = {header_key(col): key for key, col in fields.items() if col}
        out = {}
        for r in self.store.query(
                "SELECT p.label, a.name, v.value FROM participant_values v "
                "JOIN participants p ON p.id = v.participant_id JOIN attributes a ON a.id = v.attribute_id"):
            key = wanted.get(header_key(r["name"]))
            if key is not None:
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
