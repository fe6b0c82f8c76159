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
    browse = engine.search("", page_size=1)
    assert browse.total == 2225
    assert dict(browse.facets["category"]) == {
        "business": 510, "entertainment": 386, "politics": 417, "sport": 511, "tech": 401,
    }  # fmt: skip
    sport = engine.search("", filters={"category": ["sport"]}, page_size=1)
    assert sport.total == 511
    assert sport.facets["category"] == [("sport", 511)]


def test_bbc_query_facets_match_independent_counts(
    bbc: tuple[Engine, tuple[Article, ...]],
) -> None:
    engine, articles = bbc
    results = engine.search("football chelsea", facet_limit=100, page_size=1)
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
    ``more_like``, duplicates of the article left out."""
    engine, articles = bbc
    searcher = engine._current().searcher
    for article in articles[::150]:
        docnum = searcher.document_number(id=article.id)
        text = f"{article.title} {article.body}"
        theirs = [
            (hit["id"], round(hit.score, 5))
            for hit in searcher.more_like(docnum, "body", text=text, top=40)
            if hit["content_hash"] != article.content_hash
        ]
        ours = [(hit.id, round(hit.score, 5)) for hit in engine.related(article.id, limit=8)]
        assert ours == theirs[:8] and len(ours) == 8


def test_reuters_topic_and_place_facets(reuters: tuple[Engine, list[Article]]) -> None:
    engine, articles = reuters
    results = engine.search("", filters={"topics": ["coffee"]}, facet_limit=500, page_size=1)
    coffee = [a for a in articles if "Coffee" in a.topics]
    assert results.total == len(coffee) > 10
    assert dict(results.facets["places"]) == dict(
        Counter(place for a in coffee for place in a.places)
    )
    months = Counter(a.date.strftime("%Y-%m") for a in coffee if a.date)
    assert results.facets["month"] == sorted(months.items())


def test_reuters_text_query_facets(reuters: tuple[Engine, list[Article]]) -> None:
    engine, articles = reuters
    results = engine.search("oil prices", facet_limit=1000, page_size=1)
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
    results = engine.search("market", facet_limit=0, page_size=1)
    matching = [a for a in articles if "market" in stems(a)]
    assert results.total == len(matching) > 100
    for field in ("topics", "places", "people", "organisations"):
        expected = Counter(value for a in matching for value in getattr(a, field))
        assert dict(results.facets[field]) == dict(expected), field
    assert dict(results.facets["source"]) == dict(Counter(a.source for a in matching))
    dated = [a.date for a in matching if a.date]
    assert results.facets["month"] == sorted(Counter(d.strftime("%Y-%m") for d in dated).items())
    assert results.facets["year"] == sorted(Counter(d.strftime("%Y") for d in dated).items())
