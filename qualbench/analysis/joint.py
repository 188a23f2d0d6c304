"""Joint displays: codebook nodes (themes, categories or codes) against participant groups.

This is the mixed-methods view of the study: does a theme turn up as often among
responders as among non-responders, among those who would undergo iMCS again as among
those who would not? Rows are codebook nodes; a node counts a participant when any code
in its subtree (the node itself or anything below it) is applied in one of their
interviews. Columns are participant groups (:func:`.summary.make_groups`); the group of
participants without a value ("no outcome", "no answer", "missing") is always a column
of its own, so nobody disappears from the table.

The unit is the **participant**, not the coding: a patient who talks about sleep ten
times is one patient with the code. The number of codings is reported beside it, as
commercial tools' crosstabs do, but the test uses participants.

Statistics, per row, only when the column has exactly two groups with a value
(responder vs non-responder, yes vs no, female vs male …); the missing group is never
part of the test. For the 2×2 table (group × node present/absent):

* **Fisher's exact test**, two-sided (:func:`scipy.stats.fisher_exact`): exact at any
  group size, which is what 8-versus-17 needs; a chi-square approximation is not.
* **Odds ratio** = odds of the node in the first group / odds in the second, as the
  **conditional maximum-likelihood estimate with its exact 95% CI**
  (:func:`scipy.stats.contingency.odds_ratio`, ``kind="conditional"``). It is the
  estimate that belongs to Fisher's test (the same conditional distribution, as R's
  ``fisher.test`` reports) and it stays defined with an empty cell, where it is 0 or ∞
  with an honest open-ended interval instead of the made-up finite value a Haldane
  +0.5 correction gives.
* **Benjamini–Hochberg** adjusted p across the tested rows
  (:func:`scipy.stats.false_discovery_control`), since a codebook has dozens of rows.

These tests are exploratory: groups are small, rows many, and participants were not
sampled to test them. They point at quotes to read, not at findings to report as such.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from .summary import Groups, pct_text

ROW_KINDS = ("theme", "category", "code")
COLUMNS = ["node", "node_id", "kind", "group", "n_with", "n_group", "percent", "n_codings",
           "tested", "p_fisher", "odds_ratio", "or_ci_low", "or_ci_high", "p_bh"]
METHOD_NOTE = ("Fisher's exact test (two-sided) per row; odds ratio = conditional MLE with exact "
               "95% CI (scipy.stats.contingency.odds_ratio); p_bh = Benjamini–Hochberg across rows.")
EXPLORATORY_NOTE = ("Exploratory: small groups and many rows; read a low p as a pointer to the "
                    "quotes, not as a finding.")


@dataclass(frozen=True)
class Node:
    id: int
    name: str
    kind: str
    codes: frozenset  # ids of the node and every code below it


@dataclass(frozen=True)
class PairTest:
    p: float
    odds_ratio: float
    ci_low: float
    ci_high: float


def subtree_nodes(codes: Iterable, kind: str) -> list[Node]:
    """Nodes of one kind (codebook order) with the ids of their whole subtree.

    ``codes`` are :class:`qualbench.model.Code` objects (``project.codes()``).
    """
    codes = list(codes)
    children: dict = {}
    for c in codes:
        children.setdefault(c.parent_id, []).append(c.id)

    def below(code_id: int) -> set:
        out = {code_id}
        for child in children.get(code_id, []):
            out |= below(child)
        return out
    return [Node(c.id, c.name, c.kind, frozenset(below(c.id))) for c in codes if c.kind == kind]


def pair_test(a_with: int, a_n: int, b_with: int, b_n: int) -> PairTest:
    """Fisher p and conditional-MLE odds ratio (exact 95% CI) for group a vs group b."""
    from scipy.stats import fisher_exact  # SciPy only when a test runs: the CLI starts faster
    from scipy.stats.contingency import odds_ratio

    if a_n == 0 or b_n == 0:
        return PairTest(math.nan, math.nan, math.nan, math.nan)
    table = [[a_with, a_n - a_with], [b_with, b_n - b_with]]
    p = float(fisher_exact(table, alternative="two-sided").pvalue)
    if a_with + b_with == 0 or a_with + b_with == a_n + b_n:
        # Nobody (or everybody) has the node: the odds ratio is not estimable.
        return PairTest(p, math.nan, math.nan, math.nan)
    result = odds_ratio(table, kind="conditional")
    ci = result.confidence_interval(confidence_level=0.95)
    return PairTest(p, float(result.statistic), float(ci.low), float(ci.high))


def bh_adjust(pvalues: Iterable[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values; NaN (untested rows) stay NaN and do not count."""
    from scipy.stats import false_discovery_control

    values = np.asarray(list(pvalues), dtype=float)
    out = np.full(values.shape, np.nan)
    tested = ~np.isnan(values)
    if tested.any():
        out[tested] = false_discovery_control(values[tested], method="bh")
    return out.tolist()


def joint_table(groups: Groups, nodes: list[Node], applied: dict) -> pd.DataFrame:
    """The tidy joint display: one row per node × group.

    ``applied`` maps participant label -> {code id: number of codings} for the
    participants who count (those interviewed and coded). Participants of ``groups``
    missing from ``applied`` are left out of every denominator.

    Columns: ``node``, ``node_id``, ``kind``, ``group``; ``n_with`` participants in the
    group with the node; ``n_group`` participants in the group; ``percent`` =
    100 × n_with / n_group (NaN for an empty group); ``n_codings`` codings of the
    node's subtree in the group's interviews; ``tested`` whether the group is one of the
    two compared; and per node (repeated on each of its rows) ``p_fisher``,
    ``odds_ratio``, ``or_ci_low``, ``or_ci_high``, ``p_bh`` — NaN when the column is
    not a two-group one.
    """
    members = {g: [p for p in groups.members(g) if p in applied] for g in groups.order}
    rows, tests = [], []
    for node in nodes:
        counts = {}
        for group, people in members.items():
            n_with = sum(1 for p in people if any(applied[p].get(c) for c in node.codes))
            n_codings = sum(applied[p].get(c, 0) for p in people for c in node.codes)
            counts[group] = (n_with, len(people), n_codings)
        test = None
        if groups.compared:
            a, b = groups.compared
            test = pair_test(counts[a][0], counts[a][1], counts[b][0], counts[b][1])
        tests.append(test)
        for group, (n_with, n_group, n_codings) in counts.items():
            rows.append({
                "node": node.name, "node_id": node.id, "kind": node.kind, "group": group,
                "n_with": n_with, "n_group": n_group,
                "percent": 100 * n_with / n_group if n_group else math.nan,
                "n_codings": n_codings, "tested": bool(groups.compared and group in groups.compared),
                "p_fisher": test.p if test else math.nan,
                "odds_ratio": test.odds_ratio if test else math.nan,
                "or_ci_low": test.ci_low if test else math.nan,
                "or_ci_high": test.ci_high if test else math.nan})
    adjusted = dict(zip([n.id for n in nodes], bh_adjust([t.p if t else math.nan for t in tests])))
    frame = pd.DataFrame(rows, columns=COLUMNS[:-1])
    frame["p_bh"] = [adjusted[i] for i in frame["node_id"]] if len(frame) else []
    return frame[COLUMNS]


def crosstab_table(row_groups: Groups, col_groups: Groups) -> pd.DataFrame:
    """Counts and percentages of every row-group × column-group combination (tidy).

    Columns: the two grouping names, ``n``, ``pct_of_row``, ``pct_of_column``,
    ``pct_of_total`` (percent of all participants). Missing groups are kept.
    """
    people = list(row_groups.labels)
    total = len(people)
    rows = []
    for r in row_groups.order:
        row_n = row_groups.size(r)
        for c in col_groups.order:
            col_n = col_groups.size(c)
            n = sum(1 for p in people if row_groups.labels[p] == r and col_groups.labels.get(p) == c)
            rows.append({row_groups.by: r, col_groups.by: c, "n": n,
                         "pct_of_row": 100 * n / row_n if row_n else math.nan,
                         "pct_of_column": 100 * n / col_n if col_n else math.nan,
                         "pct_of_total": 100 * n / total if total else math.nan})
    return pd.DataFrame(rows, columns=[row_groups.by, col_groups.by, "n", "pct_of_row",
                                       "pct_of_column", "pct_of_total"])


def crosstab_test(table: pd.DataFrame, row_groups: Groups, col_groups: Groups) -> PairTest | None:
    """Fisher / odds ratio on the 2×2 of the two compared groups of each side, if both have them."""
    if not (row_groups.compared and col_groups.compared):
        return None
    (r1, r2), (c1, c2) = row_groups.compared, col_groups.compared
    n = {(r, c): int(v) for r, c, v in zip(table[row_groups.by], table[col_groups.by], table["n"])}
    return pair_test(n[r1, c1], n[r1, c1] + n[r1, c2], n[r2, c1], n[r2, c1] + n[r2, c2])


# -- display helpers (CLI table, TUI grid) ------------------------------------------------

def fmt_p(p: float) -> str:
    if p is None or math.isnan(p):
        return "—"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def fmt_or(odds: float, low: float, high: float) -> str:
    if odds is None or math.isnan(odds):
        return "—"
    def one(x: float) -> str:
        return "∞" if math.isinf(x) else (f"{x:.2f}" if x < 100 else f"{x:.0f}")
    return f"{one(odds)} [{one(low)}; {one(high)}]"


def cell_text(n_with: int, n_group: int, n_codings: int) -> str:
    if not n_group:
        return "0/0"
    return f"{n_with}/{n_group} ({pct_text(100 * n_with / n_group)}) · {n_codings}"


def joint_wide(tidy: pd.DataFrame) -> pd.DataFrame:
    """One row per node: a "n/N (%) · codings" cell per group, then p, OR [CI], p (BH)."""
    if tidy.empty:
        return pd.DataFrame(columns=["node"])
    groups = list(dict.fromkeys(tidy["group"]))
    out = []
    for node_id, part in tidy.groupby("node_id", sort=False):
        first = part.iloc[0]
        row = {"node": first["node"]}
        for r in part.itertuples():
            row[r.group] = cell_text(r.n_with, r.n_group, r.n_codings)
        if not math.isnan(first["p_fisher"]):
            row["p"] = fmt_p(first["p_fisher"])
            row["OR [95% CI]"] = fmt_or(first["odds_ratio"], first["or_ci_low"], first["or_ci_high"])
            row["p (BH)"] = fmt_p(first["p_bh"])
        out.append(row)
    columns = ["node"] + groups + [c for c in ("p", "OR [95% CI]", "p (BH)") if any(c in r for r in out)]
    return pd.DataFrame(out, columns=columns).fillna("—")
