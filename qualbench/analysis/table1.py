"""Participant characteristics ("Table 1") by responder group and overall.

Why a table of its own: every clinical paper describes its sample before its findings,
and in a mixed-methods study the reader needs to see whether, say, the responders were
older or had a different pain syndrome before reading their quotes. The columns are the
groups of :func:`qualbench.analysis.summary.make_groups` (responder / non-responder /
no outcome by default, the "no outcome" column always shown) and "overall".

Statistics, as clinical journals expect them:

* categories: n (%) with the group's N as denominator; participants without a value
  are a "missing" level, so the percentages of a group add up to 100;
* numbers: mean ± SD (sample SD, n − 1) and median [min–max], over the participants
  with a value (n in the ``n`` column); a "missing" row when anyone lacks a value;
* a category every participant shares (the pain scale, say) is not a row of 100%s but a
  sentence under the table (``frame.attrs["constant"]``, :func:`constant_note`).

No tests are computed here: with groups of 3 to 17 participants a column of p-values
under Table 1 invites reading baseline differences as findings (CONSORT advises
against it for the same reason).

The result is tidy — one row per variable × level/statistic × group — so it exports to
CSV or pivots for display (:func:`table1_wide`).
"""
from __future__ import annotations

import math

import pandas as pd

from .summary import Groups, pct_text

OVERALL = "overall"
COLUMNS = ["variable", "type", "level", "statistic", "group", "n", "N", "pct",
           "mean", "sd", "median", "min", "max", "text"]
DERIVED = {"pct_reduction": "pain reduction (%)"}


def table1(participants: pd.DataFrame, groups: Groups, attribute_types: dict[str, str]) -> pd.DataFrame:
    """Tidy Table 1 of ``participants`` (rows of ``project.participants()``).

    Variables: every *number* and *category* attribute in table order (dates and free
    text are left out), then the derived percent pain reduction. The grouping column
    itself is left out.
    """
    columns = _group_columns(participants, groups)
    rows = [_row("participants", "count", None, "n", g, n=len(ids), N=len(ids), text=f"n = {len(ids)}")
            for g, ids in columns.items()]
    grouped = {c.casefold() for c in _grouping_columns(groups)}
    indexed = participants.set_index("participant") if len(participants) else participants
    constant: dict[str, str] = {}
    for name, kind in list(attribute_types.items()) + [(k, "number") for k in DERIVED]:
        if name.casefold() in grouped or name not in participants.columns:
            continue
        label = DERIVED.get(name, name)
        values = indexed[name] if len(indexed) else pd.Series(dtype=object)
        if kind == "category" and len(values) > 1 and values.notna().all() and values.nunique() == 1:
            # Every participant the same (e.g. the pain scale): a sentence, not rows of 100%.
            constant[label] = str(values.iloc[0])
            continue
        if kind == "category":
            rows += _category_rows(label, indexed[name] if len(indexed) else pd.Series(dtype=object), columns)
        elif kind == "number":
            rows += _number_rows(label, indexed[name] if len(indexed) else pd.Series(dtype=float), columns)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame.attrs["constant"] = constant
    return frame


def constant_note(frame: pd.DataFrame) -> str:
    """'Same for every participant: pain_scale NRS 0-10.' and who was left out as not
    interviewed (or '' when neither applies)."""
    parts = []
    constant = frame.attrs.get("constant") or {}
    if constant:
        parts.append("Same for every participant: " + "; ".join(f"{k} {v}" for k, v in constant.items()) + ".")
    left_out = frame.attrs.get("not_interviewed") or []
    if left_out:
        parts.append(f"Not interviewed, so not in the table: {', '.join(left_out)}.")
    return " ".join(parts)


def _grouping_columns(groups: Groups) -> list[str]:
    from .summary import split_by
    return split_by(groups.by)


def _group_columns(participants: pd.DataFrame, groups: Groups) -> dict[str, list[str]]:
    columns = {g: groups.members(g) for g in groups.order}
    columns[OVERALL] = list(participants["participant"]) if len(participants) else []
    return columns


def _row(variable, kind, level, statistic, group, **values) -> dict:
    row = dict.fromkeys(COLUMNS)
    row.update(variable=variable, type=kind, level=level, statistic=statistic, group=group, **values)
    return row


def _category_rows(label: str, series: pd.Series, columns: dict[str, list[str]]) -> list[dict]:
    value_of = {person: _level(v) for person, v in series.items()}
    levels = sorted({v for v in value_of.values() if v is not None}, key=str.casefold)
    if any(v is None for v in value_of.values()):
        levels.append("missing")
    rows = []
    for level in levels:
        for group, ids in columns.items():
            n = sum(1 for p in ids if (value_of.get(p) or "missing") == level)
            pct = 100 * n / len(ids) if ids else math.nan
            text = f"{n} ({pct_text(pct)})" if ids else "0"
            rows.append(_row(label, "category", level, "n (%)", group, n=n, N=len(ids), pct=pct, text=text))
    return rows


def _level(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _number_rows(label: str, series: pd.Series, columns: dict[str, list[str]]) -> list[dict]:
    numbers = pd.to_numeric(series, errors="coerce")
    rows = []
    any_missing = bool(numbers.isna().any())
    for group, ids in columns.items():
        part = numbers.loc[ids].dropna() if ids else pd.Series(dtype=float)
        n = len(part)
        mean = float(part.mean()) if n else math.nan
        sd = float(part.std(ddof=1)) if n > 1 else math.nan
        median = float(part.median()) if n else math.nan
        lo, hi = (float(part.min()), float(part.max())) if n else (math.nan, math.nan)
        common = dict(n=n, N=len(ids), mean=mean, sd=sd, median=median, min=lo, max=hi)
        rows.append(_row(label, "number", None, "mean ± SD", group, **common,
                         text=f"{_num(mean, 1)} ± {_num(sd, 1)}" if n else "—"))
        rows.append(_row(label, "number", None, "median [range]", group, **common,
                         text=f"{_num(median)} [{_num(lo)}–{_num(hi)}]" if n else "—"))
        if any_missing:
            missing = len(ids) - n
            pct = 100 * missing / len(ids) if ids else math.nan
            rows.append(_row(label, "number", "missing", "n (%)", group, n=missing, N=len(ids), pct=pct,
                             text=f"{missing} ({pct_text(pct)})" if ids else "0"))
    return rows


def _num(value: float, decimals: int | None = None) -> str:
    """54.0 -> "54", 55.5 -> "55.5"; with ``decimals``, always that many (means, SDs)."""
    if value is None or math.isnan(value):
        return "—"
    if decimals is not None:
        return f"{value:.{decimals}f}"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def table1_wide(tidy: pd.DataFrame) -> pd.DataFrame:
    """One row per variable line, one column per group (cells are the formatted text)."""
    if tidy.empty:
        return pd.DataFrame()
    lines = tidy.assign(line=[(lvl if lvl is not None else stat)
                              for lvl, stat in zip(tidy["level"], tidy["statistic"])])
    groups = list(dict.fromkeys(lines["group"]))
    keys = list(dict.fromkeys(zip(lines["variable"], lines["line"])))
    cells = {(r.variable, r.line, r.group): r.text for r in lines.itertuples()}
    data = [[cells.get((v, l, g), "") for g in groups] for v, l in keys]
    index = pd.MultiIndex.from_tuples(keys, names=["variable", "line"])
    header = {g: f"{g} (n={int(tidy[(tidy.variable == 'participants') & (tidy.group == g)]['n'].iloc[0])})"
              if ((tidy.variable == "participants") & (tidy.group == g)).any() else g for g in groups}
    return pd.DataFrame(data, index=index, columns=[header[g] for g in groups])
