"""Exports as Project methods: Word reports and xlsx/CSV tables, written safely and logged.

What: ``p.export_docx(what, output=None, force=False, **options)`` and
``p.export_table(fmt, what, output=None, force=False, **options)``. The documents and
tables are made by :mod:`qualbench.exchange.docx_report` and
:mod:`qualbench.exchange.tables_export`; this mixin decides where they go and records
that they were made.

Why: an exported table ends up in a manuscript, so the project must be able to say
later which coding set and which options produced it. Every export is therefore one
``export.<format>`` event (what, files, coding set, options; the event's time is when),
written in the same transaction as the files are moved into place. The rules:

* without ``output`` a file goes to ``exports/`` as ``<what>-<YYYYmmdd-HHMMSS>.<ext>``
  (``-2``, ``-3`` … if that name is taken, so two exports in one second never clash);
* an existing ``output`` is never overwritten unless ``force`` is given (a
  :class:`QualbenchError` names the file);
* files are written to a temporary name beside the target and renamed into place, so
  a failed export leaves neither a half-written file nor an event.
"""
from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Iterable

from ..errors import QualbenchError
from .base import ProjectBase

TABLE_FORMATS = ("xlsx", "csv")
FIGURE_FORMATS = ("png", "svg", "pdf")
TABLE_OPTIONS = {"coder", "nodes", "per_code", "max_words", "labels", "by", "joint_rows"}
EXPORT_ACTIONS = ["export.docx", "export.xlsx", "export.csv", *(f"export.{f}" for f in FIGURE_FORMATS)]


@dataclass(frozen=True)
class Export:
    """What an export wrote: the files, the parts/tables in them, and what was left out."""
    paths: list[Path]
    what: list[str]
    coding_set: dict  # table or part -> whose codings it holds
    skipped: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return self.paths[0]


class ExportsMixin(ProjectBase):
    def export_docx(self, what: str | Iterable[str] = "quotes", output: Path | str | None = None,
                    force: bool = False, *, actor: str | None = None, **options) -> Export:
        """A Word report with the parts in ``what`` ("quotes", "codebook", "agreement",
        "participants", "joint" or "all"). Options: see
        :class:`qualbench.exchange.docx_report.ReportOptions` (nodes, per_code, max_words,
        coder, show_code, landscape, labels, coders, level, unit, threshold, basis, by,
        joint_rows, page)."""
        from ..exchange import docx_report as report_mod

        parts = report_mod.resolve_parts(what)
        opt = _options(report_mod.ReportOptions, options)
        stem = "report" if parts == list(report_mod.PARTS) else "-".join(parts)
        target = self._export_target(output, stem, ".docx", force)
        report = report_mod.build_report(self, what, opt)
        buffer = io.BytesIO()
        report.document.save(buffer)
        summary = {"format": "docx", "what": report.parts, "coding_set": report.coding_sets,
                   "skipped": report.skipped, "options": _plain(opt, report_mod.ReportOptions()),
                   "counts": report.info}
        self._write_exports("export.docx", {target: buffer.getvalue()}, force, summary, actor)
        return Export([target], report.parts, report.coding_sets, report.skipped, report.info)

    def export_table(self, fmt: str, what: str | Iterable[str] = "codings", output: Path | str | None = None,
                     force: bool = False, *, actor: str | None = None, **options) -> Export:
        """Tables as one xlsx workbook (a sheet each) or CSV files (one per table).

        ``what``: "codings", "quotes", "codebook", "participants", "joint" or "all".
        Options: coder, nodes, per_code, max_words, labels, by, joint_rows (see
        :func:`qualbench.exchange.tables_export.build_tables`). With several CSV tables
        and an ``output``, each file is ``<output stem>-<table>.csv``.
        """
        from ..exchange import tables_export as tables_mod

        fmt = fmt.lower().lstrip(".")
        if fmt not in TABLE_FORMATS:
            raise QualbenchError(f"unknown table format '{fmt}' (use {' or '.join(TABLE_FORMATS)})")
        names = tables_mod.resolve_tables(what)
        stem = "tables" if names == list(tables_mod.TABLES) else "-".join(names)
        unknown = sorted(set(options) - TABLE_OPTIONS)
        if unknown:
            raise QualbenchError(f"unknown export option(s) {', '.join(unknown)} "
                                 f"(known: {', '.join(sorted(TABLE_OPTIONS))})")
        one_file = fmt == "xlsx" or len(names) == 1
        targets = ({"*": self._export_target(output, stem, f".{fmt}", force)} if one_file
                   else self._csv_targets(output, stem, names, force))
        frames = tables_mod.build_tables(self, what, **options)
        if fmt == "xlsx":
            files = {targets["*"]: tables_mod.xlsx_bytes(frames)}
        elif one_file:
            files = {targets["*"]: tables_mod.csv_bytes(next(iter(frames.values())))}
        else:
            files = {targets[n]: tables_mod.csv_bytes(frame) for n, frame in frames.items()}
        coding_set = self._table_coding_sets(frames, options.get("coder"))
        summary = {"format": fmt, "what": list(frames), "coding_set": coding_set,
                   "rows": {n: len(f) for n, f in frames.items()},
                   "options": {k: v for k, v in options.items() if k != "labels"}}
        self._write_exports(f"export.{fmt}", files, force, summary, actor)
        return Export(list(files), list(frames), coding_set, {}, summary["rows"])

    def export_saturation_plot(self, result, output: Path | str | None = None, force: bool = False, *,
                               fmt: str = "png", actor: str | None = None) -> Export:
        """The saturation and code-frequency curves of ``result`` (:meth:`saturation`) as a
        figure for a paper: PNG, SVG or PDF (from ``output``'s suffix when given)."""
        from ..analysis.saturation import plot_saturation

        if output is not None:
            fmt = Path(output).suffix.lower().lstrip(".")
        if fmt not in FIGURE_FORMATS:
            raise QualbenchError(f"a figure is written as {', '.join(FIGURE_FORMATS)}, not '{fmt or 'no suffix'}'",
                                 source=output)
        if not len(result.curve):
            raise QualbenchError("nothing to plot: no interview has codings by " + str(result.coder))
        stem = f"saturation-b{result.base}-r{result.run}-t{round(100 * result.threshold)}"
        target = self._export_target(output, stem, f".{fmt}", force)
        buffer = io.BytesIO()
        plot_saturation(result, buffer, fmt=fmt)
        summary = {"format": fmt, "what": ["saturation"], "coding_set": {"saturation": result.coder},
                   "options": {"base": result.base, "run": result.run, "threshold": result.threshold,
                               "order": result.order_source}}
        self._write_exports(f"export.{fmt}", {target: buffer.getvalue()}, force, summary, actor)
        return Export([target], ["saturation"], {"saturation": result.coder})

    def _table_coding_sets(self, frames: dict, coder: str | None) -> dict:
        """Whose codings each table holds: codings are raw (every coder unless one is
        asked for); quotes and codebook counts follow the export rule; the joint display
        says itself which coder it counted."""
        from ..exchange.docx_report import coding_set

        out = {}
        for name, frame in frames.items():
            if name == "codings":
                out[name] = coder or "all coders"
            elif name in ("quotes", "codebook"):
                out[name] = coding_set(self, coder) or "all coders"
            elif name == "joint":
                out[name] = frame.attrs.get("coder", coder)
        return out

    # -- where files go --------------------------------------------------------------------
    def _export_target(self, output: Path | str | None, stem: str, suffix: str, force: bool) -> Path:
        if output is None:
            return self._timestamped(stem, suffix)
        path = Path(output).expanduser()
        if path.is_dir():
            raise QualbenchError("is a folder; give a file name", source=path)
        if path.exists() and not force:
            raise QualbenchError("exists; use --force to overwrite it (or give another --output)", source=path)
        return path.resolve()

    def _csv_targets(self, output, stem: str, names: list[str], force: bool) -> dict[str, Path]:
        if output is None:  # one time stamp for the set: codings-<stamp>.csv, codebook-<stamp>.csv
            stamp = _stamp()
            return {n: self._unique(self._exports_folder() / f"{n}-{stamp}.csv") for n in names}
        out = Path(output).expanduser()
        base = out.with_suffix("") if out.suffix.lower() == ".csv" else out
        return {n: self._export_target(base.with_name(f"{base.name}-{n}.csv"), stem, ".csv", force) for n in names}

    def _exports_folder(self) -> Path:
        folder = self.path / "exports"
        folder.mkdir(exist_ok=True)
        return folder

    def _timestamped(self, stem: str, suffix: str) -> Path:
        return self._unique(self._exports_folder() / f"{stem}-{_stamp()}{suffix}")

    @staticmethod
    def _unique(path: Path) -> Path:
        n, candidate = 1, path
        while candidate.exists():
            n += 1
            candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        return candidate

    def _write_exports(self, action: str, files: dict[Path, bytes], force: bool, summary: dict,
                       actor: str | None) -> None:
        """Write every file under a temporary name, then rename all into place and log one event."""
        for path in files:
            if path.exists() and not force:  # checked again: the build may have taken a while
                raise QualbenchError("exists; use --force to overwrite it (or give another --output)", source=path)
        temps = {}
        try:
            for path, data in files.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                temp = path.with_name(f".{path.name}.{os.getpid()}.part")
                temp.write_bytes(data)
                temps[path] = temp
            summary = {**summary, "files": [self._shown(p) for p in files],
                       "bytes": {self._shown(p): len(d) for p, d in files.items()}}
            with self._change(action, actor=actor, summary=summary, undoable=False):
                for path, temp in temps.items():
                    os.replace(temp, path)
        finally:
            for temp in temps.values():
                temp.unlink(missing_ok=True)

    def _shown(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.path))
        except ValueError:
            return str(path.resolve())

    def exports(self) -> list:
        """The export events, newest first (who, when, what, files, coding set)."""
        return self.events(actions=EXPORT_ACTIONS)


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def _options(cls, options: dict):
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(options) - known)
    if unknown:
        raise QualbenchError(f"unknown export option(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    return cls(**options)


def _plain(opt, default) -> dict:
    """The options that differ from the defaults, as JSON-friendly values."""
    out = {}
    for f in fields(opt):
        value = getattr(opt, f.name)
        if value != getattr(default, f.name):
            out[f.name] = list(value) if isinstance(value, (list, tuple)) else (
                value if isinstance(value, (str, int, float, bool, type(None))) else repr(value))
    return out
