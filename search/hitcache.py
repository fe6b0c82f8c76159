"""Per-searcher shortcuts for making hits: stored fields read straight from their
segment, and hits' texts kept cleaned and folded for the next snippet.

A hit costs a stored-fields read and, for its snippet, several passes over the whole
body (cleaning, lower-casing, folding) before the query's words can be looked for.
Long stories cost the most (hundreds of microseconds for 20,000 characters) and are
the ones that match most queries, so their prepared texts are kept, bounded by size.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from corpus.model import Article
from search.highlight import Prepared, prepare_text
from search.lru import LruCache

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
