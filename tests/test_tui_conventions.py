"""Terminal conventions (fzf, less, newsboat): moving through results while typing, the
position counter and end marker, the browse order's label, the reader's pager keys."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_tui_support import (
    SEED_ID,
    make_app,
    open_reader,
    pilot_test,
    sample_index,
    screen_text,
    settle,
    type_query,
    widget_text,
)
from textual.containers import VerticalScroll

from corpus import sample_corpus_path
from index import build_index
from search import Engine
from tui.screens.reader import ReaderScreen
from tui.screens.search import SearchScreen
from tui.widgets.facet_panel import FacetList, FacetPanel
from tui.widgets.preview import Preview
from tui.widgets.result_list import ResultList
from tui.widgets.search_bar import QueryInput, SearchBar
from tui.widgets.status_line import StatusLine

SIZE = (120, 40)


@pytest.fixture
def engine() -> Iterator[Engine]:
    with Engine.open(sample_index()) as opened:
        yield opened


@pilot_test
async def test_up_down_move_the_selection_while_typing(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await type_query(pilot, "oil")
        total = screen.results.total  # type: ignore[union-attr]
        assert f"· 1/{total}" in screen_text(app)
        await pilot.press("down", "ctrl+n")
        await settle(pilot)
        results = screen.query_one(ResultList)
        assert results.highlighted == 2
        assert isinstance(app.focused, QueryInput)  # the cursor stayed in the query
        assert f"· 3/{total}" in screen_text(app)
        await pilot.press("up")
        assert results.highlighted == 1
        await pilot.press(*" prices")  # typing goes on in the bar
        assert screen.query_one(SearchBar).input.value == "oil prices"


@pilot_test
async def test_enter_after_moving_the_selection_opens_the_story_selected(
    tmp_path: Path, engine: Engine
) -> None:
    """As in fzf: Enter once reset the selection to the first story and searched again."""
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await type_query(pilot, "oil")
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.article_id == screen.query_one(ResultList).hits[2].id
        await pilot.press("q")
        await settle(pilot)
        screen.query_one(SearchBar).input.focus()
        await pilot.press("space", *"prices", "enter")  # not moved since: searches, as before
        await settle(pilot)
        assert app.screen is screen and screen.shown_query == "oil prices"


@pilot_test
async def test_browsing_says_newest_first_and_the_end_is_marked(
    tmp_path: Path, engine: Engine
) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        # The status line: which index, how large, when written; the empty query's order.
        status = widget_text(app, screen.query_one(StatusLine))
        assert status.startswith(f"newest first · {sample_index()} · 1,001 articles · ")
        assert "· updated today " in status
        screen.query_one(SearchBar).input.focus()
        await pilot.press(*"hawija")
        await settle(pilot)
        assert "1 story · 1/1" in screen_text(app)
        assert "best match first" in widget_text(app, screen.query_one(StatusLine))
        assert "end of the results" in screen_text(app)


@pilot_test
async def test_the_reader_pages_like_less(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        reader = await open_reader(pilot, "hawija")
        story = reader.query_one("#story", VerticalScroll)
        await pilot.press("G")
        await pilot.pause()
        assert story.scroll_y == story.max_scroll_y > 0
        await pilot.press("g")
        await pilot.pause()
        assert story.scroll_y == 0
        await pilot.press("space")
        await pilot.pause()
        paged = story.scroll_y
        assert paged > 3
        await pilot.press("j")
        await pilot.pause()
        assert story.scroll_y == paged + 1
        await pilot.press("b")
        await pilot.pause()
        assert story.scroll_y < paged
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)


@pilot_test
async def test_letters_typed_in_the_results_go_to_the_query(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        screen.query_one(SearchBar).input.focus()
        await pilot.press(*"oil", "enter")  # Enter: to the results
        await settle(pilot)
        assert isinstance(app.focused, ResultList)
        await pilot.press(*"s")
        await pilot.pause()
        await pilot.press(*" price")
        await settle(pilot)
        assert isinstance(app.focused, QueryInput)
        assert screen.query_one(SearchBar).input.value == "oils price"


@pilot_test
async def test_f6_highlights_the_first_facet_value(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await pilot.pause()
        facets = app.screen.query_one(FacetList)
        assert app.focused is facets and facets.highlighted is not None
        option = facets.get_option_at_index(facets.highlighted)
        assert not option.disabled  # a value, not a heading
        await pilot.press("enter")  # so Enter filters by it at once
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen) and screen.request.filters


@pilot_test
async def test_sort_layout_and_theme_are_remembered(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine, theme=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2", "ctrl+t", "ctrl+y")  # newest first; no sidebar, no preview
        await settle(pilot)
        app.theme = "textual-light"
        await pilot.pause()
    app = make_app(tmp_path, engine, theme=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert screen.request.sort == "newest"
        assert not screen.query_one(FacetPanel).display
        assert not screen.query_one(Preview).display
        assert app.theme == "textual-light"
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert screen.query_one(FacetPanel).display


@pilot_test
async def test_more_lists_every_value_and_months_filter(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        facets = app.screen.query_one(FacetList)
        ids = [facets.get_option_at_index(i).id or "" for i in range(facets.option_count)]
        more = next(i for i, option_id in enumerate(ids) if option_id.endswith("\x00more"))
        field = ids[more].split("\x1f")[0]
        before = sum(option_id.startswith(field + "\x1f") for option_id in ids)
        facets.focus()
        facets.highlighted = more
        await pilot.press("enter")
        await pilot.pause()
        ids = [facets.get_option_at_index(i).id or "" for i in range(facets.option_count)]
        assert sum(option_id.startswith(field + "\x1f") for option_id in ids) > before
        month = next(i for i, option_id in enumerate(ids) if option_id.startswith("month\x1f"))
        facets.highlighted = month
        await pilot.press("enter")  # a Month facet value filters by that month
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        chosen = ids[month].split("\x1f")[1]
        assert screen.request.filters == {"month": (chosen,)}
        assert screen.results is not None
        assert all(hit.date and f"{hit.date:%Y-%m}" == chosen for hit in screen.results.hits)


@pilot_test
async def test_slash_finds_words_in_the_story(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reader = await open_reader(pilot, "hawija")
        article = engine.get(reader.article_id)
        expected = article.body.lower().count("euphrates")
        await pilot.press("slash", *"EUPHRATES", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert reader.match_count == expected > 1
        assert f"“EUPHRATES”: 1 of {expected}" in screen_text(app)
        await pilot.press("n")
        assert f"“EUPHRATES”: 2 of {expected}" in screen_text(app)
        await pilot.press("slash", *"zzqq", "enter")
        await settle(pilot)
        assert "“zzqq” is not in the story" in screen_text(app)


@pilot_test
async def test_an_emoji_variation_selector_does_not_enter_the_query(
    tmp_path: Path, engine: Engine
) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(SearchBar).input
        bar.focus()
        await pilot.press(*"sun ")
        bar.insert_text_at_cursor("☀\ufe0f")  # as a terminal delivers the emoji
        await pilot.press(*" oil")
        await settle(pilot)
        assert bar.value == "sun ☀ oil"
        assert bar.cursor_position == len(bar.value)


@pilot_test
async def test_a_short_terminal_shows_more_results(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        screen.query_one(SearchBar).input.focus()
        await pilot.press(*"oil")
        await settle(pilot)
        results = screen.query_one(ResultList)
        assert results.dense
        text = screen_text(app)
        shown = [hit for hit in results.hits if hit.title[:30] in text]
        assert len(shown) >= 5  # four titles (three and a half results) with five-line rows
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert not results.dense


@pilot_test
async def test_the_palette_lists_each_command_once(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Help" in titles and "Export" in titles
        assert len(titles) == len(set(titles)), titles
        reader = await open_reader(pilot, "oil")
        titles = [command.title for command in app.get_system_commands(reader)]
        assert "Help" in titles and "Related" in titles
        assert len(titles) == len(set(titles)), titles


@pilot_test
async def test_the_status_line_follows_an_index_written_meanwhile(tmp_path: Path) -> None:
    """Another `newsdesk index` added a story: searches found it, but the status line
    kept the article count and update time it read when the app opened."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(sample_corpus_path() / f"{SEED_ID}.txt", corpus)
    build_index([corpus], index_dir, entities=False)
    with Engine.open(index_dir) as engine:
        app = make_app(tmp_path, engine, index_dir=index_dir)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            status = app.screen.query_one(StatusLine)
            assert "· 1 article ·" in widget_text(app, status)
            (corpus / "later.txt").write_text(
                "Hawija falls\n\nIraqi forces took Hawija from Islamic State on Thursday.\n"
            )
            build_index([corpus], index_dir, entities=False)
            await type_query(pilot, "hawija")
            await settle(pilot)
            assert "· 2 articles ·" in widget_text(app, status)


def _option_ids(facets: FacetList) -> list[str]:
    """The ids of the facet list's options, in order (a field's "more…" ends in \\x00more)."""
    return [facets.get_option_at_index(i).id or "" for i in range(facets.option_count)]


@pilot_test
async def test_more_lists_every_value_not_only_those_first_sent(
    tmp_path: Path, engine: Engine
) -> None:
    """ "more… (12)" listed only the 20 values the engine had sent, whatever the field
    held: now the count says when there are more ("12+"), and choosing it asks the
    engine for them."""
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        facets = app.screen.query_one(FacetList)
        more = _option_ids(facets).index("places\x1f\x00more")
        assert facets.get_option_at_index(more).prompt.parts[0].text.plain.strip() == "more… (12+)"
        facets.focus()
        facets.highlighted = more
        await pilot.press("enter")
        await settle(pilot)
        places = [
            option_id for option_id in _option_ids(facets) if option_id.startswith("places\x1f")
        ]
        assert len(places) > 20 and "places\x1f\x00more" not in places
        assert len(engine.search("", facet_limit=500).facets["places"]) == len(places)
        app.screen.query_one(QueryInput).value = "oil"  # a new search: first values again
        await settle(pilot)
        assert "places\x1f\x00more" in _option_ids(facets)


@pilot_test
async def test_a_value_picked_from_more_stays_listed_once_with_its_tick(
    tmp_path: Path, engine: Engine
) -> None:
    """Picking a value listed only under "more…" crashed the app: the facet list got
    the picked value twice (DuplicateID)."""
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        facets = app.screen.query_one(FacetList)
        more = next(
            i for i, option_id in enumerate(_option_ids(facets)) if option_id.endswith("\x00more")
        )
        field = _option_ids(facets)[more].split("\x1f")[0]
        facets.focus()
        facets.highlighted = more
        await pilot.press("enter")  # every value of the field listed
        await settle(pilot)
        values = [
            i
            for i, option_id in enumerate(_option_ids(facets))
            if option_id.startswith(field + "\x1f")
        ]
        last = values[-1]  # a value beyond the top ones
        picked = _option_ids(facets)[last]
        facets.highlighted = last
        await pilot.press("enter")
        await settle(pilot)
        assert _option_ids(facets).count(picked) == 1
        screen = app.screen
        assert isinstance(screen, SearchScreen) and screen.request.filters
        assert facets.get_option(picked).prompt.parts[0].text.plain.startswith("✓")
