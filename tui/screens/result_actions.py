"""What the search screen does with its results besides showing them: export them all
(F7), copy a part of the story under the cursor (F8) or open it (Ctrl+O), save the
search (Ctrl+S) or open a saved one (F9)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.model import Article
from index.fields import FIELD_ALIASES
from search.errors import SearchError
from search.marks import Marks
from search.results import SearchResults
from search.saved import SavedSearch, SavedSearches
from tui.safe_text import clean, failure_text
from tui.screens.copy import CopyScreen
from tui.screens.export import ExportScreen
from tui.screens.saved import SavedSearchesScreen, SaveSearchScreen
from tui.search_state import SearchRequest
from tui.story_actions import open_plan, run_plan, toggle_mark
from tui.widgets.result_list import ResultList

if TYPE_CHECKING:
    from tui.screens.search import SearchScreen


def export(screen: SearchScreen) -> None:
    """The export dialog over the search shown; the app confirms where the file went."""
    if screen.results is None or screen.shown_request is None or not screen.results.total:
        screen.notify(
            "No results to export: search for something first.", severity="warning", markup=False
        )
        return
    dialog = ExportScreen(
        screen.engine, submitted(screen), screen.settings.index_dir, screen.settings.export_dir
    )

    def exported(confirmation: str | None) -> None:
        if confirmation:
            screen.notify(clean(confirmation), title="Export", timeout=6, markup=False)

    screen.app.push_screen(dialog, exported)


def submitted(screen: SearchScreen) -> SearchRequest:
    """The search shown, as Enter runs it: results shown while the query was typed also
    held the words its last word begins ("iraq" finding "iraqi"), which an export or a
    saved search does not; the screen is searched again so its count is theirs."""
    shown = screen.shown_request
    assert shown is not None
    plain = replace(shown, typing=False)
    if shown.typing:
        screen.request = plain
        screen.run_search_and_remember()
    return plain


def with_current_article(
    screen: SearchScreen, then: Callable[[SearchScreen, Article], None]
) -> None:
    """Read the whole story under the result cursor in a worker (a failure is the
    screen's to report, group "story"), then ``then`` it on the UI thread."""
    hit = screen.query_one(ResultList).current_hit
    if hit is None:
        screen.notify("No story under the cursor.", severity="warning", markup=False)
        return

    def fetch() -> None:
        article = screen.engine.get(hit.id)
        screen.app.call_from_thread(then, screen, article)

    screen.run_worker(fetch, thread=True, group="story", exclusive=True, exit_on_error=False)


def copy(screen: SearchScreen, article: Article) -> None:
    screen.app.push_screen(CopyScreen(article))


def open_story(screen: SearchScreen, article: Article) -> None:
    run_plan(screen.app, open_plan(article, edit=False, environ=os.environ))


def _store(screen: SearchScreen) -> SavedSearches | None:
    try:
        return SavedSearches(index=screen.settings.index_dir)
    except SearchError as error:  # a damaged file: said, never replaced
        screen.notify(failure_text(error), severity="error", markup=False)
        return None


def save_search(screen: SearchScreen) -> None:
    """Name the search shown and keep it (``newsdesk saved`` lists it too)."""
    store = _store(screen)
    if store is None or screen.shown_request is None:
        return

    def saved(name: str | None) -> None:
        if name:
            screen.notify(f"Saved as “{clean(name)}”: F9 lists saved searches", markup=False)

    screen.app.push_screen(SaveSearchScreen(submitted(screen), store, screen.engine), saved)


def list_saved(screen: SearchScreen) -> None:
    """The saved searches with their new stories; the one chosen opens."""
    store = _store(screen)
    if store is None:
        return

    def chosen(choice: tuple[SavedSearch, SearchResults] | None) -> None:
        if choice is None:
            return
        search, results = choice
        request = SearchRequest(
            query=search.as_query(),
            filters={FIELD_ALIASES.get(k, k): tuple(v) for k, v in search.filters.items()},
            sort=search.sort,
            every_version=screen.request.every_version,  # (Ctrl+G's mode is the user's)
        )
        new = frozenset(hit.id for hit in results.hits if search.is_new(hit))
        screen.open_search(request, new)
        try:
            store.put(search.looked(results, datetime.now(UTC)))
        except SearchError as error:
            screen.notify(failure_text(error), severity="error", markup=False)

    screen.app.push_screen(SavedSearchesScreen(screen.engine, store), chosen)


def marked_ids() -> frozenset[str]:
    """The ids of the marked stories (none when the marks file cannot be read: the
    reader and ``newsdesk marks`` say why)."""
    try:
        return frozenset(Marks().marks)
    except SearchError:
        return frozenset()


def toggle_marked(screen: SearchScreen, article: Article) -> None:
    if toggle_mark(screen.app, article, Path(screen.settings.index_dir)) is not None:
        screen.query_one(ResultList).show_marks(marked_ids())
