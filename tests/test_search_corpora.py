"""Search on the shared corpora: facet counts checked against counts computed directly
from ``corpus.read_corpus`` (never from the index), on BBC and on Reuters-21578.

Reuters is indexed in part (the first 2,000 records, two of the 22 files) to keep the
suite quick; the full collection is exercised by the benchmarks.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from test_search_support import corpus_articles, corpus_engine

from corpus import Article
from index.schema import text_analyzer
from search import Engine, QueryError

pytestmark = pytest.mark.corpora

REUTERS_SUBSET = 2000


def stems(article: Article) -> set[str]:
    """The article's indexed words, by the schema's analyzer (independent of the index)."""
    analyzer = text_analyzer()
    text = "\n".join((article.title, article.body, *article.captions, *article.subheads))
    return {token.text for token in analyzer(text)}


@pytest.fixture(scope="module")
def bbc(corpora: Path) -> tuple[Engine, tuple[Article, ...]]:
    path = corpora / "bbc" / "bbc-fulltext.tar.gz"
    return corpus_engine(path), corpus_articles(path)


@pytest.fixture(scope="module")
def reuters(corpora: Path) -> tuple[Engine, list[Article]]:
    from test_search_support import write_index

    articles = [
        article
        for article in corpus_articles(corpora / "reuters21578" / "reuters21578.tar.gz")
        if article.id.isdigit() and int(article.id) <= REUTERS_SUBSET
    ]
    return Engine.for_index(write_index(articles)), articles


def test_bbc_category_facets_and_filters(bbc: tuple[Engine, tuple[Article, ...]]) -> None:
    engine, _ = bbc
    browse = engine.search("", page_size=1, every_version=True)
    assert browse.total == 2225
    assert dict(browse.facets["category"]) == {
        "business": 510, "entertainment": 386, "politics": 417, "sport": 511, "tech": 401,
    }  # fmt: skip
    sport = engine.search("", filters={"category": ["sport"]}, page_size=1, every_version=True)
    assert sport.total == 511
    # the field filtered counts as if unfiltered: the other categories can be picked too
    assert sport.facets["category"] == browse.facets["category"]


def test_bbc_query_facets_match_independent_counts(
    bbc: tuple[Engine, tuple[Article, ...]],
) -> None:
    engine, articles = bbc
    results = engine.search("football chelsea", facet_limit=100, page_size=1, every_version=True)
    wanted = {"footbal", "chelsea"}
    expected = Counter(a.category for a in articles if wanted <= stems(a))
    assert not results.relaxed
    assert results.total == sum(expected.values())
    assert dict(results.facets["category"]) == dict(expected)


def test_bbc_did_you_mean_and_related(bbc: tuple[Engine, tuple[Article, ...]]) -> None:
    engine, articles = bbc
    assert engine.search("chelsae").suggestion == "chelsea"
    first_sport = next(a for a in articles if a.category == "sport")
    related = engine.related(first_sport.id, limit=5)
    assert related and first_sport.id not in {hit.id for hit in related}
    # Verbatim duplicates (BBC has 98 pairs) are not offered as "related".
    body_of = {a.id: a.body for a in articles}
    assert all(body_of[hit.id] != first_sport.body for hit in related)


def test_related_stories_are_whooshs_more_like_this_ranked_by_the_engine(
    bbc: tuple[Engine, tuple[Article, ...]],
) -> None:
    """``related`` ranks Whoosh's more-like-this query with the engine's vectorised
    ranking (within the time limit): the same stories and scores as Whoosh's own
    ``more_like``, the article's versions and verbatim copies left out, and each other
    story once (compared here on the stories with one version)."""
    engine, articles = bbc
    searcher = engine._current().searcher
    alone = {a.id for a in articles if len(engine.versions(a.id)) == 1}
    for article in articles[::150]:
        docnum = searcher.document_number(id=article.id)
        text = f"{article.title} {article.body}"
        versions = {hit.id for hit in engine.versions(article.id)}
        theirs = [
            (hit["id"], round(hit.score, 5))
            for hit in searcher.more_like(docnum, "body", text=text, top=40)
            if hit["content_hash"] != article.content_hash and hit["id"] not in versions
        ]
        related = engine.related(article.id, limit=8)
        assert len(related) == 8 and len({hit.id for hit in related}) == 8
        ours = [(hit.id, round(hit.score, 5)) for hit in related if hit.id in alone]
        assert ours == [(id_, score) for id_, score in theirs if id_ in alone][: len(ours)]
        stories = [engine.versions(hit.id)[0].id for hit in related]
        assert len(set(stories)) == len(stories)  # each story once


def test_reuters_topic_and_place_facets(reuters: tuple[Engine, list[Article]]) -> None:
    engine, articles = reuters
    results = engine.search(
        "", filters={"topics": ["coffee"]}, facet_limit=500, page_size=1, every_version=True
    )
    coffee = [a for a in articles if "Coffee" in a.topics]
    assert results.total == len(coffee) > 10
    assert dict(results.facets["places"]) == dict(
        Counter(place for a in coffee for place in a.places)
    )
    months = Counter(a.date.strftime("%Y-%m") for a in coffee if a.date)
    assert results.facets["month"] == sorted(months.items())


def test_reuters_text_query_facets(reuters: tuple[Engine, list[Article]]) -> None:
    engine, articles = reuters
    results = engine.search("oil prices", facet_limit=1000, page_size=1, every_version=True)
    matching = [a for a in articles if {"oil", "price"} <= stems(a)]
    assert results.total == len(matching) >= 5
    assert dict(results.facets["topics"]) == dict(
        Counter(topic for a in matching for topic in a.topics)
    )
    assert dict(results.facets["places"]) == dict(
        Counter(place for a in matching for place in a.places)
    )


def test_reuters_get_known_record(reuters: tuple[Engine, list[Article]]) -> None:
    engine, _ = reuters
    article = engine.get("1")
    assert article.title == "BAHIA COCOA REVIEW"
    assert engine.search("bahia cocoa").hits[0].id == "1"


def test_reuters_broad_prefix_is_refused(reuters: tuple[Engine, list[Article]]) -> None:
    engine, _ = reuters
    with pytest.raises(QueryError, match="type more letters"):
        engine.search("s*")


def test_reuters_every_facet_of_a_broad_query(reuters: tuple[Engine, list[Article]]) -> None:
    """All eight facets (the numpy bincount path) against counts from the corpus."""
    engine, articles = reuters
    results = engine.search("market", facet_limit=0, page_size=1, every_version=True)
    matching = [a for a in articles if "market" in stems(a)]
    assert results.total == len(matching) > 100
    for field in ("topics", "places", "people", "organisations"):
        expected = Counter(value for a in matching for value in getattr(a, field))
        assert dict(results.facets[field]) == dict(expected), field
    assert dict(results.facets["source"]) == dict(Counter(a.source for a in matching))
    dated = [a.date for a in matching if a.date]
    assert results.facets["month"] == sorted(Counter(d.strftime("%Y-%m") for d in dated).items())
    assert results.facets["year"] == sorted(Counter(d.strftime("%Y") for d in dated).items())


def test_bbc_stories_filed_twice_are_one_story_in_two_versions(
    bbc: tuple[Engine, tuple[Article, ...]],
) -> None:
    """BBC holds the same story twice, word for word, 98 times or more ("Kennedy questions
    trust of Blair"): each is one result with two versions, counted once."""
    engine, articles = bbc
    results = engine.search('"Kennedy questions trust of Blair"')
    assert [hit.versions for hit in results.hits] == [2] and results.folded == 1
    copies: dict[tuple[str, str], list[str]] = {}
    for article in articles:
        copies.setdefault((article.title, article.body), []).append(article.id)
    twice = [ids for ids in copies.values() if len(ids) > 1]
    assert len(twice) >= 98
    for ids in twice:
        assert sorted(hit.id for hit in engine.versions(ids[0])) == sorted(ids)
    browse = engine.search("", page_size=1, facet_limit=10)
    every = engine.search("", page_size=1, facet_limit=10, every_version=True)
    assert browse.total == every.total - browse.folded and browse.folded >= len(twice)
    assert sum(n for _, n in browse.facets["category"]) == browse.total


def test_reuters_corrections_are_versions_and_daily_reports_are_not(
    reuters: tuple[Engine, list[Article]],
) -> None:
    engine, _ = reuters
    # Filed twice, 13 minutes apart.
    senators = engine.search("senators introduce export licensing reform bill")
    assert senators.hits[0].id == "32" and senators.hits[0].versions == 2
    assert [hit.id for hit in engine.versions("55")] == ["32", "55"]
    # A correction with its headline reworded ("CORRECTED - ...").
    assert [hit.id for hit in engine.versions("550")] == ["505", "550"]
    # The Fed's daily report, the same words a day apart: a story each day.
    fed = engine.search('"fed adds reserves via customer repurchases"', page_size=50)
    days = {hit.id: hit.versions for hit in fed.hits}
    assert days["522"] == 1 and days["1125"] == 1
