"""The search bar: the query input and an inline error line.

As in fzf, the cursor stays in the query while Up/Down (and Ctrl+N) move the selection
in the results; the history is on Alt+Up/Alt+Down (Ctrl+R: the previous query)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from tui.history import QueryHistory
from tui.messages import SelectionMoved
from tui.safe_text import safe_text

_VARIATION_SELECTORS = {0xFE0E: None, 0xFE0F: None}


class QueryInput(Input):
    """An Input whose Up/Down move the result selection and Alt+Up/Alt+Down walk the
    query history (Input itself leaves them unbound)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "select(-1)", "Previous result", show=False),
        Binding("down,ctrl+n", "select(1)", "Next result", show=False),
        Binding("alt+up,ctrl+r", "history_previous", "Previous query", show=False),
        Binding("alt+down", "history_next", "Next query", show=False),
    ]

    def __init__(self, history: QueryHistory, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.history = history

    def validate_value(self, value: str) -> str:
        """The query without emoji variation selectors (U+FE0E, U+FE0F): invisible, they
        meant nothing to the search and made the terminal and Textual disagree on the
        text's width, so the bar drew shifted after an emoji such as ☀️."""
        return (
            value.translate(_VARIATION_SELECTORS)
            if "\ufe0e" in value or "\ufe0f" in value
            else value
        )

    def _recall(self, query: str | None) -> None:
        if query is not None:
            self.value = query
            self.cursor_position = len(query)

    def action_select(self, step: int) -> None:
        self.post_message(SelectionMoved(step))

    def action_history_previous(self) -> None:
        self._recall(self.history.previous(self.value))

    def action_history_next(self) -> None:
        self._recall(self.history.next())


class SearchBar(Vertical):
    """Query input plus the line under it where query errors show (never as a crash)."""

    DEFAULT_CLASSES = "search-bar"

    def __init__(self, history: QueryHistory, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.history = history

    def compose(self) -> ComposeResult:
        yield QueryInput(
            self.history,
            placeholder='Search stories: words, "phrases", place:iraq, date:1987-03 …',
            id="query",
            # Back in the bar (/, Esc, a letter typed in the results) the query is there
            # to refine, as in fzf: never selected whole, where a letter would replace it.
            select_on_focus=False,
        )
        yield Static("", id="query-error", markup=False)

    @property
    def input(self) -> QueryInput:
        return self.query_one(QueryInput)

    @property
    def value(self) -> str:
        return self.input.value

    def set_query(self, query: str) -> None:
        """Replace the query text (e.g. an accepted suggestion); posts Input.Changed."""
        self.input.value = query
        self.input.cursor_position = len(query)

    def show_error(self, message: str) -> None:
        error = self.query_one("#query-error", Static)
        error.update(safe_text(message, one_line=True))
        error.display = True

    def clear_error(self) -> None:
        error = self.query_one("#query-error", Static)
        if not error.display:
            return  # nothing shown: no repaint (this runs after every search)
        error.update("")
        error.display = False
