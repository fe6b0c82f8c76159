"""Pilot tests of the app over a real index of the bundled sample (no fake engine)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from test_tui_support import (
    INJECTION_SHOWN,
    PAGE,
    InjectingEngine,
    SlowEngine,
    make_app,
    pilot_test,
    sample_index,
    screen_text,
    settle,
)

from search import Engine
from tui.screens.help import HelpScreen
from tui.screens.reader import ReaderScreen
from tui.screens.search import SearchScreen
from tui.widgets.facet_panel import FacetList
from tui.widgets.preview import Preview
from tui.widgets.result_list import ResultList
from tui.widgets.search_bar import SearchBar

SIZE = (120, 40)


@pytest.fixture
def engine() -> Iterator[Engine]:
    with Engine.open(sample_index()) as opened:
        yield opened


def search_screen(app: object) -> SearchScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, SearchScreen), f"expected the search screen, got {screen!r}"
    return screen


async def type_query(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    search_screen(pilot.app).query_one(SearchBar).input.focus()
    await pilot.press(*text)
    await settle(pilot)


@asynccontextmanager
async def searching(
    tmp_path: Path, engine: Engine, query: str
) -> AsyncIterator[tuple[Any, SearchScreen]]:
    """The app over ``engine`` with ``query`` typed and its results shown:
    (its pilot, the search screen)."""
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await type_query(pilot, query)
        yield pilot, search_screen(app)


@pilot_test
async def test_typing_a_query_shows_its_results(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browse_total = search_screen(app).results.total  # type: ignore[union-attr]
        await type_query(pilot, "oil")
        expected = engine.search("oil", page_size=PAGE)
        screen = search_screen(app)
        assert screen.results is not None and screen.results.query == "oil"
        assert screen.results.total == expected.total < browse_total
        shown = [hit.id for hit in screen.query_one(ResultList).hits]
        assert shown == [hit.id for hit in expected.hits]
        assert f"{expected.total:,} stories" in screen_text(app)


@pilot_test
async def test_stale_slow_result_never_overwrites_newer(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, SlowEngine(engine, slow_query="gulf", delay=1.0))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = search_screen(app).query_one(SearchBar)
        bar.input.focus()
        await pilot.press(*"gulf")
        await pilot.pause(0.2)  # the slow "gulf" search is now running
        bar.set_query("coffee")
        await pilot.press("enter")  # runs at once, finishes before "gulf"
        await pilot.pause(1.3)
        await settle(pilot)
        results = search_screen(app).results
        assert results is not None and results.query == "coffee"
        hits = search_screen(app).query_one(ResultList).hits
        assert [h.id for h in hits] == [h.id for h in engine.search("coffee", page_size=PAGE).hits]


@pilot_test
async def test_facet_selection_filters_and_updates_counts(tmp_path: Path, engine: Engine) -> None:
    async with searching(tmp_path, engine, "oil") as (pilot, screen):
        facets = screen.query_one(FacetList)
        facets.focus()
        await pilot.press("down", "enter")  # first value under the first heading
        await settle(pilot)
        assert len(screen.request.filters) == 1
        ((field, values),) = screen.request.filters.items()
        filters = {field: list(values)}
        expected = engine.search("oil", filters=filters, page_size=PAGE)
        assert screen.results is not None
        assert screen.results.total == expected.total < engine.search("oil").total
        assert screen.results.facets == expected.facets
        assert f"{values[0]} ✕" in screen_text(pilot.app)  # the chip
        chip = screen.query_one("#chips .chip")
        await pilot.click(chip)
        await settle(pilot)
        assert screen.request.filters == {}
        assert screen.results.total == engine.search("oil").total


@pilot_test
async def test_two_values_of_one_field_are_ored(tmp_path: Path, engine: Engine) -> None:
    async with searching(tmp_path, engine, "oil") as (pilot, screen):
        screen.query_one(FacetList).focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        ((field, values),) = screen.request.filters.items()
        assert len(values) == 2
        single = engine.search("oil", filters={field: [values[0]]}).total
        both = engine.search("oil", filters={field: list(values)}).total
        assert screen.results is not None and screen.results.total == both >= single


@pilot_test
async def test_sort_toggle_orders_by_date(tmp_path: Path, engine: Engine) -> None:
    async with searching(tmp_path, engine, "oil") as (pilot, screen):
        await pilot.press("f2")
        await settle(pilot)
        dates = [hit.date for hit in screen.query_one(ResultList).hits if hit.date]
        assert screen.request.sort == "newest" and dates == sorted(dates, reverse=True)
        assert "newest first" in screen_text(pilot.app)
        await pilot.press("f2")
        await settle(pilot)
        dates = [hit.date for hit in screen.query_one(ResultList).hits if hit.date]
        assert screen.request.sort == "oldest" and dates == sorted(dates)
        await pilot.press("f2")
        await settle(pilot)
        assert screen.request.sort == "relevance"


@pilot_test
async def test_scrolling_to_the_end_loads_the_next_page(tmp_path: Path, engine: Engine) -> None:
    async with searching(tmp_path, engine, "oil") as (pilot, screen):
        results = screen.query_one(ResultList)
        assert len(results.hits) == PAGE and screen.results is not None
        total = screen.results.total
        results.focus()
        await pilot.press("end")
        await settle(pilot)
        assert len(results.hits) == min(2 * PAGE, total)
        expected = [h.id for p in (1, 2) for h in engine.search("oil", page=p, page_size=PAGE).hits]
        assert [h.id for h in results.hits] == expected


@pilot_test
async def test_mouse_wheel_to_the_end_loads_the_next_page(tmp_path: Path, engine: Engine) -> None:
    """Scrolling with the wheel (the cursor stays put) also loads more at the end."""
    from textual import events

    async with searching(tmp_path, engine, "oil") as (pilot, screen):
        results = screen.query_one(ResultList)
        assert len(results.hits) == PAGE and screen.results is not None
        assert screen.results.total > PAGE
        x, y = results.region.x + 5, results.region.y + 5
        for _ in range(200):  # wheel notches, as the terminal reports them
            if len(results.hits) > PAGE:
                break
            pilot.app.post_message(events.MouseScrollDown(None, x, y, 0, 1, 0, False, False, False))
            await pilot.pause(0.02)
        await settle(pilot)
        assert results.highlighted == 0, "the wheel scrolls; it does not move the cursor"
        expected = [h.id for p in (1, 2) for h in engine.search("oil", page=p, page_size=PAGE).hits]
        assert [h.id for h in results.hits] == expected
        assert results.scroll_y < results.max_scroll_y, "the new page is below the view"


@pilot_test
async def test_preview_follows_the_cursor(tmp_path: Path, engine: Engine) -> None:
    async with searching(tmp_path, engine, "oil") as (pilot, screen):
        results = screen.query_one(ResultList)
        results.focus()
        await pilot.press("down")
        await settle(pilot)
        second = results.hits[1]
        article = engine.get(second.id)
        preview = str(screen.query_one(Preview).query_one("#preview-text").render())
        assert article.title in preview
        assert article.body[:60].split("\n")[0] in preview


@pilot_test
async def test_reader_matches_related_and_back(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await type_query(pilot, "oil")
        await pilot.press("enter")  # search now, focus the results
        await settle(pilot)
        first = search_screen(app).query_one(ResultList).hits[0]
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader.article_id == first.id
        assert reader.match_count == len(engine.match_spans("oil", engine.get(first.id).body)) > 0
        await pilot.press("n")
        assert reader.current_match == 0
        assert f"Match 1 of {reader.match_count}" in screen_text(app)
        await pilot.press("N")
        assert reader.current_match == reader.match_count - 1  # wraps around
        assert reader.related, "the sample has related stories"
        await pilot.press("r", "enter")
        await settle(pilot)
        related = app.screen
        assert isinstance(related, ReaderScreen) and related.article_id == reader.related[0].id
        await pilot.press("escape")
        assert app.screen is reader
        await pilot.press("escape")
        assert isinstance(app.screen, SearchScreen)


@pytest.mark.parametrize("size", [(80, 24), SIZE], ids=["80x24", "120x40"])
@pilot_test
async def test_suggestion_is_offered_and_accepted(
    tmp_path: Path, engine: Engine, size: tuple[int, int]
) -> None:
    misspelt = "petrolium"
    suggestion = engine.search(misspelt).suggestion
    assert suggestion, "the engine suggests a correction for a misspelt word"
    app = make_app(tmp_path, engine)
    async with app.run_test(size=size) as pilot:
        await type_query(pilot, misspelt)
        # The whole button, key included: beside the count it used to be cut off at 120x40.
        assert f"did you mean: {suggestion}?  (F3)" in screen_text(app)
        await pilot.press("f3")
        await settle(pilot)
        screen = search_screen(app)
        assert screen.query_one(SearchBar).value == suggestion
        assert screen.results is not None and screen.results.query == suggestion
        assert screen.results.total == engine.search(suggestion).total > 0


@pilot_test
async def test_history_is_kept_across_sessions(tmp_path: Path, engine: Engine) -> None:
    for query in ("oil", "coffee prices"):
        app = make_app(tmp_path, engine)
        async with app.run_test(size=SIZE) as pilot:
            await type_query(pilot, query)
            await pilot.press("enter")
            await settle(pilot)
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = search_screen(app).query_one(SearchBar)
        bar.input.focus()
        await pilot.press("up")
        assert bar.value == "coffee prices"
        await pilot.press("up")
        assert bar.value == "oil"
        await pilot.press("down", "down")
        assert bar.value == ""
    assert (tmp_path / "history").read_text().split("\n")[:2] == ["oil", "coffee prices"]


@pilot_test
async def test_query_error_shows_inline_not_as_a_crash(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await type_query(pilot, "oil")
        shown = [hit.id for hit in search_screen(app).query_one(ResultList).hits]
        await type_query(pilot, " (gulf")
        error = search_screen(app).query_one("#query-error")
        assert error.display
        assert "Bad query: unclosed parenthesis" in screen_text(app)
        assert [hit.id for hit in search_screen(app).query_one(ResultList).hits] == shown
        await type_query(pilot, ")")
        assert not error.display
        results = search_screen(app).results
        assert results is not None and results.total == engine.search("oil (gulf)").total


@pilot_test
async def test_no_results_says_what_to_do(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await type_query(pilot, "zzxqvv")
        text = screen_text(app)
        assert "No stories match" in text
        assert "Try fewer or different words" in text


@pilot_test
async def test_untrusted_text_displays_literally_and_never_acts(
    tmp_path: Path, engine: Engine
) -> None:
    app = make_app(tmp_path, InjectingEngine(engine))
    async with app.run_test(size=SIZE) as pilot:
        await type_query(pilot, "oil")
        text = screen_text(app)
        for shown in INJECTION_SHOWN:
            assert shown in text  # results, preview, facets, suggestion
        assert "[red]src[/red]" in text
        assert "0;title" not in text and "\x1b" not in text and "\x07" not in text
        await pilot.click(search_screen(app).query_one("#suggestion"))
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert search_screen(app).query_one(SearchBar).value == "[@click=app.quit]q[/]"
        search_screen(app).query_one(SearchBar).set_query("oil")
        await settle(pilot)
        results = search_screen(app).query_one(ResultList)
        await pilot.click(results, offset=(20, 0))  # on the would-be @click link: opens the story
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, ReaderScreen)
        text = screen_text(app)
        assert all(shown in text for shown in INJECTION_SHOWN)  # headline, body, captions
        assert "Credits: [bold]x[/bold]" in text
        assert "\x1b" not in text and "0;title" not in text
        await pilot.click("#headline", offset=(20, 0))
        assert app.is_running


@pilot_test
async def test_new_user_finds_reads_and_follows_the_seed_story(
    tmp_path: Path, engine: Engine
) -> None:
    """The issue's walk-through: hawija, narrow by place, open, captions/credits, related."""
    seed = engine.get("000_b98891cdbd8958c6")
    async with searching(tmp_path, engine, "hawija") as (pilot, screen):
        assert screen.query_one(ResultList).hits[0].id == seed.id
        facets = screen.query_one(FacetList)
        iraq = facets.get_option_index("places\x1fIraq")
        facets.focus()
        facets.highlighted = iraq
        await pilot.press("enter")
        await settle(pilot)
        assert screen.request.filters == {"places": ("Iraq",)}
        assert screen.query_one(ResultList).hits[0].id == seed.id
        screen.query_one(ResultList).focus()
        await pilot.press("enter")
        await settle(pilot)
        reader = pilot.app.screen
        assert isinstance(reader, ReaderScreen) and reader.article_id == seed.id
        assert "Credits: Ahmad Al-Rubaye" in screen_text(pilot.app)
        reader.query_one("#story").scroll_end(animate=False)
        await pilot.pause(0.2)
        text = screen_text(pilot.app)
        assert "Photos and graphics" in text and "Iraq: Anti-IS offensive" in text
        subhead = reader.query_one("#body .subhead")
        assert "Deadly counterattack in Syria" in str(subhead.render())
        await pilot.press("r", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReaderScreen) and pilot.app.screen.article_id != seed.id
        await pilot.press("escape", "escape")
        assert search_screen(pilot.app) is screen and screen.request.query == "hawija"


@pilot_test
async def test_help_and_command_palette_list_the_actions(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        search_screen(app).query_one(ResultList).focus()
        await pilot.press("question_mark")
        await pilot.pause(0.3)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Relevance → newest → oldest" in text and "Re-read the recorded corpora" in text
        await pilot.press("escape")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*"sort")
        await pilot.pause(0.5)
        assert "Sort" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert search_screen(app).request.sort == "newest"
