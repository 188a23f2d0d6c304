"""Saturation (Guest, Namey & Chen 2020) on sequences whose answer is worked out by hand,
including "not reached", the exact 5% boundary and the moving base; the permutation
check; and the project-level ordering of interviews."""
import numpy as np
import pytest

from qualbench.analysis.saturation import (assessment_windows, permutation_check, saturation,
                                           saturation_point, Interview)
from qualbench.errors import NotFoundError, QualbenchError

from .test_joint import PEOPLE, build_mini


def sequence(new_per_interview: list[int]) -> list[set]:
    """Interviews with the given numbers of new codes; each also repeats the first code seen."""
    sets, next_code = [], 0
    for n in new_per_interview:
        codes = {f"c{next_code + i}" for i in range(n)}
        next_code += n
        sets.append(codes | ({"c0"} if next_code else set()))
    return sets


def test_textbook_sequence_worked_by_hand():
    # New codes 10 6 4 2 | 2 1 1 0 0 0; cumulative 10 16 20 22 24 25 26 26 26 26.
    # The base (interviews 1-4) has 22 codes; that stays the denominator.
    # run 5-6 adds 3 -> 13.6% > 5%
    # run 6-7 adds 2 ->  9.1% > 5%
    # run 7-8 adds 1 ->  4.5% <= 5%: saturation at 6 ("6+2")
    sets = sequence([10, 6, 4, 2, 2, 1, 1, 0, 0, 0])
    assert saturation_point(sets, base=4, run=2, threshold=0.05) == 6
    windows = assessment_windows(sets, 4, 2, 0.05)
    assert windows[["base_end", "base_codes", "run_from", "run_to", "new_in_run", "met"]].values.tolist() == [
        [4, 22, 5, 6, 3, False], [5, 22, 6, 7, 2, False], [6, 22, 7, 8, 1, True]]
    assert windows["new_info_pct"].tolist() == pytest.approx([300 / 22, 200 / 22, 100 / 22])
    # A stricter rule (no new information at all, run of 3): runs 5-7, 6-8, 7-9 add
    # 4, 2, 1; run 8-10 adds 0 -> saturation at 7.
    assert saturation_point(sets, base=4, run=3, threshold=0) == 7


def test_not_reached():
    steady = sequence([5] * 8)          # every interview brings 5 new codes: 10/20, 10/25, ... > 5%
    assert saturation_point(steady) is None
    assert saturation_point(sequence([3, 1, 0, 0, 0])) is None           # 5 interviews < base 4 + run 2
    result = saturation([Interview(f"D{i}", None, None, frozenset(s)) for i, s in enumerate(steady)],
                        permutations=0)
    assert not result.reached and result.headline().startswith("Saturation not reached")
    assert "no run met the threshold" in result.headline()


def test_exactly_five_percent_meets_the_threshold():
    sets = sequence([8, 6, 4, 2, 1, 0, 0])   # base 1-4 = 20 codes, run 5-6 adds 1 = exactly 5%
    assert saturation_point(sets, 4, 2, 0.05) == 4
    assert saturation_point(sets, 4, 2, 0.049) == 5   # then base 1-5 = 21, run 6-7 adds 0


def test_runs_roll_forward_against_the_initial_base():
    # base 1-2 = 10 codes. Run {3} adds 3 = 30%; run {4} adds 1 = 10%: met at 3.
    assert saturation_point(sequence([5, 5, 3, 1]), base=2, run=1, threshold=0.10) == 3
    # The denominator stays the initial base's 2 codes: 1 new = 50% never meets 10%,
    # even though 10 codes have been seen by then.
    assert saturation_point(sequence([1, 1, 8, 1]), base=2, run=1, threshold=0.10) is None


def test_an_empty_base_cannot_show_saturation():
    # No codes in the base: the ratio has no denominator, so no run can meet it.
    sets = [set(), set(), {"a"}, set(), set()]
    assert saturation_point(sets, base=2, run=1, threshold=0.05) is None


def test_permutation_check_reproducible_and_right():
    # One big interview among five tiny ones: with base 4 and run 2 an order saturates at 4
    # exactly when the big interview is in the base, i.e. in 4 of 6 positions.
    sets = [{f"b{i}" for i in range(20)}] + [{"a"}] * 5
    check = permutation_check(sets, 4, 2, 0.05, orders=1000, seed=11)
    assert 600 < check.reached < 730 and set(check.points) == {4}
    assert check == permutation_check(sets, 4, 2, 0.05, orders=1000, seed=11)
    assert check.reached != permutation_check(sets, 4, 2, 0.05, orders=1000, seed=12).reached
    varied = sequence([6, 5, 4, 3, 2, 2, 1, 1, 1, 0, 1, 0, 0, 0])
    check = permutation_check(varied, 4, 2, 0.05, orders=300, seed=3)
    assert check.median == np.median(check.points)
    assert check.iqr == tuple(np.percentile(check.points, [25, 75]))
    same = permutation_check([{"a", "b", "c"}] * 8, 4, 2, 0.05, orders=50, seed=1)
    assert (same.reached, same.median, same.iqr) == (50, 4.0, (4.0, 4.0))


def test_parameters_are_checked():
    with pytest.raises(QualbenchError, match="proportion"):
        saturation([], threshold=5)
    with pytest.raises(QualbenchError, match="run length"):
        saturation([], run=0)


@pytest.fixture
def mini(project, write):
    return build_mini(project, write)


def test_project_saturation_in_interview_date_order(mini):
    r = mini.saturation(base=2, run=2, threshold=0.25, permutations=0)
    assert r.order_source == "interview_date" and r.coder == "coder_a"
    assert r.curve["document"].tolist() == ["P01", "P02", "P03", "P04", "P05", "P06", "P07"]
    assert r.curve["new_codes"].tolist() == [2, 1, 1, 0, 0, 0, 0]
    assert r.curve["cumulative"].tolist() == [2, 3, 4, 4, 4, 4, 4]
    assert r.curve["new_code_names"][0] == ["Back to work", "Sleeping better"]
    # base 1-2 (3 codes), run 3-4 adds 1 = 33% > 25%; base 1-3 (4), run 4-5 adds 0: met at 3.
    assert r.point == 3 and r.windows["met"].tolist() == [False, True]
    assert r.frequencies.values.tolist() == [["No regrets", 4, 3], ["Back to work", 2, 1],
                                             ["Sleeping better", 2, 1], ["Social life", 2, 2]]


def test_project_saturation_in_a_given_order(mini):
    order = ["P07", "P06", "P05", "P04", "P03", "P02", "P01"]
    r = mini.saturation(order=order, base=2, run=2, threshold=0.25, permutations=0)
    assert r.order_source == "given order"
    assert r.curve["new_codes"].tolist() == [1, 2, 0, 1, 0, 0, 0]
    assert r.point == 4   # bases 1-2 and 1-3 (3 codes) see 1 new in their runs (33%); base 1-4 sees 0
    part = mini.saturation(order=["P02", "P01", "P03", "P04", "P05"], base=2, run=2, permutations=0)
    assert len(part.curve) == 5 and any("Not in --order" in n for n in part.notes)
    with pytest.raises(NotFoundError, match="P99"):
        mini.saturation(order=["P01", "P99"])
    with pytest.raises(QualbenchError, match="twice"):
        mini.saturation(order=["P01", "p01"])


def test_undated_interviews_go_last_with_a_note(mini, write):
    mini.import_participants(write("people2.csv", PEOPLE.replace("2020-01-01", "")))
    r = mini.saturation(permutations=0)
    assert r.curve["document"].tolist()[-1] == "P01"
    assert any("No interview_date for P01" in n for n in r.notes)
    r = mini.saturation(order_by="visit_date", permutations=0)
    assert r.order_source == "document name" and r.curve["document"].tolist()[0] == "P01"
