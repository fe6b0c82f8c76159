"""A full-screen message for states where there is nothing to search yet.

No index, a corrupt index, an index locked by another writer: the user sees what
happened and what to do (with a key to retry or rebuild), never a traceback.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.safe_text import safe_text


class ProblemScreen(Screen[str]):
    """Dismissed with "retry" or "rebuild" when the user presses the matching key."""

    CSS_PATH = "problem.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "retry", "Try again"),
        Binding("f9", "rebuild", "Rebuild index"),
        Binding("q,escape", "app.quit", "Quit"),
    ]

    def __init__(self, title: str, message: str, hint: str, *, can_rebuild: bool) -> None:
        super().__init__()
        self.problem_title = title
        self.message = message
        self.hint = hint
        self.can_rebuild = can_rebuild

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="problem"):
            yield Static(Text(self.problem_title, style="bold"), id="problem-title")
            yield Static(safe_text(self.message), id="problem-message")
            yield Static(safe_text(self.hint, "italic"), id="problem-hint")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rebuild":
            return self.can_rebuild
        return True

    def action_retry(self) -> None:
        self.dismiss("retry")

    def action_rebuild(self) -> None:
        self.dismiss("rebuild")
