"""The set of documents a query matches, computed with Python sets where possible.

Whoosh finds matching documents by stepping compound matchers one id at a time, which
is slow in pure Python for a word searched across four fields.  For the shapes the
query parser produces (terms combined with And/Or/Not) this reads each term's posting
list once and combines them as sets; anything else (phrases, date ranges) falls back to
Whoosh.  Term sets are cached per reader, so paging and facet clicks reuse them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import suppress
from typing import Any

from whoosh import query as wq
from whoosh.reading import TermNotFound

#: Term posting sets kept per reader (least recently used dropped first).
CACHE_TERMS = 512


class DocSets:
    """Matching docnums of queries over one searcher (thread-safe)."""

    def __init__(self, searcher: Any) -> None:
        self._searcher = searcher
        self._reader = searcher.reader()
        self._all: frozenset[int] | None = None
        self._terms: OrderedDict[tuple[str, Any], frozenset[int]] = OrderedDict()
        self._lock = threading.Lock()

    def all_docs(self) -> frozenset[int]:
        if self._all is None:
            self._all = frozenset(self._reader.all_doc_ids())
        return self._all

    def term(self, fieldname: str, text: Any) -> frozenset[int]:
        key = (fieldname, text)
        with self._lock:
            cached = self._terms.get(key)
            if cached is not None:
                self._terms.move_to_end(key)
                return cached
        reader = self._reader
        found: frozenset[int] = frozenset()
        if fieldname in reader.schema:
            with suppress(TermNotFound):
                found = frozenset(reader.postings(fieldname, text).all_ids())
            if found and reader.has_deletions():
                found &= self.all_docs()
        with self._lock:
            self._terms[key] = found
            while len(self._terms) > CACHE_TERMS:
                self._terms.popitem(last=False)
        return found

    def docs(self, query: wq.Query) -> frozenset[int]:
        """Docnums matching ``query`` (live documents only)."""
        if query is wq.NullQuery:
            return frozenset()
        if isinstance(query, wq.Every):
            return self.all_docs()
        if type(query) is wq.Term:
            return self.term(query.fieldname, query.text)
        if isinstance(query, wq.AndMaybe):  # the optional part only adds to scores
            return self.docs(query.a)
        if isinstance(query, wq.Not):
            return self.all_docs() - self.docs(query.query)
        if type(query) is wq.Or:
            result: set[int] = set()
            for sub in query.subqueries:
                result |= self.docs(sub)
            return frozenset(result)
        if type(query) is wq.And:
            positives = [q for q in query.subqueries if not isinstance(q, wq.Not)]
            negatives = [q.query for q in query.subqueries if isinstance(q, wq.Not)]
            if not positives:
                current: frozenset[int] = self.all_docs()
            else:
                sets = sorted((self.docs(q) for q in positives), key=len)
                current = sets[0].intersection(*sets[1:])
            for negative in negatives:
                if not current:
                    break
                current = current - self.docs(negative)
            return current
        return frozenset(self._searcher.docs_for_query(query))
