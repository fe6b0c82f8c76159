"""Search as you type (the last word also finds the words it begins) and fuzzy words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_search_support import corpus_engine, sample_engine, sample_index_dir
from test_tui_support import make_app, pilot_test, settle

from search import Engine, SearchResults
from tui.cli import main
from tui.screens.search import SearchScreen
from tui.widgets.result_list import ResultList
from tui.widgets.search_bar import SearchBar


def ids(results: SearchResults) -> list[str]:
    return [hit.id for hit in results.hits]


def test_the_word_being_typed_finds_the_words_it_begins() -> None:
    engine = sample_engine()
    typed = engine.search("greensp", as_you_type=True)
    assert typed.total > 0 and all("Greenspan" in engine.get(i).body for i in ids(typed))
    assert "greenspan" in {typed.hits[0].snippet[s:e].lower() for s, e in typed.hits[0].highlights}
    # A word being typed that begins real words is no typo: no did-you-mean (yet) ...
    assert typed.suggestion is None
    # ... but one that begins none is ("petrolium" -> "petroleum").
    assert engine.search("petrolium", as_you_type=True).suggestion == "petroleum"
    # Only the last word, and only until a space or Enter ends it; then an unfinished
    # word is suggested whole (rather than the nearer spelling "green").
    assert engine.search("greensp").total == 0
    assert engine.search("greensp").suggestion == "greenspan"
    assert engine.search("greensp ", as_you_type=True).total == 0
    assert engine.search("greensp fed", as_you_type=True).all_words_total == 0
    assert engine.search("fed greensp", as_you_type=True).all_words_total > 0
    # A whole word ranks as itself: its completions ("oilseed") come after.
    assert ids(engine.search("oil", as_you_type=True))[:5] == ids(engine.search("oil"))[:5]
    # One letter is too little to complete.
    assert engine.search("o", as_you_type=True).total == engine.search("o").total


@pytest.mark.corpora
def test_chels_finds_chelsea_on_bbc(corpora: Path) -> None:
    engine = corpus_engine(corpora / "bbc" / "bbc-fulltext.tar.gz")
    results = engine.search("chels", as_you_type=True)
    assert results.total > 20
    assert all("chelsea" in hit.title.lower() for hit in results.hits[:5])


def test_the_command_line_keeps_exact_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "greensp", "--json", "--index", str(sample_index_dir())]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 0


@pilot_test
async def test_the_tui_searches_as_you_type_and_enter_ends_the_word(tmp_path: Path) -> None:
    with Engine.open(sample_index_dir()) as engine:
        app = make_app(tmp_path, engine)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            assert isinstance(screen, SearchScreen)
            screen.query_one(SearchBar).input.focus()
            await pilot.press(*"greensp")
            await settle(pilot)
            shown = screen.query_one(ResultList).hits
            assert shown and all("Greenspan" in engine.get(hit.id).body for hit in shown)
            await pilot.press("enter")
            await settle(pilot)
            assert screen.results is not None and screen.results.total == 0


@pytest.mark.parametrize("word", ["coffee", "cocoa"])
def test_a_fuzzy_word_ranks_the_word_as_typed_first(word: str) -> None:
    engine = sample_engine()
    exact = set(ids(engine.search(word, page_size=1000)))
    fuzzy = ids(engine.search(f"{word}~", page_size=1000))
    # "coffee~" also finds "coffe", "code", "core" ...: after every story with "coffee".
    assert len(fuzzy) > len(exact)
    assert set(fuzzy[: len(exact)]) == exact
