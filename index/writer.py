"""Writing one new generation: a Whoosh writer that picks its speed settings by size.

Changes are buffered until either the buffer fills (a large build: use Whoosh's
``MpWriter`` with ``procs`` worker processes and ``multisegment=True``, which skips the
final merge of their segments) or the input ends (a small change: one in-process writer,
which avoids starting workers; for 600 BBC stories it was faster than two processes).  Nothing
touches disk until the first change, so a refresh that finds nothing new writes nothing.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import multiproc
from whoosh.index import Index
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

from index import whoosh_patches
from index.arrays_writing import arrays_segment_writer, write_arrays_with, write_missing_arrays
from index.schema import build_schema
from index.sharded import write_shards
from index.store import META_FILE, link_or_copy_tree, new_temp_dir

whoosh_patches.apply()

#: Buffered changes before switching to the multi-process writer.
MULTIPROCESS_THRESHOLD = 2000
#: How often an idle worker checks that its parent is still alive.
_PARENT_POLL_SECONDS = 1.0
#: Whoosh's own lock inside a generation folder: never shared between generations.
_WHOOSH_LOCK = "MAIN_WRITELOCK"

Operation = tuple[str, Any]


class _ParentWatchingQueue:
    """The job queue as a worker sees it: gives up when the parent process has died.

    Whoosh's workers block on the queue forever; if the parent is killed (kill -9) they
    would linger as orphans.  Polling lets them notice the new parent PID and exit.
    """

    def __init__(self, jobs: Any, parent_pid: int) -> None:
        self._jobs = jobs
        self._parent_pid = parent_pid

    def get(self) -> Any:
        while True:
            try:
                return self._jobs.get(timeout=_PARENT_POLL_SECONDS)
            except queue.Empty:
                if os.getppid() != self._parent_pid:
                    os._exit(1)  # the parent is gone: nothing will collect our work


class _ArraysSubWriterTask(SubWriterTask):  # type: ignore[misc]  # whoosh is untyped
    """Whoosh's sub-writer process, whose segment writer also writes the arrays file."""

    def run(self) -> None:
        multiproc.SegmentWriter = arrays_segment_writer  # in this worker process only
        super().run()


class _WorkerMpWriter(MpWriter):  # type: ignore[misc]  # whoosh is untyped
    """Whoosh's multi-process writer with workers that ignore Ctrl-C and die with us.

    The parent handles KeyboardInterrupt (it terminates the workers and deletes the temp
    folder); workers that also received SIGINT would each print a traceback.
    """

    def _new_task(self) -> Any:
        task = _ArraysSubWriterTask(
            self.storage,
            self.indexname,
            _ParentWatchingQueue(self.jobqueue, os.getpid()),
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        self.tasks.append(task)
        if threading.current_thread() is not threading.main_thread():
            task.start()
            return task
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            task.start()
        finally:
            signal.signal(signal.SIGINT, previous)
        return task


class GenerationWriter:
    """Applies adds and deletes to a copy of ``base`` (or a fresh index) in a temp folder."""

    def __init__(
        self,
        index_dir: Path,
        base: Path | None,
        *,
        procs: int,
        limitmb: int,
        checkpoint: Callable[[str], None] = lambda name: None,
    ) -> None:
        self.index_dir = index_dir
        self.base = base
        self.procs = max(1, procs)
        self.limitmb = max(16, limitmb)
        self.checkpoint = checkpoint
        self.temp_dir: Path | None = None
        self._index: Index | None = None
        self._writer: SegmentWriter | None = None
        self._pending: list[Operation] = []
        self._sharded = False
        self.multiprocess = False

    @property
    def started(self) -> bool:
        return self.temp_dir is not None

    def add(self, document: dict[str, Any]) -> None:
        self._submit(("add", document))

    def delete(self, article_id: str) -> None:
        self._submit(("delete", article_id))

    def _submit(self, operation: Operation) -> None:
        if self._writer is None:
            self._pending.append(operation)
            if len(self._pending) >= MULTIPROCESS_THRESHOLD:
                self._open_writer(large=True)
        else:
            self._apply(operation)

    def _prepare(self) -> Index:
        self.temp_dir = new_temp_dir(self.index_dir)
        if self.base is not None:
            link_or_copy_tree(self.base, self.temp_dir, skip={META_FILE, _WHOOSH_LOCK})
            return whoosh_index.open_dir(str(self.temp_dir))
        return whoosh_index.create_in(str(self.temp_dir), build_schema())

    def _open_writer(self, *, large: bool) -> None:
        self._index = self._prepare()
        if large and self.procs > 1:
            # limitmb is per Whoosh process: split the budget so the total stays bounded.
            self._writer = write_arrays_with(
                _WorkerMpWriter(
                    self._index,
                    procs=self.procs,
                    limitmb=max(16, self.limitmb // self.procs),
                    multisegment=True,
                    batchsize=100,
                )
            )
            self.multiprocess = True
        else:
            self._writer = arrays_segment_writer(self._index, limitmb=self.limitmb)
        pending, self._pending = self._pending, []
        for operation in pending:
            self._apply(operation)

    def write_sharded(
        self,
        corpora: Sequence[str],
        excluded: frozenset[int],
        renamed: dict[int, str],
        progress: Callable[[int], None],
    ) -> None:
        """Fresh build by ``procs`` processes that each read the corpora (see sharded.py)."""
        self._index = self._prepare()
        assert self.temp_dir is not None
        write_shards(
            self.temp_dir,
            corpora,
            procs=self.procs,
            limitmb=self.limitmb,
            excluded=excluded,
            renamed=renamed,
            progress=progress,
        )
        self._sharded = self.multiprocess = True

    def _apply(self, operation: Operation) -> None:
        assert self._writer is not None
        kind, payload = operation
        if kind == "add":
            self._writer.add_document(**payload)
        else:
            self._writer.delete_by_term("id", payload)

    def commit(self, *, force: bool = False) -> Path | None:
        """Commit into the temp folder; returns it (None when there was nothing to do)."""
        if self._sharded:  # the workers' segments (and their arrays) are committed already
            assert self.temp_dir is not None
            self.checkpoint("before-commit")
            write_missing_arrays(self.temp_dir)
            self.checkpoint("after-commit")
            return self.temp_dir
        if self._writer is None:
            if not self._pending and not force:
                return None
            self._open_writer(large=False)
        assert self._writer is not None and self.temp_dir is not None
        self.checkpoint("before-commit")
        self._writer.commit()
        self._writer = None
        write_missing_arrays(self.temp_dir)  # any segment the writers' tees missed
        self.checkpoint("after-commit")
        return self.temp_dir

    def doc_count(self) -> int:
        assert self.temp_dir is not None
        return int(whoosh_index.open_dir(str(self.temp_dir)).doc_count())

    def abandon(self) -> None:
        """Stop workers and delete the temp folder; the live generation is untouched."""
        writer, self._writer = self._writer, None
        if isinstance(writer, MpWriter):
            for task in writer.tasks:
                if task.is_alive():
                    task.terminate()
                task.join(timeout=5)
        if writer is not None:
            # Best effort: the whole temp folder is deleted next anyway.
            with contextlib.suppress(Exception):
                SegmentWriter.cancel(writer)
        if self.temp_dir is not None:
            shutil.rmtree(self.temp_dir, ignore_errors=True)
            self.temp_dir = None
