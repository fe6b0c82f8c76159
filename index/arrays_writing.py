"""Writing each new segment's postings arrays file (the format: ``index.segment_arrays``).

Segment writers get a tee on the sorted postings stream Whoosh hands to its field
writer (``write_arrays_with``), so the arrays cost no second pass over the segment:
the build's worker processes and the in-process writer both use it.  Any segment still
without a file after a commit (an index written by an older version) is read back from
its files (``write_missing_arrays``).
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable, Iterator, Mapping
from itertools import accumulate
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from index.segment_arrays import (
    EXTENSION,
    FIELDS,
    FORMAT,
    HEADER_LENGTH,
    MAGIC,
    MAX_TERM_BYTES,
    aligned,
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
        all_weights = np.frombuffer(self.weights, dtype=np.float64)
        narrow = all_weights.astype(np.float32)
        return {
            "terms": np.array(self.terms, dtype=f"S{MAX_TERM_BYTES}"),
            "starts": np.asarray(self.starts, dtype=np.int64),
            "docs": np.frombuffer(self.docs, dtype=np.int32).copy(),
            # Weights are term frequencies (float32 in Whoosh's blocks): exact in float32.
            "weights": narrow if np.array_equal(narrow, all_weights) else all_weights,
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
                    last_term, keep = term, keeps_term(term)
                    if keep:
                        field.terms.append(term)
                        field.starts.append(field.starts[-1])
                    else:
                        field.omitted += 1
                if keep:
                    field.docs.append(item[2])
                    field.weights.append(item[3])
                    field.starts[-1] += 1
            yield item
        self.finished = True

    def write(self, storage: Any, segment: Any, doc_count: int) -> Path | None:
        """Write what was collected as the segment's arrays file (after the segment
        is finished: a compound segment's assembly would swallow the file)."""
        if not self.finished:
            return None
        return _write_fields(storage, segment, self._fields, doc_count)


def write_arrays_with(writer: SegmentWriter) -> SegmentWriter:
    """Make ``writer`` also write each segment it finishes an arrays file (returned
    for chaining).  Patched on the instance: Whoosh's ``commit`` and the build's workers
    call ``_finalize_segment`` themselves."""
    tee = PostingsTee()
    pooled = writer.pool.iter_postings
    finalize = writer._finalize_segment

    def finalize_with_arrays() -> Any:
        segment = finalize()
        tee.write(writer.storage, segment, segment.doc_count_all())
        return segment

    writer.pool.iter_postings = lambda: tee.tee(pooled())
    writer._finalize_segment = finalize_with_arrays
    return writer


def arrays_segment_writer(*args: Any, **kwargs: Any) -> SegmentWriter:
    """A ``SegmentWriter`` that writes its segment's arrays file (same arguments)."""
    return write_arrays_with(SegmentWriter(*args, **kwargs))


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
    """The segment's arrays file, written under a temp name and renamed (never a
    half-written file under the name); a field not in ``fields`` is written empty."""
    folder = storage_folder(storage)
    if folder is None:
        return None
    arrays = {
        f"{name}.{part}": values
        for name in FIELDS
        for part, values in fields.get(name, _FieldPostings()).arrays().items()
    }
    omitted = {name: fields[name].omitted for name in FIELDS if name in fields}
    path = folder / str(segment.make_filename(EXTENSION))
    temp = path.with_name(path.name + ".tmp")
    _write(temp, arrays, doc_count, omitted)
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
