"""The query time limit holds on every path, and results cut short say so.

Phrases are checked (``search.matching.phrases``) and date ranges matched
(``search.matching.docsets``) without Whoosh's slow paths, with the same answers; a
huge story cannot hold a query up; past the deadline the rest of the work is skipped
and the results are ``partial``.
No test measures time: limits are made tiny, or the clock is faked.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from test_search_support import (
    SEED_ID,
    sample_articles,
    sample_engine,
    sample_index,
    write_index,
    write_index_dir,
)
from whoosh import query as wq
from whoosh.searching import Searcher

from corpus import Article
from search import Engine, SearchResults
from search.matching import phrases
from search.present.highlight import SNIPPET_TEXT_CHARS
from search.query.parser import parse_query
from search.words.resolve import resolve_query
from tui.cli import main

PHRASES = [
    '"oil prices"', '"u.s. officials"', '"new york"', '"price of oil"', '"islamic state"',
    "oil-price", 'title:"oil prices"', '"crude oil" -brazil', '"state islamic"',
    '"oil prices"~3', '"prices oil"~4', '"opec oil ministers"', '"the oil"',
]  # fmt: skip
DATES = [
    "date:1987", "date:1987-03", "date:[1987-03-02 to 1987-03-05]", "date:>1987-03-02",
    "date:<1987-03-02", "date:>=1987-03-02", "date:<=1987-03-02", "date:[* to *]",
    "date:2017-09-22",
]  # fmt: skip


def ids(results: SearchResults) -> list[str]:
    return [hit.id for hit in results.hits]


@pytest.mark.parametrize("query", PHRASES + DATES)
def test_phrases_and_date_ranges_match_what_whoosh_matches(query: str) -> None:
    live = sample_engine()._current()
    searcher = live.searcher
    parsed = resolve_query(parse_query(query), live.vocabulary)
    assert parsed.strict is not None
    ours = live.docsets.docs(parsed.strict)
    theirs = np.zeros_like(ours)
    theirs[list(searcher.docs_for_query(parsed.strict))] = True
    assert (ours == theirs).all()


def test_date_ranges_are_matched_without_expanding_them_into_terms(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 80 OR-ed ranges took seconds of Whoosh's term expansion; now they are compared on
    # the date column, so expanding them is never needed.
    def no_expansion(*_: object) -> None:
        raise AssertionError("a date range was expanded into index terms")

    monkeypatch.setattr(wq.NumericRange, "_compile_query", no_expansion)
    days = [f"1987-0{2 + i % 2}-{1 + i % 28:02d}" for i in range(80)]
    query = " OR ".join(f"date:[{day} to {day}]" for day in days)
    results = sample_engine().search(query, page_size=5, every_version=True)
    wanted = {datetime.fromisoformat(day).date() for day in days}
    expected = sum(1 for a in sample_articles() if a.date and a.date.date() in wanted)
    assert results.total == expected > 100 and not results.partial
    assert len(results.hits) == 5
    filtered = sample_engine().search("oil", filters={"month": ["1987-03"]})
    assert filtered.total and not filtered.partial


@pytest.mark.parametrize(
    "query", ['"oil prices"', '"crude oil" prices', "oil date:1987-03", "oil *", "oil-price"]
)
def test_phrases_and_dates_are_ranked_with_whooshs_scores(query: str) -> None:
    whoosh_ranked = Engine.for_index(sample_index(), fast_ranking=False)
    ours = sample_engine().search(query, page_size=30, facets=False)
    theirs = whoosh_ranked.search(query, page_size=30, facets=False)
    assert ours.total == theirs.total > 0
    assert ids(ours) == ids(theirs)
    assert [round(h.score, 6) for h in ours.hits] == [round(h.score, 6) for h in theirs.hits]


class SteppingClock:
    """A clock that moves one second each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_phrase_checking_stops_at_the_deadline_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(phrases, "CHUNK", 4)  # candidates are confirmed 4 at a time
    engine = Engine.for_index(sample_index())
    complete = engine.search('"oil prices"', page_size=100, every_version=True)
    assert complete.total == 27 and not complete.partial
    engine.clock = SteppingClock()
    engine.time_limit = 12  # a few documents' worth of clock reads
    cut = engine.search('"oil prices"', page_size=100, every_version=True)
    assert cut.partial
    assert 0 < cut.total < complete.total  # the documents confirmed before the deadline
    assert set(ids(cut)) <= set(ids(complete))


def test_past_the_deadline_hits_keep_their_story_start_and_facets_stop() -> None:
    engine = Engine.for_index(sample_index())
    engine.time_limit = 0
    results = engine.search("hawija offensive")
    assert results.partial
    assert ids(results)[0] == SEED_ID  # matching and ranking are vectorised: exact
    hit = results.hits[0]
    assert hit.snippet.startswith("Iraqi forces Friday launched") and hit.highlights == ()
    assert results.facets == {} and results.suggestion is None


def test_snippets_look_only_at_the_start_of_a_huge_text() -> None:
    filler = "The market was quiet. " * (SNIPPET_TEXT_CHARS // 20)
    early = Article(id="early", title="Early", body="Oil rose. " + filler)
    late = Article(id="late", title="Late", body=filler + "Copper fell sharply.")
    engine = Engine.for_index(write_index([early, late]))
    early_hit = engine.search("oil").hits[0]
    assert [early_hit.snippet[s:e] for s, e in early_hit.highlights] == ["Oil"]
    late_hit = engine.search("copper").hits[0]  # found, but past the scanned start
    assert late_hit.id == "late" and late_hit.highlights == ()
    assert late_hit.snippet.startswith("The market was quiet.")


def _huge_story(megabytes: float) -> Article:
    """One story of ``megabytes`` of wire-style sentences, the phrase "oil price" in each
    stretch of it (and "copper" only at the very end)."""
    words = ["crude", "market", "barrel", "opec", "supply", "demand", "traders", "week"]
    chooser = random.Random(1987)
    sentences = [
        " ".join(chooser.choice(words) for _ in range(12)) + " oil price." for _ in range(500)
    ]
    chunk = " ".join(sentences) + "\n\n"
    body = chunk * int(megabytes * 1_000_000 / len(chunk)) + "Copper closed higher."
    return Article(id="huge", title="A whole year of the oil desk", body=body)


@pytest.fixture(scope="module")
def small_huge_story_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    small = Article(id="small", title="Oil price rises", body="The oil price rose today.")
    return write_index_dir([_huge_story(1), small], tmp_path_factory.mktemp("huge"))


def test_a_cut_off_page_is_never_shown_as_complete(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    small_huge_story_index: Path,
) -> None:
    import search.engine

    monkeypatch.setattr(search.engine, "TIME_LIMIT_SECONDS", 0.0)
    index = str(small_huge_story_index)
    assert main(["search", '"oil price"', "--index", index, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["partial"] is True
    assert main(["search", '"oil price"', "--index", index]) == 0
    out = capsys.readouterr().out  # no phrase was checked: not "No stories match"
    assert out.startswith('No stories found that match “"oil price"” before the time limit')
    assert main(["search", "oil", "--index", index]) == 0
    out = capsys.readouterr().out
    first_line = out.splitlines()[0]
    assert first_line.startswith("1-2 of 2 stories (incomplete)")
    assert "Time limit reached" in out


@pytest.fixture(scope="module")
def fifty_megabyte_story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    small = Article(id="small", title="Oil price rises", body="The oil price rose today.")
    folder = write_index_dir([_huge_story(50), small], tmp_path_factory.mktemp("fifty"))
    with Engine.open(folder) as engine:
        yield engine


@pytest.mark.slow
@pytest.mark.parametrize("query", ['"oil price"', "oil price", "oil", "copper OR oil"])
def test_a_50_megabyte_story_is_found_with_its_snippet_within_the_limit(
    fifty_megabyte_story: Engine, query: str
) -> None:
    # Was: 6-17 s per query, and '"oil price"' gave total=1 with no hit.
    results = fifty_megabyte_story.search(query)
    assert not results.partial
    assert sorted(ids(results)) == ["huge", "small"]
    huge = next(hit for hit in results.hits if hit.id == "huge")
    assert {huge.snippet[s:e].lower() for s, e in huge.highlights} & {"oil", "price"}


def test_a_slow_related_never_holds_up_the_searches_made_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``related`` works on a searcher of its own: while it waits on a cold disk, a
    search typed in the TUI (another thread) is answered at once."""
    engine = Engine.open(write_index_dir(sample_articles(), tmp_path / "index"))
    entered, release = threading.Event(), threading.Event()
    key_terms = Searcher.key_terms_from_text

    def slow_key_terms(self: Searcher, *args: object, **kwargs: object) -> object:
        entered.set()
        release.wait(30)  # a cold disk: the test lets it go on
        return key_terms(self, *args, **kwargs)

    monkeypatch.setattr(Searcher, "key_terms_from_text", slow_key_terms)
    related: list[list[str]] = []
    slow = threading.Thread(target=lambda: related.append([h.id for h in engine.related(SEED_ID)]))
    slow.start()
    try:
        assert entered.wait(30)
        searched: list[SearchResults] = []
        search = threading.Thread(target=lambda: searched.append(engine.search("oil")))
        search.start()
        search.join(timeout=20)
        assert searched and searched[0].total > 0  # answered while related still waits
        assert not related
    finally:
        release.set()
        slow.join(timeout=30)
    assert related and related[0] and SEED_ID not in related[0]
    engine.close()
