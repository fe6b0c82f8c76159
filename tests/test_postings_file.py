"""Each segment's postings file: written with the segment, the engine's one way to read
postings, and always giving exactly what Whoosh's own matchers give.

A wrong docnum or weight here would silently change which articles match and how they
rank, so every check compares with Whoosh on indexes with several segments and deleted
documents.  A missing, old or damaged file must give the same answers (computed in
memory, with a warning), be reported by ``newsdesk stats`` and be rewritten by the next
``newsdesk index``.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from test_search_fastpaths import segmented_index, segmented_plain_index
from test_search_support import sample_articles, scratch_dir, write_index
from whoosh import index as whoosh_index

from corpus import Article
from index import build_index, index_stats, whoosh_adapter
from index.arrays_writing import (
    postings_path,
    postings_problems,
    repair_postings_files,
    write_segment_postings,
)
from index.documents import article_to_document
from index.opening import current_generation_dir
from index.postings_file import EXTENSION, PostingsFile, PostingsFileError
from index.segment_arrays import open_postings_files
from search import Engine
from search.matching.postings import Postings

QUERIES = [
    "oil", "oil prices", "cocoa -brazil", "place:usa", "(oil OR gold) prices", "hawija",
    '"oil prices"', '"prices oil"~3', 'title:"crude oil"',
]  # fmt: skip


def copy_of(folder: Path) -> Path:
    target = scratch_dir("newsdesk-postings-test-")
    shutil.copytree(folder, target, dirs_exist_ok=True)
    return target


@pytest.fixture
def segmented_copy() -> Iterator[Path]:
    """The three-segment sample with deletions, every segment's postings file written."""
    folder = copy_of(Path(segmented_index().storage.folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def assert_files_equal_the_segments(generation: Path) -> None:
    """Every postings file is byte for byte the one read back from its segment."""
    scratch = scratch_dir("newsdesk-readback-")
    try:
        for reader in whoosh_adapter.segment_readers(generation):
            written = postings_path(generation, reader.segment())
            assert written.exists(), written
            again = write_segment_postings(reader, scratch / written.name)
            reader.close()
            assert again.read_bytes() == written.read_bytes(), written.name
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def whoosh_postings(reader: object, field: str, term: bytes) -> list[tuple[int, float]]:
    matcher = reader.postings(field, term)  # type: ignore[attr-defined]
    found = []
    while matcher.is_active():  # Whoosh skips deleted documents itself
        found.append((matcher.id(), matcher.weight()))
        matcher.next()
    return found


def test_every_term_read_from_the_files_equals_whooshs_postings() -> None:
    reader = segmented_index().reader()
    postings = Postings(reader, open_postings_files(reader))
    live = postings.live()
    checked = 0
    for field in ("title", "body", "captions", "subheads", "places", "topics", "source"):
        for term in reader.lexicon(field):
            docs, weights = postings.read_term(field, term)
            keep = live[docs]
            pairs = list(zip(docs[keep].tolist(), weights[keep].tolist(), strict=True))
            assert pairs == whoosh_postings(reader, field, term), (field, term)
            checked += 1
    assert checked > 10_000


def test_every_terms_positions_read_from_the_files_equal_whooshs() -> None:
    """Phrases are checked from the files' positions: each posting's, in order."""
    reader = segmented_index().reader()
    files = open_postings_files(reader)
    checked = 0
    for (segment, _), file in zip(reader.leaf_readers(), files, strict=True):
        for field in ("title", "body"):
            for term in list(segment.lexicon(field))[::3]:
                docs, weights, positions = file.term_positions(field, term)
                ends = np.cumsum(weights.astype(np.int64))
                ours = {
                    docnum: positions[end - int(count) : end].tolist()
                    for docnum, count, end in zip(
                        docs.tolist(), weights, ends.tolist(), strict=True
                    )
                }
                matcher = segment.postings(field, term)
                while matcher.is_active():
                    assert ours[matcher.id()] == list(matcher.value_as("positions")), term
                    checked += 1
                    matcher.next()
    assert checked > 15_000


def test_missing_old_or_damaged_files_give_the_same_answers_and_a_warning(
    segmented_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    files = sorted(segmented_copy.glob(f"*{EXTENSION}"))
    files[0].write_bytes(files[0].read_bytes()[:100])  # truncated
    files[1].write_bytes(b"NDPOSTS2" + b"\0" * 200)  # format 2: no positions (older newsdesk)
    files[2].unlink()
    problems = list(postings_problems(segmented_copy, checksums=False))
    assert sorted(problem.split(" ", 1)[1] for problem in problems) == [
        "is in format 2 (written by an older newsdesk)",
        "is missing",
        "is truncated",
    ]
    expected = Engine.for_index(segmented_index())
    damaged = whoosh_index.open_dir(str(segmented_copy))
    with caplog.at_level(logging.WARNING), Engine.for_index(damaged) as engine:
        for query in QUERIES:
            ours, theirs = engine.search(query), expected.search(query)
            assert ours.total == theirs.total and ours.facets == theirs.facets, query
            assert ours.hits == theirs.hits, query
    warned = " ".join(record.getMessage() for record in caplog.records)
    assert "is missing: computing it in memory; run `newsdesk index`" in warned
    assert len(repair_postings_files(segmented_copy)) == 3
    assert not list(postings_problems(segmented_copy, checksums=True))
    assert_files_equal_the_segments(segmented_copy)


def test_a_plain_whoosh_index_is_searched_through_computed_files() -> None:
    """An index with no postings files at all (stock Whoosh wrote it) still answers
    every query as the same index with its files does."""
    plain, files = Engine.for_index(segmented_plain_index()), Engine.for_index(segmented_index())
    for query in QUERIES:
        assert plain.search(query).hits == files.search(query).hits, query


def test_words_of_any_length_are_found() -> None:
    long_word = "x" * 300  # longer than any fixed-width term table would keep
    article = Article(id="long", title="Odd token", body=f"A {long_word} appears here.")
    with Engine.for_index(write_index([*sample_articles()[:5], article])) as engine:
        assert [hit.id for hit in engine.search(long_word).hits] == ["long"]
        assert engine.search("odd token").hits[0].id == "long"
        assert engine.search(long_word[:-1] + "*").total == 1


def test_builds_and_merging_refreshes_leave_files_for_exactly_the_live_segments(
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
        segments = {r.segment().segment_id() for r in whoosh_adapter.segment_readers(generation)}
        files = {path.name.removesuffix(EXTENSION) for path in generation.glob(f"*{EXTENSION}")}
        assert files == segments
    assert_files_equal_the_segments(current_generation_dir(index_dir))
    with Engine.open(index_dir) as engine:
        assert engine.search("cocoa").total == 40


def test_a_refresh_rewrites_a_lost_file_and_stats_reports_a_damaged_one(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(5):
        (corpus / f"story{number}.txt").write_text(f"Story {number}\n\nCocoa prices rose.\n")
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, procs=1)
    [lost] = current_generation_dir(index_dir).glob(f"*{EXTENSION}")
    lost.unlink()
    assert "is missing" in index_stats(index_dir).postings_problems[0]
    summary = build_index(None, index_dir, procs=1)  # nothing changed in the corpus
    assert summary.repaired.startswith("postings: ") and "is missing" in summary.repaired
    [rewritten] = current_generation_dir(index_dir).glob(f"*{EXTENSION}")
    assert index_stats(index_dir).postings_problems == []
    data = bytearray(rewritten.read_bytes())
    data[40] ^= 0xFF  # a flipped bit inside the first array
    rewritten.write_bytes(bytes(data))
    [problem] = index_stats(index_dir).postings_problems
    assert problem.endswith("is damaged (checksum mismatch)") and rewritten.name in problem
    with Engine.open(index_dir) as engine:  # opening checks the shape only: still answers
        assert engine.search("cocoa").total == 5


def test_deletions_in_earlier_segments_stay_masked() -> None:
    ix = write_index(sample_articles()[:20])
    writer = ix.writer()
    writer.delete_by_term("id", sample_articles()[3].id)
    writer.add_document(**article_to_document(sample_articles()[30]))
    writer.commit(merge=False)
    with Engine.for_index(ix) as engine:
        ids = {hit.id for hit in engine.search("*", page_size=100, every_version=True).hits}
    assert sample_articles()[3].id not in ids and sample_articles()[30].id in ids
    assert len(ids) == 20


def test_files_hold_docnums_and_weights_compactly() -> None:
    reader = segmented_index().reader()
    postings = open_postings_files(reader)[0]
    docs, weights = postings.postings("body", b"oil")
    assert docs.dtype == np.int32 and weights.dtype == np.uint8 and len(docs) > 0
    assert len(postings.postings("body", b"no-such-term-anywhere")[0]) == 0
    terms = postings.terms("body")
    assert terms == sorted(terms) and len(terms) > 5000
    assert postings.terms_starting("body", b"oil") == [t for t in terms if t.startswith(b"oil")]


def test_a_file_for_another_segment_is_refused(segmented_copy: Path) -> None:
    reader = next(whoosh_adapter.segment_readers(segmented_copy))
    path, count = postings_path(segmented_copy, reader.segment()), reader.doc_count_all()
    reader.close()
    assert PostingsFile(path, count).directory["doc_count"] == count
    with pytest.raises(PostingsFileError, match=f"describes {count} documents, its segment has"):
        PostingsFile(path, count + 1)
