"""The tantivy peer (tantivy-py): a Rust engine, for an idea of the floor.

Same four text fields (English stemming), facet values as raw multi-valued fast fields
counted with ``terms`` aggregations; month and year are stored as strings so they count
the same way (tantivy's date histogram has no calendar months).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tantivy
from harness import facet_values

from corpus.model import Article

TEXT = ("title", "subheads", "captions", "body")
FACETS = ("source", "category", "topics", "places", "people", "organisations", "month", "year")
BOOSTS = {"title": 3.0, "subheads": 1.5, "captions": 1.5, "body": 1.0}


def _schema() -> Any:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in TEXT:
        builder.add_text_field(name, stored=name in ("title", "body"), tokenizer_name="en_stem")
    for name in FACETS:
        builder.add_text_field(name, fast=True, tokenizer_name="raw")
    builder.add_date_field("date", stored=True, indexed=True, fast=True)
    return builder.build()


def build(articles: Iterable[Article], out: Path) -> None:
    """Index ``articles`` (any iterable: streamed, never held)."""
    out.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(_schema(), path=str(out))
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    for article in articles:
        document = tantivy.Document()
        document.add_text("id", article.id)
        document.add_text("title", article.title)
        document.add_text("subheads", "\n".join(article.subheads))
        document.add_text("captions", "\n".join(article.captions))
        document.add_text("body", article.body)
        for field, values in facet_values(article).items():
            for value in values:
                document.add_text(field, value)
        if article.date is not None:
            document.add_date("date", article.date)
        writer.add_document(document)
    writer.commit()
    writer.wait_merging_threads()


class TantivySearcher:
    name = "tantivy"

    def __init__(self, index_dir: Path) -> None:
        self.index = tantivy.Index.open(str(index_dir))
        self.index.reload()
        self.searcher = self.index.searcher()
        self.schema = self.index.schema
        self.aggregation = {name: {"terms": {"field": name, "size": 20}} for name in FACETS}

    def query(self, text: str, filter: tuple[str, str] | None = None) -> int:
        """Top 10 (with snippets), the total and every facet's counts; ``filter``
        (field, value) keeps only articles with that facet value; no words: every
        article, newest first."""
        if text.strip():
            query = self.index.parse_query(
                text, list(TEXT), field_boosts=BOOSTS, conjunction_by_default=True
            )
        else:
            query = tantivy.Query.all_query()
        if filter is not None:
            value = tantivy.Query.term_query(self.schema, filter[0], filter[1])
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, query), (tantivy.Occur.Must, value)]
            )
        if text.strip():
            result = self.searcher.search(query, 10, count=True)
            snippets = tantivy.SnippetGenerator.create(self.searcher, query, self.schema, "body")
        else:
            result = self.searcher.search(query, 10, count=True, order_by_field="date")
            snippets = None
        for _score, address in result.hits:
            document = self.searcher.doc(address)
            if snippets is not None:
                snippets.snippet_from_doc(document).fragment()
            document.get_first("title")
        self.searcher.aggregate(query, self.aggregation)
        return int(result.count)  # type: ignore[attr-defined]  # stub lacks `count`

    def close(self) -> None:
        del self.searcher
