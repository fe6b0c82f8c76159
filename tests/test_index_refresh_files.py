"""A refresh reads only the corpus files that changed since the last one (same size and
modification time: replayed from the generation's files table), and still finds every
change, reports every skip and warning, and never trusts a time stamp too close to the
read that recorded it."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_index_build import story, write_jsonl

from corpus import reader
from index import build_index
from search import Engine

LONG_AGO = time.time() - 3600


def _files(folder: Path, count: int = 4, per_file: int = 3) -> None:
    for number in range(count):
        stories = [story(number * per_file + n + 1) for n in range(per_file)]
        write_jsonl(folder / f"part-{number}.jsonl", stories)
        _age(folder / f"part-{number}.jsonl")


def _age(path: Path, when: float = LONG_AGO) -> None:
    os.utime(path, (when, when))


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each corpus file's articles were read (not just sniffed)."""
    counts: Counter[str] = Counter()
    read_entry = reader._read_entry

    def counted(entry: Any, *args: Any) -> Iterator[Any]:
        counts[Path(entry.path).name] += 1
        return read_entry(entry, *args)

    monkeypatch.setattr(reader, "_read_entry", counted)
    return counts


def _bodies(index_dir: Path) -> dict[str, str]:
    with Engine.open(index_dir) as engine:
        results = engine.search("", page_size=1000, facets=False, snippets=False)
        return {hit.id: engine.get(hit.id).body for hit in results.hits}


def test_a_refresh_reads_only_the_files_that_changed(tmp_path: Path, reads: Counter[str]) -> None:
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    _files(corpus)
    build_index([corpus], index_dir)
    assert sum(reads.values()) == 4
    reads.clear()

    unchanged = build_index(None, index_dir)
    assert (unchanged.unchanged, unchanged.changed, sum(reads.values())) == (12, False, 0)

    # One file edited, one only touched, one deleted, one added.
    write_jsonl(corpus / "part-0.jsonl", [story(1, "Cranes stood idle."), story(2), story(3)])
    _age(corpus / "part-0.jsonl", LONG_AGO + 60)
    _age(corpus / "part-1.jsonl", LONG_AGO + 60)
    (corpus / "part-2.jsonl").unlink()
    write_jsonl(corpus / "part-9.jsonl", [story(40)])
    _age(corpus / "part-9.jsonl")
    summary = build_index(None, index_dir)
    assert (summary.added, summary.updated, summary.deleted, summary.unchanged) == (1, 1, 3, 8)
    assert reads == Counter({"part-0.jsonl": 1, "part-1.jsonl": 1, "part-9.jsonl": 1})
    bodies = _bodies(index_dir)
    assert bodies["story-1"] == "Cranes stood idle." and "story-7" not in bodies
    assert len(bodies) == 10

    reads.clear()  # what was read is remembered, even by a refresh that wrote nothing
    assert not build_index(None, index_dir).changed
    (corpus / "part-1.jsonl").touch()  # now: too close to the read to be trusted later
    _age(corpus / "part-1.jsonl", LONG_AGO + 120)
    assert not build_index(None, index_dir).changed
    assert reads == Counter({"part-1.jsonl": 1})


def test_a_file_edited_right_after_it_was_read_is_read_again(
    tmp_path: Path, reads: Counter[str]
) -> None:
    """Same size, same time stamp, new words: a time stamp within two seconds of the read
    that recorded it is never trusted (git's "racy" files)."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    write_jsonl(corpus / "wire.jsonl", [story(1, "Ships unloaded grain.")])
    stamp = (corpus / "wire.jsonl").stat().st_mtime_ns  # just now
    build_index([corpus], index_dir)
    write_jsonl(corpus / "wire.jsonl", [story(1, "Ships unloaded wheat.")])  # same size
    os.utime(corpus / "wire.jsonl", ns=(stamp, stamp))
    summary = build_index(None, index_dir)
    assert summary.updated == 1 and _bodies(index_dir)["story-1"] == "Ships unloaded wheat."


def test_an_unchanged_file_still_reports_its_skips_and_warnings_and_one_skipped_whole_is_reread(
    tmp_path: Path, reads: Counter[str]
) -> None:
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    write_jsonl(corpus / "good.jsonl", [story(1)])
    (corpus / "latin1.jsonl").write_bytes(
        b'{"id": "story-2", "title": "Caf\xe9 strike", "body": "Waiters walked out."}\n'
    )
    broken = '{"id": "story-3", "title": "Docks", "body": "x"}\n{oops\n'
    (corpus / "broken.jsonl").write_text(broken)
    (corpus / "notes").mkdir()  # a story over --max-article-mb: skipped whole
    (corpus / "notes" / "long.txt").write_text("Dockers strike\n\n" + "The strike went on. " * 200)
    for path in [*corpus.iterdir(), corpus / "notes" / "long.txt"]:
        _age(path)
    first = build_index([corpus], index_dir, max_article_bytes=2000)
    reads.clear()
    again = build_index(None, index_dir)
    assert [str(skip) for skip in again.skipped] == [str(skip) for skip in first.skipped]
    assert [str(warn) for warn in again.warnings] == [str(warn) for warn in first.warnings]
    assert any("broken.jsonl:2" in str(skip) for skip in again.skipped)  # a bad record
    assert any("long.txt" in str(skip) for skip in again.skipped)
    assert any("latin1.jsonl" in str(warn) for warn in again.warnings)
    # Skipped whole, a file is read every time (it may become readable without
    # changing); a bad record is the file's content, replayed with it.
    assert reads == Counter({"long.txt": 1})
