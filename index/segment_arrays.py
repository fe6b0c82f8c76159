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
index built by an older version) is simply read through Whoosh.
"""

from __future__ import annotations

import json
import mmap
import struct
from array import array
from collections.abc import Iterable, Iterator
from itertools import accumulate
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import index as whoosh_index
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import SegmentReader

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
_HEADER_LENGTH = struct.Struct("<Q")

DocArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


# -- decoding Whoosh's postings ------------------------------------------------------------
def posting_blocks(matcher: Any) -> Iterator[tuple[DocArray, FloatArray]]:
    """(segment docnums, weights) per posting block; whole blocks for Whoosh's W3
    matchers (their ids and weights decode as arrays), one posting at a time otherwise.
    Deleted documents are included: readers mask them out themselves."""
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if not all(hasattr(matcher, name) for name in ("_read_data", "_goto", "_lastblock")):
        ids: list[int] = []
        weights: list[float] = []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        yield np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)
        return
    while not matcher._atend:
        if matcher._blocklength:
            matcher._read_data()
            yield _decode_block(matcher)
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)


def _decode_block(matcher: Any) -> tuple[DocArray, FloatArray]:
    """A W3 block's ids and weights, decoded as ``W3LeafMatcher`` does, but vectorised."""
    raw_ids, raw_weights = matcher._data[0], matcher._data[1]
    ids = np.asarray(raw_ids, dtype=np.int64)
    if not matcher._byteids:
        ids = np.cumsum(ids)  # the ids are stored delta-encoded
    count = matcher._blocklength
    if raw_weights is None:
        weights = np.ones(count, dtype=np.float64)
    elif isinstance(raw_weights, float):  # Whoosh expands it into an array("f")
        weights = np.full(count, raw_weights, dtype=np.float32).astype(np.float64)
    else:
        weights = np.asarray(raw_weights, dtype=np.float64)
    return ids, weights


# -- writing -------------------------------------------------------------------------------
class _FieldPostings:
    """One field's postings as they are collected: terms in order, where each term's
    postings start, and the postings themselves in plain arrays (most terms have a few
    postings, so numpy's per-call overhead would dominate until the end)."""

    def __init__(self) -> None:
        self.terms: list[bytes] = []
        self.starts = [0]
        self.docs = array("i")
        self.weights = array("d")

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        all_weights = np.frombuffer(self.weights, dtype=np.float64)
        narrow = all_weights.astype(np.float32)
        return {
            "terms": np.array(self.terms, dtype=f"S{MAX_TERM_BYTES}"),
            "starts": np.asarray(self.starts, dtype=np.int64),
            "docs": np.frombuffer(self.docs, dtype=np.int32).copy(),
            # Weights are term frequencies (float32 in Whoosh's blocks): exact in float32.
            "weights": narrow if np.array_equal(narrow, all_weights) else all_weights,
        }


def _keeps(term: bytes) -> bool:
    """Whether the table holds the term (others are looked up through Whoosh)."""
    return len(term) <= MAX_TERM_BYTES and b"\x00" not in term


def _field_postings(reader: SegmentReader, fieldname: str) -> dict[str, npt.NDArray[Any]]:
    """One field's terms in order, with all their postings, read back from the segment."""
    terms_reader, codec = reader._terms, reader.codec()
    postfile, fmt = terms_reader._postfile, reader.schema[fieldname].format
    field = _FieldPostings()
    for (name, term), info in terms_reader.items_from(fieldname, b""):
        if name != fieldname:
            break
        if _keeps(term):
            _append_postings(codec.postings_reader(postfile, info, fmt), field.docs, field.weights)
            field.terms.append(term)
            field.starts.append(len(field.docs))
    return field.arrays()


class PostingsTee:
    """Collects a new segment's postings as its writer writes them, so the arrays file
    costs no second pass over the segment (a build's worker uses it).

    ``tee`` wraps the sorted (field, term, docnum, weight, value) stream that Whoosh's
    segment writer hands to its field writer, and passes every item on unchanged.
    """

    def __init__(self) -> None:
        self._fields: dict[str, _FieldPostings] = {}
        self.finished = False

    def tee(self, items: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        wanted = frozenset(FIELDS)
        field: _FieldPostings | None = None
        last_field: str | None = None
        last_term: bytes | None = None
        keep = False
        for item in items:
            fieldname, term = item[0], item[1]
            if fieldname != last_field:
                last_field, last_term = fieldname, None
                field = (
                    self._fields.setdefault(fieldname, _FieldPostings())
                    if (fieldname in wanted)
                    else None
                )
            if field is not None:
                if term != last_term:
                    last_term, keep = term, _keeps(term)
                    if keep:
                        field.terms.append(term)
                        field.starts.append(field.starts[-1])
                if keep:
                    field.docs.append(item[2])
                    field.weights.append(item[3])
                    field.starts[-1] += 1
            yield item
        self.finished = True

    def write(self, storage: Any, segment: Any, doc_count: int) -> Path | None:
        """Write what was collected as the segment's arrays file (after the segment
        is finished: a compound segment's assembly would swallow the file)."""
        folder = _folder(storage)
        if folder is None or not self.finished:
            return None
        arrays = {
            f"{fieldname}.{part}": values
            for fieldname in FIELDS
            for part, values in self._fields.get(fieldname, _FieldPostings()).arrays().items()
        }
        return _write_file(folder / str(segment.make_filename(EXTENSION)), arrays, doc_count)


def _append_postings(matcher: Any, docs: array[int], weights: array[float]) -> None:
    """A term's postings appended to ``docs`` and ``weights``, block by block."""
    if not all(hasattr(matcher, name) for name in ("_read_data", "_goto", "_lastblock")):
        for ids, block_weights in posting_blocks(matcher):
            docs.extend(ids.tolist())
            weights.extend(block_weights.tolist())
        return
    while not matcher._atend:
        count = matcher._blocklength
        if count:
            matcher._read_data()
            raw_ids, raw_weights = matcher._data[0], matcher._data[1]
            docs.extend(raw_ids if matcher._byteids else accumulate(raw_ids))
            if raw_weights is None:
                weights.extend([1.0] * count)
            elif isinstance(raw_weights, float):  # as Whoosh's array("f") would hold it
                weights.extend([array("f", [raw_weights])[0]] * count)
            else:
                weights.extend(raw_weights)
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)


def write_segment_arrays(storage: Any, schema: Any, segment: Any) -> Path | None:
    """Write the arrays file of one segment of a file-based index; returns its path
    (None when the storage is not a folder)."""
    folder = _folder(storage)
    if folder is None:
        return None
    reader = SegmentReader(storage, schema, segment)
    try:
        arrays = {
            f"{fieldname}.{part}": values
            for fieldname in FIELDS
            if fieldname in reader.schema
            for part, values in _field_postings(reader, fieldname).items()
        }
        doc_count = int(reader.doc_count_all())
    finally:
        reader.close()
    return _write_file(folder / str(segment.make_filename(EXTENSION)), arrays, doc_count)


def _write_file(path: Path, arrays: dict[str, npt.NDArray[Any]], doc_count: int) -> Path:
    temp = path.with_name(path.name + ".tmp")  # never a half-written file under the name
    _write(temp, arrays, doc_count)
    temp.replace(path)
    return path


def write_missing_arrays(index_dir: str | Path) -> list[Path]:
    """Write the arrays files that the index's segments lack (after a commit)."""
    ix = whoosh_index.open_dir(str(index_dir))
    written = []
    for segment in ix._segments():
        if not (Path(index_dir) / segment.make_filename(EXTENSION)).exists():
            path = write_segment_arrays(ix.storage, ix.schema, segment)
            if path is not None:
                written.append(path)
    return written


def _write(path: Path, arrays: dict[str, npt.NDArray[Any]], doc_count: int) -> None:
    entries: dict[str, list[Any]] = {}
    offset = 0
    for name, values in arrays.items():
        entries[name] = [offset, values.dtype.str, len(values)]
        offset += _aligned(values.nbytes)
    header = json.dumps({"format": FORMAT, "doc_count": doc_count, "arrays": entries}).encode()
    start = _aligned(len(MAGIC) + _HEADER_LENGTH.size + len(header))
    with path.open("wb") as out:
        out.write(MAGIC + _HEADER_LENGTH.pack(len(header)) + header)
        out.write(b"\0" * (start - out.tell()))
        for values in arrays.values():
            data = np.ascontiguousarray(values).tobytes()
            out.write(data + b"\0" * (_aligned(len(data)) - len(data)))


def _aligned(size: int) -> int:
    return -(-size // _ALIGN) * _ALIGN


def _folder(storage: Any) -> Path | None:
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
        magic_end = len(MAGIC) + _HEADER_LENGTH.size
        if self._map[: len(MAGIC)] != MAGIC:
            raise ValueError(f"{path}: not a postings arrays file")
        (length,) = _HEADER_LENGTH.unpack(self._map[len(MAGIC) : magic_end])
        header = json.loads(self._map[magic_end : magic_end + length])
        if header.get("format") != FORMAT or header.get("doc_count") != doc_count:
            raise ValueError(f"{path}: written for another format or segment")
        self._base = _aligned(magic_end + length)
        self._entries: dict[str, list[Any]] = header["arrays"]
        self._fields: dict[str, tuple[npt.NDArray[Any], ...]] = {}

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
            self._fields[fieldname] = found
        return found

    def postings(
        self, fieldname: str, term: bytes
    ) -> tuple[npt.NDArray[Any], npt.NDArray[Any]] | None:
        """(segment docnums, weights) of a term (empty when the segment lacks it), or
        None when this file cannot say (a field or term it does not keep)."""
        if len(term) > MAX_TERM_BYTES or b"\0" in term:
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


def open_segment_arrays(segment_reader: Any) -> SegmentArrays | None:
    """The arrays file of a Whoosh segment reader, or None (none written, unreadable)."""
    folder = _folder(segment_reader.storage())
    if folder is None:
        return None
    path = folder / segment_reader.segment().make_filename(EXTENSION)
    try:
        return SegmentArrays(path, int(segment_reader.doc_count_all()))
    except (OSError, ValueError, KeyError):
        return None
