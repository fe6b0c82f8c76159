"""Three targeted changes to Whoosh 2.7.4 (pinned, unmaintained), applied explicitly.

``apply()`` is called where newsdesk opens or writes an index (``index.opening``,
``index.writer``, the build's worker processes); importing this module changes nothing.
Each change has a test in ``tests/test_whoosh_patches.py``.

1. **Reads from memory-mapped segments copy only what they read.**  Whoosh maps each
   compound segment file, then wraps every sub-file it opens in a ``BufferFile`` whose
   ``BytesIO`` copies the whole sub-file into memory: opening an index copied all of its
   postings, terms and stored fields (1.4 s and 3 GB at 300,000 articles).
   ``MappedFile`` reads through a ``memoryview`` of the mapping instead, so opening costs
   the same at any size, the pages are shared with the page cache, and a read copies only
   the bytes it returns.
2. **Commits stop asking the file system about missing columns.**
   ``W3PerDocReader._cached_reader`` caches the length column of a field only when it
   exists; for fields without one (IDs and dates) it asks the file system again for every
   posting written at commit -- hundreds of thousands of ``stat`` calls for Reuters-21578.
   Caching the negative answer too is safe: a segment's files never change once written.
3. **A coordinated query with one term keeps its scores.**  ``CoordMatcher`` (an ``Or``
   with a ``scale``: newsdesk's any-word tier) multiplies every score by
   ``(terms - 1) / terms``, which is 0 when only one of the query's terms is in the index
   at all ("tony bliar" in BBC, whose titles never say "Tony"): every result scored 0
   and the results came in index order.  With one term there is nothing to coordinate:
   the score is left as it is.  ``search.matching.fastrank`` does the same.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec import whoosh3
from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile
from whoosh.matching import wrappers

_original_cached_reader = whoosh3.W3PerDocReader._cached_reader
_original_open_file = compound.CompoundStorage.open_file
_original_sqr = wrappers.CoordMatcher._sqr


class MemoryReader:
    """A read-only file over a ``memoryview``: a read copies only the bytes it returns."""

    __slots__ = ("_position", "_view", "closed")

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._position = 0
        self.closed = False

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        self._position = end
        return bytes(self._view[start:end])

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        start = self._position
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        chunk = bytes(self._view[start:end])
        cut = chunk.find(b"\n")
        line = chunk if cut < 0 else chunk[: cut + 1]
        self._position = start + len(line)
        return line

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence == 1:
            offset += self._position
        elif whence == 2:
            offset += len(self._view)
        self._position = max(0, offset)
        return self._position

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


class MappedFile(BufferFile):  # type: ignore[misc]  # whoosh is untyped
    """Whoosh's ``BufferFile`` without its ``BytesIO`` copy of the whole buffer."""

    def __init__(self, buf: memoryview, name: str | None = None, onclose: Any = None) -> None:
        self._buf = buf
        self._name = name
        self.file = MemoryReader(buf)
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False

    def subset(self, position: int, length: int, name: str | None = None) -> MappedFile:
        return MappedFile(self._buf[position : position + length], name=name or self._name)


def _open_file(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    if self.is_closed or not self._source:
        return _original_open_file(self, name, *args, **kwargs)
    offset, length = self.range(name)
    return MappedFile(memoryview(self._source)[offset : offset + length], name=name)


def _cached_reader(self: Any, fieldname: str, column: Any) -> Any:
    try:
        return self._readers[fieldname]
    except KeyError:
        reader = _original_cached_reader(self, fieldname, column)
        self._readers[fieldname] = reader
        return reader


def _sqr(self: Any, score: float, matching: int) -> float:
    if self._termcount <= 1:
        return score
    result: float = _original_sqr(self, score, matching)
    return result


def apply() -> None:
    """Apply the three changes (idempotent)."""
    compound.CompoundStorage.open_file = _open_file
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    wrappers.CoordMatcher._sqr = _sqr
