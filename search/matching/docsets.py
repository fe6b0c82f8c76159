"""The set of documents a query matches, as a numpy mask over every docnum.

Whoosh finds matching documents by stepping compound matchers one id at a time, which
is slow in pure Python for a word searched across four fields, and expands a date range
into hundreds of index terms.  Here the shapes the query parser produces are combined
as boolean masks: terms from their cached postings (``search.matching.postings``), date ranges
as one comparison over the date column, phrases by checking word positions only in the
documents holding every word (``search.matching.phrases``), under the query's deadline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import query as wq

from index.reading import MISSING_DATE
from search.deadline import Deadline
from search.matching.phrases import phrase_docs
from search.matching.postings import Mask, Postings

#: Documents Whoosh matches between two looks at the deadline (queries of other shapes).
CHECK_EVERY = 256

RawDates = npt.NDArray[np.uint64]


class DocSets:
    """Matching docnums of queries over one searcher, as masks (thread-safe)."""

    def __init__(
        self,
        searcher: Any,
        postings: Postings,
        raw_dates: Callable[[], RawDates] | None = None,
    ) -> None:
        self._searcher = searcher
        self._postings = postings
        self._raw_dates = raw_dates

    def all_docs(self) -> Mask:
        """Every live document (a fresh mask the caller may change)."""
        return self._postings.live().copy()

    def empty(self) -> Mask:
        return self._postings.empty()

    def for_query(self, deadline: Deadline) -> QueryDocs:
        """Matching documents for the parts of one query, within its deadline."""
        return QueryDocs(self, deadline)

    def docs(self, query: wq.Query) -> Mask:
        """Live documents matching ``query`` (no time limit)."""
        return self.for_query(Deadline.unlimited()).docs(query)

    # -- leaves --------------------------------------------------------------------
    def term(self, fieldname: str, text: Any) -> Mask:
        return self._postings.term_mask(fieldname, text)

    def date_range(self, query: wq.NumericRange) -> Mask | None:
        """The live documents whose date lies in the range; None without a date column.

        Whoosh's DATETIME values are ``datetime_to_long`` microseconds, the very
        numbers the sortable column holds and a ``DateRange`` keeps as its bounds.
        """
        if self._raw_dates is None:
            return None
        raw = self._raw_dates()
        mask: Mask = raw != MISSING_DATE
        if query.start is not None:
            mask &= raw > query.start if query.startexcl else raw >= query.start
        if query.end is not None:
            mask &= raw < query.end if query.endexcl else raw <= query.end
        return mask & self._postings.live()

    def phrase(self, query: wq.Phrase, deadline: Deadline) -> Mask:
        """Live documents with the phrase: the words' masks, then their positions."""
        candidates = self.all_docs()
        for word in query.words:
            candidates &= self.term(query.fieldname, word)
            if not candidates.any():
                return candidates
        if len(query.words) < 2:
            return candidates
        return phrase_docs(self._postings, query, candidates, deadline)

    def whoosh_docs(self, query: wq.Query, deadline: Deadline) -> Mask:
        """Any other shape, matched by Whoosh document by document until the deadline."""
        found: list[int] = []
        for number, docnum in enumerate(self._searcher.docs_for_query(query)):
            if number % CHECK_EVERY == 0 and deadline.exceeded():
                break
            found.append(docnum)
        return self._postings.mask_of(found) & self._postings.live()


class QueryDocs:
    """The matching documents of one query's parts.

    Phrases and date ranges are worked out once per query (ranking asks for them
    again), and phrases stop being checked when the deadline passes: the mask then
    holds the documents confirmed so far and the deadline records the cut.
    """

    def __init__(self, docsets: DocSets, deadline: Deadline) -> None:
        self._docsets = docsets
        self.deadline = deadline
        self._leaves: dict[wq.Query, Mask] = {}

    def __call__(self, query: wq.Query) -> Mask:
        return self.docs(query)

    def docs(self, query: wq.Query) -> Mask:
        """Live documents matching ``query``."""
        docsets = self._docsets
        if query is wq.NullQuery:
            return docsets.empty()
        if isinstance(query, wq.Every):
            return docsets.all_docs()
        if type(query) is wq.Term:
            return docsets.term(query.fieldname, query.text)
        if isinstance(query, wq.AndMaybe):  # the optional part only adds to scores
            return self.docs(query.a)
        if isinstance(query, wq.Not):
            return docsets.all_docs() & ~self.docs(query.query)
        if type(query) is wq.Or:
            result = docsets.empty()
            for sub in query.subqueries:
                result |= self.docs(sub)
            return result
        if type(query) is wq.And:
            return self._and(query)
        return self._leaf(query).copy()

    def _and(self, query: wq.And) -> Mask:
        positives = [q for q in query.subqueries if not isinstance(q, wq.Not)]
        negatives = [q.query for q in query.subqueries if isinstance(q, wq.Not)]
        # Cheap parts first: when they leave nothing, no phrase is checked at all.
        positives.sort(key=lambda sub: isinstance(sub, wq.Phrase))
        current = self._docsets.all_docs()
        for positive in positives:
            if not current.any():
                break
            current &= self.docs(positive)
        for negative in negatives:
            if not current.any():
                break
            current &= ~self.docs(negative)
        return current

    def _leaf(self, query: wq.Query) -> Mask:
        """A phrase, date range or other leaf, remembered for the rest of the query."""
        known = self._leaves.get(query)
        if known is not None:
            return known
        docsets = self._docsets
        found: Mask | None = None
        if isinstance(query, wq.Phrase):
            found = docsets.phrase(query, self.deadline)
        elif isinstance(query, wq.NumericRange) and query.fieldname == "date":
            found = docsets.date_range(query)
        if found is None:
            found = docsets.whoosh_docs(query, self.deadline)
        self._leaves[query] = found
        return found


def count(mask: Mask) -> int:
    """How many documents a mask holds."""
    return int(np.count_nonzero(mask))
