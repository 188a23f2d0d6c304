"""The agreement screen (F4): the per-code table, and settling disagreements with real keys.

The small project double-codes the two test interviews so every disagreement is known by
construction (see :func:`double_code`); the demo study checks the values a real study
gives. Each settlement is checked in the database through the API, not only on screen.
"""
from __future__ import annotations

import pytest
from rich.text import Text
from textual.widgets import Static

from qualbench.tui.dialogs.agreement_span import SpanEditor
from qualbench.tui.dialogs.confirm import ConfirmDialog
from qualbench.tui.screens.agreement import AgreementScreen
from qualbench.tui.screens.coding import CodingScreen
from qualbench.tui.widgets.agreement_reconcile import ReconcilePanel
from qualbench.tui.widgets.agreement_table import POOLED, AgreementTable, band, band_colors, fmt

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
    # Agreement comes after the independent coding: blind mode is off by then (F4 is
    # closed to a coder in blind mode).
    project.settings.blind_mode = "off"
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
        # Reconciliation progress counts the coders' differing spans, at every level, and
        # the header and the legend say so.
        assert row_of(table, "Poor sleep")["settled"] == "0/1"
        assert row_of(table, "Pain before treatment")["settled"] == ""
        assert "spans settled" in [str(c.label) for c in table.ordered_columns]
        assert "spans settled: the coders' differing spans" in text_of(screen, "#agreement-legend")
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
        # Segment matching has its own agree/disagr counts: no span column beside them, and
        # κ, which exists only for all codes together, is "—" with its reason on each code.
        assert "settled" not in [c.key.value for c in table.ordered_columns]
        assert row_of(table, "Poor sleep")["kappa"] == "—"
        table.move_cursor(row=table.get_row_index("Poor sleep"))
        await pilot.pause()
        assert "segment matching has κ only for all codes together" in text_of(screen, "#agreement-detail")
        assert "spans settled" not in text_of(screen, "#agreement-legend")
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
        screen = await open_agreement(pilot)
        # A word typed at the table by mistake ends in "g": the copy asks first, with the count.
        await pilot.press(*"/sleeping")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Copy 3 agreed codings to the consensus set?" in app.screen.question
        assert consensus(study) == set()
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and consensus(study) == set()
        await pilot.press("g", "y")
        await settle(pilot)
        agreed = {(code, a) for _, code, a, b in DOUBLE_CODED if a == b}
        assert consensus(study) == agreed and len(agreed) == 3
        assert any("Copied 3 agreed codings" in n.message for n in app._notifications)
        await pilot.press("g")  # nothing left to copy: said at once, no question
        await settle(pilot)
        assert app.screen is screen
        assert any("Nothing new to copy" in n.message for n in app._notifications)
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


@pytest.fixture
def demo_agreement(demo_project):
    """The shared demo with blind mode off (F4 is for after the independent coding)."""
    was = demo_project.settings.blind_mode
    demo_project.settings.blind_mode = "off"
    yield demo_project
    demo_project.settings.blind_mode = was


async def test_the_demo_values_and_colours(demo_agreement):
    demo_project = demo_agreement
    app = make_app(demo_project)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_agreement(pilot)
        table = screen.query_one(AgreementTable)
        # The demo's published numbers (qualbench agree --coders coder_a,coder_b).
        hope = row_of(table, "Hope for pain relief")
        assert (hope["cohen_kappa"], hope["krippendorff_alpha"], hope["gwet_ac1"]) == ("0.766", "0.766", "0.994")
        assert "Hope for pain relief · 2,174 units · 5 span disagreements" in text_of(screen, "#agreement-detail")
        # The codes nobody applied are named in the legend, not compared.
        unused = demo_project.agreement(list(PAIR))["unused_codes"]
        assert "Effect wore off" in unused
        assert f"{len(unused)} codes neither coder applied, not compared" in text_of(screen, "#agreement-legend")
        assert row_of(table, "Awake during surgery")["fleiss_kappa"] == "-0.004"
        assert "10 interviews" in text_of(screen, "#top-bar") and "0 of 280 settled" in text_of(screen, "#top-bar")
        colors = band_colors(app)
        for code, value in (("Hope for pain relief", 0.766), ("Would not repeat", 0.881),
                            ("Disappointed with outcome", 0.262)):
            cell = table.get_cell(code, "krippendorff_alpha")
            assert cell.spans[0].style == colors[band(value, "krippendorff_alpha")]
        assert "tentative" in text_of(screen, "#agreement-detail")  # the reading of the first row


async def test_rows_in_codebook_tree_order_and_sorting_comes_back_to_it(demo_agreement):
    """codes() is depth-first: each category's codes together, never interleaved."""
    p = demo_agreement
    app = make_app(p)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_agreement(pilot)
        table = screen.query_one(AgreementTable)
        compared = set(p.agreement(list(PAIR))["per_code"])
        tree_order = [c.name for c in p.codes() if c.name in compared]
        keys = [r.key.value for r in table.ordered_rows]
        assert keys[:-2] == tree_order and keys[-2:] == [POOLED, "\x00mean"]
        parents = [p.code(name).parent_id for name in tree_order]
        assert all(parents.index(x) + parents.count(x) - 1 == len(parents) - 1 - parents[::-1].index(x)
                   for x in set(parents))  # each category's codes are one run
        await pilot.press("l", "l")  # segment matching: the same order
        await settle(pilot)
        assert table.level == "segment"
        compared = set(p.agreement(list(PAIR), level="segment")["per_code"])
        assert [r.key.value for r in table.ordered_rows][:-2] == [c.name for c in p.codes() if c.name in compared]
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("s")  # by code name
        names = [r.key.value for r in table.ordered_rows][:-2]
        assert names == sorted(tree_order, key=str.casefold)
        await pilot.press(*["s"] * (len(table.columns_spec) + 1))  # every column, then back
        assert table.sort_key is None
        assert [r.key.value for r in table.ordered_rows][:-2] == tree_order


def screen_lines(app) -> list[str]:
    """The text of the whole terminal, line by line (from the app's own screenshot)."""
    import html
    import re
    from collections import defaultdict
    rows = defaultdict(list)
    svg = app.export_screenshot()
    for m in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
                         r'clip-path="url\(#[^)]*-line-(\d+)\)">(.*?)</text>', svg):
        rows[int(m[2])].append((float(m[1]), html.unescape(m[3])))
    out = []
    for n in sorted(rows):
        line = ""
        for x, t in sorted(rows[n]):
            col = int(round(x / 12.2))
            line = line.ljust(col)[:col] + t
        out.append(line.rstrip())
    return out


async def test_a_review_run_reads_but_never_settles_or_copies(study):
    double_code(study)
    app = make_app(study, review=True, coder="supervisor")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        shown = {b.binding.action for b in screen.active_bindings.values()}
        assert "copy_agreed" not in shown and "undo" not in shown  # not offered in the footer
        await pilot.press("g")
        await settle(pilot)
        assert app.screen is screen and consensus(study) == set()
        table = screen.query_one(AgreementTable)
        table.move_cursor(row=table.get_row_index(POOLED))
        await pilot.press("enter")  # reading the disagreements is fine
        await settle(pilot)
        assert screen.reconciling and screen.query_one(ReconcilePanel).current() is not None
        await pilot.press("a", "b", "plus", "n", "e")
        await settle(pilot)
        assert app.screen is screen  # no span editor either
        assert consensus(study) == set() and study.reconciliation_progress(*PAIR) == (0, 4)
        assert any("read-only" in n.message for n in app._notifications)
        assert app._exception is None


async def test_a_fresh_project_says_why_there_are_no_coders(study):
    study.settings.blind_mode = "off"
    app = make_app(study)
    async with app.run_test(size=(180, 30)) as pilot:
        screen = await open_agreement(pilot)
        top = text_of(screen, "#top-bar")
        assert "Agreement  no two coders to compare yet · unit level" in top
        assert "agreement needs two coders" in text_of(screen, "#agreement-detail")


async def test_the_table_spans_the_width(study):
    double_code(study)
    app = make_app(study)
    async with app.run_test(size=(180, 30)) as pilot:
        screen = await open_agreement(pilot)
        table = screen.query_one(AgreementTable)
        width = sum(c.get_render_width(table) for c in table.ordered_columns)
        assert width == table.scrollable_content_region.width  # header band and cursor to the edge
        assert "spans settled" in [str(c.label) for c in table.ordered_columns]
    app = make_app(study)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_agreement(pilot)
        table = screen.query_one(AgreementTable)
        assert "settled" in [str(c.label) for c in table.ordered_columns]  # narrow: the short header
        width = sum(c.get_render_width(table) for c in table.ordered_columns)
        assert width <= table.scrollable_content_region.width


async def test_settling_the_last_one_says_so_and_offers_the_next_code(study):
    double_code(study)
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(pilot)
        table = screen.query_one(AgreementTable)
        table.move_cursor(row=table.get_row_index("Poor sleep"))
        await pilot.press("enter")
        await settle(pilot)
        panel = screen.query_one(ReconcilePanel)
        # Where: the turn and the sentence, as a reader finds the passage.
        assert panel.table.get_cell_at((0, 3)).plain == "turn 2, sentences 2–3"
        await pilot.press("a")
        await settle(pilot)
        assert study.reconciliation_progress(*PAIR) == (1, 4)
        assert any("All 1 disagreement of “Poor sleep” settled" in n.message and "“Mobility” (1)" in n.message
                   for n in app._notifications)
        assert "all settled · ] next: Mobility" in text_of(screen, "#top-bar")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.code == "Mobility" and [i.code for i in panel.data.items] == ["Mobility"]
        assert "Reconcile  Mobility · 0 of 1 settled" in text_of(screen, "#top-bar")
        await pilot.press("n", "right_square_bracket", "b", "right_square_bracket", "plus")
        await settle(pilot)
        assert study.reconciliation_progress(*PAIR) == (4, 4)
        assert any("no other code has an open one" in n.message for n in app._notifications)
        await pilot.press("escape")
        await settle(pilot)
        assert table.current_row().key == "Would not repeat"  # the table follows the last code


async def test_reconciling_a_long_interview_at_80x24_and_180x50(demo_agreement):
    p = demo_agreement
    app = make_app(p)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_agreement(pilot)
        await pilot.press("end", "enter")  # every code's: the list takes its room
        await settle(pilot)
        panel = screen.query_one(ReconcilePanel)
        panel.table.move_cursor(row=next(i for i, d in enumerate(panel.data.items) if d.start > 4000))
        await settle(pilot)
        item = panel.current()
        text = p.text(item.document_id)
        # The disputed span and what follows it are on screen, not below the fold.
        after = " ".join(text[item.end:item.end + 40].split()[:3])
        lines = screen_lines(app)
        context_top = max(i for i, line in enumerate(lines) if line.startswith("──"))
        below = " ".join(" ".join(lines[context_top:]).split())
        assert " ".join(text[item.start:item.end].split()[:4]) in below and after in below
        # A long boundary dispute: each side's quote keeps both ends, shortened in the middle.
        boundary = next(i for i, d in enumerate(panel.data.items) if d.kind == "boundary")
        panel.table.move_cursor(row=boundary)
        await settle(pilot)
        item = panel.current()
        text = p.text(item.document_id)
        side = text_of(screen, "#text-b")
        s, e = item.spans_b[0]
        words = text[s:e].split()
        assert " … " in side and words[-1] in side and " ".join(words[:3]) in side
        side_box = screen.query_one("#side-b")
        assert side_box.virtual_size.height <= side_box.size.height  # nothing cut off
    app = make_app(p)
    async with app.run_test(size=(180, 50)) as pilot:
        screen = await open_agreement(pilot)
        table = screen.query_one(AgreementTable)
        table.move_cursor(row=table.get_row_index(POOLED))
        await pilot.press("enter")  # every code: 280 disagreements
        await settle(pilot)
        listing = screen.query_one(ReconcilePanel).table
        assert listing.size.height >= 20  # not capped at 7 rows with blank lines below


def test_fit_keeps_both_ends():
    from qualbench.tui.widgets.agreement_reconcile import fit
    quote = " ".join(f"w{i}" for i in range(200))
    short = fit(quote, 30, 3)
    assert short.startswith("w0 w1") and short.endswith("w198 w199") and " … " in short
    assert len(short) <= 30 * 3
    assert fit("a short quote", 30, 3) == "a short quote"


async def test_a_code_whose_units_agree_can_still_have_a_span_to_settle(study):
    """Unit level: both coders marked the same sentence, with different edges. κ is 1 and
    the span still has to be settled: the line under the table says both."""
    study.settings.blind_mode = "off"
    for coder, quote in (("coder_a", "I could not sleep."), ("coder_b", "I could not sleep")):
        study.add_coding("P01", "Poor sleep", coder, *span_of(study, "P01", quote), actor="setup")
    for coder in PAIR:
        study.add_coding("P02", "Feeling believed", coder,
                         *span_of(study, "P02", "I felt believed for the first time."), actor="setup")
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreement(pilot)
        table = screen.query_one(AgreementTable)
        row = row_of(table, "Poor sleep")
        assert (row["cohen_kappa"], row["settled"]) == ("1.000", "0/1")
        table.move_cursor(row=table.get_row_index("Poor sleep"))
        await pilot.pause()
        detail = text_of(screen, "#agreement-detail")
        assert "1 span disagreement between coder_a and coder_b to settle" in detail
        assert "every unit agrees; the spans' boundaries differ inside them" in detail
