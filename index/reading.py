"""Reading per-document columns of an open index, segment by segment, as numpy arrays.

Whoosh writes no column for a segment where no document has a value (a refresh that
added only undated stories writes no ``date`` column), and a multi-segment reader's
column skips such segments, shifting every later document.  So columns are read here,
per segment, for the engine's facets and date order and for ``newsdesk stats``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from index.whoosh_adapter import deleted_docs, fixed_bytes_column, unsigned_column

#: Raw ``date`` column value of an article without a date (Whoosh's sortable default).
MISSING_DATE = 2**64 - 1


def raw_date_column(reader: Any) -> npt.NDArray[np.uint64]:
    """Each docnum's sortable ``date`` value (MISSING_DATE when it has none; a segment
    without a date column is all undated)."""
    raw = np.full(reader.doc_count_all(), MISSING_DATE, dtype=np.uint64)
    if "date" not in reader.schema:
        return raw
    for segment, offset in reader.leaf_readers():
        count = segment.doc_count_all()
        if count and segment.has_column("date"):
            raw[offset : offset + count] = unsigned_column(segment, "date", count)
    return raw


def live_mask(reader: Any) -> npt.NDArray[np.bool_]:
    """True for every docnum that is not deleted, from each segment's set of deleted
    documents (Whoosh's ``all_doc_ids`` asks about every document in Python)."""
    live = np.ones(reader.doc_count_all(), dtype=np.bool_)
    if not reader.has_deletions():
        return live
    for segment, offset in reader.leaf_readers():
        if segment.has_deletions():
            live[deleted_docs(segment) + offset] = False
    return live


def signature_column(reader: Any, fieldname: str, width: int) -> npt.NDArray[np.uint8]:
    """Each docnum's fixed-size bytes of a signature column (one row of ``width`` bytes,
    zeros for none), segment by segment."""
    rows = np.zeros((reader.doc_count_all(), width), dtype=np.uint8)
    if fieldname in reader.schema:
        for segment, offset in reader.leaf_readers():
            count = segment.doc_count_all()
            rows[offset : offset + count] = fixed_bytes_column(segment, fieldname, count, width)
    return rows
