"""The three changes ``index.whoosh_patches`` makes to Whoosh 2.7.4, one test each, on an
index written by the production build."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from test_search_support import sample_index_dir
from whoosh import query as wq
from whoosh.codec import whoosh3
from whoosh.filedb import compound

from index import open_index, whoosh_patches
from search import Engine


def _segment_bytes(index_dir: Path) -> int:
    return sum(path.stat().st_size for path in index_dir.glob("gen-*/*.seg"))


def test_opening_and_searching_copies_only_what_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unpatched, Whoosh copied every sub-file of a memory-mapped segment into a BytesIO
    when it opened it: the postings, terms and stored fields of the whole archive."""
    index_dir = sample_index_dir()
    segments = _segment_bytes(index_dir)
    assert segments > 4_000_000
    tracemalloc.start()
    try:
        with Engine.open(index_dir) as engine:
            found = engine.search('"oil prices" OR gold')
            assert found.total > 10
            _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < segments / 2, (peak, segments)  # unpatched: more than the segments
    # The same answers as Whoosh's own copying reads.
    with Engine.open(index_dir) as engine:
        patched = engine.search('"oil prices" OR gold', page_size=50)
    monkeypatch.setattr(whoosh_patches, "apply", lambda: None)
    monkeypatch.setattr(compound.CompoundStorage, "open_file", whoosh_patches._original_open_file)
    with Engine.for_index(open_index(index_dir)) as engine:
        copied = engine.search('"oil prices" OR gold', page_size=50)
    assert patched.hits == copied.hits and patched.facets == copied.facets


def test_a_missing_column_is_looked_up_once_per_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    whoosh_patches.apply()
    ix = open_index(sample_index_dir())
    [segment] = ix._segments()
    per_doc = ix._segments()[0].codec().per_document_reader(ix.storage, segment)
    asked: list[str] = []
    original = whoosh3.W3PerDocReader.has_column

    def counting(self: object, fieldname: str) -> bool:
        asked.append(fieldname)
        return bool(original(self, fieldname))

    monkeypatch.setattr(whoosh3.W3PerDocReader, "has_column", counting)
    for _ in range(3):
        assert per_doc._cached_reader("_no_such_len", None) is None
    assert asked == ["_no_such_len"]


def test_a_coordinated_query_of_one_term_keeps_its_score() -> None:
    """An any-word query whose words but one are in no article: Whoosh's SQR factor
    (terms - 1) / terms was 0, so every result scored 0 (ranked in index order)."""
    whoosh_patches.apply()
    ix = open_index(sample_index_dir())
    with ix.searcher() as searcher:
        one_term = wq.Or([wq.Term("body", "oil"), wq.Term("body", "zzzqx")], scale=0.9)
        coordinated = one_term.matcher(searcher)
        plain = wq.Term("body", "oil").matcher(searcher)
        assert coordinated.id() == plain.id()
        assert coordinated.score() == plain.score() > 0
        two_terms = wq.Or([wq.Term("body", "oil"), wq.Term("body", "price")], scale=0.9)
        matcher = two_terms.matcher(searcher)  # (more than one term: coordinated as before)
        assert type(matcher).__name__ == "CoordMatcher"
