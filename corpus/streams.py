"""A file's text as a stream of records, never held whole, and the article size limit.

A file of many records (JSON Lines, CSV, Reuters SGML, SMART) may be larger than memory,
or a decompression bomb in a small archive.  Its text is decoded as it is read and cut
into records; a record larger than the limit is skipped without being held, so memory
stays within about the limit whatever the size of the file.

Decoding: UTF-8 (UTF-16 after its byte-order mark).  While streaming, bytes that are not
UTF-8 are kept as surrogate escapes; a record holding one is decoded again with
:func:`corpus.decoding.decode_bytes` (cp1252, else latin-1), and the first such record of
a file gets the warning, naming file and line.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from corpus.decoding import decode_bytes
from corpus.readers.codebook import CodeBook
from corpus.report import CorpusReport
from corpus.sources import Entry

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

MEGABYTE = 1024 * 1024
#: The largest article read, in bytes (``max_article_bytes``, ``--max-article-mb``).
DEFAULT_MAX_ARTICLE_BYTES = 10 * MEGABYTE
#: Characters read from a stream at a time.
CHUNK_CHARS = 1 << 18
#: Bytes read from a file at a time, for decoding.
BUFFER_BYTES = 1 << 16
#: Characters kept from the end of a chunk in case a record marker straddles two chunks.
MARKER_TAIL = 64
#: A record holding this character is binary junk (a NUL byte), not text.
NUL = "\x00"
NUL_REASON = "NUL byte in the record (binary data)"

_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def describe_size(size: int) -> str:
    """``10 MB`` for whole megabytes, else ``1,000 bytes``."""
    return f"{size // MEGABYTE:,} MB" if size % MEGABYTE == 0 else f"{size:,} bytes"


def too_large(limit: int, what: str = "article") -> str:
    """The skip reason for a record or file over the size limit."""
    return f"{what} larger than the {describe_size(limit)} size limit (--max-article-mb); not read"


def check_limit(max_article_bytes: int) -> int:
    if max_article_bytes < 1:
        raise ValueError(f"max_article_bytes must be positive, not {max_article_bytes}")
    return max_article_bytes


def utf8_size(text: str) -> int:
    """The size of ``text`` in bytes, as UTF-8."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def exceeds(text: str, limit: int) -> bool:
    """True when ``text`` takes more than ``limit`` bytes as UTF-8."""
    return len(text) > limit or (len(text) * 4 > limit and utf8_size(text) > limit)


class _Prefixed(io.RawIOBase):
    """A byte stream with its first bytes, already read, put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        target = memoryview(buffer).cast("B")
        if self._head:
            data, self._head = self._head[: len(target)], self._head[len(target) :]
        else:
            data = self._rest.read(len(target))
        target[: len(data)] = data
        return len(data)


class TextSource:
    """One file being read as text: its stream, where problems go, and the size limit."""

    def __init__(
        self,
        handle: IO[bytes],
        entry: Entry,
        report: CorpusReport,
        limit: int,
        code_book: CodeBook | None = None,
    ) -> None:
        head = handle.read(2)
        self.utf8 = head not in _UTF16_BOMS
        self.stream: IO[str] = io.TextIOWrapper(
            io.BufferedReader(_Prefixed(head, handle), BUFFER_BYTES),
            encoding="utf-8-sig" if self.utf8 else "utf-16",
            errors="surrogateescape",
            newline=None,  # \r\n and \r read as \n, as clean_text would make them
        )
        self.entry = entry
        self.report = report
        self.limit = limit
        #: The names of the codes the file's records use (beside it in its folder).
        self.code_book = code_book
        #: How many of the file's records without an id had each identity so far
        #: (``corpus.readers.fields.record_id``).
        self.identities: dict[str, int] = {}
        self._warned = False

    def skip(self, reason: str, line: int | None) -> None:
        self.report.skip(self.entry.path, reason, line)

    def recover(self, text: str, line: int) -> str:
        """``text`` (starting at ``line``) with its undecodable bytes decoded by a fallback."""
        if text.isascii() or not self.utf8 or not _ESCAPED_BYTE.search(text):
            return text
        decoded = decode_bytes(text.encode("utf-8", "surrogateescape"))
        if decoded.warning and not self._warned:
            self._warned = True
            where = line + (decoded.warning_line or 1) - 1
            self.report.warn(self.entry.path, decoded.warning, where)
        return decoded.text


class TextWindow:
    """A window sliding over a stream's text, that knows the line of each position.

    ``text[0]`` is context, the character before the window (a newline at the start of
    the file), so a ``^`` pattern searched from position 1 on matches only where a line
    really starts.  Positions asked for their line must come in increasing order.
    """

    def __init__(self, stream: IO[str], chunk: int | None = None) -> None:
        self.stream = stream
        self.chunk = chunk or CHUNK_CHARS
        self.text = "\n"
        self.eof = False
        self._counted = 0  # newlines in text[:_counted] (and in dropped text) are counted
        self._newlines = 0
        self._dropped_of_line = 0  # characters of text[0]'s line dropped before it

    def line_at(self, position: int) -> int:
        self._newlines += self.text.count("\n", self._counted, position)
        self._counted = position
        return self._newlines

    def column_at(self, position: int) -> int:
        """The column (from 1) of ``position`` in its line."""
        newline = self.text.rfind("\n", 0, position)
        return position - newline if newline >= 0 else self._dropped_of_line + position + 1

    def more(self, keep: int) -> int:
        """Read on, forgetting the text before ``keep``; returns where ``keep`` now is."""
        cut = keep - 1
        if cut > 0:
            if self._counted < cut:
                self.line_at(cut)
            newline = self.text.rfind("\n", 0, cut)
            self._dropped_of_line = (
                cut - newline - 1 if newline >= 0 else self._dropped_of_line + cut
            )
            self.text = self.text[cut:]
            self._counted -= cut
        chunk = self.stream.read(self.chunk)
        if chunk:
            self.text += chunk
        else:
            self.eof = True
        return keep - max(cut, 0)

    def search(self, pattern: re.Pattern[str], position: int) -> int:
        """Where ``pattern`` next matches at or after ``position`` (-1: nowhere)."""
        while True:
            match = pattern.search(self.text, position)
            if match is not None and (match.end() < len(self.text) or self.eof):
                return match.start()
            if self.eof:
                return -1
            keep = match.start() if match else max(position, len(self.text) - MARKER_TAIL)
            position = self.more(keep)


def split_records(
    source: TextSource, start: re.Pattern[str], end: str = ""
) -> Iterator[tuple[int, str | None]]:
    """Each record of ``source`` with its first line; None for one over the size limit.

    A record runs from a match of ``start`` to the first ``end`` after it (included), or
    else to the next match of ``start`` or the end of the file.  Text before the first
    record or after an ``end`` is in no record.  A record over the limit is skipped as
    it streams by, so it is never held whole.
    """
    window = TextWindow(source.stream)
    begin = window.search(start, 1)
    while begin >= 0:
        line = window.line_at(begin)
        begin, stop = _record_bounds(window, begin, start, end, source.limit)
        if stop is None:
            yield line, None
            begin = window.search(start, _skip_record(window, begin + 1, start, end))
            continue
        record = window.text[begin:stop]
        yield line, None if exceeds(record, source.limit) else record
        begin = window.search(start, stop)


def _record_bounds(
    window: TextWindow, begin: int, start: re.Pattern[str], end: str, limit: int
) -> tuple[int, int | None]:
    """Where the record at ``begin`` is now, and where it stops (None: over ``limit``)."""
    next_from, end_from = begin + 1, begin
    while True:
        text = window.text
        match = start.search(text, next_from)
        if match is not None and match.end() == len(text) and not window.eof:
            match = None  # it may read differently once the next chunk is in
        next_start = len(text) if match is None else match.start()
        if end:
            close = text.find(end, end_from, next_start)
            if close >= 0:
                return begin, close + len(end)
        if match is not None or window.eof:
            return begin, next_start
        if len(text) - MARKER_TAIL - begin > limit:  # any marker still to find is later
            return begin, None
        next_from = max(begin + 1, len(text) - MARKER_TAIL)
        end_from = max(begin, len(text) - len(end))
        moved = begin - window.more(begin)
        begin, next_from, end_from = begin - moved, next_from - moved, end_from - moved


def _skip_record(window: TextWindow, position: int, start: re.Pattern[str], end: str) -> int:
    """Read past the rest of a record over the limit; returns where the next may start."""
    while True:
        text = window.text
        match = start.search(text, position)
        next_start = len(text) if match is None else match.start()
        close = text.find(end, position, next_start) if end else -1
        if close >= 0:
            return close + len(end)
        if match is not None or window.eof:
            return next_start
        position = window.more(max(position, len(text) - MARKER_TAIL))
