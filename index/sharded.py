"""Writing many articles with several processes that each read the corpus themselves.

Whoosh's ``MpWriter`` has the parent read, convert and pickle every document for its
workers; on two cores that parent competes with the workers.  Here each of ``procs``
worker processes reads the same articles (cheap: ~5% of the build for Reuters-21578),
keeps its share of those the plan writes (every ``procs``-th by rank), and writes its
own segment with an unlocked ``SegmentWriter``; the parent (which holds the index lock)
then applies the plan's deletions and commits a TOC listing the old segments and the
new ones, as ``MpWriter`` does with ``multisegment=True``.  The same path serves a
fresh build and a refresh that adds many articles to an existing generation.

From the main thread workers are forked (they reuse what the planning pass loaded);
from another thread they are spawned, which is safe there.  Workers never print a
traceback: an error (a full disk, a corpus file that vanished) is sent back to the
parent, which stops the others and raises it.  They exit by themselves if the parent
dies.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from corpus.model import Article
from corpus.report import CorpusReport
from index import whoosh_adapter, whoosh_patches
from index.documents import article_to_document
from index.identity import read_roots
from index.segment_writing import compact_segment_writer, pool_bytes
from index.testing import worker_checkpoint

#: How often the parent polls the workers' progress counters.
_POLL_SECONDS = 0.2
#: How many documents a worker adds between progress updates and parent checks.
_REPORT_EVERY = 50


class WorkerError(Exception):
    """A worker process failed for a reason other than an OS error."""


@dataclass(frozen=True, slots=True)
class ArticleSource:
    """Where the articles of a write come from, readable again by any process."""

    roots: tuple[str, ...]
    max_article_bytes: int | None = None
    #: Articles handed in directly (``build_index(articles=...)``) instead of the roots.
    given: tuple[tuple[str, Article], ...] | None = None

    def read(self) -> Iterator[tuple[str, Article]]:
        """(corpus root, article) in reading order, the same order in every process."""
        if self.given is not None:
            return iter(self.given)
        return read_roots(self.roots, CorpusReport(), self.max_article_bytes)


def _worker(
    index_dir: str,
    source: ArticleSource,
    wanted: bytes,
    renamed: dict[int, str],
    shard: int,
    shards: int,
    limitmb: int,
    counter: Any,
    parent_pid: int,
    results: Any,
) -> None:
    """Write this shard's articles (ranks ``shard``, ``shard + shards``, ... among the
    wanted ordinals) into one segment; report it, or the error that stopped it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    try:
        whoosh_patches.apply()
        ix = whoosh_index.open_dir(index_dir)
        budget = limitmb * 1024 * 1024
        writer = compact_segment_writer(ix, _lk=False)
        added = rank = 0
        for ordinal, (root, article) in enumerate(source.read()):
            if ordinal >= len(wanted) or not wanted[ordinal]:
                continue
            rank += 1
            if (rank - 1) % shards != shard:
                continue
            if ordinal in renamed:  # its id is taken by an earlier corpus (index/identity.py)
                article = dataclasses.replace(article, id=renamed[ordinal])
            writer.add_document(**article_to_document(article, root))
            added += 1
            if pool_bytes(writer) > budget:  # memory stays within the share of --limitmb
                results.put((shard, "segment", whoosh_adapter.finish_segment(writer)))
                writer = compact_segment_writer(ix, _lk=False)
            if added % _REPORT_EVERY == 0:
                counter.value = added
                worker_checkpoint("worker-indexing", parent_pid)
                if os.getppid() != parent_pid:
                    os._exit(1)  # the parent is gone: nobody will commit these segments
        counter.value = added
        if writer.doc_count():
            results.put((shard, "segment", whoosh_adapter.finish_segment(writer)))
        else:
            writer.cancel()
        results.put((shard, "done", None))
    except OSError as error:
        results.put((shard, "oserror", (error.errno, error.strerror or str(error))))
    except BaseException as error:  # reported to the parent, which raises it
        results.put((shard, "error", f"{type(error).__name__}: {error}"))


def write_shards(
    index_dir: Path,
    source: ArticleSource,
    writes: Sequence[int],
    renamed: dict[int, str],
    deletes: Sequence[str],
    *,
    procs: int,
    limitmb: int,
    progress: Callable[[int], None],
    step: Callable[[str], None] = lambda name: None,
) -> None:
    """Add the articles at ordinals ``writes`` to the Whoosh index in ``index_dir`` (a
    fresh one, or a writable copy of the live generation) with ``procs`` processes, and
    delete the ids in ``deletes`` from its existing segments, in one commit."""
    wanted = bytearray(max(writes, default=-1) + 1)
    for ordinal in writes:
        wanted[ordinal] = 1
    on_main_thread = threading.current_thread() is threading.main_thread()
    context: Any = multiprocessing.get_context("fork" if on_main_thread else "spawn")
    results = context.Queue()
    counters = [context.Value("q", 0, lock=False) for _ in range(procs)]
    workers = [
        context.Process(
            target=_worker,
            args=(
                str(index_dir),
                source,
                bytes(wanted),
                renamed,
                shard,
                procs,
                max(16, limitmb // procs),
                counters[shard],
                os.getpid(),
                results,
            ),
            daemon=True,
        )
        for shard in range(procs)
    ]
    for worker in workers:
        worker.start()
    try:
        segments: dict[int, list[Any]] = {shard: [] for shard in range(procs)}
        done: set[int] = set()
        writing = False  # every article added: the workers write their last segments
        while len(done) < procs:
            try:
                shard, kind, payload = results.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                dead = [w for w in workers if w.exitcode not in (None, 0)]
                if dead:
                    raise WorkerError(f"an index worker died (exit {dead[0].exitcode})") from None
            else:
                if kind == "oserror":
                    raise OSError(*payload)
                if kind == "error":
                    raise WorkerError(f"an index worker failed: {payload}")
                if kind == "done":
                    done.add(shard)
                else:
                    segments[shard].append(payload)
            if not writing:
                added = sum(int(c.value) for c in counters)
                progress(added)
                if added >= len(writes):
                    step("writing segments")
                    writing = True
        for worker in workers:
            worker.join()
        new = [segment for shard in range(procs) for segment in segments[shard]]
        step("merging segments")
        commit_segments(index_dir, new, deletes)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
                worker.join(timeout=5)


def commit_segments(index_dir: Path, segments: list[Any], deletes: Sequence[str]) -> None:
    """Delete ``deletes`` from the index's segments and publish them with ``segments``
    in its TOC (what MpWriter does at commit, plus the deletions)."""
    writer = whoosh_index.open_dir(str(index_dir)).writer()
    try:
        for article_id in deletes:
            writer.delete_by_term("id", article_id)
        whoosh_adapter.commit_with_segments(writer, segments)
    except BaseException:
        writer.cancel()
        raise
