"""Engine behaviour on the bundled sample (seed AFP story + 1,000 Reuters records)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

import pytest
from test_search_support import (
    SEED_ID,
    sample_articles,
    sample_engine,
    sample_index,
    sample_index_dir,
    write_index,
)

from corpus import Article
from search import Engine, QueryError, SearchResults
from search.engine import RELAX_BELOW
from search.errors import ArticleNotFoundError, InvalidArgumentError


def ids(results: SearchResults) -> list[str]:
    return [hit.id for hit in results.hits]


def test_seed_is_top_hit_for_hawija_offensive() -> None:
    results = sample_engine().search("hawija offensive")
    assert ids(results)[0] == SEED_ID
    assert results.hits[0].title.startswith("Iraqi forces")
    assert results.hits[0].source == "AFP"


def test_all_words_must_match_then_relaxed_fallback() -> None:
    engine = sample_engine()
    either = engine.search("hawija cocoa", page_size=50)
    # No article has both words: ranked any-word fallback, flagged as relaxed.
    assert either.relaxed
    assert {SEED_ID, "1", "275"} <= set(ids(either))
    # Enough articles with every word: only those, not relaxed.
    oil_prices = engine.search("oil prices", page_size=500)
    assert oil_prices.total >= RELAX_BELOW and not oil_prices.relaxed
    for article in sample_articles():
        if article.id in ids(oil_prices):
            text = (article.title + " " + article.body).lower()
            assert "oil" in text and "price" in text
    assert not engine.search("cocoa").relaxed  # one word: nothing to relax


def test_few_all_word_matches_come_first_then_any_word() -> None:
    results = sample_engine().search("hawija offensive", page_size=50)
    # Only the seed has both words (fewer than RELAX_BELOW): it leads, then stories
    # with just one of the words follow, and the results say so.
    assert results.relaxed
    assert ids(results)[0] == SEED_ID
    assert results.total == len(results.hits) > 1
    for hit in results.hits[1:]:
        assert "offensive" in hit.snippet.lower() or "hawija" in hit.snippet.lower()


def test_phrase_requires_adjacent_words() -> None:
    engine = sample_engine()
    assert ids(engine.search('"islamic state"')) == [SEED_ID]
    assert engine.search('"state islamic"').total == 0


def test_negation_and_or_and_parentheses() -> None:
    engine = sample_engine()
    cocoa = set(ids(engine.search("cocoa", page_size=100)))
    without_brazil = set(ids(engine.search("cocoa -brazil", page_size=100)))
    not_form = set(ids(engine.search("cocoa NOT brazil", page_size=100)))
    assert without_brazil == not_form
    for article in sample_articles():
        if article.id in cocoa - without_brazil:
            assert "brazil" in (article.title + article.body).lower()
    either = engine.search("hawija OR cocoa", page_size=100)
    assert SEED_ID in ids(either) and cocoa <= set(ids(either))
    grouped = engine.search("(hawija OR cocoa) offensive", page_size=100)
    assert ids(grouped) == [SEED_ID]


def test_field_queries_and_aliases() -> None:
    engine = sample_engine()
    assert ids(engine.search("place:raqa")) == [SEED_ID]
    assert ids(engine.search("places:Raqqa")) == [SEED_ID]  # alias and agency spelling
    assert ids(engine.search("source:afp")) == [SEED_ID]
    assert ids(engine.search("credit:kilic")) == [SEED_ID]  # a word of "Bulent Kilic"
    title_hits = engine.search("title:cocoa", page_size=100)
    assert title_hits.total > 0
    assert all("cocoa" in hit.title.lower() for hit in title_hits.hits)
    usa = sum("United States" in a.places for a in sample_articles())
    assert engine.search("place:usa", every_version=True).total == usa


def test_date_syntax() -> None:
    engine = sample_engine()
    assert ids(engine.search("date:2017")) == [SEED_ID]
    assert ids(engine.search("date:2017-09")) == [SEED_ID]
    assert ids(engine.search("date:[2017-09-01 to 2017-09-30]")) == [SEED_ID]
    assert ids(engine.search("date:>2017-09-20")) == [SEED_ID]
    assert engine.search("date:>2017-09-22").total == 0
    march = sum(1 for a in sample_articles() if a.date and (a.date.year, a.date.month) == (1987, 3))
    assert engine.search("date:1987-03", every_version=True).total == march


def test_prefix_and_fuzzy_match_stemmed_words() -> None:
    engine = sample_engine()
    assert ids(engine.search("hawi*")) == [SEED_ID]
    assert ids(engine.search("hawjia~")) == [SEED_ID]
    # "offensi*" must find "offensive" although the index holds the stem "offens".
    assert SEED_ID in ids(engine.search("offensi*", page_size=50))


def test_accents_and_case_are_folded() -> None:
    article = Article(id="k1", title="Photo by Bülent Kılıç", body="Kılıç took the picture.")
    engine = Engine.for_index(write_index([article]))
    assert ids(engine.search("kilic")) == ["k1"]
    assert ids(engine.search("BULENT")) == ["k1"]
    hit = engine.search("kilic").hits[0]
    assert [hit.snippet[s:e] for s, e in hit.highlights] == ["Kılıç"]


def test_empty_query_browses_newest_first() -> None:
    results = sample_engine().search("", page_size=5, every_version=True)
    assert results.total == len(sample_articles())  # (every version: each article)
    assert results.hits[0].id == SEED_ID  # 2017 beats the 1987 wire
    dates = [hit.date for hit in results.hits if hit.date]
    assert len(dates) == 5 and dates == sorted(dates, reverse=True)


def test_sort_orders() -> None:
    engine = sample_engine()
    newest = engine.search("oil", sort="newest", page_size=200)
    oldest = engine.search("oil", sort="oldest", page_size=200)
    assert newest.total == oldest.total > 10
    newest_dates = [hit.date for hit in newest.hits if hit.date]
    assert len(newest_dates) == len(newest.hits)
    assert newest_dates == sorted(newest_dates, reverse=True)
    oldest_dates = [hit.date for hit in oldest.hits if hit.date]
    assert oldest_dates == sorted(oldest_dates)
    assert [hit.id for hit in oldest.hits] != ids(newest)
    relevance = engine.search("oil", page_size=200)
    scores = [hit.score for hit in relevance.hits]
    assert scores == sorted(scores, reverse=True)
    with pytest.raises(ValueError, match="sort"):
        engine.search("oil", sort="sideways")


def test_paging_bounds() -> None:
    engine = sample_engine()
    total = engine.search("oil").total
    pages = [engine.search("oil", page=page, page_size=7) for page in range(1, total // 7 + 3)]
    seen = [hit for page in pages for hit in page.hits]
    assert len(seen) == total
    assert len({hit.id for hit in seen}) == total  # no hit on two pages
    assert pages[-1].hits == ()  # past the end: empty, not an error
    assert all(page.total == total for page in pages)
    with pytest.raises(ValueError):
        engine.search("oil", page=0)


@pytest.mark.parametrize("first", ["raqa offensive", "oil", ""])
def test_a_fresh_engine_shows_facet_values_as_the_articles_spell_them(first: str) -> None:
    """Display spellings are filed from hits and on demand, whichever comes first."""
    spelled = {
        field: {value for a in sample_articles() for value in getattr(a, field)}
        for field in ("places", "topics", "people", "organisations")
    }
    spelled["source"] = {a.source for a in sample_articles() if a.source}
    engine = Engine.for_index(sample_index())
    for query in (first, ""):  # the browse-all list names every value
        results = engine.search(query, facet_limit=1000)
        for field, values in spelled.items():
            shown = {value for value, _ in results.facets[field]}
            assert shown <= values, (query, field, shown - values)
    assert {value for value, _ in results.facets["places"]} == spelled["places"]


def test_facets_count_the_whole_result_set() -> None:
    engine = sample_engine()
    results = engine.search("", facets=True, facet_limit=1000, page_size=1, every_version=True)
    expected_places = Counter(place for a in sample_articles() for place in a.places)
    assert dict(results.facets["places"]) == dict(expected_places)
    expected_topics = Counter(topic for a in sample_articles() for topic in a.topics)
    assert dict(results.facets["topics"]) == dict(expected_topics)
    counts = [count for _, count in results.facets["places"]]
    assert counts == sorted(counts, reverse=True)
    months = Counter(a.date.strftime("%Y-%m") for a in sample_articles() if a.date)
    assert results.facets["month"] == sorted(months.items())
    years = Counter(a.date.strftime("%Y") for a in sample_articles() if a.date)
    assert results.facets["year"] == sorted(years.items())
    assert set(results.facets) == {
        "source", "category", "topics", "places", "people", "organisations", "month", "year",
    }  # fmt: skip


def test_facets_of_a_query_match_its_articles() -> None:
    engine = sample_engine()
    results = engine.search("coffee", facet_limit=1000, page_size=1000)
    matched = {hit.id for hit in results.hits}
    expected = Counter(topic for a in sample_articles() if a.id in matched for topic in a.topics)
    assert dict(results.facets["topics"]) == dict(expected)
    assert len(engine.search("coffee", facet_limit=2).facets["topics"]) == 2


def test_filters_or_within_and_across_fields() -> None:
    engine = sample_engine()
    articles = sample_articles()
    filters = {"places": ["Brazil", "Argentina"], "topics": ["coffee", "grain"]}
    results = engine.search("", filters=filters, page_size=1000, every_version=True)
    expected = {
        a.id
        for a in articles
        if {"Brazil", "Argentina"} & set(a.places) and {"coffee", "grain"} & set(a.topics)
    }
    assert expected and set(ids(results)) == expected
    # A filtered facet counts its values as if none were picked (the other filters
    # kept): picking "Brazil" once left only the places named beside Brazil to pick
    # from, which made OR within a field of no use.
    brazil = engine.search("oil", filters={"places": ["Brazil"]})
    assert brazil.facets["places"] == engine.search("oil").facets["places"]
    in_places = [a for a in articles if {"Brazil", "Argentina"} & set(a.places)]
    topics = Counter(t for a in in_places for t in a.topics)
    assert all(count == topics[value] for value, count in results.facets["topics"])
    # the facets of fields not filtered count the stories shown
    shown = Counter(a.source for a in articles if a.id in expected and a.source)
    assert dict(results.facets["source"]) == dict(shown)
    month = engine.search("", filters={"month": ["1987-02"]}, page_size=1, every_version=True)
    assert month.total == sum(1 for a in articles if a.date and a.date.month == 2)
    assert month.facets["month"] == [("1987-02", month.total)]
    with pytest.raises(QueryError, match="cannot filter on 'colour'"):
        engine.search("", filters={"colour": ["red"]})


def test_a_picked_value_stays_in_its_facet_beyond_the_top_values() -> None:
    """A place picked from "more…" fell out of the places listed (only the top
    ``facet_limit`` were), so its row and tick were gone: it is listed after them."""
    engine = sample_engine()
    every = engine.search("oil", facet_limit=1000).facets["places"]
    rare, rare_count = every[-1]
    assert len(every) > 4 and rare_count < every[2][1]
    results = engine.search("oil", filters={"places": [rare.upper()]}, facet_limit=3)
    assert results.facets["places"] == [*every[:3], (rare, rare_count)]
    unpicked = engine.search("oil", filters={"topics": ["crude"]}, facet_limit=3)
    assert len(unpicked.facets["places"]) == 3  # only the picked values are added


def test_newest_first_lists_undated_stories_by_relevance() -> None:
    """BBC has no dates: newest first listed its stories in index order, the exact
    match ("UK interest rates held") far down.  Dated stories come first, by date."""
    filler = " ".join(f"filler{n}" for n in range(40))
    engine = Engine.for_index(
        write_index([
            Article(id="passing", title="Weekly round-up", body=f"Rates were held. {filler}"),
            Article(id="dated", title="Rates", body="Rates held.", date=datetime(2005, 2, 1)),
            Article(id="exact", title="Interest rates held", body="Rates held at 4.75%."),
        ])
    )  # fmt: skip
    for sort in ("newest", "oldest"):
        assert ids(engine.search("rates held", sort=sort)) == ["dated", "exact", "passing"]
    assert ids(engine.search("", sort="newest"))[0] == "dated"  # browsing: by date only


def test_date_range_arguments() -> None:
    engine = sample_engine()
    results = engine.search(
        "", date_from=date(1987, 3, 2), date_to=date(1987, 3, 2), every_version=True
    )
    expected = sum(1 for a in sample_articles() if a.date and a.date.date() == date(1987, 3, 2))
    assert results.total == expected > 0
    later = engine.search("", date_from=datetime(2000, 1, 1))
    assert ids(later) == [SEED_ID]


def test_snippet_spans_point_at_matched_words() -> None:
    results = sample_engine().search("offensives hawija")
    hit = results.hits[0]
    matched = [hit.snippet[start:end] for start, end in hit.highlights]
    assert matched
    assert {word.lower() for word in matched} <= {"offensive", "offensives", "hawija"}
    assert "offensive" in {word.lower() for word in matched}  # stemmed match
    assert "\n" not in hit.snippet and len(hit.snippet) < 600


def test_snippet_comes_from_caption_when_only_the_caption_matches() -> None:
    article = Article(
        id="c1",
        title="Battle report",
        body="Troops advanced on the town.",
        captions=("A tank near Sharqat",),
    )
    hit = Engine.for_index(write_index([article])).search("sharqat").hits[0]
    assert hit.snippet == "A tank near Sharqat"
    assert [hit.snippet[s:e] for s, e in hit.highlights] == ["Sharqat"]


def test_snippets_never_carry_control_characters() -> None:
    article = Article(id="x1", title="Bad\x1b[31m title", body="Evil \x1b[2J text\x07 here")
    hit = Engine.for_index(write_index([article])).search("evil").hits[0]
    assert "\x1b" not in hit.snippet and "\x07" not in hit.snippet


def test_did_you_mean() -> None:
    engine = sample_engine()
    assert engine.search("hawjia").suggestion == "hawija"
    assert engine.search("baghdadhi").suggestion == "baghdadi"
    assert engine.search("hawjia offensive").suggestion == "hawija offensive"
    assert engine.search("hawija offensive").suggestion is None
    assert engine.search("offensives").suggestion is None  # known stem, not a typo


def test_related_excludes_the_article_itself() -> None:
    engine = sample_engine()
    related = engine.related(SEED_ID, limit=3)
    assert 0 < len(related) <= 3
    assert SEED_ID not in {hit.id for hit in related}
    assert any({"Iraq", "Iran"} & set(hit.places) for hit in related)
    with pytest.raises(ArticleNotFoundError):
        engine.related("no-such-id")


def test_get_returns_the_whole_article() -> None:
    engine = sample_engine()
    seed = next(a for a in sample_articles() if a.id == SEED_ID)
    assert engine.get(SEED_ID) == seed
    with pytest.raises(ArticleNotFoundError, match="no-such-id"):
        engine.get("no-such-id")


def test_match_spans_in_a_full_body() -> None:
    engine = sample_engine()
    body = engine.get(SEED_ID).body
    spans = engine.match_spans("offensives hawija", body)
    words = {body[s:e].lower() for s, e in spans}
    assert words == {"offensive", "offensives", "hawija"}
    assert engine.match_spans("-hawija offensive", body)
    assert all(body[s:e].lower() != "hawija" for s, e in engine.match_spans("-hawija x", body))


def test_results_are_plain_dataclasses() -> None:
    results = sample_engine().search("cocoa")
    assert results.took_ms >= 0 and results.page == 1 and results.page_size == 10
    hit = results.hits[0]
    assert isinstance(hit.date, datetime) and isinstance(hit.places, tuple)
    assert type(hit.score) is float


def test_time_limit_returns_partial_results(monkeypatch: pytest.MonkeyPatch) -> None:
    from whoosh.collectors import TimeLimitCollector
    from whoosh.searching import TimeLimit

    import search.matching.collecting

    class ExpiresAfterOneHit(TimeLimitCollector):  # type: ignore[misc]
        def collect_matches(self) -> None:
            for sub_docnum in self.child.matches():
                self.child.collect(sub_docnum)
                raise TimeLimit

    monkeypatch.setattr(search.matching.collecting, "TimeLimitCollector", ExpiresAfterOneHit)
    engine = Engine.for_index(sample_index(), fast_ranking=False)  # Whoosh collects
    results = engine.search("oil", page_size=20)
    assert results.partial
    assert len(results.hits) == 1 and results.total > 1  # the count is still exact


def test_concurrent_searches_from_threads_agree() -> None:
    import threading

    engine = sample_engine()
    queries = ["oil", "cocoa", "hawija", "", "place:usa"]
    expected = {query: ids(engine.search(query)) for query in queries}
    failures: list[BaseException] = []

    def worker(query: str) -> None:
        try:
            for _ in range(10):
                assert ids(engine.search(query)) == expected[query]
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=worker, args=(q,)) for q in queries for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


@pytest.mark.parametrize("query", ["oil prices", "(oil OR gold) prices"])
def test_whooshs_ranking_does_not_depend_on_how_many_hits_are_asked(query: str) -> None:
    # (Whoosh's collector prunes what it thinks cannot reach the top N; it got that
    # wrong with N = 3, dropping the two best articles.)
    whoosh_ranked = Engine.for_index(sample_index(), fast_ranking=False)
    top = ids(whoosh_ranked.search(query, page_size=30, facets=False))
    for size in (1, 3, 5):
        assert ids(whoosh_ranked.search(query, page_size=size, facets=False)) == top[:size]


@pytest.mark.parametrize(
    "query",
    ["oil", "oil prices", "cocoa -brazil", "place:usa", "(oil OR gold) prices", "title:cocoa"],
)
def test_fast_ranking_gives_whoosh_scores(query: str) -> None:
    whoosh_ranked = Engine.for_index(sample_index(), fast_ranking=False)
    ours = sample_engine().search(query, page_size=30, facets=False)
    theirs = whoosh_ranked.search(query, page_size=30, facets=False)
    assert [hit.id for hit in ours.hits] == [hit.id for hit in theirs.hits]
    offsets = {round(a.score - b.score, 6) for a, b in zip(ours.hits, theirs.hits, strict=True)}
    assert len(offsets) <= 1  # equal, or shifted by a constant (Whoosh scores NOT as 1)


def test_fast_ranking_of_relaxed_queries_matches_whoosh_order() -> None:
    # Whoosh recounts the coordination terms as its matchers run out (a quirk), so
    # relaxed scores differ a little; the ranking must not.
    whoosh_ranked = Engine.for_index(sample_index(), fast_ranking=False)
    for query in ("hawija cocoa", "iran iraq offensive gulf"):
        ours = sample_engine().search(query, page_size=30, facets=False)
        theirs = whoosh_ranked.search(query, page_size=30, facets=False)
        assert ours.relaxed and theirs.relaxed
        assert [hit.id for hit in ours.hits][:5] == [hit.id for hit in theirs.hits][:5]


@pytest.mark.parametrize("name", ["Kilic", "kılıç", "bulent kilic"])
def test_a_photographers_name_finds_the_stories_with_their_photos(name: str) -> None:
    engine = sample_engine()
    results = engine.search(name)
    # The seed's captions end in "BULENT KILIC / AFP": the credit is a word of the
    # captions for plain words (it stays out of the captions shown).
    assert SEED_ID in [hit.id for hit in results.hits]
    assert results.suggestion is None
    assert all("Kilic" not in caption for caption in engine.get(SEED_ID).captions)


def test_a_closed_engine_answers_nothing() -> None:
    """close() released the index, then the next search silently opened it again (a
    notebook kept its files open without knowing)."""
    with Engine.open(sample_index_dir()) as engine:
        assert engine.search("oil").total
    for call in (lambda: engine.search("oil"), lambda: engine.get(SEED_ID), engine.refresh):
        with pytest.raises(InvalidArgumentError, match="engine: is closed"):
            call()
    engine.close()  # twice: harmless
