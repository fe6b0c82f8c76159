"""The lines above the results: how many stories, how they are sorted, did-you-mean, and
when the last search failed, what went wrong (the results shown are then marked stale)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Static

from search.results import SearchResults
from tui.messages import SuggestionAccepted
from tui.safe_text import clean, safe_text
from tui.search_state import SearchRequest

SORT_LABELS = {"relevance": "best match first", "newest": "newest first", "oldest": "oldest first"}


def count_text(
    results: SearchResults, position: int | None = None, *, every_version: bool = False
) -> Text:
    """ "1,234 stories (+5 versions) · 12/1,234" (the selected story's place), with the
    relaxed-matching note when it applies (the sort order is on the status line)."""
    if results.only_stop_words:
        return Text("Only words too common to search for", style="bold")
    if results.total == 0:
        return Text("No stories match", style="bold")
    noun = "story" if results.total == 1 else "stories"
    if every_version:
        noun = "article" if results.total == 1 else "articles"  # (every version counted)
    text = Text(f"{results.total:,} {noun}", style="bold", end="")
    if results.folded:
        versions = "version" if results.folded == 1 else "versions"
        text.append(f" (+{results.folded:,} {versions})", style="dim")
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


def empty_hint(results: SearchResults, request: SearchRequest) -> str:
    """What the results list says instead of results, and what to do next."""
    if request.is_browse:
        return (
            "There are no stories in this index yet.\n\n"
            "Add some with `newsdesk index PATH` (files, folders or archives), "
            "then press F5 to refresh."
        )
    if results.only_stop_words:
        return (
            f"“{clean(request.query).strip()}” has only words too common to be indexed "
            "(the, of, and ...): nothing to search for.\n\n"
            "Add a word that says what the story is about."
        )
    hints = [f"No stories match “{clean(request.query)}”."]
    if results.suggestion:
        hints.append(f"Press F3 to search for “{clean(results.suggestion)}” instead.")
    if request.filters:
        hints.append("Remove a filter (click its chip, or F4 to clear them all).")
    hints.append("Try fewer or different words, or a prefix like hawi*.")
    return "\n\n".join(hints)


class ResultSummary(Vertical):
    """Total and sort order, and under them the did-you-mean suggestion as a button (F3).

    The suggestion has a line of its own: beside a long count it was cut off at the
    right edge of a narrow results column, losing its "(F3)".  A failed search leaves its
    reason on a line of its own too (persistent, unlike a notification)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.suggestion: str | None = None
        #: The results counted on the line and their sort (the position is redrawn on them).
        self._counted: tuple[SearchResults, bool] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="count", markup=False)
        yield Button("", id="suggestion", compact=True)
        yield Static("", id="search-problem", markup=False)

    def on_mount(self) -> None:
        self.query_one("#suggestion", Button).display = False
        self.query_one("#search-problem", Static).display = False

    def show(self, results: SearchResults, *, every_version: bool = False) -> None:
        self._counted = (results, every_version)
        self.query_one("#count", Static).update(
            count_text(results, 1 if results.hits else None, every_version=every_version)
        )
        self.show_suggestion(results.suggestion if results.suggestion != results.query else None)

    def show_position(self, position: int) -> None:
        """The selected story is the ``position``-th of the results counted ("12/734")."""
        if self._counted is not None:
            results, every = self._counted
            self.query_one("#count", Static).update(
                count_text(results, position, every_version=every)
            )

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
