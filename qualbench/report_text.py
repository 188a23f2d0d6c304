"""Plain-text renderings of analysis results for the terminal (CLI output)."""
from __future__ import annotations

import math

import pandas as pd

from .analysis.agreement import percent_text, reading
from .analysis.intercoder import reported_statistics

_SHORT = {"percent_agreement": "%agree", "cohen_kappa": "Cohen κ", "mean_pairwise_cohen_kappa": "Light κ",
          "fleiss_kappa": "Fleiss κ",
          "krippendorff_alpha": "Kripp. α", "gwet_ac1": "Gwet AC1", "brennan_prediger": "B-P κ",
          "n_units": "units", "agreements": "agree", "disagreements": "disagree", "total": "total",
          "kappa": "κ"}


def _fmt(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def agreement_table(result: dict, frame) -> str:
    cols = list(frame.columns)
    width = max(len(str(c)) for c in frame["code"]) + 2
    header = "code".ljust(width) + "".join(_SHORT.get(c, c).rjust(10) for c in cols[1:])
    lines = [_title(result), "", header, "-" * len(header)]
    for _, row in frame.iterrows():
        if str(row["code"]).startswith("OVERALL") and not lines[-1].startswith("-"):
            lines.append("-" * len(header))
        lines.append(str(row["code"]).ljust(width) + "".join(_fmt(_clean(row[c])).rjust(10) for c in cols[1:]))
    lines.append("")
    lines.extend(_readings(result))
    if result.get("excluded_documents"):
        lines.append("Not compared (not coded by every coder): " + ", ".join(result["excluded_documents"]))
    if result.get("unused_codes"):
        lines.append("Not applied by either coder in these documents (no agreement to measure, left out of "
                     "pooled and mean): " + ", ".join(result["unused_codes"]))
    return "\n".join(lines)


def _clean(v):
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and v.is_integer() and abs(v) > 1:
        return int(v)
    return v


def _title(result: dict) -> str:
    coders = " vs ".join(result["coders"])
    docs = len(result["documents"])
    if result["level"] == "unit":
        return (f"Agreement, unit level ({result['unit']}s; a unit is coded when a coding overlaps it), "
                f"{coders}, {docs} documents")
    if result["level"] == "character":
        return f"Agreement, character level (every character a unit per code), {coders}, {docs} documents"
    return (f"Agreement, segment matching (overlap ≥ {percent_text(result['threshold'])} of the "
            f"{'segment' if result['basis'] == 'segment' else 'union'}), {coders}, {docs} documents; "
            "κ uses chance = 1 / number of codes")


def _readings(result: dict) -> list[str]:
    if result["level"] == "segment":
        o = result["overall"]
        return [f"Overall κ = {_fmt(o['kappa'])}: {reading(o['kappa'], 'cohen_kappa')}"]
    pooled = result["overall_pooled"]
    out = ["Readings (pooled):"]
    for stat in reported_statistics(result)[1:]:  # the chance-corrected ones
        out.append(f"  {_SHORT[stat]:<9} {_fmt(pooled.get(stat)):>7}  {reading(pooled.get(stat), stat)}")
    for stat, why in (pooled.get("undefined") or {}).items():
        out.append(f"  {stat}: undefined — {why}")
    return out


def history_text(frame) -> str:
    """The codebook history as a reader wants it: one change per line, the reason under it."""
    lines = []
    for r in frame.itertuples():
        flag = "  (undone)" if r.undone else ""
        lines.append(f"{r.date[:16]}  {r.coder:<12} {r.what}{flag}")
        if r.reason:
            lines.append(f"{'':<30}why: {r.reason}")
    return "\n".join(lines)


def similar_text(frame) -> str:
    """Merge candidates, best first: the score, the pair, and why they were suggested."""
    lines = []
    for r in frame.itertuples():
        lines.append(f"{r.score:.2f}  {r.code_a}  ⇄  {r.code_b}")
        lines.append(f"      {r.why}")
    return "\n".join(lines)
