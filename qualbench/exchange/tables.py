"""Participant tables (CSV or Excel) → typed, validated rows.

CSV is decoded like transcripts (UTF-8 with or without BOM, UTF-16 with BOM; anything
else refused with the byte offset), its delimiter sniffed among ``,`` ``;`` and tab —
Dutch spreadsheets export ``;`` with decimal commas, which are read as numbers. Excel is
read with openpyxl (first sheet, or one named "participants").

Column types are inferred: *number* if every non-empty value is numeric, *date* if every
one is an ISO date, *category* if there are few distinct values, else *text*.
Validation lists **every** problem with its row number (the header is row 1) before
anything is written.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..analysis.outcomes import to_number, yes_no
from ..errors import InputFileError, ValidationError
from ..settings import Settings
from ..textnorm import decode_bytes, normalise

ID_CANDIDATES = ("participant", "participant_id", "id", "pid", "case", "respondent")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Column:
    name: str
    type: str  # number | category | date | text


@dataclass
class ParticipantTable:
    source: str
    id_column: str
    columns: list[Column]
    rows: list[dict[str, str]]  # participant label -> raw values (id column excluded)
    labels: list[str] = field(default_factory=list)


def read_table(path: Path) -> tuple[list[str], list[list[str]], bool]:
    """Header and rows as strings; the flag says whether decimal commas are in use."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError("no such file", source=path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return (*_read_xlsx(path), False)
    if suffix in (".csv", ".tsv", ".txt"):
        return _read_csv(path)
    raise InputFileError(f"unsupported table type '{suffix}' (use .csv or .xlsx)", source=path)


def _read_csv(path: Path) -> tuple[list[str], list[list[str]], bool]:
    data = path.read_bytes()
    if not data.strip():
        raise InputFileError("empty file (no header row)", source=path)
    text = normalise(decode_bytes(data, path))
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise InputFileError(f"malformed CSV ({exc})", source=path) from None
    records = [r for r in records if any(c.strip() for c in r)]
    if not records:
        raise InputFileError("empty file (no header row)", source=path)
    header = [h.strip() for h in records[0]]
    rows = records[1:]
    for i, r in enumerate(rows, start=2):
        if len(r) != len(header):
            raise InputFileError(
                f"malformed CSV: row {i} has {len(r)} fields, the header has {len(header)}",
                source=path)
    return header, [[c.strip() for c in r] for r in rows], delimiter == ";"


def _read_xlsx(path: Path) -> tuple[list[str], list[list[str]]]:
    import openpyxl

    if not zipfile.is_zipfile(path):
        raise InputFileError("not a valid Excel .xlsx file (not a zip package)", source=path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken packages
        raise InputFileError(f"not a valid Excel .xlsx file ({type(exc).__name__}: {exc})",
                             source=path) from None
    try:
        names = [n for n in wb.sheetnames if n.strip().lower() == "participants"]
        ws = wb[names[0]] if names else wb.worksheets[0]
        values = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    values = [r for r in values if any(v not in (None, "") for v in r)]
    if not values:
        raise InputFileError("the first sheet is empty (no header row)", source=path)
    header = [_cell(v) for v in values[0]]
    while header and header[-1] == "":
        header.pop()
    rows = [[_cell(v) for v in r[:len(header)]] + [""] * (len(header) - len(r)) for r in values[1:]]
    return header, rows


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def infer_type(values: list[str], decimal_comma: bool = False) -> str:
    present = [v for v in values if v != ""]
    if not present:
        return "text"
    if all(_is_number(v, decimal_comma) for v in present):
        return "number"
    if all(_ISO_DATE.match(v) for v in present):
        return "date"
    distinct = {v.casefold() for v in present}
    if len(distinct) <= max(2, min(12, len(present) // 2)):
        return "category"
    return "text"


def _is_number(v: str, decimal_comma: bool) -> bool:
    if decimal_comma:
        v = v.replace(",", ".")
    try:
        float(v)
        return True
    except ValueError:
        return False


def load_participants(path: Path, settings: Settings) -> ParticipantTable:
    header, rows, decimal_comma = read_table(path)
    problems: list[str] = []
    if len(set(h.casefold() for h in header)) != len(header):
        raise InputFileError("duplicate column names in the header", source=path)
    if any(h == "" for h in header):
        raise InputFileError("a column has an empty name in the header", source=path)
    lower = {h.casefold(): h for h in header}
    if settings.id_column:
        id_col = lower.get(settings.id_column.casefold())
        if id_col is None:
            raise InputFileError(f"no id column '{settings.id_column}' (columns: {', '.join(header)})",
                                 source=path)
    else:
        id_col = next((lower[c] for c in ID_CANDIDATES if c in lower), None)
        if id_col is None:
            raise InputFileError(
                "no participant id column (name one 'participant' or 'id', or set "
                "participants.id_column in qualbench.toml)", source=path)
    idx = {h: i for i, h in enumerate(header)}
    if decimal_comma:
        rows = [[c.replace(",", ".") if _is_number(c, True) else c for c in r] for r in rows]
    seen: dict[str, int] = {}
    for rownum, r in enumerate(rows, start=2):
        label = r[idx[id_col]].strip()
        if not label:
            problems.append(f"row {rownum}: empty participant id")
            continue
        if label.casefold() in seen:
            problems.append(f"row {rownum}: duplicate participant id '{label}' (first in row {seen[label.casefold()]})")
        else:
            seen[label.casefold()] = rownum
    scale_max = settings.scale_max
    for key in ("baseline", "follow_up"):
        col = lower.get(getattr(settings, key).casefold())
        if col is None:
            continue
        for rownum, r in enumerate(rows, start=2):
            raw = r[idx[col]]
            try:
                num = to_number(raw)
            except (ValueError, ZeroDivisionError):
                problems.append(f"row {rownum}: {col} '{raw}' is not a number")
                continue
            if num is not None and not 0 <= num <= scale_max:
                problems.append(f"row {rownum}: {col} {raw} is outside the {settings.scale.upper()} "
                                f"scale 0-{scale_max}")
    wr = lower.get(settings.would_repeat.casefold())
    if wr is not None:
        for rownum, r in enumerate(rows, start=2):
            try:
                yes_no(r[idx[wr]])
            except ValueError:
                problems.append(f"row {rownum}: {wr} '{r[idx[wr]]}' is not yes/no")
    if problems:
        raise ValidationError(problems, source=path)
    columns = [Column(h, infer_type([r[idx[h]] for r in rows], False)) for h in header if h != id_col]
    out_rows = [{h: r[idx[h]] for h in header if h != id_col} for r in rows]
    labels = [r[idx[id_col]].strip() for r in rows]
    return ParticipantTable(str(path), id_col, columns, out_rows, labels)
