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
            column = segment.column_reader("date", translate=False)
            raw[offset : offset + count] = _numeric_column(column, count)
    return raw


def _numeric_column(column: Any, count: int) -> npt.NDArray[np.uint64]:
    """A segment's unsigned 64-bit numeric column (Whoosh's ``NumericColumn("Q")``, the
    sortable DATETIME column) in one read of its big-endian bytes; Whoosh's own reader
    unpacks one value per call."""
    fixed = getattr(column, "_fixedlen", None) == 8 and getattr(column, "_typecode", "") == "Q"
    if not fixed or not hasattr(column, "_dbfile"):
        return np.fromiter(column, dtype=np.uint64, count=count)
    stored = min(int(column._count), count)
    values = np.full(count, column._default, dtype=np.uint64)
    if stored:
        data = column._dbfile.get(column._basepos, stored * 8)
        values[:stored] = np.frombuffer(data, dtype=">u8")
    return values


def live_mask(reader: Any) -> npt.NDArray[np.bool_]:
    """True for every docnum that is not deleted, from each segment's set of deleted
    documents (Whoosh's ``all_doc_ids`` asks about every document in Python)."""
    live = np.ones(reader.doc_count_all(), dtype=np.bool_)
    if not reader.has_deletions():
        return live
    for segment, offset in reader.leaf_readers():
        if segment.has_deletions():
            deleted = np.fromiter(segment._perdoc.deleted_docs(), dtype=np.int64)
            live[deleted + offset] = False
    return live
