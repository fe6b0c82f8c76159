"""Build progress: the dataclass handed to callbacks, and a throttled meter producing it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

#: At most this many progress callbacks per second (besides phase changes).
_UPDATES_PER_SECOND = 4


@dataclass(frozen=True, slots=True)
class BuildProgress:
    """A snapshot for progress bars: ``total``/``eta_seconds`` are None when unknown."""

    done: int
    total: int | None
    articles_per_second: float
    eta_seconds: float | None
    phase: str  # "indexing", "committing"


class ProgressMeter:
    """Turns a stream of article counts into throttled :class:`BuildProgress` calls.

    ``estimate`` (e.g. the article count of the previous build of the same corpora) gives
    a total and an ETA without a costly pre-count of the corpus.
    """

    def __init__(
        self, callback: Callable[[BuildProgress], None] | None, estimate: int | None
    ) -> None:
        self.callback = callback
        self.estimate = estimate
        self.started = time.monotonic()
        self._last = 0.0
        self._phase = "indexing"

    def phase(self, name: str, done: int = 0) -> None:
        self._phase = name
        self._emit(done)

    def advance(self, done: int) -> None:
        if self.callback is None:
            return
        now = time.monotonic()
        if now - self._last >= 1 / _UPDATES_PER_SECOND:
            self._emit(done, now)

    def _emit(self, done: int, now: float | None = None) -> None:
        if self.callback is None:
            return
        now = time.monotonic() if now is None else now
        self._last = now
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        total = self.estimate
        if total is not None and done > total:
            total = None  # the estimate was wrong: say "unknown" rather than lie
        eta = (total - done) / rate if total is not None and rate > 0 else None
        self.callback(BuildProgress(done, total, rate, eta, self._phase))
