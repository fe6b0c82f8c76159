"""Per-generation numpy views of the index: term postings, field lengths, live documents.

Whoosh hands postings out one ``next()`` at a time, which costs microseconds per posting
in pure Python.  So a term's postings are read from the segments' postings files
(``index.postings_file``: one binary search per segment) as numpy arrays (global
docnums, weights) and cached; matching, ranking and facet counting then work on whole
arrays (boolean masks over every docnum of the reader).  Everything here lives and dies
with one generation (``search.generation``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from index.postings_file import FIELDS as POSTINGS_FIELDS
from index.postings_file import PostingsFile
from index.reading import live_mask
from index.whoosh_adapter import length_bytes
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

    def __init__(self, reader: Any, files: Sequence[PostingsFile]) -> None:
        self._reader = reader
        self._files = files
        self.doc_count_all = int(reader.doc_count_all())
        self._lock = threading.Lock()
        self._terms: LruCache[tuple[str, Any], tuple[DocArray, FloatArray]] = LruCache(
            CACHE_POSTINGS,
            lambda entry: max(1, len(entry[0])),  # (an absent term counts one)
        )
        self._lengths: dict[str, npt.NDArray[np.uint8]] = {}
        self._live: Mask | None = None

    def segment_files(self) -> list[tuple[int, int, PostingsFile]]:
        """(first global docnum, document count, postings file) of each segment."""
        leaves = self._reader.leaf_readers()
        return [
            (offset, int(segment.doc_count_all()), file)
            for (segment, offset), file in zip(leaves, self._files, strict=True)
        ]

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
    def length_codes(self, fieldname: str) -> npt.NDArray[np.uint8]:
        """Each document's field length as Whoosh stores it: one byte (quantised), read
        once per generation (1 byte a document, not the 8 of a float)."""
        with self._lock:
            cached = self._lengths.get(fieldname)
        if cached is not None:
            return cached
        codes = np.zeros(self.doc_count_all, dtype=np.uint8)
        for segment, offset in self._reader.leaf_readers():
            count = segment.doc_count_all()
            codes[offset : offset + count] = length_bytes(segment, fieldname, count)
        with self._lock:
            self._lengths[fieldname] = codes
        return codes

    def field_lengths(self, fieldname: str, docs: DocArray) -> FloatArray:
        """The quantised lengths of ``fieldname`` in ``docs`` (as Whoosh's BM25F sees
        them)."""
        return _LENGTH_OF_BYTE[self.length_codes(fieldname)[docs]]

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
        files = self._files
        if fieldname not in self._reader.schema or not files:
            return []
        # A term in min_docs articles has a share of them in at least one segment.
        share = max(1, -(-min_docs // len(files)))
        candidates = {
            term for postings in files for term in postings.common_terms(fieldname, share)
        }
        found = [
            (sum(postings.doc_frequency(fieldname, term) for postings in files), term)
            for term in candidates
        ]
        found = [(df, term) for df, term in found if df >= min_docs]
        found.sort(reverse=True)
        return found

    def warm(self, fieldnames: Iterable[str], min_docs: int, budget: int) -> int:
        """Read the commonest terms' postings into the cache, at most ``budget``
        entries in all (bounded by the cache size); returns the entries read."""
        budget = min(budget, CACHE_POSTINGS // 2)
        read = 0
        for fieldname in fieldnames:
            self.length_codes(fieldname)
            for df, term in self.frequent_terms(fieldname, min_docs):
                if read + df > budget:
                    break
                docs, _ = self.term(fieldname, term.decode("utf-8"))
                read += len(docs)
        return read

    def read_term(self, fieldname: str, text: Any) -> tuple[DocArray, FloatArray]:
        """A term's postings read from the segments' postings files, bypassing the
        cache (one-off reads): one binary search per segment.  The ID fields, which
        the files do not keep, are looked up in Whoosh's term index."""
        schema = self._reader.schema
        if fieldname not in schema:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        field = schema[fieldname]
        term = text if isinstance(text, bytes) else field.to_bytes(text)
        if fieldname not in POSTINGS_FIELDS:  # an ID (``id:``): one article, Whoosh's lookup
            return _id_postings(self._reader, fieldname, term)
        doc_parts: list[DocArray] = []
        weight_parts: list[FloatArray] = []
        leaves = self._reader.leaf_readers()
        for (_, offset), postings in zip(leaves, self._files, strict=True):
            ids, weights = postings.postings(fieldname, term)
            if len(ids):
                doc_parts.append(ids.astype(np.int64) + offset)
                weight_parts.append(weights.astype(np.float64))
        if not doc_parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        if len(doc_parts) == 1:
            return doc_parts[0], weight_parts[0]
        return np.concatenate(doc_parts), np.concatenate(weight_parts)


def _id_postings(reader: Any, fieldname: str, term: bytes) -> tuple[DocArray, FloatArray]:
    """The articles holding an ID term (live ones: Whoosh skips deleted documents)."""
    try:
        docs = np.fromiter(reader.postings(fieldname, term).all_ids(), dtype=np.int64)
    except TermNotFound:
        docs = np.zeros(0, dtype=np.int64)
    return docs, np.ones(len(docs), dtype=np.float64)
