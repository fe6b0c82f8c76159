"""``read_corpus``: every article under a path, whatever the formats, never stopping.

Two passes over the root: the first looks at names and first bytes only, to pick each
file's format and to find the folders that hold structured data (so the plain-text
word lists and notes beside them are ignored rather than read as articles); the second reads
and parses.  Both stream, so an archive is never unpacked or held in memory whole, and a
file of many records is read record by record (:mod:`corpus.streams`).  No article larger
than ``max_article_bytes`` is read: a one-article file over it is skipped after reading
at most that many bytes, a record over it costs only itself.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import IO

from corpus.decoding import SNIFF_BYTES, decode_bytes
from corpus.errors import CorpusError
from corpus.extract.cleaning import clean_text
from corpus.formats import (
    BESIDE_DATA_REASON,
    STRUCTURED,
    Format,
    detect_format,
    ignore_reason,
    reads_like_article,
)
from corpus.model import Article
from corpus.opening import NotReadable
from corpus.readers.csvfile import read_csv
from corpus.readers.jsonl import read_jsonl
from corpus.readers.plaintext import parse_plain_text
from corpus.readers.reuters import read_reuters
from corpus.readers.smart import read_smart
from corpus.report import CorpusReport
from corpus.sources import READ_ERRORS, Entry, Opener, walk
from corpus.streams import DEFAULT_MAX_ARTICLE_BYTES, TextSource, check_limit, too_large

FormatReader = Callable[[TextSource], Iterator[Article]]

_READERS: dict[Format, FormatReader] = {
    Format.REUTERS: read_reuters,
    Format.JSONL: read_jsonl,
    Format.CSV: read_csv,
    Format.SMART: read_smart,
}


def sample_corpus_path() -> Path:
    """The bundled sample corpus (the seed AFP story and one Reuters-21578 file)."""
    return Path(__file__).resolve().parent / "sample"


def read_corpus(
    path: str | os.PathLike[str],
    report: CorpusReport | None = None,
    *,
    max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES,
) -> Iterator[Article]:
    """Articles from a file, a folder tree or an archive, in a deterministic order.

    Raises :class:`CorpusError` at once if ``path`` does not exist; anything wrong
    inside it is recorded in ``report`` and reading goes on.  Articles (a file, or one
    record of a file) larger than ``max_article_bytes`` are skipped with a reason.
    """
    root = Path(path)
    if not root.exists():
        raise CorpusError(
            f"{root}: no such file or folder; give a corpus file, folder or archive "
            "(.tar.gz, .tgz, .tar, .zip)"
        )
    limit = check_limit(max_article_bytes)
    return _read_root(root, report if report is not None else CorpusReport(), limit)


def read_corpora(
    paths: Iterable[str | os.PathLike[str]],
    report: CorpusReport | None = None,
    *,
    max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES,
) -> Iterator[Article]:
    """Articles from several roots in turn; every root is checked before any is read."""
    report = report if report is not None else CorpusReport()
    readers = [read_corpus(path, report, max_article_bytes=max_article_bytes) for path in paths]
    return itertools.chain.from_iterable(readers)


@contextmanager
def _unreadable_skipped(entry: Entry, report: CorpusReport) -> Iterator[None]:
    """A file that cannot be opened or read costs itself (a skip), never the run."""
    try:
        yield
    except NotReadable as problem:
        report.skip(entry.path, str(problem))
    except READ_ERRORS as error:
        report.skip(entry.path, f"cannot read file: {error}")


def _sniff(entry: Entry, opener: Opener, report: CorpusReport) -> bytes | None:
    """The first bytes of a file, or None (and a skip) when it cannot be read."""
    with _unreadable_skipped(entry, report), opener() as handle:
        return handle.read(SNIFF_BYTES)
    return None


def plan_formats(root: Path, report: CorpusReport) -> dict[str, Format]:
    """First pass: the format of every file worth reading, by its ``Entry.path``.

    Reads at most ``SNIFF_BYTES`` of each file.
    """
    formats: dict[str, Format] = {}
    folders: dict[str, list[Entry]] = {}
    structured: set[str] = set()
    prose: set[str] = set()
    for entry, opener in walk(root, report):
        reason = ignore_reason(entry)
        if reason is not None:
            report.ignore(entry.path, reason)
            continue
        head = _sniff(entry, opener, report)
        if head is None:
            continue
        found = detect_format(entry, head)
        if not isinstance(found, Format):
            report.skip(entry.path, found)
            continue
        formats[entry.path] = found
        if found is Format.PLAIN:
            folders.setdefault(entry.folder, []).append(entry)
            if reads_like_article(head):
                prose.add(entry.path)
        if found in STRUCTURED:
            structured.add(entry.folder)
    for folder in structured:
        for entry in folders.get(folder, ()):
            if entry.path not in prose:
                del formats[entry.path]
                report.ignore(entry.path, BESIDE_DATA_REASON)
    return formats


def _read_root(root: Path, report: CorpusReport, limit: int) -> Iterator[Article]:
    formats = plan_formats(root, report)
    for entry, opener in walk(root, None):
        article_format = formats.get(entry.path)
        if article_format is None:
            continue
        for article in _read_entry(entry, opener, article_format, report, limit):
            report.counts[article.format] += 1
            yield article


def _read_entry(
    entry: Entry, opener: Opener, article_format: Format, report: CorpusReport, limit: int
) -> Iterator[Article]:
    with _unreadable_skipped(entry, report), opener() as handle:
        yield from read_file(entry, handle, article_format, report, limit)


def read_file(
    entry: Entry,
    handle: IO[bytes],
    article_format: Format,
    report: CorpusReport,
    max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES,
) -> Iterator[Article]:
    """The articles of one open file whose format is known; problems go to ``report``."""
    try:
        if article_format is Format.PLAIN:
            yield from _read_plain(entry, handle, report, max_article_bytes)
        else:
            source = TextSource(handle, entry, report, max_article_bytes)
            yield from _READERS[article_format](source)
    except (ValueError, LookupError, TypeError, RecursionError) as error:
        # A reader bug or a pathological file must cost one file, never the run.
        report.skip(entry.path, f"cannot parse as {article_format}: {error}")


def _read_plain(
    entry: Entry, handle: IO[bytes], report: CorpusReport, limit: int
) -> Iterator[Article]:
    data = handle.read(limit + 1)  # never more: the file may be a decompression bomb
    if len(data) > limit:
        report.skip(entry.path, too_large(limit))
        return
    decoded = decode_bytes(data)
    if decoded.warning:
        report.warn(entry.path, decoded.warning, decoded.warning_line)
    try:
        article = parse_plain_text(
            clean_text(decoded.text),
            article_id=entry.stem,
            path=entry.path,
            category=entry.category,
        )
    except ValueError as error:
        report.skip(entry.path, str(error) or "no article in file")
        return
    yield article if article.format else replace(article, format=Format.PLAIN.value)
