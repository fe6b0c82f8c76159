"""Whoosh's ``SegmentWriter`` with a compact postings pool: the segments it writes are
byte-for-byte what Whoosh writes, in a fraction of the time and memory.

Whoosh's ``PostingPool`` keeps one Python tuple per posting (about 230 bytes each), and
past ``limitmb`` (which its own estimate undercounts) it pickles every posting to a run
file and merges the runs back with ``heapq.merge``: profiled on a 20k-article build,
pickling, unpickling and merging were a quarter of the build.  Writing the posting
blocks then asked the field-length column on disk once per posting (another 9%), and
teeing the stream into the postings file cost one more Python step per posting.

``CompactPool`` holds the same postings as flat arrays (term number, docnum, weight,
where the value ends in one byte buffer: ~24 bytes and the value's bytes each; and every
text posting's word positions, 4 bytes each, as the ``TextIndexer`` hands them over a
field at a time).  At the segment's end it sorts them once with numpy -- only their
order, never a sorted copy of the pool -- and gathers them in that order a chunk at a
time: into the (field, term, docnum, weight, value) stream Whoosh's field writer takes,
with field lengths from memory, and into the segment's postings file, a field at a time.
A build's worker cuts a segment whenever ``pool_bytes`` (which counts what the sort adds)
passes its share of ``--limitmb``, so a build's memory is bounded whatever the
archive's size.

The writer's hooks on Whoosh internals (its pool, field lengths, flush and finish) are
installed by ``index.whoosh_adapter.hook_segment_writer``.
"""

from __future__ import annotations

import functools
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.formats import Positions
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from index import whoosh_adapter
from index.arrays_writing import postings_path
from index.fields import TEXT_FIELDS
from index.postings_file import FIELDS, POSITION_FIELDS, PositionsStream, PostingsFileWriter
from index.segment_arrays import run_positions
from index.whoosh_adapter import storage_folder

#: Bytes a term costs the pool beyond its postings (dict entry, key tuple, term bytes).
TERM_BYTES = 200
#: Bytes a posting costs the pool beyond its value: 24 held (term number, docnum,
#: weight, where its value ends) and about 20 more for a moment while the pool is
#: sorted (numpy's sort keys, its result and buffer; measured on a full 512 MB pool);
#: and each of its word positions.  Counting the sort keeps a worker's peak within
#: its budget.
POSTING_BYTES = 24 + 20
POSITION_BYTES = 4
#: Sorted postings gathered from the pool at a time (when Whoosh's segment and the
#: postings file are written): ~40 bytes each for the moment.
GATHER_CHUNK = 1 << 16
#: Decodes the positions of a value the ``TextIndexer`` did not make (a list of texts).
_POSITIONS = Positions()
_POSITION_FIELDS = frozenset(POSITION_FIELDS)


class CompactPool:
    """The postings of one segment being written, as flat arrays (Whoosh's
    ``PostingPool`` interface: ``add``, ``iter_postings``, ``cleanup``)."""

    def __init__(self) -> None:
        self._numbers: dict[tuple[str, bytes], int] = {}
        self._keys: list[tuple[str, bytes]] = []
        self._terms = array("i")
        self._docs = array("i")
        self._weights = array("d")
        self._ends = array("q")
        self._values = bytearray()
        #: Word positions of the text postings, posting after posting (as many as the
        #: posting's weight, its frequency), and the largest.
        self._positions = array("I")
        self._max_position = 0
        #: Text postings still to be added whose positions were handed over already.
        self._supplied = 0
        self.fieldnames: set[str] = set()
        self._sorted: _SortedPool | None = None

    @property
    def pool_bytes(self) -> int:
        """About how much memory the pool holds."""
        postings = len(self._docs) * POSTING_BYTES + len(self._positions) * POSITION_BYTES
        return len(self._keys) * TERM_BYTES + postings + len(self._values)

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, text, docnum, weight, value = item
        key = (fieldname, text)
        number = self._numbers.get(key)
        if number is None:
            number = self._numbers[key] = len(self._keys)
            self._keys.append(key)
            self.fieldnames.add(fieldname)
        self._terms.append(number)
        self._docs.append(docnum)
        self._weights.append(weight)
        if value:
            self._values += value
        self._ends.append(len(self._values))
        if fieldname in _POSITION_FIELDS:
            if self._supplied:
                self._supplied -= 1
            else:  # a value the TextIndexer did not make (a list of texts)
                at = _POSITIONS.decode_positions(value) if value else []
                self.supply_positions([at], max(at, default=0))
                self._supplied -= 1

    def supply_positions(self, positions: list[list[int]], maximum: int) -> None:
        """The word positions of the next ``len(positions)`` text postings to be added,
        in the order they will be (the ``TextIndexer`` of a field hands them over)."""
        self._positions.extend(chain.from_iterable(positions))
        self._supplied += len(positions)
        if maximum > self._max_position:
            self._max_position = maximum

    def _sort(self) -> _SortedPool:
        """The postings' order by (field, term, docnum), computed once; the pool's own
        arrays stay as they are and are gathered a chunk at a time in that order, so
        the sort holds 8 bytes a posting beyond the pool (its place in the order, where
        its positions start) and ~20 for the moment numpy sorts, not a sorted copy."""
        if self._sorted is None:
            count = len(self._keys)
            order_of_keys = sorted(range(count), key=self._keys.__getitem__)
            rank = np.empty(count, dtype=np.int32)
            rank[order_of_keys] = np.arange(count, dtype=np.int32)
            ranks = rank[np.frombuffer(self._terms, dtype=np.int32)]
            order = np.lexsort((np.frombuffer(self._docs, dtype=np.int32), ranks))
            bounds = np.zeros(count + 1, dtype=np.int64)
            np.cumsum(np.bincount(ranks, minlength=count), out=bounds[1:])
            del ranks
            self._sorted = _SortedPool(
                [self._keys[i] for i in order_of_keys],
                order.astype(_index_type(self._docs)),
                bounds,
                self._position_starts(),
            )
            self._terms = array("i")
            self._numbers.clear()
        return self._sorted

    def _position_starts(self) -> npt.NDArray[Any]:
        """Where each posting's word positions start in the pool's positions: they lie
        there in the order the postings were added, as many as a text posting's weight."""
        text_terms = np.fromiter(
            (field in _POSITION_FIELDS for field, _ in self._keys), dtype=np.bool_
        )
        counts = np.frombuffer(self._weights, dtype=np.float64).astype(_index_type(self._positions))
        counts[~text_terms[np.frombuffer(self._terms, dtype=np.int32)]] = 0
        starts = np.cumsum(counts, dtype=counts.dtype)
        starts -= counts
        return starts

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        """Every posting as Whoosh's pool yields it, sorted by (field, term, docnum)."""
        pool = self._sort()
        keys, bounds = pool.keys, pool.bounds.tolist()
        all_docs = np.frombuffer(self._docs, dtype=np.int32)
        all_weights = np.frombuffer(self._weights, dtype=np.float64)
        all_ends = np.frombuffer(self._ends, dtype=np.int64)
        values = memoryview(self._values)  # (no copy of the whole buffer: it can be large)
        number = 0
        for first in range(0, bounds[-1], GATHER_CHUNK):
            last = min(first + GATHER_CHUNK, bounds[-1])
            places = pool.order[first:last]
            docs = all_docs[places].tolist()
            weights = all_weights[places].tolist()
            ends = all_ends[places].tolist()
            starts = np.where(places > 0, all_ends[np.maximum(places - 1, 0)], 0).tolist()
            at = first
            while at < last:
                while bounds[number + 1] <= at:
                    number += 1
                fieldname, text = keys[number]
                stop = min(bounds[number + 1], last)
                for i in range(at - first, stop - first):
                    yield fieldname, text, docs[i], weights[i], bytes(values[starts[i] : ends[i]])
                at = stop
        del all_ends
        values.release()
        self._values, self._ends = bytearray(), array("q")

    def write_postings_file(self, path: Path, doc_count: int) -> None:
        """The segment's postings file (``index.postings_file``), field by field: a
        field's terms are one run of the sorted postings."""
        pool = self._sort()
        all_docs = np.frombuffer(self._docs, dtype=np.int32)
        all_weights = np.frombuffer(self._weights, dtype=np.float64)
        every_position = np.frombuffer(self._positions, dtype=np.uint32)
        runs: dict[str, list[int]] = {}
        for number, (fieldname, _) in enumerate(pool.keys):
            runs.setdefault(fieldname, [number, number])[1] = number + 1
        with PostingsFileWriter(path, doc_count) as out:
            for fieldname in FIELDS:  # (every field, even one no document has)
                first_term, end_term = runs.get(fieldname, (0, 0))
                low, high = int(pool.bounds[first_term]), int(pool.bounds[end_term])
                places = pool.order[low:high]
                weights = all_weights[places]
                positions = None
                if fieldname in POSITION_FIELDS:
                    chunks = (
                        every_position[run_positions(pool.position_starts[part], counts)]
                        for part, counts in self._position_chunks(places, weights)
                    )
                    positions = PositionsStream(chunks, self._max_position)
                out.write_field(
                    fieldname,
                    [text for _, text in pool.keys[first_term:end_term]],
                    pool.bounds[first_term : end_term + 1] - low,
                    all_docs[places],
                    weights,
                    positions,
                )
                del weights

    @staticmethod
    def _position_chunks(
        places: npt.NDArray[Any], weights: npt.NDArray[np.float64]
    ) -> Iterator[tuple[npt.NDArray[Any], npt.NDArray[np.int64]]]:
        """(pool places, position counts) of a text field's postings, a chunk at a time."""
        for low in range(0, len(places), GATHER_CHUNK):
            high = low + GATHER_CHUNK
            yield places[low:high], weights[low:high].astype(np.int64)

    def release(self) -> None:
        """Let go of every posting once the segment is written (the writer holding the
        pool may live on until a garbage collection: it is in a reference cycle).
        ``iter_postings`` lets go of the values early: the postings file needs none."""
        self._keys, self._sorted = [], None
        self._docs, self._weights, self._positions = array("i"), array("d"), array("I")
        self._values, self._ends = bytearray(), array("q")

    def cleanup(self) -> None:
        """Nothing on disk to remove (Whoosh's pool deletes its run files here)."""


@dataclass(frozen=True, slots=True)
class _SortedPool:
    """A pool's sort: its terms in order, the pool places of its postings sorted by
    (field, term, docnum), where each term's run of them starts (one more than the
    terms), and where each posting's word positions start in the pool (pool order)."""

    keys: list[tuple[str, bytes]]
    order: npt.NDArray[Any]
    bounds: npt.NDArray[np.int64]
    position_starts: npt.NDArray[Any]


def _index_type(values: array[int]) -> type[np.signedinteger[Any]]:
    """int32 for indexes into ``values`` when they fit (half the memory), else int64."""
    return np.int32 if len(values) < 1 << 31 else np.int64


class FieldLengths:
    """Each document's field lengths as Whoosh's length column will hold them
    (quantised to a byte), kept in memory while the segment is written."""

    def __init__(self) -> None:
        self._lengths: dict[str, array[int]] = {}

    def add(self, fieldname: str, docnum: int, length: int) -> None:
        column = self._lengths.setdefault(fieldname, array("I"))
        if len(column) <= docnum:
            column.extend([0] * (docnum + 1 - len(column)))
        column[docnum] = byte_to_length(length_to_byte(length))

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        column = self._lengths.get(fieldname)
        if column is None or docnum >= len(column):
            return default
        return column[docnum] or default


class TextIndexer:
    """``field.index`` of a text field analysed by ``index.schema.text_analyzer``
    (regex words, lower-cased, accents folded, stop words out and renumbered, stemmed),
    computing the very (term, frequency, weight, positions) Whoosh's analyzer chain and
    ``Positions`` format compute, without a generator per filter and a ``Token`` per
    word: each distinct word is analysed once per process and looked up after that.
    Profiled, Whoosh's chain was two fifths of a build worker's time."""

    #: Distinct words remembered (about 100 bytes each); the cache restarts past it.
    CACHE_WORDS = 500_000

    def __init__(self, field: Any) -> None:
        tokenizer, _lowercase, charset, stop, stem = field.analyzer.items
        self._finditer = tokenizer.expression.finditer
        self._charmap = charset.charmap
        self._stops, self._min, self._max = stop.stops, stop.min, stop.max
        self._stem, self._ignore = stem.stemfn, stem.ignore
        self._encode = field.format.encode
        self._boost = field.format.field_boost
        self._terms: dict[str, str | None] = {}
        # (the class's own method: an instance's may be an earlier writer's TextIndexer
        # on a schema the index shares, which would keep that writer's pool alive)
        self._fallback = functools.partial(type(field).index, field)
        #: Takes each value's word positions, term by term in the order of the postings
        #: returned, with the largest (``CompactPool.supply_positions``).
        self.supply: Callable[[list[list[int]], int], None] | None = None

    @classmethod
    def fits(cls, field: Any) -> bool:
        """Whether ``field`` is analysed exactly as this class assumes."""
        items: list[Any] = list(getattr(field.analyzer, "items", ()))
        kinds = [type(item) for item in items]
        return (
            kinds == [RegexTokenizer, LowercaseFilter, CharsetFilter, StopFilter, StemFilter]
            and type(field.format) is Positions
            and not items[0].gaps
            and items[3].renumber
            and not items[4].lang
        )

    def _term(self, word: str) -> str | None:
        text = word.lower().translate(self._charmap)
        if len(text) < self._min or (self._max is not None and len(text) > self._max):
            return None
        if text in self._stops:
            return None
        return text if text in self._ignore else str(self._stem(text))

    def __call__(self, value: Any, **kwargs: Any) -> Any:
        if not isinstance(value, str) or kwargs:
            return self._fallback(value, **kwargs)
        terms = self._terms
        if len(terms) > self.CACHE_WORDS:
            terms.clear()
        positions: dict[str, list[int]] = {}
        position = -1
        for number, match in enumerate(self._finditer(value)):
            word = match.group(0)
            term = terms.get(word, _UNSEEN)
            if term is _UNSEEN:
                term = terms[word] = self._term(word)
            if term is None:
                continue
            position = number if position < 0 else position + 1  # stop words renumbered
            found = positions.get(term)
            if found is None:
                positions[term] = [position]
            else:
                found.append(position)
        if self.supply is not None:  # the pool takes the positions as they are
            self.supply(list(positions.values()), position)
        encode, boost = self._encode, self._boost
        return [
            (term.encode("utf-8"), len(at), float(len(at)) * boost, encode(at))
            for term, at in positions.items()
        ]


_UNSEEN: Any = object()


def _index_text_fast(writer: SegmentWriter, pool: CompactPool) -> None:
    """Give the writer's text fields a ``TextIndexer`` handing positions to ``pool``
    (instance attributes on the writer's own schema copy), taken off again before any
    commit pickles the schema."""
    fields = [
        field for name in TEXT_FIELDS if name in writer.schema
        if TextIndexer.fits(field := writer.schema[name])
    ]  # fmt: skip
    for field in fields:
        field.index = TextIndexer(field)
        field.index.supply = pool.supply_positions
    commit = writer.commit

    def commit_with_plain_fields(*args: Any, **kwargs: Any) -> Any:
        for field in fields:
            field.__dict__.pop("index", None)
        return commit(*args, **kwargs)

    writer.commit = commit_with_plain_fields


def compact_segment_writer(*args: Any, **kwargs: Any) -> SegmentWriter:
    """A ``SegmentWriter`` (same arguments) that pools postings in a ``CompactPool``
    and writes its segment's postings file when it finishes the segment."""
    writer = SegmentWriter(*args, **kwargs)
    pool = CompactPool()
    lengths = FieldLengths()

    def add_postings(schema: Any, fieldwriter: Any) -> None:
        fieldwriter.add_postings(schema, lengths, pool.iter_postings())

    def write_postings_file(segment: Any) -> None:
        folder = storage_folder(writer.storage)
        if folder is not None:
            pool.write_postings_file(postings_path(folder, segment), segment.doc_count_all())
        pool.release()

    whoosh_adapter.hook_segment_writer(writer, pool, lengths.add, add_postings, write_postings_file)
    _index_text_fast(writer, pool)
    return writer


def pool_bytes(writer: SegmentWriter) -> int:
    """About how much memory a compact writer's postings hold."""
    pool = writer.pool
    return pool.pool_bytes if isinstance(pool, CompactPool) else 0
