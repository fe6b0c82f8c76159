"""One targeted fix to Whoosh 2.7.4 (pinned, unmaintained) that halves commit time.

``W3PerDocReader._cached_reader`` caches the length column of a field only when it
exists; for fields without one (IDs and dates) it asks the file system again for
every posting written at commit -- hundreds of thousands of ``stat`` calls for
Reuters-21578.  Caching the negative answer too is safe: a segment's files never
change once written.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec import whoosh3

_original = whoosh3.W3PerDocReader._cached_reader


def _cached_reader(self: Any, fieldname: str, column: Any) -> Any:
    try:
        return self._readers[fieldname]
    except KeyError:
        reader = _original(self, fieldname, column)
        self._readers[fieldname] = reader
        return reader


def apply() -> None:
    """Idempotent; called on import of ``index.writer``."""
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
