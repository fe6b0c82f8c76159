"""CSV: a header row naming the fields, or the headerless AG News layout.

AG News (``class,title,description``, no header, class 1-4) is recognised by a first
row of exactly three fields whose first is a number.  Its text carries entity debris
from a lost ``&`` (`` #36;`` for ``$``, ``quot;``), ``\\`` standing for a newline, and
escaped ``&lt;b&gt;`` markup; all of it is decoded and the markup removed.
"""

from __future__ import annotations

import csv
import html
import itertools
import re
from collections.abc import Iterator
from html.entities import name2codepoint

from corpus.model import Article
from corpus.readers.fields import known_field, record_to_article
from corpus.streams import CHUNK_CHARS, NUL, NUL_REASON, TextSource, too_large, utf8_size

FORMAT = "csv"

#: Separators a CSV file may use, the comma first.
DELIMITERS = (",", ";", "\t", "|")
_QUOTED = re.compile(r'"[^"]*(?:"|$)')

#: AG News class index -> category (from the dataset's ``classes.txt``).
AG_NEWS_CLASSES = {"1": "World", "2": "Sports", "3": "Business", "4": "Sci/Tech"}

#: An entity whose "&" became a space: " #36;" -> "$", " quot;" -> '"'.
_ENTITY_DEBRIS = re.compile(r" ?(?<![&\w])(#\d{2,5}|[a-z]{2,8});")
#: Markup tags (only real HTML tag names, so tickers like <AAPL.O> stay).
_HTML_TAG = re.compile(
    r"</?(?:a|b|i|u|em|strong|font|p|br|span|div|img|sup|sub|li|ul|ol|table|tr|td|h\d)"
    r"\b[^<>]*>",
    re.IGNORECASE,
)


def read_csv(source: TextSource) -> Iterator[Article]:
    """Yield one Article per data row."""
    numbered = _numbered_rows(source)
    first = next(numbered, None)
    if first is None:
        return
    header: list[str] | None = None
    if not is_ag_news_row(first[1]):
        header = first[1]
        if not any(known_field(name) for name in header):
            source.skip("CSV header names no known field (title, text ...)", first[0])
            return
    rows = numbered if header is not None else itertools.chain([first], numbered)
    for line, row in rows:
        if any(cell.strip() for cell in row):
            article = _row_article(row, header, source, line)
            if article is not None:
                yield article


class _RowTooLarge(Exception):
    """The row being read grew beyond the size limit."""


class _RowLines:
    """The lines of a CSV file, for ``csv.reader``; a row over the size limit is cut off.

    Rows are told apart from lines by quote parity (a row ends at a line end outside
    quotes), which lets a row over the limit, or a malformed one, be skipped whole.
    """

    def __init__(self, source: TextSource) -> None:
        self.source = source
        self.line = 0  #: the number of the last line read
        self._row_size = 0
        self._row_quotes = 0
        self._line_cut = False  #: the last line read is longer than what was read of it

    def __iter__(self) -> _RowLines:
        return self

    def __next__(self) -> str:
        room = self.source.limit - self._row_size
        text = self.source.stream.readline(room + 1)
        if not text:
            raise StopIteration
        self.line += 1
        self._row_size += utf8_size(text)
        self._row_quotes += text.count('"')
        if self._row_size > self.source.limit:
            self._line_cut = not text.endswith("\n")
            raise _RowTooLarge
        return self.source.recover(text, self.line)

    def row_read(self) -> None:
        self._row_size = self._row_quotes = 0

    def skip_rest_of_row(self) -> None:
        """Read past the rest of a row that was cut off or malformed."""
        if self._line_cut:
            self._read_past_line_end()
        while self._row_quotes % 2 and self._read_past_line_end():
            self.line += 1
        self._line_cut = False
        self.row_read()

    def _read_past_line_end(self) -> bool:
        """Read to the end of the current line, counting its quotes; False at the end."""
        read = False
        while piece := self.source.stream.readline(CHUNK_CHARS):
            read = True
            self._row_quotes += piece.count('"')
            if piece.endswith("\n"):
                break
        return read


def _numbered_rows(source: TextSource) -> Iterator[tuple[int, list[str]]]:
    """CSV rows with the line each starts on; a bad row is skipped, the rest still read."""
    csv.field_size_limit(max(csv.field_size_limit(), source.limit))  # rows are capped anyway
    lines = _RowLines(source)
    try:
        first = [next(lines)]
    except StopIteration:
        return
    except _RowTooLarge:  # (then read as commas: the header is gone anyway)
        source.skip(too_large(source.limit, "row"), 1)
        lines.skip_rest_of_row()
        first = []
    rows = csv.reader(itertools.chain(first, lines), delimiter=delimiter(first[0] if first else ""))
    peeked = bool(first)  # the first row starts on the line read to find the separator
    while True:
        start = 1 if peeked else lines.line + 1
        peeked = False
        try:
            row = next(rows)
        except StopIteration:
            return
        except _RowTooLarge:
            source.skip(too_large(source.limit, "row"), start)
            lines.skip_rest_of_row()
            continue
        except csv.Error as error:
            source.skip(f"malformed CSV: {error}", start)
            lines.skip_rest_of_row()
            continue
        lines.row_read()
        if any(NUL in cell for cell in row):
            source.skip(NUL_REASON, start)
            continue
        yield start, row


def delimiter(first_line: str) -> str:
    """The separator of a CSV file, from its first line: a comma, or the semicolon of a
    spreadsheet saved where the comma is the decimal mark (Excel in most of Europe), a
    tab or a bar, when it is the most frequent of them outside quotes."""
    bare = _QUOTED.sub("", first_line)
    counts = {mark: bare.count(mark) for mark in DELIMITERS}
    best = max(DELIMITERS, key=counts.__getitem__)  # ties: the first, the comma
    return best if counts[best] else ","


def is_ag_news_row(row: list[str]) -> bool:
    return len(row) == 3 and row[0].strip().isdigit()


def _row_article(
    row: list[str], header: list[str] | None, source: TextSource, line: int
) -> Article | None:
    entry, report, identities = source.entry, source.report, source.identities
    if header is None:
        if len(row) != 3 or not row[0].strip().isdigit():
            report.skip(
                entry.path, f"expected 3 fields (class,title,description), got {len(row)}", line
            )
            return None
        record = {
            "title": clean_ag_news(row[1]),
            "description": clean_ag_news(row[2]),
            "category": AG_NEWS_CLASSES.get(row[0].strip(), row[0].strip()),
            "source": "AG News",
        }
        return record_to_article(
            record, entry=entry, line=line, article_format=FORMAT, report=report,
            identities=identities,
        )  # fmt: skip
    if len(row) < len(header):
        report.skip(entry.path, f"row has {len(row)} fields, header has {len(header)}", line)
        return None
    record = dict(zip(header, row, strict=False))
    return record_to_article(
        record, entry=entry, line=line, article_format=FORMAT, report=report,
        identities=identities,
    )  # fmt: skip


def _entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name.startswith("#"):
        code = int(name[1:])
        if 128 <= code < 160:  # cp1252 punctuation written as numeric references
            return bytes([code]).decode("cp1252", errors="replace")
        return chr(code) if 0 < code < 0x110000 else match.group(0)
    if name in name2codepoint:
        return chr(name2codepoint[name])
    return match.group(0)


def clean_ag_news(text: str) -> str:
    """Decode AG News' entity debris, backslash newlines and escaped markup."""
    text = text.replace("\\", "\n")
    text = _ENTITY_DEBRIS.sub(_entity, text)
    text = _HTML_TAG.sub("", html.unescape(text))
    return re.sub(r"[ ]{2,}", " ", text).strip()
