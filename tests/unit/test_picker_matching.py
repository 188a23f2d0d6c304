"""When Enter in the code picker applies the best existing code and when it creates the
typed name: measured on the demo codebook, typos of one code apply it, new ideas near
several codes (or near none) create."""
import pytest

from qualbench.tui.matching import build_entries, highlight_best, rank


@pytest.mark.parametrize("typed, expected", [
    ("slep improvd", "Sleep improved"),
    ("fel belivd", "Feeling believed"),      # 74.9, far ahead of the next code
    ("wound infction", "Wound infection"),
    ("battry", "Battery replacement"),
    ("scar", None),                           # near two codes, neither meant
    ("waiting list", None),
    ("new idea", None),
])
def test_typos_apply_a_code_and_new_ideas_create_one(demo_project, typed, expected):
    ranked = rank(typed, build_entries(demo_project.codes()))
    if expected is None:
        assert not highlight_best(ranked)
    else:
        assert highlight_best(ranked) and ranked[0][0].name == expected
