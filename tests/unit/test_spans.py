"""Span arithmetic against a brute-force character count."""
from hypothesis import given
from hypothesis import strategies as st

from qualbench.spans import intersection_length, merge, union_length

SPANS = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=8)


def chars(spans):
    return {i for s, e in spans for i in range(s, e)}


@given(SPANS, SPANS)
def test_against_brute_force(a, b):
    assert union_length(a) == len(chars(a))
    assert intersection_length(a, b) == len(chars(a) & chars(b))
    merged = merge(a)
    assert all(e1 < s2 for (_, e1), (s2, _) in zip(merged, merged[1:]))
    assert chars(merged) == chars(a)
