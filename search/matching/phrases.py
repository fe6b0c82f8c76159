"""Checking a phrase's word positions in the documents that hold all of its words.

Whoosh checks a phrase by making a ``Span`` object per occurrence of each word and
comparing them in nested Python loops, document by document, from positions it unpickles
one posting at a time.  Here each word's positions are slices of the segment's postings
file (``index.postings_file``: ``positions`` and ``position_starts``), gathered for all
the candidates of a segment at once, and the words are chained with one
``searchsorted`` per word over all of them, in C.  Besides the candidates, each word
costs one pass over its frequencies in each segment (their running sum says where each
posting's positions start).  The query's deadline is asked before each chunk of
candidates.

The rule is Whoosh's (``Phrase`` -> ``SpanNear2(ordered=True, mindist=1)``): each word
must come 1 to ``slop`` positions after the previous word of the chain.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from whoosh import query as wq

from index.postings_file import POSITION_FIELDS, PostingsFile
from index.segment_arrays import run_positions
from search.deadline import Deadline
from search.matching.postings import Mask, Postings

IntArray = npt.NDArray[np.int64]
#: Candidates checked at a time (what is confirmed when the deadline cuts a query short).
CHUNK = 8192
#: A position's key: its document's index among the candidates, shifted past any
#: position (so one sorted array holds every candidate's positions in order).
_DOC_SHIFT = 32


def phrase_docs(postings: Postings, query: wq.Phrase, candidates: Mask, deadline: Deadline) -> Mask:
    """The ``candidates`` (global docnums holding every word) where the words form the
    phrase; when the deadline passes, those confirmed so far."""
    found = np.zeros_like(candidates)
    if query.fieldname not in POSITION_FIELDS:
        return found  # (no positions: Whoosh, too, finds no phrase there)
    terms = [word.encode("utf-8") for word in query.words]
    docnums = np.flatnonzero(candidates)
    for offset, size, file in postings.segment_files():
        local = docnums[(docnums >= offset) & (docnums < offset + size)] - offset
        if not len(local):
            continue
        words = [_WordPositions(file, query.fieldname, term) for term in terms]
        for start in range(0, len(local), CHUNK):  # confirmed chunk by chunk
            if deadline.exceeded():
                return found
            hits = _segment_hits(words, local[start : start + CHUNK], query.slop)
            found[hits + offset] = True
    return found


class _WordPositions:
    """One word's postings and positions in one segment."""

    def __init__(self, file: PostingsFile, fieldname: str, term: bytes) -> None:
        docs, weights, self.positions = file.term_positions(fieldname, term)
        self.docs = docs.astype(np.int64)
        self.counts = weights.astype(np.int64)  # a posting's positions: its frequency
        self.ends = np.cumsum(self.counts)

    def holding(self, docs: IntArray) -> IntArray:
        """Where each of ``docs`` is among the word's postings (-1: not there)."""
        at = np.searchsorted(self.docs, docs)
        inside = at < len(self.docs)
        held = inside & (self.docs[np.minimum(at, len(self.docs) - 1)] == docs)
        return np.where(held, at, -1)

    def keys(self, at: IntArray) -> IntArray:
        """``candidate << 32 | position`` of every position of the postings ``at``."""
        counts = self.counts[at]
        where = run_positions(self.ends[at] - counts, counts)
        owners = np.repeat(np.arange(len(at), dtype=np.int64), counts)
        keys: IntArray = (owners << _DOC_SHIFT) | self.positions[where].astype(np.int64)
        return keys


def _segment_hits(words: list[_WordPositions], local: IntArray, slop: int) -> IntArray:
    """The segment docnums among ``local`` where the phrase occurs."""
    common = local
    for word in words:  # the candidates every word holds (deleted ones may lack some)
        if not len(word.docs):
            return common[:0]
        common = common[word.holding(common) >= 0]
    if not len(common):
        return common
    keys = [word.keys(word.holding(common)) for word in words]
    ends = _in_sequence(keys, slop)
    return common[np.unique(ends >> _DOC_SHIFT)]


def _in_sequence(keys: list[IntArray], slop: int) -> IntArray:
    """The keys of the last word where some chain takes one position per word, each
    1..slop after the last one in the same document."""
    ends = keys[0]
    for following in keys[1:]:
        if not len(ends):
            return ends
        before = np.searchsorted(ends, following - 1, side="right") - 1
        has_before = before >= 0
        nearest = ends[np.maximum(before, 0)]
        ends = following[has_before & (following - nearest <= slop)]
    chained: IntArray = ends
    return chained
