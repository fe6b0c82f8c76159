"""Planning a write: which articles to add, replace and delete, corpus by corpus.

The index records the corpora it was built from (in order) and, for every article, the
corpus it came from.  Reading a corpus *syncs* it: its new articles are added, changed
ones replaced, and its articles that vanished from it are deleted; the other corpora's
articles are left as they are.  The plan is made in one pass over the corpora being
read; the articles to write are kept from that pass when they are few, and read again
by the writer (in parallel, by worker processes) when they are many.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from corpus.model import Article
from corpus.reader import CorpusFile
from corpus.report import Skip
from index.corpus_files import FileWrites
from index.files_table import RecordedArticle
from index.identity import IdAssigner
from index.progress import ProgressMeter
from index.testing import checkpoint

#: Articles read between two estimates of the reading's total.
_ESTIMATE_EVERY = 100


@dataclass(slots=True)
class CorpusChanges:
    """What a write did to one corpus's articles."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    #: Not read: its folder or archive is gone (its articles were kept).
    missing: bool = False
    #: Read, but it gave no article at all (an unmounted or unreadable folder?): its
    #: articles were kept rather than all deleted; ``--remove`` deletes them.
    empty: bool = False
    #: Removed from the index on request (``--remove``): all its articles deleted.
    removed: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deleted or self.removed)

    @property
    def read(self) -> int:
        """Articles read from the corpus in this run."""
        return self.added + self.updated + self.unchanged


@dataclass(frozen=True, slots=True)
class IndexedArticle:
    """What the index holds about an article, to compare with the corpus."""

    corpus: str
    content_hash: str


@dataclass(slots=True)
class ChangePlan:
    """The writes and deletes one run makes (see the module docstring)."""

    #: The articles to write, file by file in reading order.
    files: list[FileWrites] = field(default_factory=list)
    #: How many articles that is.
    writes: int = 0
    #: The articles to write, kept from the planning pass (None when too many to keep).
    kept: list[tuple[str, Article]] | None = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)
    per_corpus: dict[str, CorpusChanges] = field(default_factory=dict)
    duplicates: list[Skip] = field(default_factory=list)
    #: Articles read (duplicates excluded).
    read: int = 0
    #: (id, corpus, content hash) of every article written, for the articles table.
    written: list[tuple[str, str, str]] = field(default_factory=list)
    #: The date of each article written (days since 1970, NaN when it has none or was
    #: not read in this pass), in the order of ``written``: a sharded index places
    #: articles by date (``index.shards``).
    written_dates: array[float] = field(default_factory=lambda: array("d"))

    def totals(self) -> CorpusChanges:
        total = CorpusChanges()
        for changes in self.per_corpus.values():
            total.added += changes.added
            total.updated += changes.updated
            total.deleted += changes.deleted
            total.unchanged += changes.unchanged
        return total


def plan_changes(
    source: Iterable[tuple[str, CorpusFile, Article | RecordedArticle]],
    targets: Iterable[str],
    existing: Mapping[str, IndexedArticle],
    *,
    keep_at_most: int,
    meter: ProgressMeter,
    total_bytes: int | None = None,
    bytes_read: Callable[[], int] | None = None,
) -> ChangePlan:
    """Compare the articles of the ``targets`` corpora (``source``, in reading order)
    with what the index holds (``existing``: id -> corpus and content hash).

    Ids held by articles of other corpora are claimed first, so those keep them.
    ``total_bytes`` (the size of every file ``source`` reads) and ``bytes_read`` (how
    many of them it has read, inside a file too) let the meter estimate the total as it
    goes: the articles so far, scaled by the bytes still to read.
    """
    targets = list(targets)
    plan = ChangePlan(per_corpus={root: CorpusChanges() for root in targets})
    ids = IdAssigner()
    synced = set(targets)
    for article_id, other in existing.items():
        if other.corpus not in synced:
            ids.claim(article_id, other.corpus, other.content_hash)
    meter.phase("reading")
    current: FileWrites | None = None
    number = articles = 0
    for root, file, original in source:
        if current is None or current.file is not file or current.root != root:
            current, number = FileWrites(root, file), 0
        number += 1
        articles += 1
        if total_bytes and bytes_read is not None and articles % _ESTIMATE_EVERY == 0:
            done = bytes_read()
            if done:
                meter.expect(round(articles * total_bytes / done))
        article = ids.assign(root, original)
        if article is None:
            continue
        changes = plan.per_corpus[root]
        indexed = existing.get(article.id)
        if indexed is not None and indexed.content_hash == article.content_hash:
            changes.unchanged += 1
        else:
            if indexed is None:
                changes.added += 1
            else:
                changes.updated += 1
                plan.deletes.append(article.id)
            if not current.numbers:
                plan.files.append(current)
            _plan_write(plan, current, number - 1, root, original, article, keep_at_most)
        plan.read += 1
        meter.advance(plan.read)
        if plan.read == 50:
            checkpoint("indexing")
    meter.phase("reading", plan.read, total=plan.read)  # the final count
    read_nothing = {root for root, changes in plan.per_corpus.items() if not changes.read}
    for article_id, gone in existing.items():
        # (only other corpora's ids are claimed: a synced corpus's id taken was read now)
        if gone.corpus in synced and not ids.taken(article_id):
            changes = plan.per_corpus[gone.corpus]
            if gone.corpus in read_nothing:  # never empty an archive on a hunch
                changes.empty = True
                changes.unchanged += 1
                continue
            plan.deletes.append(article_id)
            changes.deleted += 1
    plan.duplicates = ids.duplicates
    return plan


def _plan_write(
    plan: ChangePlan,
    writes: FileWrites,
    number: int,
    root: str,
    original: Article | RecordedArticle,
    article: Article | RecordedArticle,
    keep: int,
) -> None:
    plan.writes += 1
    writes.numbers.append(number)
    plan.written.append((article.id, root, article.content_hash))
    date = original.date if isinstance(original, Article) else None
    plan.written_dates.append(date_key(date) if date is not None else math.nan)
    if article.id != original.id:
        writes.renamed[number] = article.id
    if isinstance(article, RecordedArticle):
        plan.kept = None  # not read in this pass: the writer reads its file
    elif plan.kept is not None:
        plan.kept.append((root, article))
        if len(plan.kept) > keep:
            plan.kept = None  # too many to hold: the writer reads them again


def date_key(date: datetime) -> float:
    """Days since 1970-01-01 (a naive date, as articles carry them)."""
    return (date.replace(tzinfo=None) - _EPOCH).total_seconds() / 86_400


_EPOCH = datetime(1970, 1, 1)


def removal_deletes(
    plan: ChangePlan, removed: Iterable[str], existing: Mapping[str, IndexedArticle]
) -> None:
    """Add the deletion of every article of the ``removed`` corpora to ``plan``."""
    for root in removed:
        changes = plan.per_corpus.setdefault(root, CorpusChanges(removed=True))
        changes.removed = True
        for article_id, indexed in existing.items():
            if indexed.corpus == root:
                plan.deletes.append(article_id)
                changes.deleted += 1
