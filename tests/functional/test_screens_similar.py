"""Similar codes (S on the codebook screen): a code applied once or twice must not top the
list on a "perfect" overlap; the rule is :mod:`qualbench.analysis.similar`'s docstring."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from qualbench.analysis.similar import SUPPORT_PRIOR, similar_codes
from qualbench.tui.dialogs.similar import SimilarDialog

from .conftest import make_app, settle


def code(id_: int, name: str):
    return SimpleNamespace(id=id_, name=name, kind="code")


def coding(code_id: int, doc: int, start: int, end: int, coder: str = "ann"):
    return SimpleNamespace(code_id=code_id, document_id=doc, coder=coder, start=start, end=end)


def broad_code_and(n_inside: int):
    """Code 1 covers a long passage in each of 10 documents; code 2 has ``n_inside``
    codings, each inside code 1's passage (raw overlap coefficient 1.0)."""
    codes = [code(1, "Advice to other patients"), code(2, "Surgery easier than feared")]
    codings = [coding(1, d, 0, 1000) for d in range(10)]
    codings += [coding(2, d, 100, 160) for d in range(n_inside)]
    return codes, codings


@pytest.mark.parametrize("n, suggested", [(1, False), (2, True), (10, True)])
def test_overlap_is_shrunk_by_the_support_of_the_smaller_code(n, suggested):
    codes, codings = broad_code_and(n)
    frame = similar_codes(codes, codings)
    if not suggested:
        assert frame.empty  # one coding inside a long passage is no evidence
        return
    (row,) = frame.itertuples()
    assert row.overlap == 1.0 and row.support == n
    assert row.weighted_overlap == pytest.approx(n / (n + SUPPORT_PRIOR), abs=1e-3)
    assert row.score == row.weighted_overlap
    assert f"({n} codings) is coded with both" in row.why


def test_a_well_supported_overlap_outranks_a_tiny_perfect_one():
    codes = [code(1, "Advice to other patients"), code(2, "Surgery easier than feared"),
             code(3, "Finding the right settings"), code(4, "Sense of control")]
    codings = [coding(1, d, 0, 1000) for d in range(10)] + [coding(2, 0, 100, 160)] * 1
    codings += [coding(3, d, 2000, 2100) for d in range(12)]
    codings += [coding(4, d, 2000, 2080) for d in range(12)] + [coding(4, d, 5000, 5030) for d in range(3)]
    frame = similar_codes(codes, codings, min_overlap=0.0)
    top = frame.iloc[0]
    assert {top.code_a, top.code_b} == {"Finding the right settings", "Sense of control"}
    tiny = frame[(frame.code_a == "Advice to other patients") & (frame.code_b == "Surgery easier than feared")]
    assert tiny.iloc[0].overlap == 1.0 and tiny.iloc[0].weighted_overlap < 0.34


async def test_the_demo_no_longer_suggests_a_one_coding_code(demo_project):
    app = make_app(demo_project)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SimilarDialog)
        pairs = {frozenset(p[:2]) for p in dialog.pairs}
        assert frozenset({"Surgery easier than feared", "Advice to other patients"}) not in pairs
        assert all("coding" in why for *_, why in dialog.pairs if "coded with both" in why)
