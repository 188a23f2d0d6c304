"""Table 1 on the mini study (see test_joint): every figure recomputed by hand or with
the statistics module, and the outcome edge cases (missing follow-up, zero baseline,
deceased) kept in their own column."""
import statistics

import pytest

from qualbench.analysis.summary import make_groups, pct_text
from qualbench.analysis.table1 import table1, table1_wide

from .test_joint import build_mini


@pytest.fixture
def mini(project, write):
    return build_mini(project, write)


def cell(df, variable, line, group, field="text"):
    rows = df[(df.variable == variable) & (df.group == group)
              & ((df.level == line) | (df.statistic == line))]
    assert len(rows) == 1, (variable, line, group)
    return rows.iloc[0][field]


def test_groups_and_counts(mini):
    t = mini.table1()
    assert list(dict.fromkeys(t.group)) == ["responder", "non-responder", "no outcome", "overall"]
    sizes = {g: cell(t, "participants", "n", g, "n") for g in ["responder", "non-responder", "no outcome", "overall"]}
    assert sizes == {"responder": 2, "non-responder": 3, "no outcome": 2, "overall": 7}
    assert cell(t, "sex", "female", "non-responder") == "2 (67%)"     # P03, P05 of P03-P05
    assert cell(t, "sex", "female", "overall") == "4 (57%)"
    assert cell(t, "sex", "male", "no outcome", "pct") == pytest.approx(50)


def test_numbers_mean_sd_median_range(mini):
    t = mini.table1()
    ages = {"responder": [50, 60], "non-responder": [40, 70, 55], "overall": [50, 60, 40, 70, 55, 65, 45]}
    for group, values in ages.items():
        assert cell(t, "age", "mean ± SD", group, "mean") == pytest.approx(statistics.mean(values))
        assert cell(t, "age", "mean ± SD", group, "sd") == pytest.approx(statistics.stdev(values))
        assert cell(t, "age", "median [range]", group, "median") == statistics.median(values)
    assert cell(t, "age", "mean ± SD", "non-responder") == "55.0 ± 15.0"
    assert cell(t, "age", "median [range]", "non-responder") == "55 [40–70]"


def test_outcome_edge_cases(mini):
    t = mini.table1()
    # P06 (deceased, no follow-up) and P07 (zero baseline) have no percent reduction:
    # they are the "missing" line of the no-outcome column, never non-responders.
    assert cell(t, "pain reduction (%)", "missing", "no outcome") == "2 (100%)"
    assert cell(t, "pain reduction (%)", "missing", "non-responder") == "0 (0%)"
    assert cell(t, "pain reduction (%)", "mean ± SD", "non-responder", "mean") == pytest.approx((25 + 20 + 0) / 3)
    assert cell(t, "pain reduction (%)", "median [range]", "responder") == "62.5 [50–75]"
    assert cell(t, "status", "deceased", "no outcome") == "1 (50%)"
    assert cell(t, "status", "deceased", "responder") == "0 (0%)"
    assert cell(t, "pain_2y", "missing", "overall") == "1 (14%)"    # only P06; P07's 0 is a value
    assert cell(t, "pain_baseline", "median [range]", "no outcome") == "4.5 [0–9]"


def test_dates_left_out_and_grouping_column_left_out(mini):
    t = mini.table1(by="would_repeat")
    assert "interview_date" not in set(t.variable) and "would_repeat" not in set(t.variable)
    assert list(dict.fromkeys(t.group)) == ["yes", "no", "no answer", "overall"]
    assert cell(t, "sex", "male", "yes") == "3 (75%)"     # P02, P04, P06 of P01 P02 P04 P06


def test_wide_layout(mini):
    wide = table1_wide(mini.table1())
    assert list(wide.columns) == ["responder (n=2)", "non-responder (n=3)", "no outcome (n=2)", "overall (n=7)"]
    assert wide.loc[("sex", "female"), "overall (n=7)"] == "4 (57%)"


def test_percent_rounds_half_up_and_empty_groups():
    assert pct_text(12.5) == "13%" and pct_text(37.5) == "38%" and pct_text(100 / 3) == "33%"
    import pandas as pd
    people = pd.DataFrame({"participant": ["A"], "responder": ["responder"], "responder_class": ["responder"],
                           "would_repeat_answer": ["yes"], "deceased": [False], "sex": ["female"], "age": [50.0]})
    t = table1(people, make_groups(people, "responder"), {"sex": "category", "age": "number"})
    assert cell(t, "sex", "female", "non-responder") == "0"
    assert cell(t, "age", "mean ± SD", "non-responder") == "—"
    assert cell(t, "age", "mean ± SD", "responder") == "50.0 ± —"   # one value: no SD


def test_a_category_every_participant_shares_is_a_sentence_not_rows(project, write):
    from qualbench.analysis.table1 import constant_note
    project.import_participants(write("p.csv", "participant,sex,pain_scale,pain_baseline,pain_2y\n"
                                               "P01,female,NRS 0-10,8,4\nP02,male,NRS 0-10,8,7\n"))
    t = project.table1()
    assert "pain_scale" not in set(t.variable) and "sex" in set(t.variable)
    assert constant_note(t) == "Same for every participant: pain_scale NRS 0-10."


def test_the_sample_is_the_interviewed_participants(project, write):
    from qualbench.analysis.summary import study_summary
    project.import_files([write("P01.txt", "I: Hello?\nP: Hello.\n"), write("P02.txt", "I: Hi?\nP: Hi.\n")])
    project.import_participants(write("p.csv", "participant,sex,pain_baseline,pain_2y\n"
                                               "P01,female,8,4\nP02,male,8,7\nP99,male,8,2\n"))
    df, left_out = project.sample()
    assert list(df["participant"]) == ["P01", "P02"] and left_out == ["P99"]
    summary = study_summary(project)
    assert summary.participants == 2 and str(summary.responders) == "1 of 2 (50%)"
    assert "Not interviewed (left out): P99" in "\n".join(summary.lines())
    t = project.table1()
    assert t[(t.variable == "participants") & (t.group == "overall")]["n"].item() == 2
