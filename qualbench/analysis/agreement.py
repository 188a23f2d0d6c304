"""Inter-coder agreement for qualitative coding: pure functions on plain data.

What this module is for
-----------------------
Two or more people code the same interview transcripts; before their codes are
trusted, the team reports how far the coders agree.  This module computes the
usual agreement statistics at three levels, without touching the database:

1. ``unit_agreement`` -- each coder gives each unit (a segment, a paragraph,
   an answer) one label or none.  For a single code the labels are
   present/absent; for a mutually exclusive code group they are the codes of
   the group (nominal data with more than two categories, missing allowed).
2. ``character_agreement`` -- NVivo's "coding comparison": every character of
   a document is a unit per code, coded or not by each coder.
3. ``segment_agreement`` -- MAXQDA's "segment agreement": a coded segment
   agrees when the other coder has a segment with the same code in the same
   document that overlaps it enough.

Conventions
-----------
* Data are nominal.  No statistic here uses an ordering of the categories.
* Every proportion is a fraction in [0, 1] (0.85, never 85), including the
  segment-matching threshold (0.9 means 90 %).
* A statistic that is undefined for the data (typically 0/0: every coder gave
  every unit the same category, so chance agreement is 1) is reported as
  ``None`` and its reason is given under ``"undefined"``
  (statistic -> reason).  Nothing undefined is silently turned into 0 or 1.
* Each result reports the number of units it rests on and a reading of each
  value: Landis & Koch (1977) bands for kappa-type coefficients and
  Krippendorff's (2004) thresholds for alpha (>= .800 reliable, .667-.800
  tentative); see ``reading``.
* Character offsets are Python string indices, i.e. Unicode code points: an
  emoji that is one code point counts as one character (not two UTF-16 units).
* Missing ratings (``None``) follow Gwet (2014), as the irrCAC package does:
  category shares pi_k are the mean, over all units rated by at least one
  coder, of n_ik / r_i (n_ik = ratings of unit i in category k, r_i = ratings
  of unit i); observed agreement is averaged over units with >= 2 ratings.

Statistics
----------
percent agreement
    2 coders: share of the units both rated on which they agree.  3+ coders:
    for each unit with >= 2 ratings, the share of agreeing coder pairs; mean
    over those units.
Cohen's kappa (Cohen 1960)
    2 coders, each coder's own marginals, units both rated.  For 3+ coders the
    kappa of every pair (on the units that pair both rated) and their mean
    (Light's kappa, Light 1971).
Fleiss' kappa (Fleiss 1971)
    pooled marginals; equals Scott's pi for 2 coders with complete data.
Krippendorff's alpha (Krippendorff 2004/2011), nominal, missing allowed.
Gwet's AC1 (Gwet 2008, 2014); chance agreement sum_k pi_k (1 - pi_k) / (q - 1).
Brennan-Prediger kappa (Brennan & Prediger 1981): chance agreement 1/q over
    the q categories offered.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from decimal import Decimal
from fractions import Fraction
from itertools import combinations
from numbers import Integral
from typing import Any, Hashable, Iterable, Mapping, Optional, Sequence

import krippendorff
import numpy as np

__all__ = [
    "unit_agreement",
    "character_agreement",
    "segment_agreement",
    "reading",
    "percent_text",
    "mean_of_codes",
    "STATISTICS",
]

# The statistics every stats block reports, in display order.
STATISTICS: tuple[str, ...] = (
    "percent_agreement",
    "cohen_kappa",
    "mean_pairwise_cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "gwet_ac1",
    "brennan_prediger",
)

# Reasons given for undefined values.  Kept as constants so that callers and
# tests can compare them, and so the wording stays the same at every level.
REASON_FEWER_THAN_TWO_CODERS = "needs ratings from at least two coders"
REASON_NO_PAIRABLE_UNITS = "no unit was rated by at least two coders (0/0)"
REASON_ONE_CATEGORY = (
    "every rating falls in one and the same category, so expected (chance) "
    "agreement equals 1 and the coefficient is 0/0"
)
REASON_COHEN_ONE_CATEGORY = (
    "both coders used one and the same category for every unit they both "
    "rated, so expected (chance) agreement equals 1 and kappa is 0/0"
)
REASON_COHEN_NOT_TWO_CODERS = (
    "Cohen's kappa compares exactly two coders; see pairwise_cohen_kappa and "
    "mean_pairwise_cohen_kappa (Light's kappa)"
)
REASON_NO_PAIR_DEFINED = "no pair of coders has a defined Cohen's kappa"
REASON_FEWER_THAN_TWO_CATEGORIES = (
    "fewer than two categories are offered or observed, so chance agreement "
    "is 1 and the coefficient is 0/0"
)
REASON_NO_CHARACTERS = "there are no characters to compare (0/0)"
REASON_NO_SEGMENTS = "there are no coded segments to compare (0/0)"
REASON_ONE_CODE_IN_TABLE = (
    "only one code in the table, so chance agreement 1/(number of codes) is 1 "
    "and kappa is 0/0"
)

_KAPPA_LIKE = frozenset({
    "cohen_kappa",
    "mean_pairwise_cohen_kappa",
    "pairwise_cohen_kappa",
    "light_kappa",
    "fleiss_kappa",
    "scott_pi",
    "gwet_ac1",
    "brennan_prediger",
    "kappa",
})
_ALPHA_LIKE = frozenset({"krippendorff_alpha", "alpha"})
_RAW_AGREEMENT = frozenset({"percent_agreement"})

# Float noise (e.g. 0.7999999999999999 for a value that is .8 on paper) must
# not move a value into another band.
_BAND_TOLERANCE = 1e-9
# Landis & Koch (1977): < 0 poor, 0.00-0.20 slight, 0.21-0.40 fair,
# 0.41-0.60 moderate, 0.61-0.80 substantial, 0.81-1.00 almost perfect; the
# upper bounds are read as inclusive.  A value lands in band i where i is the
# number of edges <= value.
_LANDIS_KOCH_EDGES = np.array([0.0, 0.20, 0.40, 0.60, 0.80]) + np.array(
    [-_BAND_TOLERANCE] + [_BAND_TOLERANCE] * 4
)
_LANDIS_KOCH_LABELS = np.array(
    [
        "poor (Landis & Koch)",
        "slight (Landis & Koch)",
        "fair (Landis & Koch)",
        "moderate (Landis & Koch)",
        "substantial (Landis & Koch)",
        "almost perfect (Landis & Koch)",
    ],
    dtype=object,
)
# Krippendorff (2004): alpha >= .800 reliable, >= .667 tentative conclusions.
_KRIPPENDORFF_EDGES = np.array([0.667, 0.800]) - _BAND_TOLERANCE
_KRIPPENDORFF_LABELS = np.array(
    [
        "unreliable (< .667, Krippendorff)",
        "tentative (.667–.800, Krippendorff)",
        "reliable (≥ .800, Krippendorff)",
    ],
    dtype=object,
)
_RAW_READING = "not chance-corrected (no conventional benchmark)"
_UNDEFINED_READING = "undefined"


# ---------------------------------------------------------------------------
# Readings
# ---------------------------------------------------------------------------


def _reading_list(values: Sequence[Optional[float]], statistic: str) -> list[str]:
    """Readings for many values of one statistic at once (see ``reading``)."""
    name = statistic.strip().lower()
    if name not in _KAPPA_LIKE and name not in _ALPHA_LIKE and name not in _RAW_AGREEMENT:
        raise ValueError(f"no reading is defined for statistic {statistic!r}")
    array = np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    if name in _RAW_AGREEMENT:
        labels = np.full(array.size, _RAW_READING, dtype=object)
    elif name in _ALPHA_LIKE:
        labels = _KRIPPENDORFF_LABELS[np.searchsorted(_KRIPPENDORFF_EDGES, np.nan_to_num(array), side="right")]
    else:
        labels = _LANDIS_KOCH_LABELS[np.searchsorted(_LANDIS_KOCH_EDGES, np.nan_to_num(array), side="right")]
    labels[np.isnan(array)] = _UNDEFINED_READING
    return labels.tolist()


def reading(value: Optional[float], statistic: str) -> str:
    """Return the conventional verbal reading of an agreement value.

    Kappa-type coefficients (``cohen_kappa``, ``mean_pairwise_cohen_kappa``,
    ``fleiss_kappa``, ``gwet_ac1``, ``brennan_prediger``, ``kappa``) get the
    Landis & Koch (1977) band, e.g. ``"almost perfect (Landis & Koch)"``
    (< 0 poor, to .20 slight, to .40 fair, to .60 moderate, to .80
    substantial, above almost perfect).  ``krippendorff_alpha`` gets
    Krippendorff's (2004) thresholds: ``"reliable (≥ .800, Krippendorff)"``,
    ``"tentative (.667–.800, Krippendorff)"`` or
    ``"unreliable (< .667, Krippendorff)"``.  ``percent_agreement`` is not
    chance-corrected and has no conventional benchmark, which is what its
    reading says.  ``None`` (or NaN) reads ``"undefined"``.
    """
    return _reading_list([value], statistic)[0]


def _readings(values: Mapping[str, Optional[float]]) -> dict[str, str]:
    return {name: reading(value, name) for name, value in values.items()}


# ---------------------------------------------------------------------------
# Shared numerical core
# ---------------------------------------------------------------------------


def _coefficients_from_counts(
    counts: np.ndarray, weights: np.ndarray, q: int
) -> dict[str, tuple[np.ndarray, list[Optional[str]]]]:
    """Percent agreement, Fleiss, AC1, Brennan-Prediger, alpha for T tables.

    ``counts`` (U x Q) gives, for each unit *type* u, how many coders put it in
    category k.  ``weights`` (T x U) says how many units of each type table t
    holds.  Plain unit data are one table with weight 1 per unit; at the
    character level a unit type is a pattern of who coded the character and
    its weight the number of such characters, so a million characters cost
    no more than four patterns.  ``q`` is the number of categories offered
    (chance term of AC1 and Brennan-Prediger).

    Returns statistic -> (values, reasons): a float array of length T and, per
    table, ``None`` when defined or the reason it is not (the value is then
    NaN and must not be used).
    """
    counts = np.asarray(counts, dtype=np.float64)
    weights = np.atleast_2d(np.asarray(weights, dtype=np.float64))
    n_tables = weights.shape[0]
    r = counts.sum(axis=1)
    rated = r >= 1
    pairable = r >= 2

    # Observed agreement: per unit, the share of ordered coder pairs that
    # agree, sum_k n_k (n_k - 1) / (r (r - 1)); mean over pairable units.
    pair_den = np.where(pairable, r * (r - 1.0), 1.0)
    unit_pa = np.where(pairable, (counts * (counts - 1.0)).sum(axis=1) / pair_den, 0.0)
    n_pairable = weights @ pairable.astype(np.float64)
    n_rated = weights @ rated.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        pa = (weights @ unit_pa) / n_pairable
        # Gwet (2014) category shares: mean over units rated by >= 1 coder of
        # n_k / r, so a unit rated once still informs the marginals.
        shares = counts / np.where(rated, r, 1.0)[:, None]
        pi = (weights @ shares) / n_rated[:, None]

    # Which categories occur at all: decided on counts, not on floats, so a
    # 0/0 is recognised exactly.
    used_rated = (weights @ (counts > 0).astype(np.float64)) > 0
    used_pairable = (weights @ ((counts > 0) & pairable[:, None]).astype(np.float64)) > 0

    no_pairs = n_pairable <= 0
    one_category = used_rated.sum(axis=1) < 2

    def reasons(undefined_one_category: np.ndarray) -> list[Optional[str]]:
        out = np.where(undefined_one_category, REASON_ONE_CATEGORY, None).astype(object)
        out[no_pairs] = REASON_NO_PAIRABLE_UNITS
        return out.tolist()

    result: dict[str, tuple[np.ndarray, list[Optional[str]]]] = {}
    result["percent_agreement"] = (pa, reasons(np.zeros(n_tables, dtype=bool)))

    with np.errstate(divide="ignore", invalid="ignore"):
        pe_fleiss = (pi**2).sum(axis=1)
        fleiss = (pa - pe_fleiss) / (1.0 - pe_fleiss)
    result["fleiss_kappa"] = (fleiss, reasons(one_category))

    if q >= 2:
        with np.errstate(divide="ignore", invalid="ignore"):
            pe_ac1 = (pi * (1.0 - pi)).sum(axis=1) / (q - 1)
            ac1 = (pa - pe_ac1) / (1.0 - pe_ac1)
            bp = (pa - 1.0 / q) / (1.0 - 1.0 / q)
        result["gwet_ac1"] = (ac1, reasons(np.zeros(n_tables, dtype=bool)))
        result["brennan_prediger"] = (bp, reasons(np.zeros(n_tables, dtype=bool)))
    else:
        nan = np.full(n_tables, np.nan)
        few = np.where(no_pairs, REASON_NO_PAIRABLE_UNITS, REASON_FEWER_THAN_TWO_CATEGORIES)
        few = few.astype(object).tolist()
        result["gwet_ac1"] = (nan, few)
        result["brennan_prediger"] = (nan.copy(), list(few))

    # Krippendorff's alpha from the coincidence matrix, nominal metric:
    # alpha = 1 - (n - 1) * (disagreeing coincidences) / (n^2 - sum_k n_k^2),
    # with only pairable values counted.  Used where units are weighted
    # (character level); plain unit data go through the krippendorff package.
    pair_counts = counts * pairable[:, None]
    n_k = weights @ pair_counts
    n_values = n_k.sum(axis=1)
    unit_disagree = np.where(
        pairable, (r**2 - (counts**2).sum(axis=1)) / np.where(pairable, r - 1.0, 1.0), 0.0
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n_values - 1.0) * (weights @ unit_disagree) / (
            n_values**2 - (n_k**2).sum(axis=1)
        )
    result["krippendorff_alpha"] = (alpha, reasons(used_pairable.sum(axis=1) < 2))
    return result


def _cohen_from_tables(tables: np.ndarray) -> tuple[np.ndarray, list[Optional[str]]]:
    """Cohen's kappa for T contingency tables (T x Q x Q, rows = first coder).

    Chance agreement uses each coder's own marginals.  It equals 1 exactly
    when both coders put every unit in the same single category; that is
    checked on the counts, so no float comparison decides undefinedness.
    """
    tables = np.asarray(tables, dtype=np.float64)
    n = tables.sum(axis=(1, 2))
    rows = tables.sum(axis=2)
    cols = tables.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        po = np.trace(tables, axis1=1, axis2=2) / n
        pe = (rows * cols).sum(axis=1) / (n * n)
        kappa = (po - pe) / (1.0 - pe)
    same_single = ((rows == n[:, None]) & (cols == n[:, None])).any(axis=1)
    reasons = np.where(same_single, REASON_COHEN_ONE_CATEGORY, None).astype(object)
    reasons[n <= 0] = REASON_NO_PAIRABLE_UNITS
    return kappa, reasons.tolist()


def _value(values: np.ndarray, reasons: list[Optional[str]], t: int) -> Optional[float]:
    return None if reasons[t] is not None else float(values[t])


def _mean_defined(values: Iterable[Optional[float]]) -> Optional[float]:
    defined = [v for v in values if v is not None]
    return float(sum(defined) / len(defined)) if defined else None


# ---------------------------------------------------------------------------
# 1. Unit level
# ---------------------------------------------------------------------------


def _is_missing(label: Any) -> bool:
    # None is the documented marker; NaN and pandas' NA are accepted too because
    # ratings often come out of pandas (NA from nullable Int64/string columns).
    if label is None:
        return True
    if isinstance(label, (float, np.floating)):
        return bool(np.isnan(label))
    return type(label).__name__ in ("NAType", "NaTType")


def _category_list(
    coders: Sequence[Sequence[Any]], categories: Optional[Iterable[Hashable]]
) -> list[Hashable]:
    observed: dict[Hashable, None] = {}
    for labels in coders:
        for label in labels:
            if not _is_missing(label):
                observed.setdefault(label, None)
    if categories is None:
        return list(observed)
    offered: dict[Hashable, None] = {}
    for category in categories:
        if _is_missing(category):
            raise ValueError("categories may not contain None/NaN (that marks 'not rated')")
        offered.setdefault(category, None)
    unknown = [label for label in observed if label not in offered]
    if unknown:
        raise ValueError(f"ratings use categories that are not offered: {unknown!r}")
    return list(offered)


def unit_agreement(
    ratings: Sequence[Sequence[Optional[Hashable]]],
    categories: Optional[Iterable[Hashable]] = None,
) -> dict[str, Any]:
    """Agreement of coders who each gave every unit one nominal label (or none).

    Parameters
    ----------
    ratings
        One list per coder, each with one label per unit; ``None`` (or NaN)
        means the coder did not rate that unit.  All lists have the same
        length.  For a single code the labels are e.g. ``True``/``False``
        (present/absent); for a mutually exclusive code group they are the
        codes of the group.
    categories
        The categories offered to the coders.  It sets q for Brennan-Prediger
        (chance 1/q) and Gwet's AC1 (chance sum pi_k(1 - pi_k)/(q - 1)), as
        irrCAC's ``categories`` argument does.  Without it the categories
        observed in the ratings are used, so pass it for present/absent
        data: if nobody ever said "present", only one category is observed
        and AC1/Brennan-Prediger are undefined.

    Returns
    -------
    dict with
        ``n_units`` (every unit in the input, rated or not),
        ``n_rated_units`` (units with >= 2 ratings: observed agreement is
        averaged over these; Fleiss' and AC1's category shares also use units
        rated once, and each Cohen pair uses the units both coders rated),
        ``n_coders``, ``categories``,
        ``percent_agreement``, ``cohen_kappa`` (2 coders, else ``None``),
        ``mean_pairwise_cohen_kappa`` (Light's kappa; equals Cohen's kappa
        for 2 coders), ``fleiss_kappa`` (Scott's pi for 2 coders with complete
        data; with missing ratings Gwet's generalisation),
        ``krippendorff_alpha``, ``gwet_ac1``, ``brennan_prediger``,
        ``undefined`` (statistic -> reason) and ``readings``
        (statistic -> reading).  For 3+ coders also ``pairwise_cohen_kappa``
        ({"i-j": value}, i < j being 0-based positions in ``ratings``, each on
        the units both coders rated).  Light's mean leaves out undefined
        pairs; each is listed in ``undefined`` as ``pairwise_cohen_kappa[i-j]``.

    Raises
    ------
    ValueError
        if the coders' lists differ in length, or a label is not among
        ``categories``.
    """
    coders = [list(labels) for labels in ratings]
    n_coders = len(coders)
    n_units = len(coders[0]) if coders else 0
    if any(len(labels) != n_units for labels in coders):
        raise ValueError("every coder needs one entry per unit (lists differ in length)")
    category_list = _category_list(coders, categories)
    coded, counts = _encode_ratings(coders, category_list)
    q = len(category_list)

    result: dict[str, Any] = {
        "n_units": n_units,
        "n_rated_units": int((counts.sum(axis=1) >= 2).sum()),
        "n_coders": n_coders,
        "categories": category_list,
    }
    values: dict[str, Optional[float]] = {}
    undefined: dict[str, str] = {}
    if n_coders < 2:
        values = {name: None for name in STATISTICS}
        undefined = {name: REASON_FEWER_THAN_TWO_CODERS for name in STATISTICS}
    else:
        core = _coefficients_from_counts(counts, np.ones((1, n_units)), q)
        for name in ("percent_agreement", "fleiss_kappa", "gwet_ac1", "brennan_prediger"):
            array, reasons = core[name]
            values[name] = _value(array, reasons, 0)
            if reasons[0] is not None:
                undefined[name] = reasons[0]
        values["krippendorff_alpha"], alpha_reason = _package_alpha(
            counts, core["krippendorff_alpha"][1][0]
        )
        if alpha_reason is not None:
            undefined["krippendorff_alpha"] = alpha_reason
        pairwise, pair_reasons = _pairwise_cohen(coded, q)
        _add_cohen_values(values, undefined, pairwise, pair_reasons)
        if n_coders > 2:
            result["pairwise_cohen_kappa"] = pairwise

    ordered = {name: values[name] for name in STATISTICS}
    result.update(ordered)
    result["undefined"] = {name: undefined[name] for name in _ordered_keys(undefined)}
    result["readings"] = _readings(ordered)
    return result


def _encode_ratings(
    coders: Sequence[Sequence[Any]], category_list: Sequence[Hashable]
) -> tuple[np.ndarray, np.ndarray]:
    """Category indices per coder x unit (-1 = not rated) and counts per unit x category."""
    index = {category: k for k, category in enumerate(category_list)}
    n_coders = len(coders)
    n_units = len(coders[0]) if coders else 0
    coded = np.full((n_coders, n_units), -1, dtype=np.int64)
    for c, labels in enumerate(coders):
        for u, label in enumerate(labels):
            if not _is_missing(label):
                coded[c, u] = index[label]
    counts = np.zeros((n_units, len(category_list)), dtype=np.int64)
    for c in range(n_coders):
        rated_units = np.flatnonzero(coded[c] >= 0)
        np.add.at(counts, (rated_units, coded[c, rated_units]), 1)
    return coded, counts


def _package_alpha(counts: np.ndarray, reason: Optional[str]) -> tuple[Optional[float], Optional[str]]:
    """Nominal alpha from the krippendorff package, when it is defined.

    The core decides beforehand whether alpha is defined, because the package
    raises or returns NaN where it is not.
    """
    if reason is not None:
        return None, reason
    value = krippendorff.alpha(
        value_counts=counts,
        value_domain=np.arange(counts.shape[1]),
        level_of_measurement="nominal",
    )
    return float(value), None


def _pairwise_cohen(
    coded: np.ndarray, q: int
) -> tuple[dict[str, Optional[float]], dict[str, Optional[str]]]:
    """Cohen's kappa of every coder pair {"i-j": value}, on the units both rated."""
    pairs = list(combinations(range(coded.shape[0]), 2))
    tables = np.zeros((len(pairs), q, q), dtype=np.int64)
    for p, (i, j) in enumerate(pairs):
        both = (coded[i] >= 0) & (coded[j] >= 0)
        flat = coded[i, both] * q + coded[j, both]
        tables[p] = np.bincount(flat, minlength=q * q).reshape(q, q)
    kappas, why = _cohen_from_tables(tables)
    keys = [f"{i}-{j}" for i, j in pairs]
    values = {key: _value(kappas, why, p) for p, key in enumerate(keys)}
    return values, dict(zip(keys, why))


def _add_cohen_values(
    values: dict[str, Optional[float]],
    undefined: dict[str, str],
    pairwise: Mapping[str, Optional[float]],
    pair_reasons: Mapping[str, Optional[str]],
) -> None:
    """Fill cohen_kappa (2 coders only) and Light's mean of the pairwise kappas."""
    if len(pairwise) == 1:
        values["cohen_kappa"] = pairwise["0-1"]
        if pair_reasons["0-1"] is not None:
            undefined["cohen_kappa"] = pair_reasons["0-1"]
    else:
        values["cohen_kappa"] = None
        undefined["cohen_kappa"] = REASON_COHEN_NOT_TWO_CODERS
        for key, why in pair_reasons.items():
            if why is not None:
                undefined[f"pairwise_cohen_kappa[{key}]"] = why
    values["mean_pairwise_cohen_kappa"] = _mean_defined(pairwise.values())
    if values["mean_pairwise_cohen_kappa"] is None:
        undefined["mean_pairwise_cohen_kappa"] = (
            undefined["cohen_kappa"] if len(pairwise) == 1 else REASON_NO_PAIR_DEFINED
        )


def _ordered_keys(undefined: Mapping[str, str]) -> list[str]:
    # Statistics first in display order, then per-pair entries.
    head = [name for name in STATISTICS if name in undefined]
    return head + sorted(name for name in undefined if name not in STATISTICS)


# ---------------------------------------------------------------------------
# 2. Character level (NVivo's coding comparison)
# ---------------------------------------------------------------------------


def _span_array(spans: Any, where: str) -> np.ndarray:
    """Spans as an (n, 2) int64 array; rejects non-integer offsets."""
    if spans is None:
        return np.zeros((0, 2), dtype=np.int64)
    array = np.asarray(spans)
    if array.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"{where}: spans must be [[start, end], ...]")
    if array.dtype.kind not in "iu":
        # Offsets count characters; a fractional offset is a bug upstream.
        raise ValueError(f"{where}: span offsets must be integers")
    return array.astype(np.int64, copy=False)


def _union_intervals(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge intervals [s, e) that overlap or touch; returns disjoint ones.

    Sort by start, carry the running maximum of the ends; a new interval
    begins where a start lies beyond everything seen so far.
    """
    if starts.size == 0:
        return starts, ends
    order = np.argsort(starts, kind="stable")
    s = starts[order]
    running_end = np.maximum.accumulate(ends[order])
    begins = np.empty(s.size, dtype=bool)
    begins[0] = True
    begins[1:] = s[1:] > running_end[:-1]  # touching (==) merges: counts once anyway
    first = np.flatnonzero(begins)
    last = np.append(first[1:] - 1, s.size - 1)
    return s[first], running_end[last]


def _pattern_lengths(
    coder_intervals: list[tuple[np.ndarray, np.ndarray]],
    pair_offsets: np.ndarray,
    total_length: int,
) -> np.ndarray:
    """Characters per (document x code) pair and per pattern of coders.

    All document x code pairs are laid end to end on one line (pair p starts
    at ``pair_offsets[p]``).  Each coder's disjoint intervals add its bit at
    their start and remove it at their end; after sorting all boundaries the
    running sum is the bit pattern of who coded each stretch, and a bincount
    weighted by the stretch lengths gives the pattern counts.  This is linear
    in the number of spans, not in the number of characters.
    """
    n_pairs = pair_offsets.size
    n_patterns = 1 << len(coder_intervals)
    positions = [pair_offsets, np.array([total_length], dtype=np.int64)]
    deltas = [np.zeros(n_pairs + 1, dtype=np.int64)]
    for bit, (starts, ends) in enumerate(coder_intervals):
        positions += [starts, ends]
        deltas += [np.full(starts.size, 1 << bit, dtype=np.int64),
                   np.full(ends.size, -(1 << bit), dtype=np.int64)]
    pos = np.concatenate(positions)
    delta = np.concatenate(deltas)
    order = np.argsort(pos, kind="stable")
    pos = pos[order]
    pattern = np.cumsum(delta[order])[:-1]
    lengths = np.diff(pos)
    # Stretches never straddle a pair boundary: every boundary is an event.
    pair = np.searchsorted(pair_offsets, pos[:-1], side="right") - 1
    keep = lengths > 0
    flat = pair[keep] * n_patterns + pattern[keep]
    # float64 bincount is exact for integer sums below 2**53 characters.
    totals = np.bincount(flat, weights=lengths[keep], minlength=n_pairs * n_patterns)
    return np.rint(totals).astype(np.int64).reshape(n_pairs, n_patterns)


def _binary_stats_rows(
    pattern_counts: np.ndarray, coders: Sequence[Hashable]
) -> list[dict[str, Any]]:
    """Stats + counts for each row of pattern counts (rows = tables).

    A character is a unit with one rating per coder: 1 = coded, 0 = not.
    Pattern b (bit c set = coder c coded it) holds ``pattern_counts[:, b]``
    characters.  Everything is computed column-wise over all rows first; the
    per-row loop only assembles dictionaries (there may be tens of thousands
    of document x code rows).
    """
    m = len(coders)
    n_patterns = 1 << m
    bits = np.array([[(b >> c) & 1 for c in range(m)] for b in range(n_patterns)], dtype=np.int64)
    coded = bits.sum(axis=1)
    unit_counts = np.stack([m - coded, coded], axis=1)  # categories: not coded, coded
    weights = pattern_counts.astype(np.float64)
    n_rows = weights.shape[0]
    n_chars = pattern_counts.sum(axis=1)
    no_chars = n_chars == 0
    core = _coefficients_from_counts(unit_counts, weights, q=2)

    values: dict[str, list[Optional[float]]] = {}
    reasons: dict[str, list[Optional[str]]] = {}

    empty_rows = np.flatnonzero(no_chars).tolist()

    def store(name: str, array: np.ndarray, why: list[Optional[str]]) -> None:
        why = list(why)
        for t in empty_rows:
            why[t] = REASON_NO_CHARACTERS
        values[name] = [None if w is not None else v for v, w in zip(array.tolist(), why)]
        reasons[name] = why

    for name in ("percent_agreement", "fleiss_kappa", "krippendorff_alpha",
                 "gwet_ac1", "brennan_prediger"):
        store(name, *core[name])

    pairs = list(combinations(range(m), 2))
    pair_keys = [f"{i}-{j}" for i, j in pairs]
    pair_arrays = []
    for p, (i, j) in enumerate(pairs):
        indicator = np.zeros((n_patterns, 4))
        indicator[np.arange(n_patterns), bits[:, i] * 2 + bits[:, j]] = 1.0
        tables = (weights @ indicator).reshape(n_rows, 2, 2)
        kappa, why = _cohen_from_tables(tables)
        store(f"pair {pair_keys[p]}", kappa, why)
        pair_arrays.append(np.array([np.nan if v is None else v for v in values[f"pair {pair_keys[p]}"]]))

    if m == 2:
        values["cohen_kappa"] = values[f"pair {pair_keys[0]}"]
        reasons["cohen_kappa"] = reasons[f"pair {pair_keys[0]}"]
        values["mean_pairwise_cohen_kappa"] = values["cohen_kappa"]
        reasons["mean_pairwise_cohen_kappa"] = reasons["cohen_kappa"]
    else:
        values["cohen_kappa"] = [None] * n_rows
        reasons["cohen_kappa"] = [REASON_COHEN_NOT_TWO_CODERS] * n_rows
        stacked = np.vstack(pair_arrays)
        n_defined = (~np.isnan(stacked)).sum(axis=0)
        with np.errstate(invalid="ignore"):
            means = np.where(n_defined > 0, np.nansum(stacked, axis=0) / np.maximum(n_defined, 1), np.nan)
        why = np.where(n_defined > 0, None, REASON_NO_PAIR_DEFINED).astype(object)
        store("mean_pairwise_cohen_kappa", means, why.tolist())

    readings = {name: _reading_list(values[name], name) for name in STATISTICS}
    coded_by = (pattern_counts @ bits).tolist()
    columns = pattern_counts.tolist()
    n_chars_list = n_chars.tolist()

    rows: list[dict[str, Any]] = []
    for t in range(n_rows):
        row: dict[str, Any] = {"n_units": n_chars_list[t]}
        for name in STATISTICS:
            row[name] = values[name][t]
        undefined = {name: reasons[name][t] for name in STATISTICS if reasons[name][t] is not None}
        if m > 2:
            row["pairwise_cohen_kappa"] = {key: values[f"pair {key}"][t] for key in pair_keys}
            for key in pair_keys:
                why_pair = reasons[f"pair {key}"][t]
                if why_pair is not None:
                    undefined[f"pairwise_cohen_kappa[{key}]"] = why_pair
        row["undefined"] = undefined
        row["readings"] = {name: readings[name][t] for name in STATISTICS}
        # NVivo's columns, as character counts (A = coders[0], B = coders[1]).
        counts = columns[t]
        row["coded_by"] = dict(zip(coders, coded_by[t]))
        if m == 2:
            row["both"] = counts[3]
            row["a_not_b"] = counts[1]
            row["b_not_a"] = counts[2]
        else:
            row["all_coders"] = counts[n_patterns - 1]
        row["neither"] = counts[0]
        rows.append(row)
    return rows


def mean_of_codes(per_code: Mapping[Hashable, Mapping[str, Any]]) -> dict[str, Any]:
    """Mean of the per-code values, leaving out (and listing) undefined ones."""
    out: dict[str, Any] = {"n_codes": len(per_code)}
    n_included: dict[str, int] = {}
    excluded_by_statistic: dict[str, list[Hashable]] = {}
    undefined: dict[str, str] = {}
    values: dict[str, Optional[float]] = {}
    for name in STATISTICS:
        defined = [stats[name] for stats in per_code.values() if stats[name] is not None]
        values[name] = float(sum(defined) / len(defined)) if defined else None
        n_included[name] = len(defined)
        if name == "cohen_kappa" and any(
            stats["undefined"].get(name) == REASON_COHEN_NOT_TWO_CODERS for stats in per_code.values()
        ):
            # 3+ coders: not a per-code gap but a statistic that does not apply.
            undefined[name] = REASON_COHEN_NOT_TWO_CODERS
            continue
        excluded = [code for code, stats in per_code.items() if stats[name] is None]
        if excluded:
            excluded_by_statistic[name] = excluded
        if values[name] is None:
            undefined[name] = "undefined for every code" if per_code else "no codes"
    out.update(values)
    out["n_included"] = n_included
    excluded_any: list[Hashable] = []
    for codes in excluded_by_statistic.values():
        for code in codes:
            if code not in excluded_any:
                excluded_any.append(code)
    out["excluded"] = excluded_any
    out["excluded_by_statistic"] = excluded_by_statistic
    out["undefined"] = undefined
    out["readings"] = _readings(values)
    return out


def _document_lengths(documents: Sequence[Mapping[str, Any]]) -> tuple[list[Hashable], np.ndarray]:
    """Document ids (unique) and lengths (non-negative integers)."""
    doc_ids: list[Hashable] = []
    lengths = np.zeros(len(documents), dtype=np.int64)
    for d, document in enumerate(documents):
        doc_id = document["id"]
        length = document["length"]
        if isinstance(length, bool) or not isinstance(length, Integral) or length < 0:
            raise ValueError(f"document {doc_id!r}: length must be a non-negative integer")
        doc_ids.append(doc_id)
        lengths[d] = int(length)
    if len(set(doc_ids)) != len(doc_ids):
        raise ValueError("document ids must be unique")
    return doc_ids, lengths


def _coder_intervals(
    documents: Sequence[Mapping[str, Any]],
    coder: Hashable,
    codes: Sequence[Hashable],
    pair_lengths: np.ndarray,
    pair_offsets: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """One coder's coded stretches on the common line, as disjoint intervals.

    Every span of the coder goes into one flat list (with the document x code
    pair it belongs to); clipping to [0, length], dropping empty spans and
    shifting to the pair's offset then happen in one numpy pass.
    """
    code_index = {code: k for k, code in enumerate(codes)}
    flat: list[Any] = []
    list_pairs: list[int] = []
    list_sizes: list[int] = []
    for d, document in enumerate(documents):
        by_code = (document.get("spans") or {}).get(coder) or {}
        for code, spans in by_code.items():
            k = code_index.get(code)
            if k is None or spans is None or len(spans) == 0:
                continue
            flat.extend(spans)
            list_pairs.append(d * len(codes) + k)
            list_sizes.append(len(spans))
    spans_array = _span_array(flat, f"coder {coder!r}")
    pair_of_span = np.repeat(np.asarray(list_pairs, dtype=np.int64), list_sizes)
    limit = pair_lengths[pair_of_span]
    starts = np.clip(spans_array[:, 0], 0, limit)
    ends = np.clip(spans_array[:, 1], 0, limit)
    keep = ends > starts
    offset = pair_offsets[pair_of_span[keep]]
    return _union_intervals(starts[keep] + offset, ends[keep] + offset)


def character_agreement(
    documents: Sequence[Mapping[str, Any]],
    coders: Sequence[Hashable],
    codes: Sequence[Hashable],
) -> dict[str, Any]:
    """Character-level agreement per code, as in NVivo's coding comparison.

    Every character of every document is a unit, separately for every code:
    each coder either coded it with that code or not.  A coder's overlapping
    or adjacent spans count once (their union).  Counting is done on span
    boundaries (interval unions and a sweep over sorted boundaries), never
    character by character.

    Parameters
    ----------
    documents
        ``[{"id": ..., "length": int, "spans": {coder: {code: [[start, end],
        ...]}}}, ...]``.  Spans are half-open [start, end) in code points,
        clipped to [0, length]; empty spans are ignored; a missing coder or
        code means nothing coded.
    coders
        The coders to compare (at least two; NVivo compares two).
    codes
        The codes to report (codes not listed are ignored).

    Returns
    -------
    ``{"per_code": {code: stats}, "per_document_code": {doc: {code: stats}},
    "overall_pooled": stats, "overall_mean_of_codes": mean stats}``.

    ``stats`` holds ``n_units`` (characters), the statistics of
    ``unit_agreement`` computed over characters (categories coded / not
    coded, so q = 2), ``undefined``, ``readings``, and the counts: ``both``
    (NVivo "A and B"), ``a_not_b`` ("A and not B"), ``b_not_a`` ("B and not
    A"), ``neither`` and ``coded_by`` {coder: characters}; with 3+ coders
    ``all_coders`` replaces both/a_not_b/b_not_a.  A is ``coders[0]``.

    ``overall_pooled`` treats every code x character decision as one unit.
    ``overall_mean_of_codes`` averages the per-code values, leaving out
    undefined ones; ``excluded`` lists the codes left out of at least one
    mean, ``excluded_by_statistic`` says which, ``n_included`` how many
    entered each mean.

    Unlike NVivo, which shows kappa = 1 when neither user coded anything, an
    all-"not coded" code gives kappa ``None`` (0/0) with the reason.
    """
    coders = list(coders)
    codes = list(codes)
    if len(coders) < 2:
        raise ValueError("character_agreement needs at least two coders")
    if len(coders) > 16:
        raise ValueError("character_agreement supports at most 16 coders")
    if len(set(coders)) != len(coders) or len(set(codes)) != len(codes):
        raise ValueError("coders and codes must not repeat")

    doc_ids, lengths = _document_lengths(documents)
    n_docs = len(doc_ids)
    n_codes = len(codes)
    # Pair p = d * n_codes + k occupies [pair_offsets[p], pair_offsets[p] + L_d).
    pair_lengths = np.repeat(lengths, n_codes)
    pair_offsets = np.zeros(pair_lengths.size, dtype=np.int64)
    pair_offsets[1:] = np.cumsum(pair_lengths)[:-1]
    total_length = int(pair_lengths.sum())
    coder_intervals = [
        _coder_intervals(documents, coder, codes, pair_lengths, pair_offsets) for coder in coders
    ]

    n_patterns = 1 << len(coders)
    if n_docs and n_codes:
        per_pair = _pattern_lengths(coder_intervals, pair_offsets, total_length)
    else:
        per_pair = np.zeros((n_docs * n_codes, n_patterns), dtype=np.int64)
    per_code_counts = per_pair.reshape(n_docs, n_codes, n_patterns).sum(axis=0)
    pooled_counts = per_pair.sum(axis=0, keepdims=True)

    rows = _binary_stats_rows(np.vstack([per_pair, per_code_counts, pooled_counts]), coders)
    per_document_code: dict[Hashable, dict[Hashable, dict[str, Any]]] = {}
    for d, doc_id in enumerate(doc_ids):
        per_document_code[doc_id] = {
            code: rows[d * n_codes + k] for k, code in enumerate(codes)
        }
    base = n_docs * n_codes
    per_code = {code: rows[base + k] for k, code in enumerate(codes)}
    return {
        "per_code": per_code,
        "per_document_code": per_document_code,
        "overall_pooled": rows[base + n_codes],
        "overall_mean_of_codes": mean_of_codes(per_code),
    }


# ---------------------------------------------------------------------------
# 3. Segment matching (MAXQDA's segment agreement)
# ---------------------------------------------------------------------------


def _exact_fraction(threshold: Any) -> Fraction:
    """The threshold as an exact fraction: 0.9 -> 9/10.

    A float is read through its shortest decimal repr, because Fraction(0.9)
    is the binary neighbour 0.900000000000000022..., which would make an
    overlap of exactly 9 of 10 characters fail.
    """
    if isinstance(threshold, bool):
        raise TypeError("threshold must be a number, not a bool")
    if isinstance(threshold, Fraction):
        value = threshold
    elif isinstance(threshold, Integral):
        value = Fraction(int(threshold))
    elif isinstance(threshold, (float, np.floating)):
        if not math.isfinite(float(threshold)):
            raise ValueError("threshold must be finite")
        value = Fraction(repr(float(threshold)))
    elif isinstance(threshold, (Decimal, str)):
        value = Fraction(threshold)
    else:
        raise TypeError(f"threshold must be a number, got {type(threshold).__name__}")
    if not 0 <= value <= 1:
        raise ValueError("threshold is a fraction in [0, 1] (0.9 for 90 %), not a percent")
    return value


def _segment_tuple(segment: Mapping[str, Any], coder: Hashable, i: int) -> tuple[Hashable, Hashable, int, int]:
    start, end = segment["start"], segment["end"]
    for name, offset in (("start", start), ("end", end)):
        if isinstance(offset, bool) or not isinstance(offset, Integral):
            raise ValueError(f"coder {coder!r}, segment {i}: {name} must be an integer")
    if int(end) <= int(start):
        raise ValueError(f"coder {coder!r}, segment {i}: empty segment [{start}, {end})")
    return segment["doc"], segment["code"], int(start), int(end)


def percent_text(share: Any) -> str:
    """A threshold as people write it: 0.9 -> '90%', 0.875 -> '87.5%' (never rounded up to
    a value the rule does not use)."""
    return f"{100 * float(share):.4g}%"


def segment_agreement(
    segments: Mapping[Hashable, Sequence[Mapping[str, Any]]],
    threshold: Any = 0.9,
    basis: str = "segment",
) -> dict[str, Any]:
    """Segment-level agreement of two coders, modelled on MAXQDA's "segment agreement".

    How segments are counted (MAXQDA's procedure as its manual describes the
    results table; the overlap rule's denominator is a choice, see ``basis``):

    * Every segment of *each* coder is checked against the other coder, so
      ``total`` = segments of coder 1 + segments of coder 2.
    * A segment agrees (is "matched") when the other coder has at least one
      segment with the same code in the same document whose overlap with it
      is > 0 characters and at least ``threshold`` of

      - the length of the segment being checked (``basis="segment"``, the
        default), or
      - the length of the union of the two segments
        (``basis="union"``, stricter: a much longer partner fails).

      The comparison is exact integer arithmetic (overlap * den >=
      num * length with threshold = num/den), so 9 of 10 characters meets
      90 % and 89 of 100 does not.  A segment of the other coder may serve
      as partner for several segments.
    * Per code: ``agreements`` = matched segments of both coders with that
      code, ``disagreements`` = the unmatched ones, ``total`` = all segments
      of both coders with that code, ``percent_agreement`` = agreements /
      total (MAXQDA's code-specific results table).  Read as MAXQDA's 2 x 2
      table, matched segments fill the "code assigned by both coders" cell
      and unmatched ones the "assigned by one coder only" cells; segments
      give no count for "assigned by neither", so p_o = agreements / total.
    * Overall kappa as MAXQDA documents it, following Brennan & Prediger
      (1981): p_o = agreements / total and p_c = 1 / (number of codes in the
      table, i.e. distinct codes among all segments of both coders);
      kappa = (p_o - p_c) / (1 - p_c).  With a single code p_c = 1 and
      kappa is undefined.

    Parameters
    ----------
    segments
        ``{coder: [{"doc", "code", "start", "end"}, ...]}`` for exactly two
        coders; offsets are integers in code points, end > start.
    threshold
        Minimum share of overlap, a fraction in [0, 1]; default 0.9.
    basis
        ``"segment"`` (default) or ``"union"``.

    Returns
    -------
    ``per_code`` {code: {agreements, disagreements, total,
    percent_agreement}}, ``per_document_code`` {doc: {code: same}},
    ``overall`` {agreements, disagreements, total, percent_agreement,
    n_codes, p_observed, p_chance, kappa, undefined, readings},
    ``overall_mean_of_codes`` {percent_agreement, n_codes, excluded} and
    ``segment_matched`` {coder: [bool, ...] in input order}.
    """
    if len(segments) != 2:
        raise ValueError("segment_agreement compares exactly two coders")
    if basis not in ("segment", "union"):
        raise ValueError('basis must be "segment" or "union"')
    share = _exact_fraction(threshold)
    num, den = share.numerator, share.denominator
    coders = list(segments)
    parsed = {
        coder: [_segment_tuple(seg, coder, i) for i, seg in enumerate(segments[coder])]
        for coder in coders
    }

    # The other coder's segments per (doc, code), sorted by start, so that
    # only those starting before the checked segment ends are looked at.
    index: dict[Hashable, dict[tuple[Hashable, Hashable], tuple[list[int], list[int]]]] = {}
    for coder in coders:
        groups: dict[tuple[Hashable, Hashable], list[tuple[int, int]]] = {}
        for doc, code, start, end in parsed[coder]:
            groups.setdefault((doc, code), []).append((start, end))
        index[coder] = {}
        for key, spans in groups.items():
            spans.sort()
            index[coder][key] = ([s for s, _ in spans], [e for _, e in spans])

    def is_matched(doc: Hashable, code: Hashable, start: int, end: int, other: Hashable) -> bool:
        found = index[other].get((doc, code))
        if found is None:
            return False
        other_starts, other_ends = found
        for n in range(bisect_left(other_starts, end)):
            o_start, o_end = other_starts[n], other_ends[n]
            overlap = min(end, o_end) - max(start, o_start)
            if overlap <= 0:
                continue
            length = end - start if basis == "segment" else max(end, o_end) - min(start, o_start)
            if overlap * den >= num * length:
                return True
        return False

    matched: dict[Hashable, list[bool]] = {}
    per_code_counts: dict[Hashable, list[int]] = {}
    per_doc_counts: dict[Hashable, dict[Hashable, list[int]]] = {}
    for coder, other in ((coders[0], coders[1]), (coders[1], coders[0])):
        flags = []
        for doc, code, start, end in parsed[coder]:
            ok = is_matched(doc, code, start, end, other)
            flags.append(ok)
            for bucket in (
                per_code_counts.setdefault(code, [0, 0]),
                per_doc_counts.setdefault(doc, {}).setdefault(code, [0, 0]),
            ):
                bucket[0] += int(ok)
                bucket[1] += 1
        matched[coder] = flags

    def summary(agreements: int, total: int) -> dict[str, Any]:
        return {
            "agreements": agreements,
            "disagreements": total - agreements,
            "total": total,
            "percent_agreement": agreements / total if total else None,
        }

    per_code = {code: summary(a, t) for code, (a, t) in per_code_counts.items()}
    per_document_code = {
        doc: {code: summary(a, t) for code, (a, t) in by_code.items()}
        for doc, by_code in per_doc_counts.items()
    }
    agreements = sum(a for a, _ in per_code_counts.values())
    total = sum(t for _, t in per_code_counts.values())
    n_codes = len(per_code_counts)
    overall = summary(agreements, total)
    undefined: dict[str, str] = {}
    if total == 0:
        undefined["percent_agreement"] = REASON_NO_SEGMENTS
        undefined["kappa"] = REASON_NO_SEGMENTS
        p_observed = p_chance = kappa = None
    else:
        p_observed_exact = Fraction(agreements, total)
        p_observed = float(p_observed_exact)
        p_chance = float(Fraction(1, n_codes))
        if n_codes < 2:
            undefined["kappa"] = REASON_ONE_CODE_IN_TABLE
            kappa = None
        else:
            p_c = Fraction(1, n_codes)
            kappa = float((p_observed_exact - p_c) / (1 - p_c))
    overall.update(
        {
            "n_codes": n_codes,
            "p_observed": p_observed,
            "p_chance": p_chance,
            "kappa": kappa,
            "undefined": undefined,
            "readings": {
                "percent_agreement": reading(overall["percent_agreement"], "percent_agreement"),
                "kappa": reading(kappa, "kappa"),
            },
        }
    )
    code_percents = [s["percent_agreement"] for s in per_code.values()]
    return {
        "per_code": per_code,
        "per_document_code": per_document_code,
        "overall": overall,
        "overall_mean_of_codes": {
            "percent_agreement": _mean_defined(code_percents),
            "n_codes": n_codes,
            "excluded": [code for code, s in per_code.items() if s["percent_agreement"] is None],
        },
        "segment_matched": matched,
    }
