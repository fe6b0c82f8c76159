"""Checking a phrase's word positions in the documents that hold all of its words.

Whoosh checks a phrase by making a ``Span`` object per occurrence of each word and
comparing them in nested Python loops: seconds for one very long story, with no way to
stop in between.  Here each word's positions in a document are decoded into a numpy
array and the words are chained with ``searchsorted``; the query's deadline is asked
before each document and each word, so a huge document cannot hold a query past it.

The rule is Whoosh's (``Phrase`` -> ``SpanNear2(ordered=True, mindist=1)``): each word
must come 1 to ``slop`` positions after the previous word of the chain.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import query as wq
from whoosh.compat import loads
from whoosh.formats import Positions
from whoosh.reading import TermNotFound
from whoosh.system import _INT_SIZE

from search.deadline import Deadline
from search.postings import Mask

IntArray = npt.NDArray[np.int64]


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
    plain = type(field.format) is Positions
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
        for docnum in local.tolist():
            positions = _word_positions(matchers, docnum, plain, deadline)
            if positions is None:
                if deadline.cut_short:
                    return found
                continue
            if _in_sequence(positions, query.slop):
                found[offset + docnum] = True
    return found


def _word_positions(
    matchers: list[Any], docnum: int, plain: bool, deadline: Deadline
) -> list[IntArray] | None:
    """Each word's positions in the document (None if a word is missing or time is up)."""
    positions: list[IntArray] = []
    for matcher in matchers:
        if deadline.exceeded() or not matcher.is_active():
            return None
        matcher.skip_to(docnum)
        if not matcher.is_active() or matcher.id() != docnum:
            return None
        positions.append(_positions(matcher, plain))
    return positions


def _positions(matcher: Any, plain: bool) -> IntArray:
    """The current document's positions of the matcher's term, ascending."""
    if plain:  # Whoosh's Positions.decode_positions, with the running sum in numpy
        value = matcher.value()
        if not value.endswith(b"."):
            value += b"."
        deltas = loads(value[_INT_SIZE:])
        return np.cumsum(np.asarray(deltas, dtype=np.int64))
    return np.asarray(matcher.value_as("positions"), dtype=np.int64)


def _in_sequence(positions: list[IntArray], slop: int) -> bool:
    """True when some chain takes one position per word, each 1..slop after the last."""
    ends = positions[0]
    for following in positions[1:]:
        if not len(ends):
            return False
        before = np.searchsorted(ends, following - 1, side="right") - 1
        has_before = before >= 0
        nearest = ends[np.maximum(before, 0)]
        ends = following[has_before & (following - nearest <= slop)]
    return bool(len(ends))
