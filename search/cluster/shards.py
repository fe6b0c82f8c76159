"""The shards a coordinator talks to, wherever they run.

``Shards`` is what the coordinator needs: call one ``ShardSearcher`` method on several
shards at once and gather the answers, with the shards that did not answer (a worker
that died, a timeout) named instead of failing the whole search.  ``LocalShards`` runs
them in this process, one after the other (tests, and a cluster's reference answers);
``search.cluster.ray_shards.RayShards`` runs each in a Ray actor.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from search.cluster.shard import ShardSearcher


@dataclass(slots=True)
class Gathered:
    """Answers by shard number, and why each shard that did not answer did not."""

    answers: dict[int, Any] = field(default_factory=dict)
    missing: dict[int, str] = field(default_factory=dict)


def everywhere(
    folders: Sequence[str], *args: object, skip: Collection[int] = ()
) -> dict[int, tuple[object, ...]]:
    """The calls asking every shard (but ``skip``) the same: each with its folder first."""
    return {n: (folder, *args) for n, folder in enumerate(folders) if n not in skip}


class Shards(Protocol):
    """One searcher per shard of the index, called by shard number."""

    @property
    def count(self) -> int: ...

    def call(self, method: str, calls: Mapping[int, Sequence[Any]]) -> Gathered:
        """``ShardSearcher.<method>(*args)`` on each shard in ``calls``, at once."""
        ...

    def close(self) -> None: ...


class LocalShards:
    """Every shard searched in this process."""

    def __init__(self, index_dir: str, count: int) -> None:
        self._searchers = [ShardSearcher(index_dir) for _ in range(count)]

    @property
    def count(self) -> int:
        return len(self._searchers)

    def call(self, method: str, calls: Mapping[int, Sequence[Any]]) -> Gathered:
        gathered = Gathered()
        for number, args in calls.items():
            gathered.answers[number] = getattr(self._searchers[number], method)(*args)
        return gathered

    def close(self) -> None:
        for searcher in self._searchers:
            searcher.close()
