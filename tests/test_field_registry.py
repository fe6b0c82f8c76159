"""The field registry (``index.fields``) is the one declaration of each field: the
schema, the Article <-> document conversion, query field names, filters and labels all
follow it, so a field added there works everywhere, and one left out fails here."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
from test_search_support import write_index_dir

from corpus import Article
from index.fields import ALL_FACETS, FIELD_ALIASES, FIELDS, KEYWORD_FIELDS, label
from index.schema import build_schema
from search import Engine, QueryError
from search.query.filters import filter_field


def test_every_article_field_is_declared_once_and_the_schema_follows() -> None:
    names = [field.name for field in FIELDS]
    assert len(names) == len(set(names))
    article_fields = {field.name for field in dataclasses.fields(Article)}
    # (the corpus root and the near-duplicate signature are made at indexing time)
    assert set(names) - {"corpus", "near_signature"} == article_fields
    assert list(build_schema().names()) == sorted(names)


def test_an_article_with_every_field_set_comes_back_whole() -> None:
    full = Article(
        id="full-1",
        title="Floods in Basra",
        body="Water rose in Basra on Monday.",
        source="AFP",
        date=datetime(2017, 9, 22),
        date_inferred=True,
        category="world",
        topics=("floods", "weather"),
        places=("Basra", "Iraq"),
        people=("Smith, John", "Ana Lúcia"),
        organisations=("UN",),
        exchanges=("nyse",),
        captions=("A flooded street", "Rescue boats"),
        credits=("Jane Doe",),
        subheads=("Rising water",),
        dateline="BASRA",
        url="https://example.org/floods",
        path="/archive/floods.txt",
        format="text",
    )
    with Engine.open(write_index_dir([full])) as engine:
        assert engine.get("full-1") == full
        for field in FIELDS:
            if field.kind == "keyword":
                value = getattr(full, field.name)
                first = value[0] if field.many else value
                assert engine.search(f'{field.aliases[0]}:"{first}"').total == 1, field.name


def test_query_names_filters_and_labels_come_from_the_registry() -> None:
    engine = Engine.open(write_index_dir([Article(id="a", title="t", body="oil")]))
    for alias in FIELD_ALIASES:
        try:
            engine.search(f"{alias}:oil")
        except QueryError as error:  # only the date field refuses a word
            assert alias == "date", error
    for name in KEYWORD_FIELDS:
        assert filter_field(name) == filter_field(name.upper()) == name
    assert [label(name) for name in ALL_FACETS] == [
        "Source", "Category", "Topics", "Places", "People", "Organisations", "Month", "Year",
    ]  # fmt: skip
    with pytest.raises(QueryError, match="cannot filter on 'body'"):
        filter_field("body")
