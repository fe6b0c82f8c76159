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

from corpus.extract.places import find_places
from corpus.model import Article
from corpus.report import CorpusReport
from corpus.sources import Entry

FORMAT = "smart"

_HEADER = re.compile(r"^\*TEXT\s+(\S+)(.*)$", re.MULTILINE)
#: "01/04/63", also the irregular "08/30 63".
_HEADER_DATE = re.compile(r"(\d{1,2})/(\d{1,2})[/\s]\s*(\d{2}|\d{4})\b")
_STOP = re.compile(r"^\*STOP\b.*$", re.MULTILINE)


def source_name(entry: Entry) -> str:
    """SMART collections are named by their file (``TIME.ALL`` -> "TIME")."""
    return entry.name.partition(".")[0]


def read_smart(text: str, entry: Entry, report: CorpusReport) -> Iterator[Article]:
    """Yield one Article per ``*TEXT`` document."""
    stop = _STOP.search(text)
    if stop is not None:
        text = text[: stop.start()]
    headers = list(_HEADER.finditer(text))
    source = source_name(entry)
    for index, header in enumerate(headers):
        end = headers[index + 1].start() if index + 1 < len(headers) else len(text)
        line = text.count("\n", 0, header.start()) + 1
        number = header.group(1)
        lines = [part.strip() for part in text[header.end() : end].split("\n") if part.strip()]
        if not lines:
            report.skip(entry.path, f"SMART document {number} has no text", line)
            continue
        yield Article(
            id=number.lstrip("0") or "0",
            title=lines[0],
            body=" ".join(lines),
            source=source,
            date=_header_date(header.group(2)),
            path=entry.path,
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
