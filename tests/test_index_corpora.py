"""Whole shared corpora index completely: document counts equal the corpus counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.query import Term

from index import build_index, index_stats, open_index

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
