"""The compact segment writer (``index.segment_writing``) writes the very segment stock
Whoosh 2.7.4 writes, byte for byte, with its postings file, and a build's workers cut a
new segment whenever their pool outgrows their share of ``--limitmb``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from test_search_support import sample_articles
from whoosh import index as whoosh_index
from whoosh.formats import Positions
from whoosh.qparser import QueryParser
from whoosh.writing import SegmentWriter

from corpus import Article
from index import build_index, open_index, whoosh_adapter
from index.arrays_writing import write_segment_postings
from index.documents import article_to_document
from index.schema import build_schema
from index.segment_writing import CompactPool, TextIndexer, compact_segment_writer
from search import Engine


def _write(folder: Path, articles: Sequence[Article], make: Callable[..., Any]) -> Any:
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = make(ix)
    for article in articles:
        writer.add_document(**article_to_document(article))
    writer.commit()
    [segment] = whoosh_index.open_dir(str(folder))._segments()
    return segment


def _segment_files(folder: Path, segment: Any) -> dict[str, bytes]:
    """Each file of a (non-compound) segment by what follows the segment's id."""
    segid = segment.segment_id()
    return {
        path.name.split(segid, 1)[1]: path.read_bytes()
        for path in folder.iterdir()
        if segid in path.name and not path.name.endswith(".postarrays")
    }


def test_the_compact_writer_writes_whooshs_segment_byte_for_byte(tmp_path: Path) -> None:
    articles = sample_articles()[:400]
    stock = _write(tmp_path / "stock", articles, lambda ix: SegmentWriter(ix, compound=False))
    ours = _write(
        tmp_path / "ours", articles, lambda ix: compact_segment_writer(ix, compound=False)
    )
    theirs, mine = (
        _segment_files(tmp_path / "stock", stock),
        _segment_files(tmp_path / "ours", ours),
    )
    assert sorted(mine) == sorted(theirs) and len(theirs) >= 4  # terms, postings, columns...
    assert sum(map(len, theirs.values())) > 500_000
    for suffix, data in theirs.items():
        assert mine[suffix] == data, suffix


def test_the_postings_file_from_the_pool_equals_one_read_back_from_the_segment(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "ours"
    _write(folder, sample_articles(), compact_segment_writer)
    [path] = folder.glob("*.postarrays")
    written = path.read_bytes()
    path.unlink()
    [reader] = whoosh_adapter.segment_readers(folder)
    assert write_segment_postings(reader, path) == path
    assert path.read_bytes() == written


def test_stock_whoosh_searches_it_as_it_searches_its_own(tmp_path: Path) -> None:
    """A segment cut from the compact pool opens in stock Whoosh 2.7.4 (no newsdesk
    patches), and its searches equal those of the segment Whoosh writes itself."""
    articles = sample_articles()
    found = []
    for name, make in (("stock", SegmentWriter), ("ours", compact_segment_writer)):
        _write(tmp_path / name, articles, make)
        ix = whoosh_index.open_dir(str(tmp_path / name))
        with ix.searcher() as searcher:
            parser = QueryParser("body", ix.schema)
            found.append(
                [
                    [(hit["id"], round(hit.score, 6)) for hit in searcher.search(parser.parse(q))]
                    for q in ('"oil prices"', "opec OR saudi", "title:iraq", "places:japan")
                ]
            )
    assert found[0] == found[1] and all(found[0])


TRICKY = [
    "The U.S. and the E.U. said so.", "İstanbul ISTANBUL istanbul Kılıç kilic",
    "a an the of to", "3.5% rose 1,000.25 points; x y z", "", "   ", "naïve café façade",
    "oil-price oil_price OIL", "The the THE", "Ünïcödé ﬁnance ﬂows", "e.g. i.e. U.S.A.",
]  # fmt: skip


def test_text_indexing_computes_what_whooshs_analyzer_chain_computes() -> None:
    schema = build_schema()
    for name in ("title", "body"):
        field = schema[name]
        assert TextIndexer.fits(field)
        fast = TextIndexer(field)
        texts = TRICKY + [a.body for a in sample_articles()] + [a.title for a in sample_articles()]
        for text in texts:
            assert sorted(fast(text)) == sorted(field.index(text)), text


def test_a_commit_pickles_whooshs_own_schema(tmp_path: Path) -> None:
    """The fast text indexing lives on the writer's copy of the schema only while
    documents are added: the TOC a commit writes names no newsdesk class, so stock
    Whoosh opens the index without newsdesk installed."""
    folder = tmp_path / "ours"
    _write(folder, sample_articles()[:50], compact_segment_writer)
    [toc] = folder.glob("_MAIN_*.toc")
    data = toc.read_bytes()
    assert b"whoosh.fields" in data and b"segment_writing" not in data


def test_the_pool_sorts_postings_as_whoosh_does() -> None:
    pool = CompactPool()
    at = Positions().encode  # what a text field's posting value holds: its word positions
    items = [
        ("body", b"oil", 3, 1.0, at([4])), ("body", b"gas", 1, 2.0, at([0, 9])),
        ("body", b"oil", 1, 2.0, at([2, 5])), ("title", b"oil", 0, 1.0, at([1])),
        ("body", b"gas", 0, 1.0, at([7])), ("places", b"norway", 0, 1.0, None),
    ]  # fmt: skip
    for item in items:
        pool.add(item)
    expected = sorted((f, t, d, w, v or b"") for f, t, d, w, v in items)
    assert list(pool.iter_postings()) == expected


def test_build_workers_cut_segments_to_stay_within_their_memory_budget(
    corpora: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With 16 MB a worker, Reuters-21578 needs several segments per worker, and the
    index answers exactly as one built in one segment per worker."""
    reuters = corpora / "reuters21578" / "reuters21578.tar.gz"
    whole = tmp_path / "whole"
    build_index([reuters], whole, limitmb=1024)
    cut = tmp_path / "cut"
    build_index([reuters], cut, limitmb=32)  # 16 MB a worker
    assert len(open_index(whole)._segments()) == 2
    assert len(open_index(cut)._segments()) >= 4
    with Engine.open(whole) as one, Engine.open(cut) as many:
        everything = one.search("", page_size=1), many.search("", page_size=1)
        assert everything[0].total + everything[0].folded == 21_578
        assert everything[0].total == everything[1].total
        assert everything[0].facets == everything[1].facets
        for query in ("cocoa", "interest rates", '"crude oil"', "gold -silver"):
            a, b = one.search(query, page_size=3000), many.search(query, page_size=3000)
            assert a.total == b.total == len(a.hits) and a.facets == b.facets
            scores = {hit.id: round(hit.score, 5) for hit in a.hits}
            assert scores == {hit.id: round(hit.score, 5) for hit in b.hits}
