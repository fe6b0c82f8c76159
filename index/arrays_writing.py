"""Writing postings files (the format: ``index.postings_file``).

Segment writers write each new segment's file from their sorted postings
(``index.segment_writing``).  A segment Whoosh made by merging others gets its file
read back from the segment's own files, field by field (``write_segment_postings``);
``repair_postings_files`` does that for every segment of a new generation whose file is
missing or unreadable, so each generation a build publishes has all of them.
"""

from __future__ import annotations

import logging
import tempfile
from array import array
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

from index import whoosh_adapter
from index.postings_file import (
    EXTENSION,
    FIELDS,
    POSITION_FIELDS,
    PositionsStream,
    PostingsFile,
    PostingsFileError,
    PostingsFileWriter,
)

log = logging.getLogger(__name__)


def postings_path(folder: Path, segment: Any) -> Path:
    """Where a segment's postings file lives in an index folder."""
    return folder / str(segment.make_filename(EXTENSION))


def write_segment_postings(reader: Any, path: Path) -> Path:
    """Write the postings file of the segment a Whoosh ``SegmentReader`` reads, from
    its own files, one field in memory at a time; returns ``path``."""
    with PostingsFileWriter(path, int(reader.doc_count_all())) as out:
        for fieldname in FIELDS:
            terms: list[bytes] = []
            starts = [0]
            docs, weights, positions = array("i"), array("f"), array("I")
            kept = fieldname in POSITION_FIELDS
            if fieldname in reader.schema:
                for term, matcher in whoosh_adapter.field_postings(reader, fieldname):
                    blocks = (
                        whoosh_adapter.posting_positions(matcher)
                        if kept
                        else ((ids, w, ()) for ids, w in whoosh_adapter.posting_blocks(matcher))
                    )
                    for ids, block_weights, at in blocks:
                        docs.extend(ids.tolist())
                        weights.extend(block_weights.tolist())
                        positions.extend(chain.from_iterable(at))
                    terms.append(term)
                    starts.append(len(docs))
            out.write_field(
                fieldname,
                terms,
                np.asarray(starts, dtype=np.int64),
                np.frombuffer(docs, dtype=np.int32),
                np.frombuffer(weights, dtype=np.float32),
                PositionsStream.of(np.frombuffer(positions, dtype=np.uint32)) if kept else None,
            )
    return path


def _segment_files(
    index_dir: Path,
) -> Iterator[tuple[Any, Path, PostingsFile | PostingsFileError]]:
    """(segment reader, postings file path, the opened file or why it cannot be opened)
    of each segment of the index at ``index_dir``; each reader is closed after its turn."""
    for reader in whoosh_adapter.segment_readers(index_dir):
        try:
            path = postings_path(index_dir, reader.segment())
            try:
                opened: PostingsFile | PostingsFileError = PostingsFile(
                    path, int(reader.doc_count_all())
                )
            except PostingsFileError as error:
                opened = error
            yield reader, path, opened
        finally:
            reader.close()


def repair_postings_files(index_dir: Path) -> list[Path]:
    """Write the postings file of every segment of the index at ``index_dir`` whose file
    is missing or unreadable (a merged segment, or an index from before format 3); the
    new file replaces the name, so a hard-linked old one is never changed in place."""
    return [
        write_segment_postings(reader, path)
        for reader, path, opened in _segment_files(index_dir)
        if isinstance(opened, PostingsFileError)
    ]


def postings_in_memory(reader: Any, problem: str | None) -> PostingsFile:
    """A segment's postings file computed from its Whoosh files into a temp file that
    is unlinked once mapped (so it lives as long as the mapping): the engine still
    answers, slowly, when the file on disk is missing or damaged."""
    if problem is not None:
        log.warning("%s: computing it in memory; run `newsdesk index` to repair it", problem)
    with tempfile.TemporaryDirectory(prefix="newsdesk-postings-") as folder:
        path = write_segment_postings(reader, Path(folder) / f"segment{EXTENSION}")
        return PostingsFile(path, int(reader.doc_count_all()))


def postings_problems(index_dir: Path, *, checksums: bool) -> Iterator[str]:
    """What is wrong with the postings files of the index at ``index_dir``: files that
    are missing or unreadable, and with ``checksums``, damaged arrays (reads them all)."""
    for _, _, opened in _segment_files(index_dir):
        if isinstance(opened, PostingsFileError):
            yield str(opened)
        elif checksums:
            yield from opened.verify()
