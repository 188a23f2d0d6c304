"""Tests for qualbench.analysis.agreement against independent references.

References used (never the module's own code):
* published worked examples: Krippendorff (2011), Cohen (1960), Fleiss (1971),
  the NVivo help's coding-comparison example, MAXQDA's documented rules;
* other implementations: scikit-learn (Cohen), statsmodels (Fleiss, complete
  data), irrCAC (Fleiss/AC1/Brennan-Prediger/alpha with missing data, Gwet
  2014), the krippendorff package;
* brute-force per-character counting written here in the test.
"""

from __future__ import annotations

import csv
import math
import warnings
from fractions import Fraction
from itertools import combinations
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from irrCAC.raw import CAC
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from qualbench.analysis.agreement import (
    STATISTICS,
    character_agreement,
    reading,
    segment_agreement,
    unit_agreement,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "agreement"

# irrCAC rounds every coefficient to 5 decimals.
IRRCAC_TOL = 6e-6
# No example database on disk: hypothesis must not write .hypothesis/ into the tree.
HYPOTHESIS = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _irrcac(ratings, categories):
    """irrCAC's coefficients for coder lists with None as missing."""
    frame = pd.DataFrame(
        {f"c{i}": [np.nan if v is None else float(v) for v in labels] for i, labels in enumerate(ratings)}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cac = CAC(frame, categories=[float(c) for c in categories])
        return {
            "fleiss_kappa": cac.fleiss()["est"]["coefficient_value"],
            "gwet_ac1": cac.gwet()["est"]["coefficient_value"],
            "brennan_prediger": cac.bp()["est"]["coefficient_value"],
            "percent_agreement": cac.fleiss()["est"]["pa"],
            "krippendorff_alpha": cac.krippendorff()["est"]["coefficient_value"],
        }


def _reliability_matrix(ratings):
    return np.array([[np.nan if v is None else float(v) for v in labels] for labels in ratings])


# ---------------------------------------------------------------------------
# Published worked examples
# ---------------------------------------------------------------------------

# Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability, section
# "C. Nominal data, any number of observers, missing data": 4 observers x 12
# units; published nominal alpha = 0.743.  Gwet (2014) uses the same table;
# irrCAC ships it as datasets.raw_4raters with AC1 = 0.77544, Fleiss = 0.76117.
N = None
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]


def test_krippendorff_2011_alpha_and_unit_counts():
    result = unit_agreement(KRIPPENDORFF_2011)
    assert round(result["krippendorff_alpha"], 3) == 0.743
    assert result["n_units"] == 12
    # Unit 12 was rated by one observer only.
    assert result["n_rated_units"] == 11
    assert result["readings"]["krippendorff_alpha"] == "tentative (.667–.800, Krippendorff)"
    assert result["cohen_kappa"] is None and "cohen_kappa" in result["undefined"]


def test_krippendorff_2011_fleiss_ac1_bp_against_irrcac_and_gwet():
    result = unit_agreement(KRIPPENDORFF_2011)
    ref = _irrcac(KRIPPENDORFF_2011, [1, 2, 3, 4, 5])
    for name in ("fleiss_kappa", "gwet_ac1", "brennan_prediger", "percent_agreement", "krippendorff_alpha"):
        assert result[name] == pytest.approx(ref[name], abs=IRRCAC_TOL), name
    # Values printed in irrCAC's documentation / Gwet (2014) for this table.
    assert result["gwet_ac1"] == pytest.approx(0.77544, abs=IRRCAC_TOL)
    assert result["fleiss_kappa"] == pytest.approx(0.76117, abs=IRRCAC_TOL)
    assert result["percent_agreement"] == pytest.approx(9 / 11)


def test_krippendorff_2011_pairwise_cohen_against_sklearn():
    result = unit_agreement(KRIPPENDORFF_2011)
    for i, j in combinations(range(4), 2):
        both = [u for u in range(12) if KRIPPENDORFF_2011[i][u] is not None and KRIPPENDORFF_2011[j][u] is not None]
        ref = cohen_kappa_score([KRIPPENDORFF_2011[i][u] for u in both], [KRIPPENDORFF_2011[j][u] for u in both])
        assert result["pairwise_cohen_kappa"][f"{i}-{j}"] == pytest.approx(ref)
    assert result["mean_pairwise_cohen_kappa"] == pytest.approx(np.mean(list(result["pairwise_cohen_kappa"].values())))


# Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational
# and Psychological Measurement 20(1), 37-46, Table 2 (p. 45): 200 cases,
# judges A (rows) x B (columns), three categories; as proportions
# .44 .07 .09 / .05 .20 .05 / .01 .03 .06, so p_o = .70, p_c = .60*.50 +
# .30*.30 + .10*.20 = .41 and kappa = .29/.59 = .492.  (Counts checked against
# the copy of the table in github.com/thomaspingel/cohens-kappa-matlab.)
COHEN_1960_TABLE_2 = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]


def _expand_table(table):
    first, second = [], []
    for a, row in enumerate(table):
        for b, count in enumerate(row):
            first += [a] * count
            second += [b] * count
    return first, second


def test_cohen_1960_worked_example():
    first, second = _expand_table(COHEN_1960_TABLE_2)
    result = unit_agreement([first, second])
    assert result["n_units"] == 200
    assert result["percent_agreement"] == pytest.approx(0.70)
    assert result["cohen_kappa"] == pytest.approx((0.70 - 0.41) / (1 - 0.41))
    assert round(result["cohen_kappa"], 3) == 0.492
    assert result["cohen_kappa"] == pytest.approx(cohen_kappa_score(first, second))
    assert result["mean_pairwise_cohen_kappa"] == result["cohen_kappa"]
    assert result["readings"]["cohen_kappa"] == "moderate (Landis & Koch)"
    assert "pairwise_cohen_kappa" not in result


def _fleiss_1971_counts():
    with open(DATA / "fleiss_1971_table1.csv", newline="") as handle:
        rows = list(csv.reader(line for line in handle if not line.startswith("#")))
    return np.array([[int(x) for x in row[1:]] for row in rows[1:]])


def test_fleiss_1971_worked_example():
    counts = _fleiss_1971_counts()
    assert counts.shape == (30, 5) and (counts.sum(axis=1) == 6).all()
    # Fleiss' kappa ignores who gave which rating: lay each subject's six
    # diagnoses out over six rater columns.
    per_subject = [[k for k, n in enumerate(row) for _ in range(n)] for row in counts]
    ratings = [[subject[c] for subject in per_subject] for c in range(6)]
    result = unit_agreement(ratings)
    assert round(result["fleiss_kappa"], 3) == 0.430
    assert result["fleiss_kappa"] == pytest.approx(sm_fleiss_kappa(counts), abs=1e-12)
    assert result["n_units"] == 30 and result["n_rated_units"] == 30


# NVivo help, "How are Cohen's kappa and percentage agreement calculated?":
# a 1000-character document, 50 characters coded by both users, 150 by only one
# of them, 800 by neither -> percentage agreement (800 + 50) / 1000 = 85 %.
# Kappa as NVivo documents it: EF1 = coded_A * coded_B / total,
# EF2 = uncoded_A * uncoded_B / total, K = (agree - (EF1+EF2)) / (total - (EF1+EF2)).
@pytest.mark.parametrize(
    "a_spans, b_spans, a_not_b, b_not_a",
    [
        ([[0, 150]], [[100, 200]], 100, 50),  # 150 one-coder characters split 100 / 50
        ([[0, 50]], [[0, 200]], 0, 150),  # all 150 by B alone
    ],
)
def test_nvivo_coding_comparison_example(a_spans, b_spans, a_not_b, b_not_a):
    doc = {"id": "source", "length": 1000, "spans": {"A": {"node": a_spans}, "B": {"node": b_spans}}}
    result = character_agreement([doc], ["A", "B"], ["node"])
    cell = result["per_document_code"]["source"]["node"]
    assert (cell["both"], cell["a_not_b"], cell["b_not_a"], cell["neither"]) == (50, a_not_b, b_not_a, 800)
    assert cell["percent_agreement"] == pytest.approx(0.85)
    coded_a, coded_b = 50 + a_not_b, 50 + b_not_a
    ef = coded_a * coded_b / 1000 + (1000 - coded_a) * (1000 - coded_b) / 1000
    assert cell["cohen_kappa"] == pytest.approx((850 - ef) / (1000 - ef))
    assert cell["n_units"] == 1000
    assert result["per_code"]["node"]["cohen_kappa"] == pytest.approx(cell["cohen_kappa"])


# ---------------------------------------------------------------------------
# Randomised comparisons with other implementations
# ---------------------------------------------------------------------------


def _random_ratings(rng, n_coders, n_units, q, missing):
    """Ratings that agree more often than chance, with optional gaps."""
    truth = rng.integers(0, q, n_units)
    accuracy = rng.uniform(0.3, 0.95)
    ratings = []
    for _ in range(n_coders):
        noise = rng.integers(0, q, n_units)
        labels = np.where(rng.random(n_units) < accuracy, truth, noise).tolist()
        if missing:
            gaps = rng.random(n_units) < missing
            labels = [None if gap else int(v) for v, gap in zip(labels, gaps)]
        ratings.append([int(v) if v is not None else None for v in labels])
    return ratings


def _pairable_categories(ratings):
    seen = set()
    for u in range(len(ratings[0])):
        labels = [r[u] for r in ratings if r[u] is not None]
        if len(labels) >= 2:
            seen.update(labels)
    return seen


def test_random_two_coders_complete_against_sklearn():
    rng = np.random.default_rng(1960)
    checked = 0
    for _ in range(150):
        q = int(rng.integers(2, 6))
        first, second = _random_ratings(rng, 2, int(rng.integers(2, 60)), q, 0)
        result = unit_agreement([first, second])
        if len(set(first)) == 1 and set(first) == set(second):
            assert result["cohen_kappa"] is None and "cohen_kappa" in result["undefined"]
            continue
        assert result["cohen_kappa"] == pytest.approx(cohen_kappa_score(first, second), abs=1e-12)
        assert result["percent_agreement"] == pytest.approx(np.mean(np.array(first) == np.array(second)))
        checked += 1
    assert checked > 100


def test_random_two_coders_missing_against_sklearn():
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(100):
        first, second = _random_ratings(rng, 2, int(rng.integers(5, 60)), int(rng.integers(2, 5)), 0.25)
        both = [u for u in range(len(first)) if first[u] is not None and second[u] is not None]
        a = [first[u] for u in both]
        b = [second[u] for u in both]
        result = unit_agreement([first, second])
        assert result["n_units"] == len(first)
        assert result["n_rated_units"] == len(both)
        if not both or (len(set(a)) == 1 and set(a) == set(b)):
            assert result["cohen_kappa"] is None
            continue
        assert result["cohen_kappa"] == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)
        checked += 1
    assert checked > 60


def test_random_complete_data_fleiss_against_statsmodels():
    rng = np.random.default_rng(1971)
    for _ in range(100):
        n_coders = int(rng.integers(2, 7))
        ratings = _random_ratings(rng, n_coders, int(rng.integers(3, 50)), int(rng.integers(2, 6)), 0)
        if len(_pairable_categories(ratings)) < 2:
            continue
        table, _ = aggregate_raters(np.array(ratings).T)
        result = unit_agreement(ratings)
        assert result["fleiss_kappa"] == pytest.approx(sm_fleiss_kappa(table), abs=1e-10)


def test_random_missing_data_against_irrcac_and_krippendorff():
    rng = np.random.default_rng(2014)
    checked = 0
    for case in range(60):
        n_coders = int(rng.integers(2, 6))
        q = int(rng.integers(2, 6))
        ratings = _random_ratings(rng, n_coders, int(rng.integers(4, 40)), q, 0.3)
        if case % 4 == 0:
            # A few units nobody rated: they count in n_units only.
            for labels in ratings:
                labels += [None, None]
        if len(_pairable_categories(ratings)) < 2:
            continue
        categories = list(range(q))
        result = unit_agreement(ratings, categories=categories)
        ref = _irrcac(ratings, categories)
        for name in ("fleiss_kappa", "gwet_ac1", "brennan_prediger", "percent_agreement", "krippendorff_alpha"):
            assert result[name] == pytest.approx(ref[name], abs=IRRCAC_TOL), (case, name)
        alpha = krippendorff.alpha(reliability_data=_reliability_matrix(ratings), level_of_measurement="nominal")
        assert result["krippendorff_alpha"] == pytest.approx(alpha, abs=1e-12)
        assert result["n_units"] == len(ratings[0])
        checked += 1
    assert checked > 40


def test_random_three_coders_pairwise_cohen_against_sklearn():
    rng = np.random.default_rng(1971 + 1960)
    for _ in range(40):
        ratings = _random_ratings(rng, 3, 40, 3, 0.2)
        result = unit_agreement(ratings)
        for i, j in combinations(range(3), 2):
            both = [u for u in range(40) if ratings[i][u] is not None and ratings[j][u] is not None]
            a = [ratings[i][u] for u in both]
            b = [ratings[j][u] for u in both]
            value = result["pairwise_cohen_kappa"][f"{i}-{j}"]
            if len(set(a)) == 1 and set(a) == set(b):
                assert value is None
            else:
                assert value == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


def test_scott_pi_for_two_coders_complete():
    # Scott (1955): chance agreement from the pooled marginals of both coders.
    first, second = _expand_table([[20, 5], [10, 15]])
    result = unit_agreement([first, second])
    pooled_yes = (sum(first) + sum(second)) / 100
    pe = pooled_yes**2 + (1 - pooled_yes) ** 2
    assert result["fleiss_kappa"] == pytest.approx((0.7 - pe) / (1 - pe))


# ---------------------------------------------------------------------------
# Degenerate cases
# ---------------------------------------------------------------------------


def test_no_variation_is_undefined_not_zero_or_one():
    absent = [False] * 8
    result = unit_agreement([absent, list(absent)], categories=[True, False])
    assert result["percent_agreement"] == 1.0
    for name in ("cohen_kappa", "mean_pairwise_cohen_kappa", "fleiss_kappa", "krippendorff_alpha"):
        assert result[name] is None
        assert "0/0" in result["undefined"][name]
        assert result["readings"][name] == "undefined"
    # AC1 and Brennan-Prediger have chance agreement < 1 when two categories are
    # offered, so they are defined (and 1: perfect agreement).
    assert result["gwet_ac1"] == pytest.approx(1.0)
    assert result["brennan_prediger"] == pytest.approx(1.0)
    # Without the offered categories only one is observed: AC1/BP are 0/0 too.
    bare = unit_agreement([absent, list(absent)])
    assert bare["gwet_ac1"] is None and bare["brennan_prediger"] is None
    assert set(bare["undefined"]) == set(STATISTICS) - {"percent_agreement"}


def test_one_coder_never_codes():
    first = [True, False, True, False, False, True, False, False]
    never = [False] * 8
    result = unit_agreement([first, never], categories=[True, False])
    assert result["percent_agreement"] == pytest.approx(5 / 8)
    # Chance agreement equals observed agreement: kappa 0, defined.
    assert result["cohen_kappa"] == pytest.approx(0.0, abs=1e-12)
    assert result["cohen_kappa"] == pytest.approx(cohen_kappa_score(first, never), abs=1e-12)
    assert "cohen_kappa" not in result["undefined"]
    ref = _irrcac([[int(v) for v in first], [int(v) for v in never]], [0, 1])
    for name in ("fleiss_kappa", "gwet_ac1", "brennan_prediger", "krippendorff_alpha"):
        assert result[name] == pytest.approx(ref[name], abs=IRRCAC_TOL), name


def test_single_unit():
    agree = unit_agreement([["x"], ["x"]])
    assert agree["n_units"] == 1 and agree["percent_agreement"] == 1.0
    assert agree["cohen_kappa"] is None and agree["krippendorff_alpha"] is None
    disagree = unit_agreement([["x"], ["y"]])
    assert disagree["percent_agreement"] == 0.0
    assert disagree["cohen_kappa"] == pytest.approx(cohen_kappa_score(["x"], ["y"]))
    assert disagree["krippendorff_alpha"] == pytest.approx(
        krippendorff.alpha(value_counts=[[1, 1]], level_of_measurement="nominal")
    )


def test_total_disagreement():
    first = ["a", "b", "a", "b", "a", "b"]
    second = ["b", "a", "b", "a", "b", "a"]
    result = unit_agreement([first, second])
    assert result["percent_agreement"] == 0.0
    assert result["cohen_kappa"] == pytest.approx(-1.0)
    assert result["brennan_prediger"] == pytest.approx(-1.0)
    assert result["readings"]["cohen_kappa"] == "poor (Landis & Koch)"
    assert result["krippendorff_alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=[[0, 1] * 3, [1, 0] * 3], level_of_measurement="nominal")
    )


def test_three_coders_with_missing_and_undefined_pair():
    ratings = [
        ["a", "a", "b", None, "a"],
        ["a", "a", None, "b", None],
        [None, "a", "b", "b", "a"],
    ]
    result = unit_agreement(ratings)
    # Coders 0 and 1 both rated units 0 and 1 only, both "a": kappa 0/0.
    assert result["pairwise_cohen_kappa"]["0-1"] is None
    assert "pairwise_cohen_kappa[0-1]" in result["undefined"]
    # Light's mean is over the defined pairs only.
    defined = [v for v in result["pairwise_cohen_kappa"].values() if v is not None]
    assert result["mean_pairwise_cohen_kappa"] == pytest.approx(np.mean(defined))
    assert result["n_rated_units"] == 5
    numeric = [[None if v is None else int(v == "b") for v in labels] for labels in ratings]
    ref = _irrcac(numeric, [0, 1])
    for name in ("fleiss_kappa", "gwet_ac1", "brennan_prediger", "percent_agreement"):
        assert result[name] == pytest.approx(ref[name], abs=IRRCAC_TOL), name


def test_nobody_rated_twice_and_fewer_than_two_coders():
    result = unit_agreement([["a", None, None], [None, "b", None]])
    assert result["n_units"] == 3 and result["n_rated_units"] == 0
    assert all(result[name] is None for name in STATISTICS)
    assert set(result["undefined"]) == set(STATISTICS)
    lone = unit_agreement([["a", "b"]])
    assert all(lone[name] is None for name in STATISTICS)
    assert "two coders" in lone["undefined"]["percent_agreement"]


def test_unit_agreement_input_errors():
    with pytest.raises(ValueError):
        unit_agreement([["a", "b"], ["a"]])
    with pytest.raises(ValueError):
        unit_agreement([["a", "z"], ["a", "b"]], categories=["a", "b"])


def test_mutually_exclusive_code_group_with_offered_categories():
    # A code group with four codes of which one was never used: q = 4 for
    # Brennan-Prediger and AC1 (as irrCAC's categories argument).
    ratings = [[0, 1, 2, 0, 1, None, 2], [0, 1, 1, 0, 2, 2, None]]
    result = unit_agreement(ratings, categories=[0, 1, 2, 3])
    ref = _irrcac(ratings, [0, 1, 2, 3])
    assert result["brennan_prediger"] == pytest.approx(ref["brennan_prediger"], abs=IRRCAC_TOL)
    assert result["gwet_ac1"] == pytest.approx(ref["gwet_ac1"], abs=IRRCAC_TOL)
    assert result["brennan_prediger"] == pytest.approx((0.6 - 0.25) / 0.75)
    assert result["categories"] == [0, 1, 2, 3]


# ---------------------------------------------------------------------------
# Character level
# ---------------------------------------------------------------------------


def _coverage(length, spans):
    """Brute force: one boolean per character, spans clipped to [0, length)."""
    covered = np.zeros(length, dtype=bool)
    for start, end in spans:
        start, end = max(start, 0), min(end, length)
        if end > start:
            covered[start:end] = True
    return covered


def _reference_stats(columns):
    """Per-character reference for one table; columns = one bool array per coder."""
    labels = [c.astype(int) for c in columns]
    n = labels[0].size
    out = {"n_units": n}
    if n == 0:
        return out
    matrix = np.vstack(labels)
    out["percent_agreement"] = float(
        np.mean([np.mean(matrix[i] == matrix[j]) for i, j in combinations(range(len(labels)), 2)])
    )
    constant = matrix.min() == matrix.max()
    if len(labels) == 2 and not constant:
        out["cohen_kappa"] = cohen_kappa_score(labels[0], labels[1])
    if not constant:
        table = np.stack([(matrix == 0).sum(axis=0), (matrix == 1).sum(axis=0)], axis=1)
        out["fleiss_kappa"] = sm_fleiss_kappa(table)
        out["krippendorff_alpha"] = krippendorff.alpha(value_counts=table, level_of_measurement="nominal")
    if len(labels) == 2:
        out["both"] = int((columns[0] & columns[1]).sum())
        out["a_not_b"] = int((columns[0] & ~columns[1]).sum())
        out["b_not_a"] = int((~columns[0] & columns[1]).sum())
    out["neither"] = int((~np.any(matrix, axis=0)).sum())
    return out


def _assert_matches_reference(stats, ref):
    for key, value in ref.items():
        if isinstance(value, int):
            assert stats[key] == value, key
        else:
            assert stats[key] == pytest.approx(value, abs=1e-9), key
    if ref["n_units"] and "cohen_kappa" not in ref and "fleiss_kappa" not in ref:
        # No variation at all: kappa-type statistics are undefined, with reason.
        assert stats["fleiss_kappa"] is None and "fleiss_kappa" in stats["undefined"]


span_lists = st.lists(
    st.lists(st.integers(-20, 140), min_size=2, max_size=2), max_size=6
)


@HYPOTHESIS
@given(
    lengths=st.lists(st.integers(0, 120), min_size=1, max_size=3),
    spans=st.lists(st.lists(st.lists(span_lists, min_size=2, max_size=2), min_size=2, max_size=2), min_size=3, max_size=3),
)
def test_character_level_matches_brute_force(lengths, spans):
    coders = ["A", "B"]
    codes = ["x", "y"]
    documents = []
    for d, length in enumerate(lengths):
        per_coder = spans[d % len(spans)]
        documents.append(
            {
                "id": f"doc{d}",
                "length": length,
                "spans": {coder: {code: per_coder[c][k] for k, code in enumerate(codes)} for c, coder in enumerate(coders)},
            }
        )
    result = character_agreement(documents, coders, codes)
    columns = {}
    for k, code in enumerate(codes):
        for doc in documents:
            cols = [_coverage(doc["length"], doc["spans"][coder][code]) for coder in coders]
            columns.setdefault(code, []).append(cols)
            _assert_matches_reference(result["per_document_code"][doc["id"]][code], _reference_stats(cols))
        per_code_cols = [np.concatenate([cols[c] for cols in columns[code]]) for c in range(2)]
        _assert_matches_reference(result["per_code"][code], _reference_stats(per_code_cols))
    pooled = [np.concatenate([np.concatenate([cols[c] for cols in columns[code]]) for code in codes]) for c in range(2)]
    _assert_matches_reference(result["overall_pooled"], _reference_stats(pooled))


def test_character_level_random_against_all_references():
    rng = np.random.default_rng(12)
    coders = ["ann", "ben"]
    codes = [f"code{k}" for k in range(4)]
    for _ in range(5):
        documents = []
        for d in range(3):
            length = int(rng.integers(50, 400))
            spans = {}
            for coder in coders:
                spans[coder] = {}
                for code in codes:
                    starts = rng.integers(-10, length, int(rng.integers(0, 6)))
                    spans[coder][code] = [[int(s), int(s + rng.integers(0, 80))] for s in starts]
            documents.append({"id": d, "length": length, "spans": spans})
        result = character_agreement(documents, coders, codes)
        for code in codes:
            cols = [
                np.concatenate([_coverage(doc["length"], doc["spans"][coder][code]) for doc in documents])
                for coder in coders
            ]
            stats = result["per_code"][code]
            if cols[0].any() or cols[1].any():
                ratings = [c.astype(int).tolist() for c in cols]
                ref = _irrcac(ratings, [0, 1])
                for name in ("gwet_ac1", "brennan_prediger", "fleiss_kappa"):
                    assert stats[name] == pytest.approx(ref[name], abs=IRRCAC_TOL), name
            _assert_matches_reference(stats, _reference_stats(cols))


def test_character_level_three_coders_matches_brute_force():
    rng = np.random.default_rng(3)
    coders = ["a", "b", "c"]
    length = 300
    spans = {
        coder: {"x": [[int(s), int(s + rng.integers(1, 60))] for s in rng.integers(0, length, 5)]}
        for coder in coders
    }
    result = character_agreement([{"id": "d", "length": length, "spans": spans}], coders, ["x"])
    stats = result["per_code"]["x"]
    cols = [_coverage(length, spans[coder]["x"]) for coder in coders]
    _assert_matches_reference(stats, _reference_stats(cols))
    for i, j in combinations(range(3), 2):
        assert stats["pairwise_cohen_kappa"][f"{i}-{j}"] == pytest.approx(
            cohen_kappa_score(cols[i].astype(int), cols[j].astype(int))
        )
    assert stats["cohen_kappa"] is None
    assert stats["all_coders"] == int((cols[0] & cols[1] & cols[2]).sum())
    # Cohen's kappa does not apply to 3 coders: that is no reason to exclude codes.
    mean = result["overall_mean_of_codes"]
    assert mean["excluded"] == [] and mean["cohen_kappa"] is None
    assert mean["mean_pairwise_cohen_kappa"] == pytest.approx(stats["mean_pairwise_cohen_kappa"])
    assert stats["coded_by"] == {coder: int(c.sum()) for coder, c in zip(coders, cols)}


def test_character_level_union_clipping_and_empty_spans():
    doc = {
        "id": "d",
        "length": 20,
        # overlapping and adjacent spans of A count once; [-5, 3) and [18, 40)
        # are clipped; [7, 7) and the reversed [12, 9) are empty.
        "spans": {
            "A": {"c": [[0, 5], [5, 10], [3, 7], [7, 7], [12, 9]]},
            "B": {"c": [[-5, 3], [18, 40]]},
        },
    }
    cell = character_agreement([doc], ["A", "B"], ["c"])["per_document_code"]["d"]["c"]
    assert cell["coded_by"] == {"A": 10, "B": 5}
    assert (cell["both"], cell["a_not_b"], cell["b_not_a"], cell["neither"]) == (3, 7, 2, 8)


def test_character_level_emoji_offsets_are_code_points():
    text = "ok 😀 fine 🎉!"
    assert len(text) == 12 and len(text.encode("utf-16-le")) // 2 == 14
    smiley = text.index("😀")
    doc = {
        "id": "e",
        "length": len(text),
        "spans": {"A": {"joy": [[smiley, smiley + 1]]}, "B": {"joy": [[smiley, smiley + 1], [text.index("🎉"), len(text) - 1]]}},
    }
    cell = character_agreement([doc], ["A", "B"], ["joy"])["per_document_code"]["e"]["joy"]
    # Each emoji is one character (one code point), not two UTF-16 units.
    assert cell["both"] == 1
    assert cell["b_not_a"] == 1
    assert cell["n_units"] == 12
    assert cell["neither"] == 10


def test_character_level_uncoded_code_and_mean_of_codes():
    doc = {
        "id": "d",
        "length": 100,
        "spans": {"A": {"used": [[0, 40]], "half": [[0, 50]]}, "B": {"used": [[10, 50]], "half": [[0, 100]]}},
    }
    result = character_agreement([doc], ["A", "B"], ["used", "half", "nobody"])
    nobody = result["per_code"]["nobody"]
    # NVivo shows kappa 1 here; we report 0/0 as undefined with the reason.
    assert nobody["percent_agreement"] == 1.0
    assert nobody["cohen_kappa"] is None and "0/0" in nobody["undefined"]["cohen_kappa"]
    mean = result["overall_mean_of_codes"]
    assert mean["excluded"] == ["nobody"]
    assert mean["excluded_by_statistic"]["cohen_kappa"] == ["nobody"]
    assert mean["cohen_kappa"] == pytest.approx(
        (result["per_code"]["used"]["cohen_kappa"] + result["per_code"]["half"]["cohen_kappa"]) / 2
    )
    assert mean["percent_agreement"] == pytest.approx((0.8 + 0.5 + 1.0) / 3)
    assert mean["n_included"]["cohen_kappa"] == 2
    pooled = result["overall_pooled"]
    assert pooled["n_units"] == 300
    assert pooled["percent_agreement"] == pytest.approx((80 + 50 + 100) / 300)
    # 'half': B coded everything, A half -> kappa 0 (defined, not None).
    assert result["per_code"]["half"]["cohen_kappa"] == pytest.approx(0.0, abs=1e-12)


def test_character_level_zero_length_document_and_errors():
    result = character_agreement([{"id": "empty", "length": 0, "spans": {}}], ["A", "B"], ["c"])
    cell = result["per_document_code"]["empty"]["c"]
    assert cell["n_units"] == 0 and cell["percent_agreement"] is None
    assert "percent_agreement" in cell["undefined"]
    with pytest.raises(ValueError):
        character_agreement([{"id": "d", "length": 10, "spans": {"A": {"c": [[0.5, 3]]}}}], ["A", "B"], ["c"])
    with pytest.raises(ValueError):
        character_agreement([], ["A"], ["c"])


def test_character_level_readings_match_reading_helper():
    doc = {"id": "d", "length": 50, "spans": {"A": {"c": [[0, 20]]}, "B": {"c": [[2, 20]]}}}
    stats = character_agreement([doc], ["A", "B"], ["c"])["per_code"]["c"]
    for name in STATISTICS:
        assert stats["readings"][name] == reading(stats[name], name)


# ---------------------------------------------------------------------------
# Segment matching (MAXQDA)
# ---------------------------------------------------------------------------


def seg(doc, code, start, end):
    return {"doc": doc, "code": code, "start": start, "end": end}


def test_segment_threshold_boundary_is_exact():
    result = segment_agreement(
        {
            "A": [seg("d", "c", 0, 10), seg("d", "c", 100, 200)],
            "B": [seg("d", "c", 1, 10), seg("d", "c", 111, 200)],
        }
    )
    # A[0,10): 9 of 10 characters overlap -> exactly 90 % -> agrees.
    # A[100,200): 89 of 100 -> below 90 % -> disagrees; both B segments lie
    # entirely inside an A segment -> agree.
    assert result["segment_matched"] == {"A": [True, False], "B": [True, True]}
    assert result["per_code"]["c"] == {
        "agreements": 3,
        "disagreements": 1,
        "total": 4,
        "percent_agreement": 0.75,
    }


def test_segment_threshold_where_float_arithmetic_would_fail():
    # 0.28 * 25 == 7.000000000000001 in floating point, so a float comparison
    # would reject an overlap of exactly 7 of 25 characters (28 %).
    assert 0.28 * 25 > 7
    result = segment_agreement(
        {"A": [seg("d", "c", 0, 25)], "B": [seg("d", "c", 18, 40)]}, threshold=0.28
    )
    assert result["segment_matched"]["A"] == [True]
    assert segment_agreement(
        {"A": [seg("d", "c", 0, 25)], "B": [seg("d", "c", 18, 40)]}, threshold=Fraction(29, 100)
    )["segment_matched"]["A"] == [False]


def test_segment_union_basis():
    segments = {"A": [seg("d", "c", 0, 10)], "B": [seg("d", "c", 1, 11)]}
    by_segment = segment_agreement(segments)
    assert by_segment["segment_matched"] == {"A": [True], "B": [True]}  # 9/10 each
    by_union = segment_agreement(segments, basis="union")
    assert by_union["segment_matched"] == {"A": [False], "B": [False]}  # 9/11 of the union
    assert segment_agreement(segments, threshold=Fraction(9, 11), basis="union")["segment_matched"]["A"] == [True]
    # A short segment inside a long one: fine for the short one by segment,
    # never by union.
    nested = {"A": [seg("d", "c", 0, 100)], "B": [seg("d", "c", 40, 50)]}
    assert segment_agreement(nested)["segment_matched"] == {"A": [False], "B": [True]}
    assert segment_agreement(nested, basis="union")["segment_matched"] == {"A": [False], "B": [False]}


def test_segment_zero_overlap_never_agrees():
    adjacent = {"A": [seg("d", "c", 0, 10)], "B": [seg("d", "c", 10, 20)]}
    for threshold in (0.9, 0, 0.0):
        for basis in ("segment", "union"):
            result = segment_agreement(adjacent, threshold=threshold, basis=basis)
            assert result["segment_matched"] == {"A": [False], "B": [False]}
    touching = segment_agreement({"A": [seg("d", "c", 0, 10)], "B": [seg("d", "c", 9, 20)]}, threshold=0)
    assert touching["segment_matched"] == {"A": [True], "B": [True]}


def test_segment_other_document_or_code_never_matches():
    result = segment_agreement(
        {
            "A": [seg("d1", "c", 0, 10), seg("d1", "c", 50, 60)],
            "B": [seg("d2", "c", 0, 10), seg("d1", "other", 50, 60)],
        }
    )
    assert result["segment_matched"] == {"A": [False, False], "B": [False, False]}
    assert result["overall"]["agreements"] == 0 and result["overall"]["total"] == 4


def test_segment_overall_kappa_as_maxqda():
    segments = {
        "A": [seg("d", "x", 0, 10), seg("d", "x", 20, 30), seg("d", "y", 40, 50), seg("e", "z", 0, 5)],
        "B": [seg("d", "x", 0, 10), seg("d", "y", 40, 50), seg("d", "y", 60, 70)],
    }
    result = segment_agreement(segments)
    overall = result["overall"]
    # Matched: A x[0,10), A y[40,50), B x[0,10), B y[40,50) -> 4 of 7.
    assert (overall["agreements"], overall["disagreements"], overall["total"]) == (4, 3, 7)
    assert overall["percent_agreement"] == pytest.approx(4 / 7)
    assert overall["n_codes"] == 3 and overall["p_chance"] == pytest.approx(1 / 3)
    assert overall["kappa"] == pytest.approx((4 / 7 - 1 / 3) / (1 - 1 / 3))
    assert result["per_code"]["x"]["percent_agreement"] == pytest.approx(2 / 3)
    assert result["per_code"]["z"] == {"agreements": 0, "disagreements": 1, "total": 1, "percent_agreement": 0.0}
    assert result["per_document_code"]["d"]["y"]["total"] == 3
    assert result["overall_mean_of_codes"]["percent_agreement"] == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)
    assert overall["readings"]["kappa"] == reading(overall["kappa"], "kappa")


def test_segment_single_code_kappa_undefined_and_input_errors():
    result = segment_agreement({"A": [seg("d", "c", 0, 10)], "B": [seg("d", "c", 0, 10)]})
    assert result["overall"]["percent_agreement"] == 1.0
    assert result["overall"]["kappa"] is None and "kappa" in result["overall"]["undefined"]
    empty = segment_agreement({"A": [], "B": []})
    assert empty["overall"]["percent_agreement"] is None and empty["overall"]["total"] == 0
    with pytest.raises(ValueError):
        segment_agreement({"A": [], "B": [], "C": []})
    with pytest.raises(ValueError):
        segment_agreement({"A": [], "B": []}, threshold=90)
    with pytest.raises(ValueError):
        segment_agreement({"A": [], "B": []}, basis="overlap")
    with pytest.raises(ValueError):
        segment_agreement({"A": [seg("d", "c", 5, 5)], "B": []})


@HYPOTHESIS
@given(
    st.lists(st.tuples(st.integers(0, 50), st.integers(1, 30), st.sampled_from("xy")), max_size=6),
    st.lists(st.tuples(st.integers(0, 50), st.integers(1, 30), st.sampled_from("xy")), max_size=6),
    st.sampled_from([Fraction(9, 10), Fraction(1, 2), Fraction(1, 1), Fraction(0)]),
    st.sampled_from(["segment", "union"]),
)
def test_segment_matching_against_set_reference(a, b, threshold, basis):
    segments = {
        "A": [seg("d", code, s, s + n) for s, n, code in a],
        "B": [seg("d", code, s, s + n) for s, n, code in b],
    }
    result = segment_agreement(segments, threshold=threshold, basis=basis)

    def reference(mine, theirs):
        out = []
        for s, n, code in mine:
            own = set(range(s, s + n))
            ok = False
            for t, m, other_code in theirs:
                other = set(range(t, t + m))
                overlap = len(own & other)
                base = len(own) if basis == "segment" else len(own | other)
                if other_code == code and overlap > 0 and Fraction(overlap, base) >= threshold:
                    ok = True
            out.append(ok)
        return out

    assert result["segment_matched"] == {"A": reference(a, b), "B": reference(b, a)}
    assert result["overall"]["total"] == len(a) + len(b)
    assert result["overall"]["agreements"] == sum(reference(a, b)) + sum(reference(b, a))


# ---------------------------------------------------------------------------
# Readings
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, statistic, expected",
    [
        (-0.05, "cohen_kappa", "poor (Landis & Koch)"),
        (0.0, "cohen_kappa", "slight (Landis & Koch)"),
        (0.20, "fleiss_kappa", "slight (Landis & Koch)"),
        (0.21, "fleiss_kappa", "fair (Landis & Koch)"),
        (0.60, "gwet_ac1", "moderate (Landis & Koch)"),
        (0.80, "brennan_prediger", "substantial (Landis & Koch)"),
        (0.81, "kappa", "almost perfect (Landis & Koch)"),
        # Landis & Koch's table reads 0.00-0.20, 0.21-0.40, ...: anything above
        # an upper bound belongs to the next band.
        (0.2000001, "cohen_kappa", "fair (Landis & Koch)"),
        (0.4000001, "cohen_kappa", "moderate (Landis & Koch)"),
        (0.6000001, "cohen_kappa", "substantial (Landis & Koch)"),
        (0.8000001, "cohen_kappa", "almost perfect (Landis & Koch)"),
        (0.7999999999999999, "cohen_kappa", "substantial (Landis & Koch)"),
        (-1e-17, "cohen_kappa", "slight (Landis & Koch)"),
        (0.800, "krippendorff_alpha", "reliable (≥ .800, Krippendorff)"),
        (0.7999, "krippendorff_alpha", "tentative (.667–.800, Krippendorff)"),
        (0.667, "krippendorff_alpha", "tentative (.667–.800, Krippendorff)"),
        (0.6669, "krippendorff_alpha", "unreliable (< .667, Krippendorff)"),
        (None, "cohen_kappa", "undefined"),
        (0.85, "percent_agreement", "not chance-corrected (no conventional benchmark)"),
    ],
)
def test_reading_bands(value, statistic, expected):
    assert reading(value, statistic) == expected


def test_reading_rejects_unknown_statistic_and_results_carry_readings():
    with pytest.raises(ValueError):
        reading(0.5, "pearson_r")
    result = unit_agreement(KRIPPENDORFF_2011)
    assert result["readings"] == {name: reading(result[name], name) for name in STATISTICS}
    assert math.isclose(result["brennan_prediger"], (9 / 11 - 1 / 5) / (1 - 1 / 5))
