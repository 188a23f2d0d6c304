"""The agreement screen (F4): the per-code table, and settling disagreements with real keys.

The small project double-codes the two test interviews so every disagreement is known by
construction (see :func:`double_code`); the demo study checks the values a real study
gives. Each settlement is checked in the database through the API, not only on screen.
"""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from qualbench.tui.dialogs.agreement_span import SpanEditor
from qualbench.tui.screens.agreement import AgreementScreen
from qualbench.tui.screens.coding import CodingScreen
from qualbench.tui.widgets.agreement_reconcile import ReconcilePanel
from qualbench.tui.widgets.agreement_table import (POOLED, AgreementTable, band, band_colors, fmt)

from .conftest import make_app, settle
from .tuidata import span_of

SIZE = (110, 32)
PAIR = ("coder_a", "coder_b")

# (document, code, coder A's passage, coder B's passage); None: that coder did not code it.
DOUBLE_CODED = [
    ("P01", "Pain before treatment", "It was terrible. I walked with a stick and I could not sleep.",
     "It was terrible. I walked with a stick and I could not sleep."),
    ("P01", "Poor sleep", "I could not sleep.",
     "I could not sleep. Some nights I just sat in the kitchen with a puzzle."),        # boundary
    ("P01", "Mobility", "I walked with a stick", None),                                 # only A
    ("P01", "Family relationships", None, "My wife says I am nicer to live with."),     # only B
    ("P01", "Would repeat", "Yes, I would do it again tomorrow.", "Yes, I would do it again tomorrow."),
    ("P02", "Feeling believed", "But the team listened, and I felt believed for the first time.",
     "But the team listened, and I felt believed for the first time."),
    ("P02", "Would not repeat", "No. I would not do it again, it was a lot for very little.",
     "I would not do it again"),                                                        # boundary
]
# The disagreements in the API's order (document, then code id).
DISAGREEING = ["Poor sleep", "Mobility", "Family relationships", "Would not repeat"]


def double_code(project) -> None:
    # Made by "setup", so the coder's undo in a test only ever undoes the test's own actions.
    for doc, code, a, b in DOUBLE_CODED:
        for coder, quote in zip(PAIR, (a, b)):
            if quote:
                project.add_coding(doc, code, coder, *span_of(project, doc, quote), actor="setup")


def plain(cell) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


def row_of(table: AgreementTable, key: str) -> dict[str, str]:
    cells = table.get_row(key)
    return {str(col.key.value): plain(c) for col, c in zip(table.ordered_columns, cells)}


def text_of(screen, selector: str) -> str:
    content = screen.query_one(selector, Static).content
    return content.plain if isinstance(content, Text) else str(content)


def consensus(project) -> set[tuple[str, str]]:
    names = {c.id: c.name for c in project.codes()}
    docs = {d.id: d for d in project.documents()}
    return {(names[c.code_id], project.text(docs[c.document_id])[c.start:c.end])
            for c in project.codings(coder="consensus")}


async def open_agreement(pilot) -> AgreementScreen:
    await pilot.press("f4")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AgreementScreen)
    return screen


async def test_the_table_shows_the_api_values_at_every_level(study):
    double_code(study)
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(pilot)
        table = screen.query_one(AgreementTable)
        assert screen.coders == PAIR
        for level in ("unit", "character"):
            expected = study.agreement(list(PAIR), level=level)
            for code, stats in expected["per_code"].items():
                row = row_of(table, code)
                for stat in ("percent_agreement", "cohen_kappa", "krippendorff_alpha", "gwet_ac1"):
                    assert row[stat] == fmt(stats[stat]), (level, code, stat)
            pooled = row_of(table, POOLED)
            assert pooled["fleiss_kappa"] == fmt(expected["overall_pooled"]["fleiss_kappa"])
            await pilot.press("l")
            await settle(pilot)
        # Segment matching: agreements per code and the overall kappa.
        expected = study.agreement(list(PAIR), level="segment")
        assert [c.key for c in table.ordered_columns][1:4] == ["agreements", "disagreements", "total"]
        assert row_of(table, "Poor sleep")["agreements"] == str(expected["per_code"]["Poor sleep"]["agreements"])
        assert row_of(table, POOLED)["kappa"] == fmt(expected["overall"]["kappa"])
        assert "segment matching, overlap ≥ 90%" in text_of(screen, "#top-bar")
        await pilot.press("t")  # threshold 90% -> 80%
        await settle(pilot)
        assert screen.threshold == 0.8 and "≥ 80%" in text_of(screen, "#top-bar")
        # Progress per code: two settled-or-open counts where the coders disagree.
        assert row_of(table, "Poor sleep")["settled"] == "0/1"
        assert row_of(table, "Pain before treatment")["settled"] == ""
        assert "0 of 4 settled" in text_of(screen, "#top-bar")


async def test_sorting_keeps_the_overall_rows_last(study):
    double_code(study)
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(pilot)
        table = screen.query_one(AgreementTable)
        await pilot.press(*["s"] * 5)  # codebook order -> code -> % -> Cohen -> Fleiss -> alpha
        assert table.sort_key == "krippendorff_alpha"
        keys = [r.key.value for r in table.ordered_rows]
        assert keys[-2:] == [POOLED, "\x00mean"]
        values = [table.rows_data[[r.key for r in table.rows_data].index(k)].values["krippendorff_alpha"]
                  for k in keys[:-2]]
        defined = [v for v in values if v is not None]
        assert defined == sorted(defined) and values[:len(defined)] == defined  # worst first, undefined last
        await pilot.press("S")
        keys = [r.key.value for r in table.ordered_rows]
        assert keys[-2:] == [POOLED, "\x00mean"]


async def test_settle_with_a_b_both_none_and_edit_then_undo(study):
    double_code(study)
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(pilot)
        table = screen.query_one(AgreementTable)
        table.move_cursor(row=table.get_row_index(POOLED))
        await pilot.press("enter")  # every code's disagreements
        await settle(pilot)
        panel = screen.query_one(ReconcilePanel)
        assert [i.code for i in panel.data.items] == DISAGREEING
        assert "0 of 4 settled" in text_of(screen, "#top-bar")
        # Side by side: A's passage, B's passage, and the passage around them.
        assert "I could not sleep." in text_of(screen, "#text-a")
        assert "Some nights I just sat in the kitchen" in text_of(screen, "#text-b")

        await pilot.press("a")  # Poor sleep: coder A's span
        await settle(pilot)
        assert consensus(study) == {("Poor sleep", "I could not sleep.")}
        assert panel.current().code == "Mobility"  # on to the next open one
        await pilot.press("b")  # Mobility: B has no coding -> refused, nothing written
        await settle(pilot)
        assert study.reconciliation_progress(*PAIR) == (1, 4)
        await pilot.press("n")  # Mobility: none
        await settle(pilot)
        await pilot.press("b")  # Family relationships: coder B's span
        await settle(pilot)
        await pilot.press("plus")  # Would not repeat: both spans
        await settle(pilot)
        assert study.reconciliation_progress(*PAIR) == (4, 4)
        assert "4 of 4 settled" in text_of(screen, "#top-bar")
        assert consensus(study) == {
            ("Poor sleep", "I could not sleep."),
            ("Family relationships", "My wife says I am nicer to live with."),
            ("Would not repeat", "No. I would not do it again, it was a lot for very little."),
            ("Would not repeat", "I would not do it again")}
        assert [i.decision for i in panel.data.items] == ["a", "none", "b", "both"]

        await pilot.press("u")  # undo "both"
        await settle(pilot)
        assert study.reconciliation_progress(*PAIR) == (3, 4)
        assert "3 of 4 settled" in text_of(screen, "#top-bar")
        assert not any(code == "Would not repeat" for code, _ in consensus(study))
        assert panel.data.items[3].decision is None

        # Edit: start one word later, end one word earlier, then settle.
        panel.table.move_cursor(row=3)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, SpanEditor)
        await pilot.press("shift+right", "left", "enter")
        await settle(pilot)
        assert ("Would not repeat", "I would not do it again, it was a lot for very") in consensus(study)
        assert study.reconciliation_progress(*PAIR) == (4, 4)
        assert panel.data.items[3].decision == "edit"

        # Re-settle Poor sleep with typed offsets: the new span replaces A's.
        panel.table.move_cursor(row=0)
        start, end = span_of(study, "P01", "I just sat in the kitchen")
        await pilot.press("e", "colon", *f"{start} {end}", "enter", "enter")
        await settle(pilot)
        assert ("Poor sleep", "I just sat in the kitchen") in consensus(study)
        assert ("Poor sleep", "I could not sleep.") not in consensus(study)

        await pilot.press("u", "u")  # the re-settlement, then the edit
        await settle(pilot)
        assert study.reconciliation_progress(*PAIR) == (3, 4)
        assert ("Poor sleep", "I could not sleep.") in consensus(study)
        assert not any(code == "Would not repeat" for code, _ in consensus(study))

        await pilot.press("escape")
        assert screen.query_one(AgreementTable).has_focus
        assert row_of(screen.query_one(AgreementTable), "Poor sleep")["settled"] == "1/1"


async def test_copy_the_agreements_to_consensus_and_undo(study):
    double_code(study)
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        await open_agreement(pilot)
        await pilot.press("g")
        await settle(pilot)
        agreed = {(code, a) for _, code, a, b in DOUBLE_CODED if a == b}
        assert consensus(study) == agreed and len(agreed) == 3
        assert any("Copied 3 agreed codings" in n.message for n in app._notifications)
        await pilot.press("u")
        await settle(pilot)
        assert consensus(study) == set()


async def test_open_a_disagreement_in_its_interview(study):
    double_code(study)
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(pilot)
        table = screen.query_one(AgreementTable)
        table.move_cursor(row=table.get_row_index("Family relationships"))
        await pilot.press("enter", "o")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen) and app.screen.document.name == "P01"
        assert app.screen.view.selection == span_of(study, "P01", "My wife says I am nicer to live with.")
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.screen is screen


async def test_one_coder_only_says_why(study):
    study.add_coding("P01", "Mobility", "coder_a", *span_of(study, "P01", "I walked with a stick"))
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(pilot)
        assert "agreement needs two coders" in text_of(screen, "#agreement-detail")
        await pilot.press("enter")  # nothing to open; a warning, no crash
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AgreementScreen)


async def test_the_demo_values_and_colours(demo_project):
    app = make_app(demo_project)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_agreement(pilot)
        table = screen.query_one(AgreementTable)
        # The demo's published numbers (qualbench agree --coders coder_a,coder_b).
        hope = row_of(table, "Hope for pain relief")
        assert (hope["cohen_kappa"], hope["krippendorff_alpha"], hope["gwet_ac1"]) == ("0.766", "0.766", "0.994")
        assert "Hope for pain relief · 2,174 units · 5 disagreements" in text_of(screen, "#agreement-detail")
        assert row_of(table, "Awake during surgery")["fleiss_kappa"] == "-0.004"
        assert "10 interviews" in text_of(screen, "#top-bar") and "0 of 280 settled" in text_of(screen, "#top-bar")
        colors = band_colors(app)
        for code, value in (("Hope for pain relief", 0.766), ("Would not repeat", 0.881),
                            ("Disappointed with outcome", 0.262)):
            cell = table.get_cell(code, "krippendorff_alpha")
            assert cell.spans[0].style == colors[band(value, "krippendorff_alpha")]
        assert "tentative" in text_of(screen, "#agreement-detail")  # the reading of the first row
