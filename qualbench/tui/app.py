"""The workbench app: handed a ready Project, it shows documents and the coding screen.

The app holds what every screen shares — the project, the active coder, whether blind
mode is on, the number-key codes per coder — and routes the cross-screen messages
(:mod:`.messages`). It never touches the database itself; screens call the Project API.

Three rules are kept here, once, for every screen (including screens added later):

* **review** (``--review``): every action that writes is refused in :meth:`run_action`
  (and hidden from the footer), and the screens get a :class:`~.readonly.ReadOnlyProject`
  whose writes raise — only comments (and exports) go through;
* **blind mode**: nothing that shows another coder's codings (the agreement screen) opens;
* **undo/redo of many rows** (an import of 938 codings) asks first, whichever screen's
  ``u`` asked for it.

``run(project, coder=..., review=...)`` is what ``qualbench``, ``qualbench tui`` and
``qualbench demo`` call. Tests build the app with a project in a temporary folder and
drive it with ``App.run_test()``.
"""
from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from ..api.undo_text import describe, table_words
from ..errors import QualbenchError
from ..project import Project
from ..settings import SETTINGS_FILE
from .feedback import guarded, reported
from .messages import CoderSwitched, OpenDocument, ProjectChanged
from .readonly import READ_ONLY, ReadOnlyProject, writes
from .recent import KeyFile, RecentCodes
from .screens.coding import CodingScreen
from .screens.documents import DocumentsScreen

# Screens that show every coder's codings side by side: closed to a coder in blind mode
# (name in SCREENS_BY_NAME -> how the refusal names it).
NOT_BLIND = {"agreement": "F4"}


class QualbenchApp(App[None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "qualbench"
    BINDINGS = [
        Binding("question_mark", "help", "Keys"),
        Binding("f2", "switch_coder", "Coder"),
        Binding("f3", "show('codebook')", "Codebook"),
        Binding("f4", "show('agreement')", "Agreement"),
        Binding("f5", "show('joint')", "Joint"),
        Binding("f6", "show('saturation')", "Saturation"),
    ]
    # Top-level screens reachable from everywhere: name -> (module in .screens, class).
    # Each is imported on first use so the app starts fast and a screen's module stands alone.
    SCREENS_BY_NAME = {
        "codebook": ("codebook", "CodebookScreen"),
        "agreement": ("agreement", "AgreementScreen"),
        "joint": ("joint", "JointScreen"),
        "saturation": ("saturation", "SaturationScreen"),
        "review": ("review", "ReviewScreen"),
    }

    def __init__(self, project: Project, *, coder: str | None = None, review: bool = False) -> None:
        super().__init__()
        self.project = ReadOnlyProject(project) if review else project
        self.coder = (coder or project.settings.default_coder or "coder_a").strip()
        self.review = review
        self.blind = project.blind_for(self.coder)
        self.last_search: tuple[str, str] = ("", "words")
        self._recent: dict[str, RecentCodes] = {}
        self._keys = KeyFile(project.path)
        self._settings_stamp = self._settings_mtime()

    def get_default_screen(self):
        if self.review:
            return self.screen_class("review")()
        return DocumentsScreen()

    def screen_class(self, name: str):
        import importlib
        module, cls = self.SCREENS_BY_NAME[name]
        return getattr(importlib.import_module(f".screens.{module}", __package__), cls)

    def on_mount(self) -> None:
        self.title = f"qualbench · {self.project.settings.title}"
        self._warm_up()

    def _warm_up(self) -> None:
        # Loading spaCy takes a second; do it now in a thread so the first lemma search is quick.
        def load() -> None:
            from ..nlp import pipeline
            try:
                pipeline(self.project.settings.language, self.project.settings.spacy_model)
            except Exception:  # a missing model is reported when a search needs it
                pass
        self.run_worker(load, thread=True, group="warm-up", exit_on_error=False)

    # -- shared state --------------------------------------------------------------------
    def recent_for(self, coder: str) -> RecentCodes:
        """The coder's number keys: as saved in the project folder, else from the database."""
        if coder not in self._recent:
            recent = self._keys.load(coder)
            if recent is None:
                recent = RecentCodes()
                with reported(self):
                    recent = RecentCodes([c.id for c in self.project.recent_codes(coder)])
            self._recent[coder] = recent
        return self._recent[coder]

    def use_code(self, code_id: int) -> None:
        """The active coder applied ``code_id``: give it a number key, and remember the keys."""
        recent = self.recent_for(self.coder)
        recent.use(code_id)
        self._keys.save(self.coder, recent)

    def changed(self, action: str = "") -> None:
        """Something was written: recompute blind mode and let every screen reread."""
        self.blind = self.project.blind_for(self.coder)
        for screen in self.screen_stack:
            screen.post_message(ProjectChanged(action))
        self._close_what_blind_mode_hides()

    def switch_coder(self, coder: str) -> None:
        self.coder = coder
        self.blind = self.project.blind_for(coder)
        for screen in self.screen_stack:
            screen.post_message(CoderSwitched(coder))
        self.notify(f"Coding as {coder}" + (" (blind: only your own codings are shown)." if self.blind else "."))
        self._close_what_blind_mode_hides()

    # -- every key's action: no writes in review, a big undo asks first ------------------
    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
        """Every key's action passes here: refuse writes in review, ask before a big undo."""
        target, name, params = self._parse_action(
            action, self if default_namespace is None else default_namespace, namespaces)
        if self.review and writes(target, name):
            self.notify(READ_ONLY[0].upper() + READ_ONLY[1:] + ".", severity="warning", title="Read-only")
            return True
        if name in ("undo", "redo") and target.check_action(name, params) \
                and self._confirm_bulk(name, target, params):
            return True
        return await super().run_action(action, default_namespace, namespaces)

    def _check_action_state(self, action, default_namespace):
        # The footer asks this for every key it shows: in review, write keys are not shown.
        if self.review:
            target, name, _ = self._parse_action(action, default_namespace)
            if writes(target, name):
                return False
        return super()._check_action_state(action, default_namespace)

    # -- undo and redo of many rows: ask first -------------------------------------------
    def _confirm_bulk(self, verb: str, target, params) -> bool:
        """If the next undo/redo changes many rows, ask; True when the question was put."""
        try:
            preview = (self.project.next_undo if verb == "undo" else self.project.next_redo)(self.coder)
        except QualbenchError:  # the screen's own action reports whatever is wrong
            return False
        if preview is None or not preview.bulk:
            return False
        from .dialogs.confirm import ConfirmDialog
        question = preview.text(verb)
        detail = (f"That is one change of {preview.size:,} rows: all of it goes at once. "
                  + ("ctrl+y redoes it." if verb == "undo" else "u undoes it again."))

        def answered(yes: bool | None) -> None:
            if yes:
                self.call_later(getattr(target, f"action_{verb}"), *params)
            else:
                self.notify(f"Nothing {'undone' if verb == 'undo' else 'redone'}.")
        self.push_screen(ConfirmDialog(question[0].upper() + question[1:] + "?", detail,
                                       yes=verb, no="keep everything"), callback=answered)
        return True

    @guarded
    def undo(self, verb: str = "undo") -> None:
        """Undo (or redo) the active coder's last change and say what it was."""
        project = self.project
        preview = (project.next_undo if verb == "undo" else project.next_redo)(self.coder)
        event = (project.undo if verb == "undo" else project.redo)(actor=self.coder)
        what = describe(event)
        if preview is not None and preview.size > 1:
            counts = [table_words(t, n) for t, n in sorted(preview.rows.items(), key=lambda kv: -kv[1])
                      if t in ("codings", "documents", "codes", "participants", "memos")]
            if counts:
                what += ": " + ", ".join(counts)
        self.notify(f"Undone: {what} (ctrl+y redoes)." if verb == "undo" else f"Redone: {what} (u undoes).")
        self.changed(verb)

    # -- blind mode: nothing that shows the other coders' work ---------------------------
    def blind_refusal(self, what: str, then: str = "press the key again") -> str:
        mode = str(self.project.settings.blind_mode).strip().lower() or "auto"
        why = ", on once two coders have coded" if mode == "auto" else ""
        return (f"Blind mode is on for {self.coder}: {what} would show the other coders' codings. "
                f"When the independent coding is done, set blind_mode = \"off\" in {SETTINGS_FILE} "
                f"(now \"{mode}\"{why}), then {then}.")

    def _settings_mtime(self) -> float | None:
        try:
            return (self.project.path / SETTINGS_FILE).stat().st_mtime
        except OSError:
            return None

    def _reread_blind_mode(self) -> None:
        """Pick up a blind_mode edited in qualbench.toml while the app runs."""
        stamp = self._settings_mtime()
        if stamp == self._settings_stamp:
            return
        self._settings_stamp = stamp
        from ..settings import load
        with reported(self):
            self.project.settings.blind_mode = load(self.project.path).blind_mode
            was = self.blind
            self.changed("settings")
            if was and not self.blind:
                self.notify("Blind mode is off now: every coder's codings are shown.")

    def _close_what_blind_mode_hides(self) -> None:
        if not self.blind or self.review:
            return
        hidden = tuple(self.screen_class(name) for name in NOT_BLIND)
        for i, screen in enumerate(self.screen_stack):
            if isinstance(screen, hidden):
                while len(self.screen_stack) > i:
                    self.pop_screen()
                self.notify(self.blind_refusal("the agreement screen", "press F4"), severity="warning",
                            title="Blind mode: agreement closed", timeout=12)
                return

    # -- routing -------------------------------------------------------------------------
    @guarded
    def on_open_document(self, message: OpenDocument) -> None:
        """Open the interview; if it is open already (maybe further back), go back to it."""
        document = self.project.document(message.document_id)
        for i, screen in enumerate(self.screen_stack):
            if isinstance(screen, CodingScreen) and screen.document.id == document.id:
                while len(self.screen_stack) > i + 1:
                    self.pop_screen()
                screen.jump(message.select, message.highlights)
                return
        opened = CodingScreen(document, select=message.select, highlights=message.highlights)
        if isinstance(self.screen, CodingScreen):
            self.switch_screen(opened)
        else:
            self.push_screen(opened)

    # -- actions on every screen ---------------------------------------------------------
    def action_help(self) -> None:
        from .dialogs.help import HelpDialog
        from .keys import help_sections, sections_for
        if isinstance(self.screen, HelpDialog):
            return
        first = sections_for(self.screen)
        title = f"Keys · {first[0]} first, then every other key" if first else "Keys"
        self.push_screen(HelpDialog(help_sections(first), title=title))

    def action_switch_coder(self) -> None:
        from .dialogs.coder import CoderDialog
        with reported(self):
            coders = self.project.human_coders()
            if self.coder not in coders:
                coders.append(self.coder)
            self.push_screen(CoderDialog(coders, self.coder),
                             callback=lambda name: name and name != self.coder and self.switch_coder(name))

    @guarded
    def action_show(self, name: str) -> None:
        """Open a top-level screen; if it is already open further down, go back to it."""
        if name in NOT_BLIND and self.blind and not self.review:
            self._reread_blind_mode()
            if self.blind:
                self.notify(self.blind_refusal(NOT_BLIND[name], f"press {NOT_BLIND[name]} again"),
                            severity="warning", title="Blind mode", timeout=12)
                return
        cls = self.screen_class(name)
        if isinstance(self.screen, cls):
            return
        for i, screen in enumerate(self.screen_stack):
            if isinstance(screen, cls):
                while len(self.screen_stack) > i + 1:
                    self.pop_screen()
                return
        self.push_screen(cls())

    def action_search(self) -> None:
        from .dialogs.search import SearchDialog
        query, mode = self.last_search

        def chosen(hit) -> None:
            if hit is not None:
                self.post_message(OpenDocument(hit.document_id, select=(hit.start, hit.end),
                                               highlights=hit.matches))
        self.push_screen(SearchDialog(self.project, query=query, mode=mode), callback=chosen)


def run(project: Project, *, coder: str | None = None, review: bool = False) -> None:
    """Open the workbench on ``project`` (blocks until the user quits)."""
    try:
        QualbenchApp(project, coder=coder, review=review).run()
    finally:
        project.close()
