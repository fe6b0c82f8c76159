"""BM25F ranking computed with per-searcher cached postings, for the common query shapes.

Whoosh scores a word searched over four fields by stepping a tree of matchers one
document at a time, which dominates query time in pure Python.  For queries made only
of terms (And / Or / Not / AndMaybe, optionally with Whoosh's coordination bonus) this
module computes the very same scores -- Whoosh's ``bm25`` formula, ``idf``, quantised
field lengths and SQR coordination -- from each term's cached (docnum, weight) list.
Anything else (phrases, ranges) returns None and the engine lets Whoosh rank it.
(One deliberate difference: Whoosh recounts the coordination terms as its matchers run
out, so its relaxed scores drift with document order; here the count is the query's.)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection
from heapq import nsmallest
from typing import Any

from whoosh import query as wq
from whoosh.reading import TermNotFound
from whoosh.scoring import bm25

#: Cached per-term score entries per searcher (least recently used terms dropped first).
CACHE_ENTRIES = 2_000_000

Postings = dict[int, float]


class FastRanker:
    """Scores supported queries over one searcher; thread-safe, caches term scores."""

    def __init__(self, searcher: Any, k1: float, b: float) -> None:
        self._searcher = searcher
        self._reader = searcher.reader()
        self._k1 = k1
        self._b = b
        self._scores_cache: OrderedDict[tuple[str, str, float], dict[int, float]] = OrderedDict()
        self._cached_entries = 0
        self._lengths: dict[str, dict[int, int]] = {}
        self._lock = threading.Lock()

    # -- statistics ------------------------------------------------------------------
    def _term_postings(self, fieldname: str, text: str) -> Postings:
        postings: Postings = {}
        try:
            matcher = self._reader.postings(fieldname, text)
        except TermNotFound:
            return postings
        while matcher.is_active():
            postings[matcher.id()] = matcher.weight()
            matcher.next()
        return postings

    def _length(self, fieldname: str, docnum: int) -> int:
        lengths = self._lengths.setdefault(fieldname, {})
        length = lengths.get(docnum)
        if length is None:
            length = lengths[docnum] = self._reader.doc_field_length(docnum, fieldname, 0)
        return length

    # -- scoring ---------------------------------------------------------------------
    def _term_scores(self, term: wq.Term) -> tuple[dict[int, float], int] | None:
        """Scores of one term's documents, and its count of term matchers (0 or 1)."""
        fieldname, text = term.fieldname, term.text
        schema = self._reader.schema
        if fieldname not in schema or not isinstance(text, str):
            return None
        if not schema[fieldname].scorable:
            return None
        key = (fieldname, text, float(term.boost))
        with self._lock:
            cached = self._scores_cache.get(key)
            if cached is not None:
                self._scores_cache.move_to_end(key)
                return cached, 1 if cached else 0
        postings = self._term_postings(fieldname, text)
        if not postings:
            return {}, 0
        searcher = self._searcher
        idf = searcher.idf(fieldname, text)
        average = searcher.avg_field_length(fieldname) or 1
        k1, b, boost = self._k1, self._b, term.boost
        scores = {
            docnum: bm25(idf, weight, self._length(fieldname, docnum), average, b, k1) * boost
            for docnum, weight in postings.items()
        }
        with self._lock:
            self._scores_cache[key] = scores
            self._cached_entries += len(scores)
            while self._cached_entries > CACHE_ENTRIES and len(self._scores_cache) > 1:
                _, dropped = self._scores_cache.popitem(last=False)
                self._cached_entries -= len(dropped)
        return scores, 1

    def _scores(self, query: wq.Query) -> tuple[dict[int, float], dict[int, int], int] | None:
        """(score per doc, matching term count per doc, term matchers in the tree)."""
        if type(query) is wq.Term:
            result = self._term_scores(query)
            if result is None:
                return None
            scores, terms = result
            return scores, dict.fromkeys(scores, 1), terms
        if type(query) is wq.Or:
            return self._or_scores(query)
        if type(query) is wq.And:
            return self._and_scores(query)
        if isinstance(query, wq.AndMaybe):
            required = self._scores(query.a)
            optional = self._scores(query.b)
            if required is None or optional is None:
                return None
            scores, counts, terms = required
            merged = {d: s + optional[0].get(d, 0.0) for d, s in scores.items()}
            merged_counts = {d: c + optional[1].get(d, 0) for d, c in counts.items()}
            return merged, merged_counts, terms + optional[2]
        return None

    def _or_scores(self, query: wq.Or) -> tuple[dict[int, float], dict[int, int], int] | None:
        scores: dict[int, float] = {}
        counts: dict[int, int] = {}
        terms = 0
        for sub in query.subqueries:
            part = self._scores(sub)
            if part is None:
                return None
            for docnum, score in part[0].items():
                scores[docnum] = scores.get(docnum, 0.0) + score
                counts[docnum] = counts.get(docnum, 0) + part[1][docnum]
            terms += part[2]
        if query.boost != 1:
            scores = {d: s * query.boost for d, s in scores.items()}
        if query.scale and terms:
            # Whoosh's CoordMatcher ("SQR" coordination bonus).
            scale = query.scale
            factor = (terms - 1) / terms
            scores = {
                d: (s + (counts[d] - 1) / (terms - scale) ** 2) * factor for d, s in scores.items()
            }
        return scores, counts, terms

    def _and_scores(self, query: wq.And) -> tuple[dict[int, float], dict[int, int], int] | None:
        positives = [q for q in query.subqueries if not isinstance(q, wq.Not)]
        parts = []
        for sub in positives:
            part = self._scores(sub)
            if part is None:
                return None
            parts.append(part)
        if not parts:
            return None
        common = set(parts[0][0]).intersection(*(p[0] for p in parts[1:]))
        scores = {d: sum(p[0][d] for p in parts) * query.boost for d in common}
        counts = {d: sum(p[1][d] for p in parts) for d in common}
        return scores, counts, sum(p[2] for p in parts)

    def rank(
        self, query: wq.Query, allowed: Collection[int], limit: int
    ) -> list[tuple[int, float]] | None:
        """Best ``limit`` (docnum, score) among ``allowed``; None if the shape is unsupported."""
        if isinstance(query, wq.Not) or not _supported(query):
            return None
        result = self._scores(query)
        if result is None:
            return None
        scores = result[0]
        candidates = ((score, docnum) for docnum, score in scores.items() if docnum in allowed)
        best = nsmallest(limit, candidates, key=lambda pair: (-pair[0], pair[1]))
        return [(docnum, score) for score, docnum in best]


def _supported(query: wq.Query) -> bool:
    if type(query) is wq.Term:
        return True
    if isinstance(query, wq.Not):
        return True  # exclusions are already applied through ``allowed``
    if type(query) in (wq.And, wq.Or):
        return all(_supported(sub) for sub in query.subqueries)
    if isinstance(query, wq.AndMaybe):
        return _supported(query.a) and _supported(query.b)
    return False
