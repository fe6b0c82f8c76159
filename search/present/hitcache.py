"""Making hits, with per-searcher shortcuts: stored fields read straight from their
segment, hits' articles kept, and their texts kept cleaned and folded for the next
snippet.

A hit costs a stored-fields read and, for its snippet, several passes over the whole
body (cleaning, lower-casing, folding) before the query's words can be looked for.
Long stories cost the most (hundreds of microseconds for 20,000 characters) and are
the ones that match most queries, so their prepared texts are kept, bounded by size.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping
from typing import Any

from corpus.model import Article
from index.documents import document_to_article
from search.deadline import Deadline
from search.lru import LruCache
from search.present.highlight import Prepared, make_snippet, prepare_text
from search.results import Hit, Span

#: Characters of prepared text kept per searcher (text and folded copy both count).
MAX_PREPARED_CHARS = 4_000_000
#: Characters of hits' articles kept per searcher (their stored fields, decompressed).
MAX_ARTICLE_CHARS = 4_000_000


class PreparedTexts:
    """A bounded LRU of ``prepare_text`` results by (docnum, position among the hit's
    texts); valid for one searcher, whose docnums and stored texts never change."""

    def __init__(self, max_chars: int = MAX_PREPARED_CHARS) -> None:
        self.max_chars = max_chars
        self._entries: LruCache[tuple[int, int], Prepared] = LruCache(max_chars, _size)

    @property
    def chars(self) -> int:
        """Characters of prepared text kept now."""
        return self._entries.total

    def get(self, docnum: int, position: int, source: str) -> Prepared:
        key = (docnum, position)
        found = self._entries.get(key)
        if found is not None:
            return found
        prepared = prepare_text(source)
        self._entries.put(key, prepared)
        return prepared


def _size(prepared: Prepared) -> int:
    return len(prepared.text) + len(prepared.folded or "")


def hit_articles() -> LruCache[int, Article]:
    """A bounded LRU of hits' articles by docnum, valid for one searcher.

    Reading a hit's stored fields costs ~40 us (zlib and unpickling) and building its
    ``Article`` ~13 us; while a query is typed or refined the same stories come back.
    """
    return LruCache(MAX_ARTICLE_CHARS, _article_size)


def _article_size(article: Article) -> int:
    return len(article.body) + len(article.title) + 200


class StoredFields:
    """``searcher.stored_fields(docnum)``, without Whoosh's per-call checks.

    Whoosh's reader filters every stored dict against the schema (a Python loop over
    the fields, per hit); here the segment's own stored-fields column is read and the
    field names checked against a set made once.  Falls back to Whoosh's method when
    its readers are not laid out as expected.
    """

    def __init__(self, searcher: Any) -> None:
        self._searcher = searcher
        reader = searcher.reader()
        self._names = frozenset(reader.schema.names())
        leaves = reader.leaf_readers()
        perdocs: list[Any] = [getattr(leaf, "_perdoc", None) for leaf, _ in leaves]
        usable = all(hasattr(perdoc, "stored_fields") for perdoc in perdocs) and not getattr(
            reader.schema, "_dyn_fields", True
        )  # glob fields: only the schema can say which names it holds
        self._perdocs = perdocs if usable else []
        self._offsets = [offset for _, offset in leaves]

    def __call__(self, docnum: int) -> dict[str, Any]:
        if not self._perdocs:
            return dict(self._searcher.stored_fields(docnum))
        segment = bisect_right(self._offsets, docnum) - 1
        stored = self._perdocs[segment].stored_fields(docnum - self._offsets[segment])
        names = self._names
        return {name: value for name, value in stored.items() if name in names}


class HitMaker:
    """``Hit`` records of one searcher's documents, snippets made under a deadline."""

    def __init__(
        self,
        stored: StoredFields,
        learn_names: Callable[[int, Mapping[str, Any]], None] | None = None,
        versions: Callable[[int], int] = lambda docnum: 1,
    ) -> None:
        self._stored = stored
        self._versions = versions
        self._learn_names = learn_names
        self._prepared = PreparedTexts()
        self._articles = hit_articles()

    def article(self, docnum: int) -> Article:
        article = self._articles.get(docnum)
        if article is None:
            stored = self._stored(docnum)
            if self._learn_names is not None:
                self._learn_names(docnum, stored)
            article = document_to_article(stored)
            self._articles.put(docnum, article)
        return article

    def hit(
        self, docnum: int, score: float, terms: frozenset[str] | None, deadline: Deadline
    ) -> Hit:
        """The hit, its snippet highlighting ``terms`` (None: no snippet).  Once the
        deadline has passed, the snippet is the story's start, without highlights."""
        article = self.article(docnum)
        versions = self._versions(docnum)
        if terms is None:
            return to_hit(article, score, "", (), versions)
        if terms and deadline.exceeded():
            terms = frozenset()
        prepared = self._prepared

        def prepare(position: int, source: str) -> Prepared:
            return prepared.get(docnum, position, source)

        snippet, spans = make_snippet(
            (article.body, "\n".join(article.captions), "\n".join(article.subheads), article.title),
            terms,
            prepare,
        )
        return to_hit(article, score, snippet, spans, versions)


def to_hit(
    article: Article, score: float, snippet: str, spans: tuple[Span, ...], versions: int = 1
) -> Hit:
    return Hit(
        id=article.id,
        title=article.title,
        date=article.date,
        source=article.source,
        category=article.category,
        places=article.places,
        score=score,
        snippet=snippet,
        highlights=spans,
        date_inferred=article.date_inferred,
        people=article.people,
        organisations=article.organisations,
        topics=article.topics,
        url=article.url,
        path=article.path,
        content_hash=article.content_hash,
        versions=versions,
    )
