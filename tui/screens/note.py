"""The note dialog (``a`` in the reader): a short note kept with a marked story."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.safe_text import safe_text


class NoteScreen(ModalScreen[str | None]):
    """Edit the note; Enter keeps it (the story is marked too), Esc leaves it as it was."""

    CSS_PATH = "saved.tcss"  # the same small centred dialog
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, note: str) -> None:
        super().__init__()
        self.story_title = title
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="saved-dialog"):
            yield Static(safe_text(f"Note on “{self.story_title}”", "bold", one_line=True))
            yield Input(self.note, placeholder="why this story matters", id="note")
            yield Static(Text("Enter keeps it and marks the story · Esc cancels", "dim"))

    @on(Input.Submitted, "#note")
    def _keep(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
