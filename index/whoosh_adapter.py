"""Every use newsdesk makes of Whoosh 2.7.4's internals, in one place.

Whoosh's public API reads postings one ``next()`` at a time and columns one value per
call, and its writer has no hook for what newsdesk writes beside a segment.  So a few
steps reach into its private attributes; each is a small function here, named for what
it does, with a test in ``tests/test_whoosh_adapter.py`` that fails if a Whoosh upgrade
moves what it relies on.  Anything elsewhere uses Whoosh's public API only.  The two
changes newsdesk makes to Whoosh's code are in ``index.whoosh_patches`` (applied
explicitly, never on import).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import SegmentReader

DocArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


# -- postings, a block at a time -------------------------------------------------------------
#: What a matcher needs for its postings to be read a whole block at a time.
_BLOCK_MATCHER = ("_read_data", "_goto", "_lastblock")


def _leaf(matcher: Any) -> Any:
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def reads_by_block(matcher: Any) -> bool:
    """Whether ``matcher`` is a Whoosh W3 leaf matcher, read block by block."""
    return all(hasattr(matcher, name) for name in _BLOCK_MATCHER)


def _raw_blocks(matcher: Any) -> Iterator[tuple[Any, Any, int, bool]]:
    """Each block of a W3 leaf matcher as Whoosh stores it: (ids, weights, count,
    whether the ids are absolute rather than delta-encoded)."""
    while not matcher._atend:
        if matcher._blocklength:
            matcher._read_data()
            yield matcher._data[0], matcher._data[1], matcher._blocklength, matcher._byteids
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)


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


def posting_blocks(matcher: Any) -> Iterator[tuple[DocArray, FloatArray]]:
    """(segment docnums, weights) per posting block; whole blocks for Whoosh's W3
    matchers (their ids and weights decode as arrays), one posting at a time otherwise.
    Deleted documents are included: readers mask them out themselves."""
    matcher = _leaf(matcher)
    if not reads_by_block(matcher):
        ids: list[int] = []
        weights: list[float] = []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        yield np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)
        return
    for block in _raw_blocks(matcher):
        yield _decode_block(*block)


def posting_positions(matcher: Any) -> Iterator[tuple[DocArray, FloatArray, list[list[int]]]]:
    """(segment docnums, weights, each posting's word positions) per posting block of a
    ``Positions`` field, deleted documents included (the read-back of a merged segment's
    postings file: Whoosh's pickled positions decoded one posting at a time)."""
    matcher = _leaf(matcher)
    decode = matcher.format.decode_positions
    if not reads_by_block(matcher):
        ids: list[int] = []
        weights: list[float] = []
        positions: list[list[int]] = []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            positions.append(decode(matcher.value()))
            matcher.next()
        yield np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64), positions
        return
    for raw_ids, raw_weights, count, absolute in _raw_blocks(matcher):
        block_ids, block_weights = _decode_block(raw_ids, raw_weights, count, absolute)
        yield block_ids, block_weights, [decode(value) for value in matcher._data[2]]


def field_postings(reader: SegmentReader, fieldname: str) -> Iterator[tuple[bytes, Any]]:
    """(term, postings matcher) of every term of a field of one segment, in order,
    deleted documents included (the segment's term table, walked once); nothing for
    the reader of an index with no segment yet."""
    if not isinstance(reader, SegmentReader):
        return
    terms, codec = reader._terms, reader.codec()
    postfile, fmt = terms._postfile, reader.schema[fieldname].format
    for (name, term), info in terms.items_from(fieldname, b""):
        if name != fieldname:
            break
        yield term, codec.postings_reader(postfile, info, fmt)


def wildcard_terms(reader: Any, fieldname: str, pattern: str) -> Iterator[bytes]:
    """The field's terms a ``*``/``?`` pattern matches (Whoosh's own expansion)."""
    yield from wq.Wildcard(fieldname, pattern)._btexts(reader)


# -- segments and per-document columns --------------------------------------------------------
def segment_readers(index_dir: Path) -> Iterator[SegmentReader]:
    """A reader of each segment of the index's latest generation (close each)."""
    ix = whoosh_index.open_dir(str(index_dir))
    for segment in ix._segments():
        yield SegmentReader(ix.storage, ix.schema, segment)


def storage_folder(storage: Any) -> Path | None:
    """The folder of a FileStorage (compound segments read through an OverlayStorage)."""
    while storage is not None:
        folder = getattr(storage, "folder", None)
        if folder is not None:
            return Path(folder)
        storage = getattr(storage, "b", None)
    return None


def length_bytes(segment: SegmentReader, fieldname: str, count: int) -> npt.NDArray[np.uint8]:
    """A segment's quantised field-length bytes, one per document, in one read (Whoosh
    reads them a byte per call); zeros where the segment has no length column."""
    raw = np.zeros(count, dtype=np.uint8)
    perdoc = segment._perdoc
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return raw
    stored = min(int(column._count), count)
    if stored:
        raw[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
    return raw


def unsigned_column(segment: SegmentReader, fieldname: str, count: int) -> npt.NDArray[np.uint64]:
    """A segment's unsigned 64-bit numeric column (Whoosh's ``NumericColumn("Q")``, the
    sortable DATETIME column) in one read of its big-endian bytes; Whoosh's own reader
    unpacks one value per call."""
    column = segment.column_reader(fieldname, translate=False)
    stored = min(int(column._count), count)
    values = np.full(count, column._default, dtype=np.uint64)
    if stored:
        data = column._dbfile.get(column._basepos, stored * 8)
        values[:stored] = np.frombuffer(data, dtype=">u8")
    return values


def fixed_bytes_column(
    segment: SegmentReader, fieldname: str, count: int, width: int
) -> npt.NDArray[np.uint8]:
    """A segment's ``FixedBytesColumn`` as a ``count`` x ``width`` array in one read
    (zeros -- the column's default -- past its last value, or with no column)."""
    values = np.zeros((count, width), dtype=np.uint8)
    if not count or not segment.has_column(fieldname):
        return values
    column = segment.column_reader(fieldname, translate=False)
    stored = min(int(column._count), count)
    if stored:
        data = column._dbfile.get(column._basepos, stored * width)
        values[:stored] = np.frombuffer(data, dtype=np.uint8).reshape(stored, width)
    return values


def deleted_docs(segment: SegmentReader) -> DocArray:
    """The segment's deleted docnums (Whoosh's ``all_doc_ids`` asks about each one)."""
    return np.fromiter(segment._perdoc.deleted_docs(), dtype=np.int64)


# -- writing -------------------------------------------------------------------------------
def hook_segment_writer(
    writer: Any,
    pool: Any,
    record_length: Callable[[str, int, int], None],
    add_postings: Callable[[Any, Any], None],
    after_finalize: Callable[[Any], None],
) -> None:
    """Make a ``SegmentWriter`` pool its postings in ``pool``, report each document's
    field lengths (``record_length(field, docnum, length)``), hand its field writer the
    postings through ``add_postings(schema, fieldwriter)`` when it flushes, and call
    ``after_finalize(segment)`` on each segment it finishes."""
    writer.pool.cleanup()  # Whoosh's own pool has written nothing yet
    writer.pool = pool
    perdoc = writer.perdocwriter
    add_field = perdoc.add_field

    def add_field_and_length(fieldname: str, fieldobj: Any, value: Any, length: int) -> None:
        add_field(fieldname, fieldobj, value, length)
        if length:
            record_length(fieldname, perdoc._docnum, length)

    def flush_segment() -> None:  # SegmentWriter._flush_segment, with our postings
        writer.perdocwriter.close()
        add_postings(writer.schema, writer.fieldwriter)
        writer.fieldwriter.close()

    finalize = writer._finalize_segment

    def finalize_and_report() -> Any:
        segment = finalize()
        after_finalize(segment)
        return segment

    perdoc.add_field = add_field_and_length
    writer._flush_segment = flush_segment
    writer._finalize_segment = finalize_and_report


def finish_segment(writer: Any) -> Any:
    """Write a ``SegmentWriter``'s documents as a segment and return it, uncommitted
    (a build's worker hands its segments to the parent, which commits them)."""
    return writer._finalize_segment()


def commit_with_segments(writer: Any, segments: list[Any]) -> None:
    """Commit a ``SegmentWriter`` with ``segments`` written elsewhere added to the
    index's table of contents (what Whoosh's ``MpWriter`` does at commit)."""
    final = writer._merge_segments(None, False, False) + segments
    writer._close_segment()
    writer._commit_toc(final)
    writer._finish()
