"""Writing many articles with several processes that each read their own files.

Whoosh's ``MpWriter`` has the parent read, convert and pickle every document for its
workers; on two cores that parent competes with the workers.  Here the files holding the
articles to write are dealt out to ``procs`` worker processes (:func:`deal`: whole
files, the largest first to the least loaded worker; only a file holding more than a
worker's fair share is split, by article position, between several), each worker reads
only its files and writes its own segments with an unlocked ``SegmentWriter``; the
parent (which holds the index lock)
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

import contextlib
import ctypes
import gc
import math
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from whoosh import index as whoosh_index

from index import whoosh_adapter, whoosh_patches
from index.corpus_files import CorpusFiles, FileWrites
from index.documents import article_to_document
from index.segment_writing import compact_segment_writer, pool_bytes
from index.testing import worker_checkpoint

#: How often the parent polls the workers' progress counters.
_POLL_SECONDS = 0.2
#: How many documents a worker adds between progress updates and parent checks.
_REPORT_EVERY = 50


class WorkerError(Exception):
    """A worker process failed for a reason other than an OS error."""


def deal(files: Sequence[FileWrites], procs: int) -> list[list[FileWrites]]:
    """Each worker's share of ``files``, every share in reading order.

    Whole files, the largest first, each to the least loaded worker; a file that does
    not fit in that worker's fair share (within 5%) is split by article position, the
    rest going on to the next least loaded worker -- so few files are read by two
    workers, and the workers end within about 5% of each other.
    """
    total = sum(len(part.numbers) for part in files)
    fair = math.ceil(total / procs)
    slack = fair // 20
    shares: list[list[tuple[int, FileWrites]]] = [[] for _ in range(procs)]
    loads = [0] * procs
    by_size = sorted(enumerate(files), key=lambda item: -len(item[1].numbers))
    for position, part in by_size:
        rest = part.numbers
        while rest:
            lightest = loads.index(min(loads))
            room = fair - loads[lightest]
            take = len(rest) if len(rest) <= room + slack or room <= slack else room
            start = len(part.numbers) - len(rest)
            piece = part if take == len(part.numbers) else part.piece(start, start + take)
            shares[lightest].append((position, piece))
            loads[lightest] += take
            rest = rest[take:]
    return [_in_reading_order(share) for share in shares]


def _in_reading_order(share: list[tuple[int, FileWrites]]) -> list[FileWrites]:
    """A share sorted by reading position, the pieces of one file joined again."""
    joined: dict[int, FileWrites] = {}
    for position, piece in sorted(share, key=lambda item: (item[0], item[1].numbers[0])):
        whole = joined.get(position)
        joined[position] = piece if whole is None else whole.joined(piece)
    return list(joined.values())


def _worker(
    index_dirs: list[str],
    source: CorpusFiles,
    share: list[FileWrites],
    worker: int,
    limitmb: int,
    counter: Any,
    parent_pid: int,
    results: Any,
) -> None:
    """Write the articles of ``share`` into segments of the index each goes to (a
    sharded index's shards: ``index_dirs``); whenever the pools pass ``limitmb`` the
    largest becomes a segment.  Report the segments, or the error that stopped it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    try:
        whoosh_patches.apply()
        budget = limitmb * 1024 * 1024
        writers: dict[int, Any] = {}
        added = 0
        for root, article, target in source.read_share(share):
            writer = writers.get(target)
            if writer is None:
                ix = whoosh_index.open_dir(index_dirs[target])
                writer = writers[target] = compact_segment_writer(ix, _lk=False)
            writer.add_document(**article_to_document(article, root))
            added += 1
            if sum(pool_bytes(w) for w in writers.values()) > budget:
                # memory stays within the share of --limitmb
                fullest = max(writers, key=lambda t: pool_bytes(writers[t]))
                full = writers.pop(fullest)
                results.put((worker, "segment", (fullest, whoosh_adapter.finish_segment(full))))
                writer = full = None
                _return_freed_memory()
            if added % _REPORT_EVERY == 0:
                counter.value = added
                worker_checkpoint("worker-indexing", parent_pid)
                if os.getppid() != parent_pid:
                    os._exit(1)  # the parent is gone: nobody will commit these segments
        counter.value = added
        for target, writer in writers.items():
            if writer.doc_count():
                results.put((worker, "segment", (target, whoosh_adapter.finish_segment(writer))))
            else:
                writer.cancel()
        results.put((worker, "done", None))
    except OSError as error:
        results.put((worker, "oserror", (error.errno, error.strerror or str(error))))
    except BaseException as error:  # reported to the parent, which raises it
        results.put((worker, "error", f"{type(error).__name__}: {error}"))


def _return_freed_memory() -> None:
    """Free the finished segment's writer now (a reference cycle: it would wait for a
    garbage collection while the next pool fills) and hand the memory freed back to
    the system (glibc keeps freed heap pages otherwise; Dask's workers do the same).
    Measured on a worker writing 256 MB pools at 1M: 361 MB held between segments
    without this, 136 MB with it."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: the collection counts
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class Pool(Protocol):
    """The workers of one write: their messages (``(worker, kind, payload)``: a
    finished segment, "done", an error) and their article counts."""

    @property
    def counts(self) -> list[int]:
        """Articles each worker has added so far."""
        ...

    def get(self, timeout: float) -> tuple[int, str, Any]:
        """The next message (raises ``queue.Empty`` after ``timeout`` seconds)."""
        ...

    def dead(self) -> str | None:
        """Why a worker ended without saying so, if one did."""
        ...

    def join(self) -> None: ...

    def stop(self) -> None: ...


class LocalWorkers:
    """Worker processes on this machine (forked from the main thread, else spawned)."""

    def __init__(
        self, folders: list[str], source: CorpusFiles, shares: list[list[FileWrites]],
        limitmb: int,
    ) -> None:  # fmt: skip
        on_main_thread = threading.current_thread() is threading.main_thread()
        context: Any = multiprocessing.get_context("fork" if on_main_thread else "spawn")
        self._results = context.Queue()
        self._counters = [context.Value("q", 0, lock=False) for _ in shares]
        self._processes = [
            context.Process(
                target=_worker,
                args=(
                    folders,
                    source,
                    share,
                    worker,
                    limitmb,
                    self._counters[worker],
                    os.getpid(),
                    self._results,
                ),
                daemon=True,
            )
            for worker, share in enumerate(shares)
        ]
        gc.freeze()  # forked workers share the parent's objects: a collection there would copy them
        try:
            for process in self._processes:
                process.start()
        finally:
            gc.unfreeze()

    @property
    def counts(self) -> list[int]:
        return [int(counter.value) for counter in self._counters]

    def get(self, timeout: float) -> tuple[int, str, Any]:
        worker, kind, payload = self._results.get(timeout=timeout)
        return worker, kind, payload

    def dead(self) -> str | None:
        exits = [p.exitcode for p in self._processes if p.exitcode not in (None, 0)]
        return f"exit {exits[0]}" if exits else None

    def join(self) -> None:
        for process in self._processes:
            process.join()

    def stop(self) -> None:
        for process in self._processes:
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)


def write_with_workers(
    index_dirs: Sequence[Path | None],
    source: CorpusFiles,
    files: Sequence[FileWrites],
    deletes: Sequence[Sequence[str]],
    *,
    procs: int,
    limitmb: int,
    progress: Callable[[int], None],
    step: Callable[[str], None] = lambda name: None,
    cluster: str | None = None,
) -> None:
    """Add the articles ``files`` name to the Whoosh indexes in ``index_dirs`` (each a
    fresh one, or a writable copy of a live generation; each article to the one its
    target names: a sharded index's shards) with ``procs`` workers, each reading its
    files once, and delete ``deletes[i]`` from the existing segments of the i-th, one
    commit each (None: an index that neither gets articles nor loses any).  The workers
    are processes here, or Ray tasks across a cluster (``cluster``: ``ray[:ADDRESS]``,
    ``index.ray_cluster``)."""
    shares = deal(files, procs)
    writes = sum(len(part.numbers) for part in files)
    folders = [str(folder) if folder is not None else "" for folder in index_dirs]
    each = max(16, limitmb // procs)
    pool: Pool
    if cluster is not None:
        from index.ray_cluster import RayWorkers, cluster_address

        pool = RayWorkers(folders, source, shares, each, cluster_address(cluster))
    else:
        pool = LocalWorkers(folders, source, shares, each)
    try:
        segments: dict[int, list[tuple[int, Any]]] = {worker: [] for worker in range(procs)}
        done: set[int] = set()
        writing = False  # every article added: the workers write their last segments
        while len(done) < procs:
            try:
                worker, kind, payload = pool.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                why = pool.dead()
                if why is not None:
                    raise WorkerError(f"an index worker died ({why})") from None
            else:
                if kind == "oserror":
                    raise OSError(*payload)
                if kind == "error":
                    raise WorkerError(f"an index worker failed: {payload}")
                if kind == "done":
                    done.add(worker)
                else:
                    segments[worker].append(payload)
            if not writing:
                added = sum(pool.counts)
                progress(added)
                if added >= writes:
                    step("writing segments")
                    writing = True
        pool.join()
        step("merging segments")
        for target, folder in enumerate(index_dirs):
            if folder is None:
                continue
            new = [
                segment
                for worker in range(procs)
                for segment_target, segment in segments[worker]
                if segment_target == target
            ]
            commit_segments(folder, new, deletes[target])
    finally:
        pool.stop()


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
