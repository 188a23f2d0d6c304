"""Joint displays on a hand-made mini study where every cell is known by hand, and the
statistics checked against scipy, statsmodels and R's published fisher.test output.

The mini study (7 participants, 2 themes → 3 categories → 4 codes):

=====  ==========  =================  ==============  ==========================
label  pain 0→2y   group              would repeat    codes applied (coder_a)
=====  ==========  =================  ==============  ==========================
P01    8 → 2 (75%) responder          yes             Back to work ×2, Sleeping better
P02    8 → 4 (50%) responder          yes             Social life
P03    8 → 6 (25%) non-responder      no              No regrets
P04    10 → 8      non-responder      yes             Back to work, No regrets
P05    8 → 8 (0%)  non-responder      no              No regrets
P06    9 → —       no outcome         yes             Sleeping better, No regrets
       (deceased, missing follow-up)
P07    0 → 0       no outcome         no              Social life
       (zero baseline: undefined, not a non-responder)
=====  ==========  =================  ==============  ==========================
"""
import math

import numpy as np
import pytest
from scipy.stats import fisher_exact
from scipy.stats.contingency import odds_ratio
from statsmodels.stats.multitest import multipletests

from qualbench.analysis.joint import bh_adjust, pair_test
from qualbench.errors import NotFoundError, QualbenchError

PEOPLE = """participant,sex,age,pain_baseline,pain_2y,status,would_repeat,interview_date
P01,female,50,8,2,alive,yes,2020-01-01
P02,male,60,8,4,alive,yes,2020-01-02
P03,female,40,8,6,alive,no,2020-01-03
P04,male,70,10,8,alive,yes,2020-01-04
P05,female,55,8,8,alive,no,2020-01-05
P06,male,65,9,,deceased,yes,2020-01-06
P07,female,45,0,0,alive,no,2020-01-07
"""
TREE = [
    {"name": "Quality of life", "kind": "theme", "children": [
        {"name": "Participation", "kind": "category", "children": [
            {"name": "Back to work", "kind": "code"}, {"name": "Social life", "kind": "code"}]},
        {"name": "Sleep", "kind": "category", "children": [{"name": "Sleeping better", "kind": "code"}]}]},
    {"name": "Satisfaction", "kind": "theme", "children": [
        {"name": "Would do it again", "kind": "category", "children": [{"name": "No regrets", "kind": "code"}]}]},
]
CODINGS = {
    "P01": [("Back to work", "I went back to work in May."), ("Back to work", "I work three days a week now."),
            ("Sleeping better", "I sleep through the night.")],
    "P02": [("Social life", "I see my friends again.")],
    "P03": [("No regrets", "I do not regret it at all.")],
    "P04": [("Back to work", "I am at my desk again."), ("No regrets", "I would sign up tomorrow.")],
    "P05": [("No regrets", "No regrets, really.")],
    "P06": [("Sleeping better", "The nights are calmer."), ("No regrets", "It was worth it.")],
    "P07": [("Social life", "We play cards on Fridays.")],
}


def build_mini(project, write, codings=CODINGS, coder="coder_a"):
    """The mini study in ``project``: transcripts, participants, codebook, codings."""
    paths = [write(f"{label}.txt", f"I: Welcome to interview {label}. How are you?\n\nP: "
                   + " ".join(sentence for _, sentence in items) + "\n")
             for label, items in codings.items()]
    project.import_files(paths)
    project.import_participants(write("people.csv", PEOPLE))
    project.import_codebook_tree(TREE)
    add_codings(project, codings, coder)
    return project


def add_codings(project, codings, coder):
    for label, items in codings.items():
        text = project.text(label)
        for code, sentence in items:
            start = text.index(sentence)
            project.add_coding(label, code, coder, start, start + len(sentence))


@pytest.fixture
def mini(project, write):
    return build_mini(project, write)


def cells(frame):
    return {(r.node, r.group): (r.n_with, r.n_group, r.n_codings) for r in frame.itertuples()}


def test_theme_cells_by_responder_every_one_known(mini):
    df = mini.joint(rows="theme", by="responder")
    assert cells(df) == {
        # P01 (3 codings), P02 (1) | P04 (1) of P03-P05 | P06 via "Sleeping better" two levels down, P07
        ("Quality of life", "responder"): (2, 2, 4),
        ("Quality of life", "non-responder"): (1, 3, 1),
        ("Quality of life", "no outcome"): (2, 2, 2),
        ("Satisfaction", "responder"): (0, 2, 0),
        ("Satisfaction", "non-responder"): (3, 3, 3),
        ("Satisfaction", "no outcome"): (1, 2, 1),
    }
    assert list(dict.fromkeys(df["group"])) == ["responder", "non-responder", "no outcome"]
    assert df.set_index(["node", "group"]).loc[("Quality of life", "non-responder"), "percent"] == pytest.approx(100 / 3)
    assert df.attrs["coder"] == "coder_a" and df.attrs["compared"] == ["responder", "non-responder"]


def test_category_and_code_rows(mini):
    cat = cells(mini.joint(rows="category", by="would_repeat"))
    # would repeat: yes = P01 P02 P04 P06, no = P03 P05 P07
    assert cat[("Participation", "yes")] == (3, 4, 4)      # P01 ×2, P02, P04
    assert cat[("Participation", "no")] == (1, 3, 1)       # P07
    assert cat[("Sleep", "yes")] == (2, 4, 2)              # P01, P06
    assert cat[("Would do it again", "no")] == (2, 3, 2)   # P03, P05
    assert cat[("Sleep", "no answer")] == (0, 0, 0)        # the missing group is a column even when empty
    code = cells(mini.joint(rows="code", by="responder"))
    assert code[("Back to work", "responder")] == (1, 2, 2)
    assert code[("Back to work", "non-responder")] == (1, 3, 1)
    assert len(code) == 4 * 3


def test_outcome_edge_cases_are_their_own_column_and_never_tested(mini):
    df = mini.joint(rows="theme", by="responder")
    no_outcome = df[df.group == "no outcome"]
    # P06: deceased, no follow-up score; P07: zero baseline — both "no outcome", neither dropped.
    assert set(no_outcome["n_group"]) == {2} and not no_outcome["tested"].any()
    assert df.drop_duplicates("group")["n_group"].sum() == 7
    # Their codings do not move the test: remove P06's and P07's codings and p stays the same.
    before = df.drop_duplicates("node").set_index("node")["p_fisher"]
    for c in mini.codings(coder="coder_a"):
        if mini.document(c.document_id).participant in ("P06", "P07"):
            mini.remove_coding(c.id)
    after = mini.joint(rows="theme", by="responder").drop_duplicates("node").set_index("node")["p_fisher"]
    assert after.to_dict() == before.to_dict()


def test_fisher_and_odds_ratio_match_scipy_on_the_same_2x2(mini):
    df = mini.joint(rows="code", by="would_repeat")
    for node, part in df.groupby("node"):
        yes, no = part.set_index("group").loc["yes"], part.set_index("group").loc["no"]
        table = [[yes.n_with, yes.n_group - yes.n_with], [no.n_with, no.n_group - no.n_with]]
        assert yes.p_fisher == pytest.approx(fisher_exact(table).pvalue), node
        ref = odds_ratio(table, kind="conditional")
        ci = ref.confidence_interval(0.95)
        assert yes.odds_ratio == pytest.approx(ref.statistic), node
        assert (yes.or_ci_low, yes.or_ci_high) == pytest.approx((ci.low, ci.high)), node
    # Hand check of one row: "Participation" yes 3/4 vs no 1/3 -> table [[3, 1], [1, 2]].
    row = mini.joint(rows="category", by="would_repeat")
    row = row[(row.node == "Participation") & (row.group == "yes")].iloc[0]
    assert row.p_fisher == pytest.approx(fisher_exact([[3, 1], [1, 2]]).pvalue)


def test_pair_test_reproduces_r_fisher_test_tea_tasting():
    # R: fisher.test(matrix(c(3, 1, 1, 3), 2)) -> p = 0.4857, OR 6.408309, CI 0.2117329-621.9337505.
    # R's root finder stops earlier than scipy's, hence the looser upper bound.
    t = pair_test(3, 4, 1, 4)
    assert t.p == pytest.approx(0.4857, abs=1e-4)
    assert t.odds_ratio == pytest.approx(6.408309, rel=1e-5)
    assert t.ci_low == pytest.approx(0.2117329, rel=1e-4)
    assert t.ci_high == pytest.approx(621.9337505, rel=1e-2)


def test_pair_test_empty_cells():
    zero = pair_test(0, 8, 3, 17)
    assert zero.odds_ratio == 0 and zero.ci_low == 0 and math.isfinite(zero.ci_high)
    everyone = pair_test(8, 8, 3, 17)
    assert math.isinf(everyone.odds_ratio) and math.isinf(everyone.ci_high)
    nobody = pair_test(0, 8, 0, 17)
    assert nobody.p == 1.0 and math.isnan(nobody.odds_ratio)
    assert math.isnan(pair_test(1, 2, 0, 0).p)


def test_bh_matches_statsmodels():
    rng = np.random.default_rng(7)
    p = rng.uniform(0, 0.2, 25).tolist() + [math.nan, 1.0, 0.0004]
    ours = bh_adjust(p)
    tested = [x for x in p if not math.isnan(x)]
    ref = multipletests(tested, method="fdr_bh")[1]
    assert [x for x in ours if not math.isnan(x)] == pytest.approx(list(ref))
    assert math.isnan(ours[25])


def test_joint_bh_column_is_bh_of_the_rows(mini):
    df = mini.joint(rows="code", by="responder").drop_duplicates("node")
    assert list(df["p_bh"]) == pytest.approx(list(multipletests(df["p_fisher"], method="fdr_bh")[1]))


def test_quotes_behind_a_cell(mini):
    quotes = mini.joint_quotes("Quality of life", "responder")
    assert [tuple(q) for q in quotes] == [
        ("P01", "P01", "I went back to work in May.", "coder_a"),
        ("P01", "P01", "I work three days a week now.", "coder_a"),
        ("P01", "P01", "I sleep through the night.", "coder_a"),
        ("P02", "P02", "I see my friends again.", "coder_a")]
    assert [q.participant for q in mini.joint_quotes("Sleep", "no outcome")] == ["P06"]
    assert mini.joint_quotes("Satisfaction", "responder") == []
    with pytest.raises(NotFoundError, match="no group 'maybe'"):
        mini.joint_quotes("Sleep", "maybe")


def test_two_groupings_at_once(mini):
    df = mini.joint(rows="theme", by="responder×would_repeat")
    got = cells(df)
    assert got[("Satisfaction", "non-responder / no")] == (2, 2, 2)    # P03, P05
    assert got[("Satisfaction", "non-responder / yes")] == (1, 1, 1)   # P04
    assert got[("Quality of life", "no outcome / no")] == (1, 1, 1)    # P07
    assert ("Satisfaction", "responder / no") not in got               # nobody in it
    assert df["p_fisher"].isna().all() and not df["tested"].any()


def test_group_by_attribute_and_refusals(mini):
    got = cells(mini.joint(rows="theme", by="sex"))
    assert got[("Satisfaction", "female")] == (2, 4, 2) and got[("Satisfaction", "male")] == (2, 3, 2)
    with pytest.raises(QualbenchError, match="'age' is a number"):
        mini.joint(by="age")
    with pytest.raises(QualbenchError, match="cannot group by 'height'"):
        mini.joint(by="height")
    with pytest.raises(QualbenchError, match="rows must be one of"):
        mini.joint(rows="leaf")


def test_crosstab_would_repeat_by_responder(mini):
    t = mini.crosstab("responder", "would_repeat").set_index(["responder", "would_repeat"])
    assert t.loc[("responder", "yes"), "n"] == 2 and t.loc[("non-responder", "no"), "n"] == 2
    assert t.loc[("non-responder", "yes"), "pct_of_row"] == pytest.approx(100 / 3)
    assert t.loc[("no outcome", "no"), "n"] == 1 and t["n"].sum() == 7
    attrs = mini.crosstab().attrs
    assert attrs["fisher_p"] == pytest.approx(fisher_exact([[2, 0], [1, 2]]).pvalue)


def test_which_coder_counts(mini, write):
    add_codings(mini, {"P03": [("Sleeping better", "I do not regret it at all.")]}, "coder_b")
    assert mini.joint(coder="coder_b").attrs["coder"] == "coder_b"
    # coder_b coded only P03: the other six interviews are left out, and said so.
    df = mini.joint(coder="coder_b")
    assert df.drop_duplicates("group")["n_group"].sum() == 1
    assert any("Not coded by coder_b" in n for n in df.attrs["notes"])
    # A reconciled interview (consensus codings, nothing open) counts its consensus codings;
    # the rest still count coder_b's: P03 from coder_b plus P05 from consensus.
    add_codings(mini, {"P05": [("Social life", "No regrets, really.")]}, "consensus")
    df = mini.joint(coder="coder_b")
    assert df.attrs["coder"] == "consensus for 1 reconciled interview, coder_b for the others"
    assert df.drop_duplicates("group")["n_group"].sum() == 2
    assert df.attrs["notes"][0].startswith("Codings: consensus for 1 reconciled interview")
    mini.settings.prefer_consensus = False
    assert mini.joint().attrs["coder"] == "coder_a"
    with pytest.raises(NotFoundError):
        mini.joint(coder="nobody")


def test_default_coder_without_codings_falls_back_to_the_busiest_coder(project, write):
    build_mini(project, write, coder="coder_b")
    assert project.joint().attrs["coder"] == "coder_b"
    project.ensure_coder("coder_c")
    with pytest.raises(QualbenchError, match="coder 'coder_c' has no codings; choose one with --coder"):
        project.joint(coder="coder_c")


def test_interviews_and_participants_that_do_not_match_are_shown_not_lost(project, write):
    codings = {**CODINGS, "P08": [("Sleeping better", "Quiet nights at last.")]}
    build_mini(project, write, codings=codings)            # P08 is interviewed but not in the table
    project.import_participants(write("more.csv", PEOPLE.split("\n")[0] + "\nP09,male,50,8,2,alive,yes,2020-02-01\n"))
    df = project.joint(rows="theme", by="responder")
    assert cells(df)[("Quality of life", "no outcome")] == (3, 3, 3)  # P06, P07 and the unlisted P08
    assert cells(df)[("Quality of life", "responder")] == (2, 2, 4)   # P09 has no interview: not counted
    notes = " | ".join(df.attrs["notes"])
    assert "without a row in the participant table (no outcome, no answer): P08" in notes
    assert "Participants without an interview, left out: P09" in notes
