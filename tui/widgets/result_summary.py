"""The lines above the results: how many stories, how they are sorted, did-you-mean, and
when the last search failed, what went wrong (the results shown are then marked stale)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Static

from search.results import SearchResults
from tui.messages import SuggestionAccepted
from tui.safe_text import safe_text
from tui.search_state import SearchRequest

SORT_LABELS = {"relevance": "best match first", "newest": "newest first", "oldest": "oldest first"}


def count_text(results: SearchResults, sort: str, position: int | None = None) -> Text:
    """ "1,234 stories · best match first · 12/1,234" (the selected story's place), with
    the relaxed-matching note when it applies."""
    if results.only_stop_words:
        return Text("Only words too common to search for", style="bold")
    if results.total == 0:
        return Text("No stories match", style="bold")
    noun = "story" if results.total == 1 else "stories"
    text = Text(f"{results.total:,} {noun}", style="bold", end="")
    text.append(f" · {SORT_LABELS.get(sort, sort)}", style="dim")
    if position is not None:
        text.append(f" · {position:,}/{results.total:,}", style="bold")
    if results.relaxed and results.all_words_total == 0:
        text.append(" · showing stories matching any word", style="italic")
    elif results.relaxed:
        text.append(
            f" · {results.all_words_total:,} with every word, then stories matching any word",
            style="italic",
        )
    if results.missing_shards:
        missing = ", ".join(str(number) for number in results.missing_shards)
        text.append(f" · partial results: no answer from shard {missing}", style="italic")
    elif results.partial:
        text.append(" · time limit hit: partial results", style="italic")
    return text


def stale_text(results: SearchResults, request: SearchRequest, *, query_error: bool) -> Text:
    """ "79 stories for “oil”, the last valid query", dimmed: what the list still shows
    while the query typed cannot be read (or the search for it failed)."""
    which = "the last valid query" if query_error else "the last working search"
    query = " ".join(request.query.split())
    label = f"for “{query}”" if query else "(browsing)"
    if request.filters:
        label += " and its filters"
    noun = "story" if results.total == 1 else "stories"
    count = f"{results.total:,} {noun}" if results.total else "No stories"
    return safe_text(f"{count} {label}, {which}", "dim italic")


class ResultSummary(Vertical):
    """Total and sort order, and under them the did-you-mean suggestion as a button (F3).

    The suggestion has a line of its own: beside a long count it was cut off at the
    right edge of a narrow results column, losing its "(F3)".  A failed search leaves its
    reason on a line of its own too (persistent, unlike a notification)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.suggestion: str | None = None
        #: The results counted on the line and their sort (the position is redrawn on them).
        self._counted: tuple[SearchResults, str] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="count", markup=False)
        yield Button("", id="suggestion", compact=True)
        yield Static("", id="search-problem", markup=False)

    def on_mount(self) -> None:
        self.query_one("#suggestion", Button).display = False
        self.query_one("#search-problem", Static).display = False

    def show(self, results: SearchResults, sort: str) -> None:
        self._counted = (results, sort)
        self.query_one("#count", Static).update(
            count_text(results, sort, 1 if results.hits else None)
        )
        self.show_suggestion(results.suggestion if results.suggestion != results.query else None)

    def show_position(self, position: int) -> None:
        """The selected story is the ``position``-th of the results counted ("12/734")."""
        if self._counted is not None:
            results, sort = self._counted
            self.query_one("#count", Static).update(count_text(results, sort, position))

    def show_message(self, message: str) -> None:
        self._counted = None
        self.query_one("#count", Static).update(Text(message, style="bold"))
        self.show_suggestion(None)

    def show_stale(
        self, results: SearchResults, request: SearchRequest, *, query_error: bool
    ) -> None:
        """The results still shown are those of ``request``, not of the query typed."""
        self._counted = None
        self.query_one("#count", Static).update(
            stale_text(results, request, query_error=query_error)
        )
        self.show_suggestion(None)

    def show_problem(self, message: str) -> None:
        """Why the last search (or next page) failed, until the next one succeeds."""
        problem = self.query_one("#search-problem", Static)
        problem.update(safe_text(message, one_line=True))
        problem.display = True

    def clear_problem(self) -> None:
        problem = self.query_one("#search-problem", Static)
        if problem.display:  # this runs after every search: touch it only when shown
            problem.update("")
            problem.display = False

    def show_suggestion(self, suggestion: str | None) -> None:
        self.suggestion = suggestion
        button = self.query_one("#suggestion", Button)
        if button.display != (suggestion is not None):
            button.display = suggestion is not None
        if suggestion is not None:
            label = Text("did you mean: ", end="")
            label.append(safe_text(suggestion, "bold underline", one_line=True))
            label.append("?  (F3)")
            if label.plain != str(button.label):
                button.label = label
                button.refresh(layout=True)  # Button sizes itself to a new label only on layout

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.suggestion is not None:
            self.post_message(SuggestionAccepted(self.suggestion))
