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
field at a time) and sorts them once with numpy; the writer hands
Whoosh's field writer the same sorted (field, term, docnum, weight, value) stream, with
field lengths from memory, and writes the segment's postings file from the sorted arrays
in a few vectorised steps.  A build's
worker cuts a segment whenever ``pool_bytes`` passes its share of ``--limitmb``, so a
build's memory is bounded whatever the archive's size.

The writer's hooks on Whoosh internals (its pool, field lengths, flush and finish) are
installed by ``index.whoosh_adapter.hook_segment_writer``.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
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
#: Bytes a posting costs the pool beyond its value (term number, docnum, weight, end);
#: and each of its word positions.
POSTING_BYTES = 24
POSITION_BYTES = 4
#: Postings whose positions are gathered at a time when the postings file is written.
POSITIONS_CHUNK = 1 << 20
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
        self._sorted: tuple[list[tuple[str, bytes]], dict[str, npt.NDArray[Any]]] | None = None

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

    def sorted_postings(self) -> tuple[list[tuple[str, bytes]], dict[str, npt.NDArray[Any]]]:
        """(the terms in order, arrays of the postings sorted by term then docnum:
        ``term`` (number in that order), ``docs``, ``weights``, ``starts``/``ends`` of
        each value in the buffer, ``position_starts``/``position_counts`` of its word
        positions (a text posting has as many as its weight, the others none),
        ``bounds`` (where each term's postings start)."""
        if self._sorted is None:  # (each unsorted buffer is let go once sorted)
            count = len(self._keys)
            text_terms = np.fromiter(
                (field in _POSITION_FIELDS for field, _ in self._keys), dtype=np.bool_, count=count
            )
            order_of_keys = sorted(range(count), key=self._keys.__getitem__)
            rank = np.empty(count, dtype=np.int32)
            rank[order_of_keys] = np.arange(count, dtype=np.int32)
            raw_terms = np.frombuffer(self._terms, dtype=np.int32)
            docs = np.frombuffer(self._docs, dtype=np.int32)
            order = np.lexsort((docs, rank[raw_terms]))
            # A text posting has as many positions as its weight; they lie in the pool's
            # positions in the order the postings were added.
            raw_weights = np.frombuffer(self._weights, dtype=np.float64)
            unsorted_counts = np.where(text_terms[raw_terms], raw_weights, 0).astype(np.int32)
            position_starts = (np.cumsum(unsorted_counts, dtype=np.int64) - unsorted_counts)[order]
            position_counts = unsorted_counts[order]
            del unsorted_counts, raw_weights
            terms, docs = rank[raw_terms[order]], docs[order]
            del raw_terms
            self._terms, self._docs = array("i"), array("i")
            weights = np.frombuffer(self._weights, dtype=np.float64)[order]
            self._weights = array("d")
            ends = np.frombuffer(self._ends, dtype=np.int64)
            starts = np.where(order > 0, ends[np.maximum(order - 1, 0)], 0)
            ends = ends[order]
            self._ends = array("q")
            del order
            counts = np.bincount(terms, minlength=count)
            arrays: dict[str, npt.NDArray[Any]] = {
                "term": terms,
                "docs": docs,
                "weights": weights,
                "starts": starts,
                "ends": ends,
                "position_starts": position_starts,
                "position_counts": position_counts,
                "bounds": np.concatenate(([0], np.cumsum(counts))),
            }
            self._sorted = ([self._keys[i] for i in order_of_keys], arrays)
            self._numbers.clear()
        keys, sorted_arrays = self._sorted
        return keys, sorted_arrays

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        """Every posting as Whoosh's pool yields it, sorted by (field, term, docnum)."""
        keys, arrays = self.sorted_postings()
        values = memoryview(self._values)  # (no copy of the whole buffer: it can be large)
        bounds = arrays["bounds"].tolist()
        for number, (fieldname, text) in enumerate(keys):
            low, high = bounds[number], bounds[number + 1]
            docs = arrays["docs"][low:high].tolist()
            weights = arrays["weights"][low:high].tolist()
            starts = arrays["starts"][low:high].tolist()
            ends = arrays["ends"][low:high].tolist()
            for docnum, weight, start, end in zip(docs, weights, starts, ends, strict=True):
                yield fieldname, text, docnum, weight, bytes(values[start:end])
        values.release()
        self._values = bytearray()

    def write_postings_file(self, path: Path, doc_count: int) -> None:
        """The segment's postings file (``index.postings_file``), field by field."""
        keys, arrays = self.sorted_postings()
        bounds = arrays["bounds"]
        every_position = np.frombuffer(self._positions, dtype=np.uint32)
        numbers: dict[str, list[int]] = {name: [] for name in FIELDS}
        for number, (fieldname, _) in enumerate(keys):
            if fieldname in numbers:
                numbers[fieldname].append(number)
        with PostingsFileWriter(path, doc_count) as out:
            for fieldname, kept in numbers.items():
                chosen = np.asarray(kept, dtype=np.int64)
                lows, highs = bounds[chosen], bounds[chosen + 1]
                lengths = highs - lows
                postings = run_positions(lows, lengths)
                positions = None
                if fieldname in POSITION_FIELDS:
                    chunks = _gathered(
                        every_position,
                        arrays["position_starts"][postings],
                        arrays["position_counts"][postings],
                    )
                    positions = PositionsStream(chunks, self._max_position)
                out.write_field(
                    fieldname,
                    [keys[i][1] for i in kept],
                    np.concatenate(([0], np.cumsum(lengths))).astype(np.int64),
                    arrays["docs"][postings],
                    arrays["weights"][postings],
                    positions,
                )
        self._positions = array("I")

    def cleanup(self) -> None:
        """Nothing on disk to remove (Whoosh's pool deletes its run files here)."""


def _gathered(
    every: npt.NDArray[Any], starts: npt.NDArray[Any], counts: npt.NDArray[Any]
) -> Iterator[npt.NDArray[Any]]:
    """The positions of each posting (``every[starts[i]:starts[i] + counts[i]]``), a
    chunk of postings at a time (the index arrays take 8 bytes a position)."""
    for low in range(0, len(starts), POSITIONS_CHUNK):
        high = low + POSITIONS_CHUNK
        yield every[run_positions(starts[low:high], counts[low:high])]


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
        self._fallback = field.index
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

    whoosh_adapter.hook_segment_writer(writer, pool, lengths.add, add_postings, write_postings_file)
    _index_text_fast(writer, pool)
    return writer


def pool_bytes(writer: SegmentWriter) -> int:
    """About how much memory a compact writer's postings hold."""
    pool = writer.pool
    return pool.pool_bytes if isinstance(pool, CompactPool) else 0
