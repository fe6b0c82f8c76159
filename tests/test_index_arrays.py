"""Each segment's postings arrays file: written with the segment, read instead of
Whoosh's term files, and always giving exactly what Whoosh's own matchers give.

A wrong docnum or weight here would silently change which articles match and how they
rank, so every check compares with Whoosh on indexes with several segments and
deleted documents; a missing or damaged file must only make reads slower.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from test_search_fastpaths import segmented_plain_index
from test_search_support import sample_articles, write_index
from whoosh import index as whoosh_index
from whoosh.index import Index

import search.postings
from corpus import Article
from index import build_index
from index.arrays_writing import write_missing_arrays, write_segment_arrays
from index.documents import article_to_document
from index.opening import current_generation_dir
from index.segment_arrays import (
    EXTENSION,
    MAX_TERM_BYTES,
    PARTS,
    SegmentArrays,
    open_segment_arrays,
)
from search import Engine
from search.postings import Postings

QUERIES = ["oil", "oil prices", "cocoa -brazil", "place:usa", "(oil OR gold) prices", "hawija"]


def copy_of(ix: Index) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-arrays-test-"))
    shutil.copytree(ix.storage.folder, folder, dirs_exist_ok=True)
    return folder


@pytest.fixture
def arrays_index() -> Iterator[Path]:
    """The three-segment sample with deletions, with every segment's arrays written."""
    folder = copy_of(segmented_plain_index())
    written = write_missing_arrays(folder)
    assert len(written) == 3
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def assert_arrays_equal_the_segments(generation: Path) -> None:
    """Every arrays file holds exactly what reading its segment back gives."""
    ix = whoosh_index.open_dir(str(generation))
    scratch = Path(tempfile.mkdtemp(prefix="newsdesk-readback-"))
    try:
        for segment in ix._segments():
            written = generation / segment.make_filename(EXTENSION)
            assert written.exists(), written
            shutil.copy(written, scratch / "tee")
            again = write_segment_arrays(ix.storage, ix.schema, segment)
            assert again is not None
            tee = SegmentArrays(scratch / "tee", segment.doc_count_all())
            readback = SegmentArrays(again, segment.doc_count_all())
            for field in ("title", "body", "places", "topics", "source"):
                ours, theirs = tee._field(field), readback._field(field)
                assert ours is not None and theirs is not None
                for part, mine, other in zip(PARTS, ours, theirs, strict=True):
                    assert mine.dtype == other.dtype and np.array_equal(mine, other), part
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def whoosh_postings(reader: object, field: str, term: bytes) -> list[tuple[int, float]]:
    matcher = reader.postings(field, term)  # type: ignore[attr-defined]
    found = []
    while matcher.is_active():  # Whoosh skips deleted documents itself
        found.append((matcher.id(), matcher.weight()))
        matcher.next()
    return found


def test_every_term_read_from_the_arrays_equals_whooshs_postings(
    arrays_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = whoosh_index.open_dir(str(arrays_index)).reader()
    assert all(open_segment_arrays(leaf) is not None for leaf, _ in reader.leaf_readers())

    def not_through_whoosh(matcher: object) -> None:
        raise AssertionError("read through Whoosh although the arrays hold the term")

    monkeypatch.setattr(search.postings, "posting_blocks", not_through_whoosh)
    postings = Postings(reader)
    live = postings.live()
    for field in ("title", "body", "captions", "subheads", "places", "topics", "source"):
        for term in reader.lexicon(field):
            docs, weights = postings.read_term(field, term)
            keep = live[docs]
            pairs = list(zip(docs[keep].tolist(), weights[keep].tolist(), strict=True))
            assert pairs == whoosh_postings(reader, field, term), (field, term)


def test_results_are_the_same_with_and_without_the_arrays(arrays_index: Path) -> None:
    with Engine.for_index(whoosh_index.open_dir(str(arrays_index))) as fast:
        slow = Engine.for_index(segmented_plain_index())
        for query in QUERIES:
            ours, theirs = fast.search(query), slow.search(query)
            assert ours.total == theirs.total and ours.facets == theirs.facets, query
            assert ours.hits == theirs.hits, query


def test_a_damaged_or_missing_arrays_file_falls_back_to_whoosh(arrays_index: Path) -> None:
    files = sorted(arrays_index.glob(f"*{EXTENSION}"))
    files[0].write_bytes(files[0].read_bytes()[:100])  # truncated
    files[1].write_bytes(b"not an arrays file at all")
    files[2].unlink()
    reader = whoosh_index.open_dir(str(arrays_index)).reader()
    assert [open_segment_arrays(leaf) for leaf, _ in reader.leaf_readers()] == [None] * 3
    with Engine.for_index(whoosh_index.open_dir(str(arrays_index))) as engine:
        expected = Engine.for_index(segmented_plain_index()).search("oil prices")
        assert engine.search("oil prices").hits == expected.hits


def test_words_longer_than_the_table_keeps_are_still_found() -> None:
    long_word = "x" * (MAX_TERM_BYTES + 10)
    article = Article(id="long", title="Odd token", body=f"A {long_word} appears here.")
    folder = copy_of(write_index([*sample_articles()[:5], article]))
    write_missing_arrays(folder)
    with Engine.for_index(whoosh_index.open_dir(str(folder))) as engine:
        assert [hit.id for hit in engine.search(long_word).hits] == ["long"]
        assert engine.search("odd token").hits[0].id == "long"


def test_builds_and_merging_refreshes_leave_arrays_for_exactly_the_live_segments(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(12):
        (corpus / f"story{number}.txt").write_text(
            f"Story number {number} about cocoa\n\nCocoa prices moved {number} points today.\n"
        )
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, procs=1)
    for number in range(12, 40):  # many small refreshes: Whoosh merges small segments
        (corpus / f"story{number}.txt").write_text(f"Late story {number}\n\nMore cocoa news.\n")
        build_index(None, index_dir, procs=1)
        generation = current_generation_dir(index_dir)
        segments = {s.segment_id() for s in whoosh_index.open_dir(str(generation))._segments()}
        arrays = {path.name.removesuffix(EXTENSION) for path in generation.glob(f"*{EXTENSION}")}
        assert arrays == segments
    assert_arrays_equal_the_segments(current_generation_dir(index_dir))
    with Engine.open(index_dir) as engine:
        assert engine.search("cocoa").total == 40
        reader = engine._searcher.reader()  # the arrays really are what answers
        assert all(open_segment_arrays(leaf) is not None for leaf, _ in reader.leaf_readers())


def test_arrays_of_a_segment_with_deletions_written_later_still_mask_them() -> None:
    ix = write_index(sample_articles()[:20])
    writer = ix.writer()
    writer.delete_by_term("id", sample_articles()[3].id)
    writer.add_document(**article_to_document(sample_articles()[30]))
    writer.commit(merge=False)
    folder = copy_of(ix)
    write_missing_arrays(folder)
    with Engine.for_index(whoosh_index.open_dir(str(folder))) as engine:
        ids = {hit.id for hit in engine.search("*", page_size=100).hits}
    assert sample_articles()[3].id not in ids and sample_articles()[30].id in ids
    assert len(ids) == 20


def test_arrays_hold_docnums_and_weights_compactly(arrays_index: Path) -> None:
    reader = whoosh_index.open_dir(str(arrays_index)).reader()
    leaf, _ = reader.leaf_readers()[0]
    arrays = open_segment_arrays(leaf)
    assert arrays is not None
    found = arrays.postings("body", b"oil")
    assert found is not None
    docs, weights = found
    assert docs.dtype == np.int32 and weights.dtype == np.uint8 and len(docs) > 0
    assert arrays.postings("body", b"no-such-term-anywhere") is not None  # known absent
    assert arrays.postings("no_such_field", b"oil") is None  # cannot say: ask Whoosh
