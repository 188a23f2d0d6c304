"""Command-line interface: a few lines over the Project API per command.

No subcommand opens the TUI. Errors the user can fix print one line per problem on
stderr (no traceback; at most twenty problems, then how many more) and exit with status
1; the database is untouched in that case because every API write is a single
transaction.
"""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from .errors import QualbenchError, ValidationError

PROJECT_OPTION = click.option(
    "--project", "-p", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Project folder (default: the current folder or the nearest parent that is a project, like git).")


MAX_PROBLEMS_SHOWN = 20


def _fail(message: str) -> None:
    # One line, whatever the message holds: a library's multi-line text must not spill.
    click.echo(f"qualbench: error: {' '.join(str(message).split())}", err=True)


def friendly_errors(func):
    """Turn QualbenchError into one line per problem on stderr and exit status 1.

    A long list of problems (3,000 bad rows) shows the first :data:`MAX_PROBLEMS_SHOWN`
    and how many more there are. A file the operating system will not let us read or
    write (a folder given as a file, no permission, a full disk) is one line naming it.
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            lines = exc.lines()
            for line in lines[:MAX_PROBLEMS_SHOWN]:
                _fail(line)
            if len(lines) > MAX_PROBLEMS_SHOWN:
                more = len(lines) - MAX_PROBLEMS_SHOWN
                prefix = f"{exc.source}: " if exc.source else ""
                _fail(f"{prefix}… and {more:,} more problem{'s' * (more != 1)} (fix these and import again "
                      "to see the rest)")
            sys.exit(1)
        except QualbenchError as exc:
            _fail(str(exc))
            sys.exit(1)
        except OSError as exc:
            if exc.filename is None:
                raise
            _fail(f"{exc.filename}: {_os_problem(exc)}")
            sys.exit(1)
    return wrapper


def _os_problem(exc: OSError) -> str:
    if isinstance(exc, IsADirectoryError):
        return "is a folder; give a file name"
    if isinstance(exc, FileExistsError):
        return "exists and is not a folder"
    if isinstance(exc, NotADirectoryError):
        return "a part of this path is a file, not a folder"
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or str(exc)


def output_file(path: Path, force: bool) -> Path:
    """A file a command is about to write: refused if it is a folder, or exists without --force."""
    if path.is_dir():
        raise QualbenchError("is a folder; give a file name", source=path)
    if path.exists() and not force:
        raise QualbenchError("exists; use --force to overwrite", source=path)
    if path.parent.exists() and not path.parent.is_dir():
        raise QualbenchError(f"cannot write it: {path.parent} is a file, not a folder", source=path)
    return path


def _open(project_dir: Path | None):
    """The project named by this command's --project, else by the one before the command
    (``qualbench --project DIR status``), else the nearest project at or above the
    current folder."""
    from .project import find_project, open_project
    if project_dir is None:
        ctx = click.get_current_context(silent=True)
        project_dir = ctx.find_root().params.get("project_dir") if ctx is not None else None
    if project_dir is None:
        return open_project(find_project(Path.cwd()))
    return open_project(project_dir)


@click.group(invoke_without_command=True)
@click.version_option(package_name="qualbench")
@PROJECT_OPTION
@click.pass_context
def main(ctx: click.Context, project_dir: Path) -> None:
    """qualbench — a terminal workbench for qualitative interview analysis.

    Run without a command to open the workbench on the project in the current folder.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(tui, project_dir=project_dir)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--title", help="Project title (default: the folder name).")
@click.option("--language", type=click.Choice(["en", "nl"]), default="en", show_default=True,
              help="Language of the transcripts.")
@click.option("--coder", default="coder_a", show_default=True, help="Default coder name.")
@friendly_errors
def init(folder: Path, title: str | None, language: str, coder: str) -> None:
    """Create a project FOLDER with qualbench.toml, qualbench.db and work folders."""
    from .project import init_project
    project = init_project(folder, title=title, language=language, coder=coder)
    project.close()
    click.echo(f"Created project in {folder} (edit {folder / 'qualbench.toml'} for settings).")


@main.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@PROJECT_OPTION
@click.option("--participant", help="Link every imported document to this participant (e.g. P07).")
@click.option("--as-new-version", is_flag=True,
              help="Import a changed file as a new version; its codings and memos move to it.")
@click.option("--skip-bad", is_flag=True, help="Import the good files and list the bad ones.")
@click.option("--recursive", is_flag=True, help="For a folder: also import the transcripts in its sub-folders.")
@friendly_errors
def import_(files: tuple[Path, ...], project_dir: Path, participant: str | None,
            as_new_version: bool, skip_bad: bool, recursive: bool) -> None:
    """Import transcripts (.txt, .docx, .vtt, .srt; a folder for all inside it) in one transaction."""
    from .progress import cli_progress
    project = _open(project_dir)
    folders = [f for f in files if f.is_dir()]
    several = len(files) > 1 or bool(folders)
    # A bar only on a terminal: piped, it would leave an empty line before the messages.
    bar = (len(files) > 3 or bool(folders)) and sys.stderr.isatty()
    try:
        with cli_progress("Importing", enabled=bar) as progress:
            report = project.import_files(files, participant=participant, as_new_version=as_new_version,
                                          skip_bad=skip_bad, recursive=recursive, progress=progress)
    except ValidationError:
        raise
    except QualbenchError as exc:
        if not several or (len(files) == 1 and exc.source == str(files[0])):
            raise
        raise QualbenchError(f"{exc.message} — nothing was imported; fix the file or use --skip-bad",
                             source=exc.source) from None
    if several or report.failed:
        for name in report.imported:
            click.echo(f"imported {name} ({Path(report.files[name]).name})")
    for name, why in report.skipped:
        click.echo(f"skipped {name}: {why}")
    for path, error in report.failed:
        click.echo(f"skipped {error if error.startswith(path) else f'{path}: {error}'}", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for c in report.carried:
        memos = f" and {c.memos} document memo(s)" if c.memos else ""
        if not c.unplaced:
            click.echo(f"{c.document}: carried {c.codings} codings{memos} to version {c.to_version}.")
            continue
        click.echo(f"{c.document}: carried {c.codings} codings{memos} to version {c.to_version}; "
                   f"{len(c.unplaced)} could not be placed (left on version {c.from_version}):")
        for line in c.unplaced:
            click.echo(f"  {line}")
    for c in report.carried:
        if c.settlements_left:
            click.echo(f"{c.document}: {c.settlements_left} settled disagreement(s) stayed on version "
                       f"{c.from_version}; settle them again on version {c.to_version}.")
    if report.copied:
        click.echo(f"Copied {len(report.copied)} source file(s) into the project's transcripts/ folder.")
        for source, copy in report.copied:
            if Path(copy).name != Path(source).name:
                click.echo(f"  {Path(source).name} saved as {copy} (a different file of that name is there)")
    click.echo(f"Imported {len(report.imported)} document(s): {report.words:,} words, "
               f"{report.segments:,} segments.")
    if report.failed:
        if not report.imported:
            _fail(f"nothing was imported: {len(report.failed)} file(s) had a problem (listed above)")
            sys.exit(1)
        click.echo(f"{len(report.failed)} file(s) had a problem and were skipped (listed above); "
                   f"the other {len(report.imported)} were imported.")


@main.group()
def participants() -> None:
    """Participant table (CSV or Excel) and derived outcomes."""


@participants.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@PROJECT_OPTION
@friendly_errors
def participants_import(file: Path, project_dir: Path) -> None:
    """Import or update participants from FILE (.csv or .xlsx).

    Every changed value is listed (participant, column, old -> new); warnings (a
    participant without an interview, text in a numeric column, an outcome column not
    found) go to stderr and do not stop the import.
    """
    shown = 20
    project = _open(project_dir)
    result = project.import_participants(file)
    for note in result["notes"]:
        click.echo(note)
    types = ", ".join(f"{k} ({v})" for k, v in result["columns"].items())
    click.echo(f"Participants: {result['added']} added, {result['updated']} updated, "
               f"{result['unchanged']} unchanged. Columns: {types}.")
    changes = result["changes"]
    if changes:
        click.echo(f"Changed values ({len(changes)}):")
        for c in changes[:shown]:
            old, new = ("(empty)" if v is None else v for v in (c["old"], c["new"]))
            click.echo(f"  {c['participant']} {c['column']}: {old} -> {new}")
        if len(changes) > shown:
            click.echo(f"  and {len(changes) - shown} more")
    if result["documents_without_participant"]:
        click.echo("Documents whose participant is not in the table: "
                   + ", ".join(result["documents_without_participant"]))
    for warning in result["warnings"]:
        click.echo(f"qualbench: warning: {file}: {warning}", err=True)


@participants.command(name="list")
@PROJECT_OPTION
@friendly_errors
def participants_list(project_dir: Path) -> None:
    """Show participants with derived pain reduction and responder class."""
    project = _open(project_dir)
    df = project.participants()
    if df.empty:
        click.echo("No participants yet (qualbench participants import FILE).")
        return
    by_key = {" ".join(str(c).split()).casefold(): c for c in df.columns}   # as the import matches headers
    wanted = ["participant", project.settings.baseline, project.settings.follow_up,
              "pct_reduction", "responder_class", "would_repeat_answer"]
    cols = [by_key[k] for k in (" ".join(c.split()).casefold() for c in wanted) if k in by_key]
    click.echo(df[cols].to_string(index=False, float_format=lambda x: f"{x:.1f}"))


@main.command()
@PROJECT_OPTION
@friendly_errors
def status(project_dir: Path) -> None:
    """Counts of documents, words, segments, participants, coders, codes and codings."""
    project = _open(project_dir)
    counts = project.status()
    old = counts.pop("codings_on_old_versions")
    for key, value in counts.items():
        click.echo(f"{key:<13}{value:>10,}")
    if old:
        click.echo(f"({old:,} codings stay on earlier versions of re-imported interviews: they could not be "
                   "placed in the new text and are not analysed)")


@main.command()
@PROJECT_OPTION
@click.option("--coder", help="Active coder (default: the project's default coder).")
@click.option("--review", is_flag=True, help="Open the read-only supervisor review.")
@friendly_errors
def tui(project_dir: Path, coder: str | None, review: bool) -> None:
    """Open the workbench (the default when no command is given)."""
    from .tui.app import run
    run(_open(project_dir), coder=coder, review=review)


@main.command()
@click.option("--path", "target", type=click.Path(path_type=Path),
              help="Where the demo project lives (default: ~/.cache/qualbench/demo, or under $XDG_CACHE_HOME).")
@click.option("--fresh", is_flag=True, help="Delete the demo project and build it again.")
@click.option("--no-tui", is_flag=True, help="Build (or reopen) it and print the study summary instead.")
@friendly_errors
def demo(target: Path | None, fresh: bool, no_tui: bool) -> None:
    """Build the synthetic iMCS demo study (or reopen it) and open the workbench on it."""
    from .demo import demo_summary_lines, open_or_build_demo
    project, _ = open_or_build_demo(target, fresh=fresh, echo=lambda m: click.echo(m, err=True))
    if no_tui:
        for line in demo_summary_lines(project):
            click.echo(line)
        return
    from .tui.app import run
    run(project)
    click.echo(f"The demo study is in {project.path} — 'qualbench demo' opens it again, "
               f"or: cd {project.path} && qualbench", err=True)


@main.command()
@click.argument("names", nargs=-1)
@click.option("--words", default=1_000_000, show_default=True, help="Corpus size for the import benchmark.")
@friendly_errors
def bench(names: tuple[str, ...], words: int) -> None:
    """Run benchmarks (all, or the NAMES given) and print their timings."""
    from .bench import BENCHMARKS
    unknown = set(names) - set(BENCHMARKS)
    if unknown:
        raise click.UsageError(f"unknown benchmark(s) {', '.join(sorted(unknown))}; "
                               f"choose from {', '.join(BENCHMARKS)}")
    for name in names or BENCHMARKS:
        if name == "import":
            BENCHMARKS[name](total_words=words, echo=click.echo)
        else:
            BENCHMARKS[name](echo=click.echo)


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@main.command()
@PROJECT_OPTION
@click.option("--coders", required=True, help="Comma-separated coders to compare, e.g. coder_a,coder_b.")
@click.option("--level", type=click.Choice(["unit", "character", "segment"]), default="unit",
              show_default=True, help="Unit (segments present/absent), character (NVivo) or segment matching (MAXQDA).")
@click.option("--unit", type=click.Choice(["sentence", "turn", "paragraph"]), default="sentence",
              show_default=True, help="Unit for --level unit.")
@click.option("--threshold", type=float, default=0.9, show_default=True,
              help="Overlap needed for a segment match (--level segment).")
@click.option("--basis", type=click.Choice(["segment", "union"]), default="segment", show_default=True,
              help="Overlap measured against the checked segment or the union of both.")
@click.option("--codes", help="Comma-separated code names (default: every code the coders used).")
@click.option("--documents", help="Comma-separated document names (default: all coded by every coder).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="Output format.")
@friendly_errors
def agree(project_dir: Path, coders: str, level: str, unit: str, threshold: float, basis: str,
          codes: str | None, documents: str | None, fmt: str) -> None:
    """Inter-coder agreement per code and overall, with the reading of each value."""
    import json

    from .analysis.intercoder import to_frame
    project = _open(project_dir)
    result = project.agreement(_split(coders), level=level, unit=unit, threshold=threshold, basis=basis,
                               codes=_split(codes), documents=_split(documents))
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, default=str, ensure_ascii=False))
        return
    frame = to_frame(result)
    if fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
        return
    from .report_text import agreement_table
    click.echo(agreement_table(result, frame))


@main.group()
def codings() -> None:
    """Codings in and out: CSV (document, coder, code, start, end, memo) or quote-anchored YAML."""


@codings.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@PROJECT_OPTION
@friendly_errors
def codings_import(file: Path, project_dir: Path) -> None:
    """Import codings from FILE (.csv with offsets, or .yaml anchored by quotes)."""
    project = _open(project_dir)
    if file.suffix.lower() in (".yaml", ".yml"):
        result = project.import_coding_file(file)
        head = f"Imported {result['codings']} codings by {result['coder']} in {result['documents']} documents"
    else:
        result = project.import_codings_csv(file)
        head = f"Imported {result['codings']} codings by {', '.join(result['coders']) or 'nobody'}"
    extra = [f"{result['already_present']} already present"] if result["already_present"] else []
    if result["duplicates"]:
        extra.append(f"{result['duplicates']} listed twice in the file")
    click.echo(head + (f"; {', '.join(extra)}." if extra else "."))
    for old, new in result["renamed"]:
        click.echo(f"  code '{old}' read as '{new}' (its name since)")
    for line in result["memos_updated"]:
        click.echo(f"  {line}")


@codings.command(name="export")
@click.argument("file", type=click.Path(path_type=Path))
@PROJECT_OPTION
@click.option("--coder", help="Only this coder's codings.")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@friendly_errors
def codings_export(file: Path, project_dir: Path, coder: str | None, force: bool) -> None:
    """Export the codings of each document's latest version to FILE (.csv)."""
    output_file(file, force)
    project = _open(project_dir)
    n = project.export_codings_csv(file, coder=coder)
    click.echo(f"Wrote {n} codings to {file}.")
    old = project.old_version_codings(coder=coder)
    if old:
        click.echo(f"Not written: {old} coding(s) left on old document versions "
                   "(only the latest version of each document is exported).")


@main.group()
def codebook() -> None:
    """The codebook: export, import, history, merge suggestions and operations."""


@codebook.command(name="export")
@click.argument("file", type=click.Path(path_type=Path))
@PROJECT_OPTION
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@friendly_errors
def codebook_export(file: Path, project_dir: Path, force: bool) -> None:
    """Write the codebook (hierarchy, definitions, colours) to FILE.yaml."""
    output_file(file, force)
    project = _open(project_dir)
    project.export_codebook(file)
    counts = project.status()
    click.echo(f"Wrote {counts['themes']} themes, {counts['categories']} categories and {counts['codes']} codes "
               f"to {file}.")


@codebook.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@PROJECT_OPTION
@friendly_errors
def codebook_import(file: Path, project_dir: Path) -> None:
    """Add or update codes from FILE.yaml, matched by name; never deletes anything."""
    report = _open(project_dir).import_codebook(file)
    click.echo(f"New: {len(report['new'])}, updated: {len(report['updated'])}, "
               f"renamed since: {len(report['renamed'])}, missing from the file: {len(report['missing'])}.")
    for key in ("renamed", "missing"):
        for name in report[key]:
            click.echo(f"  {key}: {name}")


@codebook.command(name="history")
@PROJECT_OPTION
@friendly_errors
def codebook_history(project_dir: Path) -> None:
    """How the codebook got here: date, coder, operation, what and why."""
    frame = _open(project_dir).codebook_history()
    if frame.empty:
        click.echo("No codebook changes yet.")
        return
    from .report_text import history_text
    click.echo(history_text(frame))


@codebook.command(name="similar")
@PROJECT_OPTION
@click.option("--min-name", default=80.0, show_default=True, help="Name similarity (0-100) to suggest a pair.")
@click.option("--min-overlap", default=0.5, show_default=True, help="Text overlap (0-1) to suggest a pair.")
@friendly_errors
def codebook_similar(project_dir: Path, min_name: float, min_overlap: float) -> None:
    """Suggest codes to merge: similar names or heavily overlapping codings."""
    from .report_text import similar_text
    frame = _open(project_dir).similar_codes(min_name=min_name, min_overlap=min_overlap)
    if frame.empty:
        click.echo("No similar codes.")
        return
    click.echo(similar_text(frame))
    click.echo("Merge a pair with: qualbench codebook merge SOURCE --into TARGET --reason '...'")


@codebook.command(name="merge")
@click.argument("sources", nargs=-1, required=True)
@click.option("--into", required=True, help="The code that receives the codings.")
@click.option("--reason", default="", help="Why (kept in the codebook history).")
@click.option("--coder", help="Who does it (default: the project's default coder).")
@PROJECT_OPTION
@friendly_errors
def codebook_merge(sources: tuple[str, ...], into: str, reason: str, coder: str | None, project_dir: Path) -> None:
    """Merge the SOURCES codes into another code (undoable)."""
    project = _open(project_dir)
    r = project.merge_codes(list(sources), into, actor=coder or project.settings.default_coder, reason=reason)
    click.echo(f"Merged into {r['into']}: {r['moved']} codings moved, {r['collapsed']} duplicates collapsed.")


@codebook.command(name="rename")
@click.argument("code")
@click.argument("new_name")
@click.option("--reason", default="", help="Why (kept in the codebook history).")
@click.option("--coder", help="Who does it (default: the project's default coder).")
@PROJECT_OPTION
@friendly_errors
def codebook_rename(code: str, new_name: str, reason: str, coder: str | None, project_dir: Path) -> None:
    """Rename CODE to NEW_NAME (the old name is kept as a former name)."""
    project = _open(project_dir)
    project.rename_code(code, new_name, actor=coder or project.settings.default_coder, reason=reason)
    click.echo(f"Renamed {code} to {new_name}.")


@codebook.command(name="move")
@click.argument("code")
@click.option("--under", help="New parent (omit for top level).")
@click.option("--reason", default="", help="Why (kept in the codebook history).")
@click.option("--coder", help="Who does it (default: the project's default coder).")
@PROJECT_OPTION
@friendly_errors
def codebook_move(code: str, under: str | None, reason: str, coder: str | None, project_dir: Path) -> None:
    """Move CODE (with its children) under another node."""
    project = _open(project_dir)
    project.move_code(code, under, actor=coder or project.settings.default_coder, reason=reason)
    click.echo(f"Moved {code} under {under or 'the top level'}.")


def _replay(project_dir: Path | None, coder: str | None, yes: bool, verb: str) -> None:
    """Undo or redo: say what it will change, ask first when that is a lot of work."""
    from .errors import UndoError
    project = _open(project_dir)
    actor = coder or project.settings.default_coder
    preview = project.next_undo(actor) if verb == "undo" else project.next_redo(actor)
    if preview is None:
        anyone = project.next_undo(None) if verb == "undo" else project.next_redo(None)
        hint = (f"; the latest change that can be {verb}ne is by {anyone.event.actor} "
                f"(use --coder {anyone.event.actor})") if anyone is not None else ""
        raise UndoError(f"nothing to {verb} by {actor}{hint}")
    if preview.bulk and not yes:
        if not sys.stdin.isatty():
            raise QualbenchError(f"this would {preview.text(verb)}; add --yes to do it")
        click.confirm(f"This will {preview.text(verb)}. Go on?", abort=True, err=True)
    (project.undo if verb == "undo" else project.redo)(actor)
    click.echo(f"{'Undid' if verb == 'undo' else 'Redid'}: {preview.text(verb)[len(verb) + 1:]}.")


@main.command()
@PROJECT_OPTION
@click.option("--coder", help="Whose last change to undo (default: the project's default coder).")
@click.option("--yes", is_flag=True, help="Do not ask before undoing a large change (e.g. an import).")
@friendly_errors
def undo(project_dir: Path, coder: str | None, yes: bool) -> None:
    """Undo the last change (coding, memo, code operation, import) — the same stack as the workbench."""
    _replay(project_dir, coder, yes, "undo")


@main.command()
@PROJECT_OPTION
@click.option("--coder", help="Whose undone change to redo (default: the project's default coder).")
@click.option("--yes", is_flag=True, help="Do not ask before redoing a large change.")
@friendly_errors
def redo(project_dir: Path, coder: str | None, yes: bool) -> None:
    """Redo the last undone change."""
    _replay(project_dir, coder, yes, "redo")


@main.command()
@PROJECT_OPTION
@click.option("--coders", required=True, help="The two coders to reconcile, e.g. coder_a,coder_b.")
@click.option("--start", is_flag=True, help="Copy every agreed coding into the consensus set first.")
@click.option("--code", help="Only this code (or node).")
@click.option("--list", "list_items", is_flag=True, help="List every disagreement, not only the counts per code.")
@click.option("--open-only", is_flag=True, help="With --list: only disagreements not yet settled.")
@friendly_errors
def reconcile(project_dir: Path, coders: str, start: bool, code: str | None, list_items: bool,
              open_only: bool) -> None:
    """Disagreements between two coders and how many are settled (settle them in the workbench, F4)."""
    names = _split(coders) or []
    if len(names) != 2:
        raise QualbenchError("--coders needs exactly two coders, e.g. coder_a,coder_b")
    project = _open(project_dir)
    a, b = names
    project.check_coder_pair(a, b)
    if start:
        n = project.start_consensus(a, b, actor=project.settings.default_coder)
        click.echo(f"Copied {n} agreed coding{'s' * (n != 1)} to the consensus set.")
    items = project.disagreements(a, b, code=code)
    done = sum(1 for d in items if d.decision)
    click.echo(f"{done} of {len(items)} disagreements between {a} and {b} settled.")
    per_code: dict[str, list[int]] = {c.name: [0, 0] for c in project.codes()}
    for d in items:
        counts = per_code.setdefault(d.code, [0, 0])
        counts[0] += bool(d.decision)
        counts[1] += 1
    if not list_items:
        per_code = {name: counts for name, counts in per_code.items() if counts[1]}
        if per_code:
            width = max(len(c) for c in per_code) + 2
            for name, (settled, total) in per_code.items():
                click.echo(f"  {name:<{width}}{settled:>4} of {total:<4} settled")
            click.echo("Settle them in the workbench (F4); --list shows each one.")
        return
    for d in items:
        if open_only and d.decision:
            continue
        where = f"{d.start:,}–{d.end:,}"
        click.echo(f"  {d.document:<8} {d.code:<32} {d.kind_text(a, b):<18} {where:<15} "
                   f"{d.decision or 'open'}")


# Commands that live in their own modules; imported last because they import from here.
from .commands.mixed import joint, saturation, summary  # noqa: E402
from .commands.refi import refi  # noqa: E402
from .commands.export import export  # noqa: E402

main.add_command(summary)
main.add_command(joint)
main.add_command(saturation)
main.add_command(refi)
main.add_command(export)
