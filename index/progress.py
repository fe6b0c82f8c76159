"""Build progress: the dataclass handed to callbacks, and a throttled meter producing it.

A build goes through phases: ``reading`` (the corpora, compared with the index),
``indexing`` (the articles to write), then the steps of the commit, which count no
articles -- ``merging segments``, ``writing postings files``, ``writing facet columns``
-- and ``committing`` (metadata, fsync, publishing).  Each phase has its own rate and
ETA, and while a build runs the meter repeats its last event every second (``ticking``),
so a long step never looks frozen.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

#: At most this many progress callbacks per second (besides phase changes).
_UPDATES_PER_SECOND = 4
#: Seconds between repeats of the last event while nothing else is reported.
TICK_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class BuildProgress:
    """A snapshot for progress bars: ``total``/``eta_seconds`` are None when unknown
    (a commit step counts no articles: ``done`` and ``total`` are then 0 and None);
    ``estimated`` when ``total`` is a guess (reading: from the bytes read so far, or the
    previous build's count), not the count of articles the phase will go through."""

    done: int
    total: int | None
    articles_per_second: float
    eta_seconds: float | None
    phase: str
    #: Seconds since the build started.
    elapsed_seconds: float = 0.0
    estimated: bool = False

    @property
    def total_text(self) -> str:
        """The total as progress lines show it: "~21,578" while an estimate, "21,578" once
        counted, "" when unknown."""
        if self.total is None:
            return ""
        return f"{'~' if self.estimated else ''}{self.total:,}"


class ProgressMeter:
    """Turns a stream of article counts into throttled :class:`BuildProgress` calls
    (thread-safe: the ticker thread repeats the last one).

    ``estimate`` (e.g. the article count of the previous build of the same corpora) gives
    a total and an ETA without a costly pre-count of the corpus.
    """

    def __init__(
        self, callback: Callable[[BuildProgress], None] | None, estimate: int | None
    ) -> None:
        self.callback = callback
        self.estimate = estimate
        self._estimated = True  # ``estimate`` is a guess until a phase gives its count
        self.started = time.monotonic()
        self._phase_started = self.started
        self._last = 0.0
        self._phase = "reading"
        self._done = self._emitted = 0
        self._lock = threading.Lock()
        #: One callback at a time (a JSON Lines consumer must never get two half lines).
        self._calling = threading.Lock()

    def phase(self, name: str, done: int = 0, *, total: int | None = None) -> None:
        """Start phase ``name`` (``total``: its article count, if it counts any)."""
        self._finish_phase()
        with self._lock:
            if name != self._phase:
                self._phase_started = time.monotonic()
            self._phase, self._done = name, done
            self._estimated = total is None
            if total is not None:
                self.estimate = total
        self._emit()

    def expect(self, total: int) -> None:
        """A better estimate of the current phase's total."""
        with self._lock:
            self.estimate, self._estimated = total, True

    def step(self, name: str) -> None:
        """Start a step that counts no articles (part of the commit)."""
        self._finish_phase()
        with self._lock:
            self._phase, self._done, self.estimate = name, 0, None
            self._phase_started = time.monotonic()
        self._emit()

    def advance(self, done: int) -> None:
        if self.callback is None:
            return
        with self._lock:
            self._done = done
        if time.monotonic() - self._last >= 1 / _UPDATES_PER_SECOND:
            self._emit()

    def _finish_phase(self) -> None:
        """Report the last count of the phase that ends, if it was held back."""
        if self._done != self._emitted:
            self._emit()

    @contextmanager
    def ticking(self) -> Iterator[None]:
        """Repeat the last event every ``TICK_SECONDS`` while the block runs."""
        if self.callback is None:
            yield
            return
        stop = threading.Event()

        def tick() -> None:
            while not stop.wait(TICK_SECONDS):
                if time.monotonic() - self._last >= TICK_SECONDS:
                    self._emit()

        ticker = threading.Thread(target=tick, name="newsdesk-progress", daemon=True)
        ticker.start()
        try:
            yield
        finally:
            stop.set()
            ticker.join()

    def _emit(self) -> None:
        if self.callback is None:
            return
        with self._lock:
            now = time.monotonic()
            self._last = now
            done, phase, total, estimated = self._done, self._phase, self.estimate, self._estimated
            self._emitted = done
            rate = done / max(now - self._phase_started, 1e-9)
            if total is not None and done > total:
                total = None  # the estimate was wrong: say "unknown" rather than lie
            eta = (total - done) / rate if total is not None and rate > 0 else None
            event = BuildProgress(
                done, total, rate, eta, phase, now - self.started, estimated and total is not None
            )
        with self._calling:
            self.callback(event)
