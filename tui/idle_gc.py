"""Full garbage collections when the user pauses, not in the middle of painting results.

Textual allocates many short-lived objects per frame, and CPython's automatic full
(generation 2) collections then stop the app for 50–250 ms at moments of its choosing:
measured, they were most of the slow keystrokes of ``benchmarks/bench_tui.py``.  While
the app runs, the objects that exist after start-up (modules, the open index) are frozen
out of the collector, automatic full collections are switched off, and the app runs one
itself once the keyboard and mouse have been quiet for :data:`IDLE_SECONDS` (or, if the
user never pauses, after :data:`MAX_SECONDS` at the latest).  Young generations are still
collected automatically, so memory stays bounded; everything is restored on stop.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

#: Quiet time (keyboard and mouse) before a full collection runs.
IDLE_SECONDS = 1.0
#: Longest time without a full collection, however busy the user is.
MAX_SECONDS = 60.0
#: A generation-2 threshold that automatic collection never reaches.
NEVER = 1_000_000_000


class IdleCollector:
    """Owns CPython's collector settings between :meth:`start` and :meth:`stop`."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._saved: tuple[int, int, int] | None = None
        self._last_activity = clock()
        self._last_collection = clock()
        self.collections = 0

    @property
    def running(self) -> bool:
        return self._saved is not None

    def start(self) -> None:
        """Collect once, freeze the survivors, switch automatic full collections off."""
        if self._saved is not None:
            return
        gc.collect()
        gc.freeze()
        threshold0, threshold1, threshold2 = gc.get_threshold()
        self._saved = (threshold0, threshold1, threshold2)
        gc.set_threshold(threshold0, threshold1, NEVER)
        self._last_collection = self._clock()

    def stop(self) -> None:
        """Give the collector back its own settings (tests run many apps in one process)."""
        if self._saved is None:
            return
        gc.set_threshold(*self._saved)
        self._saved = None
        gc.unfreeze()

    def activity(self) -> None:
        """The user pressed a key or moved the mouse: not a good moment for a pause."""
        self._last_activity = self._clock()

    def collect_if_due(self) -> bool:
        """Run a full collection if the user is idle (or it is overdue); True if it ran."""
        if self._saved is None:
            return False
        now = self._clock()
        idle = now - self._last_activity >= IDLE_SECONDS
        overdue = now - self._last_collection >= MAX_SECONDS
        if not (idle or overdue) or (gc.get_count()[2] == 0 and not overdue):
            return False  # busy, or nothing reached generation 2 since the last one
        gc.collect()
        self._last_collection = now
        self.collections += 1
        return True
