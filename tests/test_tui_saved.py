"""Saved searches in the TUI: Ctrl+S saves the search shown, F9 lists them with their new
stories, Enter opens one with its new stories marked (and records the look)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from test_tui_support import make_app, pilot_test, sample_index, screen_text, settle, wait_for
from textual.widgets import OptionList

from search import Engine
from search.saved import SavedSearches
from tui.screens.saved import SavedSearchesScreen, SaveSearchScreen
from tui.screens.search import SearchScreen
from tui.widgets.result_list import ResultList
from tui.widgets.search_bar import SearchBar


def store_of_index() -> SavedSearches:
    """The saved searches as the app reads them (looks of the sample index)."""
    return SavedSearches(index=sample_index())


@pytest.fixture
def engine() -> Iterator[Engine]:
    with Engine.open(sample_index()) as opened:
        yield opened


@pilot_test
async def test_save_list_open_and_mark_new(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        screen.query_one(SearchBar).input.focus()
        await pilot.press(*"oil", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SaveSearchScreen)
        await pilot.press("enter")  # the proposed name: "oil"
        await settle(pilot)
        # The stories on screen when it was saved are seen (they were all "new" at once).
        store = store_of_index()
        saved = store.get("oil")
        total = engine.search("oil").total
        assert saved.query == "oil" and saved.last_look is not None and len(saved.seen) == total
        # Three stories came later (as a refresh would bring them).
        later = [hit.id for hit in engine.search("oil").hits[:3]]
        store.put(replace(saved, seen={k: v for k, v in saved.seen.items() if k not in later}))

        screen.query_one(SearchBar).input.value = ""  # another search on screen meanwhile
        screen.query_one(SearchBar).input.focus()
        await pilot.press(*"hawija", "enter")
        await settle(pilot)
        await pilot.press("f9")
        listing = app.screen
        assert isinstance(listing, SavedSearchesScreen)
        await wait_for(pilot, lambda: bool(listing.counted), "the saved searches counted")
        assert f"oil  {total} stories  3 new" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert screen.query_one(SearchBar).input.value == "oil"
        results = screen.query_one(ResultList)
        assert results.new_ids == set(later)
        assert "● new" in screen_text(app)
        assert len(store_of_index().get("oil").seen) == total  # the look is recorded

        await pilot.press("ctrl+g")  # every version listed: the user's mode, kept below
        await settle(pilot)
        await pilot.press("f9")
        listing = app.screen
        assert isinstance(listing, SavedSearchesScreen)
        await wait_for(pilot, lambda: bool(listing.counted), "the saved searches counted")
        assert f"oil  {total} stories  0 new" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.request.every_version  # opening a saved search once turned it off
        screen.query_one(SearchBar).input.focus()
        await pilot.press("space", *"iraq", "enter")  # another search: no marks
        await settle(pilot)
        assert not screen.query_one(ResultList).new_ids
        assert "● new" not in screen_text(app)


@pilot_test
async def test_no_saved_searches_says_how_to_save_one(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert "No saved searches yet: Ctrl+S saves the search shown." in screen_text(app)
        assert not app.screen.query_one(OptionList).option_count
