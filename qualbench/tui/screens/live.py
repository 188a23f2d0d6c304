"""A screen that shows an analysis of the project and keeps it current.

The joint display and the saturation screen recompute in a thread worker whenever the
project changes (a coding, a merge, an undo) or the active coder does. Recomputing a
screen nobody looks at would only burn the two cores a laptop has, so a screen that is
not on top just remembers that it is stale and recomputes when it is shown again.
"""
from __future__ import annotations

from textual.screen import Screen

from ..messages import CoderSwitched, ProjectChanged


class LiveAnalysisScreen(Screen):
    stale = False

    def recompute(self) -> None:  # pragma: no cover - every subclass has its own
        raise NotImplementedError

    def on_project_changed(self, message: ProjectChanged) -> None:
        if self.is_current:
            self.recompute()
        else:
            self.stale = True

    def on_coder_switched(self, message: CoderSwitched) -> None:
        self.on_project_changed(ProjectChanged("coder"))

    def on_screen_resume(self) -> None:
        if self.stale:
            self.stale = False
            self.recompute()

    def action_leave(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
