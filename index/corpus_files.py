"""The corpora of a write: planned once, then read whole or in disjoint shares.

The build reads its corpora twice at most, and no article more than twice: the planning
pass reads every file (to compare ids and content hashes with the index), and when many
articles are to be written, each worker process reads again only the files holding its
share of them (:func:`index.sharded.write_shards`).  Files are planned once, by the
parent (``corpus.reader.plan_files``), so the workers open nothing else and agree with
the parent on every file's format.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corpus.formats import Format
from corpus.model import Article
from corpus.reader import CorpusFile, plan_files, read_files
from corpus.report import CorpusReport
from corpus.streams import DEFAULT_MAX_ARTICLE_BYTES, check_limit

#: The one "file" of articles handed in directly (``build_index(articles=...)``); never opened.
GIVEN = CorpusFile("", Format.PLAIN, 0)


@dataclass(slots=True)
class FileWrites:
    """The articles of one corpus file to write, by their position among the file's
    articles (0 for the first), with the new id of those renamed (index/identity.py)."""

    root: str
    file: CorpusFile
    numbers: list[int] = field(default_factory=list)
    renamed: dict[int, str] = field(default_factory=dict)

    def part(self, numbers: list[int]) -> FileWrites:
        """The same file with only ``numbers`` of its articles."""
        renamed = {n: self.renamed[n] for n in numbers if n in self.renamed}
        return FileWrites(self.root, self.file, numbers, renamed)

    def joined(self, later: FileWrites) -> FileWrites:
        """This part of the file followed by ``later``, another part of it."""
        renamed = {**self.renamed, **later.renamed}
        return FileWrites(self.root, self.file, self.numbers + later.numbers, renamed)


@dataclass(frozen=True, slots=True)
class CorpusFiles:
    """The corpora of a write with their planned files, readable again by any process."""

    roots: tuple[tuple[str, tuple[CorpusFile, ...]], ...]
    max_article_bytes: int | None = None
    #: Articles handed in directly instead of the roots' files (one :data:`GIVEN` file).
    given: tuple[tuple[str, Article], ...] | None = None

    @classmethod
    def plan(
        cls, roots: Sequence[str], report: CorpusReport, max_article_bytes: int | None
    ) -> CorpusFiles:
        """Plan every file of ``roots`` (names and first bytes only)."""
        planned = tuple((root, tuple(plan_files(root, report))) for root in roots)
        return cls(planned, max_article_bytes)

    @classmethod
    def of_articles(cls, articles: Iterable[Article], root: str) -> CorpusFiles:
        return cls((), None, tuple((root, article) for article in articles))

    @property
    def total_bytes(self) -> int:
        return sum(file.size for _, files in self.roots for file in files)

    def read(self, report: CorpusReport) -> Iterator[tuple[str, CorpusFile, Article]]:
        """(root, file, article) of every planned file, in reading order."""
        if self.given is not None:
            for root, article in self.given:
                yield root, GIVEN, article
            return
        limit = check_limit(self.max_article_bytes or DEFAULT_MAX_ARTICLE_BYTES)
        for root, files in self.roots:
            for file, article in read_files(Path(root), files, report, limit):
                yield root, file, article

    def read_share(self, share: Sequence[FileWrites]) -> Iterator[tuple[str, Article]]:
        """(root, article) of the articles ``share`` names, renamed as planned."""
        wanted = {(part.root, part.file.path): part for part in share}
        reading = self._read_only(wanted) if self.given is None else self.read(CorpusReport())
        current: tuple[str, str] | None = None
        number = 0
        numbers: set[int] = set()
        part: FileWrites | None = None
        for root, file, article in reading:
            key = (root, file.path)
            if key != current:
                current, number = key, 0
                part = wanted.get(key)
                numbers = set(part.numbers) if part is not None else set()
            if part is not None and number in numbers:
                renamed = part.renamed.get(number)
                if renamed is not None:
                    article = dataclasses.replace(article, id=renamed)
                yield root, article
            number += 1

    def _read_only(
        self, wanted: dict[tuple[str, str], FileWrites]
    ) -> Iterator[tuple[str, CorpusFile, Article]]:
        limit = check_limit(self.max_article_bytes or DEFAULT_MAX_ARTICLE_BYTES)
        report = CorpusReport()  # the planning pass reported every problem already
        for root, files in self.roots:
            mine = [file for file in files if (root, file.path) in wanted]
            if not mine:
                continue
            for file, article in read_files(Path(root), mine, report, limit):
                yield root, file, article
