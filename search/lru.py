"""A thread-safe least-recently-used cache bounded by a size measure.

Per-searcher caches (term postings, term scores, prepared hit texts) all need the same
thing: keep what was used last, drop the oldest once a total size is exceeded, and let
worker threads share it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _one(_: object) -> int:
    return 1


class LruCache(Generic[K, V]):
    """At most ``capacity`` in total ``size(value)`` (one per entry by default); a value
    larger than the whole capacity is not kept."""

    def __init__(self, capacity: int, size: Callable[[V], int] = _one) -> None:
        self.capacity = capacity
        self._size = size
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._total = 0
        self._lock = threading.Lock()

    @property
    def total(self) -> int:
        """The summed size of the values kept."""
        return self._total

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> None:
        size = self._size(value)
        if size > self.capacity:
            return
        with self._lock:
            if key in self._entries:  # another thread got there first
                return
            self._entries[key] = value
            self._total += size
            while self._total > self.capacity:
                _, evicted = self._entries.popitem(last=False)
                self._total -= self._size(evicted)
