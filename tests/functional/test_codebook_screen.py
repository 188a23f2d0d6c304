"""The codebook tree (F3): merge, move, rename and the rest with real keys, checked in the
database (through the Project API) and on the screen."""
from __future__ import annotations

import csv
import time

from textual.widgets import Static

from qualbench.tui.dialogs.choice import ChoiceDialog
from qualbench.tui.dialogs.form import FormDialog
from qualbench.tui.dialogs.history import HistoryDialog
from qualbench.tui.screens.codebook import CodebookScreen
from qualbench.tui.widgets.code_tree import CodeTree
from qualbench.tui.widgets.node_detail import NodeDetail

from .conftest import make_app, settle
from .tuidata import build_project

SIZE = (100, 30)


def tree_lines(tree: CodeTree) -> list[str]:
    return [tree.render_line(y).text for y in range(tree.scrollable_content_region.height)]


def line_of(tree: CodeTree, name: str) -> str | None:
    """The tree line showing ``name`` (names are followed by counts or a ● marker)."""
    for line in tree_lines(tree):
        if f"■ {name} " in line:
            return line
    return None


def counts_on(tree: CodeTree, name: str) -> list[str]:
    return line_of(tree, name).split()[-3:]


def panel_text(screen) -> str:
    return str(screen.query_one(NodeDetail).query_one("#node-text", Static).render())


async def open_codebook(pilot) -> CodebookScreen:
    await pilot.press("f3")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CodebookScreen)
    return pilot.app.screen


async def goto(pilot, words: str) -> None:
    """Filter to a node, back to the tree, clear the filter: the cursor stays on the node."""
    await pilot.press("slash", *words, "enter", "escape")
    await pilot.pause()


async def choose(pilot, value) -> None:
    """Pick the option whose value is ``value`` in the open ChoiceDialog."""
    dialog = pilot.app.screen
    assert isinstance(dialog, ChoiceDialog)
    target = [v for _, v in dialog.choices].index(value)
    steps = target - dialog.start
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps))
    await pilot.press("enter")
    await pilot.pause()


async def test_merge_two_codes_with_keys_and_the_counts_update(coded_study):
    p = coded_study
    app = make_app(p)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        tree = screen.tree
        sleep, poor = p.code("Sleep improved"), p.code("Poor sleep")
        assert counts_on(tree, "Sleep improved") == ["1", "1", "1"]
        assert counts_on(tree, "Poor sleep") == ["1", "1", "1"]
        assert counts_on(tree, "Pain and sleep") == ["9", "2", "2"]
        await goto(pilot, "poor")
        assert tree.code == poor
        await pilot.press("m", *"slep imp", "enter")  # the picker forgives the typo
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"same", "enter")
        await settle(pilot)

        # The database: codings re-pointed, the old name remembered, the reason in the history.
        assert "Poor sleep" not in {c.name for c in p.codes()}
        assert [c.code_id for c in p.codings(code="Sleep improved")] == [sleep.id, sleep.id]
        assert p.former_names("Sleep improved") == ["Poor sleep"]
        last = p.codebook_history().iloc[-1]
        assert (last.operation, last.reason) == ("code.merge", "same")

        # The screen: the cursor on the merged code, its counts updated, the old line gone.
        assert app.screen is screen and tree.code == sleep
        assert counts_on(tree, "Sleep improved") == ["2", "1", "1"]
        assert line_of(tree, "Poor sleep") is None
        assert counts_on(tree, "Pain and sleep") == ["9", "2", "2"]
        assert "formerly: Poor sleep" in panel_text(screen)
        assert any("Merged “Poor sleep” into “Sleep improved”" in n.message for n in app._notifications)


async def test_moving_a_node_under_its_own_child_is_refused(coded_study):
    p = coded_study
    app = make_app(p)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        theme, child = p.code("Effects on daily life"), p.code("Pain and sleep")
        await goto(pilot, "effects")
        assert screen.tree.code == theme
        await pilot.press("M")
        await pilot.pause()
        await choose(pilot, child.id)
        await settle(pilot)
        assert app.screen is screen  # refused at once: no reason asked
        assert any("cannot move 'Effects on daily life' under 'Pain and sleep'" in n.message
                   and n.severity == "error" for n in app._notifications)
        assert p.code(theme.id).parent_id is None and p.code(child.id).parent_id == theme.id

        # A legal move, with its reason; then undo puts it back.
        social, mobility = p.code("Social life"), p.code("Mobility")
        await goto(pilot, "mobil")
        await pilot.press("M")
        await pilot.pause()
        await choose(pilot, social.id)
        await pilot.press(*"why", "enter")
        await settle(pilot)
        assert p.code("Mobility").parent_id == social.id
        assert screen.tree.cursor_node.parent.data == social.id
        assert counts_on(screen.tree, "Social life") == ["3", "2", "2"]
        assert p.codebook_history().iloc[-1].reason == "why"
        await pilot.press("u")
        await settle(pilot)
        assert p.code("Mobility").parent_id == mobility.parent_id
        assert counts_on(screen.tree, "Social life") == ["2", "2", "2"]


async def test_rename_then_undo_and_redo(coded_study):
    p = coded_study
    app = make_app(p)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        code = p.code("Last resort")
        await goto(pilot, "last")
        await pilot.press("r", "ctrl+u", *"No hope", "enter", *"why", "enter")
        await settle(pilot)
        assert p.code(code.id).name == "No hope"
        assert p.code("Last resort").id == code.id  # the former name still finds it
        assert line_of(screen.tree, "No hope") and not line_of(screen.tree, "Last resort")
        assert screen.tree.code_id == code.id
        await pilot.press("u")
        await settle(pilot)
        assert p.code(code.id).name == "Last resort"
        assert line_of(screen.tree, "Last resort") and not line_of(screen.tree, "No hope")
        assert any(n.message.startswith("Undone: renamed Last resort to No hope")
                   for n in app._notifications)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert p.code(code.id).name == "No hope"


async def test_describe_new_promote_reorder_delete_and_history(coded_study):
    p = coded_study
    app = make_app(p)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        await goto(pilot, "mobil")
        # Describe: description, when to use, when not, example, reason.
        await pilot.press("e", "ctrl+u", *"Walking.", "enter", *"any", "enter", "enter", "enter", "y", "enter")
        await settle(pilot)
        mobility = p.code("Mobility")
        assert (mobility.description, mobility.when_to_use) == ("Walking.", "any")
        assert "Walking." in panel_text(screen)
        # A new code beside the highlighted code (a code has no children).
        await pilot.press("n", *"Stairs", "enter", "enter", "enter")
        await settle(pilot)
        stairs = p.code("Stairs")
        assert stairs.parent_id == mobility.parent_id and screen.tree.code_id == stairs.id
        # Promote it to a category, reorder it up, delete it (it is unused).
        await pilot.press("p", "enter")
        await settle(pilot)
        assert p.code("Stairs").kind == "category"
        siblings = [c.id for c in p.codes() if c.parent_id == mobility.parent_id]
        await pilot.press("left_square_bracket")
        await settle(pilot)
        after = [c.id for c in p.codes() if c.parent_id == mobility.parent_id]
        assert after.index(stairs.id) == siblings.index(stairs.id) - 1
        await pilot.press("x", "enter")
        await settle(pilot)
        assert "Stairs" not in {c.name for c in p.codes()}
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryDialog)
        table = app.screen.query_one("DataTable")
        operations = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
        assert operations[:5] == ["delete", "reorder", "kind", "create", "update"]


async def test_similar_codes_open_the_merge_dialog_for_a_pair(coded_study):
    p = coded_study
    p.create_code("Improved sleep", parent="Pain and sleep")
    app = make_app(p)
    async with app.run_test(size=SIZE) as pilot:
        await open_codebook(pilot)
        await pilot.press("S")
        await settle(pilot)
        dialog = app.screen
        pair = {"Sleep improved", "Improved sleep"}
        first = [set(x[:2]) for x in dialog.pairs].index(pair)
        assert "names 100% alike" in dialog.pairs[first][3]
        await pilot.press(*["down"] * first, "m")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)  # which into which
        a, b = app.screen.choices[0][1]
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert {c.name for c in p.codes()} >= {b.name} and a.name not in {c.name for c in p.codes()}


def test_tree_redraw_after_merging_two_codes_with_5000_codings_each(tmp_path):
    """Prints the timings the issue asks for (no assertion on them: machines differ)."""
    import asyncio

    p = build_project(tmp_path / "big")
    text = p.text(p.document("P01"))
    spans = [(s, e) for s in range(0, len(text) - 1) for e in range(s + 1, min(len(text), s + 60))]
    rows = [("P01", "coder_a", "Sleep improved", s, e) for s, e in spans[:5000]]
    rows += [("P01", "coder_b" if i % 2 else "coder_a", "Poor sleep", s, e)
             for i, (s, e) in enumerate(spans[2500:7500])]  # half of them share spans with the first code
    path = tmp_path / "codings.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["document", "coder", "code", "start", "end"])
        w.writerows(rows)
    p.import_codings_csv(path)
    p.settings.blind_mode = "off"

    async def run() -> dict:
        app = make_app(p)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_codebook(pilot)
            t0 = time.perf_counter()
            result = p.merge_codes(["Poor sleep"], "Sleep improved", actor="coder_a", reason="timing")
            t1 = time.perf_counter()
            screen.reload()
            t2 = time.perf_counter()
            await pilot.pause()  # the repaint
            t3 = time.perf_counter()
            assert counts_on(screen.tree, "Sleep improved")[0] == f"{10000 - result['collapsed']:,}".replace(",", "")
            return {"merge": t1 - t0, "reload": t2 - t1, "reload+paint": t3 - t1, **result}
    timings = asyncio.run(run())
    print(f"\nmerge of 2 x 5,000 codings: {timings['merge'] * 1000:.0f} ms "
          f"({timings['moved']} moved, {timings['collapsed']} collapsed); tree reread: "
          f"{timings['reload'] * 1000:.0f} ms; reread + repaint: {timings['reload+paint'] * 1000:.0f} ms")
    p.close()


def test_help_lists_every_key_of_the_codebook_compare_and_review_screens():
    from qualbench.tui.keys import help_sections
    from qualbench.tui.screens.compare import CompareScreen
    from qualbench.tui.screens.review import ReviewScreen

    shown = " ".join(what for _, rows in help_sections() for _, what in rows)
    for screen in (CodebookScreen, CompareScreen, ReviewScreen):
        for binding in screen.BINDINGS:
            if binding.description:
                assert binding.description in shown, (screen.__name__, binding.description)


async def test_the_cursor_stays_on_the_merge_target_even_folded_or_filtered_out(coded_study):
    p = coded_study
    app = make_app(p)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        tree = screen.tree
        # Fold "Decision"; merge "Poor sleep" into "Would repeat", which is inside it.
        await goto(pilot, "decision")
        await pilot.press("space")
        await pilot.pause()
        assert p.code("Decision").id in tree.collapsed
        await goto(pilot, "poor")
        await pilot.press("m", *"would repeat", "enter")
        await pilot.pause()
        await pilot.press(*"test", "enter")
        await settle(pilot)
        assert tree.code == p.code("Would repeat")
        assert tree.cursor_node.parent.is_expanded and p.code("Decision").id not in tree.collapsed
        # A filter the target does not match: the target is shown, with its path, under the cursor.
        await pilot.press("slash", *"last", "enter")
        await pilot.pause()
        assert tree.code == p.code("Last resort")
        await pilot.press("m", *"mobility", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert tree.code == p.code("Mobility")
        assert "Last resort" not in {c.name for c in p.codes()}


async def test_a_refused_form_stays_open_with_what_was_typed(coded_study):
    p = coded_study
    app = make_app(p)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        await goto(pilot, "mobil")
        before = len(p.codes())
        await pilot.press("n", *"Mobility", "enter", *"Walking and stairs", "enter", *"seen twice", "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FormDialog)  # still open
        error = str(dialog.query_one("#form-error", Static).render())
        assert "already exists" in error and dialog.query_one("#form-error").display
        values = [dialog.query_one(f"#field-{i}").value for i in range(3)]
        assert values == ["Mobility", "Walking and stairs", "seen twice"]
        assert dialog.focused is dialog.query_one("#field-0")  # back on the name
        await pilot.press("end", *" on stairs", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen and len(p.codes()) == before + 1
        new = p.code("Mobility on stairs")
        assert new.description == "Walking and stairs"
        assert p.codebook_history().iloc[-1].reason == "seen twice"
        assert screen.tree.code == new
        # A required field left empty: said in the form too.
        await pilot.press("r", "ctrl+u", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        assert "New name cannot be empty." in str(app.screen.query_one("#form-error", Static).render())
        await pilot.press("escape")


async def test_deleting_a_code_with_codings_is_refused_at_once(coded_study):
    p = coded_study
    app = make_app(p)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        await goto(pilot, "mobil")
        await pilot.press("x")
        await settle(pilot)
        assert app.screen is screen  # no form, no reason asked
        assert any("“Mobility” cannot be deleted: it has 1 coding" in n.message for n in app._notifications)
        await goto(pilot, "decision")
        await pilot.press("x")
        await settle(pilot)
        assert app.screen is screen
        assert any("3 nodes under it" in n.message for n in app._notifications)
        assert {"Mobility", "Decision"} <= {c.name for c in p.codes()}


async def test_review_run_codebook_keys_say_read_only(coded_study, digest):
    p = coded_study
    app = make_app(p, review=True, coder="supervisor")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CodebookScreen)
        await goto(pilot, "mobil")
        before = digest(p)
        for key in ("r", "m", "x", "n", "M", "e", "u"):
            count = len(app._notifications)
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen, key  # no dialog opened
            assert len(app._notifications) == count + 1, key
            assert "read-only" in list(app._notifications)[-1].message, key
        assert digest(p) == before


async def test_history_fits_the_reason_on_screen(coded_study):
    p = coded_study
    reason = "the participants themselves say 'no hope left' far more often than 'last resort'"
    p.rename_code("Last resort", "No hope left", actor="coder_a", reason=reason)
    p.merge_codes(["Poor sleep"], "Sleep improved", actor="coder_a", reason="same idea, seen in P01 and P02")
    for size in ((180, 50), (80, 24)):
        app = make_app(p)
        async with app.run_test(size=size) as pilot:
            await open_codebook(pilot)
            await pilot.press("h")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, HistoryDialog)
            table = dialog.query_one("DataTable")
            width = sum(c.get_render_width(table) for c in table.ordered_columns)
            assert width <= table.scrollable_content_region.width, size  # the Reason column is in view
            assert [str(c.label) for c in table.ordered_columns][-1] == "Reason"
            first = [str(c) for c in table.get_row_at(0)]
            assert first[2] == "merge" and first[4].startswith("same idea")
            full = str(dialog.query_one("#history-full").render())
            assert "why: same idea, seen in P01 and P02" in full
            await pilot.press("down")
            full = str(dialog.query_one("#history-full").render())
            assert reason in " ".join(full.split())
            assert "←→ scroll sideways" in str(dialog.query_one(".dialog-hint").render())


async def test_history_uses_the_width_of_a_wide_terminal(coded_study):
    app = make_app(coded_study)
    async with app.run_test(size=(180, 40)) as pilot:
        await open_codebook(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert app.screen.query_one(".history-box").size.width >= 160  # not capped at 100
