"""The workbench app: handed a ready Project, it shows documents and the coding screen.

The app holds what every screen shares — the project, the active coder, whether blind
mode is on, the number-key codes per coder — and routes the cross-screen messages
(:mod:`.messages`). It never touches the database itself; screens call the Project API.

``run(project, coder=..., review=...)`` is what ``qualbench``, ``qualbench tui`` and
``qualbench demo`` call. Tests build the app with a project in a temporary folder and
drive it with ``App.run_test()``.
"""
from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from ..project import Project
from .feedback import guarded, reported
from .messages import CoderSwitched, OpenDocument, ProjectChanged
from .recent import RecentCodes
from .screens.coding import CodingScreen
from .screens.documents import DocumentsScreen


class QualbenchApp(App[None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "qualbench"
    BINDINGS = [
        Binding("question_mark", "help", "Keys"),
        Binding("f2", "switch_coder", "Coder"),
        Binding("f3", "show('codebook')", "Codebook"),
        Binding("f4", "show('agreement')", "Agreement"),
        Binding("f5", "show('joint')", "Joint display"),
        Binding("f6", "show('saturation')", "Saturation", show=False),
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
        self.project = project
        self.coder = (coder or project.settings.default_coder or "coder_a").strip()
        self.review = review
        self.blind = project.blind_for(self.coder)
        self.last_search: tuple[str, str] = ("", "words")
        self._recent: dict[str, RecentCodes] = {}

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
        if coder not in self._recent:
            with reported(self):
                self._recent[coder] = RecentCodes([c.id for c in self.project.recent_codes(coder)])
        return self._recent.setdefault(coder, RecentCodes())

    def changed(self, action: str = "") -> None:
        """Something was written: recompute blind mode and let every screen reread."""
        self.blind = self.project.blind_for(self.coder)
        for screen in self.screen_stack:
            screen.post_message(ProjectChanged(action))

    def switch_coder(self, coder: str) -> None:
        self.coder = coder
        self.blind = self.project.blind_for(coder)
        for screen in self.screen_stack:
            screen.post_message(CoderSwitched(coder))
        self.notify(f"Coding as {coder}" + (" (blind: only your own codings are shown)." if self.blind else "."))

    # -- routing -------------------------------------------------------------------------
    @guarded
    def on_open_document(self, message: OpenDocument) -> None:
        document = self.project.document(message.document_id)
        screen = self.screen
        if isinstance(screen, CodingScreen) and screen.document.id == document.id:
            screen.jump(message.select, message.highlights)
        elif isinstance(screen, CodingScreen):
            self.switch_screen(CodingScreen(document, select=message.select, highlights=message.highlights))
        else:
            self.push_screen(CodingScreen(document, select=message.select, highlights=message.highlights))

    # -- actions on every screen ---------------------------------------------------------
    def action_help(self) -> None:
        from .dialogs.help import HelpDialog
        from .keys import help_sections
        if not isinstance(self.screen, HelpDialog):
            self.push_screen(HelpDialog(help_sections()))

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
