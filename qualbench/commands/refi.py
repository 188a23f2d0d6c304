"""``qualbench refi export|import``: REFI-QDA exchange with ATLAS.ti, MAXQDA, NVivo, QualCoder.

One group, two commands, the format taken from the file's extension (``.qdpx`` a whole
project, ``.qdc`` a codebook) or ``--format``. Export follows every other export: into
``exports/`` with a timestamped name unless ``--output`` is given, never over an
existing file without ``--force``, recorded in the events. Import prints what it did, how it read each tool's text positions where
the evidence decided, and every item it could not map.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from ..cli import PROJECT_OPTION, _open, friendly_errors
from ..errors import QualbenchError

FORMATS = ("qdpx", "qdc")
SHOWN = 20
FORMAT_HELP = ("qdpx (the whole project) or qdc (the codebook only); default: from the file's "
               "extension, else qdpx.")


def _format(file: Path | None, fmt: str | None) -> str:
    suffix = file.suffix.lower().lstrip(".") if file else ""
    if fmt and suffix in FORMATS and suffix != fmt:
        raise QualbenchError(f"ends in .{suffix} but --format is {fmt}", source=file)
    return fmt or (suffix if suffix in FORMATS else "qdpx")


def _default_path(project, fmt: str) -> Path:
    slug = re.sub(r"[^\w-]+", "-", project.settings.title).strip("-").lower()[:40] or "project"
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return project.exports_dir / f"{slug}-{stamp}.{fmt}"


@click.group()
def refi() -> None:
    """REFI-QDA exchange: .qdpx projects and .qdc codebooks (ATLAS.ti, MAXQDA, NVivo, QualCoder)."""


@refi.command(name="export")
@PROJECT_OPTION
@click.option("--output", "-o", "file", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: exports/<title>-<timestamp>.qdpx or .qdc in the project).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help=FORMAT_HELP)
@click.option("--force", is_flag=True, help="Overwrite --output if it already exists.")
@friendly_errors
def refi_export(project_dir: Path, file: Path | None, fmt: str | None, force: bool) -> None:
    """Write the project (.qdpx) or its codebook (.qdc) for another QDA program."""
    fmt = _format(file, fmt)
    project = _open(project_dir)
    target = file or _default_path(project, fmt)
    export = project.export_qdpx if fmt == "qdpx" else project.export_qdc
    r = export(target, force=force, actor=project.settings.default_coder)
    size = f"{r['bytes'] / 1024:,.0f} KB"
    if fmt == "qdc":
        click.echo(f"Wrote {target} ({size}): {r['codes']} codes.")
    else:
        click.echo(f"Wrote {target} ({size}): {r['documents']} documents, {r['codes']} codes, "
                   f"{r['codings']} codings, {r['coders']} coders, {r['notes']} notes, {r['cases']} cases.")
    for line in r["skipped"]:
        click.echo(f"  not exported: {line}")


@refi.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@PROJECT_OPTION
@click.option("--format", "fmt", type=click.Choice(FORMATS), help=FORMAT_HELP)
@click.option("--all", "show_all", is_flag=True,
              help=f"List every item that was not imported (default: the first {SHOWN}).")
@friendly_errors
def refi_import(file: Path, project_dir: Path, fmt: str | None, show_all: bool) -> None:
    """Import a REFI-QDA project or codebook from FILE in one transaction.

    Codes, documents, participants and attributes are matched by name; nothing already
    in the project is removed.
    """
    fmt = _format(file, fmt)
    project = _open(project_dir)
    report = project.import_qdpx(file) if fmt == "qdpx" else project.import_qdc(file)
    click.echo(report.summary())
    for line in report.positions:
        click.echo(f"  positions: {line}")
    for line in report.remarks:
        click.echo(f"  note: {line}")
    shown = report.unmapped if show_all else report.unmapped[:SHOWN]
    for line in shown:
        click.echo(f"  not imported: {line}")
    if len(shown) < len(report.unmapped):
        click.echo(f"  … and {len(report.unmapped) - len(shown)} more (--all lists them).")
