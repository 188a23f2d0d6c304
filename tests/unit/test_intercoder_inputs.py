"""What the project-level agreement compares: coders, codes and documents named twice,
a theme or category standing for the codes below it, codes nobody applied, three coders
(Light's κ in the tables), and pandas' NA as 'not rated'. Expected values come from
scikit-learn's Cohen's κ on ratings written out by hand."""
from __future__ import annotations

import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from qualbench.analysis.agreement import unit_agreement
from qualbench.analysis.intercoder import reported_statistics, to_frame
from qualbench.errors import QualbenchError

SIX = "P: One is here. Two is here. Three is here. Four is here. Five is here. Six is here.\n"


@pytest.fixture
def coded(project, write):
    project.import_files([write("P01.txt", SIX)])
    project.create_code("Body", kind="category")
    project.create_code("Pain", parent="Body")
    project.create_code("Sleep", parent="Body")
    project.create_code("Never used", parent="Body")
    spans = [(s.start, s.start + len(s.text.strip())) for s in project.segments("P01")]
    for coder, code, units in [("a", "Pain", (0, 1)), ("b", "Pain", (1, 2)),
                               ("a", "Sleep", (4,)), ("b", "Sleep", (3, 4)), ("c", "Pain", (0, 1, 2))]:
        for i in units:
            project.add_coding("P01", code, coder, *spans[i])
    return project


def test_a_coder_named_twice_is_refused(coded):
    with pytest.raises(QualbenchError, match="coder 'a' is named twice"):
        coded.agreement(["a", "a"])
    with pytest.raises(QualbenchError, match="named twice"):
        coded.agreement(["a", "a"], level="character")


def test_a_code_or_document_named_twice_counts_once(coded):
    once = coded.agreement(["a", "b"], codes=["Pain"])
    twice = coded.agreement(["a", "b"], codes=["Pain", "pain", "Pain"], documents=["P01", "P01"])
    assert list(twice["per_code"]) == ["Pain"]
    assert twice["overall_pooled"]["n_units"] == once["overall_pooled"]["n_units"] == 6
    assert twice["overall_pooled"]["cohen_kappa"] == once["overall_pooled"]["cohen_kappa"]
    assert coded.agreement(["a", "b"], level="character", codes=["Pain", "Pain"])["per_code"].keys() == {"Pain"}


def test_a_category_stands_for_every_code_below_it(coded):
    r = coded.agreement(["a", "b"], codes=["Body"])
    a = [1, 1, 0, 0, 1, 0]   # Pain 0,1 + Sleep 4
    b = [0, 1, 1, 1, 1, 0]   # Pain 1,2 + Sleep 3,4
    assert r["per_code"]["Body"]["cohen_kappa"] == pytest.approx(cohen_kappa_score(a, b))
    assert r["per_code"]["Body"]["percent_agreement"] == pytest.approx(3 / 6)


def test_codes_nobody_applied_are_named_not_compared(coded):
    r = coded.agreement(["a", "b"])
    assert set(r["per_code"]) == {"Pain", "Sleep"}
    assert r["unused_codes"] == ["Never used"]
    assert r["overall_pooled"]["n_units"] == 12  # 2 codes x 6 sentences, not 3 x 6


def test_three_coders_show_lights_kappa_instead_of_cohens(coded):
    r = coded.agreement(["a", "b", "c"], codes=["Pain"])
    assert reported_statistics(r)[1] == "mean_pairwise_cohen_kappa"
    frame = to_frame(r)
    assert "cohen_kappa" not in frame and "mean_pairwise_cohen_kappa" in frame
    ratings = {"a": [1, 1, 0, 0, 0, 0], "b": [0, 1, 1, 0, 0, 0], "c": [1, 1, 1, 0, 0, 0]}
    pairs = [("a", "b"), ("a", "c"), ("b", "c")]
    light = sum(cohen_kappa_score(ratings[x], ratings[y]) for x, y in pairs) / 3
    assert frame.loc[frame["code"] == "Pain", "mean_pairwise_cohen_kappa"].item() == pytest.approx(light)
    mean = r["overall_mean_of_codes"]
    assert mean["mean_pairwise_cohen_kappa"] == pytest.approx(light)
    assert mean["undefined"]["cohen_kappa"]  # with a reason, not a silent None
    two = to_frame(coded.agreement(["a", "b"], codes=["Pain"]))
    assert "cohen_kappa" in two and "mean_pairwise_cohen_kappa" not in two


def test_pandas_na_is_not_rated():
    a = pd.array([1, 0, pd.NA, 1], dtype="Int64")
    b = pd.array([1, 0, 1, pd.NA], dtype="Int64")
    r = unit_agreement([list(a), list(b)])
    assert r["n_units"] == 4 and r["n_rated_units"] == 2
    assert r["percent_agreement"] == 1.0 and sorted(r["categories"]) == [0, 1]


def test_threshold_is_shown_as_given(coded):
    from qualbench.report_text import agreement_table
    r = coded.agreement(["a", "b"], level="segment", threshold=0.875)
    assert "overlap ≥ 87.5% of the segment" in agreement_table(r, to_frame(r))


def test_segment_level_lists_codes_in_codebook_order(coded):
    coded.add_coding("P01", "Sleep", "a", 0, 3)  # Sleep is met first in the document
    r = coded.agreement(["a", "b"], level="segment")
    assert list(r["per_code"]) == ["Pain", "Sleep"]
