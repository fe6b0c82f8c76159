"""The main screen: search bar, filter chips, facets + timeline, results and preview.

Searches run as you type: each keystroke restarts a short debounce timer, then an
exclusive thread worker queries the engine.  Every request gets a generation number and a
result is shown only if it belongs to the newest request, so a slow stale search can never
overwrite a newer one.  Worker failures are handled in one place
(:meth:`SearchScreen.on_worker_state_changed`): query errors under the bar, other
newsdesk errors as a notification, never a traceback.  A result is shown in one frame:
painting the list first and the sidebar a frame later was measured, and it made the
whole screen later without making the list's p95 sooner (see benchmarks/README.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from corpus.errors import NewsdeskError
from corpus.model import Article
from search.errors import QueryError
from search.results import Hit, SearchResults, Span
from tui.backend import SearchBackend
from tui.history import QueryHistory
from tui.messages import (
    FacetToggled,
    FilterRemoved,
    HitChosen,
    HitHighlighted,
    MoreResultsWanted,
    SearchFinished,
    SuggestionAccepted,
)
from tui.safe_text import clean
from tui.screens.refreshing import IndexRefreshingScreen
from tui.search_state import SearchRequest
from tui.settings import Settings
from tui.widgets.facet_panel import FacetPanel
from tui.widgets.filter_chips import FilterChips
from tui.widgets.preview import PREVIEW_CHARS, Preview
from tui.widgets.result_list import ResultList
from tui.widgets.result_summary import ResultSummary
from tui.widgets.search_bar import SearchBar

#: Narrower terminals hide the preview (Enter still opens the reader).
PREVIEW_MIN_WIDTH = 110
#: Seconds the result cursor must rest before the preview fetches the whole story.
PREVIEW_DELAY = 0.1


class SearchScreen(IndexRefreshingScreen):
    """Search as you type over one engine; the reader opens on top of it."""

    CSS_PATH = "search.tcss"
    AUTO_FOCUS = "#query"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", tooltip="Move to the search bar"),
        Binding("f2", "toggle_sort", "Sort", tooltip="Relevance → newest → oldest"),
        Binding("f3", "accept_suggestion", "Did you mean", tooltip="Search the suggestion"),
        Binding("f4", "clear_filters", "Clear filters"),
        Binding("f6", "focus_facets", "Facets", tooltip="Move to the facet list"),
        Binding("escape", "back_to_search", "Search bar", show=False),
    ]

    def __init__(
        self, engine: SearchBackend, settings: Settings, history: QueryHistory, query: str = ""
    ) -> None:
        super().__init__(engine, settings)
        self.history = history
        self.request = SearchRequest(query=query)
        self.results: SearchResults | None = None
        self.generation = 0
        self._debounce: Timer | None = None
        self._search_worker: Worker[None] | None = None
        self._page_worker: Worker[None] | None = None
        self._loading_more = False
        self._preview_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield SearchBar(self.history, id="search-bar")
        yield FilterChips(id="chips")
        with Horizontal(id="main"):
            yield FacetPanel(limit=self.settings.facet_limit, id="facet-panel")
            with Horizontal(id="right"):
                with Vertical(id="center"):
                    yield ResultSummary(id="summary")
                    yield ResultList(id="results")
                    yield Static("", id="empty-hint", markup=False)
                yield Preview(id="preview")
        yield self.refresh_progress_widget()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(FilterChips).display = False
        self.query_one(SearchBar).clear_error()
        self.query_one("#empty-hint").display = False
        if self.request.query:  # typed before the screen existed (e.g. during the first build)
            self.query_one(SearchBar).set_query(self.request.query)
        self._fit_width(self.app.size.width)
        self.run_search()

    def on_resize(self, event: events.Resize) -> None:
        self._fit_width(event.size.width)

    def _fit_width(self, width: int) -> None:
        """Below PREVIEW_MIN_WIDTH columns the preview gives its room to the results."""
        self.query_one(Preview).display = width >= PREVIEW_MIN_WIDTH

    # -- running searches -------------------------------------------------------------

    def run_search(self) -> None:
        """Search now for the current request (a new generation: older results are dropped)."""
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        self.generation += 1
        self._loading_more = False
        self._search_worker = self._search(self.generation, self.request)

    def after_index_refresh(self) -> None:
        """The engine now reads the refreshed index: search again."""
        self.run_search()

    def _query_engine(self, request: SearchRequest, page: int) -> SearchResults:
        return self.engine.search(
            request.query,
            filters={k: list(v) for k, v in request.filters.items()},
            facets=page == 1,
            facet_limit=max(self.settings.facet_limit * 2, 20),
            sort=request.sort,
            page=page,
            page_size=self.settings.page_size,
        )

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, generation: int, request: SearchRequest) -> None:
        self.post_message(SearchFinished(generation, self._query_engine(request, 1)))

    @work(thread=True, exclusive=True, group="page", exit_on_error=False)
    def _next_page(self, generation: int, request: SearchRequest, page: int) -> None:
        results = self._query_engine(request, page)
        self.post_message(SearchFinished(generation, results, append=True))

    def on_search_finished(self, message: SearchFinished) -> None:
        if message.generation != self.generation:
            return  # a newer request is running or done: this result is stale
        results = message.results
        result_list = self.query_one(ResultList)
        has_more = results.page * results.page_size < results.total
        if message.append:
            self._loading_more = False
            if self.results is not None:
                self.results = results_with_page(self.results, results)
            result_list.show_hits(list(results.hits), has_more=has_more, append=True)
            return
        self.results = results
        self.query_one(SearchBar).clear_error()
        self.query_one(FilterChips).show_filters(self.request.filters)
        self._show_summary(results)
        result_list.show_hits(list(results.hits), has_more=has_more)
        self._show_empty_hint(None if results.hits else self._empty_hint(results))
        self.query_one(FacetPanel).show_facets(results.facets, self.request.filters)

    def _show_empty_hint(self, hint: str | None) -> None:
        """No hits: the list gives way to a message saying what to do (preview cleared)."""
        empty = self.query_one("#empty-hint", Static)
        if hint is None and not empty.display:
            return  # results shown, as before: nothing to re-lay out
        self.query_one(ResultList).display = hint is None
        empty.display = hint is not None
        empty.update(hint or "")
        if hint is not None:
            self.query_one(Preview).clear()

    def _show_summary(self, results: SearchResults) -> None:
        summary = self.query_one(ResultSummary)
        if results.total == 0 and self.request.is_browse:
            summary.show_message("The index is empty")
        else:
            summary.show(results, self.request.sort)

    def _empty_hint(self, results: SearchResults) -> str:
        if self.request.is_browse:
            return (
                "There are no stories in this index yet.\n\n"
                "Add some with `newsdesk index PATH` (files, folders or archives), "
                "then press F5 to refresh."
            )
        hints = [f"No stories match “{clean(self.request.query)}”."]
        if results.suggestion:
            hints.append(f"Press F3 to search for “{clean(results.suggestion)}” instead.")
        if self.request.filters:
            hints.append("Remove a filter (click its chip, or F4 to clear them all).")
        hints.append("Try fewer or different words, or a prefix like hawi*.")
        return "\n\n".join(hints)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place search failures become messages (the refresh reports its own)."""
        if event.state != WorkerState.ERROR:
            return
        worker, error = event.worker, event.worker.error
        title = error.title if isinstance(error, NewsdeskError) else "Unexpected error"
        message = (
            str(error) if isinstance(error, NewsdeskError) else f"{type(error).__name__}: {error}"
        )
        if worker.group == "preview":
            self.query_one(Preview).clear(f"{title}: {clean(message)}")
            return
        if worker.group not in ("search", "page"):
            return
        if worker is self._page_worker:
            self._loading_more = False
        if worker not in (self._search_worker, self._page_worker):
            return  # a stale request failed: nobody is waiting for it
        if isinstance(error, QueryError):
            self.query_one(SearchBar).show_error(f"{title}: {message}")
        else:
            self.notify(clean(message), title=title, severity="error", markup=False)

    # -- user input --------------------------------------------------------------------

    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        if event.value == self.request.query:
            return
        self.request = self.request.with_query(event.value)
        if self.settings.debounce <= 0:
            self.run_search()
            return
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(self.settings.debounce, self.run_search)

    @on(Input.Submitted, "#query")
    def _query_submitted(self, event: Input.Submitted) -> None:
        self.request = self.request.with_query(event.value)
        self.history.add(event.value)
        self.run_search()
        self.query_one(ResultList).focus()

    def on_facet_toggled(self, message: FacetToggled) -> None:
        self.request = self.request.toggle_filter(message.field, message.value)
        self.run_search()

    def on_filter_removed(self, message: FilterRemoved) -> None:
        self.request = self.request.remove_filter(message.field, message.value)
        self.run_search()

    def on_suggestion_accepted(self, message: SuggestionAccepted) -> None:
        self.query_one(SearchBar).set_query(message.suggestion)
        self.request = self.request.with_query(message.suggestion)
        self.history.add(message.suggestion)
        self.run_search()

    def on_more_results_wanted(self, _: MoreResultsWanted) -> None:
        if self._loading_more or self.results is None:
            return
        loaded = self.results.page * self.results.page_size
        if loaded >= self.results.total:
            return
        self._loading_more = True
        self._page_worker = self._next_page(self.generation, self.request, self.results.page + 1)

    def on_hit_highlighted(self, message: HitHighlighted) -> None:
        """Show the hit at once; fetch the full story after a pause in cursor movement,
        so scrolling through the list (or painting new results) never waits for it."""
        self.query_one(Preview).show_hit(message.hit)
        if self._preview_timer is not None:
            self._preview_timer.stop()
        hit, query = message.hit, self.request.query
        self._preview_timer = self.set_timer(PREVIEW_DELAY, lambda: self._load_preview(hit, query))

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _load_preview(self, hit: Hit, query: str) -> None:
        article = self.engine.get(hit.id)
        title_spans = self.engine.match_spans(query, article.title) if query else ()
        body_spans = self.engine.match_spans(query, article.body[:PREVIEW_CHARS]) if query else ()
        self.app.call_from_thread(self._show_preview, hit, article, title_spans, body_spans)

    def _show_preview(
        self, hit: Hit, article: Article, title_spans: Sequence[Span], body_spans: Sequence[Span]
    ) -> None:
        current = self.query_one(ResultList).current_hit
        if current is not None and current.id == hit.id:
            self.query_one(Preview).show_article(article, title_spans, body_spans)

    def on_hit_chosen(self, message: HitChosen) -> None:
        from tui.screens.reader import ReaderScreen

        self.history.add(self.request.query)
        self.app.push_screen(ReaderScreen(self.engine, message.hit.id, self.request.query))

    # -- actions -------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.query_one(SearchBar).input.focus()

    def action_back_to_search(self) -> None:
        self.action_focus_search()

    def action_focus_facets(self) -> None:
        self.query_one("#facets").focus()

    def action_toggle_sort(self) -> None:
        self.request = self.request.next_sort()
        self.run_search()

    def action_accept_suggestion(self) -> None:
        suggestion = self.query_one(ResultSummary).suggestion
        if suggestion:
            self.post_message(SuggestionAccepted(suggestion))

    def action_clear_filters(self) -> None:
        if self.request.filters:
            self.request = self.request.clear_filters()
            self.run_search()


def results_with_page(current: SearchResults, page: SearchResults) -> SearchResults:
    """The loaded results extended by a next page (facets and totals of the first page)."""
    return replace(current, hits=current.hits + page.hits, page=page.page)
