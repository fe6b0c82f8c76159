"""Each generation's articles table (``index/articles_table.py``): a refresh learns what
the index holds from it instead of unpickling every stored article, and the table
follows every add, change, deletion and removal exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.reading import SegmentReader

from index import articles_table, build_index, open_index
from index.changes import IndexedArticle

pytestmark = [pytest.mark.corpora]

STORY = "{title}\n\n{title} was reported on Tuesday by officials, who said more was to come.\n"


def _stored_table(index_dir: Path) -> dict[str, IndexedArticle]:
    with open_index(index_dir).reader() as reader:
        return {
            stored["id"]: IndexedArticle(stored["corpus"], stored["content_hash"])
            for _, stored in reader.iter_docs()
        }


def _table(index_dir: Path) -> dict[str, IndexedArticle] | None:
    ix = open_index(index_dir)
    with ix.reader() as reader:
        return articles_table.read(Path(ix.storage.folder), reader.doc_count())


def _write(folder: Path, name: str, title: str) -> None:
    (folder / name).write_text(STORY.format(title=title), encoding="utf-8")


def test_the_table_follows_every_change(corpora: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    notes = tmp_path / "notes"
    notes.mkdir()
    for number in range(5):
        _write(notes, f"{number}.txt", f"Harbour strike day {number}")

    def check(expected: int) -> None:
        table = _table(index_dir)
        assert table == _stored_table(index_dir) and len(table) == expected

    build_index([notes], index_dir)  # a fresh build (the in-process writer)
    check(5)
    build_index([corpora / "bbc" / "bbc-fulltext.tar.gz"], index_dir)  # worker processes
    check(2_230)
    _write(notes, "1.txt", "Harbour strike ends")
    assert build_index(None, index_dir).updated == 1
    check(2_230)
    (notes / "2.txt").unlink()
    assert build_index([notes], index_dir).deleted == 1
    check(2_229)
    build_index(None, index_dir, remove=[notes])
    check(2_225)
    build_index(None, index_dir, rebuild=True)
    check(2_225)


def test_a_refresh_that_changes_nothing_reads_no_stored_article(
    corpora: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "index"
    build_index([corpora / "bbc" / "bbc-fulltext.tar.gz"], index_dir)

    def no_stored_reads(*_: object, **__: object) -> None:
        raise AssertionError("a stored article was read")

    monkeypatch.setattr(SegmentReader, "iter_docs", no_stored_reads)
    monkeypatch.setattr(SegmentReader, "stored_fields", no_stored_reads)
    summary = build_index(None, index_dir)
    assert not summary.changed and summary.unchanged == 2_225 and not summary.repaired


def test_without_a_table_a_refresh_reads_the_stored_articles_and_writes_one(
    corpora: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    build_index([corpora / "bbc" / "bbc-fulltext.tar.gz"], index_dir)
    (Path(open_index(index_dir).storage.folder) / articles_table.FILE).unlink()
    assert _table(index_dir) is None  # (also: an index written before the table existed)
    summary = build_index(None, index_dir)
    assert not summary.changed and summary.unchanged == 2_225
    assert summary.repaired.startswith("its articles table")
    assert _table(index_dir) == _stored_table(index_dir)
