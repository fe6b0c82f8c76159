"""The postings files of an open index's segments, and what is read across them.

Every segment has a postings file (``index.postings_file``); ``open_postings_files``
opens a reader's.  A file that is missing or damaged is computed in memory from the
segment's Whoosh files (slow, logged; ``newsdesk stats`` reports it and the next
``newsdesk index`` rewrites it), so the engine has one way to read postings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.reading import SegmentReader

from index.arrays_writing import postings_in_memory, postings_path
from index.postings_file import PostingsFile, PostingsFileError
from index.whoosh_adapter import storage_folder

DocArray = npt.NDArray[np.int64]


def open_postings_files(reader: Any) -> list[PostingsFile]:
    """The postings file of each of ``reader``'s segments, in ``leaf_readers()`` order
    (the engine opens them once per generation: ``search.generation``)."""
    return [open_postings(leaf) for leaf, _ in reader.leaf_readers()]


def open_postings(segment_reader: Any) -> PostingsFile:
    """The postings file of a Whoosh segment reader; computed in memory (with a logged
    warning) when the file is missing or damaged, or the index is not in a folder."""
    if not isinstance(segment_reader, SegmentReader):  # an index with no segment yet
        return postings_in_memory(segment_reader, None)
    folder = storage_folder(segment_reader.storage())
    doc_count = int(segment_reader.doc_count_all())
    if folder is None:
        return postings_in_memory(segment_reader, "an index in memory has no postings files")
    path = postings_path(folder, segment_reader.segment())
    try:
        return PostingsFile(path, doc_count)
    except PostingsFileError as error:
        return postings_in_memory(segment_reader, str(error))


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
    reader: Any, fieldname: str, files: Sequence[PostingsFile] | None = None
) -> tuple[list[bytes], DocArray, DocArray]:
    """Every term of a field in all of ``reader``'s segments, with the documents holding
    it, from their postings files: (the terms, sorted; global docnums; the number of each
    docnum's term in the terms), deleted documents included.  ``files``: the reader's
    postings files, when already open."""
    numbers_of: dict[bytes, int] = {}
    tables = []
    leaves = reader.leaf_readers()
    files = open_postings_files(reader) if files is None else files
    for (_, offset), postings in zip(leaves, files, strict=True):
        terms = postings.terms(fieldname)
        starts, docs = postings.term_postings(fieldname)
        for term in terms:
            numbers_of.setdefault(term, len(numbers_of))
        tables.append((offset, terms, starts, docs))
    terms = sorted(numbers_of)
    renumber = np.empty(len(terms), dtype=np.int64)
    renumber[[numbers_of[term] for term in terms]] = np.arange(len(terms))
    doc_parts: list[DocArray] = [np.zeros(0, dtype=np.int64)]
    number_parts: list[DocArray] = [np.zeros(0, dtype=np.int64)]
    for offset, segment_terms, starts, docs in tables:
        numbers = renumber[[numbers_of[term] for term in segment_terms]]
        number_parts.append(np.repeat(numbers, np.diff(starts)).astype(np.int64))
        doc_parts.append(docs.astype(np.int64) + offset)
    return terms, np.concatenate(doc_parts), np.concatenate(number_parts)
