"""The time limit of one query, threaded through every step of its work.

Each step that can take long (checking phrases document by document, ranking through
Whoosh, making snippets, counting facets) asks the query's ``Deadline`` before its next
piece of work and stops when the time is up.  Work skipped that way is recorded on the
deadline, so the results can say they are incomplete instead of passing a cut-off page
off as the whole answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Deadline:
    """``seconds`` from now by ``clock`` (``time.perf_counter`` unless a test fakes it)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock
        self._end = clock() + seconds
        #: True once some step skipped work because the time was up.
        self.cut_short = False

    def exceeded(self) -> bool:
        """True when the time is up.  Ask just before work you then skip: a True answer
        records that the query's results are incomplete (``cut_short``)."""
        if not self.cut_short and self._clock() >= self._end:
            self.cut_short = True
        return self.cut_short

    def remaining(self) -> float:
        """Seconds left (0 once the time is up)."""
        return max(0.0, self._end - self._clock())

    @classmethod
    def unlimited(cls) -> Deadline:
        """A deadline that never passes (work outside a query, such as warming caches)."""
        return cls(float("inf"))
