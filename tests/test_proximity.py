"""Proximity: ``"a b"~N`` finds the words in order with at most N words between them."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from test_tui_support import sample_index

from search import Engine, QueryError
from search.query.lexer import MAX_PROXIMITY, tokenize


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    with Engine.open(sample_index()) as opened:
        yield opened


def ids(engine: Engine, query: str) -> set[str]:
    return {hit.id for hit in engine.search(query, page_size=1000, snippets=False).hits}


def near(text: str, first: str, second: str, between: int) -> bool:
    """``first`` (any ending) then ``second`` with at most ``between`` words between."""
    gap = rf"(?:[^\W_]+\W+){{0,{between}}}"
    return re.search(rf"\b{first}\w*\W+{gap}{second}\w*", text.lower()) is not None


def test_the_tilde_after_a_phrase_is_its_proximity() -> None:
    (token,) = tokenize('"rate cut"~3')
    assert (token.kind, token.text, token.proximity, token.end) == ("PHRASE", "rate cut", 3, 12)
    assert tokenize('"rate cut"~99999')[0].proximity == MAX_PROXIMITY  # at most a paragraph
    for not_a_distance in ('"rate cut"~3x', '"rate cut"~x', '"rate cut"~'):
        # once read as the phrase and a word "~x", which quietly narrowed the results
        with pytest.raises(QueryError, match="'~' after a phrase takes how many words") as bad:
            tokenize(not_a_distance)
        assert bad.value.position == 10
    assert tokenize('"rate cut"')[0].proximity == 0


def test_words_within_n_words_in_order(engine: Engine) -> None:
    exact, within = ids(engine, '"cut rate"'), ids(engine, '"cut rate"~4')
    assert exact < within  # more stories, the exact phrase's among them
    for article_id in within:
        article = engine.get(article_id)
        text = f"{article.title}\n{article.body}"
        assert near(text, "cut", "rate", 4), article_id
    # "cut ... rate" is not "rate ... cut": the order is kept.
    reversed_only = ids(engine, '"rate cut"~4') - within
    assert reversed_only and all(
        not near(f"{engine.get(i).title}\n{engine.get(i).body}", "cut", "rate", 4)
        for i in reversed_only
    )


def test_proximity_with_a_field_and_highlights(engine: Engine) -> None:
    results = engine.search('body:"cut rate"~4', page_size=3)
    assert results.total == len(ids(engine, 'body:"cut rate"~4')) > 0
    hit = results.hits[0]
    marked = {hit.snippet[start:end].lower()[:3] for start, end in hit.highlights}
    assert {"cut", "rat"} <= marked
