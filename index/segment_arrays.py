"""Each segment's postings as flat arrays, in a file beside the segment.

Reading one term from a Whoosh segment costs a hash lookup, a pickled term info and
a pickled block per 128 postings, all in Python: ~25 us per field and segment even for
a word the segment lacks, and a query asks four fields in every segment.  That was
most of a new query's time.  So when a segment is written, its postings are also
saved as plain arrays (sorted terms, where each term's postings start, segment-local
docnums, weights), and the search side looks a word up with one binary search over a
memory map.  Only what ranking, matching and facets need is kept: positions stay in
Whoosh's files (phrases still use them).

The file is named like the segment's own files (``MAIN_<segment id>.postarrays``), so
Whoosh deletes it with the segment when segments merge.  A segment without one (an
index built by an older version) is simply read through Whoosh.  This module holds the
format and the reading side; ``index.arrays_writing`` writes the files.
"""

from __future__ import annotations

import json
import mmap
import struct
import threading
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.matching.wrappers import FilterMatcher

from index.schema import FACET_FIELDS, TEXT_FIELDS

#: File extension (Whoosh's cleanup recognises ``<segment id>.<letters>`` as the segment's).
EXTENSION = ".postarrays"
MAGIC = b"NDPOSTS\n"
FORMAT = 1
#: Fields kept: the text fields queries search and rank, and the facet fields.
FIELDS = (*TEXT_FIELDS, *FACET_FIELDS)
#: Longest term kept in the table (the terms array is fixed-width); longer ones, rare,
#: are read through Whoosh.
MAX_TERM_BYTES = 48
_ALIGN = 16
HEADER_LENGTH = struct.Struct("<Q")

DocArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


# -- decoding Whoosh's postings ------------------------------------------------------------
#: What a matcher needs for its postings to be read a whole block at a time.
_BLOCK_MATCHER = ("_read_data", "_goto", "_lastblock")


def reads_by_block(matcher: Any) -> bool:
    """Whether ``matcher`` is a Whoosh W3 leaf matcher, read block by block."""
    return all(hasattr(matcher, name) for name in _BLOCK_MATCHER)


def raw_blocks(matcher: Any) -> Iterator[tuple[Any, Any, int, bool]]:
    """Each block of a W3 leaf matcher as Whoosh stores it: (ids, weights, count,
    whether the ids are absolute rather than delta-encoded); see ``_decode_block``."""
    while not matcher._atend:
        if matcher._blocklength:
            matcher._read_data()
            yield matcher._data[0], matcher._data[1], matcher._blocklength, matcher._byteids
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)


def posting_blocks(matcher: Any) -> Iterator[tuple[DocArray, FloatArray]]:
    """(segment docnums, weights) per posting block; whole blocks for Whoosh's W3
    matchers (their ids and weights decode as arrays), one posting at a time otherwise.
    Deleted documents are included: readers mask them out themselves."""
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if not reads_by_block(matcher):
        ids: list[int] = []
        weights: list[float] = []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        yield np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)
        return
    for block in raw_blocks(matcher):
        yield _decode_block(*block)


def _decode_block(
    raw_ids: Any, raw_weights: Any, count: int, absolute: bool
) -> tuple[DocArray, FloatArray]:
    """A W3 block's ids and weights, decoded as ``W3LeafMatcher`` does, but vectorised."""
    ids = np.asarray(raw_ids, dtype=np.int64)
    if not absolute:
        ids = np.cumsum(ids)  # the ids are stored delta-encoded
    if raw_weights is None:
        weights = np.ones(count, dtype=np.float64)
    elif isinstance(raw_weights, float):  # Whoosh expands it into an array("f")
        weights = np.full(count, raw_weights, dtype=np.float32).astype(np.float64)
    else:
        weights = np.asarray(raw_weights, dtype=np.float64)
    return ids, weights


def values_of(
    matcher: Any, docnums: DocArray, stop: Callable[[], bool]
) -> tuple[DocArray, list[bytes]] | None:
    """The stored posting values (Whoosh's encoded positions) of those of ``docnums``
        (sorted segment docnums) that the term's postings hold: (those docnums, their
        values).  A W3 matcher reads only the blocks whose docnum range holds one of them
        (a block's header tells its last docnum), so the cost follows ``docnums``, not the
        term's frequency.  The matcher is left on the block of the last of ``docnums``, so
    calls with ascending ``docnums`` may continue it.  None when ``stop()`` says time is
    up (asked once a block)."""
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    found: list[DocArray] = []
    values: list[bytes] = []
    if not reads_by_block(matcher) or matcher.format.fixed_value_size() is not None:
        for docnum in docnums.tolist():
            if stop():
                return None
            if not matcher.is_active():
                break
            matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                found.append(np.asarray([docnum], dtype=np.int64))
                values.append(matcher.value())
        return _joined(found), values
    at = 0
    while not matcher._atend and at < len(docnums):
        if stop():
            return None
        if matcher._blocklength:
            end = int(np.searchsorted(docnums, matcher._maxid, side="right"))
            if end > at:  # some of docnums may be in this block
                if matcher._data is None:
                    matcher._read_data()
                ids, _ = _decode_block(matcher._data[0], None, 0, matcher._byteids)
                wanted = docnums[at:end]
                where = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
                held = ids[where] == wanted
                found.append(wanted[held])
                block_values = matcher._data[2]
                values.extend(block_values[i] for i in where[held].tolist())
                at = end
        if at == len(docnums) or matcher._lastblock:
            break  # (a later call may want more of this block: stay on it)
        matcher._goto(matcher._nextoffset)
    return _joined(found), values


def _joined(parts: list[DocArray]) -> DocArray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def compact_weights(weights: FloatArray) -> npt.NDArray[Any]:
    """Weights in the narrowest type that holds each one exactly: they are term
    frequencies (Whoosh keeps them as float32), almost always under 256, so most
    fields take one byte a posting instead of four.  Readers take the file's type."""
    for dtype in (np.uint8, np.uint16, np.float32):
        narrow = weights.astype(dtype)
        if np.array_equal(narrow, weights):
            return narrow
    return weights


def keeps_term(term: bytes) -> bool:
    """Whether the table holds the term (others are looked up through Whoosh)."""
    return len(term) <= MAX_TERM_BYTES and b"\x00" not in term


def aligned(size: int) -> int:
    return -(-size // _ALIGN) * _ALIGN


def storage_folder(storage: Any) -> Path | None:
    """The folder of a FileStorage (compound segments read through an OverlayStorage)."""
    while storage is not None:
        folder = getattr(storage, "folder", None)
        if folder is not None:
            return Path(folder)
        storage = getattr(storage, "b", None)
    return None


# -- reading -------------------------------------------------------------------------------
class SegmentArrays:
    """A segment's arrays file, memory-mapped (views into it cost nothing to make)."""

    def __init__(self, path: Path, doc_count: int) -> None:
        with path.open("rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        magic_end = len(MAGIC) + HEADER_LENGTH.size
        if self._map[: len(MAGIC)] != MAGIC:
            raise ValueError(f"{path}: not a postings arrays file")
        (length,) = HEADER_LENGTH.unpack(self._map[len(MAGIC) : magic_end])
        header = json.loads(self._map[magic_end : magic_end + length])
        if header.get("format") != FORMAT or header.get("doc_count") != doc_count:
            raise ValueError(f"{path}: written for another format or segment")
        self._base = aligned(magic_end + length)
        self._entries: dict[str, list[Any]] = header["arrays"]
        #: Terms per field left out of the table (None: a file that does not say).
        self._omitted: dict[str, int] | None = header.get("omitted")
        self._fields: dict[str, tuple[npt.NDArray[Any], ...]] = {}
        for name, (offset, dtype, count) in self._entries.items():
            end = self._base + int(offset) + np.dtype(dtype).itemsize * int(count)
            if int(offset) < 0 or int(count) < 0 or end > len(self._map):
                raise ValueError(f"{path}: truncated ({name} ends past the end of the file)")

    def _array(self, name: str) -> npt.NDArray[Any]:
        offset, dtype, count = self._entries[name]
        start = self._base + offset
        return np.frombuffer(self._map, dtype=np.dtype(dtype), count=count, offset=start)

    def _field(self, fieldname: str) -> tuple[npt.NDArray[Any], ...] | None:
        found = self._fields.get(fieldname)
        if found is None:
            if f"{fieldname}.terms" not in self._entries:
                return None
            found = tuple(self._array(f"{fieldname}.{part}") for part in PARTS)
            terms, starts, docs, _ = found
            if len(starts) != len(terms) + 1 or (len(starts) and int(starts[-1]) != len(docs)):
                return None  # damaged: Whoosh's own files still answer for this field
            self._fields[fieldname] = found
        return found

    def postings(
        self, fieldname: str, term: bytes
    ) -> tuple[npt.NDArray[Any], npt.NDArray[Any]] | None:
        """(segment docnums, weights) of a term (empty when the segment lacks it), or
        None when this file cannot say (a field or term it does not keep)."""
        if not keeps_term(term):
            return None
        field = self._field(fieldname)
        if field is None:
            return None
        terms, starts, docs, weights = field
        at = int(np.searchsorted(terms, term))
        if at < len(terms) and terms[at] == term:
            low, high = int(starts[at]), int(starts[at + 1])
            return docs[low:high], weights[low:high]
        return docs[:0], weights[:0]

    def field_table(
        self, fieldname: str
    ) -> tuple[npt.NDArray[np.bytes_], npt.NDArray[Any], npt.NDArray[Any]] | None:
        """(terms, where each term's postings start, docnums) of every term of the field,
        or None when the file does not hold them all (a term too long for the table)."""
        if self._omitted is None or self._omitted.get(fieldname, 0):
            return None
        field = self._field(fieldname)
        if field is None:
            return None
        terms, starts, docs, _ = field
        return terms, starts, docs

    def terms_starting(self, fieldname: str, prefix: bytes) -> npt.NDArray[np.bytes_] | None:
        """The field's terms that start with ``prefix``, sorted (those up to
        ``MAX_TERM_BYTES`` long), or None when the file does not keep the field."""
        field = self._field(fieldname)
        if field is None:
            return None
        terms = field[0]
        low = int(np.searchsorted(terms, prefix))
        high = int(np.searchsorted(terms, prefix + b"\xff"))  # no UTF-8 byte is 0xff
        return terms[low:high]


PARTS = ("terms", "starts", "docs", "weights")


#: Each reader's segments' arrays files (the engine's postings and did-you-mean share them).
_LEAF_ARRAYS: weakref.WeakKeyDictionary[Any, list[SegmentArrays | None]] = (
    weakref.WeakKeyDictionary()
)
_LEAF_ARRAYS_LOCK = threading.Lock()


def leaf_arrays(reader: Any) -> list[SegmentArrays | None]:
    """The arrays file of each of ``reader``'s segments, in ``leaf_readers()`` order
    (None where a segment has none), opened once per reader."""
    with _LEAF_ARRAYS_LOCK:
        found = _LEAF_ARRAYS.get(reader)
        if found is None:
            found = [open_segment_arrays(leaf) for leaf, _ in reader.leaf_readers()]
            _LEAF_ARRAYS[reader] = found
        return found


def open_segment_arrays(segment_reader: Any) -> SegmentArrays | None:
    """The arrays file of a Whoosh segment reader, or None (none written, unreadable)."""
    folder = storage_folder(segment_reader.storage())
    if folder is None:
        return None
    path = folder / segment_reader.segment().make_filename(EXTENSION)
    try:
        return SegmentArrays(path, int(segment_reader.doc_count_all()))
    except (OSError, ValueError, KeyError, TypeError, struct.error):
        return None


def run_positions(starts: npt.NDArray[Any], lengths: npt.NDArray[Any]) -> DocArray:
    """The indexes of every entry of the runs ``[starts[i], starts[i] + lengths[i])``,
    run after run, in one vectorised step (no Python loop over the runs)."""
    first = np.cumsum(lengths) - lengths  # where each run begins in the result
    total = int(lengths.sum())
    return np.repeat(starts - first, lengths).astype(np.int64) + np.arange(total)


def sorted_unique(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The distinct values, sorted (``np.unique`` without its first-call import of
    ``numpy.ma``, 25 ms of a process's first query)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def field_table(
    reader: Any, fieldname: str
) -> tuple[npt.NDArray[np.bytes_], DocArray, DocArray] | None:
    """Every term of a field in all of ``reader``'s segments, with the documents holding
    it, from their arrays files in a few vectorised steps: (the terms, sorted; global
    docnums; the number of each docnum's term in the terms), deleted documents included.
    None when a segment's file cannot list them all (no file, or a term too long)."""
    tables = []
    leaves = reader.leaf_readers()
    for (_, offset), arrays in zip(leaves, leaf_arrays(reader), strict=True):
        table = arrays.field_table(fieldname) if arrays is not None else None
        if table is None:
            return None
        tables.append((offset, *table))
    empty = np.zeros(0, dtype=np.int64)
    if not tables:
        return np.zeros(0, dtype="S1"), empty, empty
    terms = sorted_unique(np.concatenate([table[1] for table in tables]))
    doc_parts: list[DocArray] = [empty]
    number_parts: list[DocArray] = [empty]
    for offset, segment_terms, starts, docs in tables:
        numbers = np.searchsorted(terms, segment_terms)
        number_parts.append(np.repeat(numbers, np.diff(starts)).astype(np.int64))
        doc_parts.append(docs.astype(np.int64) + offset)
    return terms, np.concatenate(doc_parts), np.concatenate(number_parts)
