"""JSON Lines (``.jsonl``, ``.ndjson``, and ``.json`` holding one object per line).

A ``.json`` file holding an array of objects is read too, item by item, and so is an
object spread over several lines.  The file is read as a stream of JSON values (never
whole).  A value that is malformed, nested too deeply or larger than the size limit is
skipped with its line number, and reading goes on at the next line; one that holds a
NUL byte or is not an object is skipped alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping

from corpus.model import Article
from corpus.readers.fields import record_to_article
from corpus.streams import NUL, NUL_REASON, TextSource, TextWindow, exceeds, too_large

FORMAT = "jsonl"

#: ``strict=False``: control characters inside strings are accepted (and later removed).
_DECODER = json.JSONDecoder(strict=False)
_SPACE = re.compile(r"\s*")
_SPACE_OR_COMMA = re.compile(r"[\s,]*")
#: A decoding error this close to the end of the text read so far may be a value cut
#: by the end of the chunk (a cut ``\uXXXX`` escape is the longest case).
_CUT_MARGIN = 8


class _Unreadable(Exception):
    """Why the value being read is skipped."""


def _skip_over(pattern: re.Pattern[str], text: str, position: int) -> int:
    match = pattern.match(text, position)
    return position if match is None else match.end()


class _JsonValues:
    """The JSON values of a stream, one at a time; the window holds about one value."""

    def __init__(self, source: TextSource) -> None:
        self.source = source
        self.window = TextWindow(source.stream)
        self.position = 1

    def next_char(self, space: re.Pattern[str] = _SPACE) -> str:
        """Move past ``space``; the next character ("" at the end of the file)."""
        while True:
            self.position = _skip_over(space, self.window.text, self.position)
            if self.position < len(self.window.text) or self.window.eof:
                return self.window.text[self.position : self.position + 1]
            self.position = self.window.more(self.position)

    def line(self) -> int:
        return self.window.line_at(self.position)

    def decode(self, line: int) -> tuple[object, str]:
        """The value at the current position (on ``line``) and its text; moves past it.

        Raises :class:`_Unreadable` and stays put when the value cannot be read.
        """
        while True:
            text = self.window.text
            try:
                value, end = _DECODER.raw_decode(text, self.position)
                if end < len(text) or self.window.eof:
                    if exceeds(text[self.position : end], self.source.limit):
                        raise _Unreadable(too_large(self.source.limit, "record"))
                    start, self.position = self.position, end
                    return value, text[start:end]
            except json.JSONDecodeError as error:
                cut = error.pos >= len(text) - _CUT_MARGIN or error.msg.startswith("Unterminated")
                if self.window.eof or not cut:
                    raise _Unreadable(self._malformed(error, line)) from None
            except RecursionError:
                raise _Unreadable("JSON nested too deeply") from None
            except ValueError as error:  # e.g. an integer of more than 4,300 digits
                raise _Unreadable(f"malformed JSON: {error}") from None
            if len(text) - self.position > self.source.limit + _CUT_MARGIN:
                raise _Unreadable(too_large(self.source.limit, "record"))
            self.position = self.window.more(self.position)

    def _malformed(self, error: json.JSONDecodeError, line: int) -> str:
        lines_on = self.window.text.count("\n", self.position, error.pos)
        at = f"line {line + lines_on}, " if lines_on else ""
        column = self.window.column_at(error.pos)
        return f"malformed JSON at {at}column {column}: {error.msg}"

    def skip_line(self) -> None:
        """Move past the end of the line the current position is on."""
        while True:
            newline = self.window.text.find("\n", self.position)
            if newline >= 0:
                self.position = newline + 1
                return
            if self.window.eof:
                self.position = len(self.window.text)
                return
            self.position = self.window.more(len(self.window.text))


def read_jsonl(source: TextSource) -> Iterator[Article]:
    """Yield one Article per JSON object (per line, or per item of a top-level array)."""
    values = _JsonValues(source)
    first = values.next_char()
    if first == "[":
        values.position += 1
        yield from _read_array(values)
    while values.next_char():
        yield from _read_value(values, "")


def _read_array(values: _JsonValues) -> Iterator[Article]:
    """The items of the array just opened, up to its ``]``."""
    number = 0
    while next_char := values.next_char(_SPACE_OR_COMMA):
        if next_char == "]":
            values.position += 1
            return
        number += 1
        yield from _read_value(values, f"array item {number}: ")


def _read_value(values: _JsonValues, where: str) -> Iterator[Article]:
    line = values.line()
    try:
        record, text = values.decode(line)
    except _Unreadable as problem:
        values.source.skip(f"{where}{problem}", line)
        values.skip_line()
        return
    yield from _article(values.source, record, text, line, where)


def _article(
    source: TextSource, record: object, text: str, line: int, where: str
) -> Iterator[Article]:
    recovered = source.recover(text, line)
    if NUL in recovered:
        source.skip(where + NUL_REASON, line)
        return
    if recovered != text:  # re-decoded bytes change string contents, never the structure
        record = _DECODER.decode(recovered)
    if not isinstance(record, Mapping):
        source.skip(f"{where}not a JSON object ({type(record).__name__})", line)
        return
    article = record_to_article(
        record, entry=source.entry, line=line, article_format=FORMAT, report=source.report,
        identities=source.identities,
    )  # fmt: skip
    if article is not None:
        yield article
