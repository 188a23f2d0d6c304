"""Fixes from a real-terminal audit and a new-user trial, each driven with real keys.

Going back to an interview that is already open (from compare, reconcile, a joint-display
quote, a search), a bulk undo that asks first, blind mode keeping F4 closed, a review run
that cannot write from any screen, number keys that survive a restart, the memo's
escape guard, the coder dialog, the code picker's highlight, the 80-column layout, help
that opens on the screen's own keys, and the coding screen's titles, K and toasts.
Every test checks the database (or the project folder) and what the screen shows.
"""
from __future__ import annotations

import os
import time

from rich.text import Text
from textual import events
from textual.widgets import DataTable, Footer, Static
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast

import qualbench
from qualbench.errors import QualbenchError
from qualbench.tui.dialogs.code_picker import CodePicker, NewCode
from qualbench.tui.dialogs.coder import CoderDialog
from qualbench.tui.dialogs.confirm import ConfirmDialog
from qualbench.tui.dialogs.help import HelpDialog
from qualbench.tui.dialogs.joint_quotes import JointQuotesDialog
from qualbench.tui.dialogs.memo import MemoDialog
from qualbench.tui.dialogs.search import SearchDialog
from qualbench.tui.keys import SCREEN_SECTIONS, all_sections
from qualbench.tui.recent import KEYS_FILE
from qualbench.tui.screens.agreement import AgreementScreen
from qualbench.tui.screens.codebook import CodebookScreen
from qualbench.tui.screens.coding import CodingScreen
from qualbench.tui.screens.compare import CompareScreen
from qualbench.tui.screens.documents import DocumentsScreen
from qualbench.tui.screens.joint import JointScreen
from qualbench.tui.widgets.side_panel import SidePanel
from qualbench.tui.widgets.status_bar import StatusBar

from .conftest import make_app, open_document, settle
from .tuidata import span_of

SIZE = (110, 32)
STICK = "I walked with a stick and I could not sleep."
WIFE = "My wife says I am nicer to live with."


def messages(app) -> str:
    return "\n".join(n.message for n in app._notifications)


def coding_screens(app) -> list[CodingScreen]:
    return [s for s in app.screen_stack if isinstance(s, CodingScreen)]


def plain(widget) -> str:
    content = widget.render()
    return content.plain if isinstance(content, Text) else str(content)


# -- 1. an interview already open further back: go back to it, select the span -----------

async def test_compare_and_search_go_back_to_an_interview_open_further_back(coded_study):
    app = make_app(coded_study)
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot, "P01")
        p01 = app.screen
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, CodebookScreen)
        await pilot.press("slash", *"before", "enter", "escape", "c")  # Pain before treatment
        await settle(pilot)
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        fragment = compare.lists[0].fragment
        assert fragment.label == "P01"
        await pilot.press("enter")  # in context: P01 is open already, two screens back
        await settle(pilot)
        assert app.is_running and app._exception is None
        assert app.screen is p01 and coding_screens(app) == [p01]
        assert p01.view.selection == (fragment.start, fragment.end)

        # From P02's coding screen on top, a search hit in P01 goes back to P01 as well.
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("slash", *"before", "enter", "escape", "c")
        await settle(pilot)
        await pilot.press("down")
        assert app.screen.lists[0].fragment.label == "P02"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.document.name == "P02" and len(coding_screens(app)) == 2
        await pilot.press("slash", *"stick")
        await pilot.pause(0.35)
        await settle(pilot)
        assert isinstance(app.screen, SearchDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert app._exception is None and app.screen is p01 and coding_screens(app) == [p01]
        assert p01.view.text[slice(*p01.view.selection)] == STICK
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)


def two_coders(project) -> None:
    """coder_a and coder_b agree on one passage of P01; only coder_b coded the wife."""
    for coder in ("coder_a", "coder_b"):
        project.add_coding("P01", "Pain before treatment", coder, *span_of(project, "P01", STICK), actor="setup")
    project.add_coding("P01", "Family relationships", "coder_b", *span_of(project, "P01", WIFE), actor="setup")


async def test_reconcile_opens_the_interview_open_further_back(study):
    two_coders(study)
    study.settings.blind_mode = "off"  # agreement comes after the independent coding
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot, "P01")
        p01 = app.screen
        await pilot.press("f4")
        await settle(pilot)
        agreement = app.screen
        assert isinstance(agreement, AgreementScreen)
        table = agreement.query_one(DataTable)
        table.move_cursor(row=table.get_row_index("Family relationships"))
        await pilot.press("enter", "o")
        await settle(pilot)
        assert app.is_running and app._exception is None
        assert app.screen is p01 and coding_screens(app) == [p01]
        assert p01.view.selection == span_of(study, "P01", WIFE)


async def test_a_joint_display_quote_opens_the_interview_open_further_back(study):
    for code, quote in (("Pain before treatment", STICK), ("Mobility", "I walked with a stick")):
        study.add_coding("P01", code, "coder_a", *span_of(study, "P01", quote))
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot, "P01")
        p01 = app.screen
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, JointScreen)
        await pilot.press("enter")  # the first theme × responders: P01's quotes
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, JointQuotesDialog)
        quotes = [q.quote for q in dialog.quotes]
        assert sorted(quotes) == sorted([STICK, "I walked with a stick"])
        await pilot.press(*["down"] * quotes.index("I walked with a stick"), "enter")
        await settle(pilot)
        assert app.is_running and app._exception is None
        assert app.screen is p01 and coding_screens(app) == [p01]
        assert p01.view.selection == span_of(study, "P01", "I walked with a stick")


# -- 2. an undo of many rows asks first; ctrl+z on the documents screen -------------------

def import_many_codings(project, tmp_path, n: int = 30) -> None:
    """One import of ``n`` codings by coder_a (one undoable event, like the demo's 938)."""
    codes = [c.name for c in project.codes() if c.kind == "code"]
    rows = ["document,coder,code,start,end,memo"]
    for doc in ("P01", "P02"):
        for i, (s, e) in enumerate(project.sentence_spans(project.document(doc))):
            for code in codes[i % 3: i % 3 + 2]:
                rows.append(f"{doc},coder_a,{code},{s},{e},")
    path = tmp_path / "codings.csv"
    path.write_text("\n".join(rows[:n + 1]) + "\n", encoding="utf-8")
    project.import_codings_csv(path, actor="coder_a")
    assert len(project.codings()) == n


async def test_undoing_an_import_asks_first_and_says_what_it_undid(study, tmp_path):
    import_many_codings(study, tmp_path)
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot)
        await pilot.press("u")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert dialog.question.startswith("Undo a codings import") and "by coder_a" in dialog.question
        assert dialog.question.endswith(": 30 codings?")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen) and len(study.codings()) == 30
        assert "Nothing undone" in messages(app)
        await pilot.press("u", "y")
        await settle(pilot)
        assert study.codings() == [] and app.screen.view.codings == []
        assert "Undone: a codings import" in messages(app) and "30 codings" in messages(app)
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and app.screen.question.startswith("Redo")
        await pilot.press("y")
        await settle(pilot)
        assert len(study.codings()) == 30 and len(app.screen.view.codings) > 0
        # One coding is undone at once, without a question.
        await pilot.press("j", "c", *"mobility", "enter")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen) and len(study.codings()) == 30


async def test_ctrl_z_undoes_on_the_documents_screen_even_from_the_filter(study):
    study.add_coding("P01", "Mobility", "coder_a", *span_of(study, "P01", "I walked with a stick"),
                     actor="coder_a")
    study.add_coding("P02", "Feeling believed", "coder_a", *span_of(study, "P02", "I felt believed"),
                     actor="coder_a")
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert [str(table.get_row_at(i)[4]).strip() for i in range(2)] == ["1", "1"]
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert len(study.codings()) == 1
        assert [str(table.get_row_at(i)[4]).strip() for i in range(2)] == ["1", "0"]
        await pilot.press(*"p0")  # typing goes to the filter; ctrl+z still undoes the project
        assert app.screen.query_one("#filter").has_focus
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert study.codings() == [] and app.screen.query_one("#filter").value == "p0"
        assert "Undone: coding (Mobility)" in messages(app)


# -- 3. blind mode keeps F4 closed; a review run writes nothing from any screen -----------

async def test_blind_mode_keeps_the_agreement_screen_closed(study):
    two_coders(study)  # two human coders: blind mode "auto" is on
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot)
        assert app.blind and [c.coder for c in app.screen.view.codings] == ["coder_a"]
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen)
        told = messages(app)
        assert "Blind mode is on for coder_a" in told and 'blind_mode = "off"' in told
        assert "qualbench.toml" in told
        # Turned off in qualbench.toml while the app runs: F4 opens, with both coders.
        toml = study.path / "qualbench.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace('blind_mode = "auto"', 'blind_mode = "off"'),
                        encoding="utf-8")
        later = time.time() + 5
        os.utime(toml, (later, later))
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, AgreementScreen) and not app.blind
        assert "Blind mode is off now" in messages(app)


async def test_switching_to_a_blind_coder_closes_the_agreement_screen(study):
    study.add_coding("P01", "Mobility", "coder_a", *span_of(study, "P01", "I walked with a stick"))
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.blind  # one coder: nothing to hide
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, AgreementScreen)
        await pilot.press("f2", *"coder_b", "enter")
        await settle(pilot)
        assert app.coder == "coder_b" and app.blind
        assert isinstance(app.screen, DocumentsScreen)
        assert not any(isinstance(s, AgreementScreen) for s in app.screen_stack)
        assert "Blind mode is on for coder_b" in messages(app)


async def test_a_review_run_cannot_write_from_the_agreement_screen_or_anywhere(study):
    two_coders(study)
    study.settings.blind_mode = "off"
    before = {e.id for e in study.events()}
    app = make_app(study, review=True, coder="supervisor")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen)  # a supervisor reads the agreement
        keys = screen.active_bindings
        assert "g" not in keys and "u" not in keys  # write keys are not in the footer
        await pilot.press("g", "u", "ctrl+y")
        table = screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index("Family relationships"))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a", "b", "plus", "n", "e", "u")
        await settle(pilot)
        assert app.screen is screen and app._exception is None
        assert "read-only review" in messages(app)
        # Whatever a screen forgets, the project it is handed refuses every write but a comment.
        try:
            app.project.add_coding("P02", "Mobility", "supervisor", 0, 5)
        except QualbenchError as exc:
            assert "read-only" in str(exc)
        else:
            raise AssertionError("a review run wrote a coding")
        try:
            app.project.undo(actor="coder_a")
        except QualbenchError:
            pass
        else:
            raise AssertionError("a review run undid a change")
        app.project.add_comment("Mobility", "why so few?", author="supervisor")
    written = [e.action for e in study.events() if e.id not in before]
    assert written == ["comment.add"]
    assert len(study.codings()) == 3 and study.codings(coder="consensus") == []


# -- 4. number keys: stable, and the same after a restart ---------------------------------

async def apply_by_name(pilot, name: str) -> None:
    await pilot.press("j", "c", *name.lower(), "enter")
    await settle(pilot)


def keys_shown(app) -> list[str]:
    return plain(app.screen.query_one(SidePanel).query_one("#recent")).splitlines()


async def test_number_keys_keep_their_codes_across_a_restart(study, tmp_path):
    names = ["Mobility", "Poor sleep", "Last resort"]
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot)
        for name in names:
            await apply_by_name(pilot, name)
        await pilot.press("j", "2")  # Poor sleep again: used last, but it keeps key 2
        await settle(pilot)
        shown = keys_shown(app)
        assert shown == ["1 ■ Mobility", "2 ■ Poor sleep", "3 ■ Last resort"]
    assert (study.path / KEYS_FILE).exists()
    study.close()

    reopened = qualbench.open_project(tmp_path / "study")
    app = make_app(reopened)
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot, "P02")
        assert keys_shown(app) == shown  # not re-sorted by recency (Poor sleep first)
        await pilot.press("3")
        await settle(pilot)
        (coding,) = reopened.codings(doc=reopened.document("P02").id)
        assert reopened.code(coding.code_id).name == "Last resort"
    reopened.close()


async def test_a_tenth_code_replaces_the_one_used_longest_ago(study):
    codes = [c.name for c in study.codes() if c.kind == "code"]
    assert len(codes) == 10
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot)
        for name in codes[:9]:
            await apply_by_name(pilot, name)
        await pilot.press("j", "1")  # the first code is used again: now the second is the oldest
        await settle(pilot)
        await apply_by_name(pilot, codes[9])
        recent = app.recent_for("coder_a")
        assert [recent.get(n) for n in (1, 2)] == [study.code(codes[0]).id, study.code(codes[9]).id]
        assert keys_shown(app)[1] == f"2 ■ {codes[9]}"
        assert [study.code(recent.get(n)).name for n in range(3, 10)] == codes[2:9]


# -- 5. the memo's escape guard is re-armed by typing ---------------------------------------

async def test_escape_warns_again_after_more_typing(study):
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot)
        await pilot.press("m", "enter", *"first idea", "escape")
        await pilot.pause()
        assert isinstance(app.screen, MemoDialog)  # warned
        await pilot.press(*", and more", "escape")
        await pilot.pause()
        assert isinstance(app.screen, MemoDialog), "typing after the warning re-arms it"
        assert messages(app).count("esc again throws them away") == 2
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert study.memo("document", study.document("P01").id) == "first idea, and more"


# -- 6. the coder dialog: filter, next coder first, create only explicitly -----------------

async def test_the_coder_dialog_filters_and_never_creates_a_coder_by_a_typo(study):
    two_coders(study)
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CoderDialog)
        options = dialog.query_one("#coder-options")
        assert dialog.values[options.highlighted] == "coder_b"  # the next coder, not the current
        await pilot.press(*"coder-b")  # a typo
        await pilot.pause()
        assert dialog.values[options.highlighted] == "coder_b"
        assert "Create coder “coder-b”" in str(options.get_option_at_index(len(dialog.values) - 1).prompt)
        await pilot.press("enter")
        await settle(pilot)
        assert app.coder == "coder_b"
        # A new name: the create line is highlighted, and it says so.
        await pilot.press("f2", *"coder_c")
        await pilot.pause()
        dialog = app.screen
        options = dialog.query_one("#coder-options")
        assert options.highlighted == len(dialog.values) - 1
        assert str(options.get_option_at_index(options.highlighted).prompt).startswith("+ Create coder “coder_c”")
        await pilot.press("escape")
        # Enter with nothing typed: the highlighted (next) coder.
        await pilot.press("f2", "enter")
        await settle(pilot)
        assert app.coder == "coder_a"
    assert {c["name"] for c in study.coders()} == {"coder_a", "coder_b"}


# -- 7. the code picker highlights a close code, Create comes last -------------------------

async def test_the_picker_highlights_a_close_code_over_create(demo_project):
    app = make_app(demo_project)
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot)
        await pilot.press("c", *"pain qualty")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, CodePicker)
        highlighted = picker.values[picker.query_one("#picker-options").highlighted]
        assert highlighted.name == "Pain character changed"  # its definition speaks of the pain's quality
        assert isinstance(picker.values[-1], NewCode)
        await pilot.press("escape", "escape")


# -- 8. 80 columns: the coder in the header; "⏎ Open" from the filter; every F-key ---------

async def test_the_documents_header_keeps_the_coder_and_the_footer_keeps_open(study):
    study.settings.title = "Implanted motor cortex stimulation: patients' experiences two years on"
    app = make_app(study)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        top = plain(app.screen.query_one("#top-bar", Static))
        assert top.rstrip().endswith("coder coder_a") and len(top.rstrip()) <= 80
        assert "Implanted motor" in top and "…" in top
        await pilot.press(*"p0")
        await pilot.pause()
        assert app.screen.query_one("#filter").has_focus
        shown = {k.description for k in app.screen.query_one(Footer).query(FooterKey)}
        assert "Open" in shown
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen) and app.screen.document.name == "P01"


async def test_enter_right_after_typing_a_filter_opens_the_filtered_row(study):
    app = make_app(study)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("p", "0", "2", "enter"):  # as fast as a paste: no pause between the keys
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen) and app.screen.document.name == "P02"


async def test_a_wide_footer_shows_every_app_key_after_the_screens_own(study):
    app = make_app(study)
    async with app.run_test(size=(160, 40)) as pilot:
        view = await open_document(pilot)
        assert view is not None
        keys = [k for k in app.screen.query_one(Footer).query(FooterKey)]
        names = [k.key for k in keys]
        assert names[:2] == ["c", "x"]  # the screen's own keys first
        for key in ("question_mark", "f2", "f3", "f4", "f5", "f6"):
            assert key in names, key
        assert all(k.region.right <= 160 for k in keys)


# -- 9. help opens on the screen's own keys -------------------------------------------------

async def test_help_starts_with_the_keys_of_the_screen_it_was_called_from(study):
    titles = {t for t, _ in all_sections()}
    for screen, sections in SCREEN_SECTIONS.items():
        assert sections and set(sections) <= titles, screen
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for opening, first in (((), "Documents"), (("p", "0", "1", "enter"), "Coding: codes, memos, undo"),
                               (("f3",), "Codebook (F3)"), (("f6",), "Saturation (F6)")):
            await pilot.press(*opening)
            await settle(pilot)
            await pilot.press("question_mark")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, HelpDialog)
            assert dialog.sections[0][0] == first
            assert f"{first} first" in plain(dialog.query_one(".dialog-title", Static))
            assert len(dialog.sections) == len(titles)  # every key is still there
            await pilot.press("escape")


# -- 10. the coding screen: titles, K, toasts -------------------------------------------------

async def test_the_recode_title_names_the_code_and_the_quote_stands_apart(study):
    study.add_coding("P01", "Poor sleep", "coder_a", *span_of(study, "P01", STICK))
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        await open_document(pilot)
        await pilot.press("j", "j", "j", "r")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, CodePicker)
        assert plain(picker.query_one(".dialog-title", Static)) == "Change the code “Poor sleep” of this passage to…"
        assert plain(picker.query_one(".dialog-target", Static)) == f"“{STICK}”"
        await pilot.press(*"mobility", "enter")
        await settle(pilot)
        (coding,) = study.codings()
        assert study.code(coding.code_id).name == "Mobility"
        assert "Changed “Poor sleep” to “Mobility”" in messages(app)
        await pilot.press("c")
        await pilot.pause()
        assert plain(app.screen.query_one(".dialog-title", Static)) == "Code this passage of P01 with…"


async def test_j_and_k_select_the_sentence_after_and_before_the_cursor(study):
    app = make_app(study)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_document(pilot)
        await pilot.press("j", "j", "j")  # the cursor at the start of "I walked with a stick…"
        await pilot.press("K")
        assert view.text[slice(*view.selection)].strip() == "It was terrible."
        terrible = span_of(study, "P01", "It was terrible.")
        await pilot.press("K")  # with a selection: one sentence further back
        assert view.selection[0] < terrible[0] and not view.text[terrible[1]:view.selection[1]].strip()
        await pilot.press("escape", "g", "j", "j", "j", "J")  # J from the same place: the sentence after
        assert view.text[slice(*view.selection)].strip() == STICK


async def test_notifications_stay_above_the_status_bar_at_80_columns(study):
    app = make_app(study)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_document(pilot)
        await pilot.press("x")  # nothing to remove: a warning toast
        await pilot.pause()
        toasts = list(app.screen.query(Toast))
        assert toasts
        status = app.screen.query_one(StatusBar)
        assert all(t.region.bottom <= status.region.y for t in toasts)
        assert "coder_a" in plain(status)
