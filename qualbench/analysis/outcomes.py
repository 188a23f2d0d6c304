"""Derived clinical outcomes: percent pain reduction and responder classes.

Percent reduction = (baseline − follow-up) / baseline × 100. It is undefined (``None``)
when the baseline is 0 or either score is missing, and a missing outcome is never a
non-responder: it is its own "no outcome" group everywhere.

Arithmetic is exact (:class:`fractions.Fraction` built from the scores' decimal text), so
a patient at exactly 40.0 % is a responder on every machine — a float computation such
as (7 − 4.2) / 7 × 100 can land on either side of a threshold.

Schemes (from the study's papers; see ``../shared/STUDY.md``):

=============  ===============================================================
binary40       responder ≥ 40 %, non-responder < 40 %
three_level    level 1 good 70–100 %, level 2 satisfactory 40–69 %, level 3 failure < 40 %
four_class     non < 10 %, poor 10–39 %, good 40–69 %, excellent ≥ 70 %
immpact        substantial ≥ 50 %, moderate 30–49 %, below 30 % (Dworkin 2005)
custom         thresholds and labels from ``qualbench.toml``
=============  ===============================================================

Each class says whether it counts as a *responder* for two-group comparisons: ≥ 40 %
for the first three schemes, ≥ 30 % (moderate or better) for IMMPACT.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from ..errors import QualbenchError

NO_OUTCOME = "no outcome"


@dataclass(frozen=True)
class ResponderClass:
    label: str
    lower: Fraction | None  # inclusive lower bound in percent; None = open below
    is_responder: bool


def _f(x) -> Fraction:
    return Fraction(str(x))


SCHEMES: dict[str, list[ResponderClass]] = {
    "binary40": [
        ResponderClass("non-responder", None, False),
        ResponderClass("responder", _f(40), True),
    ],
    "three_level": [
        ResponderClass("level 3: failure", None, False),
        ResponderClass("level 2: satisfactory", _f(40), True),
        ResponderClass("level 1: good", _f(70), True),
    ],
    "four_class": [
        ResponderClass("non-responder", None, False),
        ResponderClass("poor", _f(10), False),
        ResponderClass("good", _f(40), True),
        ResponderClass("excellent", _f(70), True),
    ],
    "immpact": [
        ResponderClass("below moderate", None, False),
        ResponderClass("moderate", _f(30), True),
        ResponderClass("substantial", _f(50), True),
    ],
}


def scheme_classes(scheme: str, *, thresholds=None, labels=None, responder_from=None) -> list[ResponderClass]:
    if scheme in SCHEMES:
        return SCHEMES[scheme]
    if scheme != "custom":
        raise QualbenchError(
            f"unknown responder scheme '{scheme}' (use one of: {', '.join(SCHEMES)}, custom)")
    thresholds = [_f(t) for t in (thresholds or [])]
    labels = list(labels or [])
    if len(labels) != len(thresholds) + 1:
        raise QualbenchError("custom responder scheme needs one more label than thresholds")
    if thresholds != sorted(thresholds):
        raise QualbenchError("custom responder thresholds must be ascending")
    cut = _f(responder_from) if responder_from is not None else (thresholds[0] if thresholds else None)
    bounds = [None, *thresholds]
    return [ResponderClass(lab, low, low is not None and cut is not None and low >= cut)
            for lab, low in zip(labels, bounds)]


MISSING_MARKERS = frozenset({"", "nan", "na", "n/a"})
_DECIMAL = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def to_number(value) -> Fraction | None:
    """A score as an exact number; None for missing. Raises ValueError for non-numbers.

    Text must be a plain decimal with a point or a comma ("4.5", "4,5", " 7 "): Fraction's
    own syntax would also take "1/2" or "1e1", which in a pain column are typing errors.
    """
    if value is None:
        return None
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, float):
        return None if value != value else Fraction(str(value))
    text = str(value).strip()
    if text.casefold() in MISSING_MARKERS:
        return None
    if not _DECIMAL.match(text):
        raise ValueError(f"not a number: {text!r}")
    return Fraction(text.replace(",", "."))


def percent_reduction(baseline, follow_up) -> Fraction | None:
    b, f = to_number(baseline), to_number(follow_up)
    if b is None or f is None or b == 0:
        return None
    return (b - f) / b * 100


def classify(percent: Fraction | None, classes: list[ResponderClass]) -> ResponderClass | None:
    if percent is None:
        return None
    chosen = classes[0]
    for cls in classes:
        if cls.lower is None or percent >= cls.lower:
            chosen = cls
    return chosen


YES = {"yes", "y", "ja", "j", "true", "1"}
NO = {"no", "n", "nee", "false", "0"}


def yes_no(value) -> str | None:
    """Normalise a would-repeat answer to "yes"/"no"; None if empty. ValueError if unknown."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in ("", "nan"):
        return None
    if text in YES:
        return "yes"
    if text in NO:
        return "no"
    raise ValueError(text)
