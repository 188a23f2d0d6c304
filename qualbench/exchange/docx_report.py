"""Word reports for the paper: quote table, codebook appendix, agreement, Table 1, joint display.

What: :func:`build_report` turns a project into one python-docx ``Document`` holding the
parts a qualitative paper needs (STUDY.md step 8). Each part is a caption ("Table N."),
a table and a note under it saying how the table was made, so a table pasted into a
manuscript still carries its method. :mod:`qualbench.api.exports` writes the file and
records the export; this module only reads through the Project API.

Why it is shaped so: the parts are independent builders registered in :data:`PARTS`
(name -> function(doc, project, options, context)), so a new section is one function and
one entry. Journals want plain tables: one serif font, no vertical rules, a rule above
and below the table and under the header, the header row repeated on every page
(``w:tblHeader``), rows that do not split across pages (``w:cantSplit``), the note
kept with the table's last row (``w:keepNext``; Word honours it, LibreOffice does
not), and a landscape section for wide tables (the five-column quote table, the
agreement table).

**The quote table** (Theme | Category | Code | Quote | Source; the Code column is
optional). One row per quote; theme, category and code cells are merged vertically
over their quotes (``w:vMerge`` restart/continue — written directly rather than with
python-docx's ``cell.merge``, which recurses once per row and fails past ~1,000 rows).
Which quotes: for every code under the selected nodes (themes, categories or codes;
default all), the N most representative ones by the rule of
:mod:`qualbench.analysis.representative` — starred quotes first; ``per_code=0`` takes
every quote in document order. A "code" here is the top-most node of kind ``code`` on a
branch (its sub-codes' quotes count for it), or a leaf when a branch has none. The
Source reads "P07, non-responder, would repeat": the participant label, the responder
label from the project's scheme, and the would-repeat answer; every phrase is
configurable in :class:`SourceLabels`.

**Ellipsis rules** (:func:`trim_quote`): whitespace is collapsed first. A quote longer
than ``max_words`` (default 60; words are whitespace-separated tokens, the ellipsis is
not counted) is cut only between words, never inside one, with "[…]" wherever text was
left out:

1. Sentences are kept whole where possible. If the first and the last sentence fit
   together, the quote keeps the first sentence, as many following sentences as still
   fit beside the last one, then " […] " and the last sentence (an interior cut keeps
   the first and last sentences: quotes often end on their point).
2. Otherwise it keeps as many whole sentences from the start as fit, then " […]".
3. If even the first sentence is too long, it is cut after a clause (a word ending in
   "," ";" ":" or a dash) in the second half of the allowed words, else after the last
   allowed word; the trailing comma/colon/dash is dropped and " […]" follows.

No "[…]" is added in front of a quote that starts mid-sentence: where a coded passage
starts is the coder's choice and the transcript shows it.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt, RGBColor
from docx.table import _Cell

from ..errors import QualbenchError
from .export_names import DEFAULT_MAX_WORDS, DEFAULT_PER_CODE, REPORT_PARTS

ELLIPSIS = "[…]"

# -- quote trimming ---------------------------------------------------------------------------

_ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "prof", "e.g", "i.e", "etc", "vs", "st"}
_SENTENCE_END = re.compile(r"""[.!?…]+["'”’)\]]*\s+(?=["'“‘(]?[A-Z0-9À-Ý]|\[)""")
_CLAUSE_END = re.compile(r"[,;:]$|^[—–-]$|[—–]$")
_TRAILING = ",;:—–- "


def split_sentences(text: str) -> list[str]:
    """Sentences of one quote: split after . ! ? … (and closing quotes/brackets) before a
    capital, a digit, an opening quote or a bracket ("[pause]"); "Dr." and the like do
    not end one."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        word = text[start:m.start() + 1].split()[-1:]
        if word and word[0].endswith(".") and word[0][:-1].casefold() in _ABBREVIATIONS:
            continue
        out.append(text[start:m.end()].strip())
        start = m.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


def _n_words(text: str) -> int:
    return len(text.split())


def _cut_words(sentence: str, max_words: int) -> str:
    """The start of a too-long sentence: at a clause end in the second half, else at a word."""
    words = sentence.split()[:max_words]
    for i in range(len(words) - 1, max(len(words) // 2, 1) - 1, -1):
        if _CLAUSE_END.search(words[i]):
            words = words[:i + 1]
            break
    kept = " ".join(words).rstrip(_TRAILING)
    return kept or words[0]


def trim_quote(text: str, max_words: int | None = DEFAULT_MAX_WORDS, *, ellipsis: str = ELLIPSIS) -> str:
    """The quote in at most ``max_words`` words, by the ellipsis rules of the module docstring."""
    text = " ".join(text.split())
    if not max_words or _n_words(text) <= max_words:
        return text
    sentences = split_sentences(text)
    counts = [_n_words(s) for s in sentences]
    head, used = 0, 0
    while head < len(sentences) and used + counts[head] <= max_words:
        used += counts[head]
        head += 1
    if head == 0:
        return f"{_cut_words(sentences[0], max_words)} {ellipsis}"
    if len(sentences) > 2 and counts[0] + counts[-1] <= max_words:
        keep, used = 1, counts[0] + counts[-1]
        while keep < len(sentences) - 1 and used + counts[keep] <= max_words:
            used += counts[keep]
            keep += 1
        return f"{' '.join(sentences[:keep])} {ellipsis} {sentences[-1]}"
    return f"{' '.join(sentences[:head])} {ellipsis}"


# -- source labels ----------------------------------------------------------------------------

@dataclass(frozen=True)
class SourceLabels:
    """How a quote's Source cell reads: "P07, non-responder, would repeat".

    ``outcome_column`` is a column of ``project.participants()``: ``responder_class``
    (the scheme's own labels, e.g. "level 2: satisfactory") or ``responder`` (always
    responder / non-responder). ``outcome_names`` renames labels (e.g.
    ``{"no outcome": "died before follow-up"}``); ``would_repeat`` maps the answer
    ("yes"/"no") to a phrase, ``missing`` is used when there is no answer. ``parts``
    chooses and orders the pieces.
    """
    outcome_column: str = "responder_class"
    outcome_names: dict = field(default_factory=dict)
    would_repeat: dict = field(default_factory=lambda: {"yes": "would repeat", "no": "would not repeat"})
    missing: str = "answer missing"
    separator: str = ", "
    parts: tuple = ("participant", "outcome", "would_repeat")

    def lookup(self, participants) -> dict[str, dict]:
        """participant label (casefolded) -> {"outcome": ..., "would_repeat": ...}."""
        if participants is None or participants.empty:
            return {}
        column = self.outcome_column if self.outcome_column in participants.columns else "responder"
        return {str(label).casefold(): {"outcome": outcome, "would_repeat": answer}
                for label, outcome, answer in zip(participants["participant"], participants[column],
                                                  participants["would_repeat_answer"])}

    def label(self, participant: str | None, document: str, outcomes: dict[str, dict], *,
              keep_together: bool = False) -> str:
        """The Source text; ``keep_together`` joins the words of each piece with no-break
        spaces so a narrow column wraps only between pieces ("would not repeat" stays whole)."""
        from ..analysis.outcomes import NO_OUTCOME
        who = participant or document
        row = outcomes.get((participant or "").casefold(), {})
        outcome = row.get("outcome") or NO_OUTCOME
        answer = row.get("would_repeat")
        pieces = {"participant": who,
                  "outcome": self.outcome_names.get(outcome, outcome),
                  "would_repeat": self.would_repeat.get(answer, self.missing) if answer else self.missing}
        chosen = [pieces[p] for p in self.parts if pieces.get(p)]
        if keep_together:
            chosen = [c.replace(" ", "\u00a0") for c in chosen]
        return self.separator.join(chosen)


# -- quote selection --------------------------------------------------------------------------

@dataclass(frozen=True)
class QuoteRow:
    theme: str
    category: str
    code: str
    code_path: str
    quote: str          # trimmed, as printed
    full_text: str      # the coded passage, whitespace collapsed
    source: str
    source_display: str  # the same with no-break spaces inside each piece (Word cells)
    participant: str | None
    document: str
    coder: str
    start: int
    end: int
    starred: bool
    coding_id: int


@dataclass(frozen=True)
class CodeUnit:
    """One row group of the quote table: a code and its place in the hierarchy."""
    id: int
    names: tuple  # root-first names, the code last

    @property
    def theme(self) -> str:
        return self.names[0] if len(self.names) > 1 else ""

    @property
    def category(self) -> str:
        return " > ".join(self.names[1:-1])

    @property
    def code(self) -> str:
        return self.names[-1]


def code_units(tree: list[dict], nodes: Sequence[str | int] | None = None, project=None) -> list[CodeUnit]:
    """The codes of the quote table in codebook order, limited to the subtrees of ``nodes``."""
    units: list[CodeUnit] = []
    below: dict[int, set] = {}        # node id -> ids of the node and its subtree
    node_path: dict[int, tuple] = {}  # node id -> root-first names

    def walk(items, path, inside_unit):
        for node in items:
            names = (*path, node["name"])
            is_unit = not inside_unit and (node["kind"] == "code" or not node["children"])
            if is_unit:
                units.append(CodeUnit(node["id"], names))
            ids = {node["id"]}
            walk(node["children"], names, inside_unit or is_unit)
            for child in node["children"]:
                ids |= below[child["id"]]
            below[node["id"]] = ids
            node_path[node["id"]] = names
    walk(tree, (), False)
    if not nodes:
        return units
    wanted: list[CodeUnit] = []
    for ref in nodes:
        code = project.code(ref)
        inside = [u for u in units if u.id in below[code.id]]
        if not inside:  # a sub-code below a unit: it becomes a unit of its own
            inside = [CodeUnit(code.id, node_path[code.id])]
        wanted.extend(u for u in inside if u not in wanted)
    order = {u.id: i for i, u in enumerate(units)}
    return sorted(wanted, key=lambda u: (order.get(u.id, math.inf), u.names))


def coding_set(project, coder: str | None) -> str:
    """The coder whose codings exports use where an interview is not reconciled; the
    project's analysis set adds consensus codings for reconciled interviews."""
    if coder:
        project.coder_id(coder)  # a clear error for an unknown name
    return project.analysis_set(coder).coder


def describe_coding_set(project, coder: str | None, asked: str | None = None) -> str:
    """The coding set used, in words (e.g. "consensus for 10 reconciled interviews,
    coder_a for the others")."""
    return project.analysis_set(coder).label


def select_quotes(project, *, nodes: Sequence[str] | None = None, per_code: int = DEFAULT_PER_CODE,
                  coder: str | None = None, max_words: int | None = DEFAULT_MAX_WORDS,
                  labels: SourceLabels | None = None) -> list[QuoteRow]:
    """The quote table's rows: ``per_code`` representative quotes per code (0 = all)."""
    labels = labels or SourceLabels()
    coder = coding_set(project, coder)
    outcomes = labels.lookup(project.participants())
    rows = []
    for unit in code_units(project.code_tree(), nodes, project):
        if per_code:
            quotes = project.representative_quotes(unit.id, per_code, coder=coder)
        else:
            quotes = sorted(project.quotes(unit.id, coder=coder), key=lambda q: (q.document, q.start))
        for q in quotes:
            text = " ".join(q.text.split())
            rows.append(QuoteRow(unit.theme, unit.category, unit.code, " > ".join(unit.names),
                                 trim_quote(text, max_words), text,
                                 labels.label(q.participant, q.document, outcomes),
                                 labels.label(q.participant, q.document, outcomes, keep_together=True),
                                 q.participant,
                                 q.document, q.coder, q.start, q.end, q.starred, q.coding_id))
    return rows


# -- codebook counts --------------------------------------------------------------------------

def codebook_rows(project, coder: str | None = None) -> list[dict]:
    """Every node in codebook order with its depth, definitions and subtree counts.

    Counts are over the coding set (identical spans of one code counted once): codings,
    documents and participants with at least one coding of the node or a code below it.
    """
    docs = {d.id: d for d in project.documents(all_versions=True)}
    direct: dict[int, set] = defaultdict(set)
    for c in project.analysis_set(coder).codings:
        direct[c.code_id].add((c.document_id, c.start, c.end))
    rows: list[dict] = []

    def walk(items, depth, path) -> set:
        total: set = set()
        for node in items:
            row = {**{k: node.get(k) or "" for k in ("name", "kind", "description", "when_to_use",
                                                      "when_not_to_use", "example")},
                   "id": node["id"], "depth": depth, "path": " > ".join((*path, node["name"]))}
            rows.append(row)
            mine = {(node["id"], *span) for span in direct.get(node["id"], ())}
            mine |= walk(node["children"], depth + 1, (*path, node["name"]))
            row["codings"] = len(mine)
            row["documents"] = len({m[1] for m in mine})
            row["participants"] = len({docs[m[1]].participant or docs[m[1]].name for m in mine})
            total |= mine
        return total
    walk(project.code_tree(), 0, ())
    return rows


# -- report options and context ---------------------------------------------------------------

@dataclass
class ReportOptions:
    """Everything a report can be asked for; :meth:`Project.export_docx` passes its keywords here."""
    nodes: Sequence[str] | None = None
    per_code: int = DEFAULT_PER_CODE
    max_words: int | None = DEFAULT_MAX_WORDS
    coder: str | None = None
    show_code: bool = True
    landscape: bool = False
    labels: SourceLabels = field(default_factory=SourceLabels)
    coders: Sequence[str] | None = None      # agreement
    level: str = "unit"
    unit: str = "sentence"
    threshold: float = 0.9
    basis: str = "segment"
    by: str = "responder"                    # Table 1 and joint display columns
    joint_rows: str = "theme"
    page: str = "A4"


@dataclass
class Report:
    document: object
    parts: list[str]
    skipped: dict[str, str]
    info: dict
    coding_sets: dict  # part -> coder ("all coders" when pooled; "a vs b" for agreement)


@dataclass
class _Context:
    tables: int = 0
    first: bool = True
    info: dict = field(default_factory=dict)          # counts per part
    coding_sets: dict = field(default_factory=dict)   # part -> whose codings it shows


class Unavailable(QualbenchError):
    """A report part cannot be made for this project (e.g. agreement with one coder)."""


# -- document styling -------------------------------------------------------------------------

FONT = "Times New Roman"
BODY_PT, TABLE_PT, NOTE_PT = 11, 9, 8
PAGES = {"A4": (Cm(21.0), Cm(29.7)), "letter": (Cm(21.59), Cm(27.94))}
MARGIN = Cm(2.54)
RULE, THIN = 8, 4  # border sizes in eighths of a point


def new_document(page: str = "A4", title: str = "") -> Document:
    doc = Document()
    styles = doc.styles
    for name, size, bold in (("Normal", BODY_PT, False), ("Title", 16, True), ("Heading 1", 13, True),
                             ("Heading 2", 11, True), ("Caption", 10, False)):
        style = styles[name]
        _font(style.font, size, bold)
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
    styles["Caption"].paragraph_format.space_after = Pt(4)
    styles["Caption"].paragraph_format.space_before = Pt(12)
    _no_border(styles["Title"])
    styles["Caption"].paragraph_format.keep_with_next = True
    for name, size, bold, italic in (("QB Table", TABLE_PT, False, False), ("QB Header", TABLE_PT, True, False),
                                     ("QB Note", NOTE_PT, False, False), ("QB Reading", NOTE_PT - 0.5, False, True)):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        _font(style.font, size, bold)
        style.font.italic = italic
        fmt = style.paragraph_format
        fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0
    styles["QB Note"].paragraph_format.space_before = Pt(3)
    section = doc.sections[0]
    _page(section, page, landscape=False)
    _page_number_footer(section)
    doc.core_properties.title = title
    doc.core_properties.author = "qualbench"
    return doc


def _no_border(style) -> None:
    ppr = style.element.pPr
    border = ppr.find(qn("w:pBdr")) if ppr is not None else None
    if border is not None:
        ppr.remove(border)


def _font(font, size: float, bold: bool) -> None:
    font.name, font.size, font.bold = FONT, Pt(size), bold
    fonts = font.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:cs"):  # one font for every script
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):  # theme fonts would win
        fonts.attrib.pop(qn(attr), None)


def _page(section, page: str, *, landscape: bool) -> None:
    width, height = PAGES.get(page, PAGES["A4"])
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)


def _page_number_footer(section) -> None:
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    para._p.append(fld)


def usable_width(section) -> int:
    return section.page_width - section.left_margin - section.right_margin


def start_part(doc, ctx: _Context, *, landscape: bool, page: str):
    """The section a part goes in: the first part uses the document's own section."""
    if ctx.first:
        section = doc.sections[0]
        ctx.first = False
    else:
        section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(section, page, landscape=landscape)
    return section


def caption(doc, ctx: _Context, text: str) -> None:
    ctx.tables += 1
    para = doc.add_paragraph(style="Caption")
    para.add_run(f"Table {ctx.tables}. ").bold = True
    para.add_run(text)


def note(doc, text: str, *, label: str = "") -> None:
    """A note under the table; the table's last row keeps with it, so a note never
    starts a page on its own."""
    blocks = [el for el in doc.element.body if el.tag != qn("w:sectPr")]
    if blocks and blocks[-1].tag == qn("w:tbl"):
        for p in blocks[-1].findall(qn("w:tr"))[-1].iter(qn("w:p")):
            p.get_or_add_pPr().keepNext_val = True
    para = doc.add_paragraph(style="QB Note")
    if label:
        para.add_run(label).italic = True
    para.add_run(text)


class TableWriter:
    """A journal-style table: rules above, under the header and below; fixed column widths.

    Rows are appended with :meth:`row`. For speed on long tables (a 5,000-quote table)
    each row is a copy of one prepared ``w:tr`` (widths, flags and the text style
    already set) appended to the table, and styles are set by id: python-docx's
    ``add_row`` and ``paragraph.style = ...`` rescan the table and the style list each
    time, which made a 5,000-row table take half a minute.
    """

    def __init__(self, doc, headers: Sequence[str], widths_cm: Sequence[float], width: int,
                 *, right: Sequence[int] = ()) -> None:
        self.doc = doc
        self.right = set(right)  # columns of numbers, aligned right
        self.styles = {k: doc.styles[v].style_id for k, v in (("text", "QB Table"), ("header", "QB Header"),
                                                               ("reading", "QB Reading"))}
        scale = width / sum(Cm(w) for w in widths_cm)
        self.widths = [int(Cm(w) * scale) for w in widths_cm]
        self.table = doc.add_table(rows=1, cols=len(headers))
        self.table.alignment = WD_TABLE_ALIGNMENT.CENTER
        self.table.autofit = False
        _table_borders(self.table)
        tbl_w = self.table._tbl.tblPr.find(qn("w:tblW"))  # Word sizes a fixed table by this
        tbl_w.set(qn("w:type"), "dxa")
        tbl_w.set(qn("w:w"), str(Length(sum(self.widths)).twips))
        for col, w in zip(self.table.columns, self.widths):
            col.width = w
        header = self.table.rows[0]
        _row_flags(header, header=True)
        for i, (cell, text, w) in enumerate(zip(header.cells, headers, self.widths)):
            cell.width = w
            self._write(cell, text, "header")
            _cell_border(cell, "bottom", THIN)
            if i in self.right:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self._template = self._prepare_row()

    def _prepare_row(self):
        """The ``w:tr`` every data row is copied from (detached from the table)."""
        row = self.table.add_row()
        _row_flags(row)
        for i, (cell, w) in enumerate(zip(row.cells, self.widths)):
            cell.width = w
            _set_style(cell.paragraphs[0], self.styles["text"])
            if i in self.right:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        tr = row._tr
        self.table._tbl.remove(tr)
        return tr

    def row(self, values: Sequence, *, bold: bool = False, rule_above: bool = False, shade: str | None = None,
            indent: int = 0) -> list:
        """Append a row; ``None`` leaves a cell empty, ``indent`` indents the first cell by levels."""
        tr = deepcopy(self._template)
        self.table._tbl.append(tr)
        cells = [_Cell(tc, self.table) for tc in tr.tc_lst]
        for cell, value in zip(cells, values):
            if value is not None:
                self._write(cell, value, "header" if bold else None)
            if rule_above:
                _cell_border(cell, "top", THIN)
            if shade:
                _cell_shade(cell, shade)
        if indent:
            for para in cells[0].paragraphs:
                para.paragraph_format.left_indent = Cm(0.4 * indent)
        return cells

    def _write(self, cell, value, key: str | None = None) -> None:
        """``value``: text, or a list of (text, style key or None, italic) runs; a run with
        a style key starts a new paragraph in that style. ``key`` restyles the first one."""
        para = cell.paragraphs[0]
        if key:
            _set_style(para, self.styles[key])
        if isinstance(value, str):
            para.add_run(value)
            return
        first = True
        for text, run_key, italic in value:
            if run_key and not first:
                para = cell.add_paragraph()
                _set_style(para, self.styles[run_key])
                if cell.paragraphs[0].alignment is not None:
                    para.alignment = cell.paragraphs[0].alignment
            elif run_key:
                _set_style(para, self.styles[run_key])
            run = para.add_run(text)
            run.italic = italic or None
            first = False


def _set_style(paragraph, style_id: str) -> None:
    paragraph._p.get_or_add_pPr().style = style_id


def _table_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge, size in (("top", RULE), ("left", 0), ("bottom", RULE), ("right", 0),
                       ("insideH", 2), ("insideV", 0)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if size else "nil")
        if size:
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000" if size >= THIN else "A6A6A6")
        borders.append(el)
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                 "w:tblCaption", "w:tblDescription")
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 29), ("left", 85), ("bottom", 29), ("right", 85)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(twips))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl_pr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")


def _row_flags(row, *, header: bool = False) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


_TCPR_AFTER_BORDERS = ("w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign",
                       "w:hideMark", "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")


def _cell_border(cell, edge: str, size: int) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = tc_pr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tc_pr.insert_element_before(borders, *_TCPR_AFTER_BORDERS)
    el = OxmlElement(f"w:{edge}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(size))
    el.set(qn("w:space"), "0")
    el.set(qn("w:color"), "000000")
    order = ["top", "start", "left", "bottom", "end", "right", "insideH", "insideV"]
    later = [borders.find(qn(f"w:{e}")) for e in order[order.index(edge) + 1:]]
    nxt = next((x for x in later if x is not None), None)
    if nxt is not None:
        nxt.addprevious(el)
    else:
        borders.append(el)


def _cell_shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.insert_element_before(shd, *_TCPR_AFTER_BORDERS[1:])


def merge_down(cells: Sequence) -> None:
    """Merge a column's cells vertically: ``vMerge`` restart on the first, continue below.

    The same XML as python-docx's ``cell.merge``, written directly: that method recurses
    once per merged row (RecursionError past ~1,000 rows) and rescans the table per row.
    Only the first cell holds text; the others keep their one empty paragraph.
    """
    if len(cells) < 2:
        return
    for i, cell in enumerate(cells):
        cell._tc.get_or_add_tcPr().vMerge_val = "restart" if i == 0 else "continue"


def merge_across(cells: Sequence):
    """Merge one row's cells horizontally (``gridSpan``) with python-docx; returns the cell."""
    return cells[0].merge(cells[-1]) if len(cells) > 1 else cells[0]


def _fmt(value, decimals: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:.{decimals}f}"
    return str(value)


def _label(name: str) -> str:
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


# -- part: quote table ------------------------------------------------------------------------

QUOTE_WIDTHS = {True: (3.0, 3.3, 3.5, 11.2, 3.6), False: (2.6, 2.9, 7.4, 3.0)}


def part_quotes(doc, project, opt: ReportOptions, ctx: _Context) -> None:
    coder = coding_set(project, opt.coder)
    rows = select_quotes(project, nodes=opt.nodes, per_code=opt.per_code, coder=coder,
                         max_words=opt.max_words, labels=opt.labels)
    ctx.info["quotes"] = len(rows)
    ctx.coding_sets["quotes"] = coder or "all coders"
    section = start_part(doc, ctx, landscape=opt.landscape or opt.show_code, page=opt.page)
    how = (f"the {opt.per_code} most representative quote{'s' if opt.per_code != 1 else ''} per code "
           "(quotes an author starred first, then by similarity to all of the code's fragments)"
           if opt.per_code else "every quote, in document order")
    caption(doc, ctx, f"Themes, categories{', codes' if opt.show_code else ''} and illustrative quotes")
    write_quote_table(doc, rows, show_code=opt.show_code, width=usable_width(section))
    trimmed = sum(1 for r in rows if r.quote != r.full_text)
    parts = [f"Coding set: {describe_coding_set(project, coder, opt.coder)}; {how}; {len(rows)} quotes."]
    if opt.max_words:
        parts.append(f"Quotes longer than {opt.max_words} words were shortened ({trimmed} of {len(rows)}); "
                     f"{ELLIPSIS} marks omitted text.")
    parts.append(_source_note(project, opt.labels))
    note(doc, " ".join(parts), label="Note. ")
    if not rows:
        note(doc, "No coded passages under the selected nodes.")


def _source_note(project, labels: SourceLabels) -> str:
    s = project.settings
    return (f"Source: participant, outcome ({labels.outcome_column.replace('_', ' ')}, scheme "
            f"{s.responder_scheme}, percent pain reduction from {s.baseline} to {s.follow_up}) and "
            f"answer to whether they would undergo the treatment again ({s.would_repeat}).")


def write_quote_table(doc, rows: Sequence[QuoteRow], *, show_code: bool = True, width: int | None = None,
                      quote_marks: tuple[str, str] = ("“", "”")):
    """The quote table itself, with theme, category (and code) cells merged vertically."""
    headers = ["Theme", "Category", *(["Code"] if show_code else []), "Quote", "Source"]
    writer = TableWriter(doc, headers, QUOTE_WIDTHS[show_code], width or usable_width(doc.sections[-1]))
    n_keys = 3 if show_code else 2
    groups: list[list[list]] = [[] for _ in range(n_keys)]  # per key column: runs of equal keys
    previous: tuple | None = None
    for r in rows:
        keys = (r.theme, r.category, r.code)[:n_keys]
        quote = f"{quote_marks[0]}{r.quote}{quote_marks[1]}" if quote_marks else r.quote
        shown = [None] * n_keys
        for k in range(n_keys):
            # a key starts a new group when it or anything to its left changes
            if previous is None or keys[:k + 1] != previous[:k + 1]:
                shown[k] = keys[k]
        cells = writer.row([*shown, quote, r.source_display], rule_above=previous is not None and shown[0] is not None)
        for k in range(n_keys):
            if shown[k] is not None:
                groups[k].append([])
            groups[k][-1].append(cells[k])
        previous = keys
    for column in groups:
        for run in column:
            merge_down(run)
    return writer.table


# -- part: codebook appendix ------------------------------------------------------------------

CODEBOOK_WIDTHS = (3.4, 8.1, 1.7, 2.1, 2.3)


def part_codebook(doc, project, opt: ReportOptions, ctx: _Context) -> None:
    coder = coding_set(project, opt.coder)
    rows = codebook_rows(project, coder)
    section = start_part(doc, ctx, landscape=opt.landscape, page=opt.page)
    caption(doc, ctx, "Codebook: themes, categories and codes with definitions and counts")
    writer = TableWriter(doc, ["Theme / category / code", "Definition and use", "Codings", "Documents",
                               "Participants"], CODEBOOK_WIDTHS, usable_width(section), right=(2, 3, 4))
    for row in rows:
        counts = [str(row["codings"]), str(row["documents"]), str(row["participants"])]
        if row["depth"] == 0 and row["kind"] == "theme":
            cells = writer.row([None, None, *counts], shade="F2F2F2", rule_above=True)
            merged = merge_across(cells[:2])
            writer._write(merged, [(row["name"], "header", False),
                                   *([(row["description"], "text", False)] if row["description"] else [])])
            continue
        name_style = "header" if row["kind"] != "code" else "text"
        writer.row([[(row["name"], name_style, False)], _definition(row), *counts], indent=max(row["depth"] - 1, 0))
    ctx.info["codebook_nodes"] = len(rows)
    ctx.coding_sets["codebook"] = coder or "all coders"
    note(doc, f"Counts over the coding set {describe_coding_set(project, coder, opt.coder)}: codings of the node and "
              "every code below it (identical spans once), and the documents and participants with at "
              "least one of them.", label="Note. ")


def _definition(row: dict) -> list:
    runs: list = []
    if row["description"]:
        runs.append((row["description"], "text", False))
    for key, label in (("when_to_use", "Use when: "), ("when_not_to_use", "Do not use when: ")):
        if row[key]:
            runs.append((label, "text", True))
            runs.append((row[key], None, False))
    if row["example"]:
        runs.append(("Example: ", "text", True))
        runs.append((f"“{row['example']}”", None, False))
    return runs or [("", "text", False)]


# -- part: agreement report -------------------------------------------------------------------

STAT_HEADERS = {"percent_agreement": "Agreement (%)", "cohen_kappa": "Cohen's κ",
                "mean_pairwise_cohen_kappa": "Light's κ", "fleiss_kappa": "Fleiss' κ",
                "krippendorff_alpha": "Krippendorff's α", "gwet_ac1": "Gwet's AC1",
                "brennan_prediger": "Brennan–Prediger κ"}
STAT_NAMES = {"percent_agreement": "percent agreement", "cohen_kappa": "Cohen's κ",
              "mean_pairwise_cohen_kappa": "Light's κ (mean pairwise Cohen's κ)", "fleiss_kappa": "Fleiss' κ",
              "krippendorff_alpha": "Krippendorff's α", "gwet_ac1": "Gwet's AC1",
              "brennan_prediger": "Brennan–Prediger κ", "kappa": "κ"}


def agreement_coders(project, coders: Sequence[str] | None) -> list[str]:
    if coders:
        return list(coders)
    names = [c["name"] for c in project.coders() if c["name"] != "consensus" and project.codings(coder=c["name"])]
    if len(names) < 2:
        raise Unavailable("the agreement report needs codings by two coders (give them with --coders a,b); "
                          f"this project has codings by {', '.join(names) or 'nobody'}")
    return names


def part_agreement(doc, project, opt: ReportOptions, ctx: _Context) -> None:
    from ..analysis.intercoder import to_frame

    coders = agreement_coders(project, opt.coders)
    result = project.agreement(coders, level=opt.level, unit=opt.unit, threshold=opt.threshold, basis=opt.basis)
    frame = _in_codebook_order(project, to_frame(result))
    ctx.info["agreement"] = {"coders": coders, "level": result["level"], "codes": len(result["per_code"])}
    ctx.coding_sets["agreement"] = " vs ".join(coders)
    section = start_part(doc, ctx, landscape=True, page=opt.page)
    caption(doc, ctx, f"Inter-coder agreement per code ({' vs '.join(coders)}, {result['level']} level)")
    if result["level"] == "segment":
        _segment_table(doc, frame, section)
    else:
        _unit_table(doc, frame, section)
    note(doc, agreement_method(result), label="Method. ")
    undefined = _undefined_lines(result)
    if undefined:
        note(doc, "; ".join(undefined) + ".", label="Undefined values (—). ")


def _in_codebook_order(project, frame):
    """Per-code rows in codebook (tree) order, the overall rows last."""
    order: dict[str, int] = {}

    def walk(items):
        for node in items:
            order[node["name"]] = len(order)
            walk(node["children"])
    walk(project.code_tree())
    key = [order.get(c, len(order) + i) for i, c in enumerate(frame["code"])]
    return frame.assign(_order=key).sort_values("_order", kind="stable").drop(columns="_order")


def _unit_table(doc, frame, section) -> None:
    from ..analysis.agreement import reading
    STATISTICS = [c for c in frame.columns if c in STAT_HEADERS]
    writer = TableWriter(doc, ["Code", "Units", *(STAT_HEADERS[s] for s in STATISTICS)],
                         (5.2, 1.6, *([2.4] * len(STATISTICS))), usable_width(section))
    first_overall = True
    for rec in frame.to_dict("records"):
        overall = str(rec["code"]).startswith("OVERALL")
        label = {"OVERALL (pooled)": "Overall (pooled)",
                 "OVERALL (mean of codes)": "Overall (mean of codes)"}.get(rec["code"], rec["code"])
        units = rec["n_units"]
        cells = [label, "" if pd.isna(units) else f"{int(units):,}"]
        for stat in STATISTICS:
            value = _clean(rec.get(stat))
            if stat == "percent_agreement":
                cells.append(_fmt(None if value is None else 100 * value, 1))
                continue
            band = _short_reading(reading(value, stat))
            cells.append([(_fmt(value), "text", False), *([(band, "reading", True)] if value is not None else [])])
        writer.row(cells, bold=overall, rule_above=overall and first_overall)
        first_overall = first_overall and not overall


def _segment_table(doc, frame, section) -> None:
    from ..analysis.agreement import reading

    writer = TableWriter(doc, ["Code", "Agreements", "Disagreements", "Segments", "Agreement (%)", "κ"],
                         (7.0, 2.4, 2.4, 2.4, 2.4, 3.0), usable_width(section))
    for rec in frame.to_dict("records"):
        overall = rec["code"] == "OVERALL"
        kappa = _clean(rec.get("kappa")) if overall else None
        pct = _clean(rec.get("percent_agreement"))
        writer.row(["Overall" if overall else rec["code"], str(rec["agreements"]), str(rec["disagreements"]),
                    str(rec["total"]), _fmt(None if pct is None else 100 * pct, 1),
                    [(_fmt(kappa), "text", False), *([(_short_reading(reading(kappa, "kappa")), "reading", True)]
                                                      if kappa is not None else [])] if overall else ""],
                   bold=overall, rule_above=overall)


def _clean(value):
    if value is None:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def _short_reading(text: str) -> str:
    return re.sub(r"\s*\([^)]*(Landis|Krippendorff)[^)]*\)", "", text).strip()


def agreement_method(result: dict) -> str:
    """The method paragraph under the agreement table: level, unit, coders, n, readings."""
    from ..analysis.agreement import percent_text

    coders = " and ".join(result["coders"])
    docs = len(result["documents"])
    level = result["level"]
    if level == "segment":
        base = "the coded segment" if result.get("basis") == "segment" else "the union of both segments"
        text = (f"Codings by {coders} in the {docs} documents both coded were compared by segment matching: a "
                f"segment counts as agreed when the other coder applied the same code to a segment overlapping "
                f"at least {percent_text(result['threshold'])} of {base}. Agreement (%) = agreed segments / all "
                "segments "
                "of both coders; κ corrects for chance as 1 / the number of codes (Brennan–Prediger).")
    else:
        pooled = result.get("overall_pooled", {})
        per_code_units = next(iter(result["per_code"].values()), {}).get("n_units") if result["per_code"] else 0
        if level == "unit":
            unit = {"sentence": "sentence", "turn": "speaker turn", "paragraph": "paragraph"}[result["unit"]]
            what = (f"Each {unit} of the {docs} documents coded by every coder was a unit ({per_code_units:,} units "
                    f"per code); for each code a coder's decision on a unit was 'present' when any of their "
                    "codings with that code overlapped it by at least one character, else 'absent'.")
        else:
            what = (f"Every character of the {docs} documents coded by every coder was a unit per code "
                    f"({per_code_units:,} characters per code), present or absent.")
        text = (f"Agreement between {coders} at the {level} level. {what} The overall rows pool every code × unit "
                f"decision ({pooled.get('n_units', 0):,} decisions) and average the per-code values (undefined "
                "ones left out). Agreement (%) is not corrected for chance. Readings: κ-type coefficients by "
                "Landis & Koch (1977; <0 poor, to .20 slight, to .40 fair, to .60 moderate, to .80 substantial, "
                "above almost perfect); Krippendorff's α by Krippendorff (2004; ≥.800 reliable, .667–.800 "
                "tentative, below unreliable).")
    text += " — marks a value that is undefined (for instance 0/0 when neither coder used a code); why is listed below."
    if result.get("excluded_documents"):
        text += f" Not compared (not coded by every coder): {', '.join(result['excluded_documents'])}."
    if result.get("unused_codes"):
        text += (" Codes applied by neither coder in these documents (not compared, not in the overall rows): "
                 f"{', '.join(result['unused_codes'])}.")
    return text


def _undefined_lines(result: dict) -> list[str]:
    by_reason: dict[str, list[str]] = defaultdict(list)
    rows = dict(result["per_code"])
    if result["level"] == "segment":
        rows["overall"] = result.get("overall", {})
    else:
        rows["overall (pooled)"] = result.get("overall_pooled", {})
    for code, stats in rows.items():
        for stat, why in (stats.get("undefined") or {}).items():
            by_reason[why].append(f"{code} ({STAT_NAMES.get(stat, stat)})")
    return [f"{why}: {', '.join(items)}" for why, items in by_reason.items()]


# -- part: participant characteristics (Table 1) ----------------------------------------------

def part_participants(doc, project, opt: ReportOptions, ctx: _Context) -> None:
    from ..analysis.table1 import constant_note, table1_wide

    table = project.table1(by=opt.by)
    wide = table1_wide(table)
    if wide.empty:
        raise Unavailable("no participants: import the participant table first")
    section = start_part(doc, ctx, landscape=opt.landscape or len(wide.columns) > 5, page=opt.page)
    caption(doc, ctx, f"Participant characteristics by {_group_title(opt.by)}")
    n = len(wide.columns)
    writer = TableWriter(doc, ["Characteristic", *wide.columns], (4.4, *([2.8] * n)), usable_width(section))
    for variable, lines in _grouped(wide):
        if len(lines) == 1:
            line, values = lines[0]
            writer.row([f"{_label(variable)}, {line}", *values])
            continue
        heading = merge_across(writer.row([None] * (n + 1)))  # the variable, across the row
        writer._write(heading, _label(variable), "header")
        for line, values in lines:
            writer.row([line, *values], indent=1)
    ctx.info["table1_rows"] = len(wide)
    s = project.settings
    note(doc, "Categories: n (%) of the column; numbers: mean ± SD (sample SD) and median [range] over the "
              "participants with a value; 'missing' counts those without. Responder status from the percent "
              f"pain reduction ({s.baseline} to {s.follow_up}), scheme {s.responder_scheme}; participants "
              "without a follow-up score have no outcome and form their own column. No tests: with groups this "
              "small, baseline differences are described, not tested. " + constant_note(table),
         label="Note. ")


def _group_title(by: str) -> str:
    return {"responder": "responder status", "responder_class": "responder class",
            "would_repeat": "would-repeat answer"}.get(by, by.replace("_", " "))


def _grouped(wide) -> list[tuple[str, list]]:
    out: list[tuple[str, list]] = []
    for (variable, line), values in zip(wide.index, wide.itertuples(index=False)):
        if not out or out[-1][0] != variable:
            out.append((variable, []))
        out[-1][1].append((line, [str(v) for v in values]))
    return out


# -- part: joint display ----------------------------------------------------------------------

def part_joint(doc, project, opt: ReportOptions, ctx: _Context) -> None:
    from ..analysis.joint import joint_wide

    kwargs = {"coder": opt.coder} if opt.coder else {}
    tidy = project.joint(rows=opt.joint_rows, by=opt.by, **kwargs)
    wide = joint_wide(tidy)
    section = start_part(doc, ctx, landscape=opt.landscape or len(wide.columns) > 5, page=opt.page)
    attrs = tidy.attrs
    caption(doc, ctx, f"Joint display: {opt.joint_rows}s by {_group_title(opt.by)} "
                      f"(coding set {attrs.get('coder', '?')})")
    headers = [_label(opt.joint_rows), *[str(c) for c in wide.columns[1:]]]
    widths = (6.0, *([3.2] * (len(headers) - 1)))
    writer = TableWriter(doc, headers, widths, usable_width(section))
    for values in wide.itertuples(index=False):
        writer.row([str(v) for v in values])
    ctx.info["joint_rows"] = len(wide)
    ctx.coding_sets["joint"] = attrs.get("coder", opt.coder)
    notes = ["Cells: participants with the node / participants in the group (%) · codings. A participant "
             "counts when any code under the node was applied in their interview."]
    notes += [attrs[k] for k in ("method", "note") if attrs.get(k)]
    notes += list(attrs.get("notes") or [])
    note(doc, " ".join(notes), label="Note. ")


# -- the report -------------------------------------------------------------------------------

PARTS: dict[str, Callable] = dict(zip(REPORT_PARTS, (part_quotes, part_codebook, part_agreement,
                                                     part_participants, part_joint)))


def resolve_parts(what: str | Iterable[str]) -> list[str]:
    """``"all"`` or part names (in any order, repeated or comma-separated) -> ordered names."""
    items = [what] if isinstance(what, str) else list(what)
    names = [w.strip().lower() for item in items for w in str(item).split(",") if w.strip()]
    if not names:
        raise QualbenchError(f"nothing to export (choose from {', '.join(PARTS)} or all)")
    unknown = [n for n in names if n != "all" and n not in PARTS]
    if unknown:
        raise QualbenchError(f"unknown report part(s) {', '.join(unknown)} (choose from {', '.join(PARTS)} or all)")
    if "all" in names:
        return list(PARTS)
    return [n for n in PARTS if n in names]


def build_report(project, what: str | Iterable[str] = "quotes", options: ReportOptions | None = None) -> Report:
    """One Word document with the parts asked for.

    With ``"all"``, parts that cannot be made for this project (agreement with one
    coder, Table 1 without the mixed-methods API) are skipped and listed in
    ``Report.skipped``; a part asked for by name raises instead.
    """
    opt = options or ReportOptions()
    names = resolve_parts(what)
    if opt.page not in PAGES:
        raise QualbenchError(f"unknown page size '{opt.page}' (use {' or '.join(PAGES)})")
    wants_all = "all" in ([what] if isinstance(what, str) else [str(w) for w in what])
    doc = new_document(opt.page, title=project.settings.title)
    ctx = _Context()
    _title(doc, project, opt)
    done, skipped = [], {}
    for name in names:
        try:
            PARTS[name](doc, project, opt, ctx)
            done.append(name)
        except Unavailable as exc:
            if not wants_all:
                raise
            skipped[name] = exc.message
    if not done:
        raise QualbenchError("no report part could be made: " + "; ".join(f"{k}: {v}" for k, v in skipped.items()))
    return Report(doc, done, skipped, {**ctx.info, "tables": ctx.tables}, ctx.coding_sets)


def _title(doc, project, opt: ReportOptions) -> None:
    doc.add_paragraph(project.settings.title, style="Title")
    coder = coding_set(project, opt.coder)
    doc.add_paragraph(f"Exported from qualbench on {dt.date.today().isoformat()}; coding set: "
                      f"{describe_coding_set(project, coder, opt.coder)}.", style="QB Note")


def table_text(table) -> list[list[str]]:
    """A table's visible text, row by row; a merged cell's text appears once, at its top.

    (python-docx repeats a vertically merged cell's text in every row it spans, so read
    the XML: continuation cells are blank here, as in Word.)
    """
    out = []
    for tr in table._tbl.tr_lst:
        row = []
        for tc in tr.tc_lst:
            merge = tc.tcPr.vMerge_val if tc.tcPr is not None else None
            text = "" if merge == "continue" else "\n".join(
                "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p")))
            row.append(text)
        out.append(row)
    return out
