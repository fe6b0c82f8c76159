"""BM25F ranking computed with numpy over cached postings, for the common query shapes.

Whoosh scores a word searched over four fields by stepping a tree of matchers one
document at a time, which dominates query time in pure Python.  For queries made only
of terms (And / Or / Not / AndMaybe, optionally with Whoosh's coordination bonus),
phrases and date ranges this module computes the very same scores -- Whoosh's ``bm25``
formula with ``search.matching.ranking``'s idf, quantised field lengths and SQR
coordination, in the same order of float operations -- over the documents each part
of the query matches (sorted docnums with their scores: the cost follows the matches,
not the archive), from each term's cached postings (``search.matching.postings``).
Whoosh scores a phrase as the sum of its words' scores where the phrase occurs, and a
date range (or ``*``) as its boost where it matches; which documents those are comes
from ``search.matching.docsets`` (``leaf_docs``).  Any other shape returns None and the
engine lets Whoosh rank it.  (One deliberate difference: Whoosh recounts the
coordination terms as its matchers run out, so its relaxed scores drift with document
order; here the count is the query's.)
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import query as wq

from search.lru import LruCache
from search.matching.postings import DocArray, FloatArray, Mask, Postings
from search.matching.ranking import bm25_idf
from search.matching.statistics import CollectionStatistics, phrase_key, term_key

#: Score entries (a docnum and a score: 16 bytes) of the per-term score arrays kept per
#: generation, least recently used dropped first: at most 64 MB.
CACHE_SCORES = 4_000_000

#: Sum a query's parts in arrays over every docnum when their entries number at least
#: 1/DENSE_SHARE of the archive (a very common word); below that, sorting the entries
#: costs less (measured at 1M articles: "said" 59 -> 49 ms, "oil prices" 26 -> 10 ms).
DENSE_SHARE = 8
#: ... and always in an archive this small (arrays under 1 MB: Reuters-21578's queries
#: took 2.2 ms at p50 that way, 2.6 ms sorting).
DENSE_ARCHIVE = 65_536

#: The documents matching a phrase, date range or ``*`` (from ``search.matching.docsets``).
LeafDocs = Callable[[wq.Query], Mask]

IntArray = npt.NDArray[np.int64]
CountArray = npt.NDArray[np.int32]


@dataclass(frozen=True, slots=True)
class _Scored:
    """The documents a (sub)query matches (sorted docnums) and their scores."""

    docs: IntArray
    scores: FloatArray
    #: Matching term count per doc (for Whoosh's coordination bonus).
    counts: CountArray
    #: Term matchers in the query tree (terms the index holds).
    terms: int

    def holds(self, docs: IntArray) -> Mask:
        """Which of ``docs`` (sorted) this part matches."""
        return _lookup(self.docs, docs)[1]

    def on(self, docs: IntArray) -> tuple[FloatArray, CountArray]:
        """Scores and counts at ``docs`` (sorted; 0 where this part does not match)."""
        if not len(self.docs):
            return np.zeros(len(docs)), np.zeros(len(docs), dtype=np.int32)
        at, found = _lookup(self.docs, docs)
        scores = np.where(found, self.scores[at], 0.0)
        return scores, np.where(found, self.counts[at], 0).astype(np.int32)


def _lookup(docs: IntArray, wanted: IntArray) -> tuple[IntArray, Mask]:
    """Where each of ``wanted`` is (or would be) in ``docs``, both sorted, and whether
    it is there."""
    if not len(docs):
        return np.zeros(len(wanted), dtype=np.int64), np.zeros(len(wanted), dtype=np.bool_)
    at = np.minimum(np.searchsorted(docs, wanted), len(docs) - 1)
    return at, np.asarray(docs[at] == wanted)


_NOTHING = _Scored(np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0, dtype=np.int32), 0)


def _mask_docs(present: Mask) -> IntArray:
    return np.flatnonzero(present).astype(np.int64)


class FastRanker:
    """Scores supported queries over one searcher; thread-safe, caches term scores.

    ``statistics`` (a shard of a collection searched as one): score with the
    collection's figures instead of the searcher's.  The term scores cached are valid
    as long as those figures are, so give each set of figures a ranker of its own.
    """

    def __init__(
        self,
        searcher: Any,
        k1: float,
        b: float,
        postings: Postings,
        statistics: CollectionStatistics | None = None,
    ) -> None:
        self._searcher = searcher
        self._reader = searcher.reader()
        self._postings = postings
        self._k1 = k1
        self._statistics = statistics
        if statistics is not None:
            self._doc_count_all = statistics.doc_count_all
        else:
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
        key = (fieldname, text, float(term.boost))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        docs, weights = self._postings.term(fieldname, text)
        if not schema[fieldname].scorable:
            # Whoosh's WeightScorer for fields without lengths (an id, a facet value, or
            # a word that expands to nothing): the posting's weight, times the boost.
            scores = np.asarray(weights, dtype=np.float64) * term.boost
        elif len(docs):
            idf = self._idf(fieldname, text, len(docs))
            average = self._average_length(fieldname) or 1
            lengths = self._postings.field_lengths(fieldname, docs)
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
        """``bm25_idf``, from the number of postings already in hand (Whoosh would look
        the term up again in every segment for its document frequency, which is that
        same number: deleted documents count until segments merge), or from the
        collection's figures when it is one shard of several."""
        if self._statistics is not None:
            postings = self._statistics.frequency(term_key(fieldname, text))
        return bm25_idf(self._doc_count_all, postings)

    def _average_length(self, fieldname: str) -> float | None:
        if self._statistics is not None:
            return self._statistics.avg_field_length(fieldname)
        average: float | None = self._searcher.avg_field_length(fieldname)
        return average

    def _held(self, found: int, key: tuple[str, ...]) -> bool:
        """Whether the collection holds a term or phrase (for the coordination bonus):
        ``found`` documents here, or any in the collection's figures."""
        return found > 0 or (self._statistics is not None and self._statistics.frequency(key) > 0)

    def _scores(self, query: wq.Query, leaf_docs: LeafDocs) -> _Scored | None:
        if type(query) is wq.Term:
            return self._term(query)
        if query is wq.NullQuery:
            return _NOTHING
        if isinstance(query, wq.Phrase):
            return self._phrase(query, leaf_docs(query))
        if _is_leaf(query):  # a date range or *: Whoosh scores them as their boost
            docs = _mask_docs(leaf_docs(query))
            ones = np.ones(len(docs), dtype=np.int32)
            return _Scored(docs, np.full(len(docs), float(query.boost)), ones, 0)
        if type(query) is wq.Or:
            return self._or_scores(query, leaf_docs)
        if type(query) is wq.And:
            return self._and_scores(query, leaf_docs)
        if isinstance(query, wq.AndMaybe):
            required = self._scores(query.a, leaf_docs)
            optional = self._scores(query.b, leaf_docs)
            if required is None or optional is None:
                return None
            scores, counts = optional.on(required.docs)
            return _Scored(
                required.docs,
                required.scores + scores,
                (required.counts + counts).astype(np.int32),
                required.terms + optional.terms,
            )
        return None

    def _term(self, query: wq.Term) -> _Scored | None:
        result = self._term_scores(query)
        if result is None:
            return None
        docs, term_scores = result
        ones = np.ones(len(docs), dtype=np.int32)
        held = self._held(len(docs), term_key(query.fieldname, query.text))
        return _Scored(docs, term_scores, ones, 1 if held else 0)

    def _phrase(self, query: wq.Phrase, present: Mask) -> _Scored | None:
        """Whoosh's phrase score: its words' BM25 scores summed (each with its full
        frequency), times the phrase's boost, in the documents holding the phrase."""
        docs = _mask_docs(present)
        scores = np.zeros(len(docs), dtype=np.float64)
        for word in query.words:
            sparse = self._term_scores(wq.Term(query.fieldname, word))
            if sparse is None:
                return None
            word_docs, term_scores = sparse
            if len(word_docs):  # (a word in no article adds nothing)
                at, found = _lookup(word_docs, docs)
                scores += np.where(found, term_scores[at], 0.0)
        if query.boost != 1:
            scores = scores * query.boost
        words = len(query.words) if self._held(len(docs), phrase_key(query)) else 0
        return _Scored(docs, scores, np.full(len(docs), words, dtype=np.int32), words)

    def _or_scores(self, query: wq.Or, leaf_docs: LeafDocs) -> _Scored | None:
        parts: list[_Scored] = []
        for sub in query.subqueries:
            part = self._scores(sub, leaf_docs)
            if part is None:
                return None
            parts.append(part)
        terms = sum(part.terms for part in parts)
        docs, scores, counts = self._summed(parts)
        if query.boost != 1:
            scores = scores * query.boost
        if query.scale and terms > 1:
            # Whoosh's CoordMatcher ("SQR" coordination bonus; none for a single term:
            # ``index.whoosh_patches``).
            scale = query.scale
            factor = (terms - 1) / terms
            scores = (scores + (counts - 1) / (terms - scale) ** 2) * factor
        return _Scored(docs, scores, counts, terms)

    def _summed(self, parts: list[_Scored]) -> tuple[IntArray, FloatArray, CountArray]:
        """The documents any part matches, with the parts' scores and counts summed --
        in query order, as Whoosh (and the dense sum before) adds them.  Parts as long
        as a good share of the archive (a very common word) are summed in arrays over
        every docnum; others by sorting their entries (cost follows the matches)."""
        entries = sum(len(part.docs) for part in parts)
        size = self._postings.doc_count_all
        if size <= DENSE_ARCHIVE or entries * DENSE_SHARE >= size:
            dense = np.zeros(size, dtype=np.float64)
            dense_counts = np.zeros(size, dtype=np.int32)
            present = np.zeros(size, dtype=np.bool_)
            for part in parts:  # docnums are unique within a part
                dense[part.docs] += part.scores
                dense_counts[part.docs] += part.counts
                present[part.docs] = True
            docs = _mask_docs(present)
            return docs, dense[docs], dense_counts[docs]
        if not parts:
            return _NOTHING.docs, _NOTHING.scores, _NOTHING.counts
        every = np.concatenate([part.docs for part in parts])
        docs, slot = np.unique(every, return_inverse=True)
        weights = np.concatenate([part.scores for part in parts])
        # np.bincount adds each document's entries in the order given: query order.
        scores = np.bincount(slot, weights=weights, minlength=len(docs)).astype(np.float64)
        counted = np.concatenate([part.counts for part in parts])
        counts = np.bincount(slot, weights=counted, minlength=len(docs)).astype(np.int32)
        return docs.astype(np.int64), scores, counts

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
        by_size = sorted(parts, key=lambda part: len(part.docs))
        common = by_size[0].docs
        for part in by_size[1:]:
            common = common[part.holds(common)]
        scores = np.zeros(len(common), dtype=np.float64)
        counts = np.zeros(len(common), dtype=np.int32)
        for part in parts:
            part_scores, part_counts = part.on(common)
            scores += part_scores
            counts += part_counts
        return _Scored(common, scores * query.boost, counts, sum(p.terms for p in parts))

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
        kept = allowed[result.docs]
        return top_scores(result.docs[kept], result.scores[kept], limit)


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
