"""Tables for analysts: codings, quotes, codebook, participants and joint display as xlsx or CSV.

What: :func:`build_tables` reads a project through its API into pandas DataFrames, and
:func:`xlsx_bytes` / :func:`csv_bytes` turn them into file contents;
:meth:`Project.export_table` (:mod:`qualbench.api.exports`) names, writes and records
the files.

Why these shapes:

* **codings** is the long format analysts load into R or pandas: one row per coding
  with document, participant, coder, code, code path ("Theme > Category > Code"),
  theme, category, start, end (code points, ``[start, end)``), the exact quoted text,
  memo, starred, and then every participant attribute and derived outcome
  (pct_reduction, responder_class, responder, would_repeat_answer, deceased), so one
  ``read.csv`` gives everything needed to cross codes with outcomes. Every coder's
  codings are included (the ``coder`` column tells them apart) unless one is asked for.
* **quotes** is the Word quote table's selection (same rule, same Source labels), with
  the full passage beside the trimmed one.
* **codebook** is one row per node (path, depth, definitions, counts over the coding set).
* **participants** is ``project.participants()``; **joint** is ``project.joint()``'s
  tidy frame, when the mixed-methods API is there.

xlsx (openpyxl): one sheet per table, bold header, frozen top row, autofilter, widths
from the content (8–60 characters). Text that starts with "=" is stored as text, never
as a formula. CSV: UTF-8 without BOM, "\\n" line ends, empty cells for missing values
(R's default ``na`` strings), one file per table.
"""
from __future__ import annotations

import io
import math
from typing import Iterable

import pandas as pd

from ..errors import QualbenchError
from .docx_report import DEFAULT_MAX_WORDS, DEFAULT_PER_CODE, SourceLabels, codebook_rows, coding_set, select_quotes
from .export_names import TABLES

CODING_COLUMNS = ["coding_id", "document", "participant", "coder", "code", "code_path", "theme", "category",
                  "start", "end", "quote", "memo", "starred"]
MIN_WIDTH, MAX_WIDTH = 8, 60


def resolve_tables(what: str | Iterable[str]) -> list[str]:
    items = [what] if isinstance(what, str) else list(what)
    names = [w.strip().lower() for item in items for w in str(item).split(",") if w.strip()]
    unknown = [n for n in names if n != "all" and n not in TABLES]
    if unknown or not names:
        raise QualbenchError(f"unknown table(s) {', '.join(unknown) or '(none)'} "
                             f"(choose from {', '.join(TABLES)} or all)")
    return list(TABLES) if "all" in names else [t for t in TABLES if t in names]


# -- the tables -------------------------------------------------------------------------------

def codings_table(project, coder: str | None = None) -> pd.DataFrame:
    """Long format: one row per coding, with its code path and every participant attribute."""
    if coder:
        project.coder_id(coder)
    docs = {d.id: d for d in project.documents(all_versions=True)}
    paths = {c.id: [n.name for n in project.code_path(c)] for c in project.codes()}
    texts: dict[int, str] = {}
    rows = []
    for c in project.codings(coder=coder):
        doc = docs[c.document_id]
        if doc.id not in texts:
            texts[doc.id] = project.text(doc.id)
        text = texts[doc.id]
        path = paths[c.code_id]
        rows.append({"coding_id": c.id, "document": doc.name, "participant": doc.participant, "coder": c.coder,
                     "code": path[-1], "code_path": " > ".join(path), "theme": path[0] if len(path) > 1 else "",
                     "category": " > ".join(path[1:-1]), "start": c.start, "end": c.end,
                     "quote": text[c.start:c.end], "memo": c.memo or "", "starred": bool(c.starred)})
    frame = pd.DataFrame(rows, columns=CODING_COLUMNS)
    return _with_attributes(frame, project.participants())


def _with_attributes(frame: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    if participants.empty:
        return frame
    attrs = participants.rename(columns={c: (f"participant_{c}" if c in CODING_COLUMNS else c)
                                         for c in participants.columns if c != "participant"})
    key = frame["participant"].fillna("").str.casefold()
    attrs = attrs.assign(_key=attrs["participant"].str.casefold()).drop(columns="participant")
    merged = frame.assign(_key=key).merge(attrs, on="_key", how="left").drop(columns="_key")
    return merged


def quotes_table(project, *, nodes=None, per_code: int = DEFAULT_PER_CODE, coder: str | None = None,
                 max_words: int | None = DEFAULT_MAX_WORDS, labels: SourceLabels | None = None) -> pd.DataFrame:
    rows = select_quotes(project, nodes=nodes, per_code=per_code, coder=coder, max_words=max_words, labels=labels)
    columns = ["theme", "category", "code", "code_path", "participant", "document", "source", "quote",
               "full_text", "coder", "start", "end", "starred", "coding_id"]
    return pd.DataFrame([{c: getattr(r, c) for c in columns} for r in rows], columns=columns)


def codebook_table(project, coder: str | None = None) -> pd.DataFrame:
    columns = ["path", "depth", "kind", "name", "description", "when_to_use", "when_not_to_use", "example",
               "codings", "documents", "participants"]
    return pd.DataFrame(codebook_rows(project, coding_set(project, coder)), columns=columns)


def joint_table(project, *, rows: str = "theme", by: str = "responder", coder: str | None = None) -> pd.DataFrame:
    return project.joint(rows=rows, by=by, **({"coder": coder} if coder else {}))


def build_tables(project, what, *, coder: str | None = None, nodes=None, per_code: int = DEFAULT_PER_CODE,
                 max_words: int | None = DEFAULT_MAX_WORDS, labels: SourceLabels | None = None,
                 by: str = "responder", joint_rows: str = "theme") -> dict[str, pd.DataFrame]:
    """The tables asked for, by name, in :data:`TABLES` order."""
    names = resolve_tables(what)
    builders = {
        "codings": lambda: codings_table(project, coder),
        "quotes": lambda: quotes_table(project, nodes=nodes, per_code=per_code, coder=coder,
                                       max_words=max_words, labels=labels),
        "codebook": lambda: codebook_table(project, coder),
        "participants": project.participants,
        "joint": lambda: joint_table(project, rows=joint_rows, by=by, coder=coder),
    }
    return {name: builders[name]() for name in names}


# -- writers ----------------------------------------------------------------------------------

def _cell(value):
    """A Python value openpyxl can store (NaN/NA -> empty, numpy scalars -> Python)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _width(header: str, values: list) -> int:
    longest = max([len(str(header))] + [len(str(v)) for v in values[:500] if v is not None], default=0)
    return max(MIN_WIDTH, min(MAX_WIDTH, longest + 2))


def write_sheet(ws, frame: pd.DataFrame) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws.append([str(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    columns = [[_cell(v) for v in frame[c].tolist()] for c in frame.columns]
    for row, values in enumerate(zip(*columns) if columns else (), start=2):
        ws.append(list(values))
        for col, value in enumerate(values, start=1):
            if isinstance(value, str) and value.startswith("="):  # text, never a formula
                ws.cell(row=row, column=col).data_type = "s"
    ws.freeze_panes = "A2"
    if len(frame.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
    for i, (name, values) in enumerate(zip(frame.columns, columns), start=1):
        ws.column_dimensions[get_column_letter(i)].width = _width(name, values)


def xlsx_bytes(frames: dict[str, pd.DataFrame]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in frames.items():
        write_sheet(wb.create_sheet(title=name[:31]), frame)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
