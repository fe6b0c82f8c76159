"""A from-scratch build split across processes that each read the corpus themselves.

Whoosh's ``MpWriter`` has the parent read, convert and pickle every document into temp
files for its workers; on two cores that parent competes with the workers and the build
measured no faster than one plain writer.  Here each of ``procs`` worker processes reads
the same corpora (cheap: ~5% of the build for Reuters-21578), keeps every ``procs``-th
article, and writes its own segment with an unlocked ``SegmentWriter``; the parent (which
holds the index lock) then commits the TOC listing those segments, as ``MpWriter`` does
with ``multisegment=True``.  From the main thread workers are forked (they reuse what the
reading pass loaded); from a thread (the TUI's worker) they are spawned, which is safe
there.  They exit by themselves if the parent dies.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from corpus import read_corpora
from corpus.report import CorpusReport
from index import whoosh_patches
from index.arrays_writing import arrays_segment_writer
from index.documents import article_to_document
from index.testing import worker_checkpoint

#: How often the parent polls the workers' progress counters.
_POLL_SECONDS = 0.2
#: How many documents a worker adds between progress updates and parent checks.
_REPORT_EVERY = 50


def _worker(
    index_dir: str,
    corpora: Sequence[str],
    shard: int,
    shards: int,
    excluded: frozenset[int],
    renamed: dict[int, str],
    limitmb: int,
    counter: Any,
    parent_pid: int,
    results: Any,
) -> None:
    """Index articles ``shard``, ``shard + shards``, ... (by reading order) into one segment."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    whoosh_patches.apply()
    writer = arrays_segment_writer(whoosh_index.open_dir(index_dir), _lk=False, limitmb=limitmb)
    added = 0
    for ordinal, article in enumerate(read_corpora(corpora, CorpusReport())):
        if ordinal % shards != shard or ordinal in excluded:
            continue
        if ordinal in renamed:  # its id is taken by an earlier corpus (index/identity.py)
            article = dataclasses.replace(article, id=renamed[ordinal])
        writer.add_document(**article_to_document(article))
        added += 1
        if added % _REPORT_EVERY == 0:
            counter.value = added
            worker_checkpoint("worker-indexing", parent_pid)
            if os.getppid() != parent_pid:
                os._exit(1)  # the parent is gone: nobody will commit this segment
    counter.value = added
    if added:
        results.put((shard, writer._finalize_segment()))
    else:
        writer.cancel()
        results.put((shard, None))


def write_shards(
    index_dir: Path,
    corpora: Sequence[str],
    *,
    procs: int,
    limitmb: int,
    excluded: frozenset[int],
    renamed: dict[int, str],
    progress: Callable[[int], None],
) -> None:
    """Fill the (empty, fresh) Whoosh index in ``index_dir`` using ``procs`` processes."""
    # Forking reuses what the parent's reading pass loaded (modules, the gazetteer); from a
    # thread (the TUI's worker) forking is unsafe, so spawn there.
    on_main_thread = threading.current_thread() is threading.main_thread()
    context: Any = multiprocessing.get_context("fork" if on_main_thread else "spawn")
    results = context.Queue()
    counters = [context.Value("q", 0, lock=False) for _ in range(procs)]
    workers = [
        context.Process(
            target=_worker,
            args=(
                str(index_dir),
                list(corpora),
                shard,
                procs,
                excluded,
                renamed,
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
        segments: dict[int, Any] = {}
        while len(segments) < procs:
            try:
                shard, segment = results.get(timeout=_POLL_SECONDS)
                segments[shard] = segment
            except queue.Empty:
                dead = [w for w in workers if w.exitcode not in (None, 0)]
                if dead:
                    failed = dead[0].exitcode
                    raise RuntimeError(f"an index worker failed (exit {failed})") from None
            progress(sum(int(c.value) for c in counters))
        for worker in workers:
            worker.join()
        progress(sum(int(c.value) for c in counters))
        _commit_segments(index_dir, [s for _, s in sorted(segments.items()) if s is not None])
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
                worker.join(timeout=5)


def _commit_segments(index_dir: Path, segments: list[Any]) -> None:
    """Publish the workers' segments in the index's TOC (what MpWriter does at commit)."""
    writer = whoosh_index.open_dir(str(index_dir)).writer()
    try:
        final = writer._merge_segments(None, False, False) + segments
        writer._close_segment()
        writer._commit_toc(final)
        writer._finish()
    except BaseException:
        writer.cancel()
        raise
