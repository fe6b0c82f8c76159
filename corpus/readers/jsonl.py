"""JSON Lines (``.jsonl``, ``.ndjson``, and ``.json`` holding one object per line).

A ``.json`` file holding a single array of objects is read too.  A malformed line or a
line that is not an object is skipped with its line number; the rest still reads.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

from corpus.model import Article
from corpus.readers.fields import record_to_article
from corpus.report import CorpusReport
from corpus.sources import Entry

FORMAT = "jsonl"


def read_jsonl(text: str, entry: Entry, report: CorpusReport) -> Iterator[Article]:
    """Yield one Article per JSON object line."""
    start = text.lstrip()[:1]
    if start == "[":
        yield from _read_array(text, entry, report)
        return
    if start == "{" and "\n" in text.strip():
        try:  # a single pretty-printed object rather than one object per line
            whole = json.loads(text)
        except json.JSONDecodeError:
            pass
        else:
            yield from _article(whole, entry, 1, report)
            return
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            report.skip(entry.path, f"malformed JSON at column {error.colno}: {error.msg}", number)
            continue
        yield from _article(record, entry, number, report)


def _read_array(text: str, entry: Entry, report: CorpusReport) -> Iterator[Article]:
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        report.skip(
            entry.path, f"malformed JSON at column {error.colno}: {error.msg}", error.lineno
        )
        return
    for position, record in enumerate(records, start=1):
        yield from _article(record, entry, None, report, f"array item {position}: ")


def _article(
    record: object, entry: Entry, line: int | None, report: CorpusReport, where: str = ""
) -> Iterator[Article]:
    if not isinstance(record, Mapping):
        report.skip(entry.path, f"{where}not a JSON object ({type(record).__name__})", line)
        return
    article = record_to_article(
        record, entry=entry, line=line, article_format=FORMAT, report=report
    )
    if article is not None:
        yield article
