"""Per-searcher numpy views of the index: term postings, field lengths, live documents.

Whoosh hands postings out one ``next()`` at a time, which costs microseconds per posting
in pure Python.  Its W3 posting lists are stored in blocks whose ids and weights decode
as whole arrays, so this module reads a term block by block into numpy arrays
(global docnums, weights) once per searcher and caches them; matching, ranking and facet
counting then work on whole arrays (boolean masks over every docnum of the reader).
Everything here lives and dies with one searcher, so an index refresh drops it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from index.reading import live_mask
from index.segment_arrays import field_table, leaf_arrays, posting_blocks
from search.lru import LruCache

#: A boolean mask over every docnum of the reader (deleted documents included).
Mask = npt.NDArray[np.bool_]
DocArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: Posting entries cached per searcher (least recently used terms dropped first).
CACHE_POSTINGS = 4_000_000

#: Field length per length byte, as Whoosh decodes its quantised length column.
_LENGTH_OF_BYTE = np.array([0.0] + [float(byte_to_length(b)) for b in range(1, 256)])


class Postings:
    """Cached numpy postings and per-document statistics of one reader (thread-safe)."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self.doc_count_all = int(reader.doc_count_all())
        self._lock = threading.Lock()
        self._terms: LruCache[tuple[str, Any], tuple[DocArray, FloatArray]] = LruCache(
            CACHE_POSTINGS, lambda entry: len(entry[0])
        )
        self._lengths: dict[str, FloatArray] = {}
        self._live: Mask | None = None

    # -- documents -------------------------------------------------------------------
    def live(self) -> Mask:
        """True for every document that is not deleted."""
        if self._live is None:
            self._live = live_mask(self._reader)
        return self._live

    def empty(self) -> Mask:
        return np.zeros(self.doc_count_all, dtype=np.bool_)

    def mask_of(self, docnums: Any) -> Mask:
        """A mask with ``docnums`` (any iterable of ints) set."""
        mask = self.empty()
        mask[np.fromiter(docnums, dtype=np.int64)] = True
        return mask

    # -- field lengths ---------------------------------------------------------------
    def field_lengths(self, fieldname: str) -> FloatArray:
        """Each document's quantised length of ``fieldname`` (as Whoosh's BM25F sees it)."""
        with self._lock:
            cached = self._lengths.get(fieldname)
        if cached is not None:
            return cached
        lengths = np.zeros(self.doc_count_all, dtype=np.float64)
        for segment, offset in self._reader.leaf_readers():
            count = segment.doc_count_all()
            lengths[offset : offset + count] = _segment_lengths(segment, fieldname, count)
        with self._lock:
            self._lengths[fieldname] = lengths
        return lengths

    # -- postings --------------------------------------------------------------------
    def term(self, fieldname: str, text: Any) -> tuple[DocArray, FloatArray]:
        """(sorted global docnums, weights) of a term, deleted documents included."""
        key = (fieldname, text)
        cached = self._terms.get(key)
        if cached is not None:
            return cached
        docs, weights = self.read_term(fieldname, text)
        self._terms.put(key, (docs, weights))
        return docs, weights

    def term_mask(self, fieldname: str, text: Any) -> Mask:
        """Live documents holding the term."""
        docs, _ = self.term(fieldname, text)
        mask = self.empty()
        mask[docs] = True
        if self._reader.has_deletions():
            mask &= self.live()
        return mask

    def frequent_terms(self, fieldname: str, min_docs: int) -> list[tuple[int, bytes]]:
        """(document frequency, term) of the field's terms in ``min_docs`` or more
        documents, commonest first (the terms slowest to read cold)."""
        frequency: dict[bytes, int] = {}
        for segment, _ in self._reader.leaf_readers():
            if fieldname not in segment.schema:
                continue
            for term, info in segment.iter_field(fieldname):
                frequency[term] = frequency.get(term, 0) + info.doc_frequency()
        found = [(df, term) for term, df in frequency.items() if df >= min_docs]
        found.sort(reverse=True)
        return found

    def warm(self, fieldnames: Iterable[str], min_docs: int, budget: int) -> int:
        """Read the commonest terms' postings into the cache, at most ``budget``
        entries in all (bounded by the cache size); returns the entries read."""
        budget = min(budget, CACHE_POSTINGS // 2)
        read = 0
        for fieldname in fieldnames:
            self.field_lengths(fieldname)
            for df, term in self.frequent_terms(fieldname, min_docs):
                if read + df > budget:
                    break
                docs, _ = self.term(fieldname, term.decode("utf-8"))
                read += len(docs)
        return read

    def field_table(self, fieldname: str) -> tuple[list[str], DocArray, DocArray] | None:
        """Every term of a field with the documents holding it (see
        ``index.segment_arrays.field_table``), the terms decoded."""
        table = field_table(self._reader, fieldname)
        if table is None:
            return None
        terms, docs, numbers = table
        return [term.decode("utf-8") for term in terms.tolist()], docs, numbers

    def read_term(self, fieldname: str, text: Any) -> tuple[DocArray, FloatArray]:
        """A term's postings read from the index, bypassing the cache (one-off reads).

        Each segment's arrays file answers with one binary search; segments without one
        (indexes written by older versions) are read through Whoosh.
        """
        schema = self._reader.schema
        if fieldname not in schema:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        field = schema[fieldname]
        term = text if isinstance(text, bytes) else field.to_bytes(text)
        doc_parts: list[DocArray] = []
        weight_parts: list[FloatArray] = []
        leaves = self._reader.leaf_readers()
        for (segment, offset), arrays in zip(leaves, leaf_arrays(self._reader), strict=True):
            if field.scorable and not segment.field_length(fieldname):
                continue  # no text in this field here (Reuters has no captions)
            found = arrays.postings(fieldname, term) if arrays is not None else None
            if found is not None:
                ids, weights = found
                if len(ids):
                    doc_parts.append(ids.astype(np.int64) + offset)
                    weight_parts.append(weights.astype(np.float64))
                continue
            try:
                matcher = segment.postings(fieldname, term)
            except TermNotFound:
                continue
            for ids, weights in posting_blocks(matcher):
                doc_parts.append(ids + offset)
                weight_parts.append(weights)
        if not doc_parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        if len(doc_parts) == 1:
            return doc_parts[0], weight_parts[0]
        return np.concatenate(doc_parts), np.concatenate(weight_parts)


def _segment_lengths(segment: Any, fieldname: str, count: int) -> FloatArray:
    """One segment's length column read in one go (Whoosh reads it a byte per call)."""
    perdoc = getattr(segment, "_perdoc", None)
    reader = None
    if perdoc is not None and hasattr(perdoc, "_cached_reader"):
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        reader = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if reader is not None and hasattr(reader, "_dbfile") and reader._fixedlen == 1:
        stored = min(reader._count, count)
        raw = np.zeros(count, dtype=np.uint8)
        if stored:
            data = reader._dbfile.get(reader._basepos, stored)
            raw[:stored] = np.frombuffer(data, dtype=np.uint8)
        return _LENGTH_OF_BYTE[raw]
    return np.array(
        [segment.doc_field_length(d, fieldname, 0) or 0 for d in range(count)], dtype=np.float64
    )
