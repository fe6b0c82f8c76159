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
    SEED_ID,
    FailingEngine,
    InjectingEngine,
    LongFacetEngine,
    SlowEngine,
    make_app,
    pilot_test,
    sample_index,
    screen_lines,
    screen_text,
    settle,
    type_query,
    undated_index,
    wait_for,
    widget_text,
)
from textual.widgets import Static

from corpus.errors import NewsdeskError
from index.errors import IndexCorruptError
from search import Engine, SearchResults
from tui.messages import SearchFinished, SuggestionAccepted
from tui.screens.help import HelpScreen
from tui.screens.reader import ReaderScreen
from tui.screens.search import SearchScreen
from tui.widgets.facet_panel import FacetList, FacetPanel
from tui.widgets.preview import Preview
from tui.widgets.result_list import ResultList
from tui.widgets.result_summary import ResultSummary
from tui.widgets.search_bar import SearchBar
from tui.widgets.timeline import Timeline

SIZE = (120, 40)


@pytest.fixture
def engine() -> Iterator[Engine]:
    with Engine.open(sample_index()) as opened:
        yield opened


def as_typed(engine: Engine, query: str, **arguments: Any) -> SearchResults:
    """What the search bar shows for ``query`` typed (no Enter): searched as you type."""
    return engine.search(query, as_you_type=True, **arguments)


def search_screen(app: object) -> SearchScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, SearchScreen), f"expected the search screen, got {screen!r}"
    return screen


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
        expected = as_typed(engine, "oil", page_size=PAGE)
        screen = search_screen(app)
        assert screen.results is not None and screen.results.query == "oil"
        assert screen.results.total == expected.total < browse_total
        shown = [hit.id for hit in screen.query_one(ResultList).hits]
        assert shown == [hit.id for hit in expected.hits]
        assert f"{expected.total:,} stories" in screen_text(app)


@pilot_test
async def test_stale_slow_result_never_overwrites_newer(
    tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race, forced in order whatever the machine's load: the slow "gulf" search is
    running, then "coffee" is typed and painted, and only then does "gulf" finish."""
    arrived: list[SearchFinished] = []
    apply_result = SearchScreen.on_search_finished

    def recording(screen: SearchScreen, message: SearchFinished) -> None:
        arrived.append(message)
        apply_result(screen, message)

    monkeypatch.setattr(SearchScreen, "on_search_finished", recording)
    slow = SlowEngine(engine, slow_query="gulf")
    coffee = as_typed(engine, "coffee", page_size=PAGE)
    app = make_app(tmp_path, slow)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = search_screen(app)
            bar = screen.query_one(SearchBar)
            bar.input.focus()
            await pilot.press(*"gulf")
            await wait_for(pilot, slow.started.is_set, "the slow search to start")
            gulf_generation = screen.generation
            bar.set_query("coffee")
            await pilot.press("enter")  # searches at once
            await wait_for(
                pilot,
                lambda: screen.results is not None and screen.results.query == "coffee",
                "the newer search's results",
            )
            await pilot.pause()
            assert f"{coffee.total:,} stories" in screen_text(app)  # painted
            slow.release.set()
            await wait_for(
                pilot,
                lambda: any(m.results.query == "gulf" for m in arrived),
                "the slow search's result to arrive",
            )
            await pilot.pause()
            (late,) = [m for m in arrived if m.results.query == "gulf"]
            assert late.generation == gulf_generation < screen.generation
            assert screen.results is not None and screen.results.query == "coffee"
            hits = screen.query_one(ResultList).hits
            assert [h.id for h in hits] == [h.id for h in coffee.hits]
            assert f"{coffee.total:,} stories" in screen_text(app)
            assert bar.value == "coffee"
    finally:
        slow.release.set()  # never leave the worker thread waiting


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
        expected = as_typed(engine, "oil", filters=filters, page_size=PAGE)
        assert screen.results is not None
        assert screen.results.total == expected.total < as_typed(engine, "oil").total
        assert screen.results.facets == expected.facets
        assert f"{values[0]} ✕" in screen_text(pilot.app)  # the chip
        chip = screen.query_one("#chips .chip")
        await pilot.click(chip)
        await settle(pilot)
        assert screen.request.filters == {}
        assert screen.results.total == as_typed(engine, "oil").total


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
        single = as_typed(engine, "oil", filters={field: [values[0]]}).total
        both = as_typed(engine, "oil", filters={field: list(values)}).total
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
        expected = [
            h.id for p in (1, 2) for h in as_typed(engine, "oil", page=p, page_size=PAGE).hits
        ]
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
        expected = [
            h.id for p in (1, 2) for h in as_typed(engine, "oil", page=p, page_size=PAGE).hits
        ]
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
    suggestion = as_typed(engine, misspelt).suggestion
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
        assert screen.history.entries == [suggestion]  # it ran, so it parsed: remembered


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
        await pilot.press(*"draft")  # typed, never submitted: given back after the newest
        await pilot.press("alt+up")
        assert bar.value == "coffee prices"
        await pilot.press("ctrl+r")
        assert bar.value == "oil"
        await pilot.press("alt+down", "alt+down")
        assert bar.value == "draft"
    assert (tmp_path / "history").read_text().split("\n")[:2] == ["oil", "coffee prices"]


@pilot_test
async def test_a_query_of_only_stop_words_says_why_nothing_matches(
    tmp_path: Path, engine: Engine
) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await type_query(pilot, "the ")
        text = screen_text(app)
        assert "Only words too common to search for" in text
        assert "Add a word that says what" in text and "No stories match" not in text


@pilot_test
async def test_query_error_shows_inline_not_as_a_crash(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await type_query(pilot, "oil")
        shown = [hit.id for hit in search_screen(app).query_one(ResultList).hits]
        await type_query(pilot, ' "gulf')
        error = search_screen(app).query_one("#query-error")
        assert error.display
        assert "Bad query: unclosed quote" in screen_text(app)
        assert [hit.id for hit in search_screen(app).query_one(ResultList).hits] == shown
        await type_query(pilot, '"')
        assert not error.display
        results = search_screen(app).results
        assert results is not None and results.total == engine.search('oil "gulf"').total


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


@pilot_test
async def test_inferred_dates_are_marked_in_rows_preview_and_reader(
    tmp_path: Path, engine: Engine
) -> None:
    """The seed story's date is read from its text: every place showing it says so."""
    seed = engine.get(SEED_ID)
    assert seed.date_inferred and seed.date is not None
    marked = "2017-09-22 (inferred)"
    async with searching(tmp_path, engine, "hawija") as (pilot, screen):
        assert [hit.id for hit in screen.query_one(ResultList).hits] == [SEED_ID]
        preview = str(screen.query_one(Preview).query_one("#preview-text").render())
        assert f"{marked} · AFP" in preview  # the whole story, loaded
        assert screen_text(pilot.app).count(marked) == 2  # the row and the preview
        screen.query_one(ResultList).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReaderScreen)
        text = screen_text(pilot.app)
        assert f"{marked} · AFP" in text
        related = pilot.app.screen.related
        assert related and not any(hit.date_inferred for hit in related)
        assert text.count("(inferred)") == 1  # Reuters dates come from the metadata


@pilot_test
async def test_timeline_and_year_facet_count_the_undated_stories(tmp_path: Path) -> None:
    with Engine.open(undated_index()) as engine:
        app = make_app(tmp_path, engine)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            caption = search_screen(app).query_one(Timeline).query_one("#timeline-caption")
            # The chart shows the seed story alone; the caption says what it leaves out.
            assert widget_text(app, caption) == (
                "2017-09 → 2017-09 · peak 2017-09 (1) 4 stories · 3 undated"
            )
            assert "Year · 3 undated" in screen_text(app)
            await type_query(pilot, "harbour")
            assert widget_text(app, caption) == "no dates · all 3 stories are undated"
            assert "Year · 3 undated" in screen_text(app)


@pilot_test
async def test_a_malformed_query_keeps_the_last_results_marked_stale(
    tmp_path: Path, engine: Engine
) -> None:
    """Typing a phrase: while the quote is open the query cannot be read.  The last valid
    query's results stay, dimmed and labelled; the preview and reader still show stories
    (highlighting that query); nothing malformed goes into the history."""
    iraq = engine.search("iraq", page_size=PAGE)  # "iraq ": the space ends the word
    async with searching(tmp_path, engine, "iraq ") as (pilot, screen):
        app = pilot.app
        results = screen.query_one(ResultList)
        shown = [hit.id for hit in results.hits]
        assert shown == [hit.id for hit in iraq.hits] and len(shown) > 1
        assert "last valid query" not in screen_text(app) and not results.has_class("-stale")
        await type_query(pilot, '"islamic sta')
        assert screen.request.query == 'iraq "islamic sta'
        assert "Bad query: unclosed quote" in screen_text(app)
        summary = screen.query_one(ResultSummary)
        assert widget_text(app, summary) == (
            f"{iraq.total} stories for “iraq”, the last valid query"
        )
        assert results.has_class("-stale")  # dimmed, as the facets
        assert screen.query_one(FacetPanel).has_class("-stale")
        assert [hit.id for hit in results.hits] == shown

        results.focus()
        await pilot.press("down")
        await settle(pilot)
        second = engine.get(shown[1])
        preview = str(screen.query_one(Preview).query_one("#preview-text").render())
        assert second.title in preview and "Bad query" not in preview

        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader.article_id == second.id
        assert reader.match_count == len(engine.match_spans("iraq", second.body)) > 0
        assert "Bad query" not in screen_text(app)
        await pilot.press("escape")

        screen.query_one(SearchBar).input.focus()
        await pilot.press("enter")  # Enter on the malformed query: still an error
        await settle(pilot)
        assert "Bad query: unclosed quote" in screen_text(app)
        assert screen.history.entries == ["iraq"]  # from opening the story, found by it

        screen.query_one(SearchBar).input.focus()
        await pilot.press("end", "t", "e", '"')  # the phrase closed: a valid query again
        await settle(pilot)
        assert screen.results is not None and screen.results.query == 'iraq "islamic state"'
        assert not results.has_class("-stale")
        assert "last valid query" not in widget_text(app, summary)
        await pilot.press("enter")
        await settle(pilot)
    assert (tmp_path / "history").read_text().splitlines() == ["iraq", 'iraq "islamic state"']


@pytest.mark.parametrize(
    "error, shown",
    [
        (
            ValueError("zero-size array to reduction operation maximum"),
            "Unexpected error: ValueError: zero-size array to reduction operation maximum",
        ),
        (
            IndexCorruptError(Path("/ix"), "segment truncated"),
            "Index damaged: the index at /ix is damaged (segment truncated)",
        ),
    ],
    ids=["unexpected", "newsdesk-error"],
)
@pilot_test
async def test_a_failed_search_says_why_and_keeps_the_results(
    tmp_path: Path, engine: Engine, error: Exception, shown: str
) -> None:
    failing = FailingEngine(engine, error, fail_on="oil x")
    oil = engine.search("oil", page_size=PAGE)  # "oil " (the space ends the word) worked last
    app = make_app(tmp_path, failing)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await type_query(pilot, "oil")
        screen = search_screen(app)
        await type_query(pilot, " x")
        summary = widget_text(app, screen.query_one(ResultSummary))
        assert summary.startswith(f"{oil.total} stories for “oil”, the last working search")
        assert shown in summary  # in the summary, not a passing notification
        assert [hit.id for hit in screen.query_one(ResultList).hits] == [h.id for h in oil.hits]
        assert screen.query_one(ResultList).has_class("-stale")
        problem = screen.query_one("#search-problem", Static)
        assert problem.display and shown in str(problem.render())  # stays until a search works
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.request.query == "oil "
        assert shown not in screen_text(app) and not screen.stale
        summary = widget_text(app, screen.query_one(ResultSummary))
        assert summary.endswith(f" · 1/{oil.total}")  # no problem line


@pilot_test
async def test_a_failed_first_search_explains_in_the_results_area(
    tmp_path: Path, engine: Engine
) -> None:
    failing = FailingEngine(engine, ValueError("facet column missing"), failing=True)
    app = make_app(tmp_path, failing)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = search_screen(app)
        assert widget_text(app, screen.query_one("#empty-hint")) == (
            "Unexpected error: ValueError: facet column missing "
            "Press Enter in the search bar to try again, or change the query."
        )
        failing.failing = False
        screen.query_one(SearchBar).input.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert screen.results is not None and screen.query_one(ResultList).hits
        assert "facet column missing" not in screen_text(app)


@pilot_test
async def test_a_failed_next_page_says_why(tmp_path: Path, engine: Engine) -> None:
    failing = FailingEngine(engine, NewsdeskError("disk read failed", title="Index unreadable"))
    async with searching(tmp_path, failing, "oil") as (pilot, screen):  # type: ignore[arg-type]
        failing.failing = True
        results = screen.query_one(ResultList)
        results.focus()
        await pilot.press("end")
        await settle(pilot)
        assert len(results.hits) == PAGE
        assert widget_text(pilot.app, screen.query_one(ResultSummary)).endswith(
            "More results could not be loaded. Index unreadable: disk read failed"
        )


@pilot_test
async def test_facet_counts_stay_whole_after_a_height_only_resize(
    tmp_path: Path, engine: Engine
) -> None:
    """A shorter terminal gives the facet list a scrollbar, which takes columns: rows
    drawn for the wider list must not be reused, cut ("1,2" for "1,230")."""
    app = make_app(tmp_path, LongFacetEngine(engine))
    async with app.run_test(size=(120, 100)) as pilot:
        await settle(pilot)
        facets = search_screen(app).query_one(FacetList)
        assert not facets.show_vertical_scrollbar
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert facets.show_vertical_scrollbar
        region = facets.scrollable_content_region  # left of the scrollbar
        lines = screen_lines(app)[region.y : region.bottom]
        shown = [line[region.x : region.right].rstrip() for line in lines]
        assert facets.scroll_y == 0  # so row i shows option i (one line each)
        options = [facets.get_option_at_index(i).prompt for i in range(len(shown))]
        expected = [f" {o.parts[0].tail.plain.strip()}" for o in options if o.parts[0].tail]
        values = [row for row in shown if not row[:1].strip() and "more…" not in row]
        counts = [row[row.rindex(" ") :] for row in values]
        assert counts == expected and " 1,230" in counts  # whole counts, not " 1,2"
        (congo,) = [row for row in shown if row.startswith("  Democratic Republic")]
        assert congo.endswith("… 1,230")  # the value is cut to make room, never the count


@pilot_test
async def test_only_queries_that_parse_enter_the_history(tmp_path: Path, engine: Engine) -> None:
    """Enter on, or a suggestion of, a query that cannot be read leaves the history as it
    was; the same query once fixed is remembered."""
    async with searching(tmp_path, engine, 'oil "gulf') as (pilot, screen):
        await pilot.press("enter")
        await settle(pilot)
        assert "Bad query: unclosed quote" in screen_text(pilot.app)
        screen.post_message(SuggestionAccepted('coffee "price'))
        await settle(pilot)
        assert screen.query_one(SearchBar).value == 'coffee "price'
        assert "Bad query: unclosed quote" in screen_text(pilot.app)
        assert screen.history.entries == []
        screen.post_message(SuggestionAccepted('coffee "price"'))
        await settle(pilot)
        assert screen.history.entries == ['coffee "price"']
    assert (tmp_path / "history").read_text() == 'coffee "price"\n'
