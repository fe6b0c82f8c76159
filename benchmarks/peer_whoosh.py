"""The naive Whoosh peer: what the Whoosh tutorial does, over the same schema and fields.

Build: one ``ix.writer()`` with default settings (one process, default memory limit),
``add_document`` per article, one commit.  Search: open a searcher per query, parse with
a ``MultifieldParser`` over the text fields, and count facets with ``groupedby``
(``FieldFacet`` per facet field, ``DateRangeFacet`` by month and by year).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.qparser import MultifieldParser
from whoosh.sorting import DateRangeFacet, FieldFacet
from whoosh.support.relativedelta import relativedelta

from corpus.model import Article
from index.documents import article_to_document
from index.fields import TEXT_FIELDS
from index.schema import build_schema

FACETS = ("source", "category", "topics", "places", "people", "organisations")


def build(articles: Sequence[Article], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(out), build_schema())
    writer = ix.writer()
    for article in articles:
        writer.add_document(**article_to_document(article))
    writer.commit()


class NaiveWhooshSearcher:
    """Tutorial-style querying: nothing is kept between queries but the ``Index`` object.

    It opens newsdesk's own index (``index.open_index`` finds the current generation),
    so both searchers read exactly the same segments.
    """

    name = "naive Whoosh"

    def __init__(self, index_dir: Path, date_range: tuple[datetime, datetime] | None) -> None:
        from index import open_index

        self.ix = open_index(index_dir)
        self.parser = MultifieldParser(list(TEXT_FIELDS), self.ix.schema)
        self.groupedby: dict[str, Any] = {
            name: FieldFacet(name, allow_overlap=True) for name in FACETS
        }
        if date_range is not None:
            start = datetime(date_range[0].year, date_range[0].month, 1)
            end = date_range[1] + timedelta(days=1)
            self.groupedby["month"] = DateRangeFacet("date", start, end, relativedelta(months=1))
            self.groupedby["year"] = DateRangeFacet("date", start, end, relativedelta(years=1))

    def query(self, text: str) -> int:
        with self.ix.searcher() as searcher:
            results = searcher.search(self.parser.parse(text), limit=10, groupedby=self.groupedby)
            titles = [hit["title"] for hit in results]
            groups = {name: results.groups(name) for name in self.groupedby}
            del titles, groups
            return len(results)

    def close(self) -> None:
        self.ix.close()
