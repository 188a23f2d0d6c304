"""Arithmetic on ``[start, end)`` spans, shared by analyses and views."""
from __future__ import annotations

from typing import Iterable


def merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping union of spans (touching spans join); empty spans dropped."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def union_length(spans: Iterable[tuple[int, int]]) -> int:
    return sum(e - s for s, e in merge(spans))


def intersection_length(a: Iterable[tuple[int, int]], b: Iterable[tuple[int, int]]) -> int:
    a, b = list(a), list(b)
    return union_length(a) + union_length(b) - union_length(a + b)
