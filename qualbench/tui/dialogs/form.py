"""A few one-line fields in a box: a new name and the reason for it, a code's definition.

Every structural change to the codebook asks for the analyst's reason (it goes into the
codebook history), so most codebook dialogs are "one or two fields + a reason". Enter
moves to the next field and saves on the last; ctrl+s saves from anywhere. A field
marked ``required`` must not be empty; every other field may be (a reason is optional).

The dialog returns the field values, in order, or None when cancelled. A ``validate``
callback, given the values on save, may refuse them: it returns an error message, the
dialog shows it in red and stays open with everything typed still there (a duplicate
name must not cost the description and the reason). The codebook passes its write
itself as the check, so whatever the core refuses keeps the dialog open.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


@dataclass(frozen=True)
class Field:
    label: str
    value: str = ""
    placeholder: str = ""
    required: bool = False


REASON = Field("Reason (for the codebook history; may be empty)", placeholder="why this change?")


class FormDialog(ModalScreen[list[str] | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        # Priority, and the focus moved at once: text typed right after enter belongs in
        # the next field (Input's own submit would leave it in this one for a moment).
        Binding("enter", "next_field", "Next field", show=False, priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    DEFAULT_CSS = """
    FormDialog #form-error { height: auto; color: $text-error; text-style: bold; display: none; }
    FormDialog #form-error.-shown { display: block; }
    """

    def __init__(self, title: str, fields: list[Field], *, note: str | Text = "",
                 validate: Callable[[list[str]], str | None] | None = None) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.fields = fields
        self.note = note
        self.validate = validate

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box form-box"):
            yield Static(Text(self.title_text, style="bold"), classes="dialog-title")
            if self.note:
                yield Static(self.note if isinstance(self.note, Text) else Text(self.note),
                             classes="form-note")
            for i, f in enumerate(self.fields):
                yield Static(Text(f.label), classes="form-label")
                yield Input(f.value, placeholder=f.placeholder, id=f"field-{i}", select_on_focus=False)
            yield Static(id="form-error", markup=False)
            yield Static("enter next / save · ctrl+s save · esc cancel", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        for box in self.query(Input):
            box.cursor_blink = not self.app.is_headless
        self.query_one("#field-0", Input).focus()

    def action_next_field(self) -> None:
        focused = self.focused
        index = int(focused.id.split("-")[1]) if isinstance(focused, Input) and focused.id else -1
        if 0 <= index < len(self.fields) - 1:
            self.set_focus(self.query_one(f"#field-{index + 1}", Input))
        else:
            self.action_save()

    def action_save(self) -> None:
        values = [self.query_one(f"#field-{i}", Input).value for i in range(len(self.fields))]
        for i, (f, v) in enumerate(zip(self.fields, values)):
            if f.required and not v.strip():
                self.show_error(f"{f.label.split(' (')[0]} cannot be empty.", field=i)
                return
        if self.validate is not None:
            error = self.validate(values)
            if error:
                self.show_error(error, field=0)
                return
        self.dismiss(values)

    def show_error(self, message: str, *, field: int | None = None) -> None:
        """Say what is wrong inside the dialog, which stays open with the values typed."""
        box = self.query_one("#form-error", Static)
        box.update(message[0].upper() + message[1:] if message else message)
        box.add_class("-shown")
        if field is not None:
            self.set_focus(self.query_one(f"#field-{field}", Input))

    def action_cancel(self) -> None:
        self.dismiss(None)
