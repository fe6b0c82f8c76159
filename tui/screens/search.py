"""The main screen: search bar, filter chips, facets + timeline, results and preview.

Searches run as you type: each keystroke restarts a short debounce timer, then an
exclusive thread worker queries the engine.  Every request gets a generation number and a
result is shown only if it belongs to the newest request, so a slow stale search can never
overwrite a newer one.  Worker failures are handled in one place
(:meth:`SearchScreen.on_worker_state_changed`), never as a traceback: a query that cannot
be read (an unclosed quote is what every phrase looks like while it is typed) leaves the
last valid query's results on screen, dimmed and labelled as such, with the reason under
the bar; any other failure says why in the summary line.  The preview, the reader and the
history use the query of the results shown, which always parsed.  A result is shown in
one frame: painting the list first and the sidebar a frame later was measured, and it
made the whole screen later without making the list's p95 sooner (see
benchmarks/README.md).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static
from textual.worker import Worker, WorkerState

from search.errors import QueryError
from search.results import SearchResults
from tui.backend import SearchBackend
from tui.history import QueryHistory
from tui.messages import (
    FacetToggled,
    FacetValuesWanted,
    FilterRemoved,
    HitChosen,
    HitHighlighted,
    MoreResultsWanted,
    PeriodPicked,
    SearchFinished,
    SelectionMoved,
    SuggestionAccepted,
    TypedAway,
)
from tui.preferences import PreferenceStore
from tui.safe_text import failure_text
from tui.screens import result_actions
from tui.screens.refreshing import IndexRefreshingScreen
from tui.screens.search_keys import SEARCH_KEYS
from tui.search_state import SearchRequest
from tui.settings import Settings
from tui.widgets.facet_panel import FacetPanel
from tui.widgets.filter_chips import FilterChips
from tui.widgets.preview import Preview
from tui.widgets.result_list import ResultList
from tui.widgets.result_summary import ResultSummary, empty_hint
from tui.widgets.search_bar import SearchBar
from tui.widgets.status_line import StatusLine

#: Narrower terminals hide the preview (Enter still opens the reader).
PREVIEW_MIN_WIDTH = 110
#: Shorter terminals get rows of three lines (title, date and places, snippet): at 80x24
#: four or five results show instead of three.
COMPACT_BELOW_ROWS = 30
#: Seconds the result cursor must rest before the preview fetches the whole story.


class SearchScreen(IndexRefreshingScreen):
    """Search as you type over one engine; the reader opens on top of it."""

    CSS_PATH = "search.tcss"
    AUTO_FOCUS = "#query"
    BINDINGS: ClassVar[list[BindingType]] = SEARCH_KEYS

    def __init__(
        self,
        engine: SearchBackend,
        settings: Settings,
        history: QueryHistory,
        query: str = "",
        preferences: PreferenceStore | None = None,
    ) -> None:
        super().__init__(engine, settings)
        self.history = history
        self.preferences = preferences or PreferenceStore(None)
        self.request = SearchRequest(
            query=query,
            sort=self.preferences.current.sort,
            every_version=self.preferences.current.every_version,
        )
        #: The results shown and the request that found them (None before the first).
        self.results: SearchResults | None = None
        self.shown_request: SearchRequest | None = None
        #: Up/Down in the search bar moved the selection in the results shown.
        self._selection_moved = False
        #: The results shown are not those of the request typed (its search failed).
        self.stale = False
        self.generation = 0
        #: The request of the newest generation, shown once its results arrive.
        self._searched_request = self.request
        #: The generation whose query goes into the history if its search succeeds.
        self._history_generation: int | None = None
        self._debounce: Timer | None = None
        self._search_worker: Worker[None] | None = None
        self._page_worker: Worker[None] | None = None
        self._loading_more = False
        #: The saved search whose new stories the result list marks (None: no marks).
        self._marked_request: SearchRequest | None = None
        #: Values per facet field the search running asks for (``run_search`` sets it).
        self._facet_values = 0

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
        yield StatusLine(id="status-line")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(FilterChips).display = False
        self.query_one(SearchBar).clear_error()
        self.query_one("#empty-hint").display = False
        if self.request.query:  # typed before the screen existed (e.g. during the first build)
            self.query_one(SearchBar).set_query(self.request.query)
        self._fit_width(self.app.size.width)
        self.query_one(ResultList).set_dense(self.app.size.height < COMPACT_BELOW_ROWS)
        self._show_status()
        self.query_one(StatusLine).read_index(Path(self.settings.index_dir))
        self.run_search()

    def on_resize(self, event: events.Resize) -> None:
        self._fit_width(event.size.width)
        self.query_one(ResultList).set_dense(event.size.height < COMPACT_BELOW_ROWS)

    def _fit_width(self, width: int) -> None:
        """Below PREVIEW_MIN_WIDTH columns the preview gives its room to the results; the
        sidebar and the preview show as the user last left them (Ctrl+T, Ctrl+Y)."""
        chosen = self.preferences.current
        self.query_one(Preview).display = chosen.preview and width >= PREVIEW_MIN_WIDTH
        self.query_one(FacetPanel).display = chosen.sidebar

    # -- running searches -------------------------------------------------------------

    def run_search(self) -> None:
        """Search now for the current request (a new generation: older results are dropped)."""
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        self.generation += 1
        self._loading_more = False
        self._facet_values = self.query_one(FacetPanel).values_wanted
        self._searched_request = self.request
        self._search_worker = self._search(self.generation, self.request)

    def run_search_and_remember(self) -> None:
        """Search now; the query goes into the history once it has run (so parsed)."""
        self.run_search()
        self._history_generation = self.generation

    @property
    def shown_query(self) -> str:
        """The query of the results on screen (always one that parsed)."""
        return self.shown_request.query if self.shown_request is not None else ""

    def after_index_refresh(self) -> None:
        """The engine now reads the refreshed index: search again."""
        self.query_one(StatusLine).read_index(Path(self.settings.index_dir))
        self.run_search()

    def _show_status(self) -> None:
        request = self.shown_request or self.request
        # No words: every story, newest first (the engine's browse order).
        browsing = not request.query.strip() and request.sort == "relevance"
        self.query_one(StatusLine).show(
            "newest" if browsing else request.sort,
            request.filters,
            every_version=request.every_version,
        )

    def _query_engine(self, request: SearchRequest, page: int) -> SearchResults:
        return self.engine.search(
            request.query,
            filters={k: list(v) for k, v in request.filters.items()},
            facets=page == 1,
            facet_limit=self._facet_values,
            sort=request.sort,
            page=page,
            page_size=self.settings.page_size,
            as_you_type=request.typing,
            every_version=request.every_version,
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
        self.shown_request = self._searched_request
        self._selection_moved = False
        if self.shown_request != self._marked_request:  # another search: no new marks
            self._marked_request = None
            result_list.new_ids = frozenset()
        result_list.marked_ids = result_actions.marked_ids()
        if self._history_generation == message.generation:
            self.history.add(results.query)
        self._set_stale(False)
        self.query_one(SearchBar).clear_error()
        self.query_one(ResultSummary).clear_problem()
        self.query_one(FilterChips).show_filters(self.shown_request.filters)
        self._show_summary(results)
        self._show_status()
        # The engine reads a newer index by itself (one another `newsdesk index` wrote):
        # the line's article count and update time follow it.
        self.query_one(StatusLine).follow(Path(self.settings.index_dir))
        result_list.show_hits(list(results.hits), has_more=has_more)
        self._show_empty_hint(
            None if results.hits else empty_hint(results, self.shown_request or self.request)
        )
        self.query_one(FacetPanel).show_facets(
            results.facets, self.shown_request.filters, total=results.total,
            undated=results.undated, asked=self._facet_values,
        )  # fmt: skip

    def _set_stale(self, stale: bool) -> None:
        """Dim the results and facets while they are not those of the request typed."""
        if stale == self.stale:
            return  # no restyle on every keystroke
        self.stale = stale
        self.query_one(ResultList).set_class(stale, "-stale")
        self.query_one(FacetPanel).set_class(stale, "-stale")

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
        request = self.shown_request or self.request
        if results.total == 0 and request.is_browse:
            summary.show_message("The index is empty")
        else:
            summary.show(results, every_version=request.every_version)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place search failures become messages (the refresh reports its own)."""
        if event.state != WorkerState.ERROR:
            return
        worker, error = event.worker, event.worker.error
        if worker.group == "preview":
            self.query_one(Preview).clear(failure_text(error))
            return
        if worker.group == "story":  # the story to copy or open could not be read
            self.notify(failure_text(error), severity="error", markup=False)
            return
        if worker.group not in ("search", "page"):
            return
        if worker is self._page_worker:
            self._loading_more = False
            self.query_one(ResultSummary).show_problem(
                f"More results could not be loaded. {failure_text(error)}"
            )
        elif worker is self._search_worker:
            self._show_search_failure(error)
        # else a stale request failed: nobody is waiting for it

    def _show_search_failure(self, error: BaseException | None) -> None:
        """The newest search failed: say why where it stays visible, and keep the results
        already shown, dimmed and labelled as those of the last search that worked."""
        reason = failure_text(error)
        query_error = isinstance(error, QueryError)
        bar, summary = self.query_one(SearchBar), self.query_one(ResultSummary)
        if query_error:  # about the text typed: under it (the summary keeps no old error)
            bar.show_error(reason)
            summary.clear_problem()
        else:
            bar.clear_error()
            summary.show_problem(reason)
        if self.results is None or self.shown_request is None:
            advice = (
                "Finish or fix the query to see results (F1: the query language)."
                if query_error
                else "Press Enter in the search bar to try again, or change the query."
            )
            self._show_empty_hint(f"{reason}\n\n{advice}")
            return
        summary.show_stale(self.results, self.shown_request, query_error=query_error)
        self._set_stale(True)

    # -- user input --------------------------------------------------------------------

    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        if event.value == self.request.query:
            return
        self.request = self.request.with_query(event.value, typing=True)
        self.query_one(FacetPanel).collapse()  # (a new search: each field's first values)
        if self.settings.debounce <= 0:
            self.run_search()
            return
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(self.settings.debounce, self.run_search)

    @on(Input.Submitted, "#query")
    def _query_submitted(self, event: Input.Submitted) -> None:
        hit = self.query_one(ResultList).current_hit
        if self._selection_moved and event.value == self.shown_query and hit is not None:
            self.post_message(HitChosen(hit))  # as fzf: Enter takes the row chosen
            return
        self.request = self.request.with_query(event.value)
        self.run_search_and_remember()  # a query that does not parse is not remembered
        self.query_one(ResultList).focus()

    def on_typed_away(self, message: TypedAway) -> None:
        """A letter typed in the results: to the end of the query (never replacing it)."""
        query = self.query_one(SearchBar).input
        query.focus()
        query.cursor_position = len(query.value)
        query.insert_text_at_cursor(message.text)

    def on_selection_moved(self, message: SelectionMoved) -> None:
        self._selection_moved = True
        results = self.query_one(ResultList)
        if message.step > 0:
            results.action_cursor_down()
        else:
            results.action_cursor_up()

    def on_facet_toggled(self, message: FacetToggled) -> None:
        self.request = self.request.toggle_filter(message.field, message.value)
        self.run_search()

    def on_facet_values_wanted(self, _: FacetValuesWanted) -> None:
        self.run_search()

    def on_period_picked(self, message: PeriodPicked) -> None:
        self.request = self.request.pick_period(message.field, message.value)
        self.run_search()

    def on_filter_removed(self, message: FilterRemoved) -> None:
        self.request = self.request.remove_filter(message.field, message.value)
        self.run_search()

    def on_suggestion_accepted(self, message: SuggestionAccepted) -> None:
        self.query_one(SearchBar).set_query(message.suggestion)
        self.request = self.request.with_query(message.suggestion)
        self.run_search_and_remember()

    def on_more_results_wanted(self, _: MoreResultsWanted) -> None:
        if self._loading_more or self.results is None or self.shown_request is None:
            return
        loaded = self.results.page * self.results.page_size
        if loaded >= self.results.total:
            return
        self._loading_more = True
        # The next page of the results shown, even while the query typed cannot be read.
        self._page_worker = self._next_page(
            self.generation, self.shown_request, self.results.page + 1
        )

    def on_hit_highlighted(self, message: HitHighlighted) -> None:
        """Show the hit at once; fetch the full story after a pause in cursor movement,
        so scrolling through the list (or painting new results) never waits for it."""
        # (the query of the results shown: never the malformed one being typed)
        self.query_one(Preview).follow(message.hit, self.engine, self.shown_request)
        position = self.query_one(ResultList).highlighted
        if position is not None and not self.stale:
            self.query_one(ResultSummary).show_position(position + 1)

    def on_hit_chosen(self, message: HitChosen) -> None:
        from tui.screens.reader import ReaderScreen

        # The query that found the story (the one typed may not parse yet).
        self.history.add(self.shown_query)
        if self.settings.pick:
            self.app.exit(message.hit)
            return
        typing = self.shown_request is not None and self.shown_request.typing
        self.app.push_screen(
            ReaderScreen(
                self.engine,
                message.hit.id,
                self.shown_query,
                as_you_type=typing,
                index_dir=Path(self.settings.index_dir),
            )
        )

    # -- actions -------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.query_one(SearchBar).input.focus()

    def action_back_to_search(self) -> None:
        self.action_focus_search()

    def action_focus_facets(self) -> None:
        """To the facets, the first value highlighted (Enter filters by it at once)."""
        facets = self.query_one("#facets", OptionList)
        facets.focus()
        if facets.highlighted is None:
            facets.action_first()  # the first value: headings are disabled, skipped

    def action_toggle_versions(self) -> None:
        every = not self.request.every_version
        self.request = replace(self.request, every_version=every)
        self.preferences.update(every_version=every)
        self.notify("Every version of a story" if every else "Each story once, its versions folded")
        self.run_search()

    def action_toggle_sort(self) -> None:
        self.request = self.request.next_sort()
        self.preferences.update(sort=self.request.sort)
        self.run_search()

    def action_toggle_sidebar(self) -> None:
        self.preferences.update(sidebar=not self.preferences.current.sidebar)
        self._fit_width(self.app.size.width)

    def action_toggle_preview(self) -> None:
        if self.app.size.width < PREVIEW_MIN_WIDTH:
            self.notify(
                f"The preview needs {PREVIEW_MIN_WIDTH} columns; Enter opens the reader.",
                markup=False,
            )
            return
        self.preferences.update(preview=not self.preferences.current.preview)
        self._fit_width(self.app.size.width)

    def action_accept_suggestion(self) -> None:
        suggestion = self.query_one(ResultSummary).suggestion
        if suggestion:
            self.post_message(SuggestionAccepted(suggestion))

    def action_export(self) -> None:
        result_actions.export(self)

    def action_copy(self) -> None:
        result_actions.with_current_article(self, result_actions.copy)

    def action_open(self) -> None:
        result_actions.with_current_article(self, result_actions.open_story)

    def action_mark(self) -> None:
        result_actions.with_current_article(self, result_actions.toggle_marked)

    def action_save_search(self) -> None:
        result_actions.save_search(self)

    def action_saved_searches(self) -> None:
        result_actions.list_saved(self)

    def open_search(self, request: SearchRequest, new_ids: frozenset[str] = frozenset()) -> None:
        """Search ``request`` now (a saved search), marking the stories of ``new_ids``
        until the search changes."""
        self.request = request
        self._marked_request = request
        self.query_one(ResultList).new_ids = new_ids
        self.query_one(SearchBar).set_query(request.query)
        self.run_search_and_remember()

    def action_clear_filters(self) -> None:
        if self.request.filters:
            self.request = self.request.clear_filters()
            self.run_search()


def results_with_page(current: SearchResults, page: SearchResults) -> SearchResults:
    """The loaded results extended by a next page (facets and totals of the first page)."""
    return replace(current, hits=current.hits + page.hits, page=page.page)
