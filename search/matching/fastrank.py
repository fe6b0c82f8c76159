"""BM25F ranking computed with numpy over cached postings, for the common query shapes.

Whoosh scores a word searched over four fields by stepping a tree of matchers one
document at a time, which dominates query time in pure Python.  For queries made only
of terms (And / Or / Not / AndMaybe, optionally with Whoosh's coordination bonus),
phrases and date ranges this module computes the very same scores -- Whoosh's ``bm25``
formula, ``idf``, quantised field lengths and SQR coordination, in the same order of
float operations -- as dense arrays over every docnum, from each term's cached postings
(``search.matching.postings``).  Whoosh scores a phrase as the sum of its words' scores where
the phrase occurs, and a date range (or ``*``) as its boost where it matches; which
documents those are comes from ``search.matching.docsets`` (``leaf_docs``).  Any other shape
returns None and the engine lets Whoosh rank it.
(One deliberate difference: Whoosh recounts the coordination terms as its matchers run
out, so its relaxed scores drift with document order; here the count is the query's.)
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from math import log
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import query as wq
from whoosh import scoring

from search.lru import LruCache
from search.matching.postings import DocArray, FloatArray, Mask, Postings

#: Score entries (a docnum and a score: 16 bytes) of the per-term score arrays kept per
#: generation, least recently used dropped first: at most 64 MB.
CACHE_SCORES = 4_000_000

#: The documents matching a phrase, date range or ``*`` (from ``search.matching.docsets``).
LeafDocs = Callable[[wq.Query], Mask]

IntArray = npt.NDArray[np.int64]
CountArray = npt.NDArray[np.int32]


@dataclass(frozen=True, slots=True)
class _Scored:
    """Dense per-docnum scores of a (sub)query, and which documents it matches."""

    scores: FloatArray
    #: Matching term count per doc (for Whoosh's coordination bonus).
    counts: CountArray
    present: Mask
    #: Term matchers in the query tree (terms the index holds).
    terms: int


class FastRanker:
    """Scores supported queries over one searcher; thread-safe, caches term scores."""

    def __init__(self, searcher: Any, k1: float, b: float, postings: Postings) -> None:
        self._searcher = searcher
        self._reader = searcher.reader()
        self._postings = postings
        self._k1 = k1
        self._doc_count_all = int(searcher.get_parent().doc_count_all())
        self._b = b
        self._cache: LruCache[tuple[str, str, float], tuple[DocArray, FloatArray]] = LruCache(
            CACHE_SCORES, lambda entry: max(1, len(entry[0]))
        )

    # -- scoring ---------------------------------------------------------------------
    def _term_scores(self, term: wq.Term) -> tuple[DocArray, FloatArray] | None:
        """(docnums, BM25 scores) of one term's postings; None if it cannot be scored."""
        fieldname, text = term.fieldname, term.text
        schema = self._reader.schema
        if fieldname not in schema or not isinstance(text, str):
            return None
        if not schema[fieldname].scorable:
            return None
        key = (fieldname, text, float(term.boost))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        docs, weights = self._postings.term(fieldname, text)
        if len(docs):
            searcher = self._searcher
            idf = self._idf(fieldname, text, len(docs))
            average = searcher.avg_field_length(fieldname) or 1
            lengths = self._postings.field_lengths(fieldname)[docs]
            k1, b = self._k1, self._b
            # Whoosh's scoring.bm25, operation for operation, then the term's boost.
            scores = idf * (
                (weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / average))
            )
            scores = scores * term.boost
        else:
            scores = np.zeros(0, dtype=np.float64)
        self._cache.put(key, (docs, scores))
        return docs, scores

    def _idf(self, fieldname: str, text: str, postings: int) -> float:
        """Whoosh's ``idf``, from the number of postings already in hand (Whoosh would
        look the term up again in every segment for its document frequency, which
        is that same number: deleted documents count until segments merge)."""
        if type(self._searcher.weighting).idf is not scoring.WeightingModel.idf:
            return float(self._searcher.idf(fieldname, text))  # a model with its own idf
        return log(self._doc_count_all / (postings + 1)) + 1

    def _scores(self, query: wq.Query, leaf_docs: LeafDocs) -> _Scored | None:
        if type(query) is wq.Term:
            return self._term(query)
        if query is wq.NullQuery:
            size = self._postings.doc_count_all
            nothing = np.zeros(size, dtype=np.bool_)
            return _Scored(np.zeros(size), np.zeros(size, dtype=np.int32), nothing, 0)
        if isinstance(query, wq.Phrase):
            return self._phrase(query, leaf_docs(query))
        if _is_leaf(query):  # a date range or *: Whoosh scores them as their boost
            present = leaf_docs(query)
            scores = np.where(present, float(query.boost), 0.0)
            return _Scored(scores, present.astype(np.int32), present, 0)
        if type(query) is wq.Or:
            return self._or_scores(query, leaf_docs)
        if type(query) is wq.And:
            return self._and_scores(query, leaf_docs)
        if isinstance(query, wq.AndMaybe):
            required = self._scores(query.a, leaf_docs)
            optional = self._scores(query.b, leaf_docs)
            if required is None or optional is None:
                return None
            present = required.present
            return _Scored(
                np.where(present, required.scores + optional.scores, 0.0),
                np.where(present, required.counts + optional.counts, 0),
                present,
                required.terms + optional.terms,
            )
        return None

    def _term(self, query: wq.Term) -> _Scored | None:
        result = self._term_scores(query)
        if result is None:
            return None
        docs, term_scores = result
        size = self._postings.doc_count_all
        scores = np.zeros(size, dtype=np.float64)
        scores[docs] = term_scores
        present = np.zeros(size, dtype=np.bool_)
        present[docs] = True
        return _Scored(scores, present.astype(np.int32), present, 1 if len(docs) else 0)

    def _phrase(self, query: wq.Phrase, present: Mask) -> _Scored | None:
        """Whoosh's phrase score: its words' BM25 scores summed (each with its full
        frequency), times the phrase's boost, in the documents holding the phrase."""
        size = self._postings.doc_count_all
        scores = np.zeros(size, dtype=np.float64)
        for word in query.words:
            sparse = self._term_scores(wq.Term(query.fieldname, word))
            if sparse is None:
                return None
            docs, term_scores = sparse
            scores[docs] += term_scores
        if query.boost != 1:
            scores = scores * query.boost
        words = len(query.words) if present.any() else 0
        counts = np.where(present, words, 0).astype(np.int32)
        return _Scored(np.where(present, scores, 0.0), counts, present, words)

    def _or_scores(self, query: wq.Or, leaf_docs: LeafDocs) -> _Scored | None:
        size = self._postings.doc_count_all
        scores = np.zeros(size, dtype=np.float64)
        counts = np.zeros(size, dtype=np.int32)
        present = np.zeros(size, dtype=np.bool_)
        terms = 0
        for sub in query.subqueries:
            if type(sub) is wq.Term:  # the common case: add the term's postings in place
                sparse = self._term_scores(sub)
                if sparse is None:
                    return None
                docs, term_scores = sparse
                scores[docs] += term_scores  # docnums are unique within a term
                counts[docs] += 1
                present[docs] = True
                terms += 1 if len(docs) else 0
                continue
            part = self._scores(sub, leaf_docs)
            if part is None:
                return None
            scores += part.scores  # absent documents add 0.0: same sums as Whoosh's
            counts += part.counts
            present |= part.present
            terms += part.terms
        if query.boost != 1:
            scores = scores * query.boost
        if query.scale and terms:
            # Whoosh's CoordMatcher ("SQR" coordination bonus).
            scale = query.scale
            factor = (terms - 1) / terms
            bonus = (scores + (counts - 1) / (terms - scale) ** 2) * factor
            scores = np.where(present, bonus, 0.0)
        return _Scored(scores, counts, present, terms)

    def _and_scores(self, query: wq.And, leaf_docs: LeafDocs) -> _Scored | None:
        positives = [q for q in query.subqueries if not isinstance(q, wq.Not)]
        parts = []
        for sub in positives:
            part = self._scores(sub, leaf_docs)
            if part is None:
                return None
            parts.append(part)
        if not parts:
            return None
        size = self._postings.doc_count_all
        common = parts[0].present.copy()
        scores = np.zeros(size, dtype=np.float64)
        counts = np.zeros(size, dtype=np.int32)
        for part in parts:
            common &= part.present
            scores += part.scores
            counts += part.counts
        scores = np.where(common, scores * query.boost, 0.0)
        return _Scored(scores, np.where(common, counts, 0), common, sum(p.terms for p in parts))

    def rank(
        self,
        query: wq.Query,
        allowed: Mask | Collection[int],
        limit: int,
        leaf_docs: LeafDocs,
    ) -> list[tuple[int, float]] | None:
        """Best ``limit`` (docnum, score) among ``allowed``; None if the shape is unsupported.

        ``leaf_docs`` gives the documents of phrases, date ranges and ``*``.  Ties are
        broken by docnum, as Whoosh's collector does.
        """
        if isinstance(query, wq.Not) or not _supported(query):
            return None
        result = self._scores(query, leaf_docs)
        if result is None:
            return None
        if not isinstance(allowed, np.ndarray):
            allowed = self._postings.mask_of(allowed)
        docs = np.flatnonzero(result.present & allowed)
        return top_scores(docs, result.scores[docs], limit)


def top_scores(docs: IntArray, scores: FloatArray, limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best (docnum, score), highest score first, then lowest docnum."""
    if limit <= 0 or not len(docs):
        return []
    if len(docs) > limit:
        cut = len(docs) - limit
        threshold = np.partition(scores, cut)[cut]  # the limit-th highest score
        keep = scores >= threshold  # ties at the threshold stay for the docnum order
        docs, scores = docs[keep], scores[keep]
    order = np.lexsort((docs, -scores))[:limit]
    return [(int(d), float(s)) for d, s in zip(docs[order], scores[order], strict=True)]


def _is_leaf(query: wq.Query) -> bool:
    """A phrase, date range or ``*``: scored from the documents ``leaf_docs`` gives."""
    if isinstance(query, wq.NumericRange):
        return bool(query.fieldname == "date")
    return isinstance(query, (wq.Phrase, wq.Every))


def _supported(query: wq.Query) -> bool:
    if type(query) is wq.Term or query is wq.NullQuery or _is_leaf(query):
        return True
    if isinstance(query, wq.Not):
        return True  # exclusions are already applied through ``allowed``
    if type(query) in (wq.And, wq.Or):
        return all(_supported(sub) for sub in query.subqueries)
    if isinstance(query, wq.AndMaybe):
        return _supported(query.a) and _supported(query.b)
    return False
