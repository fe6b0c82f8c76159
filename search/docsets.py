"""The set of documents a query matches, as a numpy mask over every docnum.

Whoosh finds matching documents by stepping compound matchers one id at a time, which
is slow in pure Python for a word searched across four fields.  For the shapes the
query parser produces (terms combined with And/Or/Not) this combines each term's cached
postings (``search.postings``) as boolean masks -- a few vectorised operations per
query; anything else (phrases, date ranges) falls back to Whoosh.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh import query as wq

from search.postings import Mask, Postings


class DocSets:
    """Matching docnums of queries over one searcher, as masks (thread-safe)."""

    def __init__(self, searcher: Any, postings: Postings | None = None) -> None:
        self._searcher = searcher
        self._postings = postings or Postings(searcher.reader())

    def all_docs(self) -> Mask:
        """Every live document (a fresh mask the caller may change)."""
        return self._postings.live().copy()

    def term(self, fieldname: str, text: Any) -> Mask:
        return self._postings.term_mask(fieldname, text)

    def docs(self, query: wq.Query) -> Mask:
        """Live documents matching ``query``."""
        if query is wq.NullQuery:
            return self._postings.empty()
        if isinstance(query, wq.Every):
            return self.all_docs()
        if type(query) is wq.Term:
            return self.term(query.fieldname, query.text)
        if isinstance(query, wq.AndMaybe):  # the optional part only adds to scores
            return self.docs(query.a)
        if isinstance(query, wq.Not):
            return self.all_docs() & ~self.docs(query.query)
        if type(query) is wq.Or:
            result = self._postings.empty()
            for sub in query.subqueries:
                result |= self.docs(sub)
            return result
        if type(query) is wq.And:
            positives = [q for q in query.subqueries if not isinstance(q, wq.Not)]
            negatives = [q.query for q in query.subqueries if isinstance(q, wq.Not)]
            current = self.all_docs()
            for positive in positives:
                current &= self.docs(positive)
            for negative in negatives:
                if not current.any():
                    break
                current &= ~self.docs(negative)
            return current
        matched = self._postings.mask_of(self._searcher.docs_for_query(query))
        return matched & self._postings.live()


def count(mask: Mask) -> int:
    """How many documents a mask holds."""
    return int(np.count_nonzero(mask))
