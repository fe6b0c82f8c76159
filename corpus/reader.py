"""``read_corpus``: every article under a path, whatever the formats, never stopping.

Two passes over the root: the first (:func:`plan_files`) looks at names and first bytes
only, to pick each file's format and to find the folders that hold structured data (so
the plain-text word lists and notes beside them are ignored rather than read as
articles); the second (:func:`read_files`) reads and parses the planned files, or any
subset of them (the index's build workers each read their own files). Both stream, so an
archive is never unpacked or held in memory whole, and a file of many records is read
record by record (:mod:`corpus.streams`). No article larger than ``max_article_bytes``
is read: a one-article file over it is skipped after reading at most that many bytes, a
record over it costs only itself.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from corpus.decoding import SNIFF_BYTES, decode_bytes, html_charset
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
from corpus.readers.codebook import CodeBook, code_book_of, is_code_book
from corpus.readers.csvfile import read_csv
from corpus.readers.html import parse_html
from corpus.readers.jsonl import read_jsonl
from corpus.readers.markdown import parse_markdown
from corpus.readers.plaintext import parse_plain_text
from corpus.readers.reuters import read_reuters
from corpus.readers.smart import read_smart
from corpus.report import CorpusReport
from corpus.sources import READ_ERRORS, Entry, Opener, walk
from corpus.streams import DEFAULT_MAX_ARTICLE_BYTES, TextSource, check_limit, too_large

#: Why a code book is not read as an article (it names the codes of the data beside it).
CODE_BOOK_REASON = "code book (names the codes of the data files beside it)"

FormatReader = Callable[[TextSource], Iterator[Article]]
PageParser = Callable[..., Article]


@dataclass(frozen=True, slots=True)
class CorpusFile:
    """One file of a corpus root worth reading, as the first pass planned it."""

    path: str  #: as ``Entry.path`` and ``Article.path`` show it
    format: Format
    size: int  #: bytes (uncompressed, inside an archive)
    #: Last modification (ns) of the file, or of the archive holding it; 0 if unknown.
    modified_ns: int = 0
    #: The names of the codes its records use: the collection's code book, found in the
    #: same folder (``corpus.readers.codebook``).
    code_book: CodeBook | None = None


_READERS: dict[Format, FormatReader] = {
    Format.REUTERS: read_reuters,
    Format.JSONL: read_jsonl,
    Format.CSV: read_csv,
    Format.SMART: read_smart,
}


#: Formats of one article a file, each parsed whole: (text, *, article_id, path, category).
_PAGE_PARSERS: dict[Format, PageParser] = {
    Format.PLAIN: parse_plain_text,
    Format.HTML: parse_html,
    Format.MARKDOWN: parse_markdown,
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
    root = _existing_root(path)
    report = report if report is not None else CorpusReport()
    limit = check_limit(max_article_bytes)

    def articles() -> Iterator[Article]:  # planned on first use, as before
        for _, article in read_files(root, plan_files(root, report), report, limit):
            yield article

    return articles()


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


def _existing_root(path: str | os.PathLike[str]) -> Path:
    root = Path(path)
    if not root.exists():
        raise CorpusError(
            f"{root}: no such file or folder; give a corpus file, folder or archive "
            "(.tar.gz, .tgz, .tar, .zip)"
        )
    return root


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


def plan_files(root: str | os.PathLike[str], report: CorpusReport) -> list[CorpusFile]:
    """First pass: every file of ``root`` worth reading, with its format, in reading order.

    Reads at most ``SNIFF_BYTES`` of each file; problems go to ``report``.  Raises
    :class:`CorpusError` if ``root`` does not exist.
    """
    files: dict[str, CorpusFile] = {}
    folders: dict[str, list[Entry]] = {}
    structured: set[str] = set()
    prose: set[str] = set()
    books: dict[str, CodeBook] = {}
    data_folders: dict[str, str] = {}  # path -> folder of each file of structured data
    for entry, opener in walk(_existing_root(root), report):
        reason = ignore_reason(entry)
        if reason is not None:
            report.ignore(entry.path, reason)
            continue
        if is_code_book(entry.name):  # names the codes beside it; never an article
            with _unreadable_skipped(entry, report), opener() as handle:
                book = code_book_of(handle)
                report.ignore(entry.path, CODE_BOOK_REASON if book.names else "not a code book")
                books.update({entry.folder: book} if book.names else {})
            continue
        head = _sniff(entry, opener, report)
        if head is None:
            continue
        found = detect_format(entry, head)
        if not isinstance(found, Format):
            report.skip(entry.path, found)
            continue
        files[entry.path] = CorpusFile(entry.path, found, entry.size, entry.modified_ns)
        if found is Format.PLAIN:
            folders.setdefault(entry.folder, []).append(entry)
            if reads_like_article(head):
                prose.add(entry.path)
        if found in STRUCTURED:
            structured.add(entry.folder)
            data_folders[entry.path] = entry.folder
    for folder in structured:
        for entry in folders.get(folder, ()):
            if entry.path not in prose:
                del files[entry.path]
                report.ignore(entry.path, BESIDE_DATA_REASON)
    for path, folder in data_folders.items():
        if folder in books and path in files:
            files[path] = replace(files[path], code_book=books[folder])
    return list(files.values())


class ReadPosition:
    """How far :func:`read_files` is into the file it reads now, in that file's bytes
    (``CorpusFile.size`` counts the same bytes): a file of many records reports its
    progress long before it ends."""

    def __init__(self) -> None:
        self.handle: IO[bytes] | None = None

    def within_file(self) -> int:
        handle = self.handle
        if handle is None:
            return 0
        try:
            return handle.tell()
        except (OSError, ValueError):  # closed, or a stream that cannot tell
            return 0


def read_files(
    root: str | os.PathLike[str],
    files: Iterable[CorpusFile],
    report: CorpusReport,
    max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES,
    position: ReadPosition | None = None,
) -> Iterator[tuple[CorpusFile, Article]]:
    """Second pass: the articles of ``files`` (planned by :func:`plan_files` for
    ``root``, all of them or some) with the file each comes from, in reading order;
    ``position`` follows how far into its file the reading is.

    Only the listed files are opened (the rest of the walk lists names only).
    """
    wanted = {file.path: file for file in files}
    position = position or ReadPosition()
    for entry, opener in walk(Path(root), None):
        file = wanted.get(entry.path)
        if file is None:
            continue
        reading = _read_entry(entry, opener, file, report, max_article_bytes, position)
        for article in reading:
            report.counts[article.format] += 1
            yield file, article


def _read_entry(
    entry: Entry,
    opener: Opener,
    file: CorpusFile,
    report: CorpusReport,
    limit: int,
    position: ReadPosition,
) -> Iterator[Article]:
    with _unreadable_skipped(entry, report), opener() as handle:
        position.handle = handle
        try:
            yield from read_file(entry, handle, file.format, report, limit, file.code_book)
        finally:
            position.handle = None


def read_file(
    entry: Entry,
    handle: IO[bytes],
    article_format: Format,
    report: CorpusReport,
    max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES,
    code_book: CodeBook | None = None,
) -> Iterator[Article]:
    """The articles of one open file whose format is known (its codes named by
    ``code_book``, when its folder has one); problems go to ``report``."""
    try:
        page_parser = _PAGE_PARSERS.get(article_format)
        if page_parser is not None:
            yield from _read_page(entry, handle, report, max_article_bytes, page_parser)
        else:
            source = TextSource(handle, entry, report, max_article_bytes, code_book)
            yield from _READERS[article_format](source)
    except (ValueError, LookupError, TypeError, RecursionError) as error:
        # A reader bug or a pathological file must cost one file, never the run.
        report.skip(entry.path, f"cannot parse as {article_format}: {error}")


def _read_page(
    entry: Entry, handle: IO[bytes], report: CorpusReport, limit: int, parse: PageParser
) -> Iterator[Article]:
    """One article a file: plain text, an HTML page, a Markdown note."""
    data = handle.read(limit + 1)  # never more: the file may be a decompression bomb
    if len(data) > limit:
        report.skip(entry.path, too_large(limit))
        return
    declared = html_charset(data) if parse is parse_html else None
    decoded = decode_bytes(data, declared)
    if decoded.warning:
        report.warn(entry.path, decoded.warning, decoded.warning_line)
    try:
        article = parse(
            clean_text(decoded.text),
            article_id=entry.stem,
            path=entry.path,
            category=entry.category,
        )
    except ValueError as error:
        report.skip(entry.path, str(error) or "no article in file")
        return
    yield article if article.format else replace(article, format=Format.PLAIN.value)
