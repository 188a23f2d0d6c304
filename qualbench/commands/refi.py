"""``qualbench refi export|import``: REFI-QDA exchange with ATLAS.ti, MAXQDA, NVivo, QualCoder.

One group, two commands, the format taken from the file's extension (``.qdpx`` a whole
project, ``.qdc`` a codebook) or ``--format``. Export follows every other export: into
``exports/`` with a timestamped name unless ``--output`` is given, never over an
existing file without ``--force``, recorded in the events; ``--positions utf16`` writes
offsets the way NVivo counts them. Import prints what it did (new, updated and unchanged
counts), how it read each tool's text positions where the evidence decided, everything it
kept in another form (an annotation as a memo headed by its passage), and every item it
could not map; ``--split-names`` and ``--groups-as-attributes`` opt in to reading
structure that other tools keep in names.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from ..exchange.refi_positions import POSITIONS
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
@click.option("--positions", type=click.Choice(POSITIONS), default="codepoints", show_default=True,
              help="How selection offsets count characters: codepoints (the REFI-QDA standard) or "
                   "utf16 (as NVivo counts them; differs only for emoji and other rare characters).")
@friendly_errors
def refi_export(project_dir: Path, file: Path | None, fmt: str | None, force: bool, positions: str) -> None:
    """Write the project (.qdpx) or its codebook (.qdc) for another QDA program."""
    fmt = _format(file, fmt)
    if fmt == "qdc" and positions != "codepoints":
        raise QualbenchError("--positions applies to a .qdpx project; a .qdc codebook has no positions",
                             source=file)
    project = _open(project_dir)
    target = file or _default_path(project, fmt)
    if fmt == "qdpx":
        r = project.export_qdpx(target, force=force, actor=project.settings.default_coder, positions=positions)
    else:
        r = project.export_qdc(target, force=force, actor=project.settings.default_coder)
    size = f"{r['bytes'] / 1024:,.0f} KB"
    if fmt == "qdc":
        click.echo(f"Wrote {target} ({size}): {r['codes']} codes.")
    else:
        click.echo(f"Wrote {target} ({size}): {r['documents']} documents, {r['codes']} codes, "
                   f"{r['codings']} codings, {r['coders']} coders, {r['notes']} notes, {r['cases']} cases.")
    if r.get("positions") == "utf16":
        click.echo("  positions: counted in UTF-16 code units, as NVivo counts them (the standard counts "
                   "code points; other tools may misplace selections after an emoji)")
    for line in r["skipped"]:
        click.echo(f"  not exported: {line}")


@refi.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@PROJECT_OPTION
@click.option("--format", "fmt", type=click.Choice(FORMATS), help=FORMAT_HELP)
@click.option("--all", "show_all", is_flag=True,
              help=f"List every item converted or not imported (default: the first {SHOWN} of each).")
@click.option("--split-names", is_flag=True,
              help="Build the code hierarchy from names like 'Coke::diet Coke' (ATLAS.ti) or "
                   "'people.family' (Taguette); the separator is found in the names.")
@click.option("--groups-as-attributes", is_flag=True,
              help="Import document groups named like 'gender: male' (ATLAS.ti) as attributes of the "
                   "documents' participants.")
@click.option("--strict", is_flag=True,
              help="Refuse the whole import if anything cannot be mapped (a selection outside its text, "
                   "an unreadable source, a group); by default it is left out and listed.")
@friendly_errors
def refi_import(file: Path, project_dir: Path, fmt: str | None, show_all: bool, split_names: bool,
                groups_as_attributes: bool, strict: bool) -> None:
    """Import a REFI-QDA project or codebook from FILE in one transaction.

    Codes match by GUID (a file imported before), then by path and name; documents by
    text; participants and attributes by name. Importing the same file again adds
    nothing, and nothing already in the project is removed. Case variables that are the
    project's outcome columns are checked like a participant table (an invalid value
    refuses the import). Files from other tools rarely map completely: what cannot be
    mapped is left out and listed, or with --strict refuses the import.
    """
    fmt = _format(file, fmt)
    if fmt == "qdc" and groups_as_attributes:
        raise QualbenchError("--groups-as-attributes needs a .qdpx project; a .qdc codebook has no documents",
                             source=file)
    project = _open(project_dir)
    if fmt == "qdpx":
        report = project.import_qdpx(file, split_names=split_names, groups_as_attributes=groups_as_attributes,
                                     strict=strict)
    else:
        report = project.import_qdc(file, split_names=split_names, strict=strict)
    click.echo(report.summary())
    for line in report.positions:
        click.echo(f"  positions: {line}")
    for line in report.remarks:
        click.echo(f"  note: {line}")
    _listed("converted", report.converted, show_all)
    _listed("not imported", report.unmapped, show_all)


def _listed(label: str, lines: list[str], show_all: bool) -> None:
    shown = lines if show_all else lines[:SHOWN]
    for line in shown:
        click.echo(f"  {label}: {line}")
    if len(shown) < len(lines):
        click.echo(f"  … and {len(lines) - len(shown)} more (--all lists them).")
