"""A one-line question in a small dialog: a note on a marked story (``a`` in the reader),
words to find in a story (``/``)."""

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


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line; Enter gives it, Esc gives None."""

    CSS_PATH = "saved.tcss"  # the same small centred dialog
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, title: str, value: str = "", *, placeholder: str = "", hint: str = ""
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="saved-dialog"):
            yield Static(safe_text(self.title_text, "bold", one_line=True))
            yield Input(self.value, placeholder=self.placeholder, id="prompt")
            yield Static(Text(self.hint or "Enter · Esc cancels", "dim"))

    @on(Input.Submitted, "#prompt")
    def _given(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
