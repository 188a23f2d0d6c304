"""Derived outcomes: percent reduction and every responder scheme at its boundaries."""
from fractions import Fraction

import pytest

from qualbench.analysis.outcomes import (
    SCHEMES, classify, percent_reduction, scheme_classes, to_number, yes_no)
from qualbench.errors import QualbenchError


@pytest.mark.parametrize("baseline, follow_up, expected", [
    (10, 6, Fraction(40)), (8, 4, Fraction(50)), ("7", "4.2", Fraction(40)),
    (8, 10, Fraction(-25)), (0, 0, None), (0, 3, None), (None, 3, None), (8, None, None),
    ("", "4", None), (8, "", None),
])
def test_percent_reduction(baseline, follow_up, expected):
    assert percent_reduction(baseline, follow_up) == expected


def label(scheme, pct):
    cls = classify(Fraction(str(pct)), SCHEMES[scheme])
    return cls.label, cls.is_responder


@pytest.mark.parametrize("scheme, pct, expected", [
    ("binary40", 39.9, ("non-responder", False)),
    ("binary40", 40, ("responder", True)),
    ("binary40", -30, ("non-responder", False)),
    ("three_level", 39.9, ("level 3: failure", False)),
    ("three_level", 40, ("level 2: satisfactory", True)),
    ("three_level", 69.9, ("level 2: satisfactory", True)),
    ("three_level", 70, ("level 1: good", True)),
    ("three_level", 100, ("level 1: good", True)),
    ("four_class", 9.9, ("non-responder", False)),
    ("four_class", 10, ("poor", False)),
    ("four_class", 39.9, ("poor", False)),
    ("four_class", 40, ("good", True)),
    ("four_class", 69.9, ("good", True)),
    ("four_class", 70, ("excellent", True)),
    ("immpact", 29.9, ("below moderate", False)),
    ("immpact", 30, ("moderate", True)),
    ("immpact", 49.9, ("moderate", True)),
    ("immpact", 50, ("substantial", True)),
])
def test_scheme_boundaries(scheme, pct, expected):
    assert label(scheme, pct) == expected


def test_float_trap_is_exact():
    # (7 - 4.2) / 7 * 100 is 40.00000000000001 or 39.99999999999999 in floats.
    assert classify(percent_reduction("7", "4.2"), SCHEMES["binary40"]).is_responder


def test_missing_outcome_is_never_a_class():
    assert classify(percent_reduction(8, None), SCHEMES["binary40"]) is None


def test_custom_scheme():
    classes = scheme_classes("custom", thresholds=[20, 60], labels=["low", "mid", "high"], responder_from=60)
    assert [classify(Fraction(x), classes).label for x in (19, 20, 59, 60)] == ["low", "mid", "mid", "high"]
    assert [c.is_responder for c in classes] == [False, False, True]
    with pytest.raises(QualbenchError, match="one more label"):
        scheme_classes("custom", thresholds=[20], labels=["a"])
    with pytest.raises(QualbenchError, match="unknown responder scheme"):
        scheme_classes("quartiles")


@pytest.mark.parametrize("raw, out", [("yes", "yes"), ("No", "no"), ("ja", "yes"), ("nee", "no"),
                                      ("1", "yes"), ("", None), (None, None)])
def test_yes_no(raw, out):
    assert yes_no(raw) == out


def test_yes_no_rejects_maybe():
    with pytest.raises(ValueError):
        yes_no("maybe")


@pytest.mark.parametrize("raw, out", [("4.5", Fraction(9, 2)), ("4,5", Fraction(9, 2)), (" 7 ", Fraction(7)),
                                      (".5", Fraction(1, 2)), ("-1", Fraction(-1)), ("n/a", None), ("", None),
                                      (None, None), (4.2, Fraction("4.2")), (3, Fraction(3))])
def test_to_number_reads_plain_decimals(raw, out):
    assert to_number(raw) == out


@pytest.mark.parametrize("raw", ["1/2", "1e1", "4-5", "4,5,6", "1_000", "inf", "eight", "4 5"])
def test_to_number_refuses_what_is_not_a_plain_decimal(raw):
    # Fraction() itself would take "1/2", "1e1" and "1_000": in a pain column those are typos.
    with pytest.raises(ValueError):
        to_number(raw)
