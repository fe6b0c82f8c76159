"""Shards as Ray actors (Ray itself is joined by ``index.ray_cluster``).

Each shard is one actor -- a long-lived worker process holding a ``ShardSearcher`` with
its searcher and caches warm -- placed by Ray across the cluster's nodes
(``SPREAD``).  An actor whose process dies is restarted by Ray (``max_restarts=-1``);
the call it was answering is not retried: that shard is reported missing for the one
search, and the next call reaches the restarted actor, which reopens its shard.

Every node opens the shards from the index directory's path as the coordinator names
it, so the index must be on storage every node mounts at the same path (NFS, a
cluster file system) or copied to that path on every node (docs/cluster.md).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from corpus.errors import NewsdeskError
from index.errors import ClusterError, IndexMissingError
from index.ray_cluster import cluster_address, connect
from search.cluster.shard import ShardSearcher
from search.cluster.shards import Gathered

#: Seconds to wait for one shard's answer before leaving it out (opening a large shard
#: for the first time reads its columns; a query itself stops at the time limit).
CALL_TIMEOUT = 120.0


class RayShards:
    """One Ray actor per shard (``Shards``)."""

    def __init__(self, index_dir: str, count: int, *, address: str | None = None) -> None:
        ray = connect(address)
        self._ray = ray
        actor = ray.remote(
            num_cpus=0, max_restarts=-1, max_task_retries=0, scheduling_strategy="SPREAD"
        )(ShardSearcher)
        self._actors = [actor.remote(index_dir) for _ in range(count)]

    @property
    def count(self) -> int:
        return len(self._actors)

    def actor(self, number: int) -> Any:
        """Shard ``number``'s actor handle (tests kill one to see a shard go missing)."""
        return self._actors[number]

    def call(self, method: str, calls: Mapping[int, Sequence[Any]]) -> Gathered:
        ray = self._ray
        exceptions = ray.exceptions
        pending = {n: getattr(self._actors[n], method).remote(*args) for n, args in calls.items()}
        gathered = Gathered()
        failure: BaseException | None = None
        ends = time.monotonic() + CALL_TIMEOUT  # (one wait for them all, not one each)
        for number, future in pending.items():  # (every one read: none left unhandled)
            try:
                left = max(0.0, ends - time.monotonic())
                gathered.answers[number] = ray.get(future, timeout=left)
            except exceptions.RayTaskError as error:
                failure = failure or _shard_error(number, error.cause)
            except exceptions.GetTimeoutError:
                gathered.missing[number] = f"no answer within {CALL_TIMEOUT:.0f} s"
            except exceptions.RayError as error:  # the actor died, its node or object lost
                gathered.missing[number] = f"its worker stopped ({type(error).__name__})"
        if failure is not None:
            raise failure
        return gathered

    def close(self) -> None:
        for handle in self._actors:
            try:
                self._ray.kill(handle)
            except Exception:  # an actor already gone: nothing to stop
                continue
        self._actors = []


def _shard_error(number: int, cause: BaseException | None) -> BaseException:
    """What a shard raised, as the user should read it."""
    if isinstance(cause, IndexMissingError):
        return ClusterError(
            f"shard {number}: a Ray worker cannot see {cause.index_dir}: the index must be "
            "on storage every node mounts at the same path (see docs/cluster.md)"
        )
    if isinstance(cause, NewsdeskError):
        return cause
    return ClusterError(f"shard {number} failed: {type(cause).__name__}: {cause}")


__all__ = ["CALL_TIMEOUT", "RayShards", "ShardSearcher", "cluster_address", "connect"]
