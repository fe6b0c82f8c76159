"""Whole shared corpora index completely: document counts equal the corpus counts."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest
from test_postings_file import assert_files_equal_the_segments
from whoosh.query import Term

from index import build_index, index_stats, open_index
from index.opening import current_generation_dir
from index.postings_file import EXTENSION
from search import Engine

pytestmark = [pytest.mark.slow, pytest.mark.corpora]


@pytest.fixture(scope="module")
def reuters_index(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("reuters-index")
    summary = build_index([corpora / "reuters21578" / "reuters21578.tar.gz"], index_dir)
    assert summary.skipped == []
    return index_dir


def test_reuters_21578_indexes_every_record(reuters_index: Path) -> None:
    ix = open_index(reuters_index)
    assert ix.doc_count() == 21_578
    segments = {segment.segment_id() for segment in ix._segments()}
    generation = current_generation_dir(reuters_index)
    arrays = {path.name.removesuffix(EXTENSION) for path in generation.glob(f"*{EXTENSION}")}
    assert len(segments) == 2 and arrays == segments  # one per worker, written by it
    assert_files_equal_the_segments(generation)
    with ix.searcher() as searcher:
        assert searcher.document(id="1")["title"] == "BAHIA COCOA REVIEW"
        assert searcher.document(id="21578") is not None
        cocoa = {hit["id"] for hit in searcher.search(Term("topics", "cocoa"), limit=None)}
    assert "1" in cocoa and len(cocoa) > 50
    stats = index_stats(reuters_index)
    assert stats.date_min is not None and stats.date_min.strftime("%Y-%m-%d") == "1987-02-26"
    assert stats.date_max is not None and stats.date_max.year == 1987


def test_reuters_refresh_finds_nothing_changed(reuters_index: Path) -> None:
    summary = build_index(None, reuters_index)
    assert (summary.added, summary.updated, summary.deleted) == (0, 0, 0)
    assert summary.unchanged == 21_578


def test_bbc_indexes_every_story(corpora: Path, tmp_path: Path) -> None:
    summary = build_index([corpora / "bbc" / "bbc-fulltext.tar.gz"], tmp_path / "bbc")
    assert summary.skipped == []
    assert summary.total == 2_225 == open_index(tmp_path / "bbc").doc_count()
    categories = dict(index_stats(tmp_path / "bbc").top_facets["category"])
    assert categories == {
        "business": 510,
        "entertainment": 386,
        "politics": 417,
        "sport": 511,
        "tech": 401,
    }


def _reuters_files(corpora: Path, folder: Path, names: tuple[str, ...]) -> Path:
    """A few of Reuters-21578's SGML files, unpacked into their own corpus folder."""
    folder.mkdir()
    with tarfile.open(corpora / "reuters21578" / "reuters21578.tar.gz") as archive:
        for name in names:
            member = archive.extractfile(f"reuters21578/{name}")
            assert member is not None
            (folder / name).write_bytes(member.read())
    return folder


@pytest.mark.parametrize("files", [("reut2-000.sgm",), ("reut2-000.sgm", "reut2-001.sgm")])
def test_corpora_sharing_ids_keep_every_article(
    corpora: Path, tmp_path: Path, files: tuple[str, ...]
) -> None:
    """Reuters NEWIDs and TIME numbers both start at 1: indexed together, no story is lost
    (with one file, the in-process build; with two, over 2,000 articles, the split one)."""
    reuters = _reuters_files(corpora, tmp_path / "reuters", files)
    time_docs = corpora / "time" / "time-docs.tar.gz"
    index_dir = tmp_path / "index"
    summary = build_index([reuters, time_docs], index_dir)
    assert summary.skipped == []
    assert summary.total == 1000 * len(files) + 423
    with open_index(index_dir).searcher() as searcher:
        assert searcher.document(id="17")["source"] == "Reuters"  # Reuters keeps its NEWIDs
        time_17 = searcher.document(id="time-docs:17")
        assert time_17 is not None and time_17["title"].startswith("THE ALLIES AFTER NASSAU")
    again = build_index(None, index_dir)
    assert (again.added, again.updated, again.deleted) == (0, 0, 0)


def test_a_large_refresh_writes_arrays_that_equal_its_segments(
    corpora: Path, tmp_path: Path
) -> None:
    """Adding 2,000+ articles to an index goes through Whoosh's multi-process writer,
    whose worker processes write the new segments' arrays files as they write them."""
    folder = _reuters_files(corpora, tmp_path / "reuters", ("reut2-000.sgm",))
    index_dir = tmp_path / "index"
    build_index([folder], index_dir)
    _reuters_files(corpora, tmp_path / "more", ("reut2-001.sgm", "reut2-002.sgm"))
    for name in ("reut2-001.sgm", "reut2-002.sgm"):
        (tmp_path / "more" / name).rename(folder / name)
    summary = build_index(None, index_dir)
    assert summary.added == 2000
    generation = current_generation_dir(index_dir)
    assert len(open_index(index_dir)._segments()) >= 3  # the workers' segments, unmerged
    assert_files_equal_the_segments(generation)
    with open_index(index_dir).searcher() as searcher:
        expected = {hit["id"] for hit in searcher.search(Term("body", "oil"), limit=None)}
    with Engine.open(index_dir) as engine:
        found = engine.search("body:oil", page_size=1000, every_version=True)
        assert {hit.id for hit in found.hits} == expected and len(expected) > 100
