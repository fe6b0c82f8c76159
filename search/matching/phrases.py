"""Checking a phrase's word positions in the documents that hold all of its words.

Whoosh checks a phrase by making a ``Span`` object per occurrence of each word and
comparing them in nested Python loops, document by document.  Here each word's encoded
positions are read only from the posting blocks that hold a candidate document
(``index.whoosh_adapter.values_of``), decoded into one array per word for all the
candidates of a segment at once, and the words are chained with one ``searchsorted``
per word over all of them: the cost follows the candidates, mostly in C.  The query's
deadline is asked once per posting block and once per word.

The rule is Whoosh's (``Phrase`` -> ``SpanNear2(ordered=True, mindist=1)``): each word
must come 1 to ``slop`` positions after the previous word of the chain.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import query as wq
from whoosh.compat import loads
from whoosh.formats import Positions
from whoosh.reading import TermNotFound
from whoosh.system import _INT_SIZE

from index.whoosh_adapter import values_of
from search.deadline import Deadline
from search.matching.postings import Mask

IntArray = npt.NDArray[np.int64]
#: Candidates checked at a time (what is confirmed when the deadline cuts a query short).
CHUNK = 256
#: A position's key: its document's index among the candidates, shifted past any
#: position (so one sorted array holds every candidate's positions in order).
_DOC_SHIFT = 32


def phrase_docs(reader: Any, query: wq.Phrase, candidates: Mask, deadline: Deadline) -> Mask:
    """The ``candidates`` (global docnums holding every word) where the words form the
    phrase; when the deadline passes, those confirmed so far."""
    found = np.zeros_like(candidates)
    fieldname = query.fieldname
    if fieldname not in reader.schema:
        return found
    field = reader.schema[fieldname]
    if field.format is None or not field.format.supports("positions"):
        return found
    try:
        terms = [field.to_bytes(word) for word in query.words]
    except ValueError:
        return found
    docnums = np.flatnonzero(candidates)
    for segment, offset in reader.leaf_readers():
        size = segment.doc_count_all()
        local = docnums[(docnums >= offset) & (docnums < offset + size)] - offset
        if not len(local):
            continue
        try:
            matchers = [segment.postings(fieldname, term) for term in terms]
        except TermNotFound:
            continue
        for start in range(0, len(local), CHUNK):  # confirmed chunk by chunk
            chunk = local[start : start + CHUNK]
            hits = _segment_hits(matchers, chunk, field.format, query.slop, deadline)
            if hits is None:
                return found
            found[hits + offset] = True
    return found


def _segment_hits(
    matchers: list[Any], local: IntArray, format_: Any, slop: int, deadline: Deadline
) -> IntArray | None:
    """The segment docnums among ``local`` where the phrase occurs (None: time is up)."""
    held: list[tuple[IntArray, list[bytes]]] = []
    common = local
    for matcher in matchers:
        got = values_of(matcher, common, deadline.exceeded)
        if got is None:
            return None
        held.append(got)
        common = got[0]
        if not len(common):
            return common
    keys: list[IntArray] = []
    for docs, values in held:
        if deadline.exceeded():
            return None
        chosen = np.searchsorted(docs, common)  # common is a subset of every word's docs
        keys.append(_position_keys([values[i] for i in chosen.tolist()], format_))
    ends = _in_sequence(keys, slop)
    return common[np.unique(ends >> _DOC_SHIFT)]


def _position_keys(values: list[bytes], format_: Any) -> IntArray:
    """Every position of the term in each document (one encoded value each), keyed by
    the document's index in ``values``: ``index << 32 | position``, ascending."""
    if type(format_) is Positions:  # Whoosh's decode_positions, the running sum in numpy
        deltas = [loads(_pickled(value)) for value in values]
    else:
        positions = [format_.decode_positions(value) for value in values]
        deltas = [np.diff(p, prepend=0).tolist() for p in positions]
    lengths = np.fromiter(map(len, deltas), dtype=np.int64, count=len(deltas))
    flat = np.fromiter(chain.from_iterable(deltas), dtype=np.int64, count=int(lengths.sum()))
    running = np.cumsum(flat)
    run_starts = np.cumsum(lengths) - lengths
    before = np.where(run_starts > 0, running[np.maximum(run_starts - 1, 0)], 0)
    positions = running - np.repeat(before, lengths)
    owners = np.repeat(np.arange(len(values), dtype=np.int64), lengths)
    keys: IntArray = (owners << _DOC_SHIFT) | positions
    return keys


def _pickled(value: bytes) -> bytes:
    """The pickled deltas of a ``Positions`` value (Whoosh strips the final STOP)."""
    return value[_INT_SIZE:] if value.endswith(b".") else value[_INT_SIZE:] + b"."


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
