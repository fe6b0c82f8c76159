"""A build's worker processes each read their own files, never the whole corpus: on a
corpus of many files every file is opened by one worker only, and no story is lost or
written twice, even when one file holds more than a worker's share."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import BinaryIO

import pytest
from test_index_corpora import _reuters_files

from corpus import CorpusReport, read_corpus, sources
from index import BuildProgress, build_index, progress, writer
from search import Engine

FOUR = ("reut2-000.sgm", "reut2-001.sgm", "reut2-002.sgm", "reut2-003.sgm")
EIGHT = tuple(f"reut2-{number:03}.sgm" for number in range(8))


def _log_opens(monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
    """Append "pid path" to ``log`` whenever any process of the build opens a corpus file
    (the workers are forked, so they inherit the patch)."""
    opening = sources.open_regular_file

    def logged(path: Path, inside: Path | None) -> BinaryIO:
        with log.open("a") as lines:
            lines.write(f"{os.getpid()} {Path(path).name}\n")
        return opening(path, inside)

    monkeypatch.setattr(sources, "open_regular_file", logged)


def _indexed_ids(index_dir: Path) -> Counter[str]:
    with Engine.open(index_dir) as engine:
        results = engine.search(
            "", page_size=100_000, facets=False, snippets=False, every_version=True
        )
        return Counter(hit.id for hit in results.hits)


def test_each_worker_reads_only_its_own_files(
    corpora: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _reuters_files(corpora, tmp_path / "reuters", FOUR)
    log = tmp_path / "opens.log"
    _log_opens(monkeypatch, log)
    # Every count reported (at most 4 a second otherwise: a fast machine reads these
    # 4,000 stories between two reports, and the estimates would go unseen).
    monkeypatch.setattr(progress, "_UPDATES_PER_SECOND", 1e9)
    events: list[BuildProgress] = []
    summary = build_index([folder], tmp_path / "index", procs=2, progress=events.append)
    assert summary.added == 4000  # past the threshold: the worker processes write it
    opened: dict[str, Counter[str]] = {name: Counter() for name in FOUR}
    for line in log.read_text().splitlines():
        pid, name = line.split()
        opened[name][pid] += 1
    parent = str(os.getpid())
    for name, by_process in opened.items():
        workers = [pid for pid in by_process if pid != parent]
        assert by_process[parent] == 2, name  # its first bytes, then its articles
        assert len(workers) == 1 and by_process[workers[0]] == 1, (name, by_process)
    assert len({pid for by in opened.values() for pid in by} - {parent}) == 2  # both worked
    assert _indexed_ids(tmp_path / "index") == Counter(
        article.id for article in read_corpus(folder, CorpusReport())
    )
    # A corpus new to the index: the reading phase estimates its total from the bytes
    # read, long before the last file, and ends on the exact count.
    reading = [event for event in events if event.phase == "reading"]
    estimated = [event for event in reading if event.total is not None and event.done < 4000]
    settled = [event for event in estimated if event.done >= 500]  # (past the first file's start)
    assert estimated and all(1000 <= event.total <= 8000 for event in estimated)  # type: ignore[operator]
    assert settled and all(2000 <= event.total <= 6000 for event in settled)  # type: ignore[operator]
    assert (reading[-1].done, reading[-1].total) == (4000, 4000)


def test_a_file_larger_than_a_share_is_split_between_workers(
    corpora: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _reuters_files(corpora, tmp_path / "parts", FOUR[:3])
    corpus = tmp_path / "one-file"
    corpus.mkdir()
    joined = b"".join((folder / name).read_bytes() for name in FOUR[:3])
    (corpus / "all.sgm").write_bytes(joined)  # 3,000 stories in one file
    log = tmp_path / "opens.log"
    _log_opens(monkeypatch, log)
    summary = build_index([corpus], tmp_path / "index", procs=2)
    assert summary.added == 3000
    workers = {line.split()[0] for line in log.read_text().splitlines()} - {str(os.getpid())}
    assert len(workers) == 2  # both write a part of it
    expected = Counter(article.id for article in read_corpus(corpus, CorpusReport()))
    assert _indexed_ids(tmp_path / "index") == expected  # each story once


def test_a_refresh_with_renamed_ids_writes_them_from_the_workers(
    corpora: Path, tmp_path: Path
) -> None:
    """Ids taken by an earlier corpus are renamed in the plan; the workers apply it."""
    first = _reuters_files(corpora, tmp_path / "first", FOUR[:1])
    second = _reuters_files(corpora, tmp_path / "second", FOUR[:1])
    changed = (second / FOUR[0]).read_bytes().replace(b"-1987 ", b"-1986 ")  # other dates
    (second / FOUR[0]).write_bytes(changed)
    more = _reuters_files(corpora, tmp_path / "more", FOUR[1:3])
    (second / "more.sgm").write_bytes(b"".join(p.read_bytes() for p in sorted(more.iterdir())))
    build_index([first], tmp_path / "index", procs=2)
    summary = build_index([second], tmp_path / "index", procs=2)
    assert summary.added == 3000  # past the threshold: the workers write them
    ids = _indexed_ids(tmp_path / "index")
    assert len(ids) == 4000 and max(ids.values()) == 1
    firsts = {article.id: article.content_hash for article in read_corpus(first)}
    seconds = list(read_corpus(second / FOUR[0]))
    renamed = {f"second:{a.id}" for a in seconds if firsts[a.id] != a.content_hash}
    assert len(renamed) > 900 and renamed <= set(ids)


def test_workers_write_each_segments_postings_file(
    corpora: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each worker writes the postings file of every segment it cuts (a small budget:
    several segments each), even of a segment where a field has no term at all (Reuters
    has no subheads); the parent rewrites none of them from Whoosh's files, which
    takes minutes at scale."""
    folder = _reuters_files(corpora, tmp_path / "reuters", EIGHT)
    repaired: list[list[Path]] = []
    repair = writer.repair_postings_files

    def recorded(index_dir: Path) -> list[Path]:
        repaired.append(repair(index_dir))
        return repaired[-1]

    monkeypatch.setattr(writer, "repair_postings_files", recorded)
    summary = build_index([folder], tmp_path / "index", procs=2, limitmb=16)
    assert summary.added == 8000
    assert len(list((tmp_path / "index").glob("gen-*/*.postarrays"))) >= 3  # cut by budget
    assert repaired == [[]]
    assert _indexed_ids(tmp_path / "index") == Counter(
        article.id for article in read_corpus(folder, CorpusReport())
    )
