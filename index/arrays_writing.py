"""Writing each new segment's postings arrays file (the format: ``index.segment_arrays``).

Segment writers write it from their sorted postings when they finish a segment
(``index.segment_writing``).  Any segment still without a file after a commit (an index
written by an older version) is read back from its files (``write_missing_arrays``).
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Mapping
from itertools import accumulate
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader

from index.segment_arrays import (
    EXTENSION,
    FIELDS,
    FORMAT,
    HEADER_LENGTH,
    MAGIC,
    MAX_TERM_BYTES,
    aligned,
    compact_weights,
    keeps_term,
    posting_blocks,
    raw_blocks,
    reads_by_block,
    storage_folder,
)


class _FieldPostings:
    """One field's postings as they are collected: terms in order, where each term's
    postings start, and the postings themselves in plain arrays (most terms have a few
    postings, so numpy's per-call overhead would dominate until the end)."""

    def __init__(self) -> None:
        self.terms: list[bytes] = []
        self.starts = [0]
        self.docs = array("i")
        self.weights = array("d")
        #: Terms left out of the table (too long, or holding a NUL byte).
        self.omitted = 0

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        return {
            "terms": np.array(self.terms, dtype=f"S{MAX_TERM_BYTES}"),
            "starts": np.asarray(self.starts, dtype=np.int64),
            "docs": np.frombuffer(self.docs, dtype=np.int32).copy(),
            "weights": compact_weights(np.frombuffer(self.weights, dtype=np.float64)),
        }


def _field_postings(reader: SegmentReader, fieldname: str) -> _FieldPostings:
    """One field's terms in order, with all their postings, read back from the segment."""
    terms_reader, codec = reader._terms, reader.codec()
    postfile, fmt = terms_reader._postfile, reader.schema[fieldname].format
    field = _FieldPostings()
    for (name, term), info in terms_reader.items_from(fieldname, b""):
        if name != fieldname:
            break
        if keeps_term(term):
            _append_postings(codec.postings_reader(postfile, info, fmt), field.docs, field.weights)
            field.terms.append(term)
            field.starts.append(len(field.docs))
        else:
            field.omitted += 1
    return field


def _append_postings(matcher: Any, docs: array[int], weights: array[float]) -> None:
    """A term's postings appended to ``docs`` and ``weights``, block by block (into
    plain arrays: numpy's per-call overhead would dominate for a few postings)."""
    if not reads_by_block(matcher):
        for ids, block_weights in posting_blocks(matcher):
            docs.extend(ids.tolist())
            weights.extend(block_weights.tolist())
        return
    for raw_ids, raw_weights, count, absolute in raw_blocks(matcher):
        docs.extend(raw_ids if absolute else accumulate(raw_ids))
        if raw_weights is None:
            weights.extend([1.0] * count)
        elif isinstance(raw_weights, float):  # as Whoosh's array("f") would hold it
            weights.extend([array("f", [raw_weights])[0]] * count)
        else:
            weights.extend(raw_weights)


def write_segment_arrays(storage: Any, schema: Any, segment: Any) -> Path | None:
    """Write the arrays file of one segment of a file-based index; returns its path
    (None when the storage is not a folder)."""
    if storage_folder(storage) is None:
        return None
    reader = SegmentReader(storage, schema, segment)
    try:
        fields = {name: _field_postings(reader, name) for name in FIELDS if name in reader.schema}
        doc_count = int(reader.doc_count_all())
    finally:
        reader.close()
    return _write_fields(storage, segment, fields, doc_count)


def _write_fields(
    storage: Any, segment: Any, fields: Mapping[str, _FieldPostings], doc_count: int
) -> Path | None:
    tables = {name: field.arrays() for name, field in fields.items()}
    omitted = {name: field.omitted for name, field in fields.items()}
    return write_arrays(storage, segment, tables, omitted, doc_count)


def write_arrays(
    storage: Any,
    segment: Any,
    tables: Mapping[str, Mapping[str, npt.NDArray[Any]]],
    omitted: Mapping[str, int],
    doc_count: int,
) -> Path | None:
    """The segment's arrays file, written under a temp name and renamed (never a
    half-written file under the name); a field not in ``tables`` is written empty."""
    folder = storage_folder(storage)
    if folder is None:
        return None
    empty = _FieldPostings().arrays()
    arrays = {
        f"{name}.{part}": values
        for name in FIELDS
        for part, values in tables.get(name, empty).items()
    }
    kept_out = {name: int(omitted.get(name, 0)) for name in FIELDS}
    path = folder / str(segment.make_filename(EXTENSION))
    temp = path.with_name(path.name + ".tmp")
    _write(temp, arrays, doc_count, kept_out)
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


def _write(
    path: Path, arrays: dict[str, npt.NDArray[Any]], doc_count: int, omitted: dict[str, int]
) -> None:
    entries: dict[str, list[Any]] = {}
    offset = 0
    for name, values in arrays.items():
        entries[name] = [offset, values.dtype.str, len(values)]
        offset += aligned(values.nbytes)
    header = json.dumps(
        {"format": FORMAT, "doc_count": doc_count, "arrays": entries, "omitted": omitted}
    ).encode()
    start = aligned(len(MAGIC) + HEADER_LENGTH.size + len(header))
    with path.open("wb") as out:
        out.write(MAGIC + HEADER_LENGTH.pack(len(header)) + header)
        out.write(b"\0" * (start - out.tell()))
        for values in arrays.values():
            data = np.ascontiguousarray(values).tobytes()
            out.write(data + b"\0" * (aligned(len(data)) - len(data)))
