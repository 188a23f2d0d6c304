"""Participant tables (CSV or Excel) → typed, validated rows.

Reading. CSV is decoded like transcripts (UTF-8 with or without BOM, UTF-16 with BOM;
anything else — typically Windows-1252 — refused with the byte offset, never guessed),
its delimiter sniffed among ``,`` ``;`` and tab; Dutch spreadsheets export ``;`` with
decimal commas, which are read as numbers. Excel is read with openpyxl: the sheet named
"participants" (ignoring case and spaces), else the first visible sheet, and the import
says which when the workbook has several. Cells are read as Excel last calculated them;
a formula without a saved result (written by a program that does not calculate) and an
Excel error value (``#DIV/0!``) are errors naming the cell, because reading them as
empty would silently turn a score into "no outcome". The package is checked before
openpyxl opens it (part sizes, DOCTYPEs: :mod:`~qualbench.exchange.limits`), and a cell
at Excel's 32,767-character limit is refused, as openpyxl silently cuts such a cell. Merged header cells and unnamed
columns that hold values are errors naming the column; wholly empty unnamed columns
(trailing delimiters) are ignored. Row numbers are the ones a spreadsheet shows: the
header is row 1 and blank lines count.

Headers are compared ignoring case and runs of whitespace (``'pain_2y '`` is
``pain_2y``, ``'Sex'`` is the project's ``sex``); two headers of one file that collide
that way are an error.

Types. The configured pain-score columns are always numbers: surrounding spaces and a
decimal comma are accepted (``'4,5'`` is 4.5, also in a comma-separated file or an
Excel text cell), anything else is an error with its row — one stray text cell must not
turn a score column into categories. Other columns are inferred: *number* if the
values are numeric, *date* if they are ISO dates, *category* if there are few distinct
values, else *text*. A column that is numeric (or ISO dates) except for a few cells
stays so and the cells are named in a warning (they count as missing). Category values
that differ only in case or spaces are unified to the most frequent spelling (the
merge is reported); near-misses such as ``m`` / ``male`` are only hinted at.

Validation lists **every** problem, sorted by row and then column, before anything is
written.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..analysis.outcomes import MISSING_MARKERS, to_number, yes_no
from ..errors import InputFileError, ValidationError
from ..settings import Settings
from ..textnorm import decode_bytes, normalise
from .limits import MAX_CELL_CHARS, MAX_TABLE_BYTES, check_file_size, open_package

ID_CANDIDATES = ("participant", "participant_id", "id", "pid", "case", "respondent")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LOOSE_DATE = re.compile(r"^(\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{4}[/.]\d{1,2}[/.]\d{1,2}|\d{4}-\d{1,2}-\d{1,2})$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
NAMED_CELLS = 5          # cells named in one warning before "and N more"

# The configured columns an import looks for (settings attribute, what it holds).
OUTCOME_ROLES = {"baseline": "baseline pain score", "follow_up": "follow-up pain score",
                 "would_repeat": "would-repeat answer (yes/no)", "status": "vital status"}


# -- names -------------------------------------------------------------------------------
def header_key(name: str) -> str:
    """Headers and attribute names compare ignoring case and runs of whitespace."""
    return " ".join(str(name).split()).casefold()


def tidy(text: str) -> str:
    return " ".join(str(text).split())


def label_key(label: str) -> str:
    """Participant labels compare ignoring case and all whitespace ('P 02' is 'p02')."""
    return "".join(str(label).split()).casefold()


def column_letter(pos: int) -> str:
    """0-based column position → spreadsheet letters (0 → A, 26 → AA)."""
    letters = ""
    pos += 1
    while pos:
        pos, rem = divmod(pos - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _position(pos: int) -> str:
    return f"{pos + 1} ({column_letter(pos)})"


def _cells(items: list[str]) -> str:
    shown = ", ".join(items[:NAMED_CELLS])
    return shown + (f" and {len(items) - NAMED_CELLS} more" if len(items) > NAMED_CELLS else "")


def suggest(word: str, choices: list[str], *, cutoff: float = 60, limit: int = 3) -> list[str]:
    """Close names among ``choices`` (rapidfuzz), best first, within reach of the best."""
    from rapidfuzz import fuzz, process

    def simple(s: str) -> str:
        return re.sub(r"[\W_]+", " ", s).strip().casefold()
    found = process.extract(word, choices, scorer=fuzz.WRatio, processor=simple,
                            score_cutoff=cutoff, limit=limit)
    if not found:
        return []
    best = found[0][1]
    return [choice for choice, score, _ in found if score >= best - 10]


# -- reading -----------------------------------------------------------------------------
@dataclass(order=True)
class Issue:
    """One problem at a spreadsheet row and 0-based column (row 0: the file as a whole)."""
    row: int
    col: int
    text: str


@dataclass
class Sheet:
    """A table as read: named columns only, every cell a stripped string."""
    source: str                       # the file (and the sheet, when the workbook has several)
    header: list[str]                 # tidy names of the kept columns
    positions: list[int]              # 0-based position of each kept column in the file
    header_row: int
    rows: list[list[str]]
    row_numbers: list[int]
    decimal_comma: bool = False
    header_issues: list[Issue] = field(default_factory=list)   # fatal before anything else
    cell_issues: list[Issue] = field(default_factory=list)     # formulas without values, #errors
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_sheet(path: Path) -> Sheet:
    path = Path(path)
    if not path.is_file():
        raise InputFileError("no such file", source=path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".tsv", ".txt"):
        return _read_csv(path)
    raise InputFileError(f"unsupported table type '{suffix}' (use .csv or .xlsx)", source=path)


def read_table(path: Path) -> tuple[list[str], list[list[str]], bool]:
    """Header and rows as strings; the flag says whether decimal commas are in use."""
    sheet = read_sheet(path)
    issues = sorted(sheet.header_issues + sheet.cell_issues)
    if issues:
        raise ValidationError([i.text for i in issues], source=sheet.source)
    return sheet.header, sheet.rows, sheet.decimal_comma


def _read_csv(path: Path) -> Sheet:
    check_file_size(path, MAX_TABLE_BYTES, "a table")
    data = path.read_bytes()
    if not data.strip():
        raise InputFileError("empty file (no header row)", source=path)
    text = normalise(decode_bytes(data, path))
    first = next((line for line in text.split("\n") if line.strip()), "")
    delimiter = max([",", ";", "\t"], key=first.count)
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise InputFileError(f"malformed CSV: a cell holds more than {csv.field_size_limit():,} characters "
                                 "(an unclosed quote?)", source=path) from None
        raise InputFileError(f"malformed CSV ({' '.join(str(exc).split())})", source=path) from None
    numbered = [(n, r) for n, r in enumerate(records, start=1) if any(c.strip() for c in r)]
    if not numbered:
        raise InputFileError("empty file (no header row)", source=path)
    header_row, header = numbered[0]
    named = max((i + 1 for i, h in enumerate(header) if h.strip()), default=0)
    rows, row_numbers = [], []
    for n, r in numbered[1:]:
        if len(r) < named or (len(r) > len(header) and any(c.strip() for c in r[len(header):])):
            raise InputFileError(
                f"malformed CSV: row {n} has {len(r)} fields, the header has {len(header)}", source=path)
        rows.append([c.strip() for c in r[:len(header)]] + [""] * (len(header) - len(r)))
        row_numbers.append(n)
    sheet = Sheet(str(path), [], [], header_row, [], row_numbers, decimal_comma=delimiter == ";")
    _keep_named_columns(sheet, [h.strip() for h in header], rows, merged_header=set())
    return sheet


def _keep_named_columns(sheet: Sheet, header: list[str], rows: list[list[str]], *,
                        merged_header: set[int]) -> None:
    keep = []
    for pos, name in enumerate(header):
        if tidy(name):
            keep.append(pos)
        elif pos not in merged_header and any(r[pos] != "" for r in rows):
            sheet.header_issues.append(Issue(sheet.header_row, pos, (
                f"column {_position(pos)} has values but no name in the header row (row {sheet.header_row})")))
    sheet.header = [tidy(header[p]) for p in keep]
    sheet.positions = keep
    sheet.rows = [[r[p] for p in keep] for r in rows]


def _read_xlsx(path: Path) -> Sheet:
    import openpyxl

    if not zipfile.is_zipfile(path):
        raise InputFileError("not a valid Excel .xlsx file (not a zip package)", source=path)
    with open_package(path, "Excel .xlsx") as zf:     # sizes and DOCTYPEs checked before openpyxl reads
        if "xl/workbook.xml" not in zf.namelist() and not any(
                n.casefold().endswith("workbook.xml") for n in zf.namelist()):
            kind = " (a Word document renamed .xlsx?)" if "word/document.xml" in zf.namelist() else ""
            raise InputFileError(f"not an Excel workbook: the package has no workbook part{kind}", source=path)
    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken packages
        raise InputFileError(f"not a valid Excel .xlsx file ({_openpyxl_problem(exc)})", source=path) from None
    sheets = list(wb.worksheets)
    if not sheets:
        raise InputFileError("the workbook has no worksheets", source=path)
    named = [ws for ws in sheets if header_key(ws.title) == "participants"]
    visible = [ws for ws in sheets if ws.sheet_state == "visible"] or sheets
    ws = named[0] if named else visible[0]
    source = str(path) if len(sheets) == 1 else f"{path} (sheet '{ws.title}')"
    grid = [list(row) for row in ws.iter_rows()]
    for row in grid:
        for c in row:
            # openpyxl cuts a shared string at Excel's limit and reads an inline one whole:
            # a cell at or past the limit is either cut short or not written by Excel.
            if isinstance(c.value, str) and len(c.value) >= MAX_CELL_CHARS:
                raise InputFileError(f"cell {c.coordinate} of sheet '{ws.title}' holds {len(c.value):,} characters, "
                                     f"Excel's limit is {MAX_CELL_CHARS:,}: refused (the value is cut short, or "
                                     "the file was not written by a spreadsheet program)", source=path)
    texts = [[_cell(c.value) for c in row] for row in grid]
    used = [i for i, row in enumerate(texts) if any(t != "" for t in row)]
    if not used:
        raise InputFileError(f"sheet '{ws.title}' is empty (no header row)", source=path)
    width = max(max(j + 1 for j, t in enumerate(texts[i]) if t != "") for i in used)
    h = used[0]
    header_row = grid[h][0].row
    header = (texts[h] + [""] * width)[:width]
    data_idx = [i for i in used[1:]]
    rows = [(texts[i] + [""] * width)[:width] for i in data_idx]
    sheet = Sheet(source, [], [], header_row, [], [grid[i][0].row for i in data_idx])
    if len(sheets) > 1:
        others = ", ".join(f"'{s.title}'" for s in sheets if s is not ws)
        why = ("the sheet named participants" if named else
               "the first sheet; name a sheet 'participants' to read another one")
        sheet.notes.append(f"read sheet '{ws.title}' ({why}; other sheets: {others})")
    merged_header: set[int] = set()
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= header_row <= rng.max_row:
            sheet.header_issues.append(Issue(header_row, rng.min_col - 1, (
                f"header cells {rng.coord} are merged: give each column its own header cell")))
            merged_header.update(range(rng.min_col - 1, rng.max_col))
        elif rng.min_row > header_row:
            sheet.warnings.append(
                f"cells {rng.coord} are merged: only {column_letter(rng.min_col - 1)}{rng.min_row} "
                "holds a value, the other cells are read as empty")
    _keep_named_columns(sheet, header, rows, merged_header=merged_header)
    names = {p: n for p, n in zip(sheet.positions, sheet.header)}
    # Excel error values (#DIV/0!, #N/A …) are never data.
    for i, r in zip(data_idx, sheet.rows):
        for j, pos in enumerate(sheet.positions):
            cell = grid[i][pos] if pos < len(grid[i]) else None
            if cell is not None and cell.data_type == "e":
                sheet.cell_issues.append(Issue(cell.row, pos, (
                    f"row {cell.row}: {names[pos]} (cell {cell.coordinate}) holds the Excel error {r[j]}")))
                r[j] = ""
    empty = {(c.row, c.column - 1) for i in [h, *data_idx] for c in grid[i]
             if c.value is None and (c.column - 1 in names or i == h)}
    if empty:
        _formulas_without_values(path, ws.title, empty, names, header_row, sheet)
        computed = {i.col for i in sheet.header_issues if "is a formula" in i.text}
        sheet.header_issues = [i for i in sheet.header_issues
                               if i.col not in computed or "is a formula" in i.text]
    return sheet


def _openpyxl_problem(exc: Exception) -> str:
    """openpyxl's error on one line, in the user's terms where we know them."""
    text = " ".join(str(exc).split())
    if "invalid XML" in text or "could not read worksheets" in text or "Unable to read workbook" in text:
        return "a part of the workbook is damaged or not well-formed XML"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _formulas_without_values(path: Path, title: str, empty: set, names: dict, header_row: int,
                             sheet: Sheet) -> None:
    """Cells that are empty as calculated but hold a formula: the file has no saved results."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # as above: the same file, read again for its formulas
        raise InputFileError(f"not a valid Excel .xlsx file ({_openpyxl_problem(exc)})", source=path) from None
    for row in wb[title].iter_rows(min_row=min(r for r, _ in empty), max_row=max(r for r, _ in empty)):
        for c in row:
            if (c.row, c.column - 1) not in empty or c.data_type != "f":
                continue
            formula = c.value if isinstance(c.value, str) else getattr(c.value, "text", "")
            formula = formula if str(formula).startswith("=") else f"={formula}"
            pos = c.column - 1
            what = (f"header cell {c.coordinate}" if c.row == header_row
                    else f"row {c.row}: {names.get(pos, column_letter(pos))} (cell {c.coordinate})")
            issues = sheet.header_issues if c.row == header_row else sheet.cell_issues
            issues.append(Issue(c.row, pos, (
                f"{what} is a formula ({formula}) with no saved value: open the file in Excel or "
                "LibreOffice and save it, so the results are stored")))


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


# -- types -------------------------------------------------------------------------------
def infer_type(values: list[str], decimal_comma: bool = False) -> str:
    """All-or-nothing typing of a value list (REFI-QDA variables use it as it always was)."""
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


def _numeric(v: str) -> bool:
    return bool(_NUMBER.match(v))


def _few(odd: int, present: int) -> bool:
    """'Numeric except a few cells': at most one in five, and fewer than the rest."""
    return odd <= max(1, present // 5) and present - odd > odd


def classify_column(values: list[str], n_file: int) -> tuple[str, list[int]]:
    """Type of a column and the positions (< n_file, i.e. in this file) that do not fit it.

    ``values`` are this file's cells followed by the project's values of participants
    not in the file, so a partial update does not flip a column's type."""
    present = [i for i, v in enumerate(values) if v != ""]
    if not present:
        return "text", []
    numbers = [i for i in present if _numeric(values[i])]
    fitting = {i for i in present if _numeric(values[i]) or values[i].casefold() in MISSING_MARKERS}
    odd = [i for i in present if i not in fitting]
    if numbers and (not odd or (len(numbers) >= 2 and _few(len(odd), len(present)))):
        return "number", [i for i in odd if i < n_file]
    dates = {i for i in present if _ISO_DATE.match(values[i])}
    odd = [i for i in present if i not in dates]
    if dates and (not odd or (len(dates) >= 2 and _few(len(odd), len(present)))):
        return "date", [i for i in odd if i < n_file]
    distinct = {header_key(values[i]) for i in present}
    if len(distinct) <= max(2, min(12, len(present) // 2)):
        return "category", []
    return "text", []


def stored(col_type: str, text: str) -> tuple[str | None, float | None]:
    """(value, number) as kept in participant_values for a cell of a typed column."""
    if text == "":
        return None, None
    if col_type == "number":
        if text.casefold() in MISSING_MARKERS:
            return None, None
        return text, float(text) if _numeric(text) else None
    return text, None


def same_value(col_type: str, old: str | None, new: str | None) -> bool:
    """Equal as stored values: numbers compare by value (9 == 9.0), the rest as text."""
    if (old or None) is None or (new or None) is None:
        return (old or None) is None and (new or None) is None
    if col_type == "number" and _numeric(old.replace(",", ".")) and _numeric(new):
        return Fraction(old.replace(",", ".")) == Fraction(new)
    return old == new


# -- the participant table -----------------------------------------------------------------
@dataclass
class Column:
    name: str            # the attribute name (the project's spelling when it exists)
    type: str            # number | category | date | text
    header: str = ""     # the header as written in the file (tidied)


@dataclass
class Existing:
    """What the project holds already, so a re-import is read against it."""
    attributes: dict[str, str] = field(default_factory=dict)               # name -> type
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)  # name -> {label_key: value}


@dataclass
class ParticipantTable:
    source: str
    id_column: str
    columns: list[Column]
    rows: list[dict[str, str]]  # one per participant: attribute name -> cleaned text ("" = missing)
    labels: list[str] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # category column -> {spelling: chosen spelling}; applies to the project's other values too
    spellings: dict[str, dict[str, str]] = field(default_factory=dict)
    scores: set[str] = field(default_factory=set)  # the pain-score columns (attribute names)


def load_participants(path: Path, settings: Settings, existing: Existing | None = None) -> ParticipantTable:
    """Read, check and type a participant table; every problem raised at once, sorted."""
    existing = existing or Existing()
    sheet = read_sheet(path)
    if sheet.header_issues:
        raise ValidationError([i.text for i in sorted(sheet.header_issues)], source=sheet.source)
    _refuse_colliding_headers(sheet)
    id_i = _id_column(sheet, settings, {header_key(h): i for i, h in enumerate(sheet.header)})
    if not sheet.rows:
        raise InputFileError("no participants in the file (only a header row)", source=sheet.source)
    notes, warnings = list(sheet.notes), list(sheet.warnings)
    known = {}
    for name in existing.attributes:
        known.setdefault(header_key(name), name)
    names, role_of = _column_names(sheet.header, id_i, settings, known, notes)
    issues: list[Issue] = list(sheet.cell_issues)
    labels = [tidy(r[id_i]) for r in sheet.rows]
    file_keys = _check_ids(sheet, id_i, labels, issues)
    clean = [list(r) for r in sheet.rows]
    scores = [role_of[r] for r in ("baseline", "follow_up") if r in role_of]
    _check_scores(sheet, scores, settings, clean, issues, warnings)
    if "would_repeat" in role_of:
        _check_yes_no(sheet, role_of["would_repeat"], issues, settings)
    if issues:
        raise ValidationError([i.text for i in sorted(issues)], source=sheet.source)

    columns: list[Column] = []
    spellings: dict[str, dict[str, str]] = {}
    for i, h in enumerate(sheet.header):
        if i == id_i:
            continue
        if i in scores:
            columns.append(Column(names[i], "number", h))
            continue
        if sheet.decimal_comma:
            for r in clean:
                if _numeric(r[i].replace(",", ".")):
                    r[i] = r[i].replace(",", ".")
        others = [v for k, v in existing.values.get(names[i], {}).items() if k not in file_keys and v]
        col_type, mapping = _type_column(h, [r[i] for r in clean], others, sheet.row_numbers, notes, warnings)
        if mapping:
            spellings[names[i]] = mapping
            for r in clean:
                r[i] = mapping.get(r[i], r[i])
        columns.append(Column(names[i], col_type, h))
    warnings.extend(_missing_outcome_columns(settings, sheet.header, id_i, role_of, known, clean))
    out_rows = [{names[i]: r[i] for i in names} for r in clean]
    return ParticipantTable(sheet.source, sheet.header[id_i], columns, out_rows, labels, list(sheet.row_numbers),
                            notes, warnings, spellings, {names[i] for i in scores})


def _column_names(header: list[str], id_i: int, settings: Settings, known: dict[str, str],
                  notes: list[str]) -> tuple[dict[int, str], dict[str, int]]:
    """Attribute name of each column (the project's spelling, else the configured one,
    else the header) and the column of each configured outcome role found."""
    roles = outcome_roles(settings)
    names, role_of = {}, {}
    for i, h in enumerate(header):
        if i == id_i:
            continue
        key = header_key(h)
        names[i] = known.get(key) or (tidy(getattr(settings, roles[key])) if key in roles else h)
        if key in roles:
            role_of[roles[key]] = i
        if key in known and known[key] != h:
            notes.append(f"column '{h}' is the project's '{known[key]}' (names match ignoring case and spaces)")
    return names, role_of


def _check_ids(sheet: Sheet, id_i: int, labels: list[str], issues: list[Issue]) -> set[str]:
    """Empty and duplicate ids (ignoring case and spaces); returns the label keys."""
    pos = sheet.positions[id_i]
    reported = {(i.row, i.col) for i in issues}
    first: dict[str, tuple[int, str]] = {}
    for n, label in zip(sheet.row_numbers, labels):
        if not label:
            if (n, pos) not in reported:          # else: a formula without a value, already named
                issues.append(Issue(n, pos, f"row {n}: empty participant id"))
        elif label_key(label) in first:
            m, was = first[label_key(label)]
            also = f" as '{was}'" if was != label else ""
            issues.append(Issue(n, pos, f"row {n}: duplicate participant id '{label}' (first in row {m}{also})"))
        else:
            first[label_key(label)] = (n, label)
    return set(first)


def outcome_roles(settings: Settings) -> dict[str, str]:
    """header_key of each configured outcome column -> its role (baseline, follow_up, ...)."""
    return {header_key(getattr(settings, r)): r for r in OUTCOME_ROLES if getattr(settings, r)}


def outcome_problem(role: str, name: str, raw: str, settings: Settings):
    """The participant import's rule for one value of an outcome column.

    Returns ``(problem, number)``: ``problem`` is None for a valid value (else the text
    used after "row n: " by the participant import, and after the case and variable by
    the REFI-QDA import), ``number`` the score read (None when missing or not a score).
    Pain scores are numbers on the project's scale; the would-repeat answer is yes/no.
    """
    if role in ("baseline", "follow_up"):
        try:
            num = to_number(raw)
        except (ValueError, ZeroDivisionError):
            return f"{name} '{raw}' is not a number", None
        if num is not None and not 0 <= num <= settings.scale_max:
            return f"{name} {raw} is outside the {settings.scale.upper()} scale 0-{settings.scale_max}", num
        return None, num
    if role == "would_repeat":
        try:
            yes_no(raw)
        except ValueError:
            return f"{name} '{raw}' is not yes/no", None
    return None, None


def _check_scores(sheet: Sheet, cols: list[int], settings: Settings, clean: list[list[str]],
                  issues: list[Issue], warnings: list[str]) -> None:
    """Pain scores are numbers on the project's scale; ``clean`` gets them with a decimal point."""
    top = settings.scale_max
    scores, out_of_range = [], []
    for i in cols:
        name, pos = sheet.header[i], sheet.positions[i]
        for k, n in enumerate(sheet.row_numbers):
            raw = sheet.rows[k][i]
            problem, num = outcome_problem("baseline", name, raw, settings)
            if problem and num is None:
                issues.append(Issue(n, pos, f"row {n}: {problem}"))
                continue
            clean[k][i] = "" if num is None else raw.replace(",", ".")
            if num is None:
                continue
            scores.append(num)
            if problem:
                issue = Issue(n, pos, f"row {n}: {problem}")
                issues.append(issue)
                out_of_range.append((issue, num))
    # Hint at the other scale only when the scores as a whole look like it, not for one typo.
    vas_like = 2 * sum(1 for x in scores if x > 10) >= len(scores)
    if top == 10 and out_of_range and vas_like and all(x <= 100 for _, x in out_of_range):
        first = min(issue for issue, _ in out_of_range)
        first.text += ' (VAS 0-100 scores? set scale = "VAS" under [outcomes] in qualbench.toml)'
    if top == 100 and len(scores) >= 3 and max(scores) <= 10:
        warnings.append("every pain score is 10 or less on the VAS 0-100 scale: if they are NRS 0-10 "
                        'scores, set scale = "NRS" under [outcomes] in qualbench.toml')


def _check_yes_no(sheet: Sheet, i: int, issues: list[Issue], settings: Settings) -> None:
    for n, r in zip(sheet.row_numbers, sheet.rows):
        problem, _ = outcome_problem("would_repeat", sheet.header[i], r[i], settings)
        if problem:
            issues.append(Issue(n, sheet.positions[i], f"row {n}: {problem}"))


def _type_column(header: str, mine: list[str], others: list[str], rows: list[int], notes: list[str],
                 warnings: list[str]) -> tuple[str, dict[str, str]]:
    """A column's type (warning about cells that do not fit it) and, for a category
    column, the spelling unification {spelling: chosen}."""
    col_type, odd = classify_column(mine + others, len(mine))
    if odd:
        cells = [f"row {rows[k]} '{mine[k]}'" for k in odd]
        one = len(cells) == 1
        kind = "a number" if col_type == "number" else "a YYYY-MM-DD date"
        warnings.append(f"{header}: a {col_type} column, but {'this cell is' if one else 'these cells are'} "
                        f"not {kind} and count{'s' if one else ''} as missing: {_cells(cells)}")
    loose = [(rows[k], v) for k, v in enumerate(mine) if v]
    if col_type in ("text", "category") and loose and all(_LOOSE_DATE.match(v) for _, v in loose):
        warnings.append(f"{header}: the values look like dates written as text (e.g. '{loose[0][1]}', "
                        f"row {loose[0][0]}); they are kept as {col_type}: write them as YYYY-MM-DD "
                        "or as Excel dates to get a date column")
    if col_type != "category":
        return col_type, {}
    mapping, note, hints = _unify(header, mine, others)
    if mapping:
        notes.append(note)
    warnings.extend(hints)
    return col_type, mapping


def _refuse_colliding_headers(sheet: Sheet) -> None:
    seen: dict[str, int] = {}
    issues = []
    for i, h in enumerate(sheet.header):
        key = header_key(h)
        if key in seen:
            j = seen[key]
            issues.append(Issue(sheet.header_row, sheet.positions[i], (
                f"columns {_position(sheet.positions[j])} '{sheet.header[j]}' and "
                f"{_position(sheet.positions[i])} '{h}' are the same name (ignoring case and spaces)")))
        else:
            seen[key] = i
    if issues:
        raise ValidationError([i.text for i in issues], source=sheet.source)


def _id_column(sheet: Sheet, settings: Settings, by_key: dict[str, int]) -> int:
    if settings.id_column:
        i = by_key.get(header_key(settings.id_column))
        if i is None:
            raise InputFileError(f"no id column '{settings.id_column}' (columns: {', '.join(sheet.header)})",
                                 source=sheet.source)
        return i
    i = next((by_key[c] for c in ID_CANDIDATES if c in by_key), None)
    if i is None:
        shown = ", ".join(f"'{h}'" for h in sheet.header[:8]) + (" ..." if len(sheet.header) > 8 else "")
        raise InputFileError(
            "no participant id column (name one 'participant' or 'id', or set "
            f"participants.id_column in qualbench.toml; header row {sheet.header_row}: {shown})",
            source=sheet.source)
    return i


def _unify(header: str, mine: list[str], others: list[str]) -> tuple[dict[str, str], str, list[str]]:
    """Spellings differing only in case/spaces → the most frequent one (ties: the project's,
    then the first in the file); plus hints for near-misses that are not merged."""
    counts = Counter(v for v in others + mine if v)
    order = {v: k for k, v in reversed(list(enumerate(others + mine)))}
    groups: dict[str, list[str]] = {}
    for v in sorted(counts, key=order.__getitem__):
        groups.setdefault(header_key(v), []).append(v)
    mapping, merged = {}, []
    for spellings in groups.values():
        if len(spellings) > 1:
            chosen = max(spellings, key=lambda s: (counts[s], -order[s]))
            for s in spellings:
                if s != chosen:
                    mapping[s] = chosen
            merged.append(", ".join(f"'{s}' ({counts[s]}x)" for s in spellings if s != chosen)
                          + f" -> '{chosen}' ({counts[chosen]}x)")
    note = f"{header}: spellings differing only in case or spaces unified: " + "; ".join(merged)
    final = Counter()
    for v, c in counts.items():
        final[mapping.get(v, v)] += c
    in_file = {mapping.get(v, v) for v in mine if v}
    hints = []
    values = sorted(final, key=lambda v: (len(v), v))
    for a_i, a in enumerate(values):
        for b in values[a_i + 1:]:
            if (a in in_file or b in in_file) and _near_miss(a, b):
                hints.append(f"{header}: '{a}' ({final[a]}x) and '{b}' ({final[b]}x) may mean the same; "
                             "not merged - correct the table if they do")
    return mapping, note, hints


def _near_miss(a: str, b: str) -> bool:
    from rapidfuzz.distance import DamerauLevenshtein

    try:
        if yes_no(a) is not None and yes_no(a) == yes_no(b):
            return False          # 'y' and 'yes' already mean the same to the tool
    except ValueError:
        pass
    a, b = a.casefold(), b.casefold()
    if len(a) <= 3 and b.startswith(a):
        return True               # an abbreviation: 'm' / 'male'
    digits = re.sub(r"\D", "", a) == re.sub(r"\D", "", b)
    return min(len(a), len(b)) >= 4 and digits and DamerauLevenshtein.distance(a, b) == 1


def _missing_outcome_columns(settings: Settings, header: list[str], id_i: int, role_of: dict,
                             known: dict, rows: list[list[str]]) -> list[str]:
    """A configured column neither in the file nor in the project: say so, with close headers."""
    out = []
    taken = set(role_of.values()) | {id_i}
    for role, what in OUTCOME_ROLES.items():
        name = getattr(settings, role)
        if not name or role in role_of or header_key(name) in known:
            continue
        fits = [h for i, h in enumerate(header) if i not in taken and _fits_role(role, [r[i] for r in rows])]
        close = suggest(name, fits)
        where = f"set {role} = \"{{}}\" under [outcomes] in qualbench.toml"
        if close:
            hint = (f"closest header{'s' if len(close) > 1 else ''}: "
                    + ", ".join(f"'{c}'" for c in close) + "; if that is the column, " + where.format(close[0]))
        else:
            hint = ("if the table names it differently, " + where.format("<header>")
                    + f' (or {role} = "" if the study has no such column)')
        out.append(f"no '{name}' column for the {what}: {hint}")
    return out


def _fits_role(role: str, values: list[str]) -> bool:
    present = [v for v in values if v]
    if not present:
        return True
    if role in ("baseline", "follow_up"):
        try:
            for v in present:
                to_number(v)
        except (ValueError, ZeroDivisionError):
            return False
        return True
    if role == "would_repeat":
        try:
            return all(yes_no(v) is not None for v in present)
        except ValueError:
            return False
    return not all(_numeric(v) for v in present)
