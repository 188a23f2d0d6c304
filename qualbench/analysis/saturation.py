"""Thematic saturation by the method of Guest, Namey & Chen (2020).

Guest G, Namey E, Chen M. A simple method to assess and report thematic saturation in
qualitative research. PLoS ONE 2020;15(5):e0232076. doi:10.1371/journal.pone.0232076

Why this method: the sister study says it interviewed "until saturation"; this makes
that claim checkable. The method needs nothing but the order of the interviews and the
codes applied in each, and has three parameters, all reported with the result:

* **base size** *b* (default 4): the first *b* interviews form the base; the number of
  unique codes in the base is the denominator;
* **run length** *r* (default 2): the *r* interviews right after the base form the run;
  the codes in the run that are not in the base are the new information;
* **new-information threshold** (default 5%): new codes in the run / unique codes in the
  base; saturation is reached when this is ≤ the threshold.

If the threshold is not met, the run rolls forward one interview at a time (interviews
b+2…b+r+1, then b+3…, and so on) while the denominator stays the unique codes of the
initial base; a run's new information is the codes it contains that no earlier interview
had. This repeats until a run meets the threshold or no full run is left ("not reached").
The saturation point is the last interview before the run that met the threshold; the
paper's "b+r" notation (e.g. "6+2") says it took r more interviews to show it. Ratios are
compared exactly (integers, not floats), so 2 new codes on a base of 40 is exactly 5% and
meets a ≤5% threshold. (The full text of the paper was not reachable from this machine
when this was written; the fixed denominator follows the paper's definition of the base
as "the basis of the denominator" and an independent public R implementation. Changing
it is one line in :func:`_assess`.)

Interview order matters, so the result comes with a **permutation check**: the same
computation over many random orders (seeded, reproducible), reporting how many orders
reach saturation and the median and interquartile range of the saturation point among
those that do — a spread the paper itself obtains by bootstrapping interview orders.

Also returned: new and cumulative codes per interview (the saturation curve) and the
code-frequency table (in how many interviews each code appears), the two plots of
:func:`plot_saturation`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd

DEFAULT_BASE = 4
DEFAULT_RUN = 2
DEFAULT_THRESHOLD = 0.05
DEFAULT_PERMUTATIONS = 1000
DEFAULT_SEED = 2020

WINDOW_COLUMNS = ["base_end", "base_codes", "run_from", "run_to", "new_in_run", "new_info_pct", "met"]


@dataclass(frozen=True)
class Interview:
    document: str
    participant: str | None
    date: str | None
    codes: frozenset  # code names applied in it


@dataclass(frozen=True)
class PermutationCheck:
    orders: int
    seed: int
    reached: int
    points: tuple  # saturation point of each order that reached it

    @property
    def median(self) -> float | None:
        return float(np.median(self.points)) if self.points else None

    @property
    def iqr(self) -> tuple[float, float] | None:
        if not self.points:
            return None
        q1, q3 = np.percentile(self.points, [25, 75])
        return float(q1), float(q3)

    def line(self) -> str:
        if not self.reached:
            return f"Permutation check: reached in none of {self.orders:,} random orders (seed {self.seed})."
        q1, q3 = self.iqr
        return (f"Permutation check: reached in {self.reached:,} of {self.orders:,} random orders "
                f"(seed {self.seed}); saturation point median {_n(self.median)}, "
                f"IQR {_n(q1)}–{_n(q3)}.")


@dataclass
class SaturationResult:
    """Everything :func:`saturation` computes; the DataFrames are tidy.

    ``curve``: one row per interview in order — ``position`` (1-based), ``document``,
    ``participant``, ``date``, ``codes`` (distinct codes applied), ``new_codes``,
    ``cumulative`` (unique codes so far), ``new_code_names``.
    ``windows``: one row per assessment — ``base_end`` (interviews 1…base_end form the
    base), ``base_codes``, ``run_from``, ``run_to``, ``new_in_run``, ``new_info_pct``,
    ``met``.
    ``frequencies``: one row per code — ``code``, ``interviews`` (in how many it
    appears), ``first_position``; most frequent first.
    """
    base: int
    run: int
    threshold: float
    order_source: str
    coder: str
    curve: pd.DataFrame
    windows: pd.DataFrame
    frequencies: pd.DataFrame
    point: int | None
    permutations: PermutationCheck | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def reached(self) -> bool:
        return self.point is not None

    def headline(self) -> str:
        rule = f"base {self.base}, run {self.run}, new information ≤ {_pct(self.threshold)}"
        n = len(self.curve)
        if self.point is None:
            why = (f"only {plural(n, 'interview')}, fewer than base + run" if n < self.base + self.run
                   else "no run met the threshold")
            return f"Saturation not reached ({rule}; {why})."
        w = self.windows[self.windows["met"]].iloc[0]
        return (f"Saturation reached at interview {self.point} ({self.point}+{self.run}; {rule}: "
                f"{run_text(int(w.run_from), int(w.run_to))} added {plural(int(w.new_in_run), 'new code')} "
                f"to {int(w.base_codes)} = {w.new_info_pct:.1f}%).")


def plural(n: int, word: str) -> str:
    """'1 interview', '5 interviews'."""
    return f"{n} {word}{'s' if n != 1 else ''}"


def run_text(first: int, last: int, one: str = "interview", many: str = "interviews") -> str:
    """'interview 5' for a run of one, 'interviews 5–6' for more."""
    return f"{one} {first}" if first == last else f"{many} {first}–{last}"


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


def _pct(x: float) -> str:
    return f"{100 * x:g}%"


def check_parameters(base: int, run: int, threshold: float) -> None:
    from ..errors import QualbenchError
    if base < 1:
        raise QualbenchError(f"base size must be at least 1, not {base}")
    if run < 1:
        raise QualbenchError(f"run length must be at least 1, not {run}")
    if not 0 <= threshold < 1:
        raise QualbenchError(f"threshold is a proportion in [0, 1), e.g. 0.05 for 5%, not {threshold}")


def _assess(code_sets: list, base: int, run: int, threshold: float):
    """Yield (base_end, base_codes, new_in_run, met) for each assessment, in order."""
    masks = _as_masks(code_sets)
    cum = _cumulative(masks)
    limit = Fraction(str(threshold))
    base_codes = cum[base].bit_count() if len(masks) >= base else 0  # the initial base, fixed
    for base_end in range(base, len(masks) - run + 1):
        new = (cum[base_end + run] & ~cum[base_end]).bit_count()     # new vs every earlier interview
        yield base_end, base_codes, new, bool(base_codes) and Fraction(new, base_codes) <= limit


def saturation_point(code_sets: list, base: int = DEFAULT_BASE, run: int = DEFAULT_RUN,
                     threshold: float = DEFAULT_THRESHOLD) -> int | None:
    """The saturation point (1-based last interview of the base) or None if not reached.

    ``code_sets`` are the interviews' codes in order, as sets or as integer bit masks.
    """
    return next((end for end, _, _, met in _assess(code_sets, base, run, threshold) if met), None)


def assessment_windows(code_sets: list, base: int, run: int, threshold: float) -> pd.DataFrame:
    """Every assessment the method makes, up to and including the first that meets it."""
    rows = []
    for base_end, base_codes, new, met in _assess(code_sets, base, run, threshold):
        rows.append({"base_end": base_end, "base_codes": base_codes, "run_from": base_end + 1,
                     "run_to": base_end + run, "new_in_run": new,
                     "new_info_pct": 100 * new / base_codes if base_codes else math.nan, "met": met})
        if met:
            break
    return pd.DataFrame(rows, columns=WINDOW_COLUMNS)


def permutation_check(code_sets: list, base: int, run: int, threshold: float, *,
                      orders: int = DEFAULT_PERMUTATIONS, seed: int = DEFAULT_SEED) -> PermutationCheck:
    """Saturation points over ``orders`` random interview orders (numpy default_rng(seed))."""
    masks = _as_masks(code_sets)
    rng = np.random.default_rng(seed)
    points = []
    for _ in range(orders):
        order = rng.permutation(len(masks))
        point = saturation_point([masks[i] for i in order], base, run, threshold)
        if point is not None:
            points.append(point)
    return PermutationCheck(orders=orders, seed=seed, reached=len(points), points=tuple(points))


def saturation(interviews: list[Interview], *, base: int = DEFAULT_BASE, run: int = DEFAULT_RUN,
               threshold: float = DEFAULT_THRESHOLD, permutations: int = DEFAULT_PERMUTATIONS,
               seed: int = DEFAULT_SEED, order_source: str = "given", coder: str = "",
               notes: list[str] | None = None) -> SaturationResult:
    """The whole analysis for interviews already in order."""
    check_parameters(base, run, threshold)
    sets = [iv.codes for iv in interviews]
    return SaturationResult(
        base=base, run=run, threshold=threshold, order_source=order_source, coder=coder,
        curve=_curve(interviews), windows=assessment_windows(sets, base, run, threshold),
        frequencies=_frequencies(interviews), point=saturation_point(sets, base, run, threshold),
        permutations=permutation_check(sets, base, run, threshold, orders=permutations, seed=seed)
        if permutations else None,
        notes=list(notes or []))


def _as_masks(code_sets: list) -> list[int]:
    if all(isinstance(s, int) for s in code_sets):
        return list(code_sets)
    index: dict = {}
    masks = []
    for codes in code_sets:
        mask = 0
        for code in codes:
            mask |= 1 << index.setdefault(code, len(index))
        masks.append(mask)
    return masks


def _cumulative(masks: list[int]) -> list[int]:
    """cum[k] = union of the first k interviews (cum[0] = empty)."""
    cum = [0]
    for m in masks:
        cum.append(cum[-1] | m)
    return cum


def _curve(interviews: list[Interview]) -> pd.DataFrame:
    seen: set = set()
    rows = []
    for i, iv in enumerate(interviews, start=1):
        new = sorted(iv.codes - seen, key=str.casefold)
        seen |= iv.codes
        rows.append({"position": i, "document": iv.document, "participant": iv.participant,
                     "date": iv.date, "codes": len(iv.codes), "new_codes": len(new),
                     "cumulative": len(seen), "new_code_names": new})
    return pd.DataFrame(rows, columns=["position", "document", "participant", "date", "codes",
                                       "new_codes", "cumulative", "new_code_names"])


def _frequencies(interviews: list[Interview]) -> pd.DataFrame:
    first: dict = {}
    count: dict = {}
    for i, iv in enumerate(interviews, start=1):
        for code in iv.codes:
            first.setdefault(code, i)
            count[code] = count.get(code, 0) + 1
    frame = pd.DataFrame([{"code": c, "interviews": count[c], "first_position": first[c]} for c in count],
                         columns=["code", "interviews", "first_position"])
    return frame.sort_values(["interviews", "first_position", "code"],
                             ascending=[False, True, True]).reset_index(drop=True)


def plot_saturation(result: SaturationResult, path, fmt: str | None = None) -> None:
    """Write the saturation curve and the code-frequency curve to PNG/SVG/PDF (matplotlib, Agg).

    ``path`` is a file name (the format follows its suffix) or a binary file object
    (then ``fmt`` says which)."""
    import matplotlib
    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    curve = result.curve
    fig = Figure(figsize=(10, 4.2), layout="constrained")
    left, right = fig.subplots(1, 2)
    left.bar(curve["position"], curve["new_codes"], color="#9ecae1", label="new codes")
    left.plot(curve["position"], curve["cumulative"], color="#08519c", marker="o", markersize=3,
              label="cumulative codes")
    if result.point is not None:
        left.axvline(result.point, color="#d94801", linestyle="--",
                     label=f"saturation ({result.point}+{result.run})")
    left.set_xlabel("interview (in order)")
    left.set_ylabel("codes")
    left.set_title(f"Saturation: base {result.base}, run {result.run}, ≤{_pct(result.threshold)} new")
    left.legend(frameon=False, fontsize=8)
    freq = result.frequencies
    right.plot(range(1, len(freq) + 1), freq["interviews"], color="#08519c", marker=".")
    right.set_xlabel("code (rank by frequency)")
    right.set_ylabel("interviews with the code")
    right.set_title("Code frequency")
    fig.savefig(path, format=fmt)
