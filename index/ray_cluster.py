"""Joining a Ray cluster, and writing an index's segments with Ray tasks.

With ``ray_shards`` (``search.cluster``) the only modules that import Ray (``pip install
'newsdesk[cluster]'``).  ``connect`` joins the cluster an address names (or starts a
local instance) once per process, failing in one line when it cannot.

``RayWorkers`` is the cluster's form of ``index.workers``' pool of processes: each share
of the files to write runs as one Ray task (``ray.remote``, one CPU each, placed by Ray
across the nodes) that runs the same ``_worker`` a local process does and sends its
progress and finished segments back through a Ray queue; the parent commits them as it
does a local pool's.  The corpus files and the index directory must be at the same
paths on every node (a shared file system): a task writes its segments into the index's
temp folder where the parent reads them.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import queue
import socket
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from index.errors import ClusterError

#: Seconds to wait for a cluster's address to accept a connection.
CONNECT_TIMEOUT = 5.0


def cluster_address(spec: str) -> str | None:
    """The Ray address in ``ray`` / ``ray:HOST:PORT`` / ``ray:auto`` (None: start a
    local Ray instance).  Raises ``ClusterError`` for anything else."""
    kind, _, address = spec.partition(":")
    if kind != "ray":
        raise ClusterError(f"unknown cluster {spec!r}: use ray or ray:HOST:PORT")
    return address or None


def ray_module() -> Any:
    try:
        import ray
    except ImportError as error:
        raise ClusterError("using a cluster needs Ray: pip install 'newsdesk[cluster]'") from error
    return ray


def _check_reachable(address: str) -> None:
    """Fail fast (one line, not Ray's minute of retries) when nothing listens there."""
    if address == "auto" or address.startswith("ray://"):
        return
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ClusterError(f"bad Ray address {address!r}: use HOST:PORT (e.g. 10.0.0.5:6379)")
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT).close()
    except OSError as error:
        raise ClusterError(
            f"cannot reach the Ray cluster at {address}: {error.strerror or error}; "
            "start it with `ray start --head` there, or check the address"
        ) from error


class _NoTokenNotice(logging.Filter):
    """Ray says each time it starts or joins a cluster that it turned token
    authentication on (its safe default): no news to someone searching, printed over the
    command's output or the terminal UI.  Its other warnings (auth turned off) stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Token authentication is enabled for this")


#: Where Ray logs that notice.
_TOKEN_LOGGER = "ray._private.authentication.authentication_token_setup"


def connect(address: str | None) -> Any:
    """Join the Ray cluster at ``address`` (or start a local instance); at most once.
    Returns the ``ray`` module."""
    ray = ray_module()
    token_logger = logging.getLogger(_TOKEN_LOGGER)
    if not any(isinstance(f, _NoTokenNotice) for f in token_logger.filters):
        token_logger.addFilter(_NoTokenNotice())
    if address is not None:
        _check_reachable(address)
    if ray.is_initialized():  # (a process joins one Ray cluster: the first one named)
        return ray
    options: dict[str, Any] = {"log_to_driver": False, "configure_logging": False}
    if address is None:
        options.update(num_cpus=os.cpu_count() or 1, include_dashboard=False)
    try:
        with _real_streams():
            ray.init(address=address, **options)
    except (RuntimeError, ConnectionError, ValueError) as error:
        lines = str(error).strip().splitlines() or [type(error).__name__]
        where = address or "a local instance"
        raise ClusterError(f"cannot join the Ray cluster at {where}: {lines[0]}") from error
    return ray


@contextlib.contextmanager
def _real_streams() -> Iterator[None]:
    """The process's own stdout and stderr while Ray starts: it hands their file
    descriptors to the processes it starts, and a terminal UI (Textual) replaces them
    with objects that have none."""
    replaced = (sys.stdout, sys.stderr)
    try:
        usable = all(stream.fileno() >= 0 for stream in replaced)  # (Textual's: -1)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        usable = False
    if not usable:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    try:
        yield
    finally:
        sys.stdout, sys.stderr = replaced


class _Progress:
    """A worker's article counter (``counter.value = n``) sent through the queue."""

    def __init__(self, results: Any, worker: int) -> None:
        self._results = results
        self._worker = worker

    @property
    def value(self) -> int:
        return 0

    @value.setter
    def value(self, added: int) -> None:
        self._results.put((self._worker, "progress", added))


def _task(
    folders: list[str], source: Any, share: list[Any], worker: int, limitmb: int, results: Any
) -> None:
    from index.workers import _worker

    # (the orphan check of a local worker does not apply: Ray ends a dead driver's tasks)
    _worker(folders, source, share, worker, limitmb, _Progress(results, worker),
            os.getppid(), results)  # fmt: skip


class RayWorkers:
    """One Ray task per share of the files to write (``index.workers.Pool``)."""

    def __init__(
        self, folders: list[str], source: Any, shares: Sequence[list[Any]], limitmb: int,
        address: str | None,
    ) -> None:  # fmt: skip
        ray = connect(address)
        from ray.util.queue import Queue

        self._ray = ray
        self._results = Queue()
        task = ray.remote(num_cpus=1, max_retries=0)(_task)
        self._tasks = [
            task.remote(folders, source, share, worker, limitmb, self._results)
            for worker, share in enumerate(shares)
        ]
        self._counts = [0] * len(shares)

    @property
    def counts(self) -> list[int]:
        return self._counts

    def get(self, timeout: float) -> tuple[int, str, Any]:
        from ray.util.queue import Empty

        while True:
            try:
                worker, kind, payload = self._results.get(timeout=timeout)
            except Empty:
                raise queue.Empty from None
            if kind != "progress":
                return worker, kind, payload
            self._counts[worker] = payload

    def dead(self) -> str | None:
        """Why a task ended without reporting (its worker process died), if one did."""
        ready, _ = self._ray.wait(self._tasks, num_returns=len(self._tasks), timeout=0)
        for ref in ready:
            try:
                self._ray.get(ref)
            except Exception as error:
                lines = str(error).strip().splitlines() or [type(error).__name__]
                return lines[-1]
        return None

    def join(self) -> None:
        self._ray.get(self._tasks)

    def stop(self) -> None:
        for ref in self._tasks:
            try:
                self._ray.cancel(ref, force=True)
            except Exception:
                continue
        self._ray.kill(self._results.actor)
