"""One test per hook of ``index.whoosh_adapter`` on Whoosh 2.7.4's internals: each
must give what Whoosh's public API gives, so a Whoosh that moved an attribute fails here
rather than in a ranking or a facet count.  (``hook_segment_writer`` is tested byte for
byte in ``tests/test_segment_writing.py``.)"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any

from test_search_fastpaths import segmented_index
from test_search_support import sample_articles
from whoosh import index as whoosh_index
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from index import near_duplicates, whoosh_adapter
from index.documents import article_to_document
from index.schema import build_schema


def _leaves() -> list[tuple[Any, int]]:
    return list(segmented_index().reader().leaf_readers())


def test_posting_blocks_equal_the_matchers_postings() -> None:
    for segment, _ in _leaves():
        live = set(segment.all_doc_ids())  # the blocks hold deleted documents too
        for term in list(segment.lexicon("body"))[::50]:
            blocks = list(whoosh_adapter.posting_blocks(segment.postings("body", term)))
            ids = [d for ids, _ in blocks for d in ids.tolist()]
            weights = [w for _, weights in blocks for w in weights.tolist()]
            kept = [(d, w) for d, w in zip(ids, weights, strict=True) if d in live]
            matcher = segment.postings("body", term)
            expected = []
            while matcher.is_active():
                expected.append((matcher.id(), matcher.weight()))
                matcher.next()
            assert kept == expected


def test_posting_positions_are_each_postings_word_positions() -> None:
    for segment, _ in _leaves():
        for term in list(segment.lexicon("body"))[::40]:
            blocks = list(whoosh_adapter.posting_positions(segment.postings("body", term)))
            got = {}
            for ids, weights, at in blocks:
                got.update(zip(ids.tolist(), zip(weights.tolist(), at, strict=True), strict=True))
            matcher = segment.postings("body", term)
            while matcher.is_active():
                weight, positions = got[matcher.id()]
                assert positions == list(matcher.value_as("positions"))
                assert weight == matcher.weight() == len(positions)
                matcher.next()


def test_field_postings_walk_the_lexicon_in_order() -> None:
    for segment, _ in _leaves():
        walked = list(whoosh_adapter.field_postings(segment, "places"))
        assert [term for term, _ in walked] == list(segment.lexicon("places"))
        for term, matcher in walked[:20]:
            assert list(matcher.all_ids()) == list(segment.postings("places", term).all_ids())


def test_wildcard_terms_match_the_pattern() -> None:
    reader = segmented_index().reader()
    expected = [t for t in reader.lexicon("body") if fnmatch.fnmatchcase(t.decode(), "pri?e*")]
    assert sorted(whoosh_adapter.wildcard_terms(reader, "body", "pri?e*")) == expected
    assert len(expected) >= 2


def test_segment_readers_and_storage_folder() -> None:
    folder = Path(segmented_index().storage.folder)
    readers = list(whoosh_adapter.segment_readers(folder))
    counts = [segment.doc_count_all() for segment, _ in _leaves()]
    assert [reader.doc_count_all() for reader in readers] == counts and len(counts) == 3
    assert whoosh_adapter.storage_folder(readers[0].storage()) == folder
    for reader in readers:
        reader.close()


def test_length_bytes_are_whooshs_quantised_field_lengths() -> None:
    for segment, _ in _leaves():
        count = segment.doc_count_all()
        raw = whoosh_adapter.length_bytes(segment, "body", count)
        lengths = [byte_to_length(int(b)) if b else 0 for b in raw.tolist()]
        assert lengths == [segment.doc_field_length(d, "body", 0) or 0 for d in range(count)]
        assert not whoosh_adapter.length_bytes(segment, "no_such_field", count).any()


def test_unsigned_column_reads_the_sortable_dates() -> None:
    for segment, _ in _leaves():
        count = segment.doc_count_all()
        column = list(segment.column_reader("date", translate=False))
        assert whoosh_adapter.unsigned_column(segment, "date", count).tolist() == column


def test_fixed_bytes_column_reads_the_signatures() -> None:
    width = near_duplicates.SIGNATURE_BYTES
    signed = 0
    for segment, _ in _leaves():
        count = segment.doc_count_all()
        column = list(segment.column_reader("near_signature", translate=False))
        rows = whoosh_adapter.fixed_bytes_column(segment, "near_signature", count, width)
        assert [bytes(row) for row in rows] == column
        signed += sum(1 for value in column if value != near_duplicates.NO_SIGNATURE)
    assert signed > 100  # (short Reuters items have none)


def test_deleted_docs_are_the_docnums_whoosh_skips() -> None:
    deleted = []
    for segment, _ in _leaves():
        live = set(segment.all_doc_ids())
        expected = [d for d in range(segment.doc_count_all()) if d not in live]
        assert sorted(whoosh_adapter.deleted_docs(segment).tolist()) == expected
        deleted.extend(expected)
    assert len(deleted) == 3


def test_a_finished_segment_commits_with_another_writers_deletions(tmp_path: Path) -> None:
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    first, second, third = sample_articles()[:3]
    with ix.writer() as writer:
        writer.add_document(**article_to_document(first))
        writer.add_document(**article_to_document(second))
    worker = SegmentWriter(ix, _lk=False)
    worker.add_document(**article_to_document(third))
    segment = whoosh_adapter.finish_segment(worker)
    parent = ix.writer()
    parent.delete_by_term("id", first.id)
    whoosh_adapter.commit_with_segments(parent, [segment])
    with whoosh_index.open_dir(str(tmp_path)).searcher() as searcher:
        assert {doc["id"] for doc in searcher.all_stored_fields()} == {second.id, third.id}
