"""``read_corpus``: every article under a path, whatever the formats, never stopping.

Two passes over the root: the first looks at names and first bytes only, to pick each
file's format and to find the folders that hold structured data (so the plain-text
word lists and notes beside them are ignored rather than read as articles); the second reads
and parses.  Both stream, so an archive is never unpacked or held in memory whole.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

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
from corpus.readers.csvfile import read_csv
from corpus.readers.jsonl import read_jsonl
from corpus.readers.plaintext import parse_plain_text
from corpus.readers.reuters import read_reuters
from corpus.readers.smart import read_smart
from corpus.report import CorpusReport
from corpus.sources import Entry, walk

FormatReader = Callable[[str, Entry, CorpusReport], Iterator[Article]]

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
    path: str | os.PathLike[str], report: CorpusReport | None = None
) -> Iterator[Article]:
    """Articles from a file, a folder tree or an archive, in a deterministic order.

    Raises :class:`CorpusError` at once if ``path`` does not exist; anything wrong
    inside it is recorded in ``report`` and reading goes on.
    """
    root = Path(path)
    if not root.exists():
        raise CorpusError(
            f"{root}: no such file or folder; give a corpus file, folder or archive "
            "(.tar.gz, .tgz, .tar, .zip)"
        )
    return _read_root(root, report if report is not None else CorpusReport())


def read_corpora(
    paths: Iterable[str | os.PathLike[str]], report: CorpusReport | None = None
) -> Iterator[Article]:
    """Articles from several roots in turn; every root is checked before any is read."""
    report = report if report is not None else CorpusReport()
    return itertools.chain.from_iterable([read_corpus(path, report) for path in paths])


def _sniff_amount(entry: Entry) -> int:
    return 0 if ignore_reason(entry) else SNIFF_BYTES


def plan_formats(root: Path, report: CorpusReport) -> dict[str, Format]:
    """First pass: the format of every file worth reading, by its ``Entry.path``."""
    formats: dict[str, Format] = {}
    folders: dict[str, list[Entry]] = {}
    structured: set[str] = set()
    prose: set[str] = set()
    for entry, head in walk(root, _sniff_amount, report):
        reason = ignore_reason(entry)
        if reason is not None:
            report.ignore(entry.path, reason)
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


def _read_root(root: Path, report: CorpusReport) -> Iterator[Article]:
    formats = plan_formats(root, report)
    for entry, data in walk(root, lambda entry: -1 if entry.path in formats else 0, None):
        article_format = formats.get(entry.path)
        if article_format is None:
            continue
        for article in read_file(entry, data, article_format, report):
            report.counts[article.format] += 1
            yield article


def read_file(
    entry: Entry, data: bytes, article_format: Format, report: CorpusReport
) -> Iterator[Article]:
    """The articles of one file whose format is known; problems go to ``report``."""
    decoded = decode_bytes(data)
    if decoded.warning:
        report.warn(entry.path, decoded.warning, decoded.warning_line)
    text = clean_text(decoded.text)
    try:
        if article_format is Format.PLAIN:
            yield from _read_plain(text, entry, report)
        else:
            yield from _READERS[article_format](text, entry, report)
    except (ValueError, LookupError, TypeError, RecursionError) as error:
        # A reader bug or a pathological file must cost one file, never the run.
        report.skip(entry.path, f"cannot parse as {article_format}: {error}")


def _read_plain(text: str, entry: Entry, report: CorpusReport) -> Iterator[Article]:
    try:
        article = parse_plain_text(
            text, article_id=entry.stem, path=entry.path, category=entry.category
        )
    except ValueError as error:
        report.skip(entry.path, str(error) or "no article in file")
        return
    yield article if article.format else replace(article, format=Format.PLAIN.value)
