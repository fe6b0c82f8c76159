"""The SMART test-collection format (Cornell SMART; TIME magazine 1963, ``TIME.ALL``).

Each document starts ``*TEXT 017 01/04/63 PAGE 020`` and runs to the next ``*TEXT`` or
the closing ``*STOP``.  The id is the document number without zero padding ("17"), the
number the collection's relevance judgments use.  The text is upper case with a blank
line after every line and no title, so the first line (the lede) is the title and the
lines are joined back into one paragraph, kept as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from corpus.extract.cleaning import clean_text
from corpus.extract.places import find_places
from corpus.model import Article
from corpus.sources import Entry
from corpus.streams import NUL, NUL_REASON, TextSource, split_records, too_large

FORMAT = "smart"

_HEADER = re.compile(r"^\*TEXT\s+(\S+)(.*)$", re.MULTILINE)
#: Where a document (or the closing ``*STOP``) starts.
_DOCUMENT_START = re.compile(r"^\*(?:TEXT\s|STOP\b)", re.MULTILINE)
#: "01/04/63", also the irregular "08/30 63".
_HEADER_DATE = re.compile(r"(\d{1,2})/(\d{1,2})[/\s]\s*(\d{2}|\d{4})\b")


def source_name(entry: Entry) -> str:
    """SMART collections are named by their file (``TIME.ALL`` -> "TIME")."""
    return entry.name.partition(".")[0]


def read_smart(source: TextSource) -> Iterator[Article]:
    """Yield one Article per ``*TEXT`` document, up to ``*STOP``."""
    name = source_name(source.entry)
    for line, record in split_records(source, _DOCUMENT_START):
        if record is None:
            source.skip(too_large(source.limit, "SMART document"), line)
            continue
        if record.startswith("*STOP"):
            return
        record = source.recover(record, line)
        header = _HEADER.match(record)
        if NUL in record or header is None:
            source.skip(NUL_REASON if NUL in record else "SMART document without a number", line)
            continue
        number = header.group(1)
        text = clean_text(record[header.end() :])
        lines = [part.strip() for part in text.split("\n") if part.strip()]
        if not lines:
            source.skip(f"SMART document {number} has no text", line)
            continue
        yield Article(
            id=number.lstrip("0") or "0",
            title=lines[0],
            title_inferred=True,
            body=" ".join(lines),
            source=name,
            date=_header_date(header.group(2)),
            path=source.entry.path,
            format=FORMAT,
            places=_places(" ".join(lines)),
        )


def _header_date(rest: str) -> datetime | None:
    match = _HEADER_DATE.search(rest)
    if match is None:
        return None
    month, day, year = (int(part) for part in match.groups())
    if year < 100:
        year += 1900
    try:
        return datetime(year, month, day)
    except ValueError:
        return None


def _places(text: str) -> tuple[str, ...]:
    return find_places(text)
