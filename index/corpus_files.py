"""The corpora of a write: planned once, then read whole or in disjoint shares.

The build reads its corpora twice at most, and no article more than twice: the planning
pass reads every file (to compare ids and content hashes with the index), and when many
articles are to be written, each worker process reads again only the files holding its
share of them (:func:`index.workers.write_with_workers`).  Files are planned once, by the
parent (``corpus.reader.plan_files``), so the workers open nothing else and agree with
the parent on every file's format.
"""

from __future__ import annotations

import dataclasses
import time
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corpus.extract.entities import with_entities
from corpus.formats import Format
from corpus.model import Article
from corpus.reader import CorpusFile, ReadPosition, plan_files, read_files
from corpus.report import CorpusReport, Skip
from corpus.streams import DEFAULT_MAX_ARTICLE_BYTES, check_limit
from index.entity_cache import entity_cache
from index.files_table import FileRecord, FilesTable, RecordedArticle, stamp

#: The one "file" of articles handed in directly (``build_index(articles=...)``); never opened.
GIVEN = CorpusFile("", Format.PLAIN, 0)


@dataclass(slots=True)
class FileWrites:
    """The articles of one corpus file to write, by their position among the file's
    articles (0 for the first), with the new id of those renamed (index/identity.py)
    and, in a sharded index, the shard each one goes to (index/shards.py)."""

    root: str
    file: CorpusFile
    #: (4 bytes each: the plan holds one per article to write)
    numbers: array[int] = field(default_factory=lambda: array("i"))
    renamed: dict[int, str] = field(default_factory=dict)
    #: The shard of each of ``numbers`` (1 byte each); empty: all go to the first.
    targets: array[int] = field(default_factory=lambda: array("b"))

    def piece(self, start: int, stop: int) -> FileWrites:
        """The same file with only ``numbers[start:stop]`` of its articles."""
        numbers = self.numbers[start:stop]
        renamed = {n: self.renamed[n] for n in numbers if n in self.renamed}
        return FileWrites(self.root, self.file, numbers, renamed, self.targets[start:stop])

    def joined(self, later: FileWrites) -> FileWrites:
        """This part of the file followed by ``later``, another part of it."""
        renamed = {**self.renamed, **later.renamed}
        return FileWrites(
            self.root, self.file, self.numbers + later.numbers, renamed,
            self.targets + later.targets,
        )  # fmt: skip

    def target_of(self) -> dict[int, int]:
        """Article position -> the shard it goes to."""
        targets = self.targets or array("b", bytes(len(self.numbers)))
        return dict(zip(self.numbers, targets, strict=True))


@dataclass(frozen=True, slots=True)
class CorpusFiles:
    """The corpora of a write with their planned files, readable again by any process."""

    roots: tuple[tuple[str, tuple[CorpusFile, ...]], ...]
    max_article_bytes: int | None = None
    #: Articles handed in directly instead of the roots' files (one :data:`GIVEN` file).
    given: tuple[tuple[str, Article], ...] | None = None
    #: Find people and organisations in the text of articles that do not list them.
    entities: bool = True
    #: The file that keeps what the entity pass found (``index.entity_cache``).
    entity_cache: str = ""
    #: ``--source`` names: (root, publisher) for the articles of a root that name none.
    sources: tuple[tuple[str, str], ...] = ()

    @classmethod
    def plan(
        cls,
        roots: Sequence[str],
        report: CorpusReport,
        max_article_bytes: int | None,
        *,
        entities: bool = True,
        entity_cache: str = "",
        sources: tuple[tuple[str, str], ...] = (),
    ) -> CorpusFiles:
        """Plan every file of ``roots`` (names and first bytes only)."""
        planned = tuple((root, tuple(plan_files(root, report))) for root in roots)
        return cls(
            planned, max_article_bytes, entities=entities, entity_cache=entity_cache,
            sources=sources,
        )  # fmt: skip

    def read(
        self,
        root: str,
        files: list[CorpusFile],
        report: CorpusReport,
        position: ReadPosition | None = None,
    ) -> Iterator[tuple[CorpusFile, Article]]:
        """The articles of ``files`` of ``root``, given the root's ``--source`` where
        they name none (a credit line or a record's own source wins)."""
        reading = read_files(Path(root), files, report, self.limit, position)
        publisher = dict(self.sources).get(root)
        if not publisher:
            yield from reading
            return
        for file, article in reading:
            if not article.source:
                article = dataclasses.replace(article, source=publisher, content_hash="")
            yield file, article

    @classmethod
    def of_articles(
        cls,
        articles: Iterable[Article],
        root: str,
        *,
        entities: bool = True,
        entity_cache: str = "",
    ) -> CorpusFiles:
        given = tuple((root, article) for article in articles)
        return cls((), None, given, entities=entities, entity_cache=entity_cache)

    def finished(self, article: Article) -> Article:
        """``article`` as it is written: with the names the entity pass finds, the
        costly part of reading, done only for the articles a write needs."""
        if not self.entities:
            return article
        cache = entity_cache(self.entity_cache) if self.entity_cache else None
        try:
            return with_entities(article, cache)
        except Exception:  # a model failure costs this article its names, never the build
            return article

    def code_names(self) -> dict[str, dict[str, dict[str, str]]]:
        """The names each planned root's code books give its codes (root -> field ->
        code -> name; roots without a book left out)."""
        found: dict[str, dict[str, dict[str, str]]] = {}
        for root, files in self.roots:
            for book in {file.code_book for file in files if file.code_book is not None}:
                for kind, codes in book.by_field().items():
                    found.setdefault(root, {}).setdefault(kind, {}).update(codes)
        return found

    @property
    def total_bytes(self) -> int:
        return sum(file.size for _, files in self.roots for file in files)

    @property
    def limit(self) -> int:
        return check_limit(self.max_article_bytes or DEFAULT_MAX_ARTICLE_BYTES)

    def given_articles(self) -> Iterator[tuple[str, CorpusFile, Article]]:
        """(root, :data:`GIVEN`, article) of the articles handed in directly."""
        return ((root, GIVEN, article) for root, article in self.given or ())

    def read_share(self, share: Sequence[FileWrites]) -> Iterator[tuple[str, Article, int]]:
        """(root, article, its shard) of the articles ``share`` names, renamed as
        planned; each file is read once, whatever the shards of its articles."""
        wanted = {(part.root, part.file.path): part for part in share}
        reading = self._read_only(wanted)
        current: tuple[str, str] | None = None
        number = 0
        targets: dict[int, int] = {}
        part: FileWrites | None = None
        for root, file, article in reading:
            key = (root, file.path)
            if key != current:
                current, number = key, 0
                part = wanted.get(key)
                targets = part.target_of() if part is not None else {}
            target = targets.get(number)
            if part is not None and target is not None:
                renamed = part.renamed.get(number)
                if renamed is not None:
                    article = dataclasses.replace(article, id=renamed)
                yield root, self.finished(article), target
            number += 1

    def _read_only(
        self, wanted: dict[tuple[str, str], FileWrites]
    ) -> Iterator[tuple[str, CorpusFile, Article]]:
        if self.given is not None:
            yield from self.given_articles()
            return
        report = CorpusReport()  # the planning pass reported every problem already
        for root, files in self.roots:
            mine = [file for file in files if (root, file.path) in wanted]
            if not mine:
                continue
            for file, article in self.read(root, mine, report):
                yield root, file, article


class PlanningRead:
    """The planning pass: every planned file's articles in reading order -- a file
    unchanged since the previous generation (same size and time, see
    :mod:`index.files_table`) replayed from its record, the others read -- and the
    records of them all for the next generation (``recorded``)."""

    def __init__(self, source: CorpusFiles, previous: FilesTable, report: CorpusReport) -> None:
        self.source = source
        self.previous = previous
        self.report = report
        self.recorded: FilesTable = {}
        #: The files read (not replayed) in this pass.
        self._read_now: list[tuple[str, str]] = []
        self._started_ns = time.time_ns()
        self._position = ReadPosition()
        self._bytes_done = 0  # of the files read or replayed to the end

    def bytes_read(self) -> int:
        """Bytes of the planned files read or replayed so far, inside a file too."""
        return self._bytes_done + self._position.within_file()

    def _unchanged(self, root: str, file: CorpusFile) -> FileRecord | None:
        record = self.previous.get((root, file.path))
        book = file.code_book.digest if file.code_book is not None else ""
        unchanged = record is not None and record.matches(file.size, file.modified_ns, book)
        return record if unchanged else None

    def __iter__(self) -> Iterator[tuple[str, CorpusFile, Article | RecordedArticle]]:
        if self.source.given is not None:
            yield from self.source.given_articles()
            return
        for root, files in self.source.roots:
            unchanged = [self._unchanged(root, file) for file in files]
            changed = [file for file, record in zip(files, unchanged, strict=True) if not record]
            reading = _Lookahead(self.source.read(root, changed, self.report, self._position))
            for file, record in zip(files, unchanged, strict=True):
                if record is not None:
                    yield from self._replay(root, file, record)
                    self._bytes_done += file.size
                    continue
                ids: list[str] = []
                hashes: list[str] = []
                counts: Counter[str] = Counter()
                while reading.next_file() is file:
                    article = next(reading)[1]
                    ids.append(article.id)
                    hashes.append(article.content_hash)
                    counts[article.format] += 1
                    yield root, file, article
                self.recorded[(root, file.path)] = FileRecord(
                    file.size, stamp(file.modified_ns, self._started_ns), tuple(ids),
                    tuple(hashes), counts, (), (),
                    file.code_book.digest if file.code_book is not None else "",
                )  # fmt: skip
                self._read_now.append((root, file.path))
                self._bytes_done += file.size
        self._attach_reports()

    def _replay(
        self, root: str, file: CorpusFile, record: FileRecord
    ) -> Iterator[tuple[str, CorpusFile, RecordedArticle]]:
        self.recorded[(root, file.path)] = record
        self.report.skipped.extend(record.skipped)
        self.report.warnings.extend(record.warnings)
        self.report.counts.update(record.counts)
        for article_id, content_hash in zip(record.ids, record.hashes, strict=True):
            yield root, file, RecordedArticle(article_id, content_hash, file.path)

    def _attach_reports(self) -> None:
        """Give each file read now its skips and warnings.  A file skipped whole (no line:
        unreadable, too large) is never replayed: it may be readable next time without
        changing (a permission fixed); a bad record (a line) is the file's content."""
        skipped: dict[str, list[Skip]] = {}
        warned: dict[str, list[Skip]] = {}
        for entry in self.report.skipped:
            skipped.setdefault(entry.path, []).append(entry)
        for entry in self.report.warnings:
            warned.setdefault(entry.path, []).append(entry)
        for key in self._read_now:
            path = key[1]
            if path in skipped or path in warned:
                record = self.recorded[key]
                self.recorded[key] = dataclasses.replace(
                    record,
                    modified_ns=0 if _skipped_whole(skipped.get(path)) else record.modified_ns,
                    skipped=tuple(skipped.get(path, ())),
                    warnings=tuple(warned.get(path, ())),
                )


def _skipped_whole(skips: list[Skip] | None) -> bool:
    return any(skip.line is None for skip in skips or ())


class _Lookahead:
    """An iterator of (file, article) that can tell which file comes next."""

    def __init__(self, items: Iterator[tuple[CorpusFile, Article]]) -> None:
        self._items = items
        self._next: tuple[CorpusFile, Article] | None = None

    def next_file(self) -> CorpusFile | None:
        if self._next is None:
            self._next = next(self._items, None)
        return None if self._next is None else self._next[0]

    def __next__(self) -> tuple[CorpusFile, Article]:
        if self.next_file() is None:
            raise StopIteration
        item, self._next = self._next, None
        assert item is not None
        return item
