"""``qualbench export docx|xlsx|csv``: Word reports and analyst tables, a few lines over the API.

Everything is decided by :meth:`Project.export_docx` / :meth:`Project.export_table`
(:mod:`qualbench.api.exports`): the file goes to ``exports/`` with a timestamped name
unless ``--output`` is given, an existing file is only replaced with ``--force``, and
each export is recorded in the project's events. This module only maps options to
keywords and prints what was written.
"""
from __future__ import annotations

from pathlib import Path

import click

from ..cli import PROJECT_OPTION, _open, friendly_errors
from ..exchange.export_names import DEFAULT_MAX_WORDS, DEFAULT_PER_CODE, REPORT_PARTS, TABLES


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def _size(path: Path) -> str:
    n = path.stat().st_size
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} B"


OUTPUT_OPTION = click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                             help="File to write (default: exports/<what>-<timestamp>.<ext> in the project).")
FORCE_OPTION = click.option("--force", is_flag=True, help="Overwrite --output if it already exists.")
CODER_OPTION = click.option("--coder", help="Whose codings quotes and counts use where an interview is not "
                                            "reconciled (default: analysis_coder in qualbench.toml, else the "
                                            "coder with most codings); reconciled interviews use consensus.")
TABLE_CODER_OPTION = click.option("--coder", help="Only this coder's codings in the codings table (default: "
                                                  "every coder); the coding set for quotes, codebook counts "
                                                  "and the joint display.")
NODES_OPTION = click.option("--nodes", help="Comma-separated themes, categories or codes whose quotes to "
                                            "include (default: all).")
PER_CODE_OPTION = click.option("--per-code", type=click.IntRange(min=0), default=DEFAULT_PER_CODE,
                               show_default=True, help="Quotes per code, most representative first "
                                                       "(starred first); 0 = every quote.")
MAX_WORDS_OPTION = click.option("--max-words", type=click.IntRange(min=0), default=DEFAULT_MAX_WORDS,
                                show_default=True, help="Shorten longer quotes with […] (0 = never).")
BY_OPTION = click.option("--by", default="responder", show_default=True,
                         help="Participant groups for Table 1 and the joint display (responder, "
                              "responder_class, would_repeat or a categorical attribute).")
JOINT_ROWS_OPTION = click.option("--joint-rows", type=click.Choice(["theme", "category", "code"]),
                                 default="theme", show_default=True, help="Rows of the joint display.")


@click.group()
def export() -> None:
    """Write Word reports (docx) and tables (xlsx, csv) to exports/ or --output."""


@export.command(name="docx")
@PROJECT_OPTION
@click.option("--what", "what", multiple=True, type=click.Choice([*REPORT_PARTS, "all"]), default=("quotes",),
              show_default=True, help="Report part; repeat for several, or 'all' (parts that cannot be "
                                      "made, e.g. agreement with one coder, are then skipped).")
@NODES_OPTION
@PER_CODE_OPTION
@MAX_WORDS_OPTION
@CODER_OPTION
@click.option("--coders", help="Comma-separated coders for the agreement report (default: every coder "
                               "with codings except consensus).")
@click.option("--level", type=click.Choice(["unit", "character", "segment"]), default="unit", show_default=True,
              help="Agreement level (as in 'qualbench agree').")
@click.option("--unit", type=click.Choice(["sentence", "turn", "paragraph"]), default="sentence",
              show_default=True, help="Unit for --level unit.")
@BY_OPTION
@JOINT_ROWS_OPTION
@click.option("--no-code-column", is_flag=True, help="Quote table without the Code column (4 columns, portrait).")
@click.option("--landscape", is_flag=True, help="Put every table on landscape pages.")
@OUTPUT_OPTION
@FORCE_OPTION
@friendly_errors
def docx(project_dir: Path, what: tuple[str, ...], nodes: str | None, per_code: int, max_words: int,
         coder: str | None, coders: str | None, level: str, unit: str, by: str, joint_rows: str,
         no_code_column: bool, landscape: bool, output: Path | None, force: bool) -> None:
    """A journal-ready Word report: quote table, codebook appendix, agreement, Table 1, joint display."""
    project = _open(project_dir)
    result = project.export_docx(list(what), output, force, nodes=_split(nodes), per_code=per_code,
                                 max_words=max_words or None, coder=coder, coders=_split(coders), level=level,
                                 unit=unit, by=by, joint_rows=joint_rows, show_code=not no_code_column,
                                 landscape=landscape)
    click.echo(f"Wrote {result.path} ({_size(result.path)}): {', '.join(result.what)}.")
    if result.coding_set:
        click.echo("  codings: " + "; ".join(f"{part} {who}" for part, who in result.coding_set.items()))
    for part, why in result.skipped.items():
        click.echo(f"  skipped {part}: {why}")


def _table_command(fmt: str):
    @export.command(name=fmt, help=f"Tables as {'one workbook, a sheet per table' if fmt == 'xlsx' else 'CSV, a file per table'}"
                                   " (codings in long format with every participant attribute).")
    @PROJECT_OPTION
    @click.option("--what", "what", multiple=True, type=click.Choice([*TABLES, "all"]), default=("codings",),
                  show_default=True, help="Table; repeat for several, or 'all'.")
    @TABLE_CODER_OPTION
    @NODES_OPTION
    @PER_CODE_OPTION
    @MAX_WORDS_OPTION
    @BY_OPTION
    @JOINT_ROWS_OPTION
    @OUTPUT_OPTION
    @FORCE_OPTION
    @friendly_errors
    def command(project_dir: Path, what: tuple[str, ...], coder: str | None, nodes: str | None, per_code: int,
                max_words: int, by: str, joint_rows: str, output: Path | None, force: bool) -> None:
        project = _open(project_dir)
        result = project.export_table(fmt, list(what), output, force, coder=coder, nodes=_split(nodes),
                                      per_code=per_code, max_words=max_words or None, by=by, joint_rows=joint_rows)
        rows = ", ".join(f"{name} {n:,} rows" for name, n in result.info.items())
        for path in result.paths:
            click.echo(f"Wrote {path} ({_size(path)})")
        click.echo(f"  {rows}")
    return command


xlsx = _table_command("xlsx")
csv = _table_command("csv")
