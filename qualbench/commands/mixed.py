"""Mixed-methods commands: ``qualbench summary``, ``qualbench joint``, ``qualbench saturation``.

Each is a few lines over the Project API (:mod:`qualbench.api.mixed`) plus plain-text
rendering. ``--format csv`` writes the tidy table the API returns, ``--format json`` the
same records with the metadata (coder, groups compared, method, notes), so a table in a
paper can be traced to the command that made it.
"""
from __future__ import annotations

import json
import math
import shutil
import textwrap
from pathlib import Path

import click

from ..cli import PROJECT_OPTION, _open, friendly_errors
from ..errors import QualbenchError

FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
                             show_default=True, help="Output format.")


# -- plain-text tables ---------------------------------------------------------------------

def render(headers: list[str], rows: list[list[str]], *, wrap_first: int = 40) -> str:
    """A left-aligned first column (wrapped at ``wrap_first``), right-aligned others."""
    if not rows:
        return "  ".join(headers)
    first = [textwrap.wrap(str(r[0]), wrap_first) or [""] for r in rows]
    width0 = max([len(headers[0])] + [len(line) for lines in first for line in lines])
    widths = [max(len(headers[i]), *(len(str(r[i])) for r in rows)) for i in range(1, len(headers))]
    out = ["  ".join([headers[0].ljust(width0)] + [h.rjust(w) for h, w in zip(headers[1:], widths)])]
    out.append("-" * len(out[0]))
    for lines, row in zip(first, rows):
        cells = [str(c).rjust(w) for c, w in zip(row[1:], widths)]
        out.append("  ".join([lines[0].ljust(width0)] + cells).rstrip())
        out.extend(line for line in lines[1:])
    return "\n".join(out)


def _jsonable(value):
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
    if hasattr(value, "item"):
        return _jsonable(value.item())
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _records(frame) -> list[dict]:
    return [_jsonable(r) for r in frame.to_dict(orient="records")]


def _echo_json(data: dict) -> None:
    click.echo(json.dumps(_jsonable(data), indent=2, ensure_ascii=False))


# -- qualbench summary --------------------------------------------------------------------

@click.command()
@PROJECT_OPTION
@click.option("--by", default="responder", show_default=True,
              help="Columns of Table 1: responder, responder_class, would_repeat or a categorical attribute.")
@FORMAT_OPTION
@friendly_errors
def summary(project_dir: Path, by: str, fmt: str) -> None:
    """Study summary and the participant-characteristics table (Table 1).

    Headline figures (interviews, outcomes, responders, would-repeat, deceased), then
    n (%) for categories and mean ± SD, median [range] for numbers by group and overall,
    then the would-repeat × responder table. --format csv writes Table 1 (tidy).
    """
    from ..analysis.summary import summary_dict
    from ..analysis.table1 import table1_wide

    project = _open(project_dir)
    head = project.summary()
    table = project.table1(by=by)
    cross = project.crosstab("responder", "would_repeat")
    if fmt == "csv":
        click.echo(table.to_csv(index=False), nl=False)
        return
    if fmt == "json":
        _echo_json({"summary": summary_dict(head), "table1": _records(table),
                    "would_repeat_by_responder": _records(cross)})
        return
    for line in head.lines():
        click.echo(line)
    if not len(table) or table["n"].max() == 0:
        return
    click.echo("")
    click.echo(f"Participant characteristics by {by} (Table 1)")
    wide = table1_wide(table)
    rows, last = [], None
    for (variable, line), cells in zip(wide.index, wide.values.tolist()):
        if variable == "participants":
            continue
        if variable != last:
            rows.append([variable] + [""] * len(cells))
            last = variable
        rows.append([f"  {line}"] + cells)
    click.echo(render(["characteristic"] + list(wide.columns), rows, wrap_first=36))
    click.echo("n (%) for categories (% of the column's n); mean ± SD and median [range] for numbers.")
    from ..analysis.table1 import constant_note
    if constant_note(table):
        click.echo(constant_note(table))
    click.echo("")
    click.echo(crosstab_text(cross))


def crosstab_text(cross) -> str:
    """The 2×2 (with its missing row/column) as "n (row %)" cells and the Fisher line."""
    from ..analysis.summary import pct_text

    row, col = cross.attrs["row"], cross.attrs["column"]
    cols = cross.attrs["column_order"]
    lines = []
    for r in cross.attrs["row_order"]:
        part = cross[cross[row] == r]
        total = int(part["n"].sum())
        cells = [f"{int(x.n)} ({pct_text(x.pct_of_row)})" if total else "0" for x in part.itertuples()]
        lines.append([r] + cells + [str(total)])
    table = render([f"{row} \\ {col}"] + list(cols) + ["total"], lines)
    note = "Cells: n (% of the row)."
    if "fisher_p" in cross.attrs:
        from ..analysis.joint import fmt_or, fmt_p
        (r1, r2), (c1, c2) = cross.attrs["compared"]
        low, high = cross.attrs["or_ci"]
        note += (f" {r1} vs {r2}, {c1} vs {c2}: Fisher p = {fmt_p(cross.attrs['fisher_p'])}, "
                 f"OR {fmt_or(cross.attrs['odds_ratio'], low, high)} (conditional MLE, exact 95% CI); "
                 "missing groups not tested.")
    return f"{col.replace('_', ' ').capitalize()} × {row}\n{table}\n{note}"


# -- qualbench joint ----------------------------------------------------------------------

@click.command()
@PROJECT_OPTION
@click.option("--rows", type=click.Choice(["theme", "category", "code"]), default="theme", show_default=True,
              help="Codebook level of the rows (a node counts a participant if any code below it is applied).")
@click.option("--by", default="responder", show_default=True,
              help="Columns: responder, responder_class, would_repeat, a categorical attribute, "
                   "or two joined by × (e.g. responder×would_repeat).")
@click.option("--coder", help="Whose codings count where an interview is not reconciled (default: analysis_coder in qualbench.toml, else the coder with most codings; reconciled interviews count their consensus).")
@FORMAT_OPTION
@friendly_errors
def joint(project_dir: Path, rows: str, by: str, coder: str | None, fmt: str) -> None:
    """Joint display: themes, categories or codes against participant groups.

    Cells: participants with the node / participants in the group (%), and the number of
    codings. For a two-group column each row gets Fisher's exact p, the odds ratio with
    its 95% CI and a Benjamini–Hochberg adjusted p. Exploratory with small groups.
    """
    from ..analysis.joint import joint_wide

    project = _open(project_dir)
    frame = project.joint(rows=rows, by=by, coder=coder)
    meta = frame.attrs
    if fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
        return
    if fmt == "json":
        _echo_json({**{k: v for k, v in meta.items()}, "cells": _records(frame)})
        return
    if frame.empty:
        click.echo(f"No {rows}s in the codebook.")
        return
    wide = joint_wide(frame)
    sizes = frame.drop_duplicates("group").set_index("group")["n_group"]
    headers = [rows] + [f"{g} (n={int(sizes[g])})" if g in sizes else g for g in wide.columns[1:]]
    plural = {"theme": "Themes", "category": "Categories", "code": "Codes"}[rows]
    click.echo(f"{plural} × {meta['title']} — codings by {meta['coder']}")
    click.echo(render(headers, wide.values.tolist()))
    click.echo("Cells: participants with the code / participants in the group (%) · number of codings.")
    if meta.get("compared"):
        a, b = meta["compared"]
        click.echo(f"Tests compare {a} with {b} (OR > 1: more often among {a}); "
                   f"'{meta['untested']}' is shown but not tested.")
        click.echo(meta["method"])
    else:
        click.echo("No tests: the columns are not two groups.")
    click.echo(meta["note"])
    for note in meta.get("notes", []):
        click.echo(f"Note: {note}")


# -- qualbench saturation -----------------------------------------------------------------

@click.command()
@PROJECT_OPTION
@click.option("--order", help="Interview order as participants or documents, e.g. P03,P01,P02 "
                              "(default: by interview_date).")
@click.option("--base", default=4, show_default=True, help="Base size: interviews whose codes form the base.")
@click.option("--run", "run_length", default=2, show_default=True, help="Run length: interviews checked for new codes.")
@click.option("--threshold", default=0.05, show_default=True,
              help="New-information threshold as a proportion of the base's codes (0.05 = 5%).")
@click.option("--permutations", default=1000, show_default=True,
              help="Random interview orders for the permutation check (0 to skip).")
@click.option("--seed", default=2020, show_default=True, help="Seed of the random orders (same seed, same result).")
@click.option("--coder", help="Whose codings count where an interview is not reconciled (default: analysis_coder in qualbench.toml, else the coder with most codings; reconciled interviews count their consensus).")
@click.option("--plot", "plot_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the curves to FILE (.png, .svg or .pdf) with matplotlib.")
@click.option("--force", is_flag=True, help="Overwrite the --plot FILE if it exists.")
@FORMAT_OPTION
@friendly_errors
def saturation(project_dir: Path, order: str | None, base: int, run_length: int, threshold: float,
               permutations: int, seed: int, coder: str | None, plot_file: Path | None, force: bool,
               fmt: str) -> None:
    """Thematic saturation (Guest, Namey & Chen 2020, PLoS ONE) over the coded interviews.

    New and cumulative codes per interview, the saturation point for the base size, run
    length and new-information threshold, a check over random interview orders, and the
    code-frequency curve. --format csv writes the per-interview table.
    """
    if plot_file is not None and plot_file.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise QualbenchError("--plot needs a .png, .svg or .pdf file name", source=plot_file)
    if permutations < 0:
        raise QualbenchError(f"--permutations must be 0 or more, not {permutations}")
    project = _open(project_dir)
    names = [o.strip() for o in order.split(",") if o.strip()] if order else None
    result = project.saturation(order=names, base=base, run=run_length, threshold=threshold,
                                permutations=permutations, seed=seed, coder=coder)
    if plot_file is not None:
        plot_file = project.export_saturation_plot(result, plot_file, force).path
    if fmt == "csv":
        click.echo(result.curve.assign(new_code_names=result.curve["new_code_names"].map("; ".join))
                   .to_csv(index=False), nl=False)
        return
    if fmt == "json":
        perm = result.permutations
        _echo_json({"base": result.base, "run": result.run, "threshold": result.threshold,
                    "coder": result.coder, "order": result.order_source, "point": result.point,
                    "headline": result.headline(), "curve": _records(result.curve),
                    "windows": _records(result.windows), "frequencies": _records(result.frequencies),
                    "permutations": None if perm is None else {
                        "orders": perm.orders, "seed": perm.seed, "reached": perm.reached,
                        "median": perm.median, "iqr": perm.iqr},
                    "notes": result.notes})
        return
    click.echo(saturation_text(result))
    if len(result.curve):
        click.echo("")
        click.echo(terminal_plot(result))
    if plot_file is not None:
        click.echo(f"Wrote {plot_file}")


def saturation_text(result) -> str:
    curve = result.curve
    lines = [f"Saturation (Guest, Namey & Chen 2020) — codings by {result.coder}, "
             f"{len(curve)} interviews ordered by {result.order_source}", ""]
    rows = [[str(r.position), r.document, r.participant or "", r.date or "", str(r.codes),
             str(r.new_codes), str(r.cumulative)] for r in curve.itertuples()]
    lines.append(render(["#", "interview", "participant", "date", "codes", "new", "cumulative"], rows))
    lines.append("")
    for w in result.windows.itertuples():
        pct = "—" if math.isnan(w.new_info_pct) else f"{w.new_info_pct:.1f}%"
        lines.append(f"  base 1–{w.base_end} ({w.base_codes} codes), run {w.run_from}–{w.run_to}: "
                     f"{w.new_in_run} new = {pct} {'≤' if w.met else '>'} {100 * result.threshold:g}%")
    lines.append(result.headline())
    if result.permutations is not None:
        lines.append(result.permutations.line())
    top = result.frequencies.head(5)
    if len(top):
        lines.append("Most frequent codes (interviews): "
                     + "; ".join(f"{r.code} ({r.interviews})" for r in top.itertuples()))
    lines.extend(f"Note: {n}" for n in result.notes)
    return "\n".join(lines)


def terminal_plot(result) -> str:
    """New codes (bars) and cumulative codes (line) per interview, drawn with plotext."""
    import plotext as plt

    curve = result.curve
    width = min(100, shutil.get_terminal_size((100, 24)).columns)
    plt.clf()
    plt.theme("clear")
    plt.plotsize(width, 20)
    x = curve["position"].tolist()
    plt.bar(x, curve["new_codes"].tolist(), label="new codes", width=0.4)
    plt.plot(x, curve["cumulative"].tolist(), label="cumulative codes", marker="dot")
    if result.point is not None:
        plt.vline(result.point)
    plt.title(f"Codes per interview (saturation {'at ' + str(result.point) if result.reached else 'not reached'})")
    plt.xlabel("interview in order")
    text = plt.build()
    plt.clf()
    return text
